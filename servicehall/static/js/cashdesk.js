/* servicehall — the cash drawer pages (CASH01-CASH04): live totals of counts by denomination, print buttons.
   No inline script anywhere (strict CSP): everything is wired here from data- attributes. */
(() => {
  "use strict";

  function cents(text) {
    const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(text).trim());
    if (!match) return 0;
    return parseInt(match[1], 10) * 100 + parseInt((match[2] || "").padEnd(2, "0"), 10);
  }

  function formatCents(value) {
    const yuan = Math.floor(value / 100);
    const fen = String(value % 100).padStart(2, "0");
    return `${yuan}.${fen}`;
  }

  function updateTotal(grid) {
    let total = 0;
    grid.querySelectorAll("input[data-denomination]").forEach((input) => {
      const count = /^\d+$/.test(input.value.trim()) ? parseInt(input.value, 10) : 0;
      total += cents(input.dataset.denomination) * count;
    });
    const output = grid.querySelector("[data-count-total]");
    if (output) output.textContent = formatCents(total);
  }

  function init() {
    document.querySelectorAll("[data-count-grid]").forEach((grid) => {
      grid.addEventListener("input", () => updateTotal(grid));
      updateTotal(grid);
    });
    document.addEventListener("click", (evt) => {
      if (evt.target.closest("[data-print]")) window.print();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
