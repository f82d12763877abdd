// Taking money at the counter: the cash keypad and the change preview (PAY01). No inline code (CSP).
(() => {
  "use strict";

  // --- payment at the counter ---------------------------------------------------------------
  // The change shown while the clerk types is a preview in whole fen; the server computes the
  // change it records and prints.
  function cents(text) {
    const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text || "");
    if (!match) return null;
    return parseInt(match[1], 10) * 100 + parseInt((match[2] || "0").padEnd(2, "0"), 10);
  }

  function yuan(value) {
    return (value / 100).toFixed(2);
  }

  function showChange(form) {
    const line = form.querySelector("[data-change-line]");
    const input = form.querySelector("[data-tendered]");
    if (!line || !input) return;
    // A top-up's amount is typed by the clerk; an order's is fixed by the page.
    const amountInput = form.querySelector("[data-amount]");
    const due = cents(amountInput ? amountInput.value : form.getAttribute("data-due"));
    const given = cents(input.value);
    if (due === null || given === null) {
      line.textContent = "";
      return;
    }
    const change = given - due;
    line.textContent =
      change >= 0
        ? `${line.getAttribute("data-label-change")} ¥${yuan(change)}`
        : `${line.getAttribute("data-label-short")} ¥${yuan(-change)}`;
    line.classList.toggle("short", change < 0);
  }

  function showMethod(form) {
    const chosen = form.querySelector("input[name=method]:checked");
    const cash = form.querySelector("[data-cash-only]");
    if (!cash) return;
    const isCash = !chosen || chosen.value === "cash";
    cash.hidden = !isCash;
    const input = form.querySelector("[data-tendered]");
    if (input) input.disabled = !isCash;
    // Card: the terminal's reference (POS 参考号) is asked for, and required.
    const card = form.querySelector("[data-card-only]");
    const reference = form.querySelector("[data-pos-reference]");
    const isCard = !!chosen && chosen.value === "card";
    if (card) card.hidden = !isCard;
    if (reference) {
      reference.disabled = !isCard;
      reference.required = isCard;
    }
  }

  document.addEventListener("input", (evt) => {
    const form = evt.target.closest("[data-pay-form]");
    if (form && evt.target.matches("[data-tendered], [data-amount]")) showChange(form);
  });

  document.addEventListener("change", (evt) => {
    const form = evt.target.closest("[data-pay-form]");
    if (form && evt.target.name === "method") showMethod(form);
  });

  document.addEventListener("click", (evt) => {
    const button = evt.target.closest("[data-tender]");
    const form = button && button.closest("[data-pay-form]");
    if (!form) return;
    const input = form.querySelector("[data-tendered]");
    const value = button.getAttribute("data-tender");
    if (value === "clear") input.value = "";
    else if (value === "exact") {
      const amountInput = form.querySelector("[data-amount]");
      input.value = amountInput ? amountInput.value : form.getAttribute("data-due");
    }
    else input.value = yuan((cents(input.value) || 0) + cents(value));
    showChange(form);
    input.focus();
  });

  function wireAll() {
    document.querySelectorAll("[data-pay-form]").forEach(showMethod);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wireAll);
  else wireAll();
  document.addEventListener("htmx:afterSettle", wireAll);
})();
