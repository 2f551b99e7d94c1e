/* The error summary above a failed form takes the focus, so a screen reader reads what went wrong
   first; its links move the focus to the field in error, or to the nearest control a user can
   reach when that field is hidden (a rank select behind the ranking buttons) or is a group. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }

  function shown(element) {
    return !!(element.offsetWidth || element.offsetHeight || element.getClientRects().length);
  }

  function firstControl(container) {
    var controls = container.querySelectorAll("a[href], button, input, select, textarea, [tabindex]");
    for (var i = 0; i < controls.length; i++) {
      if (!controls[i].disabled && controls[i].type !== "hidden" && shown(controls[i])) {
        return controls[i];
      }
    }
    return null;
  }

  // The field itself, or for a group (a ranking list) or a hidden field the first control a
  // user can reach in it or around it.
  function reachable(element) {
    if (shown(element)) { return element.tabIndex >= 0 ? element : firstControl(element); }
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (shown(node)) { return firstControl(node) || null; }
    }
    return null;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    var target = field && reachable(field);
    if (!target) { return; }
    event.preventDefault();
    // Show the field with its question or label, not just the control.
    (target.closest("fieldset, li") || target).scrollIntoView({block: "start"});
    target.focus({preventScroll: true});
  });

  summary.focus();
})();
