// The feed: the rep's timeline newest first, a page at a time by cursor (more load as the
// end scrolls into view), refreshed by a pull from the top or the refresh button, filtered
// by kind. Items newer than what the rep last saw are marked (the mark is kept on the
// phone). Pages come through the service worker, which keeps the last ones for offline.

import { request, currentUser, NetworkError } from "../api.js";
import { kv } from "../db.js";
import { on } from "../bus.js";
import { t, relativeTime } from "../i18n.js";
import { completeTask, moveDeal } from "../actions.js";
import { entries } from "../outbox.js";
import { h, clear, sentimentBadge, networkBadge, announce } from "../ui.js";

const PAGE = 20;
const PULL_PX = 70;
const APPEND_PER_FRAME = 5;  // items appended per animation frame while scrolling (no idle callbacks)
const IDLE_LEFT_MS = 6;      // another item is built in an idle period only with this much left
const IDLE_WAIT_MS = 250;    // an item waits at most this long for an idle period
export const FILTERS = [["all", []], ["social", ["interaction"]], ["cases", ["case"]],
  ["leads", ["lead"]], ["my_tasks", ["task"]]];

// Kept while the app runs, so coming back from a card shows the same list.
const state = { filter: "all", items: [], cursor: null, done: false, unreadSince: null, user: null };
export const seenItems = new Map();  // item id → item, for #/item/<id>

// The record an item is about: its id is the record's `Module:id` (a page kept on the
// phone by an older version of the app named the two apart).
export function recordOf(item) {
  if (item.module) return { module: item.module, id: item.record_id };
  const colon = item.id.indexOf(":");
  return { module: item.id.slice(0, colon), id: item.id.slice(colon + 1) };
}

// Where tapping an item leads: a person's card, a record's detail, or the item itself.
export function targetOf(item) {
  const people = { Contacts: "contacts", Leads: "leads" };
  const record = recordOf(item);
  if (people[record.module]) return `#/card/${people[record.module]}/${encodeURIComponent(record.id)}`;
  const person = (item.related || []).find((r) => r.startsWith("Contacts:") || r.startsWith("Leads:"));
  if (person) {
    const [module, id] = person.split(":");
    return `#/card/${people[module]}/${encodeURIComponent(id)}`;
  }
  const details = { Accounts: "accounts", Opportunities: "opportunities", Cases: "cases" };
  if (details[record.module]) return `#/record/${details[record.module]}/${encodeURIComponent(record.id)}`;
  return `#/item/${encodeURIComponent(item.id)}`;
}

// The first page of each filter is also kept on the phone: without a network the rep
// still sees the feed as last read, even one read before the service worker took over.
async function loadPage(reset) {
  const kinds = FILTERS.find(([name]) => name === state.filter)[1];
  const kept = `feed-page:${state.user}:${state.filter}`;
  let page;
  try {
    page = await request("GET", "/feed", { query: {
      limit: PAGE, type: kinds, cursor: reset ? undefined : state.cursor } });
    if (reset) await kv.set(kept, page);
  } catch (error) {
    page = reset && error instanceof NetworkError ? await kv.get(kept) : null;
    if (!page) throw error;
  }
  state.items = reset ? page.items : state.items.concat(page.items);
  state.cursor = page.next_cursor;
  state.done = !page.next_cursor;
  for (const item of page.items) seenItems.set(item.id, item);
}

async function markSeen() {
  const key = `seen:${currentUser().id}`;
  const last = (await kv.get(key)) || null;
  if (state.unreadSince === null) state.unreadSince = last || "";
  const newest = state.items.reduce((top, item) => (item.at > top ? item.at : top), last || "");
  if (newest && newest !== last) await kv.set(key, newest);
}

function itemView(item, doneTasks) {
  const unread = state.unreadSince !== null && item.at > state.unreadSince;
  const record = recordOf(item);
  const actions = [];
  if (item.kind === "task" && item.status !== "Completed") {
    const done = doneTasks.has(record.id);
    actions.push(h("button", { type: "button", class: "small", disabled: done,
      "aria-label": `${t(done ? "task_done" : "complete_task")}: ${item.title}`,
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        event.currentTarget.textContent = t("task_done");
        await completeTask({ id: record.id, name: item.title });
      } }, t(done ? "task_done" : "complete_task")));
  }
  if (item.kind === "opportunity") {
    actions.push(h("button", { type: "button", class: "small",
      "aria-label": `${t("move_deal")}: ${item.title}`,
      onclick: () => moveDeal({ id: record.id, name: item.title, sales_stage: item.status }) },
    t("move_deal")));
  }
  return h("li", { class: `item kind-${item.kind}${unread ? " unread" : ""}`,
                   dataset: { id: item.id, record: `${record.module}:${record.id}` } },
    h("a", { href: targetOf(item), class: "item-link" },
      h("span", { class: "item-head" },
        networkBadge(item.network),
        h("span", { class: "kind" }, t(`kind_${item.kind}`)),
        unread ? h("span", { class: "new-marker" }, t("new_marker")) : null,
        h("time", { datetime: item.at }, relativeTime(item.at))),
      h("span", { class: "item-title" }, item.title),
      item.summary ? h("span", { class: "item-summary" }, item.summary) : null,
      h("span", { class: "item-meta" },
        sentimentBadge(item.sentiment),
        item.status ? h("span", { class: "item-status" }, item.status) : null,
        item.actor ? h("span", { class: "actor" }, t("by", { who: item.actor })) : null)),
    actions.length ? h("div", { class: "item-actions" }, actions) : null);
}

