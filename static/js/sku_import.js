// SKU import progress: poll the job's JSON status until it finishes. Data goes in with textContent only.
(function () {
  const card = document.getElementById("sku-import");
  if (!card || card.dataset.finished === "true") return;
  const url = card.dataset.statusUrl;
  const el = (id) => document.getElementById("sku-import-" + id);
  const set = (id, value) => { const node = el(id); if (node) node.textContent = value == null ? "" : value; };

  function render(job) {
    el("bar").style.width = job.percent + "%";
    card.querySelector(".progress").setAttribute("aria-valuenow", job.percent);
    set("percent", job.percent);
    set("status", job.status_text || job.status);
    ["rows_done", "created", "updated", "unchanged", "refused"].forEach((k) => set(k, job[k]));
    set("message", job.message_text);
    el("message").hidden = !job.message_text;
    set("stopped", job.stopped_text);
    el("stopped").hidden = !job.stopped_text;
    el("report").hidden = !job.has_report;
    el("errors").replaceChildren(...job.errors.map((e) => {
      const tr = document.createElement("tr");
      [e.row, e.code, e.field, e.reason_text || e.reason].forEach((v) => {
        const td = document.createElement("td");
        td.textContent = v == null ? "" : v;
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const job = await response.json();
        render(job);
        if (job.finished) return;
      }
    } catch (e) { /* offline for a moment: keep polling */ }
    setTimeout(poll, 1000);
  }
  poll();
})();
