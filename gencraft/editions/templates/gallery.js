// Trait filters and sorting for the static gallery (no network, works from file://).
// Within one trait, checked values are alternatives (OR); across traits, all must match (AND).
(function () {
  var grid = document.getElementById("grid");
  var cards = Array.prototype.slice.call(grid.querySelectorAll(".card"));
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".filters input[type=checkbox]"));
  var shown = document.getElementById("shown");

  function apply() {
    var wanted = {};
    boxes.forEach(function (b) {
      if (b.checked) { (wanted[b.dataset.trait] = wanted[b.dataset.trait] || {})[b.value] = true; }
    });
    var n = 0;
    cards.forEach(function (card) {
      var ok = Object.keys(wanted).every(function (t) { return wanted[t][card.getAttribute("data-t" + t)]; });
      card.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + cards.length + " shown";
  }

  function sort() {
    var key = document.getElementById("sort").value;
    cards.slice().sort(function (a, b) {
      var d = Number(a.dataset[key]) - Number(b.dataset[key]);
      return d !== 0 ? d : Number(a.dataset.id) - Number(b.dataset.id);
    }).forEach(function (card) { grid.appendChild(card); });
  }

  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  document.getElementById("sort").addEventListener("change", sort);
  document.getElementById("clear").addEventListener("click", function () {
    boxes.forEach(function (b) { b.checked = false; });
    apply();
  });
})();
