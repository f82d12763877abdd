/*
 * The public screens' heartbeat (SITE03): the kiosk, the board and a counter's rating pad tell the server
 * about once a minute that they are alive, so the duty manager sees a screen that went quiet.
 *
 * Reads one `[data-heartbeat]` element: data-url (POST), data-kind (kiosk, board, pad), data-screen (the
 * pad's counter number; a kiosk's or board's own name comes from `?screen=` and is remembered on the device,
 * `main` when none was ever given), data-csrf. Sends nothing but the kind and the id; the answer is empty.
 */
(() => {
  "use strict";

  const BEAT_MS = 60000;
  const node = document.querySelector("[data-heartbeat]");
  if (!node) {
    return;
  }
  const kind = node.dataset.kind;

  const screenId = () => {
    if (node.dataset.screen) {
      return node.dataset.screen;
    }
    const key = `servicehall.screen.${kind}`;
    const given = new URLSearchParams(window.location.search).get("screen");
    try {
      if (given) {
        window.localStorage.setItem(key, given);
      }
      return window.localStorage.getItem(key) || "main";
    } catch (error) {
      return given || "main";
    }
  };

  const beat = () => {
    const body = new URLSearchParams({ kind, screen: screenId() });
    fetch(node.dataset.url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": node.dataset.csrf },
    }).catch(() => {
      // Offline: the next beat tries again; a quiet screen is what the manager should see.
    });
  };

  beat();
  window.setInterval(beat, BEAT_MS);
})();
