/* Leaflet's own words in the page's language: the titles of its zoom buttons (read aloud by
   screen readers and shown on hover), given by the page on this script's tag. Loaded right
   after leaflet.js, before any map is made. */
(function () {
  "use strict";
  const me = document.currentScript;
  if (!window.L || !me) return;
  L.Control.Zoom.mergeOptions({
    zoomInTitle: me.dataset.zoomIn || "Zoom in",
    zoomOutTitle: me.dataset.zoomOut || "Zoom out",
  });
})();
