// zh-CN / English for the handheld. English text is the key; the zh_CN catalogue ships in the shell
// (floor.json) so the app translates offline, and bootstrap adds the rest of the server catalogue.
const shipped = JSON.parse(document.getElementById("floor-catalogue").textContent || "{}");
export const MESSAGES = JSON.parse(document.getElementById("floor-messages").textContent || "{}");
let catalogue = { ...shipped };
let locale = "en";

export function guessLocale() {
  const saved = localStorage.getItem("wms.locale");
  if (saved) return saved;
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh_CN" : "en";
}

export function setLocale(next, extra) {
  locale = next === "zh_CN" ? "zh_CN" : "en";
  if (extra) catalogue = { ...extra, ...shipped };
  localStorage.setItem("wms.locale", locale);
  document.documentElement.lang = locale === "zh_CN" ? "zh-CN" : "en";
  translatePage();
  // Text a script drew (a count badge, a step) carries no data-i18n: its screen redraws it on this.
  document.dispatchEvent(new CustomEvent("locale-changed", { detail: { locale } }));
}

export function currentLocale() { return locale; }

export function t(text, values = {}) {
  const template = locale === "zh_CN" ? (catalogue[text] ?? text) : text;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// A server answer in the picker's language: by code and values, else its English message.
export function messageOf(answer) {
  const template = MESSAGES[answer.code];
  if (template && answer.values) return t(template, answer.values);
  return locale === "zh_CN" ? t(answer.message || answer.code || "") : (answer.message || answer.code || "");
}

// Static text only: an element whose text the app sets (a task's code, an error) carries no
// data-i18n, or a locale refresh (every sync) would put the static text back over it.
export function translatePage(root = document) {
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-label]").forEach((el) => el.setAttribute("aria-label", t(el.dataset.i18nLabel)));
}
