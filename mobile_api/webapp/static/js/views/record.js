// A person's card (contact or lead: social profiles, sentiment, advocate score, recent
// interactions), a record's detail (account, deal, case), or a feed item on its own (a
// call, a note, a task), each with the actions that fit it.

import { request, ApiError, NetworkError } from "../api.js";
import { t, relativeTime, dateTime } from "../i18n.js";
import { logCall, addNote, editContact, moveDeal, completeTask, reply } from "../actions.js";
import { seenItems, recordOf } from "./feed.js";
import { h, clear, sentimentBadge, networkBadge } from "../ui.js";

const MODULES = { contacts: "Contacts", leads: "Leads", accounts: "Accounts",
                  opportunities: "Opportunities", cases: "Cases" };

function back() {
  return h("button", { type: "button", class: "link-button back", onclick: () => history.back() },
    "‹ ", t("back"));
}

function facts(rows) {
  const shown = rows.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return h("dl", { class: "facts" }, shown.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

function failure(view, error) {
  const text = error instanceof ApiError && error.status === 404 ? t("not_found")
    : error instanceof NetworkError ? t("offline") : t("error", { m: error.message });
  clear(view, back(), h("p", { class: "error", role: "alert" }, text));
}

function actionBar(buttons) {
  return h("div", { class: "action-bar" }, buttons.filter(Boolean));
}

export async function showCard(view, kind, id) {
  clear(view, back(), h("p", { class: "loading" }, t("loading")));
  let card;
  try {
    card = await request("GET", `/cards/${kind}/${encodeURIComponent(id)}`);
  } catch (error) {
    failure(view, error);
    return null;
  }
  const person = card.person;
  const name = person.name || [person.first_name, person.last_name].filter(Boolean).join(" ");
  const parent = { module: MODULES[kind], id: person.id, name };
  const sentiment = card.sentiment;
  clear(view, back(),
    h("article", { class: "card" },
      h("h1", {}, name),
      facts([[t("title"), person.title], [t("account"), person.account_name],
        [t("email"), person.email1], [t("phone_mobile"), person.phone_mobile],
        [t("phone_work"), person.phone_work], [t("status"), person.status]]),
      h("div", { class: "scores" },
        h("p", {}, t("sentiment"), ": ", sentimentBadge(sentiment.label) || "—",
          sentiment.average !== null ? ` (${sentiment.average.toFixed(2)})` : ""),
        h("p", {}, t("advocate"), ": ", h("strong", {}, String(card.advocate.score)))),
      actionBar([
        h("button", { type: "button", class: "primary", onclick: () => logCall(parent) }, t("log_call")),
        h("button", { type: "button", onclick: () => addNote(parent) }, t("add_note")),
        kind === "contacts"
          ? h("button", { type: "button", onclick: () => editContact({ ...person, name }) }, t("edit_contact"))
          : null]),
      card.profiles.length ? h("section", { "aria-label": t("profiles") }, h("h2", {}, t("profiles")),
        h("ul", { class: "profiles" }, card.profiles.map((p) => h("li", {}, networkBadge(p.network), " ",
          p.profile_url ? h("a", { href: p.profile_url, rel: "noopener noreferrer", target: "_blank" },
            p.display_name || p.handle) : (p.display_name || p.handle),
          p.followers !== null ? h("small", {}, " · ", t("followers", { n: p.followers })) : null)))) : null,
      h("section", { "aria-label": t("recent") }, h("h2", {}, t("recent")),
        h("ul", { class: "interactions" }, card.recent_interactions.map((i) => h("li", {},
          h("div", { class: "item-head" }, networkBadge(i.network), sentimentBadge(i.sentiment_label),
            i.occurred_at ? h("time", { datetime: i.occurred_at }, relativeTime(i.occurred_at)) : null),
          h("p", {}, i.body || ""),
          i.direction === "inbound" ? h("button", { type: "button", class: "small",
            onclick: () => reply({ id: i.id, customer_name: name, body: i.body }) }, t("reply")) : null))))));
  return null;
}

export async function showRecord(view, kind, id) {
  if (kind === "contacts" || kind === "leads") return showCard(view, kind, id);
  clear(view, back(), h("p", { class: "loading" }, t("loading")));
  let record;
  try {
    record = await request("GET", `/records/${kind}/${encodeURIComponent(id)}`);
  } catch (error) {
    failure(view, error);
    return null;
  }
  const parent = { module: MODULES[kind], id: record.id, name: record.name };
  clear(view, back(), h("article", { class: "card" },
    h("h1", {}, record.name || ""),
    facts([[t("account"), record.account_name], [t("sales_stage"), record.sales_stage],
      [t("amount"), record.amount], [t("date_closed"), record.date_closed], [t("status"), record.status],
      [t("description"), record.description]]),
    actionBar([
      kind === "opportunities" ? h("button", { type: "button", class: "primary",
        onclick: () => moveDeal({ id: record.id, name: record.name, sales_stage: record.sales_stage,
                                  amount: record.amount }) }, t("move_deal")) : null,
      h("button", { type: "button", onclick: () => logCall(parent) }, t("log_call")),
      h("button", { type: "button", onclick: () => addNote(parent) }, t("add_note"))])));
  return null;
}

export async function showItem(view, itemId) {
  const item = seenItems.get(itemId);
  if (!item) { location.hash = "#/feed"; return null; }
  clear(view, back(), h("article", { class: "card" },
    h("h1", {}, item.title),
    facts([[t("status"), item.status], [t("description"), item.summary],
      [t("who"), item.actor], [t("when"), dateTime(item.at)]]),
    item.kind === "task" && item.status !== "Completed" ? actionBar([
      h("button", { type: "button", class: "primary", onclick: (event) => {
        event.currentTarget.disabled = true;
        completeTask({ id: recordOf(item).id, name: item.title });
      } }, t("complete_task"))]) : null));
  return null;
}
