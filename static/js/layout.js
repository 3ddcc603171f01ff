// Layout helpers for small screens (CSP: no inline scripts or styles; this file only sets
// attributes and classes). Runs on load and after every htmx swap.
//  - Tables (.table) become stacked cards under 640 px: each cell without a data-label gets its
//    column header's text, and the table the class "cards" (CSS does the rest). Tables marked
//    data-layout="grid" (the overlap heatmap) keep their grid.
//  - <details data-collapse-narrow> (discovery's filter panel) start closed on a narrow screen.
(function () {
  "use strict";
  var NARROW = "(max-width: 640px)";

  function labelTable(table) {
    if (table.dataset.layout === "grid" || table.classList.contains("heat")) return;
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!headers.length) return;
    table.classList.add("cards");
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
      var index = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (!cell.hasAttribute("data-label") && headers[index] !== undefined && !cell.hasAttribute("colspan")) {
          // A row's first cell naming it (a heading or a link) is the card's title, unlabelled.
          var title = index === 0 && (cell.tagName === "TH" || cell.querySelector("a"));
          cell.setAttribute("data-label", title ? "" : headers[index]);
          if (title) cell.classList.add("card-title");
        }
        index += cell.colSpan || 1;
      });
    });
  }

  function collapseOnNarrow(root) {
    if (!window.matchMedia(NARROW).matches) return;
    root.querySelectorAll("details[data-collapse-narrow]").forEach(function (details) {
      if (!details.dataset.collapsed) {
        details.open = false;
        details.dataset.collapsed = "1";
      }
    });
  }

  function apply(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("table.table").forEach(labelTable);
    collapseOnNarrow(document);
  }

  document.addEventListener("DOMContentLoaded", function () { apply(document); });
  document.addEventListener("htmx:afterSwap", function (event) { apply(document); });
})();
