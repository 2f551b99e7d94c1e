/* Destructive lead actions ask first: a form with data-confirm="question" submits only after the
   person agrees. Without JavaScript the form submits directly (a static file, no inline script,
   so a strict Content-Security-Policy allows it). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
