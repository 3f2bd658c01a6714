// Reads iCalendar files with ical.js (npm) and prints what it understood as JSON.
//
// Used by tests/calendar.rs beside check.py: the second independent reader. Times are converted
// to UTC through the file's own VTIMEZONE. ICALJS names the package's CommonJS build. Exits 1 on
// any error.
"use strict";
const fs = require("fs");
const ICAL = require(process.env.ICALJS);

function address(v) {
  const s = String(v);
  return (s.toLowerCase().startsWith("mailto:") ? s.slice(7) : s).toLowerCase();
}

function param(prop, name) {
  const v = prop.getParameter(name);
  return v === undefined || v === null ? null : String(v);
}

function utc(event, name, zones) {
  const prop = event.getFirstProperty(name);
  if (!prop) return null;
  const time = prop.getFirstValue();
  const tzid = prop.getParameter("tzid");
  if (tzid) {
    if (!zones[tzid]) throw new Error(`${name} names TZID ${tzid}, which no VTIMEZONE defines`);
    time.zone = zones[tzid];
  }
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString().replace(/\.\d+/, "").replace(/Z?$/, "Z");
}

function read(path) {
  const cal = new ICAL.Component(ICAL.parse(fs.readFileSync(path, "utf8")));
  if (cal.name !== "vcalendar") throw new Error(`not a VCALENDAR but ${cal.name}`);
  const zones = {};
  for (const vtz of cal.getAllSubcomponents("vtimezone")) {
    const tz = new ICAL.Timezone(vtz);
    zones[tz.tzid] = tz;
  }
  const events = cal.getAllSubcomponents("vevent").map((ev) => {
    const organizer = ev.getFirstProperty("organizer");
    const text = (n) => {
      const v = ev.getFirstPropertyValue(n);
      return v === null || v === undefined ? null : String(v);
    };
    return {
      uid: text("uid"),
      sequence: Number(ev.getFirstPropertyValue("sequence") || 0),
      status: text("status"),
      summary: text("summary"),
      location: text("location"),
      start: utc(ev, "dtstart", zones),
      end: utc(ev, "dtend", zones),
      organizer: organizer ? address(organizer.getFirstValue()) : null,
      attendees: ev.getAllProperties("attendee").map((a) => ({
        address: address(a.getFirstValue()),
        partstat: param(a, "partstat"),
        rsvp: param(a, "rsvp"),
      })),
    };
  });
  const top = (n) => {
    const v = cal.getFirstPropertyValue(n);
    return v === null || v === undefined ? null : String(v);
  };
  return {
    method: top("method"),
    prodid: top("prodid"),
    version: top("version"),
    timezones: Object.keys(zones).sort(),
    events,
  };
}

const out = {};
for (const path of process.argv.slice(2)) {
  try {
    out[path] = read(path);
  } catch (e) {
    process.stderr.write(`${path}: ${e.stack || e}\n`);
    process.exit(1);
  }
}
process.stdout.write(JSON.stringify(out, null, 1));
