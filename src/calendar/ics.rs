//! iCalendar objects for iMIP (RFC 5545, 5546, 6047): a meeting request or cancellation for one
//! attendee, with the meeting's time zone written out (VTIMEZONE) so every client shows the same
//! local time. Pure and deterministic: the same input gives the same bytes.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetName, Tz};
use icalendar::{Attendee, CalendarDateTime, Component, EventLike, EventStatus, PartStat, Property, Role};

use crate::config::Slot;

/// What the object asks of its receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Come to the meeting (a new invitation, or an update when the sequence is higher).
    Request,
    /// The meeting, or the receiver's place in it, is cancelled.
    Cancel,
}

impl Method {
    /// As in `METHOD:` and the MIME type's `method=` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// A person in a calendar object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub name: Option<String>,
    pub email: String,
}

/// One calendar object for one attendee.
#[derive(Debug, Clone)]
pub struct Invite {
    pub method: Method,
    /// Stable per meeting: `ogp5-kickoff@kdd.dep.no`.
    pub uid: String,
    /// Grows with every change of time or place (RFC 5545 3.8.7.4).
    pub sequence: u32,
    /// When the object was made (DTSTAMP).
    pub stamp: DateTime<Utc>,
    pub slot: Slot,
    pub tz: Tz,
    pub summary: String,
    pub location: Option<String>,
    pub description: String,
    pub organizer: Party,
    pub attendee: Party,
}

const PRODID: &str = concat!("-//samskap//samskap ", env!("CARGO_PKG_VERSION"), "//NO");

/// The iCalendar text of `invite`, lines ending in CRLF.
pub fn render(invite: &Invite) -> String {
    let mut event = icalendar::Event::new();
    event
        .uid(&invite.uid)
        .sequence(invite.sequence)
        .timestamp(invite.stamp)
        .starts(local(invite.slot.start, invite.tz))
        .ends(local(invite.slot.end, invite.tz))
        .summary(&invite.summary)
        .description(&invite.description)
        .status(match invite.method {
            Method::Request => EventStatus::Confirmed,
            Method::Cancel => EventStatus::Cancelled,
        })
        .append_property(party("ORGANIZER", &invite.organizer))
        .attendee(
            Attendee::new(format!("mailto:{}", invite.attendee.email))
                .role(Role::ReqParticipant)
                .partstat(PartStat::NeedsAction)
                .rsvp(invite.method == Method::Request)
                .cn(clean_name(
                    invite.attendee.name.as_deref().unwrap_or(&invite.attendee.email),
                )),
        );
    if let Some(location) = &invite.location {
        event.location(location);
    }
    // Outlook shows a meeting as busy only when told.
    event.add_property("TRANSP", "OPAQUE");
    let mut calendar = icalendar::Calendar::empty();
    for (name, value) in [
        ("PRODID", PRODID),
        ("VERSION", "2.0"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", invite.method.as_str()),
    ] {
        calendar.append_property(Property::new(name, value));
    }
    calendar.push(event.done());
    let text = calendar.to_string();
    // The time zone goes before the event; the crate has no VTIMEZONE of its own.
    let at = text.find("BEGIN:VEVENT").unwrap_or(text.len());
    format!(
        "{}{}{}",
        &text[..at],
        vtimezone(invite.tz, invite.slot),
        &text[at..]
    )
}

fn local(t: DateTime<Utc>, tz: Tz) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: t.with_timezone(&tz).naive_local(),
        tzid: tz.name().to_string(),
    }
}

fn party(key: &str, p: &Party) -> Property {
    let mut property = Property::new(key, format!("mailto:{}", p.email));
    if let Some(name) = &p.name {
        property.add_parameter("CN", &clean_name(name));
    }
    property.done()
}

