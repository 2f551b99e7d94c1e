// Import progress: polls the job's status and updates the bar; the page reloads once the import
// has finished to show the report. Without JavaScript, a meta refresh does the same more slowly.
(function () {
  "use strict";
  var section = document.querySelector("[data-status-url]");
  if (!section || section.dataset.finished === "true") return;
  var bar = section.querySelector("progress");
  var status = section.querySelector("[data-testid=import-status]");
  var meta = document.querySelector("meta[http-equiv=refresh]");
  if (meta) meta.parentNode.removeChild(meta);
  function poll() {
    fetch(section.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.percent;
        bar.textContent = job.percent + "%";
        status.textContent = job.status_label;
        if (job.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
