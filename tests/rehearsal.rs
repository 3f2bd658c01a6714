//! The whole process of the letter, rehearsed in simulated time through the real Postfix and
//! Dovecot: `--now` steps from 15 June to the eve of the follow-up meeting, the daemon runs once
//! at each step (`run --once`: it reads the coordinator's IMAP inbox and sends over SMTP), and
//! scripted replies arrive in between: registrations, a decline, a bounce, an out-of-office, a
//! change of room, the date poll's answers. After every step the test counts what reached every
//! mailbox, by kind: each e-mail that should exist does, once, and none other does.

mod rig;
mod support;

use std::collections::BTreeMap;

use rig::{MailRig, PASSWORD};
use support::*;

const PASSWORD_ENV: &str = "SAMSKAP_TEST_PASSWORD";

const PEOPLE: [&str; 5] = [
    "kari.nordmann@kld.dep.no",
    "per.olsen@kld.dep.no",
    "lise.berg@aid.dep.no",
    "anne.lie@bfd.dep.no",
    "ingrid@reddbarna.no",
];

/// Every mailbox of the rehearsal: the ministries, the coordinator, the people who write.
fn users() -> Vec<String> {
    let mut users: Vec<String> = MINISTRIES.iter().map(|m| postmottak(m)).collect();
    users.push(COORDINATOR.to_string());
    users.extend(PEOPLE.iter().map(|p| p.to_string()));
    users
}

/// The kind of one of our messages, from its Message-ID (`ogp5.KIND.org.…@kdd.dep.no`).
fn kind_of(raw: &[u8]) -> String {
    let id = message_id(raw);
    if !id.starts_with("ogp5.") {
        return format!("foreign:{id}");
    }
    id.split('.').nth(1).unwrap_or("").to_string()
}

type Counts = BTreeMap<(String, String), usize>;

/// How many messages of each kind each mailbox holds.
fn counts(rig: &MailRig) -> Counts {
    let mut out = Counts::new();
    for user in users() {
        for raw in rig.messages(&user, "") {
            *out.entry((user.clone(), kind_of(&raw))).or_default() += 1;
        }
    }
    out
}

/// What arrived since `before`.
fn new_since(before: &Counts, after: &Counts) -> Counts {
    after
        .iter()
        .filter_map(|(k, n)| {
            let was = before.get(k).copied().unwrap_or(0);
            (*n > was).then(|| (k.clone(), n - was))
        })
        .collect()
}

fn expect(list: &[(&str, &str)]) -> Counts {
    let mut out = Counts::new();
    for (user, kind) in list {
        *out.entry((user.to_string(), kind.to_string())).or_default() += 1;
    }
    out
}

fn each(users: &[&str], kind: &str) -> Vec<(String, String)> {
    users.iter().map(|u| (u.to_string(), kind.to_string())).collect()
}

fn expect_owned(list: &[(String, String)]) -> Counts {
    let refs: Vec<(&str, &str)> = list.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    expect(&refs)
}

fn ministries_but(except: &[&str]) -> Vec<String> {
    MINISTRIES
        .iter()
        .filter(|m| !except.contains(m))
        .map(|m| postmottak(m))
        .collect()
}

struct Rehearsal {
    rig: MailRig,
    ws: Workspace,
    seen: Counts,
    config: String,
}

impl Rehearsal {
    /// The daemon's round at `now`; returns what reached the mailboxes since the last step.
    fn step(&mut self, now: &str) -> Counts {
        let run = self.ws.run(&["--now", now, "run", "--once"]);
        assert_eq!(run.code, 0, "run --once at {now}:\n{}", run.stderr);
        self.rig.wait_for_empty_queue();
        self.log(now, &run.stderr);
        self.take()
    }

    fn take(&mut self) -> Counts {
        let now = counts(&self.rig);
        let new = new_since(&self.seen, &now);
        self.seen = now;
        new
    }

    fn log(&self, now: &str, text: &str) {
        let path = self.ws.dir.path().join("rehearsal.log");
        let mut all = std::fs::read_to_string(&path).unwrap_or_default();
        all.push_str(&format!("===== {now}\n{text}\n"));
        std::fs::write(path, all).unwrap();
    }

