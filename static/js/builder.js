// Program builder: small enhancements on top of a form that works without this file.
// - warns before leaving with unsaved changes, and ignores a second press of Save;
// - after htmx replaces the exercise list, puts keyboard focus back where it was;
// - turns an item's picture to the side chosen (it is drawn again on the next save).
"use strict";

(function () {
  const form = document.querySelector("[data-builder]");
  if (!form) {
    return;
  }
  const note = form.querySelector("[data-unsaved-note]");
  let dirty = false;
  let leaving = false;
  let lastAction = "";

  function markDirty() {
    dirty = true;
    if (note) {
      note.hidden = false;
    }
  }

  function isSearchField(element) {
    return Boolean(element.name && element.name.startsWith("search-"));
  }

  form.addEventListener("input", function (event) {
    if (!isSearchField(event.target)) {
      markDirty();
    }
  });
  // The picture is drawn for the side saved; a right-side one is the mirror image.
  function showSide(select) {
    const item = select.closest(".builder-item");
    const picture = item && item.querySelector("[data-drawn-side]");
    if (picture) {
      const drawnRight = picture.dataset.drawnSide === "right";
      picture.classList.toggle("is-mirrored", drawnRight !== (select.value === "right"));
    }
  }

  form.addEventListener("change", function (event) {
    if (!isSearchField(event.target)) {
      markDirty();
    }
    if (event.target.name && event.target.name.endsWith("-side")) {
      showSide(event.target);
    }
  });
  // A full submit (Save, or any button without htmx) keeps the work: no warning. A second
  // press while the first is on its way would save the program twice: ignore it.
  form.addEventListener("submit", function (event) {
    if (leaving) {
      event.preventDefault();
      return;
    }
    leaving = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !leaving) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    const element = event.detail.elt;
    lastAction = element && element.tagName === "BUTTON" ? element.value : "";
  });

  function focusFirst(selectors) {
    for (const selector of selectors) {
      const target = form.querySelector(selector);
      if (target && !target.disabled) {
        target.focus();
        return true;
      }
    }
    return false;
  }

  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target || event.detail.target.id !== "builder-items") {
      return;
    }
    const items = document.getElementById("builder-items");
    if (!items) {
      return;
    }
    const match = /^(add|remove|up|down):(\d+)$/.exec(lastAction);
    if (!match) {
      return;
    }
    markDirty();
    const index = Number(match[2]);
    if (match[1] === "up" || match[1] === "down") {
      const moved = match[1] === "up" ? index - 1 : index + 1;
      focusFirst([
        `button[value="${match[1]}:${moved}"]`,
        `button[value="${match[1] === "up" ? "down" : "up"}:${moved}"]`,
      ]);
    } else if (match[1] === "remove") {
      if (!focusFirst([`button[value="remove:${index}"]`, `button[value="remove:${index - 1}"]`])) {
        const heading = document.getElementById("items-heading");
        if (heading) {
          heading.tabIndex = -1;
          heading.focus();
        }
      }
    }
    if (match[1] === "add") {
      // The results were refreshed too: back to the same Add button, to add more.
      focusFirst([`button[value="add:${index}"]`]);
    }
  });

  const errors = document.getElementById("builder-errors");
  if (errors) {
    errors.focus();
  }
})();
