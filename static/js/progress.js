/* Where the person is while filling in a form: "7 of 10 scored · total 27 / 50" on the scorecard,
   a progress bar on the survey. Reads the form's own inputs; without JavaScript it stays hidden. */
(function () {
  "use strict";

  function fill(template, values) {
    return Object.keys(values).reduce(function (text, key) {
      return text.replace("%(" + key + ")s", String(values[key]));
    }, template);
  }

  document.querySelectorAll("[data-progress-for]").forEach(function (box) {
    var form = document.getElementById(box.dataset.progressFor);
    var text = box.querySelector("[data-progress-text]");
    var bar = box.querySelector(".progress-bar");
    var rankCount = 0;
    var placed = 0;

    function update() {
      var names = {};
      form.querySelectorAll('input[type="radio"][name^="score_"]').forEach(function (input) {
        names[input.name] = names[input.name] || 0;
        if (input.checked) { names[input.name] = parseInt(input.value, 10); }
      });
      var groups = Object.keys(names);
      var scored = groups.filter(function (name) { return names[name]; }).length;
      var total = groups.reduce(function (sum, name) { return sum + names[name]; }, 0);
      var selects = form.querySelectorAll('select[name^="rank_"]');
      rankCount = selects.length;
      placed = Array.prototype.filter.call(selects, function (s) { return s.value; }).length;
      var done = groups.length ? scored + placed : placed;
      var all = groups.length + rankCount;
      text.textContent = fill(box.dataset.template, {
        scored: scored, count: groups.length, total: total, max: groups.length * 5,
        placed: placed, items: rankCount
      });
      if (bar) {
        var percent = all ? Math.round(done / all * 100) : 0;
        bar.style.width = percent + "%";
        bar.parentNode.setAttribute("aria-valuenow", String(percent));
      }
    }

    box.hidden = false;
    form.addEventListener("change", update);
    form.addEventListener("rankingchange", update);
    update();
  });
})();
