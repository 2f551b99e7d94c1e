/* Ranking lists start unranked: the person places every item themselves.
   Tap (or click, or Enter/Space on the item's name) places an item next; tapping a placed item
   takes it out again and the places after it close up. Placed items stay at the top in rank
   order; ↑/↓ and drag (mouse anywhere on an item, touch on the handle) reorder them, and dragging
   an item into or out of the placed part places or unplaces it. The hidden rank selects carry the
   places to the server; an unplaced item sends no place, which the server refuses. */
(function () {
  "use strict";

  function init(list) {
    list.classList.add("js-ranking");
    var status = document.getElementById(list.dataset.status);
    var progress = document.getElementById(list.dataset.progress);
    var placedTemplate = list.dataset.announce || "%(name)s: %(rank)s / %(count)s";
    var unplacedTemplate = list.dataset.announceRemoved || "%(name)s: –";
    var progressTemplate = list.dataset.progressText || "%(placed)s / %(count)s";
    var placeHint = list.dataset.placeHint || "";
    var dragged = null;
    var moved = false;
    var suppressClickUntil = 0;

    function items() {
      return Array.prototype.slice.call(list.querySelectorAll(".ranking-item"));
    }

    function isPlaced(li) {
      return li.dataset.placed === "true";
    }

    function placedItems() {
      return items().filter(isPlaced);
    }

    // Placed items first (keeping their order), then the unplaced ones (keeping theirs).
    function normalise() {
      var all = items();
      all.filter(isPlaced).concat(all.filter(function (li) { return !isPlaced(li); }))
        .forEach(function (li) { list.appendChild(li); });
    }

    function sync() {
      normalise();
      var placed = placedItems();
      items().forEach(function (li) {
        var rank = placed.indexOf(li) + 1;
        var select = li.querySelector("select");
        if (select) { select.value = rank ? String(rank) : ""; }
        li.classList.toggle("unplaced", !rank);
        li.querySelector(".rank-badge").textContent = rank ? String(rank) : "–";
        var toggle = li.querySelector(".rank-label");
        toggle.setAttribute("aria-pressed", rank ? "true" : "false");
        li.querySelector('[data-move="up"]').setAttribute("aria-disabled", rank > 1 ? "false" : "true");
        li.querySelector('[data-move="down"]').setAttribute(
          "aria-disabled", rank && rank < placed.length ? "false" : "true");
      });
      if (progress) {
        progress.textContent = progressTemplate
          .replace("%(placed)s", String(placed.length))
          .replace("%(count)s", String(items().length));
        progress.classList.toggle("text-success", placed.length === items().length);
      }
      list.dispatchEvent(new CustomEvent("rankingchange", {
        bubbles: true, detail: { placed: placed.length, count: items().length }
      }));
    }

    function announce(li) {
      var placed = placedItems();
      var rank = placed.indexOf(li) + 1;
      var text = rank ? placedTemplate : unplacedTemplate;
      status.textContent = text
        .replace("%(name)s", li.dataset.name)
        .replace("%(rank)s", String(rank))
        .replace("%(count)s", String(items().length))
        .replace("%(placed)s", String(placed.length));
    }

    function toggle(li) {
      var wasPlaced = isPlaced(li);
      var placed = placedItems();
      li.dataset.placed = wasPlaced ? "false" : "true";
      // A newly placed item goes after the last placed one; an unplaced one heads the rest.
      var anchor = placed.filter(function (other) { return other !== li; }).pop();
      if (anchor) { list.insertBefore(li, anchor.nextSibling); }
      else { list.insertBefore(li, list.firstChild); }
      sync();
      announce(li);
    }

    function move(li, delta) {
      var placed = placedItems();
      var index = placed.indexOf(li);
      var target = index + delta;
      if (index < 0 || target < 0 || target >= placed.length) { announce(li); return; }
      if (delta < 0) { list.insertBefore(li, placed[target]); }
      else { list.insertBefore(li, placed[target].nextSibling); }
      sync();
      announce(li);
    }

    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-move]");
      if (button) {
        move(button.closest(".ranking-item"), button.dataset.move === "up" ? -1 : 1);
        button.focus();
        return;
      }
      // A mouse press was already handled as a drag or a tap by the pointer events.
      if (Date.now() < suppressClickUntil) { return; }
      if (event.target.closest("select, input, a, .drag-handle")) { return; }
      var li = event.target.closest(".ranking-item");
      if (li) { toggle(li); }
    });

    list.addEventListener("keydown", function (event) {
      var label = event.target.closest(".rank-label");
      if (!label || (event.key !== "Enter" && event.key !== " ")) { return; }
      event.preventDefault();
      toggle(label.closest(".ranking-item"));
      label.focus();
    });

    list.addEventListener("pointerdown", function (event) {
      var li = event.target.closest(".ranking-item");
      if (!li || event.button !== 0 || event.target.closest("button, select, input, a")) { return; }
      if (event.pointerType !== "mouse" && !event.target.closest(".drag-handle")) { return; }
      dragged = li;
      moved = false;
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
        if (dragged.nextElementSibling !== before) { list.insertBefore(dragged, before); moved = true; }
      } else if (list.lastElementChild !== dragged) {
        list.appendChild(dragged);
        moved = true;
      }
    });

    function drop() {
      if (!dragged) { return; }
      var li = dragged;
      dragged = null;
      li.classList.remove("dragging");
      // The click after a captured pointer lands on the list, not the item: handle it here.
      suppressClickUntil = Date.now() + 400;
      if (!moved) { toggle(li); return; }  // a press without a move is a tap
      // Dropped within (or right below) the placed items: placed there; further down: unplaced.
      var others = items().filter(function (other) { return other !== li; });
      var placedOthers = others.filter(isPlaced).length;
      li.dataset.placed = items().indexOf(li) <= placedOthers ? "true" : "false";
      sync();
      announce(li);
    }
    list.addEventListener("pointerup", drop);
    list.addEventListener("pointercancel", drop);

    // Items arrive placed only when the page came back with places given (an edit, an error).
    items()
      .map(function (li) {
        var select = li.querySelector("select");
        return { li: li, rank: select && select.value ? parseInt(select.value, 10) : 0 };
      })
      .sort(function (a, b) { return (a.rank || Infinity) - (b.rank || Infinity); })
      .forEach(function (entry) {
        entry.li.dataset.placed = entry.rank ? "true" : "false";
        list.appendChild(entry.li);
      });
    items().forEach(function (li) {
      var label = li.querySelector(".rank-label");
      label.setAttribute("role", "button");
      label.setAttribute("tabindex", "0");
      if (placeHint) { label.setAttribute("title", placeHint); }
    });
    sync();
  }

  document.documentElement.classList.add("js");
  document.querySelectorAll("[data-ranking]").forEach(init);
})();
