// Officer pages: the live countdowns of "Perlu tindakan" and the searchable unit picker.
// Both enhance server-rendered HTML that works without this file (CSP: script-src 'self').
(function () {
  "use strict";

  // --- countdowns --------------------------------------------------------------------
  // A [data-countdown-root] carries the server's clock (data-now) and the words of
  // formatting.duration_minutes (data-words); each [data-due] inside shows the time
  // left to its deadline, or how late it is, as views/tickets.py countdown() writes it.

  function span(minutes, w) {
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var parts = [];
    if (days) parts.push(days + " " + w.day);
    if (hours) parts.push(hours + " " + w.hour);
    if (mins && !days) parts.push(mins + " " + w.minute);
    return parts.join(" ") || "0 " + w.minute;
  }

  function tick() {
    document.querySelectorAll("[data-countdown-root]").forEach(function (root) {
      if (!root.pantauLoaded) root.pantauLoaded = Date.now();
      var words;
      try {
        words = JSON.parse(root.getAttribute("data-words"));
      } catch (e) {
        return;
      }
      var now = Date.parse(root.getAttribute("data-now")) + (Date.now() - root.pantauLoaded);
      root.querySelectorAll("[data-due]").forEach(function (el) {
        var left = Date.parse(el.getAttribute("data-due")) - now;
        var late = left <= 0; // sla.fallen_due: due at the deadline itself
        var text = span(Math.floor(Math.abs(left) / 60000), words);
        text = late ? words.late + " " + text : text + " " + words.left;
        if (el.textContent !== text) el.textContent = text;
        el.classList.toggle("countdown--late", late);
        el.classList.toggle("countdown--soon", !late && left < 3600000);
        var row = el.closest(".todo-row");
        if (row) row.classList.toggle("is-late", late);
      });
    });
  }

  // --- the unit picker ---------------------------------------------------------------

  function norm(s) {
    return s.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function enhancePicker(box) {
    if (box.pantauPicker) return;
    box.pantauPicker = true;
    var select = box.querySelector("select");
    var search = box.querySelector(".unit-picker__search");
    var input = box.querySelector(".unit-picker__filter");
    var count = box.querySelector(".unit-picker__count");
    if (!select || !search || !input) return;
    search.hidden = false;
    if (!select.multiple) {
      // A listbox under the search box shows the matches; no placeholder row in it
      // (with nothing selected, "required" keeps the form from being sent).
      var placeholder = select.querySelector("option[value='']");
      if (placeholder) placeholder.remove();
      select.size = 8;
      select.selectedIndex = -1;
    }
    var options = Array.prototype.slice.call(select.querySelectorAll("option"));
    options.forEach(function (o) {
      o.pantauText = norm(o.textContent);
    });

    function filter() {
      var words = norm(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      var first = null;
      options.forEach(function (o) {
        var match = words.every(function (w) {
          return o.pantauText.indexOf(w) !== -1;
        });
        o.hidden = !match;
        if (match) {
          shown += 1;
          if (!first) first = o;
        }
      });
      select.querySelectorAll("optgroup").forEach(function (g) {
        g.hidden = !g.querySelector("option:not([hidden])");
      });
      if (count) count.textContent = words.length ? shown + " unit cocok" : "";
      if (!select.multiple && words.length) {
        var current = select.selectedOptions[0];
        if (first && (!current || current.hidden)) first.selected = true;
        if (!first) select.selectedIndex = -1;
      }
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "Enter") {
        e.preventDefault(); // Enter picks from the list instead of sending the form
        select.focus();
      }
    });
  }

  function enhance(root) {
    (root || document).querySelectorAll("[data-unit-picker]").forEach(enhancePicker);
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
  document.addEventListener("htmx:load", function (e) {
    enhance(e.target && e.target.querySelectorAll ? e.target : document);
  });
  setInterval(tick, 15000);
})();
