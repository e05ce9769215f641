// Print and copy buttons for the handout and the invitation page. Without this file the
// buttons stay hidden and the browser's own Print command does the job.
"use strict";

(function () {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  }

  const status = document.querySelector("[data-copy-status]");
  for (const button of document.querySelectorAll("[data-copy]")) {
    const source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(
        function () {
          if (status) {
            status.textContent = gettext("Link copied.");
          }
        },
        function () {
          source.select();
          if (status) {
            status.textContent = gettext("Select the link and copy it.");
          }
        },
      );
    });
  }
})();
