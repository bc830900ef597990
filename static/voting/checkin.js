// A county plenary's check-in on the vote console (templates/voting/_checkin_groups.html):
// a name filter over the delegations' blocks, and each block's 实到/应到 kept current when a
// row is set (the row comes back from the server through HTMX; the page does not reload).
// Without JavaScript the blocks still open and every row can be set.
(function () {
  "use strict";

  var root = document.querySelector("[data-checkin]");
  if (!root) {
    return;
  }
  var input = root.querySelector("[data-checkin-filter]");
  var label = root.querySelector("[data-checkin-filter-label]");
  var none = root.querySelector("[data-checkin-none]");

  function groups() {
    return Array.prototype.slice.call(root.querySelectorAll("[data-checkin-group]"));
  }

  function rows(group) {
    return Array.prototype.slice.call(group.querySelectorAll("tbody tr"));
  }

  // The deputy's name: the first text of the row's first cell (the village follows it).
  function nameOf(row) {
    var cell = row.cells[0];
    var first = cell ? cell.firstChild : null;
    return first ? first.textContent.trim().toLowerCase() : "";
  }

  function applyFilter() {
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    groups().forEach(function (group) {
      if (!query) {
        rows(group).forEach(function (row) {
          row.hidden = false;
        });
        group.hidden = false;
        if (group.hasAttribute("data-was-open")) {
          group.open = group.getAttribute("data-was-open") === "1";
          group.removeAttribute("data-was-open");
        }
        return;
      }
      if (!group.hasAttribute("data-was-open")) {
        group.setAttribute("data-was-open", group.open ? "1" : "0");
      }
      var matches = 0;
      rows(group).forEach(function (row) {
        var match = nameOf(row).indexOf(query) !== -1;
        row.hidden = !match;
        if (match) {
          matches += 1;
        }
      });
      group.hidden = matches === 0;
      group.open = matches > 0;
      shown += matches;
    });
    none.hidden = !query || shown > 0;
  }

  // 实到 of a block: its rows whose "present" button is pressed. Blocks without buttons (a
  // reader who cannot set the roll) are never swapped and keep the server's count.
  function recount() {
    groups().forEach(function (group) {
      if (!group.querySelector('button[name="status"][value="present"]')) {
        return;
      }
      var present = group.querySelectorAll(
        'button[name="status"][value="present"][aria-pressed="true"]'
      ).length;
      var due = rows(group).length;
      var badge = group.querySelector("[data-checkin-count]");
      badge.querySelector("[data-present]").textContent = String(present);
      badge.classList.toggle("text-bg-success", present === due);
      badge.classList.toggle("text-bg-light", present !== due);
      badge.classList.toggle("border", present !== due);
    });
  }

  input.hidden = false;
  label.hidden = false;
  input.addEventListener("input", applyFilter);
  // Escape clears the filter and shows every block again.
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      input.value = "";
      applyFilter();
    }
  });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (root.contains(event.target) || event.target === document.body) {
      recount();
      if (input.value) {
        applyFilter();
      }
    }
  });
})();
