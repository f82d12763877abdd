(() => {
  "use strict";
  // The bill's print button (HOTEL04): the guest checks the itemised bill on paper.
  document.addEventListener("click", (evt) => {
    if (evt.target.closest("[data-print]")) window.print();
  });
})();
