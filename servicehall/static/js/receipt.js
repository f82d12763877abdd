// The receipt page (PAY02): after the Print button recorded a print, open the browser's print dialog.
document.addEventListener("DOMContentLoaded", () => {
  if (document.body.dataset.autoprint === "1") {
    window.print();
  }
});
