/*
 * Check-in with a booking at the kiosk (APT02).
 *
 * On-screen keys type into the one field (the QR scanner and a keyboard type there too), a form is sent once
 * per press, and after a minute untouched the screen goes back to the kiosk, so nobody's code or number is
 * left on it.
 */
(() => {
  "use strict";

  const IDLE_RETURN_MS = 60000;

  function keys(form) {
    const input = form.querySelector("#checkin-entry");
    const pad = form.querySelector("[data-keys]");
    if (!input || !pad) return;
    pad.addEventListener("click", (event) => {
      const key = event.target.closest("[data-key]");
      if (!key) return;
      if (key.dataset.key === "back") input.value = input.value.slice(0, -1);
      else if (key.dataset.key === "clear") input.value = "";
      else if (input.value.length < 64) input.value += key.dataset.key;
      input.removeAttribute("aria-invalid");
      input.focus();
    });
  }

  function oncePerPress(form) {
    let sent = false;
    form.addEventListener("submit", (event) => {
      if (sent) { event.preventDefault(); return; }
      sent = true;
      setTimeout(() => { form.querySelectorAll("button").forEach((b) => { b.disabled = true; }); }, 0);
    });
  }

  function idleReturn(screen) {
    const url = screen.dataset.idleUrl;
    if (!url) return;
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => location.replace(url), IDLE_RETURN_MS);
    };
    ["pointerdown", "keydown", "input"].forEach((name) => document.addEventListener(name, arm));
    arm();
  }

  const screen = document.querySelector("[data-testid=check-in]");
  if (!screen) return;
  screen.querySelectorAll("[data-checkin-form]").forEach((form) => { keys(form); oncePerPress(form); });
  idleReturn(screen);
})();
