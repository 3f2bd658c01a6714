"""Reads iCalendar files with Python's `icalendar` (PyPI) and prints what it understood as JSON.

Used by tests/calendar.rs: a second implementation that no one here wrote must read every object
samskap sends the same way. Times are converted to UTC through the file's own VTIMEZONE (not the
system's zone database), so a wrong VTIMEZONE shows as a wrong instant. Exits 1 on any error.
"""
import json
import sys
from datetime import timezone

import icalendar


def text(value):
    return None if value is None else str(value)


def address(value):
    v = str(value)
    return v[7:].lower() if v.lower().startswith("mailto:") else v.lower()


def utc(component, name, zones):
    prop = component.get(name)
    if prop is None:
        return None
    dt = prop.dt
    tzid = prop.params.get("TZID")
    if tzid is not None:
        if tzid not in zones:
            raise ValueError(f"{name} names TZID {tzid}, which no VTIMEZONE defines")
        dt = dt.replace(tzinfo=None).replace(tzinfo=zones[tzid])
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read(path):
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    problems = [f"{c.name}: {e}" for c in cal.walk() for e in getattr(c, "errors", [])]
    if problems:
        raise ValueError("; ".join(map(str, problems)))
    zones = {
        str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")
    }
    events = []
    for ev in cal.walk("VEVENT"):
        attendees = ev.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        organizer = ev.get("ORGANIZER")
        events.append(
            {
                "uid": text(ev.get("UID")),
                "sequence": int(ev.get("SEQUENCE", 0)),
                "status": text(ev.get("STATUS")),
                "summary": text(ev.get("SUMMARY")),
                "location": text(ev.get("LOCATION")),
                "start": utc(ev, "DTSTART", zones),
                "end": utc(ev, "DTEND", zones),
                "organizer": None if organizer is None else address(organizer),
                "attendees": [
                    {
                        "address": address(a),
                        "partstat": text(a.params.get("PARTSTAT")),
                        "rsvp": text(a.params.get("RSVP")),
                    }
                    for a in attendees
                ],
            }
        )
    return {
        "method": text(cal.get("METHOD")),
        "prodid": text(cal.get("PRODID")),
        "version": text(cal.get("VERSION")),
        "timezones": sorted(zones),
        "events": events,
    }


def main():
    out = {}
    for path in sys.argv[1:]:
        try:
            out[path] = read(path)
        except Exception as e:  # report which file, then fail
            print(f"{path}: {type(e).__name__}: {e}", file=sys.stderr)
            sys.exit(1)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)


main()
