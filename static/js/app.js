/* Otagai: small enhancements on top of pages that work without JavaScript.
   No inline scripts anywhere (the Content-Security-Policy forbids them). */
(function () {
  "use strict";

  // Move focus to an error summary (or another marked element) inside `root`, so that screen
  // readers announce it. Only what was just swapped in is looked at: inline field checks do
  // not steal focus.
  function focusMarked(root) {
    if (!root || !root.querySelector) { return; }
    var el = root.matches && root.matches("[data-autofocus]") ? root : root.querySelector("[data-autofocus]");
    if (el) { el.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () { focusMarked(document.body); });
  document.addEventListener("htmx:afterSettle", function (evt) {
    focusMarked(evt.detail && evt.detail.target);
  });
})();
