// Import progress: poll the job's JSON status until it finishes. Data goes in with textContent only.
(function () {
  const card = document.getElementById("import-job");
  if (!card || card.dataset.finished === "true") return;
  const url = card.dataset.statusUrl;
  const set = (id, value) => { const el = document.getElementById(id); if (el) el.textContent = value; };

  function render(job) {
    document.getElementById("job-bar").style.width = job.percent + "%";
    card.querySelector(".progress").setAttribute("aria-valuenow", job.percent);
    set("job-percent", job.percent);
    set("job-status", job.status_text || job.status);
    set("job-orders", job.orders_done);
    ["created", "updated", "unchanged", "held", "failed", "duplicate", "blocks", "orphans"].forEach((k) => set("job-" + k, job[k]));
    set("job-error-count", job.error_count);
    const body = document.getElementById("job-errors");
    body.replaceChildren(...job.errors.map((e) => {
      const tr = document.createElement("tr");
      [e.row, e.order, e.outcome_text || e.outcome, e.column, e.reason_text || e.reason].forEach((v) => {
        const td = document.createElement("td");
        td.textContent = v == null ? "" : v;
        tr.appendChild(td);
      });
      return tr;
    }));
    if (job.finished && job.status === "done") document.getElementById("job-report").hidden = false;
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
