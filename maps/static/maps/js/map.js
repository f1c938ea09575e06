// Draws the page's map from its description (<script type="application/json" id="map-spec">,
// made by maps/builders.py). Every name from the data is shown as text, never parsed as HTML:
// tooltips get DOM nodes, and layer names are escaped (Leaflet's layer control writes HTML).
(function () {
  "use strict";
  const spec = JSON.parse(document.getElementById("map-spec").textContent);
  const { element, escapeHtml } = window.yizhan;
  const map = L.map("map", { center: spec.center, zoom: spec.zoom });
  L.control.scale().addTo(map);
  L.tileLayer(spec.tiles.url, { attribution: spec.tiles.attribution, maxZoom: 19 }).addTo(map);

  function text(value) {
    return element("span", null, value);
  }

  function stopIcon(number, colour) {
    const badge = element("span", "stop", String(number));
    badge.style.background = colour;
    return L.divIcon({ html: badge, className: "stop-marker", iconSize: [24, 24], iconAnchor: [12, 12] });
  }

  const draw = {
    circle(layer) {
      return L.circleMarker(layer.at, { radius: 9, color: "#b3261e", fillOpacity: 0.9 })
        .bindTooltip(text(layer.label));
    },
    route(layer) {
      const group = L.featureGroup();
      const points = layer.stops.map((stop) => stop.at);
      if (points.length > 1) {
        L.polyline(points, { color: layer.colour, weight: 4, opacity: 0.8 })
          .bindTooltip(text(layer.name)).addTo(group);
      }
      layer.stops.forEach((stop, index) => {
        L.marker(stop.at, { icon: stopIcon(index + 1, layer.colour) })
          .bindTooltip(text(`${layer.name} · ${index + 1}. ${stop.label}`)).addTo(group);
      });
      return group;
    },
    heat(layer) {
      return L.heatLayer(layer.points, { radius: 30, blur: 20, minOpacity: 0.3 });
    },
    // A coverage grid, loaded from the API (a compact layer the browser keeps and revalidates)
    // and drawn on one canvas: [west, south, metres] per cell, coloured by the layer's bands.
    grid(layer) {
      const group = L.featureGroup();
      const renderer = L.canvas({ padding: 0.5 });
      const colour = (metres) => layer.bands.find(([limit]) => limit === null || metres <= limit)[1];
      const box = document.getElementById("map");
      fetch(layer.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.status === 200 ? response.json() : Promise.reject(response.status)))
        .then((body) => {
          const [dx, dy] = body.size;
          for (const [west, south, metres] of body.cells) {
            L.rectangle([[south, west], [south + dy, west + dx]], {
              renderer, stroke: false, fillColor: colour(metres), fillOpacity: 0.45, interactive: false,
            }).addTo(group);
          }
          box.dataset.drawn = String(body.cells.length);
          performance.mark("coverage-drawn");
        })
        .catch(() => {
          const failed = document.getElementById("layer-failed");
          if (failed) failed.hidden = false;
        });
      return group;
    },
  };

  const overlays = {};
  const drawn = [];
  for (const layer of spec.layers) {
    const shape = draw[layer.type](layer).addTo(map);
    if (layer.name) overlays[escapeHtml(layer.name)] = shape;
    if (layer.type === "route") drawn.push(shape);
  }
  if (spec.layerControl) L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  if (drawn.length) map.fitBounds(L.featureGroup(drawn).getBounds(), { maxZoom: 15, padding: [24, 24] });
  window.yizhanMap = map;
})();
