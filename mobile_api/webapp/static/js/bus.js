// Events between the app's parts: "session" (logged in or out), "outbox" (the queue
// changed), "applied" (an update reached SuiteCRM), "network" (online or offline).
export const bus = new EventTarget();

export function emit(type, detail = {}) {
  bus.dispatchEvent(new CustomEvent(type, { detail }));
}

export function on(type, handler) {
  const listener = (event) => handler(event.detail);
  bus.addEventListener(type, listener);
  return () => bus.removeEventListener(type, listener);
}
