// The rep's actions and where each stands; a conflict shows the server's and the rep's
// values side by side with the choice of keeping one. The tray (on every screen) shows
// what needs the rep: conflicts and refused actions.

import { t, relativeTime } from "../i18n.js";
import { entries, keepMine, takeTheirs, dismiss, flush } from "../outbox.js";
import { on } from "../bus.js";
import { h, clear, announce } from "../ui.js";

const NEEDS_REP = new Set(["conflict", "failed", "rejected"]);

function show(value) {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}

function conflictView(entry) {
  const conflict = entry.update.conflict;
  const names = Object.keys(conflict.yours);
  return h("div", { class: "conflict" },
    h("p", { class: "conflict-title" }, t("conflict_title")),
    h("table", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("field")),
        h("th", { scope: "col" }, t("theirs")), h("th", { scope: "col" }, t("mine")))),
      h("tbody", {}, names.map((name) => h("tr", { class: conflict.fields.includes(name) ? "differs" : "" },
        h("th", { scope: "row" }, t(name)), h("td", { class: "theirs" }, show(conflict.server[name])),
        h("td", { class: "mine" }, show(conflict.yours[name])))))),
    h("div", { class: "item-actions" },
      h("button", { type: "button", class: "small primary", onclick: async () => {
        await keepMine(entry);
        announce(t("queued_ok"));
      } }, t("keep_mine")),
      h("button", { type: "button", class: "small", onclick: () => takeTheirs(entry) }, t("take_theirs"))));
}

function entryView(entry) {
  const reason = entry.state === "failed" ? entry.update && entry.update.reason
    : entry.state === "rejected" ? entry.message : null;
  const record = entry.update && entry.update.record;
  return h("li", { class: `entry state-${entry.state}`, dataset: {
    key: entry.key, state: entry.state, record: record ? `${record.module}:${record.id}` : "" } },
    h("div", { class: "item-head" }, h("span", { class: "state" }, t(`state_${entry.state}`)),
      h("time", { datetime: entry.client_time }, relativeTime(entry.client_time))),
    h("p", { class: "item-title" }, entry.label),
    reason ? h("p", { class: "error" }, reason) : null,
    entry.state === "conflict" ? conflictView(entry) : null,
    entry.state === "failed" || entry.state === "rejected"
      ? h("button", { type: "button", class: "small", onclick: () => dismiss(entry) }, t("dismiss")) : null);
}

export async function renderTray(tray) {
  // The queue screen lists them itself.
  const urgent = location.hash === "#/queue" ? []
    : (await entries()).filter((e) => NEEDS_REP.has(e.state));
  clear(tray, urgent.length ? h("ul", { class: "entries" }, urgent.map(entryView)) : null);
  tray.hidden = urgent.length === 0;
}

export async function showQueue(view) {
  const list = h("ul", { class: "entries" });
  async function render() {
    const all = (await entries()).slice().reverse();
    clear(list, all.length ? all.map(entryView) : h("li", { class: "empty" }, t("queue_empty")));
  }
  clear(view, h("div", { class: "screen-head" }, h("h1", {}, t("queue_title")),
    h("button", { type: "button", class: "icon-button", "aria-label": t("refresh"),
                  onclick: () => flush() }, "⟳")), list);
  await render();
  return on("outbox", () => render());
}
