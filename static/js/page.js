// Behaviour every desk page shares, declared in the markup (the Content-Security-Policy allows no
// inline script or onclick=): <select data-submit-on-change> submits its form, <button
// data-print-page> prints the page.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-submit-on-change]");
  if (select && select.form) select.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print-page]")) window.print();
});
