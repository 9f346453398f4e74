// The offline contract: every action is an event (client UUID, device id, sequence number) written to
// the IndexedDB outbox - together with its optimistic effect on the local task copy, in one
// transaction - before the screen says done. `flush` replays the outbox in order; the server applies
// each UUID exactly once and answers accepted or rejected.
import * as db from "./db.js";

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function findLine(task, lineId) {
  return task ? task.lines.find((l) => l.id === lineId) : null;
}

// The optimistic effect of an event on a task payload: what `pick` and `short` in
// wms/picking/line_events.py do to the line on the server. Returns the undo.
export function applyLocally(task, event) {
  const line = findLine(task, event.line_id);
  if (!line) return null;
  const undo = { picked_qty: line.picked_qty, status: line.status, cancelled: [] };
  if (event.kind === "pick") {
    line.picked_qty += event.qty;
    if (line.picked_qty >= line.qty) line.status = "picked";
  } else if (event.kind === "short") {
    line.picked_qty = event.found;
    line.status = "short";
    task.lines.forEach((other) => {  // the order's other open lines stop here (held for review)
      if (other.order === line.order && other.status === "open") {
        other.status = "cancelled";
        undo.cancelled.push(other.id);
      }
    });
  }
  if (task.status === "assigned") task.status = "in_progress";
  return undo;
}

// Roll back one rejected event; later events on the same line keep their own effect.
export function undoLocally(task, event, undo) {
  const line = findLine(task, event.line_id);
  if (!line || !undo) return;
  if (event.kind === "pick") {
    line.picked_qty = Math.max(0, line.picked_qty - event.qty);
    if (line.status === "picked" && line.picked_qty < line.qty) line.status = "open";
    return;
  }
  line.picked_qty = undo.picked_qty;
  line.status = undo.status;
  task.lines.forEach((other) => { if (undo.cancelled.includes(other.id)) other.status = "open"; });
}

// The server's tasks become the local copy, with the still-unsent events applied on top.
export async function adoptServerTasks(tasks) {
  return db.transaction(["tasks", "outbox"], async (s, done) => {
    const waiting = (await done(s.outbox.getAll())).sort((a, b) => a.seq - b.seq);
    const keep = new Set(tasks.map((t) => t.id));
    const known = await done(s.tasks.getAllKeys());
    known.filter((id) => !keep.has(id)).forEach((id) => s.tasks.delete(id));
    tasks.forEach((task) => {
      waiting.filter((e) => e.task_id === task.id).forEach((e) => applyLocally(task, e));
      s.tasks.put(task);
    });
  });
}

// Write the event to the outbox and its effect to the task, atomically. Resolves with the stored event.
export async function record(fields) {
  const device = await db.getMeta("device");
  return db.transaction(["outbox", "tasks", "meta"], async (s, done) => {
    const counter = await done(s.meta.get("seq"));
    const seq = (counter ? counter.value : 0) + 1;
    s.meta.put({ key: "seq", value: seq });
    const event = { uuid: uuid(), seq, device, created_at: new Date().toISOString(), ...fields };
    const task = await done(s.tasks.get(fields.task_id));
    const undo = task ? applyLocally(task, event) : null;
    if (task) s.tasks.put(task);
    s.outbox.put({ ...event, undo });
    return event;
  });
}

export async function pending() {
  return (await db.all("outbox")).sort((a, b) => a.seq - b.seq);
}

export async function count() {
  return db.transaction(["outbox"], (s, done) => done(s.outbox.count()), "readonly");
}

function wire(entry) {
  const { undo, created_at, task_id, ...event } = entry;  // what the server reads
  return event;
}

// Answers that mean "not applied, nothing stored: send it again later" - the server's rate limit, or
// its database out of reach. The event stays first in the outbox; the replay waits and resends it.
const RETRY_LATER = new Set(["rate_limited", "server_busy"]);
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30000;
const MAX_BATCH = 50;
let backoff = 0;
let batchSize = MAX_BATCH;  // after a "later", one event first, doubling with each batch that goes through

// How long to wait before resending: what the server said, and at least twice the last wait (0.5 s
// to 30 s), plus up to 20 % so the floor's handhelds do not all come back in the same instant.
export function retryDelay(answer, previous, random = Math.random) {
  const told = Math.max(0, Number(answer.retry_after) || 0) * 1000;
  const grown = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, previous * 2));
  return Math.min(MAX_BACKOFF_MS, Math.max(told, grown)) * (1 + 0.2 * random());
}

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// Replay the outbox in order with `send(events) -> answers` until it is empty or the network fails.
// `onAnswer(entry, answer)` runs once the answer is stored. Calls are serialized. An answer that says
// "later" (RETRY_LATER) stops the replay at that event, waits (backing off) and goes on from it, one
// event at a time at first (a socket sends a batch event by event: no burst of refusals).
let running = null;
let again = false;

export function flush(send, onAnswer) {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        const entries = await pending();
        let wait = 0;
        for (let i = 0; i < entries.length && !wait;) {
          const batch = entries.slice(i, i + batchSize);
          const answers = await send(batch.map(wire));
          for (let k = 0; k < batch.length; k += 1) {
            const answer = answers[k];
            if (answer && RETRY_LATER.has(answer.code)) {
              wait = retryDelay(answer, backoff);
              batchSize = 1;
              break;
            }
            if (!answer || answer.uuid !== batch[k].uuid) throw new Error("answer out of step");
            backoff = 0;
            await settle(batch[k], answer);
            await onAnswer(batch[k], answer);
          }
          if (!wait) batchSize = Math.min(MAX_BATCH, batchSize * 2);
          i += batch.length;
        }
        if (wait) {
          backoff = wait;
          await pause(wait);
          again = true;
        }
      } while (again);
    } finally {
      running = null;
    }
  })();
  return running;
}

// The answer is in: drop the event; a rejected one rolls its optimistic effect back.
async function settle(entry, answer) {
  await db.transaction(["outbox", "tasks"], async (s, done) => {
    s.outbox.delete(entry.seq);
    if (answer.status === "accepted") return;
    const task = await done(s.tasks.get(entry.task_id));
    if (task) {
      undoLocally(task, entry, entry.undo);
      s.tasks.put(task);
    }
  });
}
