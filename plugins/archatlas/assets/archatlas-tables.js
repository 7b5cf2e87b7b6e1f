/* Catalogue tables: sort by any column, filter by text and by owner, system,
   tag or classification.

   Progressive enhancement: a catalogue is a plain Markdown table, complete
   without this script. A table qualifies when its headers hold
   span.archatlas-column[data-sort] (written by templates/catalogue.md.j2):
   each names its column (data-column), and data-filter marks the columns
   offered as a filter. The cells of every table with span.archatlas-column
   headers get their column's name (data-label), which a phone shows.
   A catalogue's headers become buttons (the header's aria-sort says the
   order), and a text box and one select per filter column go above it. Plain ES2019, no build step; docs/site.md ("Catalogues") describes it. */
(function () {
  "use strict";

  const READY = "data-archatlas-table";

  function cellText(cell) {
    return cell ? cell.textContent.replace(/\s+/g, " ").trim() : "";
  }

  /* What a cell offers a filter: its links, code spans and badges one by one
     (an element's tags, say), or its whole text. */
  function cellValues(cell) {
    if (!cell) return [];
    const parts = cell.querySelectorAll("a, code, .archatlas-badge");
    const values = parts.length ? Array.from(parts, cellText) : [cellText(cell)];
    return values.filter((value) => value !== "");
  }

  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function compare(a, b) {
    if (a === b) return 0;
    if (a === "") return 1; // empty cells last, whichever the direction
    if (b === "") return -1;
    return collator.compare(a, b);
  }

  // --- sorting -----------------------------------------------------------------------

  function sortBy(table, index, direction) {
    const body = table.tBodies[0];
    const rows = Array.from(body.rows).map((row, position) => ({
      row,
      key: cellText(row.cells[index]),
      position: Number(row.dataset.archatlasOrder || position),
    }));
    const sign = direction === "descending" ? -1 : 1;
    rows.sort((a, b) => {
      if (a.key === "" || b.key === "") return compare(a.key, b.key) || a.position - b.position;
      return sign * compare(a.key, b.key) || a.position - b.position;
    });
    for (const item of rows) body.appendChild(item.row);
    table.tHead.querySelectorAll("th").forEach((header, column) => {
      header.setAttribute("aria-sort", column === index ? direction : "none");
    });
  }

  function sortButtons(table) {
    const headers = Array.from(table.tHead.rows[0].cells);
    headers.forEach((header, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "archatlas-sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      // The table comes sorted by its first column, the name.
      header.setAttribute("aria-sort", index === 0 ? "ascending" : "none");
      button.addEventListener("click", () => {
        const next = header.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sortBy(table, index, next);
      });
    });
  }

  // --- filtering ---------------------------------------------------------------------

  function filterBar(table, noun) {
    const bar = document.createElement("div");
    bar.className = "archatlas-filters";
    const search = document.createElement("input");
    search.type = "search";
    search.className = "archatlas-filter-text";
    search.placeholder = "Filter " + noun;
    search.setAttribute("aria-label", "Filter " + noun + " by any text");
    bar.appendChild(search);

    const selects = [];
    Array.from(table.tHead.rows[0].cells).forEach((header, index) => {
      const column = header.querySelector(".archatlas-column[data-filter]");
      if (!column) return;
      const values = new Set();
      for (const row of table.tBodies[0].rows) cellValues(row.cells[index]).forEach((v) => values.add(v));
      if (values.size < 2) return; // one value for every row filters nothing
      const label = cellText(column);
      const select = document.createElement("select");
      select.className = "archatlas-filter-select";
      select.dataset.column = column.dataset.column || "";
      select.setAttribute("aria-label", label);
      select.add(new Option(label + ": all", ""));
      Array.from(values).sort(compare).forEach((value) => select.add(new Option(value, value)));
      select.index = index;
      selects.push(select);
      bar.appendChild(select);
    });

    const count = document.createElement("span");
    count.className = "archatlas-filter-count";
    count.setAttribute("aria-live", "polite");
    bar.appendChild(count);

    function apply() {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      let shown = 0;
      const rows = table.tBodies[0].rows;
      for (const row of rows) {
        const text = cellText(row).toLowerCase();
        const visible =
          words.every((word) => text.includes(word)) &&
          selects.every((select) => !select.value || cellValues(row.cells[select.index]).includes(select.value));
        row.hidden = !visible;
        if (visible) shown += 1;
      }
      count.textContent = shown === rows.length ? "" : shown + " of " + rows.length + " shown";
    }
    search.addEventListener("input", apply);
    selects.forEach((select) => select.addEventListener("change", apply));
    return bar;
  }

  // --- start -------------------------------------------------------------------------

  function setup(table) {
    if (table.hasAttribute(READY) || !table.tHead || !table.tBodies.length) return;
    if (!table.tHead.querySelector(".archatlas-column")) return;
    table.setAttribute(READY, "");
    const labels = Array.from(table.tHead.rows[0].cells, cellText);
    Array.from(table.tBodies[0].rows).forEach((row, position) => {
      row.dataset.archatlasOrder = String(position);
      // On a phone each row is a card: its cells name their column (archatlas.css).
      Array.from(row.cells).forEach((cell, index) => cell.setAttribute("data-label", labels[index] || ""));
    });
    if (!table.tHead.querySelector(".archatlas-column[data-sort]")) return; // not a catalogue
    const heading = document.querySelector(".md-content h1");
    const title = heading && heading.firstChild ? heading.firstChild.textContent.trim() : "";
    const noun = title ? title.toLowerCase() : "rows"; // the h1's text, not its permalink
    sortButtons(table);
    // Material wraps tables in a scrolling frame: the filters go above the frame.
    const frame = table.closest(".md-typeset__scrollwrap") || table;
    frame.parentNode.insertBefore(filterBar(table, noun), frame);
  }

  function init() {
    for (const table of document.querySelectorAll("article table")) {
      try {
        setup(table);
      } catch (error) {
        console.warn("archatlas: catalogue table:", error); // the plain table still shows
      }
    }
  }

  if (window.archatlasTables) return; // the script was loaded twice
  window.archatlasTables = { init };
  // Material's instant navigation swaps pages without loading them:
  // document$ emits once per page shown.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
