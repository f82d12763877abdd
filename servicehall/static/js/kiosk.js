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
(function () {
  "use strict";

  var IDLE_RESET_MS = 60000;
  var SLIP_RETURN_S = 45;

  // The hall's wall time (data-timezone, e.g. Asia/Shanghai), like the slip and the board: not the
  // time zone the kiosk's own computer happens to be set to.
  function hallTimeFormat(timeZone) {
    var options = { hour: "2-digit", minute: "2-digit", hour12: false };
    if (timeZone) options.timeZone = timeZone;
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", options);
    } catch (error) { // an unknown zone name: the browser's own time rather than no clock
      delete options.timeZone;
      return new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", options);
    }
  }

  function startClock() {
    var node = document.querySelector("[data-clock]");
    if (!node) return;
    var kiosk = node.closest("[data-timezone]");
    var format = hallTimeFormat(kiosk ? kiosk.dataset.timezone : "");
    function tick() {
      var now = new Date();
      node.textContent = format.format(now);
      node.setAttribute("datetime", now.toISOString());
    }
    tick();
    setInterval(tick, 1000);
  }

  // --- live waiting counts -----------------------------------------------------

  function liveCounts(kiosk) {
    var stateUrl = kiosk.dataset.stateUrl;
    var refreshTimer = null;
    var pollTimer = null;
    var attempt = 0;
    var leaving = false; // a navigation has started (a form sent): a reload would cut it short
    window.addEventListener("beforeunload", function () { leaving = true; });

    function refresh() {
      fetch(stateUrl, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (snapshot) {
          snapshot.categories.forEach(function (cat) {
            var node = kiosk.querySelector('[data-waiting="' + cat.code + '"]');
            if (node) node.textContent = cat.waiting;
          });
        })
        .catch(function () { /* keep the last counts */ });
    }

    function scheduleRefresh() {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(refresh, 300);
    }

    function connect() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + location.host + kiosk.dataset.wsPath);
      socket.onopen = function () {
        attempt = 0;
        clearInterval(pollTimer);
        pollTimer = null;
        kiosk.dataset.connection = "open";
      };
      socket.onmessage = function (message) {
        var data = JSON.parse(message.data);
        if (data.type === "queue" || data.type === "hello" || data.type === "call") scheduleRefresh();
      };
      socket.onclose = function (event) {
        kiosk.dataset.connection = "closed";
        if (event.code === 4403) { if (!leaving) location.reload(); return; } // unpaired: the page says why
        if (!pollTimer) pollTimer = setInterval(refresh, 15000);
        var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
        attempt += 1;
        setTimeout(connect, delay);
      };
      socket.onerror = function () { socket.close(); };
    }

    connect();
  }

  // --- phone keypad and submitting -------------------------------------------------

  function keypad(form) {
    var input = form.querySelector("#kiosk-phone");
    var pad = form.querySelector("[data-keypad]");
    if (!input || !pad) return;
    pad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key) return;
      var value = input.value;
      if (key.dataset.key === "back") value = value.slice(0, -1);
      else if (key.dataset.key === "clear") value = "";
      else if (value.replace(/\D/g, "").length < 11) value += key.dataset.key;
      input.value = value;
      input.removeAttribute("aria-invalid");
    });
  }

  function oneTicketPerPress(form) {
    var sent = false;
    form.addEventListener("submit", function (event) {
      if (sent) { event.preventDefault(); return; }
      sent = true;
      if (event.submitter) event.submitter.classList.add("is-busy");
      // Disable after the browser has read the pressed button's value.
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  }

  function privacyReset(form) {
    var timer = null;
    function arm() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var input = form.querySelector("#kiosk-phone");
        if (input) input.value = "";
        var error = document.querySelector("[data-testid=kiosk-error]");
        if (error) error.remove();
      }, IDLE_RESET_MS);
    }
    ["pointerdown", "keydown", "input"].forEach(function (name) { document.addEventListener(name, arm); });
    arm();
  }

  // --- slip page -------------------------------------------------------------------

  function slipPage(actions) {
    var printButton = actions.querySelector("[data-print]");
    printButton.addEventListener("click", function () { window.print(); });
    if (actions.dataset.autoprint === "1") setTimeout(function () { window.print(); }, 300);
    var left = SLIP_RETURN_S;
    var countdown = actions.querySelector("[data-countdown]");
    function tick() {
      countdown.textContent = "(" + left + ")";
      if (left <= 0) { location.replace(actions.dataset.returnUrl); return; }
      left -= 1;
    }
    document.addEventListener("pointerdown", function () { left = SLIP_RETURN_S; });
    tick();
    setInterval(tick, 1000);
  }

  startClock();
  var kiosk = document.querySelector("[data-testid=kiosk]");
  if (kiosk) {
    var form = kiosk.querySelector("[data-kiosk-form]");
    keypad(form);
    oneTicketPerPress(form);
    privacyReset(form);
    liveCounts(kiosk);
  }
  var actions = document.querySelector("[data-slip-actions]");
  if (actions) slipPage(actions);
})();
