// The worker map: nearest stations and check-ups from the public API, as markers and lists.
(function () {
  "use strict";
  const settings = JSON.parse(document.getElementById("page-settings").textContent);
  const texts = settings.texts;
  const map = window.yizhanMap;
  const { element, distance, language, popup, escapeHtml, request, reasons } = window.yizhan;
  // Every station in view, from the server: one by one at street level, clustered above it.
  const stationsLayer = L.layerGroup();
  const checkupsLayer = L.layerGroup();
  stationsLayer.addTo(map);
  checkupsLayer.addTo(map);
  // Leaflet's layer control writes its labels as HTML.
  L.control.layers(null, { [escapeHtml(texts.stations)]: stationsLayer, [escapeHtml(texts.checkups)]: checkupsLayer },
                   { collapsed: false }).addTo(map);
  const status = document.getElementById("status");
  const ICONS = {
    ebike_charging: "⚡", phone_charging: "🔌", battery_swap: "🔋", drinking_water: "💧",
    hot_water: "♨️", free_meal: "🍱", microwave: "🍲", toilet: "🚻", cooling: "❄️",
    heating: "🔥", seating: "🪑", wifi: "📶", first_aid: "⛑️", aed: "❤️", rain_gear: "☂️",
    repair_tools: "🔧", reading: "📚", legal_aid: "⚖️", counselling: "💬",
  };
  // The position asked about, in WGS-84 (GPS, the URL, the API's echo) unless positionCrs says
  // otherwise (the map's centre, in the tiles' coordinate system).
  let position = { lat: settings.centre[0], lon: settings.centre[1] };
  let positionCrs = "wgs84";
  let place = null;  // a searched place name, sent as q=
  let latest = 0;  // the newest refresh: answers to older ones arrive late and are dropped

  function dot(kind) {
    const className = kind === "checkup" ? "checkup-marker" : "station-marker";
    // An 18 px dot in a 44 px target: a finger can hit it.
    return L.divIcon({ className, html: `<span class="dot ${kind}"></span>`, iconSize: [44, 44] });
  }

  function chosenAmenities() {
    return [...document.querySelectorAll(".chip[data-amenity][aria-pressed=true]")].map((chip) => chip.dataset.amenity);
  }

  // The API's answer, or an Error whose message a worker can read in the page's language
  // (never the browser's "Failed to fetch" or a parser's complaint about an HTML error page).
  async function api(path, params) {
    const { response, body } = await request(`${path}?${params}`, { offline: texts.offline });
    if (!response.ok || body === null) throw new Error(reasons(body) || texts.failed);
    offline(response.headers.get("X-Yizhan-Saved-At"), body);
    return body;
  }

  // Offline, the service worker answers with the last answer it kept: say so, and work out
  // "open now" here from each station's hours (the saved answer's is from when it was saved).
  const offlineNote = document.getElementById("offline-note");
  function offline(savedAt, body) {
    if (!savedAt) { offlineNote.textContent = ""; return; }
    offlineNote.textContent = texts.offline_saved.replace("%(time)s", clock.format(new Date(savedAt)));
    const now = new Date();
    for (const feature of body.features || []) {
      const p = feature.properties;
      if (!p.opening_hours) continue;  // a check-up: nothing to work out
      p.open_now = p.status === "open" && window.yizhanHours.isOpenAt(p.opening_hours, now);
      p.opens_at = p.closes_at = null;  // from when it was saved: no longer sure
    }
  }

  const english = language.startsWith("en");
  function nameOf(p) { return english && p.name_en ? p.name_en : p.name; }

  function whereParams() {
    const params = new URLSearchParams({ crs: settings.tileCrs });
    if (place) {
      params.set("q", place);
      if (positionCrs === "wgs84" && position) {  // places of one name: the nearest first
        params.set("near_lat", position.lat);
        params.set("near_lon", position.lon);
      }
    } else {
      params.set("lat", position.lat);
      params.set("lon", position.lon);
      params.set("position_crs", positionCrs);
    }
    return params;
  }

  const ZONE = "Asia/Shanghai";
  const clock = new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: ZONE });
  const weekday = new Intl.DateTimeFormat(language, { weekday: "short", timeZone: ZONE });
  const dayOf = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE });  // YYYY-MM-DD

  // "18:00", "tomorrow 08:00" or "Wed 08:00": a moment within the week, as a worker says it.
  function soon(iso) {
    const moment = new Date(iso);
    const today = dayOf.format(new Date());
    const tomorrow = dayOf.format(new Date(Date.now() + 86400000));
    const day = dayOf.format(moment);
    const time = clock.format(moment);
    if (day === today) return time;
    return `${day === tomorrow ? texts.tomorrow : weekday.format(moment)} ${time}`;
  }

  // When the station's state next changes: "open until 18:00", "opens at 08:00", or all day.
  function changeText(p) {
    if (p.open_now) return p.closes_at ? texts.open_until.replace("%(time)s", soon(p.closes_at)) : texts.open_all_day;
    return p.opens_at ? texts.opens_at.replace("%(time)s", soon(p.opens_at)) : "";
  }

  function stationItem(feature) {
    const p = feature.properties;
    const item = element("li", "station");
    item.dataset.code = p.code;
    const head = element("div", "station-head");
    const name = element("strong");
    const link = element("a", null, nameOf(p));
    link.href = `/stations/${encodeURIComponent(p.code)}/`;
    name.append(link);
    if (p.is_synthetic) name.append(window.yizhan.demoBadge());
    head.append(name, element("span", "distance", distance(p.distance_m)));
    const state = element("span", p.open_now ? "state open" : "state closed", p.open_now ? texts.open : texts.closed);
    head.append(state);
    const change = changeText(p);
    if (change) head.append(element("span", "state-change", change));
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
    if (p.is_synthetic) return item;  // an invented place: nowhere to go, nothing to report
    const links = element("div", "navigate");
    const report = element("a", "report-link", texts.report);  // one tap to the report buttons
    report.href = `/stations/${encodeURIComponent(p.code)}/#reports`;
    links.append(report);
    item.append(links);
    const amap = element("a", null, `${texts.navigate} · ${texts.amap}`);
    amap.href = p.navigation.amap;
    const baidu = element("a", null, texts.baidu);
    baidu.href = p.navigation.baidu;
    links.prepend(amap, baidu);
    return item;
  }

  const openNow = document.getElementById("open-now");
  const widen = document.getElementById("widen");
  const RADII_KM = [5, 10, 20, 50];  // the API's largest radius is 50 km
  let radiusIndex = 0;
  let here = null;  // the "you are here" marker, when the phone said where it is
  let hereWanted = false;  // drawn with the answer, which gives the point in the tiles' crs

  function stationMarker(feature) {
    const [x, y] = feature.geometry.coordinates;
    const p = feature.properties;
    const marker = L.marker([y, x], { icon: dot(p.open_now ? "open" : "closed"), title: nameOf(p) });
    const where = p.distance_m === undefined ? p.address : distance(p.distance_m);
    const content = popup(nameOf(p), where, changeText(p) || (p.open_now ? texts.open : texts.closed));
    const details = element("a", null, texts.details);
    details.href = `/stations/${encodeURIComponent(p.code)}/`;
    content.append(details);
    if (!p.is_synthetic) {
      const report = element("a", "report-link", texts.report);
      report.href = `/stations/${encodeURIComponent(p.code)}/#reports`;
      content.append(" · ", report);
    }
    marker.bindPopup(content);
    return marker;
  }

  // A cluster of the server's: its count in a 44 px target; a tap zooms in on it.
  function clusterMarker(feature) {
    const [x, y] = feature.geometry.coordinates;
    const count = feature.properties.count;
    const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    const label = element("span", null, count.toLocaleString(language));
    const box = element("div");
    box.append(label);
    const icon = L.divIcon({ html: box, className: `cluster cluster-${size}`, iconSize: [44, 44] });
    const title = texts.cluster.replace("%(count)s", count);
    const marker = L.marker([y, x], { icon, title, alt: title, keyboard: true });
    marker.on("click", () => map.setView([y, x], Math.min(map.getZoom() + 2, 18)));
    return marker;
  }

  // Markers closer on the screen than a finger's width become one cluster (the server's cells
  // are 64 px, and stations one by one can stand side by side): no target hides another.
  const FINGER_PX = 44;
  function apart(features) {
    const groups = [];
    for (const feature of features) {
      const [x, y] = feature.geometry.coordinates;
      const at = map.latLngToLayerPoint([y, x]);
      const count = feature.properties.cluster ? feature.properties.count : 1;
      // square targets: apart when they are apart along x or along y
      const near = groups.find((group) => Math.max(Math.abs(group.at.x - at.x), Math.abs(group.at.y - at.y)) < FINGER_PX);
      if (!near) { groups.push({ at, features: [feature], count, lon: x * count, lat: y * count }); continue; }
      near.features.push(feature);
      near.count += count;
      near.lon += x * count;
      near.lat += y * count;
    }
    return groups.map((group) => (group.features.length === 1 ? group.features[0] : {
      geometry: { coordinates: [group.lon / group.count, group.lat / group.count] },
      properties: { cluster: true, count: group.count },
    }));
  }

  function drawStations(features) {
    stationsLayer.clearLayers();
    let drawn = apart(features);  // a merged cluster sits at its mean: merge again until none is near
    for (let merged = apart(drawn); merged.length < drawn.length; merged = apart(drawn)) drawn = merged;
    for (const feature of drawn) {
      stationsLayer.addLayer(feature.properties.cluster ? clusterMarker(feature) : stationMarker(feature));
    }
  }

  // The map follows the view: whatever the worker pans or zooms to, its stations are drawn.
  // Without a connection, the stations of the list stay drawn.
  let listed = [];  // the list's stations
  let viewTicket = 0;
  async function browse() {
    const ticket = ++viewTicket;
    const bounds = map.getBounds();
    const bbox = [
      Math.max(-180, bounds.getWest()), Math.max(-85, bounds.getSouth()),
      Math.min(180, bounds.getEast()), Math.min(85, bounds.getNorth()),
    ];
    const params = new URLSearchParams({ crs: settings.tileCrs, zoom: String(map.getZoom()) });
    params.set("bbox", bbox.map((value) => value.toFixed(5)).join(","));
    const amenities = chosenAmenities();
    if (amenities.length) params.set("amenity", amenities.join(","));
    try {
      const { response, body } = await request(`/api/v1/stations/map/?${params}`, { offline: texts.offline });
      if (ticket !== viewTicket) return;
      drawStations(response.ok && body ? body.features : listed);
    } catch (failure) {
      if (ticket === viewTicket) drawStations(listed);
    }
  }

  // "Search this area": offered once the worker moves the map away from the list's stations.
  const searchArea = document.getElementById("search-area");
  let fitting = false;  // the next move is the page's own (fitting the map to the list)
  let searched = null;  // the view the list was fitted to
  function fit(bounds) {
    fitting = true;
    searchArea.hidden = true;
    map.fitBounds(bounds, { maxZoom: 16, padding: [24, 24] });
  }
  let browseTimer = null;
  map.on("moveend", () => {
    if (fitting) {
      fitting = false;
      searched = { centre: map.getCenter(), zoom: map.getZoom() };
    } else if (searched) {
      const moved = map.distance(searched.centre, map.getCenter()) > 300 || map.getZoom() !== searched.zoom;
      searchArea.hidden = !moved;
    }
    clearTimeout(browseTimer);
    browseTimer = setTimeout(browse, 200);
  });
  searchArea.addEventListener("click", () => {
    const centre = map.getCenter();
    position = { lat: centre.lat, lon: centre.lng };
    positionCrs = settings.tileCrs;
    place = null;
    radiusIndex = 0;
    refresh("pushState");
  });

  async function nearest(limit, radiusKm) {
    const params = whereParams();
    params.set("limit", String(limit));
    if (radiusKm) params.set("radius_m", String(radiusKm * 1000));
    const amenities = chosenAmenities();
    if (amenities.length) params.set("amenity", amenities.join(","));
    if (openNow.getAttribute("aria-pressed") === "true") params.set("open_now", "true");
    return api("/api/v1/stations/nearest/", params);
  }

  // A heat or cold warning in force where the worker is: what it is and what to do, and the
  // list below is ranked by it (the API's mode=auto).
  const weather = document.getElementById("weather");
  function showWeather(mode) {
    const warning = mode && mode.warning;
    weather.hidden = !warning;
    weather.textContent = warning ? warning.banner : "";
    weather.dataset.kind = warning ? warning.kind : "";
  }

  // The place a search found and, when several bear its name (朝阳区), the others, one tap
  // away. Text nodes only: names come from the server's data.
  const placeNote = document.getElementById("place-note");
  function showPlace(query) {
    if (!query.place) return;  // a position, not a search: the last search's note goes below
    placeNote.replaceChildren(document.createTextNode(texts.found_place.replace("%(place)s", query.place)));
    const others = query.alternatives || [];
    if (!others.length) return;
    placeNote.append(" ", texts.other_places, " ");
    for (const other of others) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "chip";
      button.textContent = other.place;
      button.addEventListener("click", () => {
        place = null;  // the search may still be answering: ask by this place's position
        position = { lat: other.lat, lon: other.lon };
        positionCrs = "wgs84";
        placeNote.replaceChildren(document.createTextNode(texts.found_place.replace("%(place)s", other.place)));
        refresh();
      });
      placeNote.append(button);
    }
  }

  async function loadStations(ticket) {
    const radiusKm = RADII_KM[radiusIndex];
    let body = await nearest(30, radiusKm);
    if (ticket !== latest) return;
    const [lon, lat] = body.query[settings.tileCrs];
    position = { lat: body.query.wgs84[1], lon: body.query.wgs84[0] };
    positionCrs = "wgs84";
    if (hereWanted) {  // the phone's position, where the tiles draw it
      hereWanted = false;
      if (here) here.remove();
      here = L.circleMarker([lat, lon], {
        radius: 8, color: "#fff", weight: 3, fillColor: "#1565c0", fillOpacity: 1, interactive: false,
      }).addTo(map);  // shown, not tapped: the legend says what it is
    }
    showPlace(body.query);
    showWeather(body.mode);
    let found = body.features;
    const empty = !found.length;
    if (empty) {  // nothing within the cap: say so, and show the nearest beyond it
      body = await nearest(1, null);
      if (ticket !== latest) return;
      found = body.features;
    }
    listed = found;
    drawStations(found);  // at once; the view's other stations follow (browse)
    const list = document.getElementById("stations");
    list.replaceChildren();
    const bounds = [[lat, lon]];
    for (const feature of found) {
      const [x, y] = feature.geometry.coordinates;
      list.append(stationItem(feature));
      bounds.push([y, x]);
    }
    const within = texts.none_within.replace("%(km)s", radiusKm);
    if (!empty) status.textContent = "";
    else if (found.length) status.textContent = `${within} ${texts.nearest_beyond.replace("%(distance)s", distance(found[0].properties.distance_m))}`;
    else status.textContent = texts.none;
    const wider = RADII_KM[radiusIndex + 1];
    widen.hidden = !empty || !wider;
    if (wider) widen.textContent = texts.widen.replace("%(km)s", wider);
    fit(bounds);
    browse();  // also when fitting did not move the map
  }

  widen.addEventListener("click", () => {
    radiusIndex = Math.min(radiusIndex + 1, RADII_KM.length - 1);
    refresh();
  });

  let openNowTouched = false;
  openNow.addEventListener("click", () => {
    openNowTouched = true;
    openNow.setAttribute("aria-pressed", openNow.getAttribute("aria-pressed") === "true" ? "false" : "true");
    refresh();
  });

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
    if (params.has("q")) {
      params.delete("q");
      params.set("lat", position.lat);
      params.set("lon", position.lon);
      params.set("position_crs", positionCrs);
    }
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

  const retry = document.getElementById("retry");
  retry.addEventListener("click", () => refresh());

  // What the worker asked, in the URL: a link reproduces it, the back button returns to the
  // previous question, and the language switch keeps it.
  function remember(how) {
    const state = new URLSearchParams();
    state.set("lat", position.lat.toFixed(5));
    state.set("lon", position.lon.toFixed(5));
    const amenities = chosenAmenities();
    if (amenities.length) state.set("amenity", amenities.join(","));
    if (openNow.getAttribute("aria-pressed") === "true") state.set("open_now", "1");
    if (radiusIndex) state.set("km", String(RADII_KM[radiusIndex]));
    const url = `${location.pathname}?${state}`;
    if (url !== location.pathname + location.search) history[how](null, "", url);
    const next = document.querySelector(".language [name=next]");
    if (next) next.value = url;
  }

  function recall(query) {
    const state = new URLSearchParams(query);
    const amenities = (state.get("amenity") || "").split(",");
    for (const chip of document.querySelectorAll(".chip[data-amenity]")) {
      chip.setAttribute("aria-pressed", String(amenities.includes(chip.dataset.amenity)));
    }
    openNow.setAttribute("aria-pressed", String(state.get("open_now") === "1"));
    radiusIndex = Math.max(0, RADII_KM.indexOf(Number(state.get("km"))));
    const lat = parseFloat(state.get("lat"));
    const lon = parseFloat(state.get("lon"));
    if (Number.isFinite(lat) && Number.isFinite(lon)) { position = { lat, lon }; positionCrs = "wgs84"; return true; }
    return false;
  }

  let nextHistory = "replaceState";  // the first answer replaces; a worker's change adds a step
  async function refresh(how) {
    const ticket = ++latest;
    retry.hidden = true;
    try {
      await loadStations(ticket);
      if (ticket === latest) remember(how || nextHistory);
      nextHistory = "pushState";
      await loadCheckups(ticket);
    } catch (failure) {
      status.textContent = failure.message || texts.failed;
      retry.hidden = false;
    }
  }

  window.addEventListener("popstate", () => { recall(location.search); refresh("replaceState"); });

  for (const chip of document.querySelectorAll(".chip[data-amenity]")) {
    chip.addEventListener("click", () => {
      chip.setAttribute("aria-pressed", chip.getAttribute("aria-pressed") === "true" ? "false" : "true");
      if (!openNowTouched && chosenAmenities().length) openNow.setAttribute("aria-pressed", "true");
      refresh();
    });
  }

  document.getElementById("search").addEventListener("submit", (event) => {
    event.preventDefault();
    place = event.target.q.value.trim() || null;
    refresh().then(() => { place = null; });
  });

  const positionNote = document.getElementById("position-note");
  const FALLBACK_MS = 8000;  // also covers a permission prompt nobody answers

  function located(found) {
    placeNote.replaceChildren();
    position = { lat: found.coords.latitude, lon: found.coords.longitude };
    positionCrs = "wgs84";
    positionNote.textContent = "";
    hereWanted = true;
    radiusIndex = 0;
    refresh();
  }

  function unlocated() {
    positionNote.textContent = texts.no_position;  // stays until a position arrives
    refresh();
  }

  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");

  if (recall(location.search)) {
    refresh();  // a shared link or the back button: the question it holds
  } else if (navigator.geolocation) {
    status.textContent = texts.locating;
    let answered = false;
    let fellBack = false;
    const fallback = setTimeout(() => { fellBack = true; unlocated(); }, FALLBACK_MS);
    navigator.geolocation.getCurrentPosition(
      (found) => { answered = true; clearTimeout(fallback); located(found); },
      () => {
        if (answered || fellBack) return;
        answered = true;
        clearTimeout(fallback);
        unlocated();
      },
      { enableHighAccuracy: true, timeout: FALLBACK_MS, maximumAge: 60000 }
    );
  } else {
    unlocated();
  }
})();