/// A name as a parameter value: no double quotes or line breaks, which cannot be escaped there.
fn clean_name(name: &str) -> String {
    name.chars()
        .map(|c| if c == '"' || c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A change of UTC offset: when it happens, and the offsets and name around it.
struct Transition {
    at: DateTime<Utc>,
    from: i32,
    to: i32,
    name: String,
}

fn offset_at(tz: Tz, t: DateTime<Utc>) -> (i32, String) {
    let offset = tz.offset_from_utc_datetime(&t.naive_utc());
    let name = offset.abbreviation().map(str::to_string).unwrap_or_default();
    (offset.fix().local_minus_utc(), name)
}

/// The offset changes of `tz` from the year before the meeting to the year after: enough for any
/// client to place the meeting, without relying on rules that may change.
fn transitions(tz: Tz, slot: Slot) -> Vec<Transition> {
    let year = slot.start.year();
    let start = Utc.from_utc_datetime(
        &NaiveDate::from_ymd_opt(year - 1, 1, 1)
            .unwrap_or_default()
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default(),
    );
    let end = start + Duration::days(3 * 366);
    let mut out = Vec::new();
    let mut day = start;
    let (mut offset, _) = offset_at(tz, day);
    while day < end {
        let next = day + Duration::days(1);
        let (next_offset, _) = offset_at(tz, next);
        if next_offset != offset {
            // Find the second of the change within the day.
            let (mut lo, mut hi) = (day, next);
            while hi - lo > Duration::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid).0 == offset {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let (to, name) = offset_at(tz, hi);
            out.push(Transition {
                at: hi,
                from: offset,
                to,
                name,
            });
            offset = next_offset;
        }
        day = next;
    }
    out
}

fn utc_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    format!("{sign}{:02}{:02}", minutes / 60, minutes % 60)
}

fn local_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// The VTIMEZONE of `tz` around `slot`: each offset change as its own observance (STANDARD when
/// the offset goes back, DAYLIGHT when it goes forward), or one STANDARD for a zone without.
pub fn vtimezone(tz: Tz, slot: Slot) -> String {
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", tz.name());
    let changes = transitions(tz, slot);
    if changes.is_empty() {
        let (offset, name) = offset_at(tz, slot.start);
        out.push_str(&format!(
            "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:{o}\r\nTZOFFSETTO:{o}\r\nTZNAME:{name}\r\nEND:STANDARD\r\n",
            o = utc_offset(offset)
        ));
    }
    for change in changes {
        let kind = if change.to > change.from {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // The onset in the local time that was in force until then.
        let onset = change.at.naive_utc() + Duration::seconds(i64::from(change.from));
        out.push_str(&format!(
            "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\nTZNAME:{}\r\nEND:{kind}\r\n",
            local_stamp(onset),
            utc_offset(change.from),
            utc_offset(change.to),
            change.name
        ));
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn invite(method: Method, sequence: u32) -> Invite {
        Invite {
            method,
            uid: "ogp5-kickoff@kdd.dep.no".into(),
            sequence,
            stamp: t("2022-06-18T10:00:00Z"),
            slot: Slot {
                start: t("2022-06-23T07:00:00Z"),
                end: t("2022-06-23T10:00:00Z"),
            },
            tz: chrono_tz::Europe::Oslo,
            summary: "Samskapingsmøte om handlingsplan 5".into(),
            location: Some("Akersgata 59, Oslo; rom 1".into()),
            description: "Velkommen.\nAgenda følger.".into(),
            organizer: Party {
                name: Some("Tom Arne Nygaard".into()),
                email: "tom-arne.nygaard@kdd.dep.no".into(),
            },
            attendee: Party {
                name: Some("Kari \"K\" Nordmann".into()),
                email: "kari.nordmann@kld.dep.no".into(),
            },
        }
    }

    fn unfolded(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn a_request_has_what_outlook_needs_to_show_accept_and_decline() {
        let text = unfolded(&render(&invite(Method::Request, 0)));
        for line in [
            "METHOD:REQUEST",
            "UID:ogp5-kickoff@kdd.dep.no",
            "SEQUENCE:0",
            "DTSTAMP:20220618T100000Z",
            "DTSTART;TZID=Europe/Oslo:20220623T090000",
            "DTEND;TZID=Europe/Oslo:20220623T120000",
            "ORGANIZER;CN=Tom Arne Nygaard:mailto:tom-arne.nygaard@kdd.dep.no",
            "STATUS:CONFIRMED",
            "LOCATION:Akersgata 59\\, Oslo\\; rom 1",
            "DESCRIPTION:Velkommen.\\nAgenda følger.",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
        }
        let attendee = text.lines().find(|l| l.starts_with("ATTENDEE")).unwrap();
        for part in [
            "RSVP=TRUE",
            "PARTSTAT=NEEDS-ACTION",
            "ROLE=REQ-PARTICIPANT",
            "CN=Kari  K  Nordmann",
            "mailto:kari.nordmann@kld.dep.no",
        ] {
            assert!(attendee.contains(part), "{attendee}");
        }
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.lines().all(|l| !l.is_empty()));
    }

    #[test]
    fn the_time_zone_is_written_out_with_summer_and_winter_time() {
        let text = render(&invite(Method::Request, 0));
        let tz = &text[text.find("BEGIN:VTIMEZONE").unwrap()..text.find("END:VTIMEZONE").unwrap()];
        assert!(tz.contains("TZID:Europe/Oslo"));
        // Summer time began on 27 March 2022 at 02:00 and ended on 30 October at 03:00.
        assert!(tz.contains("BEGIN:DAYLIGHT\r\nDTSTART:20220327T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST"), "{tz}");
        assert!(tz.contains("BEGIN:STANDARD\r\nDTSTART:20221030T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET"), "{tz}");
        // Before the event.
        assert!(text.find("END:VTIMEZONE").unwrap() < text.find("BEGIN:VEVENT").unwrap());
        assert!(!tz.contains("DTSTAMP") && !tz.contains("UID"));
    }

    #[test]
    fn a_cancellation_says_so_and_asks_no_answer() {
        let text = unfolded(&render(&invite(Method::Cancel, 2)));
        assert!(text.contains("METHOD:CANCEL\r\n"));
        assert!(text.contains("STATUS:CANCELLED\r\n"));
        assert!(text.contains("SEQUENCE:2\r\n"));
        assert!(text.contains("RSVP=FALSE"));
    }

    #[test]
    fn the_same_invite_gives_the_same_bytes() {
        assert_eq!(
            render(&invite(Method::Request, 1)),
            render(&invite(Method::Request, 1))
        );
    }

    #[test]
    fn a_zone_without_summer_time_has_one_observance() {
        let tz = vtimezone(chrono_tz::UTC, invite(Method::Request, 0).slot);
        assert_eq!(tz.matches("BEGIN:STANDARD").count(), 1);
        assert!(!tz.contains("DAYLIGHT"));
    }
}
