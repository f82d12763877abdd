(() => {
  "use strict";
  // The patrol form (SITE02): the browser itself asks for a choice on every item and a note on every failure,
  // so a refusal comes before the upload — a page sent back by the server cannot keep the chosen photos.
  const noteRequired = (fieldset) => {
    const note = fieldset.querySelector("[data-note-for-failure]");
    const failed = fieldset.querySelector('input[type="radio"][value="fail"]:checked');
    if (note) note.required = Boolean(failed);
  };
  const form = document.querySelector('[data-testid="patrol-form"]');
  if (!form) return;
  form.querySelectorAll("fieldset").forEach(noteRequired);
  form.addEventListener("change", (evt) => {
    if (evt.target.matches('input[type="radio"]')) noteRequired(evt.target.closest("fieldset"));
  });
})();
