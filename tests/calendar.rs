//! Calendar invitations as the attendees' calendars see them: the real binary puts them in the
//! Maildir outbox, and every `.ics` is read by two iCalendar implementations no one here wrote
//! (Python's `icalendar` from PyPI, `ical.js` from npm; `scripts/install-ical-checkers`), which
//! must agree with each other and with what the meeting is.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use mail_parser::MimeHeaders;
use serde_json::Value;
use support::*;

const COORDINATOR_ADDRESS: &str = "tom-arne.nygaard@kdd.dep.no";
const KICKOFF_UID: &str = "ogp5-kickoff@kdd.dep.no";

/// One calendar message from the outbox.
#[derive(Debug)]
struct Sent {
    to: String,
    /// The `method=` parameter of the text/calendar part.
    mime_method: String,
    /// The content types of the message's parts, in order.
    parts: Vec<String>,
    /// What both readers made of the object (they agree, or the test has failed already).
    read: Value,
}

fn checkers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ical-checkers")
}

/// Reads `files` with both implementations, asserts they agree, and returns what they read.
fn read_with_both(files: &[PathBuf]) -> Vec<Value> {
    let dir = checkers_dir();
    let python = dir.join("venv/bin/python");
    let icaljs = dir.join("node_modules/ical.js/dist/ical.es5.cjs");
    assert!(
        python.exists() && icaljs.exists(),
        "the iCalendar readers are missing: run scripts/install-ical-checkers (scripts/test does)"
    );
    let script = |name: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/ical-check")
            .join(name)
    };
    let run = |cmd: &mut Command| -> Value {
        let out = cmd.args(files).output().expect("cannot run an iCalendar reader");
        assert!(
            out.status.success(),
            "{cmd:?} could not read samskap's calendar objects:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let by_python = run(Command::new(&python).arg(script("check.py")));
    let by_icaljs = run(Command::new("node")
        .arg(script("check.cjs"))
        .env("ICALJS", &icaljs));
    files
        .iter()
        .map(|f| {
            let key = f.display().to_string();
            let (a, b) = (normalise(&by_python[&key]), normalise(&by_icaljs[&key]));
            assert_eq!(a, b, "the two readers disagree on {key}");
            a
        })
        .collect()
}

/// Parameter values are case-insensitive (RFC 5545 3.2): compare them in capitals.
fn normalise(v: &Value) -> Value {
    let mut v = v.clone();
    for event in v["events"].as_array_mut().into_iter().flatten() {
        for a in event["attendees"].as_array_mut().into_iter().flatten() {
            for key in ["partstat", "rsvp"] {
                if let Some(s) = a[key].as_str() {
                    a[key] = Value::from(s.to_uppercase());
                }
            }
        }
    }
    v
}

/// The calendar messages in the outbox, in no particular order, each object read by both readers.
fn calendar_messages(ws: &Workspace) -> Vec<Sent> {
    let dir = ws.dir.path().join("ics");
    std::fs::create_dir_all(&dir).unwrap();
    let mut found = Vec::new();
    for raw in ws.outbox_files() {
        let id = message_id(&raw);
        if !id.contains(".calendar.") {
            continue;
        }
        let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
        let to = message
            .to()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap()
            .to_string();
        let mut parts = Vec::new();
        let mut ics = None;
        let mut mime_method = String::new();
        for part in &message.parts {
            let Some(ct) = part.content_type() else { continue };
            let name = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or(""));
            if name == "text/calendar" {
                mime_method = ct.attribute("method").unwrap_or("").to_string();
                ics = Some(part.contents().to_vec());
            }
            parts.push(name);
        }
        let file: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{file}.ics"));
        std::fs::write(&path, ics.expect("a text/calendar part")).unwrap();
        found.push((to, mime_method, parts, path));
    }
    let files: Vec<PathBuf> = found.iter().map(|f| f.3.clone()).collect();
    let read = if files.is_empty() {
        Vec::new()
    } else {
        read_with_both(&files)
    };
    found
        .into_iter()
        .zip(read)
        .map(|((to, mime_method, parts, _), read)| Sent {
            to,
            mime_method,
            parts,
            read,
        })
        .collect()
}

/// The messages in `after` that are not in `before` (by recipient, method and sequence).
fn new_since<'a>(before: &[Sent], after: &'a [Sent]) -> Vec<&'a Sent> {
    let key = |s: &Sent| {
        (
            s.to.clone(),
            s.read["method"].clone().to_string(),
            s.read["events"][0]["sequence"].as_u64(),
        )
    };
    let old: Vec<_> = before.iter().map(key).collect();
    after.iter().filter(|s| !old.contains(&key(s))).collect()
}

