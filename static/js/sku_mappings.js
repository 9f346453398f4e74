// SKU mapping queue: each row's search box fills its <datalist> from the SKU search (textContent only).
(function () {
  "use strict";
  var table = document.getElementById("sku-mappings");
  if (!table) return;
  var url = table.getAttribute("data-search-url");
  var timers = new WeakMap();

  function fill(input, skus) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    skus.forEach(function (sku) {
      var option = document.createElement("option");
      option.value = sku.code;
      option.textContent = sku.code + " · " + sku.name;
      list.appendChild(option);
    });
  }

  function search(input) {
    var q = input.value.trim();
    if (q.length < 1) return fill(input, []);
    fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {skus: []}; })
      .then(function (body) { if (input.value.trim() === q) fill(input, body.skus || []); })
      .catch(function () { fill(input, []); });
  }

  table.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("sku-search")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { search(input); }, 200));
  });
})();
