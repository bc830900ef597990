// Forms with data-confirm ask before submitting (open, close, publish...).
// Forms with data-busy disable their button once sent and say so (data-busy is the text):
// printing 400 code slips takes several seconds, and a second click would make new codes
// and void the slips of the first. A download does not leave the page, so the button comes
// back after a while for a deliberate reprint.
(function () {
  "use strict";
  var BUSY_MS = 20000;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.getAttribute) { return; }
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); return; }
    var busy = form.getAttribute("data-busy");
    if (!busy) { return; }
    if (form.getAttribute("data-sent") === "1") { event.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
    var button = form.querySelector("button[type=submit]");
    var note = document.createElement("div");
    note.className = "small text-secondary mt-1 js-busy-note";
    note.setAttribute("role", "status");
    note.textContent = busy;
    (button ? button.parentNode : form).appendChild(note);
    // Disable after the submission has started, so the button's own value is still sent.
    window.setTimeout(function () { if (button) { button.disabled = true; } }, 0);
    window.setTimeout(function () {
      form.removeAttribute("data-sent");
      if (button) { button.disabled = false; }
      if (note.parentNode) { note.parentNode.removeChild(note); }
    }, BUSY_MS);
  });
})();
