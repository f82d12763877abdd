/*
 * Ticket tracking page (Q01): the customer follows a ticket from the slip's QR
 * code. Polls the state every 10 s; where the hall's feed is public it also
 * refreshes as soon as a call or queue change is pushed. No personal data.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("track-config").textContent);
  var card = document.querySelector("[data-track-card]");
  var FINAL = ["done", "abandoned", "closed"];
  var pollTimer = null;
  var refreshTimer = null;
  var socket = null;

  function show(node, visible) { if (node) node.hidden = !visible; }

  function render(status) {
    var before = card.dataset.status;
    card.dataset.status = status.status;
    card.querySelectorAll("[data-field]").forEach(function (node) {
      var value = status[node.dataset.field];
      node.textContent = value === null || value === undefined ? "" : value;
    });
    show(card.querySelector("[data-call]"), !!status.counter);
    show(card.querySelector("[data-waiting-figures]"), status.waiting);
    if (before !== status.status && status.status === "called") {
      card.classList.add("is-new-call");
      if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
    }
    var updated = document.querySelector("[data-updated]");
    if (updated) updated.textContent = new Date().toLocaleTimeString(document.documentElement.lang || "zh-CN");
    if (FINAL.indexOf(status.status) >= 0) stop();
  }

  function refresh() {
    fetch(config.stateUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(function () { /* try again at the next tick */ });
  }

  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 300);
  }

  function stop() {
    clearInterval(pollTimer);
    if (socket) { socket.onclose = null; socket.close(); }
  }

  function connect(attempt) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + config.wsPath);
    socket.onmessage = function (message) {
      var data = JSON.parse(message.data);
      if (data.type === "call" || data.type === "queue") scheduleRefresh();
    };
    socket.onclose = function () {
      var delay = Math.min(60000, 2000 * Math.pow(2, attempt));
      setTimeout(function () { connect(attempt + 1); }, delay);
    };
  }

  pollTimer = setInterval(refresh, (config.pollSeconds || 10) * 1000);
  if (config.wsPath && FINAL.indexOf(card.dataset.status) < 0) connect(0);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
  refresh();
})();
