// Supervision pages: small progressive enhancements (everything works without JS).
(function () {
  "use strict";

  // A county inspection's attendees (240 county deputies, by delegation): a search box
  // that shows only the names matching, and the number ticked.
  var filter = document.querySelector(".js-deputy-filter");
  var groups = document.querySelector(".js-deputy-groups");
  if (!filter || !groups) {
    return;
  }
  filter.hidden = false;
  var counter = document.querySelector(".js-ticked-count");

  function count() {
    if (counter) {
      counter.textContent = groups.querySelectorAll("input[type=checkbox]:checked").length;
    }
  }

  // While searching, the groups with a match are open; clearing the search folds them back
  // as they were before, except those where someone was ticked.
  var searching = false;
  filter.addEventListener("input", function () {
    var q = filter.value.trim();
    groups.querySelectorAll(".js-deputy-group").forEach(function (group) {
      if (q && !searching) {
        group.setAttribute("data-was-open", group.open ? "1" : "");
      }
      var shown = 0;
      group.querySelectorAll(".js-deputy").forEach(function (item) {
        var match = !q || item.getAttribute("data-name").indexOf(q) !== -1;
        item.hidden = !match;
        shown += match ? 1 : 0;
      });
      group.hidden = shown === 0;
      if (q) {
        group.open = shown > 0;
      } else if (searching) {
        group.open =
          group.getAttribute("data-was-open") === "1" ||
          group.querySelector("input[type=checkbox]:checked") !== null;
      }
    });
    searching = Boolean(q);
  });
  groups.addEventListener("change", count);
  count();
})();
