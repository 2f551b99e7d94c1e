/* Ranking lists: drag (mouse anywhere on an item, touch on the handle), move buttons with focus
   kept and a screen-reader announcement; the hidden rank selects carry the order to the server. */
(function () {
  "use strict";

  function init(list) {
    list.classList.add("js-ranking");
    var status = document.getElementById(list.dataset.status);
    var template = list.dataset.announce || "%(name)s: %(rank)s / %(count)s";
    var dragged = null;

    function items() {
      return Array.prototype.slice.call(list.querySelectorAll(".ranking-item"));
    }

    function sync() {
      var all = items();
      all.forEach(function (li, index) {
        var rank = index + 1;
        var select = li.querySelector("select");
        if (select) { select.value = String(rank); }
        li.querySelector(".rank-badge").textContent = rank;
        li.querySelector('[data-move="up"]').setAttribute("aria-disabled", index === 0 ? "true" : "false");
        li.querySelector('[data-move="down"]').setAttribute("aria-disabled", index === all.length - 1 ? "true" : "false");
      });
    }

    function announce(li) {
      var all = items();
      status.textContent = template
        .replace("%(name)s", li.dataset.name)
        .replace("%(rank)s", String(all.indexOf(li) + 1))
        .replace("%(count)s", String(all.length));
    }

    function move(li, delta) {
      var all = items();
      var target = all.indexOf(li) + delta;
      if (target < 0 || target >= all.length) { announce(li); return; }
      if (delta < 0) { list.insertBefore(li, all[target]); }
      else { list.insertBefore(li, all[target].nextSibling); }
      sync();
      announce(li);
    }

    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-move]");
      if (!button) { return; }
      move(button.closest(".ranking-item"), button.dataset.move === "up" ? -1 : 1);
      button.focus();
    });

    list.addEventListener("pointerdown", function (event) {
      var li = event.target.closest(".ranking-item");
      if (!li || event.button !== 0 || event.target.closest("button, select, input, a, label")) { return; }
      if (event.pointerType !== "mouse" && !event.target.closest(".drag-handle")) { return; }
      dragged = li;
      li.classList.add("dragging");
      list.setPointerCapture(event.pointerId);
      event.preventDefault();
    });

    list.addEventListener("pointermove", function (event) {
      if (!dragged) { return; }
      var y = event.clientY;
      var before = items().filter(function (li) { return li !== dragged; }).find(function (li) {
        var box = li.getBoundingClientRect();
        return y < box.top + box.height / 2;
      });
      if (before) {
        if (dragged.nextElementSibling !== before) { list.insertBefore(dragged, before); sync(); }
      } else if (list.lastElementChild !== dragged) {
        list.appendChild(dragged);
        sync();
      }
    });

    function drop() {
      if (!dragged) { return; }
      dragged.classList.remove("dragging");
      announce(dragged);
      dragged = null;
    }
    list.addEventListener("pointerup", drop);
    list.addEventListener("pointercancel", drop);

    sync();
  }

  document.documentElement.classList.add("js");
  document.querySelectorAll("[data-ranking]").forEach(init);
})();
