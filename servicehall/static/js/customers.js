// Customers pages: a search box ready for the next card, the reason box focused
// when "show in full" opens, and a revealed value masked again after a while.
(() => {
  "use strict";

  // After a search the box is emptied and focused: the card reader can type the next number.
  document.addEventListener("htmx:afterRequest", (evt) => {
    const form = evt.detail && evt.detail.elt;
    if (!form || !form.matches || !form.matches("[data-search-form]")) return;
    form.reset();
    const box = form.querySelector("input[name=q]");
    if (box) box.focus();
  });

  // Opening "show in full" puts the cursor in the reason box.
  document.addEventListener(
    "toggle",
    (evt) => {
      const details = evt.target;
      if (!details.matches || !details.matches("details.reveal") || !details.open) return;
      const reason = details.querySelector("input[name=reason]");
      if (reason) reason.focus();
    },
    true
  );

  // A value shown in full is for the moment it is needed: it is masked again after
  // data-hide-after seconds (showing it again asks for a reason again).
  function hideLater(root) {
    root.querySelectorAll("[data-hide-after]:not([data-hide-armed])").forEach((el) => {
      el.setAttribute("data-hide-armed", "1");
      const seconds = parseInt(el.getAttribute("data-hide-after"), 10) || 60;
      setTimeout(() => {
        el.textContent = el.getAttribute("data-masked") || "****";
        el.classList.remove("revealed");
        const note = el.parentElement && el.parentElement.querySelector(".reveal-logged");
        if (note) note.remove();
      }, seconds * 1000);
    });
  }
  document.addEventListener("DOMContentLoaded", () => hideLater(document));
  document.addEventListener("htmx:afterSettle", (evt) => hideLater(evt.detail.elt || document));
})();
