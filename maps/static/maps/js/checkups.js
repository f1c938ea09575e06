// Check-ups as a worker meets them on the worker map and a station's page: when (in the page's
// language, Beijing time), where, who may come, places left; book with a phone number (or join
// the waiting list of a full one) and cancel, look a booking up by its reference, add one to the
// calendar, subscribe to those nearby. Everything through the public API.
window.yizhanCheckups = (function () {
  "use strict";
  const { element, distance, language } = window.yizhan;
  const ZONE = "Asia/Shanghai";
  const dayFormat = new Intl.DateTimeFormat(language, {
    year: "numeric", month: "long", day: "numeric", weekday: "short", timeZone: ZONE,
  });
  const timeFormat = new Intl.DateTimeFormat(language, {
    hour: "2-digit", minute: "2-digit", hour12: false, timeZone: ZONE,
  });

  function when(p) {
    const starts = new Date(p.starts_at);
    const ends = new Date(p.ends_at);
    return `${dayFormat.format(starts)} ${timeFormat.format(starts)}–${timeFormat.format(ends)}`;
  }

  const english = language.startsWith("en");

  // Where: the station's name (in English on English pages, when it has one), else the address.
  function place(p) {
    if (!p.station) return p.address;
    return english && p.station.name_en ? p.station.name_en : p.station.name;
  }

  function whoMayCome(p, options) {
    const { texts, occupations } = options;
    const who = p.who_may_come;
    const parts = [];
    if (who.union_members_only) parts.push(texts.members_only);
    if (who.women_only) parts.push(texts.women_only);
    if (who.occupations.length) {
      const names = who.occupations.map((code) => occupations[code] || code);
      parts.push(`${texts.occupations}${names.join(texts.list_separator)}`);
    }
    if (who.note) parts.push(who.note);
    return parts.length ? parts.join(" · ") : texts.everyone;
  }

  async function send(url, method, body, texts) {
    const answer = await window.yizhan.request(url, { method, body, offline: texts.offline });
    if (!answer.response.ok || answer.body === null) {
      const refusal = new Error(window.yizhan.reasons(answer.body) || texts.failed);
      refusal.body = answer.body;
      throw refusal;
    }
    return answer.body;
  }

  function say(node, text, kind) {
    node.textContent = text;
    node.className = `result ${kind}`;
  }

  function field(label, name, type, autocomplete) {
    const wrapper = element("label", null, label);
    const input = element("input");
    Object.assign(input, { name, type, required: true, autocomplete });
    if (type === "tel") input.inputMode = "tel";
    wrapper.append(input);
    return wrapper;
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (whole, name) => values[name]);
  }

  function bookedText(booking, texts) {
    const said = booking.status === "waiting" ? texts.waiting : texts.booked;
    const lines = [fill(said, booking)];
    if (booking.note) lines.push(booking.note);
    return lines.join(" ");
  }

  function cancelUrl(p, reference) {
    return `${p.bookings}${encodeURIComponent(reference)}/`;
  }

  // ``places`` says whether there are places left (else the form joins the waiting list).
  function bookingForm(p, result, texts, adjust, places) {
    const form = element("form", "booking");
    form.hidden = true;
    form.append(field(texts.phone, "phone", "tel", "tel"),
                element("button", null, texts.confirm));
    form.querySelector("button").type = "submit";
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const phone = form.phone.value.trim();
      say(result, texts.sending, "pending");
      try {
        const booking = await send(p.bookings, "POST", { phone, waiting_list: !places() }, texts);
        const waiting = booking.status === "waiting";
        form.hidden = true;
        if (!waiting) adjust(-1);
        say(result, bookedText(booking, texts), "saved");
        const undo = element("button", "cancel-booking",
                             waiting ? texts.leave_waiting_list : texts.cancel_this);
        undo.type = "button";
        undo.addEventListener("click", async () => {
          try {
            const cancelled = await send(cancelUrl(p, booking.reference), "DELETE", { phone }, texts);
            undo.remove();
            if (!cancelled.waiting_list) adjust(1);
            say(result, cancelled.waiting_list ? texts.left : texts.cancelled, "saved");
          } catch (failure) { say(result, failure.message || texts.failed, "error"); }
        });
        result.after(undo);
      } catch (failure) {
        if (failure.body && failure.body.waiting_list) adjust(-Infinity);  // full meanwhile
        say(result, failure.message || texts.failed, "error");
      }
    });
    return form;
  }

  // What a booking looked up by its reference is now: booked, its place in the waiting list…
  function statusText(booking, texts) {
    const parts = [`${booking.reference}: ${booking.status_text}`];
    if (booking.waiting_position) parts.push(fill(texts.position, booking));
    return parts.join(texts.list_separator);
  }

  function cancelForm(p, result, texts, adjust) {
    const details = element("details", "cancel-existing");
    details.append(element("summary", null, texts.cancel_existing));
    const form = element("form");
    const check = element("button", "check-booking", texts.check);
    check.type = "button";
    const submit = element("button", null, texts.cancel);
    submit.type = "submit";
    const phone = field(texts.phone, "phone", "tel", "tel");
    phone.querySelector("input").required = false;  // looking up needs only the reference
    form.append(field(texts.reference, "reference", "text", "off"), phone, check, submit);
    check.addEventListener("click", async () => {
      if (!form.reference.reportValidity()) return;
      try {
        const booking = await send(cancelUrl(p, form.reference.value.trim()), "GET", undefined, texts);
        say(result, statusText(booking, texts), "saved");
      } catch (failure) { say(result, failure.message || texts.failed, "error"); }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!form.phone.value.trim()) {
        form.phone.setCustomValidity(texts.phone_needed);
        form.phone.reportValidity();
        form.phone.setCustomValidity("");
        return;
      }
      try {
        const cancelled = await send(cancelUrl(p, form.reference.value.trim()), "DELETE",
                                     { phone: form.phone.value.trim() }, texts);
        if (!cancelled.waiting_list) adjust(1);
        say(result, texts.cancelled, "saved");
        details.open = false;
      } catch (failure) { say(result, failure.message || texts.failed, "error"); }
    });
    details.append(form);
    return details;
  }

  function item(feature, options) {
    const { texts } = options;
    const p = feature.properties;
    const li = element("li", "station checkup");
    li.dataset.event = p.id;
    const head = element("div", "station-head");
    const title = element("strong", null, p.kind.name);
    if (p.is_synthetic) title.append(window.yizhan.demoBadge());
    head.append(title);
    if (p.distance_m !== undefined) head.append(element("span", "distance", distance(p.distance_m)));
    const places = element("div", "places");
    li.append(head,
              element("div", "when", when(p)),
              element("div", "hint", place(p)),
              element("div", "who", whoMayCome(p, options)),
              places);
    const result = element("p", "result");
    result.setAttribute("role", "status");
    const book = element("button", "book", texts.book);
    let left = p.places_left;
    function adjust(change) {  // a booking made or cancelled here (-Infinity: found full)
      left = Math.max(left + change, 0);
      places.textContent = left > 0 ? texts.places_left.replace("%(count)s", left) : texts.full;
      places.classList.toggle("full", left <= 0);
      book.textContent = left > 0 ? texts.book : texts.join_waiting_list;
    }
    adjust(0);
    const form = bookingForm(p, result, texts, adjust, () => left > 0);
    const actions = element("div", "actions");
    book.type = "button";
    book.setAttribute("aria-expanded", "false");
    book.addEventListener("click", () => {
      form.hidden = !form.hidden;
      book.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) form.phone.focus();
    });
    const calendar = element("a", "button calendar", texts.add_to_calendar);
    calendar.href = p.calendar;
    calendar.download = `checkup-${p.id}.ics`;
    actions.append(book, calendar);
    li.append(actions, form, result, cancelForm(p, result, texts, adjust));
    return li;
  }

  // Replace the list's items with these check-ups (an empty list says so).
  function render(list, features, options) {
    list.replaceChildren(...features.map((feature) => item(feature, options)));
    if (!features.length) list.append(element("li", "hint", options.texts.none_planned));
  }

  // The calendar feed of the check-ups near a point (subscribe in a calendar app).
  function feedUrl(lat, lon) {
    return `/api/v1/checkups/upcoming.ics?${new URLSearchParams({ lat, lon })}`;
  }

  // A station's page carries its check-ups in the page.
  const embedded = document.getElementById("station-checkups");
  if (embedded) {
    const data = JSON.parse(embedded.textContent);
    render(document.getElementById("checkups"), data.features, data);
  }

  return { render, feedUrl };
})();
