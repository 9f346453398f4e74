// Settings forms (templates/_settings_form.html): a <select data-settings-switch> (a channel's
// platform, a carrier's adapter) shows the fieldset of the chosen kind in the same form and disables
// the others, so only the chosen kind's settings are posted.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-settings-switch]");
  if (!select || !select.form) return;
  for (const fieldset of select.form.querySelectorAll("fieldset[data-settings-kind]")) {
    const chosen = fieldset.dataset.settingsKind === select.value;
    fieldset.hidden = !chosen;
    fieldset.disabled = !chosen;
  }
});
