/* servicehall — the cash drawer pages (CASH01-CASH04): live totals of counts by denomination, print buttons.
   No inline script anywhere (strict CSP): everything is wired here from data- attributes. */
(function () {
  "use strict";

  function cents(text) {
    var match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(text).trim());
    if (!match) return 0;
    return parseInt(match[1], 10) * 100 + parseInt(((match[2] || "") + "00").slice(0, 2), 10);
  }

  function formatCents(value) {
    var yuan = Math.floor(value / 100);
    var fen = String(value % 100);
    return yuan + "." + (fen.length < 2 ? "0" + fen : fen);
  }

  function updateTotal(grid) {
    var total = 0;
    grid.querySelectorAll("input[data-denomination]").forEach(function (input) {
      var count = /^\d+$/.test(input.value.trim()) ? parseInt(input.value, 10) : 0;
      total += cents(input.dataset.denomination) * count;
    });
    var output = grid.querySelector("[data-count-total]");
    if (output) output.textContent = formatCents(total);
  }

  function init() {
    document.querySelectorAll("[data-count-grid]").forEach(function (grid) {
      grid.addEventListener("input", function () { updateTotal(grid); });
      updateTotal(grid);
    });
    document.addEventListener("click", function (evt) {
      if (evt.target.closest("[data-print]")) window.print();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
