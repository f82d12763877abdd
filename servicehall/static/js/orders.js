// The order pages: the customer's signature pad and the print button. No inline code (CSP).
(() => {
  "use strict";

  // --- signature pad ---------------------------------------------------------------------
  // Strokes on <canvas data-signature-pad> are kept as an SVG path ("M x y L x y …") in the
  // form's hidden input [data-signature-value]; the server accepts only that alphabet.
  function wirePad(form) {
    const canvas = form.querySelector("[data-signature-pad]");
    const input = form.querySelector("[data-signature-value]");
    if (!canvas || !input || canvas.dataset.wired) return;
    canvas.dataset.wired = "1";
    const ctx = canvas.getContext("2d");
    ctx.lineWidth = 2;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    let drawing = false;
    let path = [];

    function point(evt) {
      const rect = canvas.getBoundingClientRect();
      const x = ((evt.clientX - rect.left) * canvas.width) / rect.width;
      const y = ((evt.clientY - rect.top) * canvas.height) / rect.height;
      return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
    }

    canvas.addEventListener("pointerdown", (evt) => {
      evt.preventDefault();
      canvas.setPointerCapture(evt.pointerId);
      drawing = true;
      const [x, y] = point(evt);
      path.push(`M${x} ${y}`);
      ctx.beginPath();
      ctx.moveTo(x, y);
    });
    canvas.addEventListener("pointermove", (evt) => {
      if (!drawing) return;
      const [x, y] = point(evt);
      path.push(`L${x} ${y}`);
      ctx.lineTo(x, y);
      ctx.stroke();
    });
    const stop = () => {
      if (!drawing) return;
      drawing = false;
      input.value = path.join(" ");
    };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    const clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", () => {
        path = [];
        input.value = "";
        ctx.clearRect(0, 0, canvas.width, canvas.height);
      });
    }
  }

  function wireAll(root) {
    (root || document).querySelectorAll("[data-signature-form]").forEach(wirePad);
  }

  // --- business details ---------------------------------------------------------------------
  // Choosing a pool number holds it for this order at once (before another counter can take
  // it); the rest of the form is saved with its button.
  function csrfToken() {
    const headers = document.body.getAttribute("hx-headers");
    try {
      return headers ? JSON.parse(headers)["X-CSRFToken"] : "";
    } catch (err) {
      return "";
    }
  }

  function toast(message, kind) {
    if (window.servicehall && window.servicehall.toast) window.servicehall.toast(message, kind);
  }

  document.addEventListener("change", (evt) => {
    const select = evt.target.closest("select[data-hold-url]");
    if (!select) return;
    const body = new URLSearchParams({ number: select.value });
    fetch(select.getAttribute("data-hold-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body,
    })
      .then((response) => response.json().then((answer) => ({ ok: response.ok, answer })))
      .then(({ ok, answer }) => {
        toast(answer.message || "", ok ? "success" : "error");
        if (!ok) select.value = select.getAttribute("data-held") || "";
        else select.setAttribute("data-held", answer.number || "");
      })
      .catch(() => toast(select.getAttribute("data-hold-failed") || "", "error"));
  });

  document.addEventListener("click", (evt) => {
    if (evt.target.closest("[data-print]")) window.print();
  });

  function start() {
    wireAll(document);
    document.body.addEventListener("htmx:afterSettle", () => wireAll(document));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
