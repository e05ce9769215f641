// Today: keep the keyboard where it was after a tick or an undo, and open the instructions of
// the next exercise to do. Only conveniences; ticking off works the same without this file.
(function () {
  "use strict";

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    // An outer swap replaces the row: look the new one up by its id.
    var row = target && target.id ? document.getElementById(target.id) : null;
    if (!row || !row.classList.contains("item-card")) return;

    // The button was disabled during the request, which drops focus: give it back to the
    // row's new button (Undo after a tick, Mark as done after an undo).
    var active = document.activeElement;
    if (!active || active === document.body) {
      var toggle = document.getElementById("toggle-" + row.id);
      if (toggle) toggle.focus();
    }

    if (!row.classList.contains("is-done")) return;
    var next = row.nextElementSibling;
    while (next && next.classList.contains("is-done")) next = next.nextElementSibling;
    var howTo = next && next.querySelector("details.how-to");
    if (howTo) howTo.open = true;
  });
})();
