/* The desk's live reassign: POST to /api/wall/tasks/<id>/assign with the CSRF header; no reload. */
(function () {
  "use strict";
  var table = document.getElementById("tasks");
  var root = document.getElementById("wall");
  if (!table || !root) return;
  var L = JSON.parse(document.getElementById("wall-labels").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  table.addEventListener("click", function (event) {
    var button = event.target.closest('[data-action="assign"]');
    if (!button) return;
    var row = button.closest("tr");
    var answer = row.querySelector('[data-cell="answer"]');
    var value = row.querySelector("select").value;
    var url = root.dataset.assignUrl.replace(/\/0\/assign$/, "/" + row.dataset.task + "/assign");
    button.disabled = true;
    fetch(url, {method: "POST", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                body: JSON.stringify({picker_id: value ? Number(value) : null, version: Number(row.dataset.version)})})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (res.ok) {
          row.dataset.version = res.body.task.version;
          row.querySelector('[data-cell="status"]').textContent = L[res.body.task.status] || res.body.task.status;
          var select = row.querySelector("select");
          row.querySelector('[data-cell="picker"]').textContent = value ? select.options[select.selectedIndex].text : "–";
          answer.textContent = L["Saved"] || "Saved";
        } else {
          answer.textContent = res.body.message || res.body.error || "error";
        }
      })
      .catch(function () { answer.textContent = "offline"; })
      .finally(function () { button.disabled = false; });
  });
})();
