// Small DOM helpers shared by the screens: screens, toasts, the notice dialog, number pads.
import { t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

export function show(screen) {
  document.querySelectorAll("main > .screen").forEach((el) => { el.hidden = el.id !== `screen-${screen}`; });
  document.body.className = `screen-${screen}`;
}

export function toast(text, kind = "good", ms = 2200) {
  const el = $("toast");
  el.textContent = text;
  el.className = `toast ${kind}`;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, kind === "bad" ? Math.max(ms, 4000) : ms);
}

// A message the picker must acknowledge (server rejections: put items back, task taken away).
export function notice(text, title = "Attention") {
  const dialog = $("notice-dialog");
  $("notice-title").textContent = t(title);
  const item = document.createElement("li");
  item.textContent = text;
  $("notice-list").appendChild(item);
  if (!dialog.open) dialog.showModal();
}

export function openDialog(id) {
  const dialog = $(id);
  if (!dialog.open) dialog.showModal();
  return dialog;
}

// The `dialog-closed` event goes out at once (a dialog's own `close` event comes a task later): the
// scanner takes the focus back before the next keystroke can arrive, however busy the device is.
export function closeDialog(id) {
  const dialog = typeof id === "string" ? $(id) : id;
  if (dialog.open) dialog.close();
  document.dispatchEvent(new Event("dialog-closed"));
}

// A number pad bound to a display element; `onOk(value)` for the OK key.
export function numberPad(padId, displayId, { max = 99999, onChange = () => {}, onOk = () => {}, mask = false } = {}) {
  let value = "";
  const render = () => {
    $(displayId).textContent = mask ? "•".repeat(value.length) : (value || "0");
    onChange(value);
  };
  $(padId).addEventListener("click", (event) => {
    const key = event.target.closest("[data-key]")?.dataset.key;
    if (!key) return;
    if (key === "⌫") value = value.slice(0, -1);
    else if (key === "C") value = "";
    else if (key === "OK") { onOk(value); return; }
    else if (mask || Number(value + key) <= max) value = (value + key).replace(/^0+(?=\d)/, "");
    render();
  });
  return {
    set(next) { value = String(next ?? ""); render(); },
    get value() { return value; },
  };
}

document.addEventListener("click", (event) => {
  const close = event.target.closest("[data-close]");
  if (close) closeDialog(close.closest("dialog"));
});
$("notice-ok").addEventListener("click", () => {
  closeDialog("notice-dialog");
  $("notice-list").replaceChildren();
});
