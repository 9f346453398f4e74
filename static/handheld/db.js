// IndexedDB, hand-written: stores `tasks` (task payloads by id), `outbox` (events by seq), `meta` (key/value).
// One database per kind of screen in a browser profile: the handheld's by default; another screen that
// reuses this module (the put wall's) names its own first, so its outbox, sequence and device id never
// mix with the handheld's.
const VERSION = 1;
let name = "wms-handheld";
let opening = null;

export function useDatabase(next) {
  if (opening && next !== name) throw new Error(`IndexedDB ${name} is already open`);
  name = next;
}

export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(name, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains("tasks")) db.createObjectStore("tasks", { keyPath: "id" });
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "seq" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

// Run `work(stores)` in one read-write transaction over `names`; resolves once it has committed.
export async function transaction(names, work, mode = "readwrite") {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, mode);
    const stores = Object.fromEntries(names.map((n) => [n, tx.objectStore(n)]));
    let result;
    Promise.resolve(work(stores, done)).then((value) => { result = value; }, (error) => { tx.abort(); reject(error); });
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
  });
}

export async function all(store) {
  return transaction([store], (s) => done(s[store].getAll()), "readonly");
}

export async function get(store, key) {
  return transaction([store], (s) => done(s[store].get(key)), "readonly");
}

export async function put(store, value) {
  return transaction([store], (s) => done(s[store].put(value)));
}

export async function remove(store, key) {
  return transaction([store], (s) => done(s[store].delete(key)));
}

export async function getMeta(key, fallback = null) {
  const row = await get("meta", key);
  return row ? row.value : fallback;
}

export async function setMeta(key, value) {
  return put("meta", { key, value });
}
