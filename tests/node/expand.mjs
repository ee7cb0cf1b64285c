// Reads an iCalendar file with Mozilla's ical.js and prints its occurrences as JSON.
//
//   node expand.mjs FILE [MAX_OCCURRENCES]
//
// Only the VTIMEZONEs inside the file are used (nothing is registered globally), so a TZID
// without its VTIMEZONE shows up as a "floating" zone: the Python tests treat that as a
// failure of the feed. Timed values are printed as UTC epoch seconds, dates as YYYY-MM-DD.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [, , path, maxArg] = process.argv;
const max = Number(maxArg ?? 100000);
const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));

function value(time) {
  if (time.isDate) return { date: time.toString() };
  return { utc: time.toUnixTime(), zone: time.zone ? time.zone.tzid : null };
}

const events = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const common = {
    uid: event.uid,
    summary: event.summary,
    status: vevent.getFirstPropertyValue("status"),
    transp: vevent.getFirstPropertyValue("transp"),
    sequence: vevent.getFirstPropertyValue("sequence"),
    dtstamp: vevent.getFirstPropertyValue("dtstamp")?.toUnixTime() ?? null,
  };
  if (event.isRecurring()) {
    const iterator = event.iterator();
    let next;
    let count = 0;
    while ((next = iterator.next()) && count < max) {
      const details = event.getOccurrenceDetails(next);
      events.push({ ...common, start: value(details.startDate), end: value(details.endDate) });
      count += 1;
    }
  } else {
    events.push({ ...common, start: value(event.startDate), end: value(event.endDate) });
  }
}
const calendar = {
  method: root.getFirstPropertyValue("method"),
  prodid: root.getFirstPropertyValue("prodid"),
  version: root.getFirstPropertyValue("version"),
  name: root.getFirstPropertyValue("name") ?? root.getFirstPropertyValue("x-wr-calname"),
  timezones: root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
};
process.stdout.write(JSON.stringify({ calendar, events }));
