// The staff top bar (issue 10): when the screens' links do not fit beside the hall's name and "Sign out"
// (a 1366 px hall PC with a duty manager's dozen screens, a 10-inch tablet), the bar folds them into the
// menu button. CSS does the folding (`.topbar.is-folded`, and always below 1024 px); this only measures.
(() => {
  "use strict";

  function fits(bar, nav) {
    // Measured unfolded: the links must not scroll, and the bar must not be wider than the window.
    return nav.scrollWidth <= nav.clientWidth + 1 && bar.scrollWidth <= bar.clientWidth + 1;
  }

  function fold(bar, nav) {
    bar.classList.remove("is-folded");
    if (!fits(bar, nav)) bar.classList.add("is-folded");
    bar.classList.add("is-measured");
  }

  function start() {
    const bar = document.querySelector(".topbar");
    const nav = bar && bar.querySelector(".topnav");
    const toggle = bar && bar.querySelector(".topnav-toggle");
    const button = bar && bar.querySelector(".menu-button");
    if (!bar || !nav || !toggle || !button) return;
    fold(bar, nav);
    let pending = 0;
    window.addEventListener("resize", () => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => fold(bar, nav));
    });
    // The menu button is a label for the checkbox: make it work from the keyboard too, and say its state.
    const sync = () => button.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
    toggle.addEventListener("change", sync);
    sync();
    button.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        toggle.checked = !toggle.checked;
        sync();
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && toggle.checked) {
        toggle.checked = false;
        sync();
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
