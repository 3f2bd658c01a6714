//! The schedule over a register in memory, with the ogp5 config and an injected clock.

use std::collections::HashSet;

use super::*;
use crate::register::inbound::Location;

fn config() -> Config {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
    Config::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A register after the invitations of 15 June went out to all 15 ministries.
fn invited(config: &Config) -> Register {
    let mut register = Register::open_in_memory().unwrap();
    register
        .set_meta("secret", &data_encoding::HEXLOWER.encode(b"samskap-fixture!"))
        .unwrap();
    crate::outbox::enqueue_invitations(config, &mut register, &[], t("2022-06-15T08:00:00Z")).unwrap();
    let ids = register
        .due_ids(t("2022-06-15T08:00:00Z"), 100, &HashSet::new())
        .unwrap();
    for id in ids {
        register.begin_attempt(id, t("2022-06-15T08:00:00Z")).unwrap();
        register
            .mark_sent(id, t("2022-06-15T08:00:01Z"), "250 2.0.0 Ok", false)
            .unwrap();
    }
    register
}

/// A reply from `from` read at `now`.
#[allow(clippy::too_many_arguments)]
fn reply(
    config: &Config,
    register: &mut Register,
    n: i64,
    from: &str,
    subject: &str,
    body: &str,
    extra: &str,
    now: &str,
) {
    // As it reaches the coordinator's mailbox: with the verdict of KDD's MX, which the config
    // trusts, on a message that passed its checks.
    let domain = crate::decide::domain_of(from.trim_end_matches('>'));
    let raw = format!(
        "Authentication-Results: mx.kdd.dep.no; dmarc=pass header.from={domain}\r\nFrom: {from}\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: {subject}\r\nMessage-ID: <m{n}@test>\r\nDate: {}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n",
        t(now).to_rfc2822()
    );
    arrive(config, register, n, &raw, now);
}

/// `raw` read from the coordinator's mailbox (UID `n`) at `now`.
fn arrive(config: &Config, register: &mut Register, n: i64, raw: &str, now: &str) {
    let ctx = crate::understand::Context::from_config(config);
    let location = Location {
        mailbox: "test".into(),
        uidvalidity: 1,
        uid: n,
    };
    crate::inbox::process(register, config, &ctx, &location, raw.as_bytes(), t(now)).unwrap();
}

fn reminders_in_outbox(register: &Register) -> Vec<(String, Vec<String>)> {
    register
        .outbox_of_kind(reminder::KIND)
        .unwrap()
        .into_iter()
        .map(|s| (s.org_id.unwrap_or_default(), s.recipients))
        .collect()
}

/// The registration reminder falls due on Monday 20 June at 09:00 in Oslo.
const REGISTRATION_REMINDER: &str = "2022-06-20T09:00:00+02:00";

#[test]
fn the_registration_reminder_goes_once_to_those_who_owe_an_answer() {
    let config = config();
    let mut register = invited(&config);
    reply(
        &config,
        &mut register,
        1,
        "Lise Berg <lise.berg@aid.dep.no>",
        "SV: Invitasjon",
        "Vi melder på Lise Berg, lise.berg@aid.dep.no.",
        "",
        "2022-06-16T10:00:00+02:00",
    );
    reply(
        &config,
        &mut register,
        2,
        "Anne Lie <anne.lie@bfd.dep.no>",
        "SV: Invitasjon",
        "BFD har dessverre ikke anledning til å delta.",
        "",
        "2022-06-16T11:00:00+02:00",
    );
    // The evening before: nothing yet.
    let report = tick(&config, &mut register, t("2022-06-19T20:00:00+02:00")).unwrap();
    assert!(report.steps.is_empty() && report.missed.is_empty(), "{report:?}");
    let report = tick(&config, &mut register, t(REGISTRATION_REMINDER)).unwrap();
    let reminded: Vec<String> = reminders_in_outbox(&register)
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    assert_eq!(reminded.len(), 13, "{reminded:?}");
    assert!(!reminded.contains(&"aid".to_string()) && !reminded.contains(&"bfd".to_string()));
    assert!(
        report
            .done
            .iter()
            .any(|(id, _, n)| id == "registration-1d" && *n == 13)
    );
    // Again at the same moment, and a minute later: nothing more.
    tick(&config, &mut register, t(REGISTRATION_REMINDER)).unwrap();
    tick(&config, &mut register, t("2022-06-20T09:01:00+02:00")).unwrap();
    assert_eq!(reminders_in_outbox(&register).len(), 13);
}

#[test]
fn a_daemon_down_at_the_time_sends_within_the_grace_period_else_records_it_missed() {
    let config = config();
    // Down from Sunday to Monday 20:00 (11 h late, grace is 12 h): sent once on start.
    let mut late = invited(&config);
    let report = tick(&config, &mut late, t("2022-06-20T20:00:00+02:00")).unwrap();
    assert_eq!(reminders_in_outbox(&late).len(), 15);
    assert!(report.missed.is_empty(), "{report:?}");
    // Down until Tuesday 10:00 (25 h late): missed, nothing sent, and said so.
    let mut too_late = invited(&config);
    let report = tick(&config, &mut too_late, t("2022-06-21T10:00:00+02:00")).unwrap();
    assert!(reminders_in_outbox(&too_late).is_empty());
    assert!(
        report
            .missed
            .iter()
            .any(|(id, due)| id == "registration-1d" && *due == t(REGISTRATION_REMINDER)),
        "{report:?}"
    );
    let runs = too_late.schedule_runs().unwrap();
    assert!(
        runs.iter()
            .any(|(k, _, outcome)| k.contains("registration-1d") && outcome == "missed")
    );
    // And it stays missed.
    tick(&config, &mut too_late, t("2022-06-21T10:05:00+02:00")).unwrap();
    assert!(reminders_in_outbox(&too_late).is_empty());
}

#[test]
fn an_out_of_office_moves_the_reminder_to_the_day_back_and_an_answer_meanwhile_cancels_it() {
    let config = config();
    let mut register = invited(&config);
    // JD's and NFD's postmottak are away "til og med 20. juni" (back on the 21st, the deadline).
    reply(
        &config,
        &mut register,
        1,
        "postmottak@nfd.dep.no",
        "Automatisk svar: Invitasjon",
        "Jeg er på ferie til og med 20. juni.",
        "Auto-Submitted: auto-replied\r\n",
        "2022-06-15T10:05:00+02:00",
    );
    reply(
        &config,
        &mut register,
        2,
        "postmottak@jd.dep.no",
        "Automatisk svar: Invitasjon",
        "Jeg er borte til og med 20. juni.",
        "Auto-Submitted: auto-replied\r\n",
        "2022-06-15T10:06:00+02:00",
    );
    let report = tick(&config, &mut register, t(REGISTRATION_REMINDER)).unwrap();
    let deferred: Vec<&Step> = report.steps.iter().filter(|s| s.what == "deferred").collect();
    assert_eq!(deferred.len(), 2, "{report:?}");
    for step in deferred {
        assert_eq!(step.at, t("2022-06-21T09:00:00+02:00"), "{step:?}");
    }
    assert_eq!(reminders_in_outbox(&register).len(), 13);
    // JD answers while away (someone else reads the box): no reminder when the day comes.
    reply(
        &config,
        &mut register,
        3,
        "Knut Dahl <knut.dahl@jd.dep.no>",
        "SV: Invitasjon",
        "JD melder på Knut Dahl.",
        "",
        "2022-06-20T12:00:00+02:00",
    );
    // NFD is back on the 21st and has still not answered: reminded then.
    let report = tick(&config, &mut register, t("2022-06-21T09:00:00+02:00")).unwrap();
    assert!(
        report.steps.iter().any(|s| s.org == "jd" && s.what == "skipped"),
        "{report:?}"
    );
    let orgs: Vec<String> = reminders_in_outbox(&register)
        .into_iter()
        .map(|(o, _)| o)
        .collect();
    assert!(orgs.contains(&"nfd".to_string()));
    assert!(!orgs.contains(&"jd".to_string()));
    assert_eq!(orgs.len(), 14);
}

#[test]
fn a_reminder_moved_past_its_deadline_by_an_out_of_office_is_not_sent_and_the_status_says_so() {
    let config = config();
    let mut register = invited(&config);
    // HOD's postmottak is closed "til og med 1. juli": back on Saturday 2 July, the working day
    // Monday 4 July, two weeks after the registration deadline of 21 June.
    reply(
        &config,
        &mut register,
        1,
        "postmottak@hod.dep.no",
        "Automatisk svar: Invitasjon",
        "Postmottaket er stengt for sommeren til og med 1. juli.",
        "Auto-Submitted: auto-replied\r\n",
        "2022-06-15T10:05:00+02:00",
    );
    let report = tick(&config, &mut register, t(REGISTRATION_REMINDER)).unwrap();
    let hod = report
        .steps
        .iter()
        .find(|s| s.org == "hod")
        .unwrap_or_else(|| panic!("{report:?}"));
    assert_eq!(hod.what, LAPSED, "{report:?}");
    assert_eq!(hod.at, t("2022-07-04T09:00:00+02:00"));
    assert!(register.deferred().unwrap().is_empty());
    // No registration reminder goes to HOD on the day it is back (that day's contact chase does).
    let report = tick(&config, &mut register, t("2022-07-04T09:00:00+02:00")).unwrap();
    assert!(
        !report
            .steps
            .iter()
            .any(|s| s.org == "hod" && s.reminder == "registration-1d"),
        "{report:?}"
    );
    // The plan says so, and the weekly status lists HOD as away and not reminded.
    let weekly =
        crate::report::weekly::gather(&config, &register, &[], t("2022-06-27T09:00:00+02:00")).unwrap();
    assert_eq!(weekly.away.len(), 1, "{:?}", weekly.away);
    let (name, address, about, back) = &weekly.away[0];
    assert!(name.to_lowercase().contains("helse"), "{name}");
    assert_eq!(address, "postmottak@hod.dep.no");
    assert_eq!(about, "påminnelse om påmelding");
    assert_eq!(back, "mandag 4. juli");
}

#[test]
fn a_planned_reminder_says_who_will_not_get_it_for_being_away_too_long() {
    let config = config();
    let mut register = invited(&config);
    reply(
        &config,
        &mut register,
        1,
        "postmottak@hod.dep.no",
        "Automatisk svar: Invitasjon",
        "Jeg er på ferie til og med 1. juli.",
        "Auto-Submitted: auto-replied\r\n",
        "2022-06-15T10:05:00+02:00",
    );
    let plan = plan::plan(
        &config,
        &register,
        t("2022-06-16T09:00:00+02:00"),
        t("2022-06-21T00:00:00+02:00"),
    )
    .unwrap();
    let lapsing = plan
        .iter()
        .find(|p| p.what.contains("NOT sent"))
        .unwrap_or_else(|| panic!("{plan:#?}"));
    assert_eq!(lapsing.to, ["hod"]);
    assert!(
        plan.iter()
            .filter(|p| p.what.contains("registration-1d") && !p.what.contains("NOT"))
            .all(|p| !p.to.contains(&"hod".to_string())),
        "{plan:#?}"
    );
}

#[test]
fn the_reminder_says_what_is_owed_in_the_recipients_language() {
    let config = config();
    let mut register = invited(&config);
    tick(&config, &mut register, t(REGISTRATION_REMINDER)).unwrap();
    let ids = register
        .due_ids(t(REGISTRATION_REMINDER), 100, &HashSet::new())
        .unwrap();
    let mut texts = Vec::new();
    for id in ids {
        let out = register
            .begin_attempt(id, t(REGISTRATION_REMINDER))
            .unwrap()
            .unwrap();
        texts.push(String::from_utf8_lossy(&out.body).into_owned());
    }
    let hod = texts
        .iter()
        .find(|m| m.contains("postmottak@hod.dep.no"))
        .expect("a reminder to HOD");
    let parsed = mail_parser::MessageParser::default()
        .parse(hod.as_bytes())
        .unwrap();
    let subject = parsed.subject().unwrap();
    assert!(
        subject.starts_with("Påminnelse: påmelding til samskapingsmøtet innen"),
        "{subject}"
    );
    assert!(subject.contains("tirsdag 21. juni"), "{subject}");
    let body = parsed.body_text(0).unwrap();
    assert!(body.contains("Helse- og omsorgsdepartementet"), "{body}");
    assert!(body.contains("torsdag 23. juni 2022 kl. 09.00–12.00"), "{body}");
    // Replies come back to the organisation's own address.
    let reply_to = parsed.reply_to().unwrap().first().unwrap().address().unwrap();
    assert!(reply_to.starts_with("tom-arne.nygaard+ogp5-"), "{reply_to}");
}

#[test]
fn the_plan_shows_what_comes_and_to_whom_without_doing_it() {
    let config = config();
    let mut register = invited(&config);
    reply(
        &config,
        &mut register,
        1,
        "Lise Berg <lise.berg@aid.dep.no>",
        "SV: Invitasjon",
        "Vi melder på Lise Berg, lise.berg@aid.dep.no.",
        "",
        "2022-06-16T10:00:00+02:00",
    );
    let items = plan::plan(
        &config,
        &register,
        t("2022-06-17T12:00:00+02:00"),
        t("2022-06-30T00:00:00+02:00"),
    )
    .unwrap();
    let first = items.iter().find(|p| p.kind == "reminder").unwrap();
    assert_eq!(first.at, t(REGISTRATION_REMINDER));
    assert_eq!(first.kind, "reminder");
    assert_eq!(first.to.len(), 14);
    assert!(!first.to.contains(&"aid".to_string()));
    assert!(
        items
            .iter()
            .any(|p| p.kind == "meeting" && p.at == t("2022-06-23T09:00:00+02:00"))
    );
    assert!(
        items
            .iter()
            .any(|p| p.kind == "report" && p.at == t("2022-06-20T08:00:00+02:00"))
    );
    // The kickoff-eve reminder to Lise, the only registered attendee.
    let eve = items.iter().find(|p| p.what.contains("kickoff-eve")).unwrap();
    assert_eq!(eve.to, ["lise.berg@aid.dep.no"]);
    // Nothing was done.
    assert!(reminders_in_outbox(&register).is_empty());
    assert!(register.schedule_runs().unwrap().is_empty());
}

#[test]
fn the_daemon_wakes_for_the_next_scheduled_moment() {
    let config = config();
    let register = invited(&config);
    let next = |now: &str, until: &str| plan::next_moment(&config, &register, t(now), t(until)).unwrap();
    // Monday's weekly status at 08:00 comes before the reminder at 09:00.
    assert_eq!(
        next("2022-06-17T12:00:00+02:00", "2022-06-30T00:00:00+02:00"),
        Some(t("2022-06-20T08:00:00+02:00"))
    );
    assert_eq!(
        next("2022-06-20T08:00:00+02:00", "2022-06-30T00:00:00+02:00"),
        Some(t(REGISTRATION_REMINDER))
    );
    // Nothing within the next five minutes.
    assert_eq!(
        next("2022-06-17T12:00:00+02:00", "2022-06-17T12:05:00+02:00"),
        None
    );
}

#[test]
fn the_plan_shows_a_recipient_moved_by_an_out_of_office() {
    let config = config();
    let mut register = invited(&config);
    reply(
        &config,
        &mut register,
        1,
        "postmottak@hod.dep.no",
        "Automatisk svar: Invitasjon",
        "Jeg er på ferie til og med 20. juni.",
        "Auto-Submitted: auto-replied\r\n",
        "2022-06-15T10:05:00+02:00",
    );
    tick(&config, &mut register, t(REGISTRATION_REMINDER)).unwrap();
    assert_eq!(register.deferred().unwrap().len(), 1);
    let items = plan::plan(
        &config,
        &register,
        t("2022-06-20T10:00:00+02:00"),
        t("2022-07-03T00:00:00+02:00"),
    )
    .unwrap();
    let moved = items
        .iter()
        .find(|p| p.what.contains("deferred"))
        .expect("the deferred reminder in the plan");
    assert_eq!(moved.at, t("2022-06-21T09:00:00+02:00"));
    assert_eq!(moved.to, ["postmottak@hod.dep.no"]);
}

/// A Postfix bounce of the message `message_id` to `address`.
fn bounce(config: &Config, register: &mut Register, n: i64, address: &str, message_id: &str, now: &str) {
    let raw = format!(
        "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.kdd.dep.no (Mail Delivery System)\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: {date}\r\nMessage-ID: <bounce{n}@mx.kdd.dep.no>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n<{address}>: host mx said: 550 5.1.1 User unknown\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.kdd.dep.no\r\n\r\nFinal-Recipient: rfc822; {address}\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Tom Arne Nygaard <tom-arne.nygaard@kdd.dep.no>\r\nTo: <{address}>\r\nMessage-ID: <{message_id}>\r\n\r\n--B--\r\n",
        date = t(now).to_rfc2822()
    );
    arrive(config, register, n, &raw, now);
}

#[test]
fn a_poll_that_bounced_at_the_contact_s_address_goes_to_the_organisation_s_own() {
    let config = config();
    let mut register = invited(&config);
    // AID names a contact person with a mistyped address.
    reply(
        &config,
        &mut register,
        1,
        "Lise Berg <lise.berg@aid.dep.no>",
        "SV: Invitasjon",
        "Kontaktperson for AID er Lise Berg, lise.bergg@aid.dep.no.",
        "",
        "2022-06-16T10:00:00+02:00",
    );
    let due = run_due(&config, &mut register, t("2022-06-27T10:00:00+02:00")).unwrap();
    assert!(
        due.poll_sent
            .contains(&("aid".to_string(), "lise.bergg@aid.dep.no".to_string())),
        "{:?}",
        due.poll_sent
    );
    let poll_id = register
        .outbox_of_kind(crate::poll::KIND)
        .unwrap()
        .into_iter()
        .find(|s| s.recipients.contains(&"lise.bergg@aid.dep.no".to_string()))
        .map(|s| s.message_id)
        .expect("the poll to AID's contact");
    bounce(
        &config,
        &mut register,
        2,
        "lise.bergg@aid.dep.no",
        poll_id.trim_matches(['<', '>']),
        "2022-06-27T10:05:00+02:00",
    );
    // The next round asks AID at its own address, and no one else again.
    let due = run_due(&config, &mut register, t("2022-06-27T10:10:00+02:00")).unwrap();
    assert_eq!(
        due.poll_later,
        [("aid".to_string(), "postmottak@aid.dep.no".to_string())]
    );
    let due = run_due(&config, &mut register, t("2022-06-27T10:15:00+02:00")).unwrap();
    assert!(due.poll_later.is_empty(), "{:?}", due.poll_later);
    // AID is still to answer: the poll reminder goes to the address that works.
    let now = t("2022-06-27T10:20:00Z");
    for id in register.due_ids(now, 100, &HashSet::new()).unwrap() {
        register.begin_attempt(id, now).unwrap();
        register.mark_sent(id, now, "250 2.0.0 Ok", false).unwrap();
    }
    let snap = crate::standing::snapshot(&config, &register).unwrap();
    let aid: Vec<String> = snap
        .targets(&crate::config::ReminderKind::Poll)
        .into_iter()
        .filter(|t| t.org_id == "aid")
        .map(|t| t.address)
        .collect();
    assert_eq!(aid, ["postmottak@aid.dep.no"]);
    // The weekly status tells the coordinator.
    let weekly = crate::report::weekly::gather(&config, &register, &[], now).unwrap();
    assert_eq!(weekly.poll_redirected.len(), 1, "{:?}", weekly.poll_redirected);
    assert_eq!(weekly.poll_redirected[0].1, "lise.bergg@aid.dep.no");
    assert_eq!(weekly.poll_redirected[0].2, "postmottak@aid.dep.no");
}