    fn the_log(&self) -> String {
        std::fs::read_to_string(self.ws.dir.path().join("rehearsal.log")).unwrap_or_default()
    }

    /// A reply from `from` to `org`'s plus-address, with the verdict KDD's MX (which the config
    /// trusts) writes on top of a message from `from` that passed its checks.
    fn reply(&self, from: &str, org: &str, raw: &str) {
        let token = samskap::ident::org_token(FIXTURE_SECRET, "ogp5", org);
        let to = format!("tom-arne.nygaard+ogp5-{token}@kdd.dep.no");
        let domain = from.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
        let stamped =
            format!("Authentication-Results: mx.kdd.dep.no; dmarc=pass header.from={domain}\r\n{raw}");
        self.rig.submit(from, &to, stamped.as_bytes());
    }

    fn fixture_reply(&self, from: &str, org: &str, name: &str) {
        let raw = std::fs::read_to_string(reply_fixture(name)).unwrap();
        self.reply(from, org, &raw);
    }

    /// The Message-ID of the one message of `kind` that `user` got.
    fn only_id(&self, user: &str, kind: &str) -> String {
        let ids: Vec<String> = self
            .rig
            .messages(user, "")
            .iter()
            .filter(|m| kind_of(m) == kind)
            .map(|m| message_id(m))
            .collect();
        assert_eq!(ids.len(), 1, "{user} should have one {kind}: {ids:?}");
        ids[0].clone()
    }

    /// `person` answers the date poll they were sent, in their own words.
    fn poll_answer(&self, person: &str, name: &str, org: &str, text: &str, n: usize) {
        let poll_id = self.only_id(person, "poll");
        let raw = format!(
            "From: {name} <{person}>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: SV: Hvilken dato passer?\r\nDate: Tue, 28 Jun 2022 09:{n:02}:00 +0200\r\nMessage-ID: <poll-answer-{n}@rehearsal.test>\r\nIn-Reply-To: <{poll_id}>\r\nReferences: <{poll_id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n\r\nHilsen {name}\r\n"
        );
        self.reply(person, org, &raw);
    }
}

fn assert_step(r: &Rehearsal, now: &str, got: &Counts, want: &Counts) {
    assert_eq!(
        got,
        want,
        "at {now}: what arrived differs from what should.\n{}",
        r.the_log()
    );
}

