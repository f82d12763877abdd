/*
 * Display board (叫号屏, Q05).
 *
 * Live by websocket push from ws/halls/<hall>/ (reconnecting by itself with
 * backoff, polling the state endpoint while the socket is down); never reloads
 * the page. A new call flashes and is spoken: by the browser's own Chinese
 * voice when there is one, otherwise by the bundled clips (or the hall's own
 * recordings) played one after another. Calls are queued, so two calls never
 * talk over each other.
 *
 * `window.servicehallBoard` exposes the state for tests and for support staff
 * looking at a board through the developer tools:
 *   connection   "connecting" | "open" | "closed"
 *   calls        every call event received, in order
 *   spoken       one entry per announced call: {number, counter, mode, text,
 *                clips, played, missing, done}
 *   clipsPlayed  every clip name played, in order
 *   audio        the AudioContext state ("running" once sound is allowed)
 * Query parameters: ?voice=clips|speech|off forces the voice mode.
 */
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("board-config").textContent);
  const initial = JSON.parse(document.getElementById("board-initial").textContent);
  const root = document.querySelector("[data-testid=board]");
  const L = config.labels;
  const FLASH_MS = 8000;
  const CLIP_GAP_S = 0.03;
  const RECENT_LIMIT = 8;

  const state = {
    connection: "connecting",
    calls: [],
    spoken: [],
    clipsPlayed: [],
    audio: "none",
    snapshot: initial,
    reconnects: 0,
    refreshes: 0,
    pending: 0,
  };
  window.servicehallBoard = state;

  // --- small helpers ---------------------------------------------------------

  function fmt(template, params) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => (params[key] === undefined ? "" : String(params[key])));
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone: config.timezone,
  });
  const clockFormat = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
    month: "long", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false,
    timeZone: config.timezone,
  });

  // --- rendering ---------------------------------------------------------------

  const flashUntil = {};

  function counterStateLabel(row) {
    if (row.counter_status === "open") {
      if (row.status === "serving") return L.serving;
      return row.status === "called" ? L.calling : L.open;
    }
    return row.counter_status === "paused" ? L.paused : L.closed;
  }

  function counterCard(grid, row) {
    let card = grid.querySelector(`[data-counter="${row.counter}"]`);
    if (!card) {
      card = el("div", "board-counter");
      card.dataset.counter = row.counter;
      card.setAttribute("data-testid", `counter-${row.counter}`);
      card.appendChild(el("div", "counter-label"));
      const number = el("div", "counter-number");
      number.setAttribute("data-testid", `counter-${row.counter}-number`);
      card.appendChild(number);
      card.appendChild(el("div", "counter-state"));
    }
    return card;
  }

  // Cards are updated in place, so a running flash animation is not restarted.
  function renderCounters() {
    const grid = root.querySelector("[data-counters]");
    const now = Date.now();
    const cards = state.snapshot.current.map((row) => {
      const card = counterCard(grid, row);
      card.className = `board-counter is-${row.counter_status}${row.number ? " has-ticket" : ""}`;
      if ((flashUntil[row.counter] || 0) > now) card.classList.add("is-new-call");
      card.querySelector(".counter-label").textContent = fmt(L.counter, { counter: row.counter });
      card.querySelector(".counter-number").textContent = row.number || "—";
      card.querySelector(".counter-state").textContent = counterStateLabel(row);
      return card;
    });
    const same = cards.length === grid.children.length && cards.every((c, i) => grid.children[i] === c);
    if (!same) grid.replaceChildren(...cards);
  }

  function renderRecent() {
    const list = root.querySelector("[data-recent]");
    let items = state.snapshot.recent.map((call) => {
      const li = el("li");
      li.appendChild(el("span", "recent-number", call.number));
      li.appendChild(el("span", "recent-counter", String(call.counter)));
      const time = el("time", "", call.at ? timeFormat.format(new Date(call.at)) : "");
      li.appendChild(time);
      return li;
    });
    if (!items.length) items = [el("li", "recent-empty", "—")];
    list.replaceChildren(...items);
  }

  function renderWaiting() {
    const list = root.querySelector("[data-waiting-list]");
    const items = state.snapshot.categories.map((cat) => {
      const li = el("li");
      li.dataset.category = cat.code;
      li.appendChild(el("span", "waiting-name", cat.name));
      const count = el("b", "waiting-count", String(cat.waiting));
      count.setAttribute("data-testid", `waiting-${cat.code}`);
      li.appendChild(count);
      return li;
    });
    list.replaceChildren(...items);
  }

  function renderLatest(flash) {
    const hero = root.querySelector("[data-testid=latest-call]");
    const latest = state.snapshot.recent[0];
    const number = el("div", latest ? "hero-number" : "hero-number hero-idle", latest ? latest.number : "—");
    number.setAttribute("data-testid", "latest-number");
    const text = el("div", "hero-text", latest ? fmt(L.call, { number: latest.number, counter: latest.counter }) : L.idle);
    text.setAttribute("data-testid", "latest-text");
    const parts = [number, text];
    if (latest && latest.recall) parts.push(el("div", "hero-recall", L.recall));
    hero.replaceChildren(...parts);
    if (flash) {
      hero.classList.remove("is-new-call");
      void hero.offsetWidth; // restart the animation
      hero.classList.add("is-new-call");
    }
  }

  function renderAll() {
    renderCounters();
    renderRecent();
    renderWaiting();
    renderLatest(false);
  }

  function setConnection(value) {
    state.connection = value;
    root.dataset.connection = value;
    const label = root.querySelector("[data-conn-label]");
    label.textContent = value === "open" ? L.online : L.offline;
  }

  function tickClock() {
    const clock = root.querySelector("[data-clock]");
    clock.textContent = clockFormat.format(new Date());
  }

  // --- state from the server -------------------------------------------------

  let refreshTimer = null;

  function refresh() {
    return fetch(config.stateUrl, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(`state ${response.status}`);
        return response.json();
      })
      .then((snapshot) => {
        // Keep the recall marker of a call we showed ourselves.
        const top = state.snapshot.recent[0];
        if (top && top.recall && snapshot.recent[0] && snapshot.recent[0].number === top.number) {
          snapshot.recent[0].recall = true;
        }
        state.snapshot = snapshot;
        state.refreshes += 1;
        renderAll();
      })
      .catch((error) => console.warn("board: refresh failed", error));
  }

  // At most one state fetch per interval however busy the hall is: a pending
  // fetch absorbs the events that arrive before it runs (a debounce would
  // starve the board while events keep coming).
  function scheduleRefresh(delay) {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      refresh();
    }, delay === undefined ? 500 : delay);
  }

  // --- a call ------------------------------------------------------------------

  function applyCall(event) {
    const snap = state.snapshot;
    let row = snap.current.find((r) => r.counter === event.counter);
    if (!row) {
      row = { counter: event.counter, counter_name: event.counter_name, counter_status: "open" };
      snap.current.push(row);
      snap.current.sort((a, b) => a.counter - b.counter);
    }
    row.number = event.number;
    row.status = "called";
    row.counter_status = "open";
    const at = event.sent_at ? new Date(event.sent_at * 1000).toISOString() : new Date().toISOString();
    snap.recent = [
      { number: event.number, counter: event.counter, at, recall: !!event.recall },
      ...snap.recent.filter((c) => !(c.number === event.number && c.counter === event.counter)),
    ].slice(0, RECENT_LIMIT);
    flashUntil[event.counter] = Date.now() + FLASH_MS;
    setTimeout(renderCounters, FLASH_MS + 50); // the flash ends
  }

  function onCall(event) {
    state.calls.push(event);
    applyCall(event);
    renderCounters();
    renderRecent();
    renderLatest(true);
    announce(event);
    scheduleRefresh(600);
  }

  // --- voice -------------------------------------------------------------------

  let audioCtx = null;
  const buffers = {};
  let chain = Promise.resolve();

  function audioContext() {
    if (!audioCtx) {
      const AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return null;
      audioCtx = new AC();
      state.audio = audioCtx.state;
      audioCtx.onstatechange = () => {
        state.audio = audioCtx.state;
        if (audioCtx.state === "running") hideOverlay();
      };
    }
    return audioCtx;
  }

  function chineseVoice() {
    if (!("speechSynthesis" in window)) return null;
    const voices = window.speechSynthesis.getVoices();
    return (
      voices.find((v) => /^zh[-_]CN/i.test(v.lang)) ||
      voices.find((v) => /^(zh|cmn)/i.test(v.lang) && !/(HK|TW|yue)/i.test(v.lang)) ||
      null
    );
  }

  function voiceMode() {
    if (config.voice === "off") return "off";
    if (config.voice === "clips") return "clips";
    if (config.voice === "speech") return chineseVoice() ? "speech" : "clips";
    if (config.ownClips) return "clips"; // the hall recorded its own voice: prefer it
    return chineseVoice() ? "speech" : "clips";
  }

  function loadClip(name) {
    if (!buffers[name]) {
      const ctx = audioContext();
      buffers[name] = fetch(`${config.clipsBase}${name}${config.clipExt}`, { credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) throw new Error(`${name}: ${response.status}`);
          return response.arrayBuffer();
        })
        .then((data) => new Promise((resolve, reject) => ctx.decodeAudioData(data, resolve, reject)))
        .catch((error) => {
          console.warn("board: clip not available", error);
          delete buffers[name]; // try again on the next call
          return null;
        });
    }
    return buffers[name];
  }

  function playClips(entry) {
    const ctx = audioContext();
    if (!ctx) return sleep(500);
    return Promise.all(entry.clips.map(loadClip)).then((decoded) => {
      const start = ctx.currentTime + 0.05;
      let at = start;
      decoded.forEach((buffer, index) => {
        const name = entry.clips[index];
        if (!buffer) { entry.missing.push(name); return; }
        const source = ctx.createBufferSource();
        source.buffer = buffer;
        source.connect(ctx.destination);
        source.start(at);
        at += buffer.duration + CLIP_GAP_S;
        entry.played.push(name);
        state.clipsPlayed.push(name);
      });
      // Wait out the sentence on the wall clock, so a muted board still keeps order.
      return sleep((at - start) * 1000 + 150);
    });
  }

  function speakText(entry) {
    return new Promise((resolve) => {
      let finished = false;
      const done = () => { if (!finished) { finished = true; resolve(); } };
      const utterance = new SpeechSynthesisUtterance(entry.text);
      utterance.lang = "zh-CN";
      utterance.voice = chineseVoice();
      utterance.rate = 0.9;
      utterance.onend = done;
      utterance.onerror = done;
      setTimeout(done, 15000); // some engines never say they finished
      window.speechSynthesis.speak(utterance);
    });
  }

  function announce(event) {
    const entry = {
      number: event.number,
      counter: event.counter,
      recall: !!event.recall,
      text: event.text,
      clips: (event.clips || []).slice(),
      mode: null,
      played: [],
      missing: [],
      done: false,
    };
    state.pending += 1;
    chain = chain
      .then(() => {
        entry.mode = voiceMode();
        state.spoken.push(entry);
        if (entry.mode === "off") return null;
        return entry.mode === "speech" ? speakText(entry) : playClips(entry);
      })
      .catch((error) => console.warn("board: could not speak", error))
      .then(() => {
        entry.done = true;
        state.pending -= 1;
      });
  }

  // --- the one-time "tap to enable sound" overlay --------------------------------

  const overlay = root.querySelector("[data-sound-overlay]");

  function hideOverlay() { overlay.hidden = true; }

  function unlockSound() {
    const ctx = audioContext();
    if (ctx && ctx.state !== "running") ctx.resume();
    if ("speechSynthesis" in window) {
      // Speaking once inside the tap lets later calls speak without one.
      const hush = new SpeechSynthesisUtterance(" ");
      hush.volume = 0;
      window.speechSynthesis.speak(hush);
    }
    hideOverlay();
  }

  function offerSoundUnlock() {
    if (config.voice === "off") return;
    overlay.querySelector("button").addEventListener("click", unlockSound);
    setTimeout(() => {
      const ctx = audioContext();
      if (ctx && ctx.state !== "running") overlay.hidden = false;
    }, 600);
  }

  // --- the live feed -------------------------------------------------------------

  let socket = null;
  let attempt = 0;
  let leaving = false; // a navigation has started (a form sent): a reload would cut it short
  window.addEventListener("beforeunload", () => { leaving = true; });
  let pollTimer = null;
  let lastMessageAt = Date.now();

  function handle(message) {
    lastMessageAt = Date.now();
    if (message.type === "call") onCall(message);
    else if (message.type === "queue" || message.type === "counter") scheduleRefresh();
    else if (message.type === "hello") refresh();
  }

  function startPolling() {
    if (!pollTimer) pollTimer = setInterval(refresh, 10000);
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    setConnection("connecting");
    socket = new WebSocket(`${scheme}${location.host}${config.wsPath}`);
    socket.onopen = () => {
      attempt = 0;
      lastMessageAt = Date.now();
      setConnection("open");
      stopPolling();
    };
    socket.onmessage = (message) => {
      try { handle(JSON.parse(message.data)); } catch (error) { console.warn("board: bad message", error); }
    };
    socket.onclose = (event) => {
      socket = null;
      if (event.code === 4403) { if (!leaving) location.reload(); return; } // unpaired: the page says why
      setConnection("closed");
      startPolling();
      const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      attempt += 1;
      state.reconnects += 1;
      setTimeout(connect, delay);
    };
    socket.onerror = () => { if (socket) socket.close(); };
  }

  function heartbeat() {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - lastMessageAt > 50000) { socket.close(); return; } // silent for too long: reconnect
    socket.send(JSON.stringify({ type: "ping" }));
  }

  // For tests and support: drop the connection as a flaky network would.
  state.dropConnection = () => { if (socket) socket.close(); };

  // --- start -------------------------------------------------------------------

  renderAll();
  tickClock();
  setInterval(tickClock, 1000);
  setInterval(heartbeat, 20000);
  offerSoundUnlock();
  if (voiceMode() === "clips" || config.ownClips) (config.clipNames || []).forEach(loadClip);
  if ("speechSynthesis" in window) window.speechSynthesis.onvoiceschanged = () => { chineseVoice(); };
  connect();
})();
