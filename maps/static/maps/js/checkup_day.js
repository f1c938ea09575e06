// An organiser's check-up day: the attendee list from the organisers' API; check-in at the van
// by reference (and the phone's last four digits when given), no-shows, undo. The counts and
// the list are read again after each change and every 30 seconds, so the waiting list is seen
// to move when a worker cancels.
(function () {
  "use strict";
  const day = JSON.parse(document.getElementById("checkup-day").textContent);
  const texts = day.texts;
  const { element, request, reasons, language } = window.yizhan;
  const csrf = document.querySelector("#check-in [name=csrfmiddlewaretoken]").value;
  const list = document.getElementById("attendees");
  const filter = document.getElementById("attendee-filter");
  const form = document.getElementById("check-in-form");
  const formResult = document.getElementById("check-in-result");
  const timeFormat = new Intl.DateTimeFormat(language, {
    month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false,
    timeZone: "Asia/Shanghai",
  });
  const DONE = { came: texts.checked_in, did_not_come: texts.marked, not_recorded: texts.undone };
  let rows = day.attendees;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (whole, name) => values[name]);
  }

  function say(node, text, kind) {
    node.textContent = text;
    node.className = `result ${kind}`;
  }

  function showCounts(counts) {
    for (const node of document.querySelectorAll("[data-count]")) {
      node.textContent = counts[node.dataset.count];
    }
  }

  // Send one attendance; resolves to the message to show and its kind.
  async function record(reference, attendance, phoneLast4) {
    let answer;
    try {
      answer = await request(day.attendance, {
        method: "POST", offline: texts.offline, headers: { "X-CSRFToken": csrf },
        body: { reference, attendance, phone_last4: phoneLast4 || "" },
      });
    } catch (offline) {
      return [offline.message, "error"];
    }
    if (!answer.response.ok) return [`${texts.failed} ${reasons(answer.body)}`.trim(), "error"];
    await refresh();
    return [fill(DONE[attendance], { reference: answer.body.reference }), "saved"];
  }

  function rowOf(reference) {
    return list.querySelector(`li[data-reference="${CSS.escape(reference)}"]`);
  }

  function actionButton(row, label, attendance, className) {
    const button = element("button", className, label);
    button.type = "button";
    button.addEventListener("click", async () => {
      button.disabled = true;
      const [message, kind] = await record(row.reference, attendance);
      const shown = rowOf(row.reference) || formResult;  // the row, drawn again
      say(shown.querySelector(".result") || shown, message, kind);
      button.disabled = false;
    });
    return button;
  }

  function item(row) {
    const li = element("li", `station attendee ${row.status}`);
    li.dataset.reference = row.reference;
    li.dataset.phone = row.phone;
    const head = element("div", "station-head");
    head.append(element("strong", "reference", row.reference),
                element("span", "phone", row.phone),
                element("span", `status ${row.status}`, row.status_text));
    const details = [fill(texts.booked_at, { time: timeFormat.format(new Date(row.booked_at)) })];
    if (row.waiting_position) details.push(fill(texts.position, { position: row.waiting_position }));
    li.append(head, element("div", "hint", details.join(" · ")));
    const actions = element("div", "actions");
    if (row.status === "booked") {
      actions.append(actionButton(row, texts.check_in, "came", "book"),
                     actionButton(row, texts.did_not_come, "did_not_come", "button"));
    } else if (row.status === "attended" || row.status === "no_show") {
      actions.append(actionButton(row, texts.undo, "not_recorded", "button"));
    }
    if (actions.children.length) li.append(actions);
    const result = element("p", "result");
    result.setAttribute("role", "status");
    li.append(result);
    return li;
  }

  function matches(row, query) {
    if (!query) return true;
    return row.reference.includes(query.toUpperCase()) || (/^\d+$/.test(query) && row.phone.endsWith(query));
  }

  function draw() {
    const query = filter.value.trim();
    const shown = rows.filter((row) => matches(row, query));
    list.replaceChildren(...shown.map(item));
    if (!shown.length) list.append(element("li", "hint", rows.length ? texts.no_match : texts.none));
  }

  async function refresh() {
    try {
      const answer = await request(day.api);
      if (!answer.response.ok || !answer.body) return;
      rows = answer.body.attendees;
      showCounts(answer.body.counts);
      draw();
    } catch (offline) { /* the next refresh tries again */ }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const [message, kind] = await record(form.reference.value.trim(), "came",
                                         form.phone_last4.value.trim());
    say(formResult, message, kind);
    if (kind === "saved") form.reset();
    form.reference.focus();
  });
  filter.addEventListener("input", draw);
  showCounts(day.counts);
  draw();
  setInterval(() => { if (document.visibilityState === "visible") refresh(); }, 30000);
})();
