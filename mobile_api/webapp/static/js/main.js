// The app's start: language, service worker, session, then the screen the address names.
// Screens are addressed by the URL's hash (#/feed, #/inbox, #/queue, #/card/contacts/<id>,
// #/record/opportunities/<id>, #/item/<feed item id>), so the back button works and the
// one cached page serves them all offline.

import { loadSession, logout, currentUser } from "./api.js";
import { on } from "./bus.js";
import { LANGUAGES, language, setLanguage, t, translateStatic } from "./i18n.js";
import { entries, flush, startOutbox } from "./outbox.js";
import { h, clear } from "./ui.js";
import { showLogin } from "./views/login.js";
import { showFeed } from "./views/feed.js";
import { showInbox } from "./views/inbox.js";
import { showCard, showRecord, showItem } from "./views/record.js";
import { showQueue, renderTray } from "./views/queue.js";

const view = document.getElementById("view");
const SCREENS = [
  [/^#\/feed$/, () => showFeed(view)],
  [/^#\/inbox$/, () => showInbox(view)],
  [/^#\/queue$/, () => showQueue(view)],
  [/^#\/card\/(contacts|leads)\/([^/]+)$/, (m) => showCard(view, m[1], decodeURIComponent(m[2]))],
  [/^#\/record\/(accounts|opportunities|cases|contacts|leads)\/([^/]+)$/,
    (m) => showRecord(view, m[1], decodeURIComponent(m[2]))],
  [/^#\/item\/([^/]+)$/, (m) => showItem(view, decodeURIComponent(m[1]))],
];

let leaving = null;  // the current screen's clean-up

async function route() {
  if (leaving) { leaving(); leaving = null; }
  const signedIn = Boolean(currentUser());
  document.getElementById("tabs").hidden = !signedIn;
  document.getElementById("logout").hidden = !signedIn;
  if (!signedIn) {
    leaving = showLogin(view);
    return;
  }
  const hash = location.hash || "#/feed";
  const match = SCREENS.map(([pattern, show]) => [hash.match(pattern), show]).find(([m]) => m);
  if (!match) { location.hash = "#/feed"; return; }
  for (const tab of document.querySelectorAll("[data-tab]")) {
    const current = hash.startsWith(`#/${tab.dataset.tab}`);
    if (current) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
  }
  leaving = (await match[1](match[0])) || null;
}

async function showStatus() {
  const status = document.getElementById("status");
  const mine = currentUser() ? await entries() : [];
  const waiting = mine.filter((e) => e.state === "waiting" || e.state === "sent").length;
  const badge = document.getElementById("queue-count");
  badge.hidden = waiting === 0;
  badge.textContent = String(waiting);
  badge.setAttribute("aria-label", t("waiting_n", { n: waiting }));
  const parts = [navigator.onLine ? null : t("offline_short"),
    waiting ? t("waiting_n", { n: waiting }) : null].filter(Boolean);
  const text = parts.length ? parts.join(" · ") : currentUser() ? t("online") : "";
  status.textContent = text;
  status.title = navigator.onLine ? "" : t("offline");
  status.dataset.state = navigator.onLine ? (waiting ? "busy" : "ok") : "offline";
  renderTray(document.getElementById("tray"));
}

function setUpLanguage() {
  const select = document.getElementById("language");
  clear(select, LANGUAGES.map(([code, name]) => h("option", { value: code, lang: code }, name)));
  select.value = language();
  setLanguage(language());
  select.addEventListener("change", () => { setLanguage(select.value); route(); showStatus(); });
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("sw.js", { scope: "./" });
  } catch (error) {
    console.warn("no offline support:", error);
  }
}

async function start() {
  setUpLanguage();
  translateStatic();
  registerWorker();
  await loadSession();
  document.getElementById("logout").addEventListener("click", async () => {
    await logout();
    if ("caches" in window) await caches.delete("socialcrm-api-reads");
    location.hash = "#/feed";
  });
  on("session", ({ user }) => { route(); showStatus(); if (user) flush(); });
  on("outbox", showStatus);
  on("network", showStatus);
  window.addEventListener("hashchange", () => { route(); showStatus(); });
  // The screen is drawn at once and its data follows: the app takes input before the
  // network (slow, or absent) has answered.
  const routed = route();
  document.body.dataset.ready = "true";  // for tests and measurements: the app is interactive
  performance.mark("app-interactive");
  await showStatus();
  startOutbox();
  await routed;
}

start();