fn recipients(sent: &[&Sent]) -> BTreeSet<String> {
    sent.iter().map(|s| s.to.clone()).collect()
}

fn ingest(ws: &Workspace, now: &str, files: &[PathBuf]) {
    let mut args = vec!["--now".to_string(), now.to_string(), "ingest".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ws.run(&args).expect(0);
}

fn send_calendar(ws: &Workspace, now: &str) -> Run {
    ws.run(&["--now", now, "send", "calendar"]).expect(0)
}

/// KLD registers Kari and Per, Redd Barna (forwarded by AID) two people without addresses, BFD
/// declines; then the calendar goes out.
fn after_registrations() -> Workspace {
    let ws = Workspace::ogp5().invitations_sent();
    ingest(
        &ws,
        "2022-06-18T17:00:00+02:00",
        &[
            reply_fixture("kld-outlook-registration.eml"),
            reply_fixture("ngo-forwarded-registration.eml"),
            reply_fixture("bfd-decline.eml"),
        ],
    );
    send_calendar(&ws, "2022-06-18T17:05:00+02:00");
    ws
}

fn the_event(sent: &Sent) -> &Value {
    let events = sent.read["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "one VEVENT per object: {:#}", sent.read);
    &events[0]
}

#[test]
fn each_registered_attendee_gets_a_request_that_both_readers_read_alike() {
    let ws = after_registrations();
    let sent = calendar_messages(&ws);
    let all: Vec<&Sent> = sent.iter().collect();
    // The named attendees themselves; Redd Barna named no addresses, so its sender; BFD declined
    // and the ministries that have not answered get nothing.
    assert_eq!(
        recipients(&all),
        BTreeSet::from([
            "kari.nordmann@kld.dep.no".to_string(),
            "per.olsen@kld.dep.no".to_string(),
            "ingrid@reddbarna.no".to_string(),
        ])
    );
    for s in &sent {
        // multipart/alternative: text, HTML, then the object Outlook shows Accept/Decline for.
        assert_eq!(
            s.parts,
            [
                "multipart/alternative",
                "text/plain",
                "text/html",
                "text/calendar"
            ],
            "{}",
            s.to
        );
        assert_eq!(s.mime_method, "REQUEST");
        assert_eq!(s.read["method"], "REQUEST");
        assert_eq!(s.read["version"], "2.0");
        assert_eq!(s.read["timezones"], serde_json::json!(["Europe/Oslo"]));
        let e = the_event(s);
        assert_eq!(e["uid"], KICKOFF_UID);
        assert_eq!(e["sequence"], 0);
        assert_eq!(e["status"], "CONFIRMED");
        // 09:00–12:00 in Oslo on 23 June is 07:00–10:00 UTC (summer time), through the VTIMEZONE.
        assert_eq!(e["start"], "2022-06-23T07:00:00Z");
        assert_eq!(e["end"], "2022-06-23T10:00:00Z");
        assert_eq!(e["organizer"], COORDINATOR_ADDRESS);
        assert!(e["location"].as_str().unwrap().contains("Akersgata 59"), "{e:#}");
        assert_eq!(
            e["attendees"],
            serde_json::json!([{"address": s.to, "partstat": "NEEDS-ACTION", "rsvp": "TRUE"}])
        );
    }
    let kari = sent.iter().find(|s| s.to.starts_with("kari")).unwrap();
    assert_eq!(the_event(kari)["summary"], "Samskapingsmøte om handlingsplan 5");
    // Nothing changed: a second run sends nothing.
    let run = send_calendar(&ws, "2022-06-18T18:00:00+02:00");
    assert!(run.stdout.contains("Calendar: 0 objects"), "{}", run.stdout);
    assert_eq!(calendar_messages(&ws).len(), sent.len());
}

#[test]
fn a_new_room_and_time_update_everyone_and_a_cancelled_meeting_is_cancelled() {
    let ws = after_registrations();
    let first = calendar_messages(&ws);
    // The meeting moves to another room, and into winter time.
    let moved = ogp5_toml()
        .replace(
            "start = \"2022-06-23T09:00\"\nend = \"2022-06-23T12:00\"",
            "start = \"2022-11-03T09:00\"\nend = \"2022-11-03T11:30\"",
        )
        .replace(
            "location.nb = \"Kommunal- og distriktsdepartementet, Akersgata 59, Oslo\"\nlocation.en = \"Ministry of Local Government and Regional Development, Akersgata 59, Oslo\"\n# How",
            "location.nb = \"Møterom Tinget, Akersgata 59, Oslo\"\nlocation.en = \"Room Tinget, Akersgata 59, Oslo\"\n# How",
        );
    assert_ne!(moved, ogp5_toml());
    assert!(moved.contains("Møterom Tinget") && moved.contains("2022-11-03T09:00"));
    ws.write_config(&moved);
    send_calendar(&ws, "2022-06-20T09:00:00+02:00");
    let second = calendar_messages(&ws);
    let updates = new_since(&first, &second);
    assert_eq!(
        recipients(&updates),
        recipients(&first.iter().collect::<Vec<_>>())
    );
    for s in &updates {
        assert_eq!(s.read["method"], "REQUEST");
        let e = the_event(s);
        assert_eq!(e["uid"], KICKOFF_UID, "an update keeps the UID");
        assert_eq!(e["sequence"], 1);
        // 09:00 in Oslo on 3 November is 08:00 UTC (standard time).
        assert_eq!(e["start"], "2022-11-03T08:00:00Z");
        assert_eq!(e["end"], "2022-11-03T10:30:00Z");
        assert!(e["location"].as_str().unwrap().starts_with("Møterom Tinget"));
    }
    // Redd Barna withdraws: only Ingrid's invitation is cancelled, at the current sequence.
    ingest(
        &ws,
        "2022-06-20T10:00:00+02:00",
        &[Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/calendar/reddbarna-withdraws.eml")],
    );
    send_calendar(&ws, "2022-06-20T10:05:00+02:00");
    let third = calendar_messages(&ws);
    let withdrawn = new_since(&second, &third);
    assert_eq!(withdrawn.len(), 1, "{withdrawn:#?}");
    assert_eq!(withdrawn[0].to, "ingrid@reddbarna.no");
    assert_eq!(withdrawn[0].mime_method, "CANCEL");
    assert_eq!(withdrawn[0].read["method"], "CANCEL");
    assert_eq!(the_event(withdrawn[0])["sequence"], 1);
    assert_eq!(the_event(withdrawn[0])["status"], "CANCELLED");
    // The meeting is called off: everyone still invited gets a CANCEL, with a higher SEQUENCE.
    ws.write_config(&moved.replace("id = \"kickoff\"\n", "id = \"kickoff\"\ncancelled = true\n"));
    send_calendar(&ws, "2022-06-21T09:00:00+02:00");
    let fourth = calendar_messages(&ws);
    let cancels = new_since(&third, &fourth);
    assert_eq!(
        recipients(&cancels),
        BTreeSet::from([
            "kari.nordmann@kld.dep.no".to_string(),
            "per.olsen@kld.dep.no".to_string()
        ])
    );
    for s in &cancels {
        assert_eq!(s.read["method"], "CANCEL");
        let e = the_event(s);
        assert_eq!(e["uid"], KICKOFF_UID);
        assert_eq!(e["sequence"], 2, "SEQUENCE only grows");
        assert_eq!(e["status"], "CANCELLED");
    }
    // And then nothing more.
    send_calendar(&ws, "2022-06-22T09:00:00+02:00");
    assert_eq!(calendar_messages(&ws).len(), fourth.len());
}

/// An Outlook-style calendar answer from `from` (name, address) to our REQUEST.
fn calendar_answer(from: (&str, &str), subject: &str, attendee_line: &str) -> String {
    let (name, address) = from;
    let domain = address.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    // With the verdict of KDD's MX, which the config trusts, as it reaches the mailbox.
    format!(
        "Authentication-Results: mx.kdd.dep.no; dkim=pass header.d={domain}; dmarc=pass header.from={domain}\r\n\
         From: {name} <{address}>\r\n\
         To: Nygaard Tom Arne <tom-arne.nygaard@kdd.dep.no>\r\n\
         Subject: {subject}\r\n\
         Date: Sun, 19 Jun 2022 10:00:00 +0200\r\n\
         Message-ID: <answer.{address}.{}@example.dep.no>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"_000_\"\r\n\
         \r\n\
         --_000_\r\n\
         Content-Type: text/plain; charset=\"utf-8\"\r\n\
         \r\n\
         \r\n\
         --_000_\r\n\
         Content-Type: text/calendar; charset=\"utf-8\"; method=REPLY\r\n\
         \r\n\
         BEGIN:VCALENDAR\r\n\
         METHOD:REPLY\r\n\
         PRODID:Microsoft Exchange Server 2010\r\n\
         VERSION:2.0\r\n\
         BEGIN:VEVENT\r\n\
         {attendee_line}\r\n\
         SUMMARY;LANGUAGE=nb-NO:{subject}\r\n\
         DTSTART;TZID=W. Europe Standard Time:20220623T090000\r\n\
         DTEND;TZID=W. Europe Standard Time:20220623T120000\r\n\
         UID:{KICKOFF_UID}\r\n\
         SEQUENCE:0\r\n\
         DTSTAMP:20220619T080000Z\r\n\
         END:VEVENT\r\n\
         END:VCALENDAR\r\n\
         \r\n\
         --_000_--\r\n",
        subject.len()
    )
}

fn kickoff_attendees(ws: &Workspace, org: &str) -> (String, BTreeSet<String>) {
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let o = status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == org)
        .cloned()
        .unwrap();
    let k = &o["events"]["kickoff"];
    (
        k["status"].as_str().unwrap_or("").to_string(),
        k["attendees"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["email"].as_str().map(str::to_string))
            .collect(),
    )
}

#[test]
fn calendar_answers_change_only_the_place_of_who_answers() {
    let ws = after_registrations();
    let before = calendar_messages(&ws);
    let answers = ws.dir.path().join("answers");
    std::fs::create_dir_all(&answers).unwrap();
    let write = |name: &str, text: String| {
        let path = answers.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let per_declines = write(
        "per.eml",
        calendar_answer(
            ("Per Olsen", "per.olsen@kld.dep.no"),
            "Avslått: Samskapingsmøte om handlingsplan 5",
            "ATTENDEE;PARTSTAT=DECLINED;CN=Per Olsen:mailto:per.olsen@kld.dep.no",
        ),
    );
    let ingrid_delegates = write(
        "ingrid.eml",
        calendar_answer(
            ("Ingrid Sol", "ingrid@reddbarna.no"),
            "Delegert: Samskapingsmøte om handlingsplan 5",
            "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:martin.lund@reddbarna.no\":mailto:ingrid@reddbarna.no",
        ),
    );
    let stranger = write(
        "stranger.eml",
        calendar_answer(
            ("Mallory", "mallory@example.com"),
            "Avslått: Samskapingsmøte om handlingsplan 5",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:kari.nordmann@kld.dep.no",
        ),
    );
    ingest(
        &ws,
        "2022-06-19T10:05:00+02:00",
        &[per_declines, ingrid_delegates, stranger],
    );
    // KLD still comes, with Kari alone; Redd Barna sends Martin instead of Ingrid.
    assert_eq!(
        kickoff_attendees(&ws, "kld"),
        (
            "registered".into(),
            BTreeSet::from(["kari.nordmann@kld.dep.no".to_string()])
        )
    );
    let (status, people) = kickoff_attendees(&ws, "reddbarna.no");
    assert_eq!(status, "registered");
    // (Martin was named without an address at registration: he is one person, not two.)
    assert_eq!(people, BTreeSet::from(["martin.lund@reddbarna.no".to_string()]));
    // The stranger's answer waits for a person.
    let status = ws.run(&["status", "--json"]).expect(0).json();
    assert_eq!(
        status["review"].as_array().unwrap().len(),
        1,
        "{:#}",
        status["review"]
    );

    // The delegate gets the meeting; Per and Ingrid, who answered in their own calendars, get no
    // CANCEL.
    send_calendar(&ws, "2022-06-19T10:10:00+02:00");
    let after = calendar_messages(&ws);
    let new = new_since(&before, &after);
    assert_eq!(
        recipients(&new),
        BTreeSet::from(["martin.lund@reddbarna.no".to_string()])
    );
    assert_eq!(new[0].read["method"], "REQUEST");

    // Martin accepts, with Outlook's subject only: nothing more to send, and he stays.
    let martin_accepts = write(
        "martin.eml",
        "From: Martin Lund <martin.lund@reddbarna.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Godtatt: Samskapingsmøte om handlingsplan 5\r\nDate: Sun, 19 Jun 2022 12:00:00 +0200\r\nMessage-ID: <martin.1@reddbarna.no>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\r\n"
            .to_string(),
    );
    ingest(&ws, "2022-06-19T12:05:00+02:00", &[martin_accepts]);
    send_calendar(&ws, "2022-06-19T12:10:00+02:00");
    assert_eq!(calendar_messages(&ws).len(), after.len());
    assert!(
        kickoff_attendees(&ws, "reddbarna.no")
            .1
            .contains("martin.lund@reddbarna.no")
    );
}
