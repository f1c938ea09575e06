// The textbook coverage page (bench/baseline.py): every cell inlined in the page as a GeoJSON
// polygon, drawn by Leaflet as SVG paths.
(function () {
  "use strict";
  const cells = JSON.parse(document.getElementById("cells").textContent);
  const box = document.getElementById("map");
  box.style.height = "600px";
  const map = L.map(box).setView([22.6, 114.1], 10);
  L.geoJSON(cells, {
    style: (feature) => ({ fillColor: feature.properties.colour, fillOpacity: 0.45, weight: 0 }),
  }).addTo(map);
  box.dataset.drawn = String(cells.features.length);
  performance.mark("coverage-drawn");
})();
