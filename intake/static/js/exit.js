/* The exit page: replace it (and so its history entry) with the neutral site. */
(function () {
  "use strict";
  var script = document.getElementById("exit-script");
  var neutral = script && script.getAttribute("data-neutral");
  if (neutral) window.location.replace(neutral);
})();
