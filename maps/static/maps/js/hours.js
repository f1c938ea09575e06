// Open at a moment, from a station's opening hours as the API gives them: the same rules as
// the server's (stations/opening_hours.py), for when the page has no network. Beijing time;
// a dated exception replaces that day's weekly hours (a warning-day rule adds to them); a
// period whose closing time is not after its opening runs into the next day (00:00–00:00 is
// the whole day).
window.yizhanHours = (function () {
  "use strict";
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", weekday: "short",
  });
  const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

  function local(moment) {
    const found = Object.fromEntries(parts.formatToParts(moment).map((p) => [p.type, p.value]));
    return {
      date: `${found.year}-${found.month}-${found.day}`,
      weekday: WEEKDAYS.indexOf(found.weekday),
      minutes: Number(found.hour) * 60 + Number(found.minute),
    };
  }

  function minutes(text) {
    const [hours, mins] = text.split(":").map(Number);
    return hours * 60 + mins;
  }

  // The day's periods as [opens, closes, wraps] in minutes. On a date a heat or cold warning
  // puts the station on, its rule for that warning adds a period (not on a date closed all day).
  function periodsOn(hours, day) {
    const dated = hours.exceptions.filter((e) => e.date === day.date);
    if (dated.some((e) => e.closed)) return [];
    const periods = dated.length ? dated : hours.weekly.filter((p) => p.weekday === day.weekday);
    const warned = (hours.during_warnings || []).filter((r) => r.opens && r.dates.includes(day.date));
    return [...periods, ...warned].map((p) => [minutes(p.opens), minutes(p.closes), minutes(p.closes) <= minutes(p.opens)]);
  }

  function isOpenAt(hours, moment) {
    if (hours.always_open) return true;
    const today = local(moment);
    const yesterday = local(new Date(moment.getTime() - 86400000));
    const t = today.minutes;
    if (periodsOn(hours, today).some(([opens, closes, wraps]) => opens <= t && (wraps || t < closes))) return true;
    return periodsOn(hours, yesterday).some(([, closes, wraps]) => wraps && t < closes);
  }

  return { isOpenAt };
})();
