/*
 * Kiosk (取号机, Q01) and its slip page.
 *
 * Kiosk: live waiting counts (pushed by ws/halls/<hall>/, polling while the
 * socket is down), an on-screen keypad for the optional mobile number, one
 * press per ticket, and a privacy reset: a number typed and left behind is
 * cleared after a minute.
 * Slip: Print button (prints only the 80 mm slip), `?autoprint=1` prints at
 * once, and the screen returns to the kiosk by itself.
 */
(() => {
  "use strict";

  const IDLE_RESET_MS = 60000;
  const SLIP_RETURN_S = 45;

  // The hall's wall time (data-timezone, e.g. Asia/Shanghai), like the slip and the board: not the
  // time zone the kiosk's own computer happens to be set to.
  function hallTimeFormat(timeZone) {
    const options = { hour: "2-digit", minute: "2-digit", hour12: false };
    if (timeZone) options.timeZone = timeZone;
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", options);
    } catch (error) { // an unknown zone name: the browser's own time rather than no clock
      delete options.timeZone;
      return new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", options);
    }
  }

  function startClock() {
    const node = document.querySelector("[data-clock]");
    if (!node) return;
    const kiosk = node.closest("[data-timezone]");
    const format = hallTimeFormat(kiosk ? kiosk.dataset.timezone : "");
    const tick = () => {
      const now = new Date();
      node.textContent = format.format(now);
      node.setAttribute("datetime", now.toISOString());
    };
    tick();
    setInterval(tick, 1000);
  }

  // --- live waiting counts -----------------------------------------------------

  function liveCounts(kiosk) {
    const stateUrl = kiosk.dataset.stateUrl;
    let refreshTimer = null;
    let pollTimer = null;
    let attempt = 0;
    let leaving = false; // a navigation has started (a form sent): a reload would cut it short
    window.addEventListener("beforeunload", () => { leaving = true; });

    function refresh() {
      fetch(stateUrl, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
        .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then((snapshot) => {
          snapshot.categories.forEach((cat) => {
            const node = kiosk.querySelector(`[data-waiting="${cat.code}"]`);
            if (node) node.textContent = cat.waiting;
          });
        })
        .catch(() => { /* keep the last counts */ });
    }

    function scheduleRefresh() {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(refresh, 300);
    }

    function connect() {
      const scheme = location.protocol === "https:" ? "wss://" : "ws://";
      const socket = new WebSocket(`${scheme}${location.host}${kiosk.dataset.wsPath}`);
      socket.onopen = () => {
        attempt = 0;
        clearInterval(pollTimer);
        pollTimer = null;
        kiosk.dataset.connection = "open";
      };
      socket.onmessage = (message) => {
        const data = JSON.parse(message.data);
        if (data.type === "queue" || data.type === "hello" || data.type === "call") scheduleRefresh();
      };
      socket.onclose = (event) => {
        kiosk.dataset.connection = "closed";
        if (event.code === 4403) { if (!leaving) location.reload(); return; } // unpaired: the page says why
        if (!pollTimer) pollTimer = setInterval(refresh, 15000);
        const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        attempt += 1;
        setTimeout(connect, delay);
      };
      socket.onerror = () => socket.close();
    }

    connect();
  }

  // --- phone keypad and submitting -------------------------------------------------

  function keypad(form) {
    const input = form.querySelector("#kiosk-phone");
    const pad = form.querySelector("[data-keypad]");
    if (!input || !pad) return;
    pad.addEventListener("click", (event) => {
      const key = event.target.closest("[data-key]");
      if (!key) return;
      let value = input.value;
      if (key.dataset.key === "back") value = value.slice(0, -1);
      else if (key.dataset.key === "clear") value = "";
      else if (value.replace(/\D/g, "").length < 11) value += key.dataset.key;
      input.value = value;
      input.removeAttribute("aria-invalid");
    });
  }

  function oneTicketPerPress(form) {
    let sent = false;
    form.addEventListener("submit", (event) => {
      if (sent) { event.preventDefault(); return; }
      sent = true;
      if (event.submitter) event.submitter.classList.add("is-busy");
      // Disable after the browser has read the pressed button's value.
      setTimeout(() => {
        form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      }, 0);
    });
  }

  function privacyReset(form) {
    let timer = null;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const input = form.querySelector("#kiosk-phone");
        if (input) input.value = "";
        const error = document.querySelector("[data-testid=kiosk-error]");
        if (error) error.remove();
      }, IDLE_RESET_MS);
    };
    ["pointerdown", "keydown", "input"].forEach((name) => document.addEventListener(name, arm));
    arm();
  }

  // --- slip page -------------------------------------------------------------------

  function slipPage(actions) {
    const printButton = actions.querySelector("[data-print]");
    printButton.addEventListener("click", () => window.print());
    if (actions.dataset.autoprint === "1") setTimeout(() => window.print(), 300);
    let left = SLIP_RETURN_S;
    const countdown = actions.querySelector("[data-countdown]");
    const tick = () => {
      countdown.textContent = `(${left})`;
      if (left <= 0) { location.replace(actions.dataset.returnUrl); return; }
      left -= 1;
    };
    document.addEventListener("pointerdown", () => { left = SLIP_RETURN_S; });
    tick();
    setInterval(tick, 1000);
  }

  startClock();
  const kiosk = document.querySelector("[data-testid=kiosk]");
  if (kiosk) {
    const form = kiosk.querySelector("[data-kiosk-form]");
    keypad(form);
    oneTicketPerPress(form);
    privacyReset(form);
    liveCounts(kiosk);
  }
  const actions = document.querySelector("[data-slip-actions]");
  if (actions) slipPage(actions);
})();
