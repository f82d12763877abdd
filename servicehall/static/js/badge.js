// The visitor badge (APT04): after the Print button counted a print, open the browser's print dialog once.
(() => {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    if (document.body.dataset.autoprint === "1") window.print();
  });
})();
