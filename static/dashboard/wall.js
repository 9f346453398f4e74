/* The wall: renders a snapshot into [data-w] elements and ECharts charts; live over Socket.IO (/wall).
   (Re)connect -> fetch the snapshot (state is re-synced, never assumed); disconnect -> "stale" overlay.
   Data is written with textContent only. */
(function () {
  "use strict";
  var root = document.getElementById("wall");
  if (!root) return;
  var L = JSON.parse(document.getElementById("wall-labels").textContent);
  var key = root.dataset.key || "";
  var links = root.dataset.links === "1";
  var STATES = ["imported", "on_hold", "approved", "backorder", "allocated", "waved", "picking", "picked",
                "packed", "labelled"];
  var charts = {};
  var current = null;
  var clockOffset = 0;
  function t(word) { return L[word] || word; }
  function el(name) { return root.querySelector('[data-w="' + name + '"]'); }
  function setText(name, value) { var node = el(name); if (node) node.textContent = String(value); }
  function make(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function link(text, href) { if (!links) return make("span", text); var a = make("a", text); a.href = href; return a; }
  function fill(name, items, build) {
    var node = el(name); if (!node) return;
    node.replaceChildren.apply(node, items.map(build));
  }
  function chart(name) {
    if (!window.echarts) return null;
    if (!charts[name]) {
      var node = root.querySelector('[data-chart="' + name + '"]');
      if (!node) return null;
      charts[name] = window.echarts.init(node, null, {renderer: "canvas"});
    }
    return charts[name];
  }
  var AXIS = {color: "#e6edf3", fontSize: 18};
  function barChart(name, labels, values, horizontal, color, bare) {
    var c = chart(name); if (!c) return;
    var cat = {type: "category", data: labels, axisLabel: Object.assign({interval: 0}, AXIS), show: !bare},
        val = {type: "value", axisLabel: AXIS, show: !bare, splitLine: {lineStyle: {color: "#30363d"}}, minInterval: 1};
    c.setOption({animation: false, grid: bare ? {left: 4, right: 4, top: 4, bottom: 4} :
                   {left: 10, right: 50, top: 10, bottom: 10, containLabel: true},
      xAxis: horizontal ? val : cat, yAxis: horizontal ? Object.assign({}, cat, {inverse: true}) : val,
      series: [{type: "bar", data: values, itemStyle: {color: color},
                label: {show: !bare, position: horizontal ? "right" : "top", color: "#fff", fontSize: 20}}]});
  }

  function render(snap) {
    if (!snap || !snap.orders) return;
    current = snap;
    clockOffset = Date.parse(snap.at) - Date.now();
    root.dataset.updated = snap.at;
    var byState = snap.orders.by_state;
    setText("shipped-today", snap.shipped.today);
    setText("shipped-target", snap.shipped.target);
    el("shipped-bar").style.width = snap.shipped.pct + "%";
    setText("picks-units", snap.picks.units);
    setText("picks-lines", snap.picks.lines);
    setText("orders-open", snap.orders.open);
    setText("orders-hold", byState.on_hold || 0);
    setText("orders-backorder", byState.backorder || 0);
    setText("orders-presale", snap.exceptions.presale || 0);
    barChart("states", STATES.map(t), STATES.map(function (s) { return byState[s] || 0; }), true, "#58a6ff");
    barChart("series", snap.picks.series.map(function (_v, i) { return "-" + (60 - i * 5); }), snap.picks.series, false, "#3fb950", true);
    var pickers = snap.picks.pickers.slice(0, 8);
    barChart("pickers", pickers.map(function (p) { return p.name; }), pickers.map(function (p) { return p.units; }), true, "#d29922");
    fill("pickers", links ? snap.picks.pickers : [], function (p) {
      var li = make("li"); li.append(link(p.name, "/wall/desk/pickers/" + p.id), make("span", p.units + " " + t("units") + " · " + p.lines + " " + t("lines"))); return li;
    });
    fill("waves", snap.waves.length ? snap.waves : [null], function (w) {
      if (!w) return make("li", t("No running waves"), "w-empty");
      var li = make("li", null, "w-wave");
      var bar = make("div", null, "w-bar"), inner = make("div", null, "w-fill");
      inner.style.width = w.pct + "%"; bar.append(inner);
      li.append(link(w.code, "/waves/" + w.id), make("span", w.done + "/" + w.lines + " · " + w.pct + "%", "w-num"), bar);
      return li;
    });
    renderCutoffs();
    var held = snap.exceptions.holds;
    var holds = Object.keys(held).sort(function (a, b) { return held[b] - held[a] || t(a).localeCompare(t(b)); });
    fill("holds", holds, function (code) { var li = make("li", t(code) + " " + held[code]); li.dataset.n = held[code]; return li; });
    fitChips();
    setText("ex-shortages", snap.exceptions.shortages);
    setText("ex-waybill", snap.exceptions.waybill_failed);
    setText("ex-writeback", snap.exceptions.writeback_failed);
    setText("ex-tracking", snap.exceptions.tracking);
    setText("ex-stuck", snap.exceptions.stuck);
    var stuckLabel = root.querySelector('[data-w="ex-stuck-label"]');
    if (links && stuckLabel && !stuckLabel.querySelector("a")) {
      stuckLabel.replaceChildren(link(stuckLabel.textContent, "/wall/desk/stuck"));
    }
    fill("shortages", snap.exceptions.shortage_list.length ? snap.exceptions.shortage_list : [null], function (s) {
      if (!s) return make("li", t("No shortages"), "w-empty");
      return make("li", s.sku + " @ " + s.bin);
    });
    renderDeadlines(snap.deadlines);
  }

  // Ship-by deadlines: overdue and due-soon counts, the channels most behind, the orders alerted as
  // about to breach (buyer-facing order numbers and store codes: textContent only).
  function renderDeadlines(due) {
    if (!due) return;
    setText("due-overdue", due.overdue + (due.capped ? "+" : ""));
    setText("due-soon", due.due);
    var label = el("due-soon-label");
    if (label) label.textContent = label.dataset.template.replace("{hours}", due.hours);
    fill("due-channels", due.channels.length ? due.channels : [null], function (c) {
      var tr = make("tr");
      if (!c) { tr.append(make("td", t("Nothing due"), "w-empty")); return tr; }
      tr.append(make("td", c.name), make("td", c.overdue, "w-num w-critical"), make("td", c.due, "w-num"));
      return tr;
    });
    fill("due-alerts", due.alerts.length ? due.alerts : [null], function (a) {
      if (!a) return make("li", t("No order about to breach"), "w-empty");
      var left = Math.round((Date.parse(a.ship_by) - Date.now() - clockOffset) / 60000);
      var li = make("li", null, left < 0 ? "w-critical" : "w-at_risk");
      li.append(links ? link(a.external_id, "/review/orders/" + a.order_id) : make("span", a.external_id),
                make("span", a.channel + " · " + t(a.status) + " · " + left + " " + t("min"), "w-num"));
      return li;
    });
  }

  // The hold chips fill the height the exceptions panel leaves them: the most held reasons first, the
  // text stepped down to no less than 60% of the style's size until every chip shows whole; reasons
  // that still do not fit are summed up in one last chip, so no chip is ever cut off.
  function fitChips() {
    var list = el("holds"); if (!list) return;
    list.style.fontSize = "";
    var base = parseFloat(window.getComputedStyle(list).fontSize), size = base;
    function overflows() { return list.scrollHeight > list.clientHeight + 1 || list.scrollWidth > list.clientWidth + 1; }
    while (overflows() && size > base * 0.6) { size *= 0.92; list.style.fontSize = size.toFixed(1) + "px"; }
    var more = null, reasons = 0, orders = 0;
    while (overflows() && list.children.length > (more ? 1 : 0)) {
      var last = more ? more.previousElementSibling : list.lastElementChild;
      if (!last) break;
      reasons += 1; orders += Number(last.dataset.n || 0); last.remove();
      if (!more) { more = make("li", null, "w-more"); list.append(more); }
      more.textContent = t("+{n} more reasons").replace("{n}", reasons) + " " + orders;
    }
  }

  function renderCutoffs() {
    if (!current) return;
    var now = Date.now() + clockOffset;
    fill("cutoffs", current.cutoffs.length ? current.cutoffs : [null], function (c) {
      var tr = make("tr");
      if (!c) { tr.append(make("td", t("no cut-off today"), "w-empty")); return tr; }
      var left = Math.max(0, Date.parse(c.cutoff) - now);
      var h = Math.floor(left / 3600000), m = Math.floor(left % 3600000 / 60000), s = Math.floor(left % 60000 / 1000);
      tr.className = "w-" + c.level;
      var name = make("td"); name.append(link(c.name, "/wall/desk/carriers/" + encodeURIComponent(c.carrier)));
      var stages = Object.keys(c.stages).filter(function (k) { return c.stages[k]; })
        .map(function (k) { return t(k) + " " + c.stages[k]; }).join(" · ");
      tr.append(name, make("td", (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0"), "w-count"),
                make("td", c.open, "w-num"), make("td", stages, "w-stages"));
      return tr;
    });
  }

  function tick() {
    var now = new Date(Date.now() + clockOffset);
    setText("clock", now.toLocaleTimeString("en-GB", {hour: "2-digit", minute: "2-digit", second: "2-digit",
                                                       hour12: false, timeZone: root.dataset.tz || undefined}));
    renderCutoffs();
  }

  function setStale(stale) {
    el("stale").hidden = !stale;
    root.classList.toggle("is-stale", stale);
    setText("status", stale ? t("Stale: reconnecting…") : t("Live"));
  }

  function resync() {
    var headers = key ? {"X-Wall-Key": key} : {};
    return fetch(root.dataset.snapshotUrl, {headers: headers, credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render).catch(function () { setStale(true); });
  }

  var socket = window.io("/wall", {auth: key ? {key: key} : {}, transports: ["websocket", "polling"],
                                   reconnectionDelayMax: 5000});
  socket.on("connect", function () { setStale(false); resync(); });
  socket.on("disconnect", function () { setStale(true); });
  socket.on("connect_error", function () { setStale(true); });
  socket.on("wall.metrics", render);
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); fitChips(); });
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fitChips);  // a late font changes the widths
  setInterval(tick, 1000);
  setInterval(function () { if (socket.connected) resync(); }, 60000);  // rolling rates decay without events
  window.wallSocket = socket;
})();
