// The receipt page (PAY02): after the Print button recorded a print, open the browser's print dialog once.
// Once that dialog closes the page turns into the preview, so printing it again (Ctrl+P) prints blank:
// only the Print button counts a print, and every later one is marked as a copy.
(() => {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    if (document.body.dataset.autoprint !== "1") return;
    window.addEventListener("afterprint", () => {
      document.body.classList.add("receipt-preview");
    }, { once: true });
    window.print();
  });
})();
