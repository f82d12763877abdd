/*
 * Ticket tracking page (Q01): the customer follows a ticket from the slip's QR
 * code. Where the hall's feed is public the page listens to it; every phone in
 * the hall hears every event, so a queue change or someone else's call leads to
 * at most one fetch of the state every few seconds: the first event schedules a
 * fetch and later ones are absorbed by it (a throttle, not a debounce, so a busy
 * hall cannot starve the page). A call of this very ticket is fetched at once.
 * While the feed is down (or the hall has none) the page polls every 10 s.
 * No personal data.
 */
(() => {
  "use strict";

  const config = JSON.parse(document.getElementById("track-config").textContent);
  const card = document.querySelector("[data-track-card]");
  const FINAL = ["done", "abandoned", "closed"];
  const POLL_MS = (config.pollSeconds || 10) * 1000;
  const MIN_GAP_MS = (config.minGapSeconds || 5) * 1000;
  const SPREAD_MS = 1000; // phones of one hall do not all ask in the same millisecond
  let pollTimer = null;
  let pendingTimer = null;
  let lastFetch = 0;
  let socket = null;
  let stopped = false;
  // "Updated" in the hall's time zone (config.timezone), as the slip and the board show times.
  const updatedFormat = (() => {
    const options = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false };
    if (config.timezone) options.timeZone = config.timezone;
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", options);
    } catch (error) {
      delete options.timeZone;
      return new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", options);
    }
  })();

  function show(node, visible) { if (node) node.hidden = !visible; }

  // What other apps offer once the ticket is over (e.g. "Rate this service"), as the server lists it.
  function renderLinks(links) {
    const box = document.querySelector("[data-links]");
    if (!box) return;
    box.replaceChildren(...links.map((link) => {
      const p = document.createElement("p");
      p.className = "track-link";
      const a = document.createElement("a");
      a.className = "btn btn-primary";
      a.href = link.url;
      a.dataset.testid = link.testid;
      a.textContent = link.label;
      p.append(a);
      return p;
    }));
  }

  function render(status) {
    const before = card.dataset.status;
    card.dataset.status = status.status;
    card.querySelectorAll("[data-field]").forEach((node) => {
      const value = status[node.dataset.field];
      node.textContent = value === null || value === undefined ? "" : value;
    });
    show(card.querySelector("[data-call]"), !!status.counter);
    renderLinks(status.links || []);
    show(card.querySelector("[data-waiting-figures]"), status.waiting);
    if (before !== status.status && status.status === "called") {
      card.classList.add("is-new-call");
      if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
    }
    const updated = document.querySelector("[data-updated]");
    if (updated) {
      const now = new Date();
      updated.textContent = updatedFormat.format(now);
      updated.setAttribute("datetime", now.toISOString());
    }
    if (FINAL.includes(status.status)) stop();
  }

  function fetchNow() {
    if (stopped) return;
    lastFetch = Date.now();
    fetch(config.stateUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(() => { /* try again at the next event or tick */ });
  }

  // At most one fetch per MIN_GAP_MS; a fetch already scheduled absorbs later requests.
  function requestRefresh() {
    if (stopped || pendingTimer !== null) return;
    const wait = Math.max(0, lastFetch + MIN_GAP_MS - Date.now()) + Math.random() * SPREAD_MS;
    pendingTimer = setTimeout(() => {
      pendingTimer = null;
      fetchNow();
    }, wait);
  }

  function startPolling() {
    if (pollTimer === null && !stopped) pollTimer = setInterval(requestRefresh, POLL_MS);
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  function stop() {
    stopped = true;
    stopPolling();
    clearTimeout(pendingTimer);
    pendingTimer = null;
    if (socket) { socket.onclose = null; socket.close(); }
  }

  function onEvent(data) {
    if (!data) return;
    if (data.type === "call" && config.number && data.number === config.number) {
      fetchNow(); // this customer's own call: no waiting
    } else if (data.type === "call" || data.type === "queue") {
      requestRefresh();
    }
  }

  function connect(attempt) {
    if (stopped) return;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(`${scheme}${location.host}${config.wsPath}`);
    socket.onopen = () => {
      stopPolling();
      // Catch up with what happened before the feed was open (the first fetch
      // may be older than the socket): one throttled fetch, absorbed by events.
      requestRefresh();
      attempt = 0;
      card.dataset.connection = "open";
    };
    socket.onmessage = (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch (err) { return; }
      onEvent(data);
    };
    socket.onclose = () => {
      card.dataset.connection = "closed";
      startPolling();
      const delay = Math.min(60000, 2000 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      setTimeout(() => connect(attempt + 1), delay);
    };
  }

  startPolling();
  if (config.wsPath && !FINAL.includes(card.dataset.status)) connect(0);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) requestRefresh(); });
  fetchNow();
})();