#[test]
fn the_letter_s_process_from_invitation_to_the_follow_up_meeting() {
    let users = users();
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    let rig = MailRig::start(&refs);
    let transport = format!(
        "{}\n{}\n[retry]\ninitial = \"1m\"\nwait_in_command = \"0\"\n",
        rig.smtp_config(COORDINATOR, PASSWORD_ENV),
        rig.imap_config(COORDINATOR, PASSWORD_ENV)
    );
    let config = with_transport(&ogp5_toml(), &transport);
    let mut ws = Workspace::new(&config);
    ws.env.push((PASSWORD_ENV.into(), PASSWORD.into()));
    let mut r = Rehearsal {
        rig,
        ws,
        seen: Counts::new(),
        config,
    };

    // 15 June, 10:00: the invitations, one to each ministry (SMK, named twice, gets one).
    r.ws.give_fixture_secret();
    let run = r.ws.run(&["--now", SEND_TIME, "send", "invitations"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    r.rig.wait_for_empty_queue();
    let got = r.take();
    assert_step(
        &r,
        SEND_TIME,
        &got,
        &expect_owned(&each(
            &MINISTRIES
                .map(postmottak)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            "invitation",
        )),
    );

    // The first answers: KLD registers Kari and Per, AID appoints Lise, Redd Barna (forwarded by
    // AID) registers two, BFD declines, SMK's address bounces, HOD's is away until 1 July.
    r.fixture_reply("kari.nordmann@kld.dep.no", "kld", "kld-outlook-registration.eml");
    r.fixture_reply("lise.berg@aid.dep.no", "aid", "aid-gmail-contact.eml");
    r.fixture_reply("ingrid@reddbarna.no", "aid", "ngo-forwarded-registration.eml");
    r.fixture_reply("anne.lie@bfd.dep.no", "bfd", "bfd-decline.eml");
    r.fixture_reply("mailer-daemon@mx.kdd.dep.no", "smk", "smk-bounce.eml");
    let hod_invitation = r.only_id("postmottak@hod.dep.no", "invitation");
    r.reply(
        "postmottak@hod.dep.no",
        "hod",
        &format!(
            "From: Postmottak HOD <postmottak@hod.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Automatisk svar: Open Government Partnership (OGP) Handlingsplan 5\r\nDate: Wed, 15 Jun 2022 10:01:00 +0200\r\nMessage-ID: <ooo.postmottak.hod@hod.dep.no>\r\nAuto-Submitted: auto-replied\r\nIn-Reply-To: <{hod_invitation}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPostmottaket er stengt for sommeren til og med 1. juli. Henvendelser behandles deretter.\r\n"
        ),
    );
    r.rig.wait_for_empty_queue();
    let _ = r.take();
    let now = "2022-06-16T12:00:00+02:00";
    let got = r.step(now);
    // Each person who wrote is told what was recorded; the registered get the meeting.
    assert_step(
        &r,
        now,
        &got,
        &expect(&[
            ("kari.nordmann@kld.dep.no", "confirmation"),
            ("lise.berg@aid.dep.no", "confirmation"),
            ("ingrid@reddbarna.no", "confirmation"),
            ("anne.lie@bfd.dep.no", "confirmation"),
            ("kari.nordmann@kld.dep.no", "calendar"),
            ("per.olsen@kld.dep.no", "calendar"),
            ("ingrid@reddbarna.no", "calendar"),
        ]),
    );

    // The plan on Sunday: tomorrow's reminder goes to the eleven who still owe an answer.
    let plan =
        r.ws.run(&[
            "--now",
            "2022-06-19T12:00:00+02:00",
            "plan",
            "--until",
            "2022-06-21",
            "--json",
        ])
        .expect(0)
        .json();
    let what = |p: &&serde_json::Value| p["what"].as_str().unwrap_or("").to_string();
    let steps = plan.as_array().unwrap();
    let reminder = steps
        .iter()
        .find(|p| what(p).contains("registration-1d") && !what(p).contains("NOT sent"))
        .expect("the registration reminder in the plan");
    assert_eq!(reminder["to"].as_array().unwrap().len(), 11, "{plan:#}");
    // HOD, away until after the deadline, is named as the one who will not get it.
    let lapsing = steps
        .iter()
        .find(|p| what(p).contains("registration-1d") && what(p).contains("NOT sent"))
        .expect("the plan names who is away past the deadline");
    assert_eq!(lapsing["to"], serde_json::json!(["hod"]), "{plan:#}");

    // Monday 20 June, 09:00: the weekly status; the registration reminder to those who owe an
    // answer (not KLD, BFD; not HOD, away; not SMK, whose address is dead).
    let now = "2022-06-20T09:00:00+02:00";
    let got = r.step(now);
    let mut want = vec![(COORDINATOR.to_string(), "report".to_string())];
    for m in ministries_but(&["kld", "bfd", "hod", "smk"]) {
        want.push((m, "reminder".into()));
    }
    assert_step(&r, now, &got, &expect_owned(&want));
    // The status: HTML with the chart inline, a text alternative, the register as CSV.
    let report = r
        .rig
        .messages(COORDINATOR, "")
        .into_iter()
        .find(|m| kind_of(m) == "report")
        .unwrap();
    check_report(&report);
    // Run again at the same moment: nothing more.
    let got = r.step(now);
    assert_step(&r, now, &got, &Counts::new());

    // The room changes: everyone with the meeting in their calendar gets the update.
    let moved = r.config.replace(
        "location.nb = \"Kommunal- og distriktsdepartementet, Akersgata 59, Oslo\"\nlocation.en = \"Ministry of Local Government and Regional Development, Akersgata 59, Oslo\"\n# How",
        "location.nb = \"Møterom Tinget, Akersgata 59, Oslo\"\nlocation.en = \"Room Tinget, Akersgata 59, Oslo\"\n# How",
    );
    assert_ne!(moved, r.config);
    r.ws.write_config(&moved);
    let now = "2022-06-21T09:00:00+02:00";
    let got = r.step(now);
    assert_step(
        &r,
        now,
        &got,
        &expect(&[
            ("kari.nordmann@kld.dep.no", "calendar"),
            ("per.olsen@kld.dep.no", "calendar"),
            ("ingrid@reddbarna.no", "calendar"),
        ]),
    );
    // (A mailbox's files do not sort in the order they came: pick by what they say.)
    let calendars: Vec<String> = r
        .rig
        .messages("per.olsen@kld.dep.no", "")
        .iter()
        .filter(|m| kind_of(m) == "calendar")
        .map(|m| calendar_text(m))
        .collect();
    assert_eq!(calendars.len(), 2);
    let update = calendars
        .iter()
        .find(|ics| ics.contains("SEQUENCE:1"))
        .unwrap_or_else(|| panic!("no update among {calendars:#?}"));
    assert!(update.contains("METHOD:REQUEST"), "{update}");
    assert!(update.contains("Tinget"), "{update}");
    assert!(update.contains("UID:ogp5-kickoff@kdd.dep.no"), "{update}");

    // The eve of the kickoff: a reminder to each registered attendee.
    let now = "2022-06-22T12:00:00+02:00";
    let got = r.step(now);
    assert_step(
        &r,
        now,
        &got,
        &expect(&[
            ("kari.nordmann@kld.dep.no", "reminder"),
            ("per.olsen@kld.dep.no", "reminder"),
            ("ingrid@reddbarna.no", "reminder"),
        ]),
    );

    // Monday 27 June, 10:00: the weekly status; the contact person is chased (all ministries
    // but AID; HOD's is moved past its next round, so not sent; SMK has no working address); the date poll goes to each
    // organisation's contact person or registered attendees, else its own address.
    let now = "2022-06-27T10:00:00+02:00";
    let got = r.step(now);
    let mut want = vec![(COORDINATOR.to_string(), "report".to_string())];
    for m in ministries_but(&["aid", "hod", "smk"]) {
        want.push((m, "reminder".into()));
    }
    let polled_ministries = ministries_but(&["aid", "kld", "smk"]);
    for m in &polled_ministries {
        want.push((m.clone(), "poll".into()));
    }
    for p in [
        "lise.berg@aid.dep.no",
        "kari.nordmann@kld.dep.no",
        "per.olsen@kld.dep.no",
        "ingrid@reddbarna.no",
    ] {
        want.push((p.to_string(), "poll".into()));
    }
    assert_step(&r, now, &got, &expect_owned(&want));

    // The answers, as people write them.
    r.poll_answer(
        "kari.nordmann@kld.dep.no",
        "Kari Nordmann",
        "kld",
        "1 og 3 passer for meg.",
        1,
    );
    r.poll_answer(
        "per.olsen@kld.dep.no",
        "Per Olsen",
        "kld",
        "Nr. 1 passer fint.",
        2,
    );
    r.poll_answer(
        "lise.berg@aid.dep.no",
        "Lise Berg",
        "aid",
        "Alle unntatt fredag passer.",
        3,
    );
    r.poll_answer(
        "ingrid@reddbarna.no",
        "Ingrid Sol",
        "aid",
        "29. august passer ikke, men 31. august går fint.",
        4,
    );
    r.rig.wait_for_empty_queue();
    let _ = r.take();
    let now = "2022-06-28T10:00:00+02:00";
    let got = r.step(now);
    assert_step(
        &r,
        now,
        &got,
        &expect_owned(
            &each(&PEOPLE[..3], "confirmation")
                .into_iter()
                .chain(each(&["ingrid@reddbarna.no"], "confirmation"))
                .collect::<Vec<_>>(),
        ),
    );
    let status = r.ws.run(&["poll", "status", "--json"]).expect(0).json();
    let yes: Vec<u64> = status["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["yes"].as_u64().unwrap())
        .collect();
    assert_eq!(yes, [3, 2, 1, 1], "{status:#}");
    assert_eq!(status["leading"], 1);

    // Saturday 2 July: HOD's out-of-office said it is back; its first working day is Monday 4
    // July, after the registration deadline (21 June) and at the next round of the contact
    // chase, so neither reminder moved by it is sent: nothing goes out today.
    let now = "2022-07-02T09:00:00+02:00";
    let got = r.step(now);
    assert_step(&r, now, &got, &Counts::new());

    // Monday 4 July: the weekly status (the contact chase at 09:00 is not yet due), which says
    // that HOD was away and not reminded.
    let now = "2022-07-04T08:30:00+02:00";
    let got = r.step(now);
    assert_step(&r, now, &got, &expect(&[(COORDINATOR, "report")]));
    let away = r
        .rig
        .messages(COORDINATOR, "")
        .into_iter()
        .filter(|m| kind_of(m) == "report")
        .filter_map(|m| {
            let m = mail_parser::MessageParser::default().parse(&m)?;
            m.body_text(0).map(|t| t.to_string())
        })
        .find(|text| text.contains("Borte og ikke påminnet"))
        .expect("a weekly status naming those away and not reminded");
    let section = &away[away.find("Borte og ikke påminnet").unwrap()..];
    assert!(
        section.contains("postmottak@hod.dep.no") && section.contains("påminnelse om påmelding"),
        "{section}"
    );

    // Wednesday 6 July: the daemon was down on Monday at 09:00 (that chase is missed, not sent
    // two days late); the poll reminder goes to those asked whose organisation has not answered.
    let now = "2022-07-06T09:00:00+02:00";
    let got = r.step(now);
    let want: Vec<(String, String)> = polled_ministries
        .iter()
        .map(|m| (m.clone(), "reminder".to_string()))
        .collect();
    assert_step(&r, now, &got, &expect_owned(&want));
    assert!(r.the_log().contains("recorded as missed"), "{}", r.the_log());

    // Thursday 7 July: the notice that the summary is published, to every organisation with a
    // working address.
    let now = "2022-07-07T10:00:00+02:00";
    let got = r.step(now);
    let mut want: Vec<(String, String)> = ministries_but(&["smk"])
        .into_iter()
        .map(|m| (m, "reminder".to_string()))
        .collect();
    want.push(("ingrid@reddbarna.no".into(), "reminder".into()));
    assert_step(&r, now, &got, &expect_owned(&want));

    // After the poll's deadline: number 1 (Monday 29 August) is chosen; everyone asked is told,
    // and everyone asked but Ingrid (29 August does not suit her) gets the meeting.
    let now = "2022-07-09T00:30:00+02:00";
    let got = r.step(now);
    let mut want = Vec::new();
    let mut asked: Vec<String> = polled_ministries.clone();
    asked.extend(
        [
            "lise.berg@aid.dep.no",
            "kari.nordmann@kld.dep.no",
            "per.olsen@kld.dep.no",
            "ingrid@reddbarna.no",
        ]
        .map(String::from),
    );
    for a in &asked {
        want.push((a.clone(), "poll-result".to_string()));
        if a != "ingrid@reddbarna.no" {
            want.push((a.clone(), "calendar".to_string()));
        }
    }
    assert_step(&r, now, &got, &expect_owned(&want));
    let followup = r
        .rig
        .messages("kari.nordmann@kld.dep.no", "")
        .into_iter()
        .filter(|m| kind_of(m) == "calendar")
        .find(|m| calendar_text(m).contains("UID:ogp5-followup@kdd.dep.no"))
        .expect("the follow-up meeting in Kari's calendar");
    let ics = calendar_text(&followup);
    assert!(ics.contains("DTSTART;TZID=Europe/Oslo:20220829T130000"), "{ics}");
    // Kari was asked in the poll and has not registered for the follow-up meeting: she is not
    // thanked for a registration she never made.
    let parsed = mail_parser::MessageParser::default().parse(&followup).unwrap();
    let text = parsed.body_text(0).unwrap();
    assert!(
        text.contains("Her er kalenderinvitasjonen til oppfølgingsmøtet")
            && !text.contains("Takk for påmeldingen"),
        "{text}"
    );
    // Kari is greeted by her first name, and the meeting named as a word of the sentence.
    let to_kari = r
        .rig
        .messages("kari.nordmann@kld.dep.no", "")
        .into_iter()
        .rfind(|m| kind_of(m) == "poll-result")
        .expect("the poll's result to Kari");
    let to_kari = mail_parser::MessageParser::default().parse(&to_kari).unwrap();
    let text = to_kari.body_text(0).unwrap();
    assert!(
        text.starts_with("Hei Kari,") && text.contains("Vi har satt oppfølgingsmøtet til mandag 29. august"),
        "{text}"
    );
    // A registry mailbox (postmottak@, where every message is filed as a case document) gets
    // the time and place as text, without the calendar object, and is asked for names.
    for m in &polled_ministries {
        let sent = r
            .rig
            .messages(m, "")
            .into_iter()
            .filter(|raw| kind_of(raw) == "calendar")
            .collect::<Vec<_>>();
        assert_eq!(sent.len(), 1, "{m}");
        assert!(
            calendar_text(&sent[0]).is_empty(),
            "a calendar object went to {m}"
        );
        let parsed = mail_parser::MessageParser::default().parse(&sent[0]).unwrap();
        let text = parsed.body_text(0).unwrap();
        assert!(
            text.contains("Vi vet ennå ikke hvem fra") && text.contains("29. august"),
            "{m}: {text}"
        );
    }
    let result = r
        .rig
        .messages("ingrid@reddbarna.no", "")
        .into_iter()
        .find(|m| kind_of(m) == "poll-result")
        .unwrap();
    let result = mail_parser::MessageParser::default().parse(&result).unwrap();
    assert!(
        result.subject().unwrap().contains("29. august"),
        "{:?}",
        result.subject()
    );
    let text = result.body_text(0).unwrap();
    assert!(text.contains("ikke passet for dere"), "{text}");
    // The numbers, not a claim that it "suited most".
    assert!(text.contains("3 av 4 som svarte, kan da, 1 kan ikke."), "{text}");

    // Monday 11 July: the weekly status follows the process. The follow-up meeting comes first,
    // with its chosen date and the poll's tally; the meeting of 23 June is one line, and no one
    // is chased for registering to it any more.
    let now = "2022-07-11T08:30:00+02:00";
    let got = r.step(now);
    assert_step(&r, now, &got, &expect(&[(COORDINATOR, "report")]));
    let report = r
        .rig
        .messages(COORDINATOR, "")
        .into_iter()
        .filter(|m| kind_of(m) == "report")
        .filter_map(|m| {
            mail_parser::MessageParser::default().parse(&m).map(|m| {
                (
                    m.subject().unwrap_or_default().to_string(),
                    m.body_text(0).unwrap_or_default().to_string(),
                )
            })
        })
        .find(|(subject, _)| subject.contains("11. juli"))
        .expect("the weekly status of 11 July");
    let (subject, text) = report;
    assert!(subject.contains("uten svar til oppfølgingsmøtet"), "{subject}");
    let next = text
        .find("NESTE MØTE: Oppfølgingsmøte")
        .unwrap_or_else(|| panic!("{text}"));
    let past = text.find("TIDLIGERE").unwrap_or_else(|| panic!("{text}"));
    assert!(next < past, "{text}");
    assert!(
        text.contains("Datoen er valgt: 1. mandag 29. august 2022 kl. 13.00–15.00."),
        "{text}"
    );
    assert!(
        text.contains("1. mandag 29. august 2022 kl. 13.00–15.00: 3 kan"),
        "{text}"
    );
    let kickoff = text[past..].lines().nth(1).unwrap_or_default();
    assert!(
        kickoff.starts_with("- Samskapingsmøte om handlingsplan 5, torsdag 23. juni 2022")
            && kickoff.contains("påmeldt ("),
        "{kickoff}"
    );
    assert!(!text.contains("mangler: påmelding"), "{text}");
    assert!(!text.contains("Purres på"), "{text}");
    // Plurals by the language's rules: "1 sak venter på deg", never "1 saker".
    assert!(
        !text.contains(" 1 saker") && !text.contains(" 1 kontaktpersoner"),
        "{text}"
    );

    // The eve of the follow-up meeting: a reminder to everyone who has it in their calendar.
    let now = "2022-08-28T12:00:00+02:00";
    let got = r.step(now);
    let want: Vec<(String, String)> = asked
        .iter()
        .filter(|a| a.as_str() != "ingrid@reddbarna.no")
        .map(|a| (a.clone(), "reminder".to_string()))
        .collect();
    assert_step(&r, now, &got, &expect_owned(&want));

    // Nothing else reached anyone: every message in every mailbox but the coordinator's (which
    // holds the scripted replies) is one samskap meant, and was counted above.
    assert!(
        r.seen
            .iter()
            .all(|((user, kind), _)| user == COORDINATOR || !kind.starts_with("foreign:")),
        "{:#?}",
        r.seen
    );
    let reports = r.seen.get(&(COORDINATOR.to_string(), "report".to_string()));
    assert_eq!(
        reports,
        Some(&4),
        "four weekly statuses: 20 June, 27 June, 4 July, 11 July"
    );
}

/// The weekly status of 20 June says what the register says, in both parts, with its chart and
/// its CSV.
fn check_report(raw: &[u8]) {
    use mail_parser::MimeHeaders;
    let m = mail_parser::MessageParser::default().parse(raw).unwrap();
    let subject = m.subject().unwrap();
    assert!(subject.starts_with("Ukestatus"), "{subject}");
    // KLD and Redd Barna registered, BFD declined, 13 have not answered.
    assert!(subject.contains("2 påmeldt, 13 uten svar"), "{subject}");
    let text = m.body_text(0).unwrap();
    let html = m.body_html(0).unwrap();
    for part in [text.as_ref(), html.as_ref()] {
        assert!(part.contains("Klima- og miljødepartementet"), "{part}");
        assert!(part.contains("Kari Nordmann, Per Olsen"), "{part}");
        assert!(part.contains("Lise Berg"), "the contact person: {part}");
        assert!(part.contains("Redd Barna"), "{part}");
        assert!(
            part.contains("Videresendt fra Arbeids- og inkluderingsdepartementet"),
            "{part}"
        );
        assert!(part.contains("postmottak@smk.dep.no"), "the bounce: {part}");
    }
    assert!(html.contains("cid:chart"), "{html}");
    let chart = m
        .parts
        .iter()
        .find(|p| p.content_type().is_some_and(|c| c.ctype() == "image"))
        .expect("the chart");
    assert_eq!(chart.content_id(), Some("chart"));
    assert_eq!(&chart.contents()[..4], b"\x89PNG");
    let csv = m
        .attachments()
        .find(|a| a.attachment_name().is_some_and(|n| n.ends_with(".csv")))
        .expect("the register as CSV");
    let csv = String::from_utf8_lossy(csv.contents()).into_owned();
    assert!(csv.starts_with("id,name,invitation,answer"), "{csv}");
    // A header line, the 15 ministries and Redd Barna.
    assert_eq!(csv.lines().count(), 17, "{csv}");
}

/// The text/calendar part of a message.
fn calendar_text(raw: &[u8]) -> String {
    use mail_parser::MimeHeaders;
    let message = mail_parser::MessageParser::default().parse(raw).unwrap();
    message
        .parts
        .iter()
        .find(|p| p.content_type().is_some_and(|c| c.subtype() == Some("calendar")))
        .map(|p| String::from_utf8_lossy(p.contents()).into_owned())
        .unwrap_or_default()
}
