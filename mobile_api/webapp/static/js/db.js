// The app's memory on the phone: one IndexedDB database that survives closing the app.
// "kv" holds the session, settings and marks; "outbox" the rep's actions not yet written
// to SuiteCRM, in the order made (an auto-increment key keeps that order).

const NAME = "socialcrm";
const VERSION = 1;
let opened = null;

function open() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        if (!db.objectStoreNames.contains("outbox")) {
          db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opened;
}

// One transaction on one store; `work` gets the store and returns an IDBRequest (or nothing).
async function run(storeName, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    const request = work(tx.objectStore(storeName));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export const kv = {
  get: (key) => run("kv", "readonly", (s) => s.get(key)),
  set: (key, value) => run("kv", "readwrite", (s) => s.put(value, key)),
  delete: (key) => run("kv", "readwrite", (s) => s.delete(key)),
};

export const outbox = {
  add: (entry) => run("outbox", "readwrite", (s) => s.add(entry)),
  put: (entry) => run("outbox", "readwrite", (s) => s.put(entry)),
  remove: (seq) => run("outbox", "readwrite", (s) => s.delete(seq)),
  all: () => run("outbox", "readonly", (s) => s.getAll()),  // in key (= made) order
};
