// The inbox: customers waiting for an answer, most urgent SLA first (the server's order),
// each with the time left (or how long overdue), and a reply from a template or in the
// rep's own words.

import { request, NetworkError } from "../api.js";
import { t, duration, relativeTime } from "../i18n.js";
import { reply } from "../actions.js";
import { h, clear, sentimentBadge, networkBadge, announce } from "../ui.js";

function timeLeft(item, readAt) {
  if (item.time_left_seconds === null || item.time_left_seconds === undefined) {
    return h("span", { class: "sla none" }, t("no_sla"));
  }
  const left = item.time_left_seconds - Math.round((Date.now() - readAt) / 1000);
  return left < 0
    ? h("span", { class: "sla overdue" }, t("overdue", { t: duration(left) }))
    : h("span", { class: `sla${left < 3600 ? " soon" : ""}` }, t("time_left", { t: duration(left) }));
}

function itemView(item, readAt) {
  const card = item.customer_id && item.customer_module
    ? `#/card/${item.customer_module.toLowerCase()}/${encodeURIComponent(item.customer_id)}` : null;
  const who = item.customer_name || item.author_name || "?";
  return h("li", { class: "item inbox-item", dataset: { id: item.id } },
    h("div", { class: "item-head" }, networkBadge(item.network), timeLeft(item, readAt),
      item.occurred_at ? h("time", { datetime: item.occurred_at }, relativeTime(item.occurred_at)) : null),
    h("p", { class: "item-title" }, who),
    item.body ? h("p", { class: "item-summary" }, item.body) : null,
    h("div", { class: "item-meta" }, sentimentBadge(item.sentiment_label),
      item.case_name ? h("span", {}, item.case_name) : null),
    h("div", { class: "item-actions" },
      h("button", { type: "button", class: "small primary", "aria-label": `${t("reply")}: ${who}`,
                    onclick: () => reply({ id: item.id, customer_name: who, body: item.body }) }, t("reply")),
      card ? h("a", { href: card, class: "button small", "aria-label": `${t("open_card")}: ${who}` },
        t("open_card")) : null));
}

export async function showInbox(view) {
  const list = h("ul", { class: "feed", "aria-busy": "true" });
  const counts = h("p", { class: "feed-summary" });
  const refresh = h("button", { type: "button", class: "icon-button", "aria-label": t("refresh"),
                                onclick: () => load() }, "⟳");
  clear(view, h("div", { class: "screen-head" }, h("h1", {}, t("inbox")), refresh), counts, list);

  async function load() {
    list.setAttribute("aria-busy", "true");
    try {
      const page = await request("GET", "/inbox", { query: { limit: 50 } });
      const readAt = Date.now();
      counts.textContent = t("waiting_total", { n: page.total, o: page.overdue });
      clear(list, page.items.length ? page.items.map((item) => itemView(item, readAt))
        : h("li", { class: "empty" }, t("inbox_empty")));
    } catch (error) {
      announce(error instanceof NetworkError ? t("offline") : t("error", { m: error.message }));
    } finally {
      list.setAttribute("aria-busy", "false");
    }
  }
  await load();
  return null;
}
