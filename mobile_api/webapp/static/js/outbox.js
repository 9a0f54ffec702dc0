// The rep's actions on their way to SuiteCRM. Every action is stored in IndexedDB first,
// with its Idempotency-Key made once, and only then sent: an action taken offline, or one
// whose answer was lost, is sent again later with the same key, and the server writes it
// once. Actions are sent in the order made (one batch carries them in that order) and one
// flush runs at a time, across tabs too (Web Locks).
//
// An entry's state: waiting (not yet accepted) → sent (accepted, a worker writes it) →
// applied | conflict | failed; "rejected" is an action the server refused at once.

import { outbox } from "./db.js";
import { request, currentUser, ApiError, NetworkError, SignedOut } from "./api.js";
import { emit } from "./bus.js";

const BATCH_LIMIT = 100;          // the API's maximum per batch
const POLL_MS = 1500;             // while a worker writes what was accepted (soon, normally)
const SLOW_POLL_MS = 20_000;      // once it has waited a minute: the workers may be busy
const RETRY_MS = 5000;            // while the network or the server is away
const KEEP_DONE_MS = 24 * 3600e3; // applied actions stay visible for a day
const FINAL = new Set(["applied", "conflict", "failed", "rejected"]);

let timer = null;
let flushing = null;
let again = false;  // asked to flush while one ran: run once more after it

function newKey() {
  if (crypto.randomUUID) return `app-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "app-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function entries() {
  const user = currentUser();
  return (await outbox.all()).filter((entry) => user && entry.user_id === user.id);
}

// Store an action (body as POST /updates takes it) and try to send it at once.
// `label` says what it was in the rep's words; `about` the record it concerns.
export async function queueAction(body, label, about = null) {
  const entry = {
    key: newKey(), user_id: currentUser().id, body, label, about,
    client_time: new Date().toISOString(), state: "waiting", made_at: Date.now(),
  };
  entry.seq = await outbox.add(entry);
  emit("outbox");
  flush();
  return entry;
}

// Send what waits, then follow what was sent. Safe to call any time, any number of times.
export function flush() {
  if (flushing) {
    again = true;
  } else {
    again = false;
    const work = () => sendWaiting().then(followSent);
    const locked = navigator.locks
      ? navigator.locks.request("socialcrm-outbox", work)
      : work();
    flushing = locked.catch((error) => {
      if (!(error instanceof NetworkError || error instanceof SignedOut)) console.warn(error);
    }).finally(() => {
      flushing = null;
      if (again) flush(); else schedule();
    });
  }
  return flushing;
}

async function sendWaiting() {
  for (;;) {
    const waiting = (await entries()).filter((e) => e.state === "waiting").slice(0, BATCH_LIMIT);
    if (waiting.length === 0 || !currentUser()) return;
    if (waiting.length === 1) await sendOne(waiting[0]);
    else await sendBatch(waiting);
    emit("outbox");
  }
}

async function sendOne(entry) {
  try {
    const update = await request("POST", "/updates", {
      json: { ...entry.body, client_time: entry.client_time },
      headers: { "Idempotency-Key": entry.key },
    });
    await record(entry, update);
  } catch (error) {
    if (!(error instanceof ApiError) || ![400, 409, 413, 422].includes(error.status)) throw error;
    await outbox.put({ ...entry, state: "rejected", message: explain(error.body) });
  }
}

async function sendBatch(waiting) {
  const answer = await request("POST", "/updates/batch", { json: { items: waiting.map((e) => ({
    idempotency_key: e.key, client_time: e.client_time, body: e.body })) } });
  for (const result of answer.results) {
    const entry = waiting[result.index];
    if (result.outcome === "rejected") {
      await outbox.put({ ...entry, state: "rejected", message: explain(result) });
    } else {
      await record(entry, result.update);
    }
  }
}

function explain(body) {
  if (!body) return "";
  const fields = body.errors ? JSON.stringify(body.errors) : "";
  return [body.message, fields].filter(Boolean).join(" ");
}

async function record(entry, update) {
  const state = update.status === "queued" ? "sent" : update.status;
  await outbox.put({ ...entry, state, update_id: update.id, update,
                     sent_at: entry.sent_at || Date.now() });
  if (state === "applied") emit("applied", { entry });
}

async function followSent() {
  for (const entry of (await entries()).filter((e) => e.state === "sent")) {
    let update;
    try {
      update = await request("GET", `/updates/${encodeURIComponent(entry.update_id)}`);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      // Kept 7 days after its last change: past that the server cannot say.
      update = { ...entry.update, status: "failed", reason: error.message };
    }
    if (update.status !== "queued") {
      await record(entry, update);
      emit("outbox");
    }
  }
  const old = Date.now() - KEEP_DONE_MS;
  for (const entry of await entries()) {
    if (entry.state === "applied" && entry.made_at < old) await outbox.remove(entry.seq);
  }
}

async function schedule() {
  clearTimeout(timer);
  const open = (await entries()).filter((e) => !FINAL.has(e.state));
  if (open.length === 0) return;
  const waitingOffline = !navigator.onLine || open.some((e) => e.state === "waiting");
  const longAgo = Date.now() - 60_000;
  const slow = open.every((e) => e.state === "sent" && e.sent_at < longAgo);
  timer = setTimeout(flush, waitingOffline ? RETRY_MS : slow ? SLOW_POLL_MS : POLL_MS);
}

// A conflict: "keep mine" sends the rep's values again based on the server's current
// ones (a new action, a new key); "take theirs" drops the rep's change.
export async function keepMine(entry) {
  const conflict = entry.update.conflict;
  const fields = {};
  for (const name of Object.keys(conflict.yours)) {
    const server = conflict.server[name] ?? null;
    // The API's base values have the body's types (an amount is a number).
    fields[name] = typeof entry.body[name] === "number" && server !== null ? Number(server) : server;
  }
  const body = { ...entry.body, base_version: { fields } };
  const resent = await queueAction(body, entry.label, entry.about);
  await outbox.remove(entry.seq);
  emit("outbox");
  return resent;
}

export async function takeTheirs(entry) {
  await outbox.remove(entry.seq);
  emit("outbox");
}

export async function dismiss(entry) {
  await outbox.remove(entry.seq);
  emit("outbox");
}

export function startOutbox() {
  window.addEventListener("online", () => { emit("network", { online: true }); flush(); });
  window.addEventListener("offline", () => emit("network", { online: false }));
  flush();
}
