// The supervisors' failure lists (tracking write-backs, waybills) hear new failures and decisions at once:
// a refusal pushed to the supervisors' room shows the page's "new failures" notice with a reload button.
// Its words come from the page (translated there); nothing from the event is written into the page.
const notice = document.getElementById("failures-live");
const EVENTS = ["writeback.failed", "writeback.dismissed", "waybill.failed", "waybill.resolved"];

if (notice && typeof window.io === "function") {
  const socket = window.io({ transports: ["websocket", "polling"] });
  EVENTS.forEach((name) => socket.on(name, () => { notice.hidden = false; }));
  const reload = notice.querySelector("[data-reload]");
  if (reload) reload.addEventListener("click", () => window.location.reload());
}
