/* The credit pages (PAY05): print the contract, re-check eligibility when another number is chosen. */
(function () {
  "use strict";
  document.addEventListener("click", function (evt) {
    if (evt.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("change", function (evt) {
    var select = evt.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
})();