export async function showFeed(view) {
  if (state.user !== currentUser().id) {
    Object.assign(state, { filter: "all", items: [], cursor: null, done: false, unreadSince: null,
                           user: currentUser().id });
  }
  const list = h("ul", { class: "feed", "aria-busy": "false" });
  const footer = h("div", { class: "feed-footer" });
  const summary = h("p", { class: "feed-summary", "aria-live": "polite" });
  const pull = h("div", { class: "pull", "aria-hidden": "true" }, t("pull_to_refresh"));
  const chips = h("div", { class: "chips", role: "group", "aria-label": t("filters") },
    FILTERS.map(([name]) => h("button", { type: "button", class: "chip",
      "aria-pressed": String(state.filter === name), dataset: { filter: name },
      onclick: () => { state.filter = name; refresh(); } }, t(name))));
  const refreshButton = h("button", { type: "button", class: "icon-button", "aria-label": t("refresh"),
                                      onclick: () => refresh() }, "⟳");
  let loading = false;
  let generation = 0;  // a whole-list render makes the appends still pending stale

  async function doneTasks() {
    return new Set((await entries())
      .filter((e) => e.body.type === "complete_task" && e.state !== "rejected" && e.state !== "failed")
      .map((e) => e.body.task_id));
  }

  // The whole list (a refresh, a filter, a task completed), or only the page just read:
  // appending keeps scrolling smooth while more pages arrive.
  async function render(from = 0) {
    const done = await doneTasks();
    const fresh = state.items.slice(from);
    if (from === 0) {
      generation += 1;
      clear(list, fresh.map((item) => itemView(item, done)));
    } else {
      appendInFrames(fresh, done, generation);
    }
    for (const chip of chips.children) chip.setAttribute("aria-pressed", String(chip.dataset.filter === state.filter));
    const unread = state.items.filter((i) => state.unreadSince && i.at > state.unreadSince).length;
    summary.textContent = unread ? t("new_items", { n: unread }) : "";
    clear(footer, state.items.length === 0 ? h("p", {}, t("no_items"))
      : state.done ? h("p", {}, t("end_of_feed"))
      : h("button", { type: "button", class: "load-more", onclick: () => more() }, t("load_more")));
  }

  // A page read while the rep scrolls is built and laid out in the idle time between
  // frames, an item or two at a time: a frame that scrolls never also lays out new items
  // (on a slow phone that cost the frames at each page's arrival). Browsers without idle
  // callbacks (Safari) append a few items per animation frame instead.
  function appendInFrames(items, done, mine) {
    if (mine !== generation || !items.length) return;
    if (!window.requestIdleCallback) {
      list.append(...items.slice(0, APPEND_PER_FRAME).map((item) => itemView(item, done)));
      requestAnimationFrame(() => appendInFrames(items.slice(APPEND_PER_FRAME), done, mine));
      return;
    }
    requestIdleCallback((deadline) => {
      if (mine !== generation) return;
      let next = 0;
      do {
        const view = itemView(items[next++], done);
        list.append(view);
        view.getBoundingClientRect();  // its layout now, in idle time, not in the next frame
      } while (next < items.length && deadline.timeRemaining() > IDLE_LEFT_MS);
      appendInFrames(items.slice(next), done, mine);
    }, { timeout: IDLE_WAIT_MS });
  }

  async function run(reset) {
    if (loading) return;
    loading = true;
    const shown = reset ? 0 : state.items.length;
    list.setAttribute("aria-busy", "true");
    try {
      await loadPage(reset);
      await markSeen();
    } catch (error) {
      announce(error instanceof NetworkError ? t("offline") : t("error", { m: error.message }));
    } finally {
      loading = false;
      list.setAttribute("aria-busy", "false");
    }
    await render(shown);
  }

  const refresh = () => { state.unreadSince = null; return run(true); };
  const more = () => (state.done ? null : run(false));

  // More as the end comes into view (the button does the same for keyboards and readers).
  const observer = new IntersectionObserver((seen) => {
    if (seen.some((s) => s.isIntersecting) && !loading && !state.done && state.items.length) more();
  }, { rootMargin: "400px" });
  observer.observe(footer);

  // Pull to refresh: a downward drag that starts at the top of the page.
  let startY = null;
  const touchStart = (e) => { startY = window.scrollY === 0 ? e.touches[0].clientY : null; };
  const touchMove = (e) => {
    if (startY === null) return;
    const pulled = e.touches[0].clientY - startY;
    pull.classList.toggle("armed", pulled > PULL_PX);
    pull.style.height = `${Math.max(0, Math.min(pulled, PULL_PX * 1.5))}px`;
  };
  const touchEnd = () => {
    if (pull.classList.contains("armed")) refresh();
    pull.classList.remove("armed");
    pull.style.height = "0px";
    startY = null;
  };
  view.addEventListener("touchstart", touchStart, { passive: true });
  view.addEventListener("touchmove", touchMove, { passive: true });
  view.addEventListener("touchend", touchEnd);
  const unsubscribe = [on("applied", () => refresh()), on("outbox", () => render())];

  clear(view, pull, h("div", { class: "screen-head" }, h("h1", {}, t("feed")), refreshButton),
    chips, summary, list, footer);
  if (state.items.length) await render(); else await run(true);

  return () => {
    observer.disconnect();
    view.removeEventListener("touchstart", touchStart);
    view.removeEventListener("touchmove", touchMove);
    view.removeEventListener("touchend", touchEnd);
    unsubscribe.forEach((off) => off());
  };
}
