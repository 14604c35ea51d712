// The plan editor, improved: everything here also works without this script, through the
// server (filter-less checkbox lists; "add" and "remove" buttons that send the form back).
// - Filter boxes over long checkbox lists hide the rows that do not match.
// - Rows of repeated groups (steps, strategies, decisions) are added and removed in place.
// - A standard's adoption status and note show only when the standard is ticked.
(function () {
  "use strict";

  function fold(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function setupFilter(list) {
    var box = list.querySelector("[data-filter-box]");
    var input = list.querySelector("[data-filter-input]");
    var count = list.querySelector("[data-filter-count]");
    if (!box || !input) return;
    box.hidden = false;
    var groups = Array.prototype.slice.call(list.querySelectorAll("[data-filter-group]"));
    var wasOpen = groups.map(function (g) { return g.open; });
    var total = list.querySelectorAll("[data-filter-item]").length;
    input.addEventListener("keydown", function (event) {
      // Enter in the filter box filters; it must not send (save) the form.
      if (event.key === "Enter") event.preventDefault();
    });
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      groups.forEach(function (group, index) {
        var inGroup = 0;
        group.querySelectorAll("[data-filter-item]").forEach(function (item) {
          var label = item.querySelector("label");
          var text = fold(label ? label.textContent : item.textContent);
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          item.hidden = !match;
          if (match) inGroup += 1;
        });
        shown += inGroup;
        group.hidden = inGroup === 0;
        group.open = words.length ? inGroup > 0 : wasOpen[index];
      });
      count.textContent = words.length ? count.dataset.template
        .replace("{shown}", shown).replace("{total}", total) : "";
    });
  }

  function setupReveal(checkbox) {
    var details = document.getElementById(checkbox.dataset.reveals);
    if (!details) return;
    var update = function () { details.hidden = !checkbox.checked; };
    checkbox.addEventListener("change", update);
    update();
  }

  function nextIndex(container, name) {
    var highest = -1;
    container.querySelectorAll("[name^='" + name + "-']").forEach(function (field) {
      var match = field.name.match(new RegExp("^" + name + "-(\\d+)-"));
      if (match) highest = Math.max(highest, parseInt(match[1], 10));
    });
    return highest + 1;
  }

  function announce(text) {
    var region = document.getElementById("editor-announcer");
    if (region) region.textContent = text;
  }

  function setupRows(form) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-remove-row")) {
        var row = button.closest("[data-row]");
        if (!row) return;
        event.preventDefault();
        var container = row.parentElement;
        row.remove();
        announce(form.dataset.removedText || "");
        var add = form.querySelector("[data-add-row='" + container.dataset.rows + "']");
        if (add) add.focus();
        return;
      }
      var name = button.getAttribute("data-add-row");
      if (name) {
        var template = form.querySelector("template[data-row-template='" + name + "']");
        var rows = form.querySelector("[data-rows='" + name + "']");
        if (!template || !rows) return;
        event.preventDefault();
        var index = nextIndex(rows, name);
        var html = template.innerHTML.split("__index__").join(String(index));
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var added = holder.firstElementChild;
        rows.appendChild(added);
        var first = added.querySelector("input:not([type=hidden]), textarea, select");
        if (first) first.focus();
        announce(form.dataset.addedText || "");
      }
    });
  }

  function init() {
    document.querySelectorAll("[data-filter-list]").forEach(setupFilter);
    document.querySelectorAll("[data-reveals]").forEach(setupReveal);
    document.querySelectorAll("form.plan-form").forEach(setupRows);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
