// Progressive enhancement for /plans/compare: suggest organisation names while typing.
(function () {
  "use strict";
  var input = document.getElementById("compare-q");
  var list = document.getElementById("compare-orgs");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(function () {
      var url = input.getAttribute("data-suggest-url") + "?per_page=10&q=" + encodeURIComponent(q);
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.items || []).forEach(function (org) {
            var option = document.createElement("option");
            option.value = org.name;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
