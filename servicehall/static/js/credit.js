/* The credit pages (PAY05): print the contract, re-check eligibility when another number is chosen. */
(() => {
  "use strict";
  document.addEventListener("click", (evt) => {
    if (evt.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("change", (evt) => {
    const select = evt.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
})();
