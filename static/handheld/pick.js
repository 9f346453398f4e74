// The pick screen. Per line: scan the bin, then the item (any of its barcodes) once per unit, or enter a
// count and scan the item once to confirm it; or report a short pick. Every confirmed scan becomes one
// outbox event (see outbox.js) before the screen says done.
import * as feedback from "./feedback.js";
import { MESSAGES, t } from "./i18n.js";
import { $, closeDialog, numberPad, openDialog, show, toast } from "./ui.js";

export const COUNT_FROM = 5;  // lines with this many units left offer "Enter count"

export function openLines(task) {
  return task.lines.filter((line) => line.status === "open");
}

export function createPickScreen({ getTask, record, onFinished, openCamera }) {
  const at = { taskId: null, bin: null, count: null, shortReason: null };

  const current = () => {
    const task = getTask(at.taskId);
    return task ? [task, openLines(task)[0] || null] : [null, null];
  };

  function render() {
    const [task, line] = current();
    if (!task) return;
    if (!line) { onFinished(task); return; }
    if (at.bin && at.bin.lineId !== line.id) at.bin = null;
    if (at.count && at.count.lineId !== line.id) at.count = null;
    const closed = task.lines.length - openLines(task).length;
    const left = line.qty - line.picked_qty;
    $("pick-task").textContent = task.code;
    $("pick-progress").textContent = t("Line {n} of {total}", { n: closed + 1, total: task.lines.length });
    $("pick-line").dataset.lineId = line.id;
    $("pick-bin").textContent = line.bin.code;
    $("pick-bin").classList.toggle("scanned", Boolean(at.bin));
    $("pick-sku-code").textContent = line.sku.code;
    $("pick-sku-name").textContent = line.gift ? `${t("Free gift")} · ${line.sku.name}` : line.sku.name;
    const image = $("pick-image");
    image.hidden = !line.sku.image;
    if (line.sku.image) image.src = line.sku.image;
    $("pick-qty").textContent = `${line.picked_qty} / ${line.qty}`;
    $("pick-tote").textContent = line.tote_slot ?? "-";
    const next = openLines(task)[1];
    $("pick-next").textContent = next ? t("Next bin: {bin}", { bin: next.bin.code }) : t("Last line of this task");
    const step = $("pick-step");
    step.classList.toggle("sku-step", Boolean(at.bin));
    if (!at.bin) step.textContent = t("Scan bin {bin}", { bin: line.bin.code });
    else if (at.count) step.textContent = t("Scan the item to confirm {n}", { n: at.count.qty });
    else step.textContent = t("Scan item: {left} left", { left });
    const primary = $("pick-primary");
    primary.dataset.action = !at.bin ? "camera" : (left >= COUNT_FROM && !at.count ? "count" : "camera");
    primary.textContent = primary.dataset.action === "count" ? t("Enter count")
      : t(at.bin ? "Scan item with camera" : "Scan bin with camera");
  }

  function error(text) {
    feedback.bad();
    toast(text, "bad");
    $("pick-step").dataset.error = text;
  }

  async function onScan(code) {
    const [task, line] = current();
    if (!line) return;
    const isBin = code === line.bin.barcode || code === line.bin.code;
    const isSku = code === line.sku.code || line.sku.barcodes.includes(code);
    if (!at.bin) {
      if (isBin) {
        at.bin = { lineId: line.id, code };
        feedback.good();
        render();
      } else if (isSku) {
        error(t("Scan the bin first: {bin}", { bin: line.bin.code }));
      } else {
        error(t(MESSAGES.wrong_bin, { scanned: code, expected: line.bin.code }));
      }
      return;
    }
    if (isBin) return;  // the bin again: nothing to do
    if (!isSku) {
      error(t(MESSAGES.wrong_sku, { scanned: code, sku: line.sku.code, name: line.sku.name }));
      return;
    }
    const left = line.qty - line.picked_qty;
    const qty = at.count ? at.count.qty : 1;
    if (qty > left) {
      error(t(MESSAGES.too_many, { left, sku: line.sku.code }));
      return;
    }
    at.count = null;
    await record({ kind: "pick", task_id: task.id, line_id: line.id, bin: at.bin.code, barcode: code, qty });
    if (qty === left) {
      feedback.done();
      toast(t(MESSAGES.line_done, { sku: line.sku.code, qty: line.qty }));
      at.bin = null;
    } else {
      feedback.good();
    }
    render();
  }

  // --- enter count ---------------------------------------------------------------------------
  const countPad = numberPad("count-pad", "count-display", {
    onOk(value) {
      const [, line] = current();
      const n = Number(value);
      const left = line.qty - line.picked_qty;
      if (!n || n > left) { feedback.bad(); $("count-hint").textContent = t(MESSAGES.bad_qty, { left }); return; }
      at.count = { lineId: line.id, qty: n };
      closeDialog("count-dialog");
      render();
    },
  });

  function askCount() {
    const [, line] = current();
    $("count-hint").textContent = t("How many of {sku}? {left} left", { sku: line.sku.code, left: line.qty - line.picked_qty });
    countPad.set("");
    openDialog("count-dialog");
  }

  // --- short pick ----------------------------------------------------------------------------
  const shortPad = numberPad("short-pad", "short-display", { onChange: () => checkShort() });

  function checkShort() {
    const [, line] = current();
    const found = Number(shortPad.value || 0);
    const ok = line && at.shortReason && found >= line.picked_qty && found < line.qty;
    $("short-confirm").disabled = !ok;
  }

  function askShort() {
    const [, line] = current();
    if (!line) return;
    at.shortReason = null;
    document.querySelectorAll("#short-reasons .chip").forEach((chip) => chip.classList.remove("selected"));
    $("short-hint").textContent = t("Found how many of {sku} at {bin}? Expected {qty}",
      { sku: line.sku.code, bin: line.bin.code, qty: line.qty });
    shortPad.set(String(line.picked_qty));
    openDialog("short-dialog");
  }

  $("short-reasons").addEventListener("click", (event) => {
    const chip = event.target.closest("[data-reason]");
    if (!chip) return;
    at.shortReason = chip.dataset.reason;
    document.querySelectorAll("#short-reasons .chip").forEach((c) => c.classList.toggle("selected", c === chip));
    checkShort();
  });

  $("short-confirm").addEventListener("click", async () => {
    const [task, line] = current();
    const found = Number(shortPad.value || 0);
    closeDialog("short-dialog");
    await record({ kind: "short", task_id: task.id, line_id: line.id, found, reason: at.shortReason });
    feedback.done();
    toast(t("Short pick recorded: {sku} found {found} of {qty}", { sku: line.sku.code, found, qty: line.qty }), "info");
    at.bin = null;
    render();
  });

  // --- wiring --------------------------------------------------------------------------------
  $("pick-primary").addEventListener("click", () => {
    if ($("pick-primary").dataset.action === "count") askCount();
    else openCamera();
  });
  $("pick-short").addEventListener("click", askShort);

  return {
    open(taskId) {
      at.taskId = taskId;
      at.bin = null;
      at.count = null;
      show("pick");
      render();
    },
    get taskId() { return at.taskId; },
    render,
    onScan,
  };
}
