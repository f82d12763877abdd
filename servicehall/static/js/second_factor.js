// The recovery codes' page: "Print" prints the page (no inline script under the Content-Security-Policy).
document.addEventListener("click", (evt) => {
  if (evt.target.closest("[data-print]")) window.print();
});
