// The mobile API as the app uses it: the rep's tokens (kept in IndexedDB so the rep stays
// logged in across restarts), renewed quietly before they expire or when a request comes
// back 401, and one error type per thing the caller does about it.

import { kv } from "./db.js";
import { emit } from "./bus.js";

const BASE = "/api/v1";
const RENEW_BEFORE_MS = 60_000;  // renew a minute early: a request in flight must not expire
const SESSION_KEY = "session";

// The server answered with an error body {code, status, message, errors}.
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// No answer at all: offline, or the server unreachable. The caller keeps its work for later.
export class NetworkError extends Error {}

// The rep must log in again (their refresh token is used up, expired or revoked).
export class SignedOut extends Error {}

let session = null;
let renewing = null;

function stored(tokens) {
  const now = Date.now();
  return {
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expires_at: now + tokens.expires_in * 1000,
    refresh_expires_at: now + tokens.refresh_expires_in * 1000,
    user: tokens.user,
  };
}

export async function loadSession() {
  session = (await kv.get(SESSION_KEY)) || null;
  if (session && session.refresh_expires_at < Date.now()) await forget();
  return session;
}

export function currentUser() {
  return session ? session.user : null;
}

async function forget() {
  session = null;
  await kv.delete(SESSION_KEY);
  emit("session", { user: null });
}

async function send(method, path, { json, headers = {}, query, token } = {}) {
  let url = BASE + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      for (const one of [].concat(value)) if (one !== undefined && one !== null) params.append(name, one);
    }
    const text = params.toString();
    if (text) url += "?" + text;
  }
  const options = { method, headers: { Accept: "application/json", ...headers } };
  if (token) options.headers.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (error) {
    throw new NetworkError(String(error));
  }
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return { body, response };
}

export async function login(username, password) {
  const { body } = await send("POST", "/auth/token", { json: { username, password } });
  session = stored(body);
  await kv.set(SESSION_KEY, session);
  emit("session", { user: session.user });
  return session.user;
}

// The server forgets the session first (so the tokens stop working everywhere), then the
// phone; without a network the phone forgets it anyway and the tokens simply expire.
export async function logout() {
  try {
    if (session) await request("DELETE", "/auth/token");
  } catch { /* offline, or already over */ }
  await forget();
}

// One renewal at a time: a refresh token works once, so two parallel renewals would
// sign the rep out.
function renew() {
  if (!renewing) {
    renewing = (async () => {
      try {
        const { body } = await send("POST", "/auth/refresh", {
          json: { refresh_token: session.refresh_token } });
        session = stored(body);
        await kv.set(SESSION_KEY, session);
      } catch (error) {
        if (error instanceof ApiError && error.status < 500) {
          await forget();
          throw new SignedOut("log in again");
        }
        throw error;
      } finally {
        renewing = null;
      }
    })();
  }
  return renewing;
}

// A request as the logged-in rep; renews the token first when it is about to expire, and
// once more when the server says 401.
export async function request(method, path, options = {}) {
  if (!session) throw new SignedOut("not logged in");
  if (session.expires_at - RENEW_BEFORE_MS < Date.now()) await renew();
  try {
    return (await send(method, path, { ...options, token: session.access_token })).body;
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
  }
  await renew();
  return (await send(method, path, { ...options, token: session.access_token })).body;
}

// The OpenAPI document is the source of truth for what the server offers: an optional
// endpoint is used only when the document lists it. Read once per start; the last copy
// is remembered for starts without a network.
let operations = null;

async function readOperations() {
  try {
    const { body } = await send("GET", "/openapi.json");
    const paths = Object.fromEntries(Object.entries(body.paths || {}).map(
      ([name, ops]) => [name, Object.keys(ops).map((m) => m.toLowerCase())]));
    await kv.set("openapi-paths", paths);
    return paths;
  } catch {
    operations = null;  // ask again next time
    return (await kv.get("openapi-paths")) || {};
  }
}

export async function hasOperation(method, path) {
  if (!operations) operations = readOperations();
  const paths = await operations;
  return Boolean(paths[BASE + path] && paths[BASE + path].includes(method.toLowerCase()));
}
