// A station manager's forms on the station page: each change goes through the managers' API
// with the ETag last seen (If-Match), so nobody's change is overwritten unseen.
(function () {
  "use strict";
  const section = document.getElementById("manage");
  const texts = JSON.parse(document.getElementById("manage-texts").textContent);
  const message = document.getElementById("manage-message");
  const csrf = section.querySelector("[name=csrfmiddlewaretoken]").value;
  const base = `/api/v1/stations/${section.dataset.code}/`;
  const { request, reasons } = window.yizhan;

  // A manager's change through the API: the saved station, or null with the reason shown in
  // the page's language (a lost connection, a colleague's change, the API's refusal).
  async function send(method, url, body) {
    let answer;
    try {
      answer = await request(url, {
        method, body, offline: texts.offline,
        headers: { "If-Match": section.dataset.etag, "X-CSRFToken": csrf },
      });
    } catch (offline) {
      message.className = "error";
      message.textContent = offline.message;
      return null;
    }
    const { response, body: payload } = answer;
    if (response.ok && payload) {
      section.dataset.etag = response.headers.get("ETag");
      message.textContent = texts.saved;
      message.className = "saved";
      return payload;
    }
    message.className = "error";
    message.textContent = response.status === 412 ? texts.stale : `${texts.failed} ${reasons(payload)}`.trim();
    return null;
  }

  function showAmenities(feature) {
    for (const amenity of feature.properties.amenities) {
      const status = document.querySelector(`.amenity-list [data-amenity="${amenity.code}"] .amenity-status`);
      if (status) status.textContent = texts.amenity_statuses[amenity.status] || amenity.status;
    }
    document.getElementById("status-label").textContent =
      texts.statuses[feature.properties.status] || feature.properties.status;
  }

  document.getElementById("station-status").addEventListener("submit", async (event) => {
    event.preventDefault();
    const feature = await send("PATCH", base, { status: event.target.status.value });
    if (feature) showAmenities(feature);
  });

  for (const form of document.querySelectorAll(".amenity-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const feature = await send("PATCH", `${base}amenities/${form.dataset.amenity}/`,
                                 { status: form.status.value, details: form.details.value });
      if (feature) showAmenities(feature);
    });
  }

  // Opening hours: rows of weekly periods and of dated exceptions, sent whole.
  const hours = document.getElementById("hours");
  function addRow(template, target) {
    const row = document.getElementById(template).content.firstElementChild.cloneNode(true);
    document.getElementById(target).append(row);
  }
  document.getElementById("add-period").addEventListener("click", () => addRow("weekly-row", "weekly"));
  document.getElementById("add-exception").addEventListener("click", () => addRow("exception-row", "exceptions"));
  hours.addEventListener("click", (event) => {
    if (event.target.classList.contains("remove")) event.target.closest(".period").remove();
  });
  hours.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (row, name) => row.querySelector(`[name=${name}]`);
    const weekly = [...hours.querySelectorAll("#weekly .period")].map((row) => ({
      weekday: Number(value(row, "weekday").value),
      opens: value(row, "opens").value,
      closes: value(row, "closes").value,
      overnight: value(row, "overnight").checked,
    }));
    const exceptions = [...hours.querySelectorAll("#exceptions .period")].map((row) => {
      const closed = value(row, "closed").checked;
      const item = { date: value(row, "date").value, closed, note: value(row, "note").value };
      if (!closed) { item.opens = value(row, "opens").value; item.closes = value(row, "closes").value; }
      return item;
    });
    await send("PATCH", base, { opening_hours: { weekly, exceptions } });
  });

  document.getElementById("verify").addEventListener("click", () => send("POST", `${base}verify/`));
})();
