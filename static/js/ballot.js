// The ballot pages. Everything works without this script; it adds:
// - the code from the QR link's #fragment (which never reaches the server's logs) is filled
//   in and submitted, then removed from the address bar and history;
// - a live count of 赞成 marks against the approval limit.
(function () {
  "use strict";
  var codeForm = document.getElementById("code-form");
  if (codeForm && window.location.hash.length > 1) {
    var code = decodeURIComponent(window.location.hash.slice(1));
    history.replaceState(null, "", window.location.pathname);
    var input = codeForm.querySelector("input[name=code]");
    if (input && /^[0-9A-Za-z-]{10,40}$/.test(code)) {
      input.value = code;
      codeForm.submit();
    }
  }
  var ballot = document.getElementById("ballot-form");
  if (!ballot) { return; }
  var limit = parseInt(ballot.getAttribute("data-limit"), 10);
  var counter = document.getElementById("approval-count");
  var warning = document.getElementById("approval-warning");
  var submit = document.getElementById("review-button");
  function update() {
    var yes = ballot.querySelectorAll("input[type=radio][value=Y]:checked").length;
    if (counter) { counter.textContent = String(yes); }
    var over = yes > limit;
    if (warning) { warning.hidden = !over; }
    if (submit) { submit.disabled = over; }
  }
  ballot.addEventListener("change", update);
  update();
})();
