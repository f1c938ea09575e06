// The benefits page: asks the public API and draws the answer as cards and map markers.
(function () {
  "use strict";
  const texts = JSON.parse(document.getElementById("texts").textContent);
  const tileCrs = JSON.parse(document.getElementById("tile-crs").textContent);
  const form = document.getElementById("worker");
  const results = document.getElementById("results");
  const error = document.getElementById("error");
  const map = window.yizhanMap;
  const markers = L.layerGroup().addTo(map);
  const { element, distance, popup, request, reasons } = window.yizhan;

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  document.getElementById("locate").addEventListener("click", () => {
    const note = document.getElementById("position");
    if (!navigator.geolocation) {
      note.textContent = texts.no_position;
      return;
    }
    note.textContent = texts.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.lat.value = position.coords.latitude.toFixed(6);
        form.lon.value = position.coords.longitude.toFixed(6);
        note.textContent = texts.located;
      },
      () => { note.textContent = texts.no_position; },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  });

  function cost(scheme) {
    if (scheme.cost.free) return texts.free;
    let text = `${scheme.cost.yuan_per_day} ${texts.per_day}`;
    if (scheme.cost.public_subsidy_yuan_per_day) {
      text += ` (${texts.subsidy} ${scheme.cost.public_subsidy_yuan_per_day} ${texts.yuan})`;
    }
    return text;
  }

  function place(station, list, bounds) {
    const [lon, lat] = station.location;
    const marker = L.circleMarker([lat, lon], { radius: 8, color: "#b3261e", weight: 2 });
    marker.bindPopup(popup(station.name, station.address)).addTo(markers);
    bounds.push([lat, lon]);
    const item = element("li", "station");
    const name = element("strong", null, station.name);
    if (station.is_synthetic) name.append(window.yizhan.demoBadge());
    item.append(name, ` · ${distance(station.distance_m)}`);
    item.append(element("div", "hint", station.address));
    list.append(item);
  }

  function card(scheme, covered, bounds) {
    const node = element("article", covered ? "card scheme covered" : "card scheme waiting");
    node.dataset.code = scheme.code;
    node.append(element("h3", null, scheme.name), element("p", "hint", scheme.operator));
    if (scheme.state in texts.states) {
      node.append(element("p", `state ${scheme.state}`, texts.states[scheme.state]));
      node.append(element("p", null, scheme.next_step));
    }
    if (!covered) {
      const reasons = element("ul", "reasons");
      for (const reason of scheme.reasons) {
        const item = element("li", null, reason.message);
        if (reason.change) item.append(element("strong", "change", ` ${reason.change}`));
        reasons.append(item);
      }
      node.append(reasons);
      if (scheme.where_to_join_the_union) {
        const join = element("ul", "stations");
        node.append(element("h4", null, texts.join));
        place(scheme.where_to_join_the_union, join, bounds);
        node.append(join);
      }
      if (scheme.how_to_join_the_union) node.append(element("p", "hint", scheme.how_to_join_the_union));
    }
    node.append(element("p", "cost", cost(scheme)));
    node.append(element("p", "hint", scheme.enrolment.how || scheme.enrolment.text));
    const cover = element("ul", "cover");
    for (const item of scheme.cover) {
      const amount = item.amount_yuan ? ` ${item.amount_yuan.toLocaleString()} ${texts.yuan}` : "";
      cover.append(element("li", null, `${item.kind}${amount}${item.rule ? ` — ${item.rule}` : ""}`));
    }
    node.append(cover);
    if (scheme.paid_cases.length) {
      node.append(element("h4", null, texts.paid_cases));
      const cases = element("ul", "cases");
      for (const item of scheme.paid_cases) cases.append(element("li", null, item.text));
      node.append(cases);
    }
    if (scheme.validity) node.append(element("p", "hint", `${texts.validity}: ${scheme.validity}`));
    if (covered) {
      const how = scheme.how_to_claim;
      node.append(element("h4", null, texts.how_to_claim));
      node.append(element("p", null, how.channels.join(" · ")));
      if (how.documents.length) node.append(element("p", null, `${texts.documents}: ${how.documents.join("、")}`));
      if (how.time_to_pay) node.append(element("p", null, `${texts.time_to_pay}: ${how.time_to_pay}`));
      if (scheme.claim_points.length) {
        const list = element("ul", "stations");
        node.append(element("h4", null, texts.claim_points));
        scheme.claim_points.forEach((station) => place(station, list, bounds));
        node.append(list);
      }
    }
    node.append(element("p", "source", `${texts.source}: ${scheme.source}`));
    if (scheme.illustrative) node.append(element("p", "source", `${texts.illustrative}: ${scheme.illustrative}`));
    return node;
  }

  function draw(body) {
    results.replaceChildren();
    markers.clearLayers();
    const bounds = [];
    if (body.note) results.append(element("p", "hint", body.note));
    results.append(element("h2", null, texts.covered));
    body.covered.forEach((scheme) => results.append(card(scheme, true, bounds)));
    results.append(element("h2", null, texts.not_covered_yet));
    if (!body.not_covered_yet.length) results.append(element("p", "hint", texts.nothing));
    body.not_covered_yet.forEach((scheme) => results.append(card(scheme, false, bounds)));
    if (body.not_for_you.length) {
      results.append(element("h2", null, texts.not_for_you));
      const others = element("ul", "others");
      for (const scheme of body.not_for_you) {
        others.append(element("li", null, `${scheme.name}: ${scheme.reasons.map((r) => r.message).join(" ")}`));
      }
      results.append(others);
    }
    results.append(element("p", "hint", `${texts.distances_from}: ${body.distances_from}`));
    if (bounds.length) map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20] });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (value) query.set(name, value);
    if (query.has("lat")) {
      query.delete("city");
      query.set("position_crs", "wgs84");  // the phone's GPS position, as it gave it
    }
    query.set("crs", tileCrs);  // the claim points where the tiles draw them (Amap: GCJ-02)
    if (!query.has("lat") && !query.has("city")) {
      showError(texts.need_place);
      return;
    }
    let answer;
    try {
      answer = await request(`/api/v1/benefits/eligible/?${query}`, { offline: texts.offline });
    } catch (offline) {
      showError(offline.message);
      return;
    }
    const { response, body } = answer;
    if (!response.ok || body === null) {
      showError(reasons(body) || texts.failed);
      return;
    }
    draw(body);
  });
})();
