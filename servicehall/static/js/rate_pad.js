/*
 * The counter's rating pad (服务评价器, CARE01).
 *
 * Idle it shows the counter's clerk. When the clerk finishes a ticket (or presses 请评价) the hall's feed
 * says `rating_asked` for this counter; the pad fetches its state, asks aloud once per rating (the bundled
 * clip, else the browser's Chinese voice) and shows the four keys until the window closes. A press is
 * sent once; the server decides whether it counted and the pad shows its answer.
 * window.ratePad: {asked: [rating ids asked], pressed: [rating ids pressed], spoken, presses, answer} for tests
 * and support.
 */
(() => {
  "use strict";

  const ANSWER_SHOWN_MS = 5000;
  const IDLE_POLL_MS = 15000;

  const config = JSON.parse(document.getElementById("pad-config").textContent);
  const pad = document.querySelector("[data-pad]");
  const idle = pad.querySelector("[data-pad-idle]");
  const ask = pad.querySelector("[data-pad-ask]");
  const answer = pad.querySelector("[data-pad-answer]");
  const seconds = pad.querySelector("[data-seconds]");
  const keys = Array.from(pad.querySelectorAll("[data-score]"));
  const csrf = pad.querySelector("[data-pad-form] input[name=csrfmiddlewaretoken]").value;

  const state = { asked: [], pressed: [], spoken: 0, presses: 0, answer: "" };
  window.ratePad = state;

  let current = null; // the rating being asked: {rating, ticket, seconds_left}
  let countdown = null;
  let answerTimer = null;

  function showClerk(clerk) {
    pad.querySelector("[data-field=name]").textContent = clerk.name || pad.querySelector("[data-field=name]").textContent;
    pad.querySelector("[data-field=initial]").textContent = clerk.initial || "·";
    pad.querySelector("[data-field=job_number]").textContent = clerk.job_number;
    pad.querySelector("[data-job]").hidden = !clerk.job_number;
  }

  function setMode(mode) {
    pad.dataset.mode = mode;
    ask.hidden = mode !== "asking";
    idle.hidden = mode === "asking";
    const box = pad.querySelector("[data-pad-details]");
    if (box) box.hidden = true;
  }

  // The bundled clips, fetched once and played back to back with Web Audio (like the board); sound needs
  // one tap on the pad after it starts (the browser's rule), which `unlock` turns into a running context.
  let audio = null;
  const buffers = {};

  function context() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!audio && AC) audio = new AC();
    return audio;
  }

  function clipBuffer(url) {
    if (!buffers[url]) {
      buffers[url] = fetch(url, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(response.status)))
        .then((data) => new Promise((resolve, reject) => context().decodeAudioData(data, resolve, reject)));
    }
    return buffers[url];
  }

  function playClips() {
    if (!context()) return Promise.reject(new Error("no Web Audio"));
    return Promise.all(config.clips.map(clipBuffer)).then((decoded) => {
      if (audio.state !== "running") throw new Error("sound not allowed yet");
      let at = audio.currentTime;
      decoded.forEach((buffer) => {
        const source = audio.createBufferSource();
        source.buffer = buffer;
        source.connect(audio.destination);
        source.start(at);
        at += buffer.duration;
      });
    });
  }

  function unlock() {
    if (context() && audio.state !== "running") audio.resume().catch(() => {});
  }
  document.addEventListener("pointerdown", unlock);

  function speak() {
    state.spoken += 1;
    if (config.voice === "off") return;
    const viaSpeech = () => {
      if (!("speechSynthesis" in window)) return;
      const words = new SpeechSynthesisUtterance(config.speech);
      words.lang = "zh-CN";
      window.speechSynthesis.speak(words);
    };
    if (config.voice === "speech") {
      viaSpeech();
      return;
    }
    playClips().catch(viaSpeech);
  }

  function stopCountdown() {
    clearInterval(countdown);
    countdown = null;
  }

  function startAsking(asking) {
    const isNew = !current || current.rating !== asking.rating;
    current = asking;
    let left = asking.seconds_left;
    seconds.textContent = String(left);
    keys.forEach((key) => { key.disabled = false; });
    answer.hidden = true;
    setMode("asking");
    if (isNew) {
      state.asked.push(asking.rating);
      speak();
    }
    stopCountdown();
    countdown = setInterval(() => {
      left -= 1;
      seconds.textContent = String(Math.max(left, 0));
      if (left <= 0) {
        stopCountdown();
        current = null;
        setMode("idle");
      }
    }, 1000);
  }

  function render(snapshot) {
    showClerk(snapshot.clerk);
    const answered = snapshot.asking && state.pressed.includes(snapshot.asking.rating);
    if (snapshot.asking && !answered) {
      startAsking(snapshot.asking);
    } else if (pad.dataset.mode === "asking" && answer.hidden) {
      stopCountdown();
      current = null;
      setMode("idle");
    }
  }

  function refresh() {
    return fetch(config.stateUrl, { headers: { Accept: "application/json" }, cache: "no-store", credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then(render)
      .catch(() => { /* the next push or poll tries again */ });
  }

  function showAnswer(text) {
    state.answer = text;
    answer.textContent = text;
    answer.hidden = false;
    stopCountdown();
    clearTimeout(answerTimer);
    answerTimer = setTimeout(() => {
      answer.hidden = true;
      current = null;
      setMode("idle");
      refresh();
    }, ANSWER_SHOWN_MS);
  }

  function press(score) {
    if (!current) return;
    keys.forEach((key) => { key.disabled = true; }); // one press: a double tap sends nothing more
    state.presses += 1;
    state.pressed.push(current.rating); // never asked again on this pad, whatever a late refresh says
    const body = new URLSearchParams({ rating: current.rating, score });
    fetch(config.pressUrl, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
    })
      .then((response) => response.json().then((data) => ({ ok: response.ok, message: data.message })))
      .then((result) => {
        if (result.ok && details) askDetails(current.rating);
        else showAnswer(result.message || config.labels.thanks);
      })
      .catch(() => showAnswer(config.labels.offline));
  }

  // --- the detailed 1–5 scores (where the hall asks for them) ---------------------------------------------
  const details = config.details ? pad.querySelector("[data-pad-details]") : null;
  const detailsSend = details ? details.querySelector("[data-details-send]") : null;
  let chosen = {};
  let detailsFor = null;

  function askDetails(rating) {
    detailsFor = rating;
    chosen = {};
    details.querySelectorAll("[data-detail]").forEach((button) => button.setAttribute("aria-pressed", "false"));
    detailsSend.disabled = true;
    stopCountdown();
    ask.hidden = true;
    idle.hidden = true;
    details.hidden = false;
    pad.dataset.mode = "details";
    clearTimeout(answerTimer);
    // Not answered in time: the main press counted already, so thank and go idle.
    answerTimer = setTimeout(() => { details.hidden = true; showAnswer(config.labels.thanks); }, config.windowSeconds * 1000);
  }

  if (details) {
    details.querySelectorAll("[data-detail]").forEach((button) => button.addEventListener("click", () => {
      const name = button.dataset.detail;
      chosen[name] = button.dataset.value;
      details.querySelectorAll(`[data-detail="${name}"]`).forEach((other) => {
        other.setAttribute("aria-pressed", String(other === button));
      });
      detailsSend.disabled = details.querySelectorAll(".pad-detail").length !== Object.keys(chosen).length;
    }));
    detailsSend.addEventListener("click", () => {
      detailsSend.disabled = true; // one send
      const body = new URLSearchParams({ rating: detailsFor, ...chosen });
      fetch(config.detailsUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf },
      })
        .then((response) => response.json().then((data) => data.message || config.labels.thanks))
        .catch(() => config.labels.offline)
        .then((message) => { details.hidden = true; showAnswer(message); });
    });
  }

  keys.forEach((key) => key.addEventListener("click", () => press(key.dataset.score)));

  document.body.addEventListener("hall-event", (event) => {
    const payload = event.detail || {};
    if (payload.type === "reconnected" || Number(payload.counter) === config.counter) refresh();
  });
  setInterval(() => { if (pad.dataset.mode === "idle") refresh(); }, IDLE_POLL_MS);

  const initial = JSON.parse(document.getElementById("pad-state").textContent);
  render(initial);
})();
