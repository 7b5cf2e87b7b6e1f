/* The archatlas diagram viewer: every figure.archatlas-diagram of a page fits
   its column, and gets a toolbar (zoom in, zoom out, fit, full screen,
   download as SVG), pan and zoom (Ctrl or Cmd + wheel, pinch, drag once
   zoomed), a highlight of a node's neighbourhood on hover and focus, and
   grouped edges that open their details in the legend.

   Plain ES2019, no build step, no network beyond the page's own icons (for
   the download). Pan and zoom use the vendored Panzoom (window.Panzoom);
   without it the diagram still fits, highlights and downloads.
   The markup it reads is described in docs/site.md ("Reading a diagram"). */
(function () {
  "use strict";

  const XLINK = "http://www.w3.org/1999/xlink";
  const LIT = "archatlas-lit";
  const DIM = "archatlas-dim";
  const FULL = "archatlas-fullscreen";
  const ZOOMED = "archatlas-zoomed";
  const HIT = "archatlas-hit";
  const ZOOM_STEP = 0.3; // each button press: scale × e^0.3 (about 1.35)
  const WHEEL_RATE = 0.0025; // per pixel of wheel delta
  const DRAG_SLOP = 6; // px a pointer may move and still click
  const FOCUS_MARGIN = 16; // px kept around a focused node when zoomed

  // 24×24 line icons, drawn with currentColor.
  const ICONS = {
    "zoom-in": "M11 5v12M5 11h12M16.5 16.5L21 21",
    "zoom-out": "M5 11h12M16.5 16.5L21 21",
    fit: "M4 12a8 8 0 1 0 2.34-5.66M4 4v4h4",
    fullscreen: "M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5",
    "exit-fullscreen": "M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5",
    download: "M12 4v11M7 10l5 5 5-5M5 20h14",
  };
  const RING = '<circle cx="11" cy="11" r="7"/>'; // the zoom buttons' lens

  function icon(name) {
    const lens = name === "zoom-in" || name === "zoom-out" ? RING : "";
    return (
      '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">' +
      lens +
      '<path d="' +
      ICONS[name] +
      '"/></svg>'
    );
  }

  function button(action, label, title) {
    const made = document.createElement("button");
    made.type = "button";
    made.className = "archatlas-tool";
    made.dataset.action = action;
    made.setAttribute("aria-label", label);
    made.title = title;
    made.innerHTML = icon(action);
    return made;
  }

  function isFull(figure) {
    return figure.classList.contains(FULL);
  }

  // --- pan and zoom ------------------------------------------------------------------

  /* Scale 1 is the diagram as CSS fits it (its natural size, or the column's
     width if narrower); zooming goes from there to at least twice the natural
     size, never below the fit. */
  function zoomer(figure, canvas, svg) {
    if (typeof window.Panzoom !== "function") return null;
    const natural = svg.width && svg.width.baseVal ? svg.width.baseVal.value : 0;
    const pz = window.Panzoom(svg, {
      canvas: true,
      minScale: 1,
      maxScale: 4,
      step: ZOOM_STEP,
      contain: "outside",
      panOnlyWhenZoomed: true,
      cursor: "",
      // A finger scrolls the page vertically until the diagram is zoomed in.
      touchAction: "pan-y",
      // Keep the browser from dragging links and icons; let the page see the event.
      handleStartEvent: (event) => event.preventDefault(),
    });
    let zoomed = false;

    function limit() {
      const shown = svg.getBoundingClientRect().width / pz.getScale();
      const most = shown > 0 && natural > 0 ? (2 * natural) / shown : 4;
      pz.setOptions({ maxScale: Math.max(4, most) });
    }

    function changed() {
      const now = pz.getScale() > 1.001;
      if (now === zoomed) return;
      zoomed = now;
      canvas.classList.toggle(ZOOMED, now);
      pz.setOptions({ touchAction: now || isFull(figure) ? "none" : "pan-y" });
    }
    svg.addEventListener("panzoomchange", changed);

    // Ctrl or Cmd + wheel (and a touchpad's pinch) zooms; a plain wheel scrolls
    // the page, except in full screen, where there is no page to scroll.
    canvas.addEventListener(
      "wheel",
      (event) => {
        if (!(event.ctrlKey || event.metaKey || isFull(figure))) return;
        event.preventDefault();
        const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1;
        const delta = Math.max(-200, Math.min(200, event.deltaY * unit));
        limit();
        pz.zoomToPoint(pz.getScale() * Math.exp(-delta * WHEEL_RATE), event, { animate: false });
      },
      { passive: false },
    );

    // A link focused by the keyboard comes into sight when zoomed.
    canvas.addEventListener("focusin", (event) => {
      if (pz.getScale() <= 1.001) return;
      const node = event.target.closest ? event.target.closest("g.node") : null;
      const box = (node || event.target).getBoundingClientRect();
      const frame = canvas.getBoundingClientRect();
      const shift = (low, high, from, to) => {
        if (high - low > to - from - 2 * FOCUS_MARGIN) return (from + to) / 2 - (low + high) / 2;
        if (low < from + FOCUS_MARGIN) return from + FOCUS_MARGIN - low;
        if (high > to - FOCUS_MARGIN) return to - FOCUS_MARGIN - high;
        return 0;
      };
      const dx = shift(box.left, box.right, frame.left, frame.right);
      const dy = shift(box.top, box.bottom, frame.top, frame.bottom);
      if (!dx && !dy) return;
      const scale = pz.getScale();
      const pan = pz.getPan();
      pz.pan(pan.x + dx / scale, pan.y + dy / scale, { animate: false, force: true });
    });

    // The browser scrolls the canvas to show a focused link: pan instead.
    canvas.addEventListener("scroll", () => {
      const dx = canvas.scrollLeft;
      const dy = canvas.scrollTop;
      if (!dx && !dy) return;
      canvas.scrollLeft = 0;
      canvas.scrollTop = 0;
      const scale = pz.getScale();
      const pan = pz.getPan();
      pz.pan(pan.x - dx / scale, pan.y - dy / scale, { animate: false, force: true });
    });

    return {
      zoomIn() {
        limit();
        pz.zoomIn({ animate: true });
      },
      zoomOut() {
        pz.zoomOut({ animate: true });
      },
      reset(animate) {
        pz.reset({ animate: animate !== false });
      },
      fullscreen(on) {
        pz.reset({ animate: false });
        pz.setOptions({ touchAction: on ? "none" : "pan-y" });
      },
    };
  }

  /* A click that ends a drag is not a click on the link under the pointer. */
  function swallowDragClicks(canvas) {
    let start = null;
    let moved = false;
    canvas.addEventListener("pointerdown", (event) => {
      start = { x: event.clientX, y: event.clientY };
      moved = false;
    });
    canvas.addEventListener("pointermove", (event) => {
      if (start && Math.hypot(event.clientX - start.x, event.clientY - start.y) > DRAG_SLOP) {
        moved = true;
      }
    });
    canvas.addEventListener("pointerup", () => {
      start = null;
    });
    canvas.addEventListener(
      "click",
      (event) => {
        if (moved) {
          moved = false;
          event.preventDefault();
          event.stopPropagation();
        }
      },
      true,
    );
  }

  // --- full screen -------------------------------------------------------------------

  let pseudo = null; // a figure shown full screen by CSS alone (no Fullscreen API)

  function setFull(figure, on) {
    figure.classList.toggle(FULL, on);
    document.documentElement.classList.toggle("archatlas-noscroll", on && figure === pseudo);
    const toggle = figure.querySelector('.archatlas-tool[data-action="fullscreen"]');
    if (toggle) {
      const label = on ? "Exit full screen" : "Full screen";
      toggle.setAttribute("aria-label", label);
      toggle.setAttribute("aria-pressed", on ? "true" : "false");
      toggle.title = on ? "Exit full screen (Esc)" : "Full screen";
      toggle.innerHTML = icon(on ? "exit-fullscreen" : "fullscreen");
    }
    if (figure.archatlasZoom) figure.archatlasZoom.fullscreen(on);
  }

  function toggleFull(figure) {
    const api = document.fullscreenElement !== undefined && figure.requestFullscreen;
    if (isFull(figure)) {
      if (figure === pseudo) {
        pseudo = null;
        setFull(figure, false);
      } else if (document.fullscreenElement) {
        document.exitFullscreen();
      }
      return;
    }
    if (api) {
      figure.requestFullscreen().catch(() => {
        pseudo = figure;
        setFull(figure, true);
      });
    } else {
      pseudo = figure;
      setFull(figure, true);
    }
  }

  function watchFullscreen() {
    document.addEventListener("fullscreenchange", () => {
      for (const figure of document.querySelectorAll("figure.archatlas-diagram." + FULL)) {
        if (figure !== pseudo && figure !== document.fullscreenElement) setFull(figure, false);
      }
      const shown = document.fullscreenElement;
      if (shown && shown.matches("figure.archatlas-diagram") && !isFull(shown)) {
        setFull(shown, true);
      }
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && pseudo) {
        const figure = pseudo;
        pseudo = null;
        setFull(figure, false);
      }
    });
  }

  // --- download ----------------------------------------------------------------------

  function dataUri(blob) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  }

  function hrefOf(element) {
    return element.getAttributeNS(XLINK, "href") || element.getAttribute("href");
  }

  function setHref(element, value) {
    element.removeAttribute("href");
    element.setAttributeNS(XLINK, "xlink:href", value);
  }

  /* The diagram as one self-contained file: icons embedded as data: URIs
     (fetched from this site), links made absolute, the viewer's state removed. */
  async function standalone(svg) {
    const copy = svg.cloneNode(true);
    copy.removeAttribute("style");
    copy.classList.remove(DIM);
    for (const hit of copy.querySelectorAll("." + HIT)) hit.remove();
    for (const lit of copy.querySelectorAll("." + LIT)) lit.classList.remove(LIT);
    for (const link of copy.querySelectorAll("a")) {
      const href = hrefOf(link);
      if (href && !href.startsWith("#")) setHref(link, new URL(href, document.baseURI).href);
    }
    const fetched = new Map();
    const embed = async (href) => {
      const url = new URL(href, document.baseURI);
      if (url.origin !== window.location.origin) return url.href;
      const response = await fetch(url.href);
      if (!response.ok) return url.href;
      return dataUri(await response.blob());
    };
    await Promise.all(
      Array.from(copy.querySelectorAll("image")).map(async (image) => {
        const href = hrefOf(image);
        if (!href || href.startsWith("data:")) return;
        if (!fetched.has(href)) fetched.set(href, embed(href).catch(() => href));
        setHref(image, await fetched.get(href));
      }),
    );
    copy.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:xlink", XLINK);
    const text = new XMLSerializer().serializeToString(copy);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n";
  }

  function fileName(figure) {
    const key = figure.dataset.view || "diagram";
    return key.replace(/\//g, "-").replace(/[^A-Za-z0-9._-]/g, "_") + ".svg";
  }

  async function download(figure, svg) {
    const blob = new Blob([await standalone(svg)], { type: "image/svg+xml" });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName(figure);
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // --- highlight ---------------------------------------------------------------------

  /* Hovering or focusing a node lights it, its edges and its neighbours, and
     dims the rest of the diagram. The listeners sit on the canvas: Chromium
     makes an SVG element with focus listeners a stop of the Tab key. */
  function highlight(canvas, svg) {
    const nodes = new Map();
    for (const node of svg.querySelectorAll("g.node[data-node]")) {
      nodes.set(node.getAttribute("data-node"), node);
    }
    const edges = Array.from(svg.querySelectorAll("g.edge[data-source][data-target]"));
    let current = null;

    function clear() {
      if (!current) return;
      for (const lit of svg.querySelectorAll("." + LIT)) lit.classList.remove(LIT);
      svg.classList.remove(DIM);
      current = null;
    }

    function light(node) {
      if (node === current) return;
      clear();
      current = node;
      const id = node.getAttribute("data-node");
      node.classList.add(LIT);
      for (const edge of edges) {
        const source = edge.getAttribute("data-source");
        const target = edge.getAttribute("data-target");
        if (source !== id && target !== id) continue;
        edge.classList.add(LIT);
        const other = nodes.get(source === id ? target : source);
        if (other) other.classList.add(LIT);
      }
      svg.classList.add(DIM);
    }

    const nodeOf = (element) => {
      const node = element && element.closest ? element.closest("g.node[data-node]") : null;
      return node && svg.contains(node) ? node : null;
    };
    const focused = () => nodeOf(document.activeElement);

    canvas.addEventListener("mouseover", (event) => {
      const node = nodeOf(event.target);
      if (node) light(node);
    });
    canvas.addEventListener("mouseout", (event) => {
      const node = nodeOf(event.target);
      if (!node || node.contains(event.relatedTarget)) return;
      const entered = nodeOf(event.relatedTarget);
      const still = entered || focused();
      if (still) light(still);
      else clear();
    });
    canvas.addEventListener("focusin", (event) => {
      const node = nodeOf(event.target);
      if (node) light(node);
    });
    canvas.addEventListener("focusout", (event) => {
      if (!nodeOf(event.relatedTarget)) clear();
    });
  }

  // --- grouped edges and the legend --------------------------------------------------

  /* A grouped edge stands for several relations: a click on it opens their
     list in the legend. A wide invisible stroke makes the line easy to hit. */
  function groups(figure, svg) {
    for (const edge of svg.querySelectorAll("g.edge[data-group]")) {
      const path = edge.querySelector("path");
      if (!path) continue;
      const hit = path.cloneNode(false);
      hit.setAttribute("class", HIT);
      hit.setAttribute("fill", "none");
      hit.setAttribute("stroke", "transparent");
      hit.setAttribute("stroke-width", "12");
      hit.removeAttribute("stroke-dasharray");
      path.parentNode.insertBefore(hit, path);
    }
    svg.addEventListener("click", (event) => {
      const edge = event.target.closest && event.target.closest("g.edge[data-group]");
      if (!edge || !svg.contains(edge)) return;
      const group = edge.getAttribute("data-group");
      const details = Array.from(figure.querySelectorAll("details[data-group]")).find(
        (found) => found.getAttribute("data-group") === group,
      );
      if (!details) return;
      event.preventDefault();
      details.open = true;
      const summary = details.querySelector("summary") || details;
      summary.focus({ preventScroll: true });
      details.scrollIntoView({ block: "nearest", behavior: "smooth" });
      details.classList.remove("archatlas-flash");
      void details.getBoundingClientRect(); // restart the animation
      details.classList.add("archatlas-flash");
    });
  }

  // --- toolbar -----------------------------------------------------------------------

  function toolbar(figure, canvas, svg, zoom) {
    const bar = document.createElement("div");
    bar.className = "archatlas-toolbar";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Diagram tools");
    const mod = /Mac|iPhone|iPad/.test(navigator.platform || "") ? "⌘" : "Ctrl";
    if (zoom) {
      bar.append(
        button("zoom-in", "Zoom in", "Zoom in (or " + mod + " + scroll, pinch)"),
        button("zoom-out", "Zoom out", "Zoom out"),
        button("fit", "Fit to width", "Fit the diagram to the page"),
      );
    }
    bar.append(
      button("fullscreen", "Full screen", "Full screen"),
      button("download", "Download as SVG", "Download as SVG (" + fileName(figure) + ")"),
    );
    bar.addEventListener("click", (event) => {
      const pressed = event.target.closest("button[data-action]");
      if (!pressed) return;
      const action = pressed.dataset.action;
      if (action === "zoom-in") zoom.zoomIn();
      else if (action === "zoom-out") zoom.zoomOut();
      else if (action === "fit") zoom.reset();
      else if (action === "fullscreen") toggleFull(figure);
      else if (action === "download") download(figure, svg);
    });
    figure.insertBefore(bar, canvas);
  }

  // --- start -------------------------------------------------------------------------

  function setup(figure) {
    if (figure.hasAttribute("data-archatlas-viewer")) return;
    const canvas = figure.querySelector(":scope > .archatlas-canvas");
    const svg = canvas && canvas.querySelector(":scope > svg");
    if (!svg) return;
    figure.setAttribute("data-archatlas-viewer", "");
    highlight(canvas, svg);
    groups(figure, svg);
    swallowDragClicks(canvas);
    const zoom = zoomer(figure, canvas, svg);
    figure.archatlasZoom = zoom;
    toolbar(figure, canvas, svg, zoom);
  }

  /* Sets up every diagram of the page not set up yet: safe to call again. */
  function init() {
    for (const figure of document.querySelectorAll("figure.archatlas-diagram")) {
      try {
        setup(figure);
      } catch (error) {
        console.warn("archatlas: diagram viewer:", error); // the diagram still shows, fitted
      }
    }
  }

  if (window.archatlasViewer) return; // the script was loaded twice
  window.archatlasViewer = { init };
  watchFullscreen();
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
