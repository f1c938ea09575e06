// A station manager's forms on the station page: each change goes through the managers' API
// with the ETag last seen (If-Match), so nobody's change is overwritten unseen. What a change
// did is said beside the form it came from, and the public part above shows the saved station.
(function () {
  "use strict";
  const section = document.getElementById("manage");
  const texts = JSON.parse(document.getElementById("manage-texts").textContent);
  const message = document.getElementById("manage-message");
  const csrf = section.querySelector("[name=csrfmiddlewaretoken]").value;
  const base = `/api/v1/stations/${section.dataset.code}/`;
  const { element, request, reasons } = window.yizhan;

  function say(where, text, kind) {
    where.className = `result ${kind}`;
    where.textContent = text;
  }

  // A manager's change through the API: the saved station, or null with the reason shown in
  // the page's language beside the form (a lost connection, a colleague's change, a refusal).
  async function send(method, url, body, where, done = texts.saved, onRefusal = null) {
    let answer;
    try {
      answer = await request(url, {
        method, body, offline: texts.offline,
        headers: { "If-Match": section.dataset.etag, "X-CSRFToken": csrf },
      });
    } catch (offline) {
      say(where, offline.message, "error");
      return null;
    }
    const { response, body: payload } = answer;
    if (response.ok && payload) {
      section.dataset.etag = response.headers.get("ETag");
      say(where, done, "saved");
      showStation(payload);
      return payload;
    }
    if (response.status !== 412 && onRefusal && onRefusal(payload)) say(where, texts.failed, "error");
    else say(where, response.status === 412 ? texts.stale : `${texts.failed} ${reasons(payload)}`.trim(), "error");
    return null;
  }

  // The public part, as saved: open now, status, phone, amenities.
  function showStation(feature) {
    const p = feature.properties;
    const state = document.getElementById("open-state");
    state.className = `state ${p.open_now ? "open" : "closed"}`;
    state.textContent = p.open_now ? texts.open : texts.closed;
    document.getElementById("status-label").textContent = texts.statuses[p.status] || p.status;
    const phone = document.getElementById("phone-link");
    if (phone && p.phone) { phone.textContent = p.phone; phone.href = `tel:${p.phone}`; }
    const list = document.querySelector(".amenity-list");
    list.replaceChildren(...p.amenities.map((amenity) => {
      const item = element("li");
      item.dataset.amenity = amenity.code;
      item.append(element("strong", null, amenity.name), " · ",
                  element("span", "amenity-status", texts.amenity_statuses[amenity.status] || amenity.status));
      if (amenity.details) item.append(` · ${amenity.details}`);
      return item;
    }));
  }

  document.getElementById("station-status").addEventListener("submit", (event) => {
    event.preventDefault();
    send("PATCH", base, { status: event.target.status.value }, event.target.querySelector(".result"));
  });

  document.getElementById("station-details").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const seats = form.seats.value.trim();
    send("PATCH", base, { phone: form.phone.value.trim(), seats: seats === "" ? null : Number(seats),
                          notes: form.notes.value }, form.querySelector(".result"));
  });

  // Amenities: change, remove, add.
  const addForm = document.getElementById("add-amenity");
  function amenityForm(form) {
    const code = form.dataset.amenity;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send("PATCH", `${base}amenities/${code}/`, { status: form.status.value, details: form.details.value },
           form.querySelector(".result"));
    });
    form.querySelector(".remove-amenity").addEventListener("click", async () => {
      const name = form.querySelector("strong").textContent;
      if (await send("DELETE", `${base}amenities/${code}/`, undefined, message, texts.removed)) {
        form.remove();
        const option = element("option", null, name);
        option.value = code;
        addForm.amenity.append(option);
        addForm.hidden = false;
      }
    });
  }
  for (const form of document.querySelectorAll(".amenity-form")) amenityForm(form);

  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = addForm.amenity.selectedOptions[0];
    if (!chosen) return;
    const body = { amenity: chosen.value, status: addForm.status.value, details: addForm.details.value };
    if (!(await send("POST", `${base}amenities/`, body, addForm.querySelector(".result")))) return;
    const form = document.getElementById("amenity-row").content.firstElementChild.cloneNode(true);
    form.dataset.amenity = chosen.value;
    form.querySelector("strong").textContent = chosen.textContent;
    form.status.value = addForm.status.value;
    form.details.value = addForm.details.value;
    form.querySelector(".remove-amenity").setAttribute("aria-label", texts.remove.replace("%(name)s", chosen.textContent));
    document.getElementById("amenity-forms").append(form);
    amenityForm(form);
    chosen.remove();
    addForm.details.value = "";
    addForm.hidden = addForm.amenity.options.length === 0;
  });

  // Opening hours: a week grid (a line per weekday with its periods; none: closed) and rows of
  // dated exceptions, sent whole.
  const hours = document.getElementById("hours");
  function addRow(template, container) {
    const row = document.getElementById(template).content.firstElementChild.cloneNode(true);
    container.append(row);
    return row;
  }

  // A period on a weekday's line (09:00–18:00 unless given). Like any row, it is saved with
  // "Save the hours".
  function weeklyRow(weekday, opens = "09:00", closes = "18:00", overnight = false) {
    const day = hours.querySelector(`#weekly .day[data-weekday="${weekday}"]`);
    const row = addRow("weekly-row", day.querySelector(".day-periods"));
    const name = day.querySelector(".day-name").textContent;
    row.querySelector("[name=weekday]").value = String(weekday);
    for (const input of row.querySelectorAll("input[type=time]")) {
      input.setAttribute("aria-label", `${name} ${input.getAttribute("aria-label")}`);
    }
    row.querySelector("[name=opens]").value = opens;
    row.querySelector("[name=closes]").value = closes;
    row.querySelector("[name=overnight]").checked = overnight;
    return row;
  }
  for (const button of hours.querySelectorAll(".add-to-day")) {
    button.addEventListener("click", () => {
      weeklyRow(Number(button.closest(".day").dataset.weekday)).querySelector("[name=opens]").focus();
    });
  }
  // The week at once: Monday's periods for every weekday, or round the clock every day.
  function weeklyRows() {
    return [...hours.querySelectorAll("#weekly .period")].map((row) => ({
      row,
      weekday: Number(row.querySelector("[name=weekday]").value),
      opens: row.querySelector("[name=opens]").value,
      closes: row.querySelector("[name=closes]").value,
      overnight: row.querySelector("[name=overnight]").checked,
    }));
  }
  document.getElementById("copy-monday").addEventListener("click", () => {
    const rows = weeklyRows();
    const monday = rows.filter((period) => period.weekday === 0);
    for (const period of rows) if (period.weekday >= 1 && period.weekday <= 4) period.row.remove();
    for (let weekday = 1; weekday <= 4; weekday += 1) {
      for (const period of monday) weeklyRow(weekday, period.opens, period.closes, period.overnight);
    }
  });
  document.getElementById("all-day").addEventListener("click", () => {
    for (const period of weeklyRows()) period.row.remove();
    for (let weekday = 0; weekday <= 6; weekday += 1) weeklyRow(weekday, "00:00", "00:00", false);
  });
  document.getElementById("add-exception").addEventListener("click", () => {
    addRow("exception-row", document.getElementById("exceptions"));
  });
  hours.addEventListener("click", (event) => {
    if (event.target.classList.contains("remove")) event.target.closest(".period").remove();
  });
  let sentRules = [];
  // The API's refusal of the hours, row by row (its errors are named by path, as
  // "opening_hours.weekly[1].closes"): each faulty row is marked and says why beside itself.
  // True when every reason found its row.
  function markRows(payload) {
    let all = true;
    let any = false;
    for (const [name, messages] of Object.entries((payload && payload.errors) || {})) {
      const match = /^opening_hours\.(weekly|exceptions|during_warnings)\[(\d+)\]/.exec(name);
      const rows = match && (match[1] === "during_warnings"
        ? sentRules : hours.querySelectorAll(`#${match[1]} .period`));
      const row = match && rows[Number(match[2])];
      if (!row) { all = false; continue; }
      row.setAttribute("aria-invalid", "true");
      row.append(element("span", "row-error", messages.join(" ")));
      any = true;
    }
    return any && all;
  }

  hours.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const mark of hours.querySelectorAll(".row-error")) mark.remove();
    for (const row of hours.querySelectorAll("[aria-invalid]")) row.removeAttribute("aria-invalid");
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
    // A warning's rule is sent when it says something (times or services); the rows sent are
    // kept so that a refusal lands on the right one.
    sentRules = [...hours.querySelectorAll("#during_warnings .period")].filter((row) =>
      ["opens", "closes", "services"].some((name) => value(row, name).value.trim()));
    const during_warnings = sentRules.map((row) => {
      const item = { warning: row.dataset.warning, services: value(row, "services").value.trim() };
      if (value(row, "opens").value || value(row, "closes").value) {
        item.opens = value(row, "opens").value || null;
        item.closes = value(row, "closes").value || null;
        item.overnight = value(row, "overnight").checked;
      }
      return item;
    });
    await send("PATCH", base, { opening_hours: { weekly, exceptions, during_warnings } },
               hours.querySelector(":scope > .result"), texts.saved, markRows);
  });

  document.getElementById("verify").addEventListener("click", () => send("POST", `${base}verify/`, undefined, message));
  section.dataset.ready = "true";  // every form answers from here on
})();
