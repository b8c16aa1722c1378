/* Quick exit: leave at once for a neutral site, replacing this page in the history.
   /exit answers with Clear-Site-Data, then replaces itself with the neutral page.
   Esc pressed twice in a row does the same. */
(function () {
  "use strict";
  function leave(event) {
    if (event) event.preventDefault();
    try { document.body.hidden = true; } catch (e) { /* keep going */ }
    window.location.replace("/exit");
  }
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 800) leave(event);
    lastEscape = now;
  });
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("quick-exit");
    if (button) button.addEventListener("click", leave);
  });
})();
