/* A page whose content is still being made (a background export) reloads itself every few
   seconds while it shows a [data-refresh-every] link; without JavaScript the link does it. */
(function () {
  "use strict";
  var link = document.querySelector("[data-refresh-every]");
  if (link) {
    var seconds = Number(link.dataset.refreshEvery) || 3;
    setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
