// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Ask before destructive POST buttons (deactivate).
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button.btn-danger");
    if (button && !window.confirm(button.textContent.trim() + "?")) {
      event.preventDefault();
    }
  });
})();
