// The waybill desk: a "tick all" box per list, and the bulk request's progress kept current by
// polling its JSON until every order is answered (no inline script: the page's CSP).
document.addEventListener("change", (event) => {
  const all = event.target.closest("input[data-check-all]");
  if (!all) return;
  const form = all.closest("form");
  form.querySelectorAll(`input[type=checkbox][name="${all.dataset.checkAll}"]`).forEach((box) => {
    box.checked = all.checked;
  });
});

function followProgress(section) {
  const url = section.dataset.progressUrl;
  const bar = section.querySelector("progress");
  const tick = async () => {
    let progress;
    try {
      const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!answer.ok) return;
      progress = await answer.json();
    } catch (_error) {
      setTimeout(tick, 3000);
      return;
    }
    for (const key of ["requesting", "issued", "failed", "total"]) {
      const cell = section.querySelector(`[data-count="${key}"]`);
      if (cell) cell.textContent = String(progress[key]);
    }
    bar.max = progress.total;
    bar.value = progress.done;
    if (progress.requesting > 0) setTimeout(tick, 1000);
    else if (progress.failed > 0 && !document.getElementById("early-failed")) window.location.reload();
  };
  tick();
}

document.addEventListener("DOMContentLoaded", () => {
  const section = document.getElementById("batch-progress");
  if (section) followProgress(section);
});
