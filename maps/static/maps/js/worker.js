// The worker map: nearest stations and check-ups from the public API, as markers and lists.
(function () {
  "use strict";
  const settings = JSON.parse(document.getElementById("page-settings").textContent);
  const texts = settings.texts;
  const map = window.yizhanMap;
  const { element, distance, language, popup } = window.yizhan;
  const stationsLayer = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  const checkupsLayer = L.layerGroup();
  stationsLayer.addTo(map);
  checkupsLayer.addTo(map);
  L.control.layers(null, { [texts.stations]: stationsLayer, [texts.checkups]: checkupsLayer },
                   { collapsed: false }).addTo(map);
  const status = document.getElementById("status");
  const ICONS = {
    ebike_charging: "⚡", phone_charging: "🔌", battery_swap: "🔋", drinking_water: "💧",
    hot_water: "♨️", free_meal: "🍱", microwave: "🍲", toilet: "🚻", cooling: "❄️",
    heating: "🔥", seating: "🪑", wifi: "📶", first_aid: "⛑️", aed: "❤️", rain_gear: "☂️",
    repair_tools: "🔧", reading: "📚", legal_aid: "⚖️", counselling: "💬",
  };
  let position = { lat: settings.centre[0], lon: settings.centre[1] };
  let place = null;  // a searched place name, sent as q=
  let latest = 0;  // the newest refresh: answers to older ones arrive late and are dropped

  function dot(kind) {
    const className = kind === "checkup" ? "checkup-marker" : "station-marker";
    return L.divIcon({ className, html: `<span class="dot ${kind}"></span>`, iconSize: [18, 18] });
  }

  function chosenAmenities() {
    return [...document.querySelectorAll(".chip[data-amenity][aria-pressed=true]")].map((chip) => chip.dataset.amenity);
  }

  async function api(path, params) {
    const response = await fetch(`${path}?${params}`, { headers: { "Accept-Language": language } });
    const body = await response.json();
    if (!response.ok) throw new Error(Object.values(body.errors).flat().join(" "));
    return body;
  }

  function whereParams() {
    const params = new URLSearchParams({ crs: settings.tileCrs });
    if (place) params.set("q", place);
    else { params.set("lat", position.lat); params.set("lon", position.lon); }
    return params;
  }

  function stationItem(feature) {
    const p = feature.properties;
    const item = element("li", "station");
    item.dataset.code = p.code;
    const head = element("div", "station-head");
    const name = element("strong");
    const link = element("a", null, p.name);
    link.href = `/stations/${encodeURIComponent(p.code)}/`;
    name.append(link);
    if (p.is_synthetic) name.append(window.yizhan.demoBadge());
    head.append(name, element("span", "distance", distance(p.distance_m)));
    const state = element("span", p.open_now ? "state open" : "state closed", p.open_now ? texts.open : texts.closed);
    head.append(state);
    item.append(head, element("div", "hint", p.address));
    const icons = element("div", "amenities");
    for (const amenity of p.amenities) {
      if (amenity.status === "available" || amenity.status === "limited") {
        const icon = element("span", "amenity", `${ICONS[amenity.code] || "•"} ${amenity.name}`);
        icon.dataset.amenity = amenity.code;
        icons.append(icon);
      }
    }
    item.append(icons);
    if (p.stale) item.append(element("div", "stale", p.stale_notice || texts.stale));
    if (p.is_synthetic) return item;  // an invented place: nowhere to navigate to
    const links = element("div", "navigate");
    const amap = element("a", null, `${texts.navigate} · ${texts.amap}`);
    amap.href = p.navigation.amap;
    const baidu = element("a", null, texts.baidu);
    baidu.href = p.navigation.baidu;
    links.append(amap, baidu);
    item.append(links);
    return item;
  }

  async function loadStations(ticket) {
    const params = whereParams();
    params.set("limit", "30");
    const amenities = chosenAmenities();
    if (amenities.length) params.set("amenity", amenities.join(","));
    const body = await api("/api/v1/stations/nearest/", params);
    if (ticket !== latest) return;
    const [lon, lat] = body.query[settings.tileCrs];
    position = { lat: body.query.wgs84[1], lon: body.query.wgs84[0] };
    stationsLayer.clearLayers();
    const list = document.getElementById("stations");
    list.replaceChildren();
    const bounds = [[lat, lon]];
    for (const feature of body.features) {
      const [x, y] = feature.geometry.coordinates;
      const marker = L.marker([y, x], { icon: dot(feature.properties.open_now ? "open" : "closed"),
                                        title: feature.properties.name });
      marker.bindPopup(popup(feature.properties.name, distance(feature.properties.distance_m)));
      stationsLayer.addLayer(marker);
      list.append(stationItem(feature));
      bounds.push([y, x]);
    }
    status.textContent = body.features.length ? "" : texts.none;
    map.fitBounds(bounds, { maxZoom: 16, padding: [24, 24] });
  }

  let checkups = [];  // the upcoming check-ups found, as the API gave them (by distance)

  function showCheckups() {
    const byDate = document.querySelector(".sort [data-sort=date]").getAttribute("aria-pressed") === "true";
    const shown = byDate
      ? [...checkups].sort((a, b) => a.properties.starts_at.localeCompare(b.properties.starts_at))
      : checkups;
    window.yizhanCheckups.render(document.getElementById("checkups"), shown, settings.checkups);
  }

  async function loadCheckups(ticket) {
    const params = whereParams();
    if (params.has("q")) { params.delete("q"); params.set("lat", position.lat); params.set("lon", position.lon); }
    params.set("limit", "10");
    const body = await api("/api/v1/checkups/upcoming/", params);
    if (ticket !== latest) return;
    checkupsLayer.clearLayers();
    checkups = body.features;
    for (const feature of checkups) {
      const p = feature.properties;
      const [x, y] = feature.geometry.coordinates;
      L.marker([y, x], { icon: dot("checkup"), title: p.kind.name })
        .bindPopup(popup(p.kind.name, (p.station && p.station.name) || p.address,
                         `${p.places_left} ${texts.places_left}`))
        .addTo(checkupsLayer);
    }
    showCheckups();
    const feed = document.getElementById("checkup-feed");
    feed.href = window.yizhanCheckups.feedUrl(position.lat, position.lon);
    feed.hidden = false;
  }

  for (const button of document.querySelectorAll(".sort [data-sort]")) {
    button.addEventListener("click", () => {
      for (const other of document.querySelectorAll(".sort [data-sort]")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
      showCheckups();
    });
  }

  async function refresh() {
    const ticket = ++latest;
    try {
      await loadStations(ticket);
      await loadCheckups(ticket);
    } catch (failure) {
      status.textContent = failure.message || texts.failed;
    }
  }

  for (const chip of document.querySelectorAll(".chip[data-amenity]")) {
    chip.addEventListener("click", () => {
      chip.setAttribute("aria-pressed", chip.getAttribute("aria-pressed") === "true" ? "false" : "true");
      refresh();
    });
  }

  document.getElementById("search").addEventListener("submit", (event) => {
    event.preventDefault();
    place = event.target.q.value.trim() || null;
    refresh().then(() => { place = null; });
  });

  if (navigator.geolocation) {
    status.textContent = texts.locating;
    navigator.geolocation.getCurrentPosition(
      (found) => {
        position = { lat: found.coords.latitude, lon: found.coords.longitude };
        refresh();
      },
      () => { status.textContent = texts.no_position; refresh(); },
      { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
    );
  } else {
    refresh();
  }
})();
