// Shared helpers for every page: htmx settings, the hall's live feed, timers,
// flashes and a few small behaviours of the staff screens. No build step.
(() => {
  "use strict";

  const SH = (window.servicehall = window.servicehall || {});
  const textNode = document.getElementById("servicehall-text");
  const text = textNode ? JSON.parse(textNode.textContent) : {};
  const t = (key, fallback) => text[key] || fallback;

  // --- htmx: show 4xx answers in the page ------------------------------------------
  // A refused move answers 409/422 with the panel and its message; swap it like a
  // success. 5xx and network failures keep the page and show a toast instead.
  function configureHtmx() {
    if (!window.htmx) return;
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "4..", swap: true, error: false },
      { code: "5..", swap: false, error: true },
      { code: "...", swap: false },
    ];
    htmx.config.defaultSwapStyle = "innerHTML";
    htmx.config.scrollIntoViewOnBoost = false;
  }

  // --- toasts -------------------------------------------------------------------------
  SH.toast = (message, kind) => {
    let box = document.getElementById("toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "toasts";
      box.className = "toasts";
      document.body.appendChild(box);
    }
    const el = document.createElement("div");
    el.className = `flash ${kind || "error"}`;
    el.setAttribute("role", kind === "error" ? "alert" : "status");
    el.textContent = message;
    box.appendChild(el);
    setTimeout(() => el.remove(), kind === "error" ? 8000 : 4000);
  };

  function wireHtmxEvents() {
    document.body.addEventListener("htmx:beforeSwap", (evt) => {
      const xhr = evt.detail.xhr;
      // Signed out meanwhile: go to the sign-in page instead of swapping it into a panel.
      if (xhr && xhr.responseURL && xhr.responseURL.includes("/accounts/login/")) {
        evt.detail.shouldSwap = false;
        window.location.href = xhr.responseURL;
        return;
      }
      if (xhr && xhr.status >= 400 && xhr.status < 500) {
        // An answer that does not re-render the target (a bare error message) must not
        // replace a whole panel: show it as a toast and keep the panel.
        const target = evt.detail.target;
        const body = xhr.responseText || "";
        if (target && target.id && !body.includes(`id="${target.id}"`) && target.hasAttribute("data-live")) {
          evt.detail.shouldSwap = false;
          SH.toast(plainText(body) || t("error", "The request was refused."), "error");
        }
      }
      // A refresh arriving while the clerk presses a button of the panel would replace the
      // button between press and release, and the click would be lost: swap after the release.
      const target = evt.detail.target;
      if (pressedIn(target) && evt.detail.requestConfig && evt.detail.requestConfig.verb === "get") {
        evt.detail.shouldSwap = false;
        target.setAttribute("data-stale", "1");
        return;
      }
      rememberOpenDetails(target);
    });
    document.body.addEventListener("htmx:afterSettle", () => {
      restoreOpenDetails();
      readServerClock(document);
      tickTimers();
    });
    document.body.addEventListener("htmx:responseError", (evt) => {
      const status = evt.detail.xhr ? evt.detail.xhr.status : 0;
      SH.toast(t("server_error", "Something went wrong on our side (%s). Please try again.").replace("%s", status), "error");
    });
    document.body.addEventListener("htmx:sendError", () => {
      SH.toast(t("offline", "No connection to the server. Please check the network."), "error");
    });
    // Live panels refresh on hall events, but never under a clerk's typing fingers.
    document.body.addEventListener("htmx:confirm", (evt) => {
      const elt = evt.detail.elt;
      if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-live")) return;
      if (isEditingInside(elt) || pressedIn(elt)) {
        evt.preventDefault();
        elt.setAttribute("data-stale", "1");
      }
    });
    document.addEventListener("pointerdown", (evt) => {
      pressed = evt.target.closest ? evt.target.closest("[data-live]") : null;
      pressedAt = Date.now();
    }, true);
    const release = () => {
      const live = pressed;
      pressed = null;
      if (!live) return;
      // After the click that this release makes: its own request replaces a refresh (hx-sync).
      setTimeout(() => {
        if (!document.body.contains(live) || !live.hasAttribute("data-stale") || isEditingInside(live)) return;
        live.removeAttribute("data-stale");
        refresh(live);
      }, 0);
    };
    document.addEventListener("pointerup", release, true);
    document.addEventListener("pointercancel", release, true);
    document.body.addEventListener("focusout", (evt) => {
      const live = evt.target.closest && evt.target.closest("[data-live][data-stale]");
      if (!live) return;
      setTimeout(() => {
        if (!document.body.contains(live) || isEditingInside(live)) return;
        live.removeAttribute("data-stale");
        refresh(live);
      }, 300);
    });
  }

  // The text of an HTML answer, read in an inert document: nothing in it runs or loads.
  function plainText(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("script, style, template, noscript").forEach((node) => node.remove());
    return ((doc.body && doc.body.textContent) || "").replace(/\s+/g, " ").trim();
  }

  // The live panel under a pressed mouse button or finger, if any.
  // A press held longer than a click (or released outside the window, which sends no pointerup)
  // no longer holds the panel back.
  let pressed = null;
  let pressedAt = 0;
  function pressedIn(elt) {
    const recent = Date.now() - pressedAt < 3000;
    return Boolean(recent && pressed && elt && pressed === elt && document.body.contains(elt));
  }

  function isEditingInside(elt) {
    const active = document.activeElement;
    if (!active || !elt.contains(active)) return false;
    const tag = active.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function refresh(elt) {
    const url = elt.getAttribute("hx-get");
    if (url && window.htmx) htmx.ajax("GET", url, { source: elt, target: elt, swap: "outerHTML" });
  }

  // Keep <details id=…> open across live refreshes.
  let openDetails = [];
  function rememberOpenDetails(target) {
    if (!target || !target.querySelectorAll) return;
    openDetails = Array.from(target.querySelectorAll("details[open][id]")).map((d) => d.id);
  }
  function restoreOpenDetails() {
    openDetails.forEach((id) => {
      const d = document.getElementById(id);
      if (d) d.open = true;
    });
    openDetails = [];
  }

  // --- the hall's live feed ------------------------------------------------------------
  // Subscribes to ws/halls/<hall>/, reconnects with backoff, and calls onMessage with
  // each payload (plus {type: "reconnected"} after a reconnect, so screens catch up).
  SH.hallFeed = (hall, onMessage) => {
    const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${proto}//${window.location.host}/ws/halls/${encodeURIComponent(hall)}/`;
    let socket = null;
    let attempt = 0;
    let everOpen = false;
    let stopped = false;
    let pingTimer = null;

    function status(live) {
      document.querySelectorAll("[data-feed-status]").forEach((el) => {
        el.classList.toggle("is-live", live);
        el.classList.toggle("is-offline", !live);
      });
      document.documentElement.dataset.feed = live ? "live" : "offline";
    }

    function connect() {
      try {
        socket = new WebSocket(url);
      } catch (err) {
        schedule();
        return;
      }
      socket.onopen = () => {
        const reconnected = everOpen;
        everOpen = true;
        attempt = 0;
        status(true);
        clearInterval(pingTimer);
        pingTimer = setInterval(() => {
          if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
        }, 25000);
        if (reconnected) onMessage({ type: "reconnected" });
      };
      socket.onmessage = (evt) => {
        let data;
        try {
          data = JSON.parse(evt.data);
        } catch (err) {
          return;
        }
        onMessage(data);
      };
      socket.onclose = (evt) => {
        clearInterval(pingTimer);
        status(false);
        if (evt.code === 4403) {
          // Signed out (or past the shift): stop listening; the next click shows the sign-in page and why.
          // No reload here: it could cut short the form this very sign-out came from.
          stopped = true;
          return;
        }
        if (!stopped) schedule();
      };
      socket.onerror = () => {
        try {
          socket.close();
        } catch (err) {
          /* already closed */
        }
      };
    }

    function schedule() {
      const base = Math.min(30000, 500 * 2 ** attempt);
      attempt += 1;
      setTimeout(connect, base * (0.75 + Math.random() * 0.5));
    }

    connect();
    return {
      close() {
        stopped = true;
        if (socket) socket.close();
      },
    };
  };

  // Turn feed messages into one `hall-changed` event on <body> (coalesced), which
  // panels use with hx-trigger="hall-changed from:body"; `hall-event` carries each payload.
  // A payload with an `audience` (e.g. "visits") concerns one kind of panel only: it becomes
  // `hall-changed-<audience>`, so the queue's panels are not reloaded for it.
  const changeTimers = {};
  function announce(payload) {
    document.body.dispatchEvent(new CustomEvent("hall-event", { detail: payload }));
    if (!payload || payload.type === "hello" || payload.type === "pong") return;
    if (payload.chime) chime();
    const name = payload.audience ? `hall-changed-${payload.audience}` : "hall-changed";
    clearTimeout(changeTimers[name]);
    changeTimers[name] = setTimeout(() => {
      if (window.htmx) htmx.trigger(document.body, name, payload);
      else document.body.dispatchEvent(new CustomEvent(name, { detail: payload }));
    }, 120);
  }

  // --- the alert chime ------------------------------------------------------------------
  // A push marked `chime` (a dissatisfied customer) sounds two tones on screens that ask for it
  // ([data-chime]: the duty manager's console, the ratings screen). <html data-chimes> counts them.
  let audio = null;
  function chime() {
    if (!document.querySelector("[data-chime]")) return;
    const root = document.documentElement;
    root.dataset.chimes = String(Number(root.dataset.chimes || 0) + 1);
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    try {
      audio = audio || new AC();
      [880, 660].forEach((pitch, index) => {
        const start = audio.currentTime + index * 0.25;
        const tone = audio.createOscillator();
        const gain = audio.createGain();
        tone.frequency.value = pitch;
        gain.gain.setValueAtTime(0.2, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + 0.22);
        tone.connect(gain).connect(audio.destination);
        tone.start(start);
        tone.stop(start + 0.23);
      });
    } catch (err) {
      /* no sound device: the panel still shows the alert */
    }
  }

  // --- timers ----------------------------------------------------------------------------
  // <span data-since="ISO">: elapsed time, m:ss or h:mm:ss, ticking every second.
  let skew = 0; // server clock minus browser clock, from data-now

  function parseIso(value) {
    if (!value) return NaN;
    // Trim microseconds to milliseconds: some engines refuse six decimals.
    return Date.parse(value.replace(/(\.\d{3})\d+/, "$1"));
  }

  function readServerClock(root) {
    const el = root.querySelector && root.querySelector("[data-now]");
    if (!el) return;
    const server = parseIso(el.getAttribute("data-now"));
    if (!isNaN(server)) {
      const diff = server - Date.now();
      skew = Math.abs(diff) > 2000 ? diff : 0;
    }
  }

  function format(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const pad = (n) => String(n).padStart(2, "0");
    return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
  }

  function tickTimers() {
    const now = Date.now() + skew;
    document.querySelectorAll("[data-since]").forEach((el) => {
      const since = parseIso(el.getAttribute("data-since"));
      if (isNaN(since)) return;
      const seconds = Math.max(0, Math.floor((now - since) / 1000));
      el.textContent = format(seconds);
    });
  }

  // --- small behaviours --------------------------------------------------------------------
  function wireBehaviours() {
    document.addEventListener("click", (evt) => {
      const dismiss = evt.target.closest("[data-dismiss]");
      if (dismiss) {
        const flash = dismiss.closest(".flash");
        if (flash) flash.remove();
        return;
      }
      const reset = evt.target.closest("[data-reset-checklist]");
      if (reset) {
        const list = document.querySelector(reset.getAttribute("data-reset-checklist"));
        if (list) {
          list.querySelectorAll("input[type=checkbox]").forEach((box) => (box.checked = false));
          markChecklist(list);
        }
      }
    });

    document.addEventListener("submit", (evt) => {
      const button = evt.submitter;
      const question = button && button.getAttribute("data-confirm");
      if (question && !window.confirm(question)) evt.preventDefault();
    });

    document.addEventListener("change", (evt) => {
      const list = evt.target.closest && evt.target.closest("[data-checklist]");
      if (list) markChecklist(list);
    });

    // Success messages fade by themselves; errors stay until dismissed or replaced.
    setInterval(() => {
      document.querySelectorAll(".flash[data-autodismiss]").forEach((el) => {
        const born = parseInt(el.getAttribute("data-born") || "0", 10);
        if (!born) el.setAttribute("data-born", String(Date.now()));
        else if (Date.now() - born > 6000) el.remove();
      });
    }, 1000);
  }

  // The checklist's current step is the first one not yet ticked.
  function markChecklist(list) {
    let marked = false;
    list.querySelectorAll("li").forEach((li) => {
      const box = li.querySelector("input[type=checkbox]");
      const current = !marked && box && !box.checked;
      li.classList.toggle("current", current);
      li.classList.toggle("done", !!(box && box.checked));
      if (current) {
        li.setAttribute("aria-current", "step");
        marked = true;
      } else {
        li.removeAttribute("aria-current");
      }
    });
  }

  // --- start -------------------------------------------------------------------------------
  function start() {
    configureHtmx();
    wireHtmxEvents();
    wireBehaviours();
    readServerClock(document);
    tickTimers();
    setInterval(tickTimers, 1000);
    const hall = document.body.getAttribute("data-hall-feed");
    if (hall) SH.feed = SH.hallFeed(hall, announce);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
