//! Who may change what: the authority rules, with a directory in memory.

use super::*;
use crate::understand;

#[test]
fn look_alike_domains_never_match() {
    assert!(domain_matches("aid.dep.no", "aid.dep.no"));
    assert!(domain_matches("post.aid.dep.no", "aid.dep.no"));
    assert!(domain_matches("AID.DEP.NO.", "aid.dep.no"));
    for fake in [
        "aid-dep.no",
        "xaid.dep.no",
        "aid.dep.no.evil.com",
        "aid.dep.mo",
        "dep.no",
        "aid.dep",
    ] {
        assert!(!domain_matches(fake, "aid.dep.no"), "{fake}");
    }
}

#[test]
fn an_ngo_is_known_by_its_domain_or_its_webmail_address() {
    assert_eq!(ngo_id("ingrid@reddbarna.no"), "reddbarna.no");
    assert_eq!(ngo_id("Aksjon.Apenhet@gmail.com"), "aksjon.apenhet@gmail.com");
}

struct Dir {
    orgs: Vec<(OrgInfo, Vec<&'static str>, &'static str)>,
    /// (address, organisation) of people we sent a calendar invitation to.
    invited: Vec<(&'static str, &'static str)>,
    poll_closed: bool,
}

impl Directory for Dir {
    fn org_by_token(&self, token: &str) -> Option<OrgInfo> {
        self.orgs
            .iter()
            .find(|(_, _, t)| *t == token)
            .map(|(o, _, _)| o.clone())
    }
    fn org_by_address(&self, address: &str) -> Option<OrgInfo> {
        self.orgs
            .iter()
            .find(|(o, _, _)| o.address == address)
            .map(|(o, _, _)| o.clone())
    }
    fn org_by_domain(&self, domain: &str) -> Option<OrgInfo> {
        self.orgs
            .iter()
            .find(|(_, d, _)| d.iter().any(|d| domain_matches(domain, d)))
            .map(|(o, _, _)| o.clone())
    }
    fn sent(&self, _: &str) -> Option<SentInfo> {
        None
    }
    fn sent_to(&self, address: &str) -> Option<SentInfo> {
        self.invited
            .iter()
            .find(|(a, _)| *a == address)
            .map(|(a, org)| SentInfo {
                message_id: format!("ogp5.calendar.{org}.kickoff-1.r0.x@kdd.dep.no"),
                org_id: Some(org.to_string()),
                event_id: Some("kickoff".into()),
                kind: "calendar".into(),
                recipients: vec![a.to_string()],
            })
    }
    fn poll_closed(&self, _event: &str) -> bool {
        self.poll_closed
    }
    fn org(&self, id: &str) -> Option<OrgInfo> {
        self.orgs
            .iter()
            .find(|(o, _, _)| o.id == id)
            .map(|(o, _, _)| o.clone())
    }
}

fn dir() -> Dir {
    Dir {
        orgs: vec![(
            OrgInfo {
                id: "aid".into(),
                kind: OrgKind::Ministry,
                name: "Arbeids- og inkluderingsdepartementet".into(),
                address: "postmottak@aid.dep.no".into(),
            },
            vec!["aid.dep.no"],
            "bkt5uas4",
        )],
        invited: vec![("ola@nav.no", "aid")],
        poll_closed: false,
    }
}

fn config() -> Config {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
    Config::load(&path).unwrap()
}

fn decide_text(from: &str, headers: &str, body: &str) -> Decision {
    let config = config();
    let raw = format!(
        "From: {from}\r\nTo: tom-arne.nygaard+ogp5-bkt5uas4@kdd.dep.no\r\nSubject: SV: Invitasjon [OGP5:bkt5uas4]\r\nMessage-ID: <m@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\n{headers}\r\n{body}"
    );
    let understood = understand::understand(raw.as_bytes(), &understand::Context::from_config(&config));
    decide(
        &understood,
        &config,
        &dir(),
        "2022-06-16T09:00:00Z".parse().unwrap(),
    )
}

fn contact_of(decision: &Decision) -> Option<&str> {
    decision.actions.iter().find_map(|a| match a {
        Action::SetContact { org, .. } => Some(org.as_str()),
        _ => None,
    })
}

#[test]
fn the_ministry_itself_changes_its_contact_person() {
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "",
        "Kontaktperson for AID er Lise Berg, lise.berg@aid.dep.no, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Applied);
    assert_eq!(contact_of(&d), Some("aid"));
}

#[test]
fn a_subdomain_of_the_ministry_speaks_for_it() {
    let d = decide_text(
        "Lise Berg <lise.berg@post.aid.dep.no>",
        "",
        "Kontaktperson er Lise Berg, 917 23 456.",
    );
    assert_eq!(contact_of(&d), Some("aid"));
}

#[test]
fn someone_outside_the_ministry_never_changes_its_contact_person() {
    for from in [
        "Lise <lise@aid-dep.no>",
        "Lise <lise.berg@gmail.com>",
        "Lise <lise@aid.dep.no.example.com>",
    ] {
        let d = decide_text(from, "", "Ny kontaktperson for AID er Lise Berg, 917 23 456.");
        assert_eq!(d.outcome, Outcome::Review, "{from}");
        assert!(
            d.actions.iter().all(|a| matches!(a, Action::Review { .. })),
            "{from}: {d:?}"
        );
    }
}

#[test]
fn a_trusted_server_s_dmarc_fail_sends_the_change_to_review() {
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Authentication-Results: mx.kdd.dep.no; dmarc=fail header.from=aid.dep.no\r\n",
        "Kontaktperson er Lise Berg, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Review);
    // An untrusted server's verdict is not ours to act on.
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Authentication-Results: mx.example.org; dmarc=fail header.from=aid.dep.no\r\n",
        "Kontaktperson er Lise Berg, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Applied);
    // Without dmarc, a failed dkim or spf counts.
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Authentication-Results: mx.kdd.dep.no; dkim=fail header.d=aid.dep.no; spf=pass\r\n",
        "Kontaktperson er Lise Berg, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Review);
}

#[test]
fn an_outside_registration_with_a_ministry_token_creates_a_referred_ngo() {
    let d = decide_text(
        "Ingrid Sol <ingrid@reddbarna.no>",
        "",
        "Vi kommer gjerne, to personer.",
    );
    assert_eq!(d.outcome, Outcome::Applied);
    let created = d.actions.iter().find_map(|a| match a {
        Action::CreateNgo { id, referred_by, .. } => Some((id.clone(), referred_by.clone())),
        _ => None,
    });
    assert_eq!(created, Some(("reddbarna.no".into(), Some("aid".into()))));
}

#[test]
fn an_out_of_office_changes_nothing() {
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Auto-Submitted: auto-replied\r\n",
        "Jeg er på ferie. Kontaktperson i mitt fravær er Mona Vik, 917 00 000.",
    );
    assert_eq!(d.outcome, Outcome::Recorded);
    assert!(
        d.actions.iter().all(|a| matches!(a, Action::AutoReply { .. })),
        "{d:?}"
    );
}

/// A calendar message from `from` with `subject`, carrying `ics` as text/calendar if given.
fn decide_calendar(from: &str, subject: &str, ics: Option<&str>) -> Decision {
    let config = config();
    let head = format!(
        "From: {from}\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: {subject}\r\nMessage-ID: <c@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\nMIME-Version: 1.0\r\n"
    );
    let raw = match ics {
        Some(ics) => {
            let method = if ics.contains("METHOD:COUNTER") {
                "COUNTER"
            } else {
                "REPLY"
            };
            format!(
                "{head}Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{subject}\r\n--b\r\nContent-Type: text/calendar; method={method}; charset=utf-8\r\n\r\n{ics}\r\n--b--\r\n"
            )
        }
        None => format!("{head}Content-Type: text/plain; charset=utf-8\r\n\r\n\r\n"),
    };
    let understood = understand::understand(raw.as_bytes(), &understand::Context::from_config(&config));
    decide(
        &understood,
        &config,
        &dir(),
        "2022-06-16T09:00:00Z".parse().unwrap(),
    )
}

fn reply_ics(method: &str, attendee: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:{method}\r\nBEGIN:VEVENT\r\nUID:ogp5-kickoff@kdd.dep.no\r\nSEQUENCE:0\r\n{attendee}\r\nEND:VEVENT\r\nEND:VCALENDAR"
    )
}

fn attendance(decision: &Decision) -> Option<(String, String, Option<String>, Option<String>)> {
    decision.actions.iter().find_map(|a| match a {
        Action::SetAttendance {
            org,
            person,
            answer,
            delegate,
            ..
        } => Some((
            org.clone(),
            answer.clone(),
            person.email.clone(),
            delegate.as_ref().and_then(|d| d.email.clone()),
        )),
        _ => None,
    })
}

#[test]
fn an_attendee_s_calendar_acceptance_is_their_own_place() {
    let d = decide_calendar(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Godtatt: Samskapingsmøte om handlingsplan 5",
        Some(&reply_ics(
            "REPLY",
            "ATTENDEE;PARTSTAT=ACCEPTED;CN=Lise Berg:mailto:lise.berg@aid.dep.no",
        )),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(
        attendance(&d),
        Some((
            "aid".into(),
            "accepted".into(),
            Some("lise.berg@aid.dep.no".into()),
            None
        ))
    );
}

#[test]
fn outlook_s_answer_without_the_object_is_read_from_the_subject() {
    for (subject, answer) in [
        ("Godtatt: Samskapingsmøte om handlingsplan 5", "accepted"),
        ("Avslått: Samskapingsmøte om handlingsplan 5", "declined"),
        ("Tentative: Co-creation meeting on action plan 5", "tentative"),
    ] {
        let d = decide_calendar("Lise Berg <lise.berg@aid.dep.no>", subject, None);
        let (org, got, who, _) = attendance(&d).unwrap_or_else(|| panic!("{subject}: {d:?}"));
        assert_eq!((org.as_str(), got.as_str()), ("aid", answer), "{subject}");
        assert_eq!(who.as_deref(), Some("lise.berg@aid.dep.no"));
    }
}

#[test]
fn a_delegation_names_who_comes_instead() {
    let d = decide_calendar(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Delegert: Samskapingsmøte",
        Some(&reply_ics(
            "REPLY",
            "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:ola@nav.no\":mailto:lise.berg@aid.dep.no",
        )),
    );
    assert_eq!(
        attendance(&d),
        Some((
            "aid".into(),
            "delegated".into(),
            Some("lise.berg@aid.dep.no".into()),
            Some("ola@nav.no".into())
        ))
    );
}

#[test]
fn a_delegate_we_invited_answers_for_the_organisation_from_another_domain() {
    let d = decide_calendar(
        "Ola Nordmann <ola@nav.no>",
        "Godtatt: Samskapingsmøte om handlingsplan 5",
        Some(&reply_ics(
            "REPLY",
            "ATTENDEE;PARTSTAT=ACCEPTED;DELEGATED-FROM=\"mailto:lise.berg@aid.dep.no\":mailto:ola@nav.no",
        )),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(attendance(&d).map(|a| a.0), Some("aid".into()));
}

#[test]
fn a_calendar_answer_from_a_stranger_changes_nothing() {
    let d = decide_calendar(
        "Someone <someone@gmail.com>",
        "Accepted: Co-creation meeting on action plan 5",
        Some(&reply_ics(
            "REPLY",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:postmottak@aid.dep.no",
        )),
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(attendance(&d).is_none());
}

#[test]
fn a_counter_proposal_goes_to_a_person() {
    let d = decide_calendar(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Nytt tidspunkt foreslått: Samskapingsmøte",
        Some(&reply_ics(
            "COUNTER",
            "ATTENDEE;PARTSTAT=TENTATIVE:mailto:lise.berg@aid.dep.no",
        )),
    );
    assert_eq!(d.outcome, Outcome::Review);
    assert!(
        d.actions
            .iter()
            .any(|a| matches!(a, Action::Review { reason, .. } if reason.contains("COUNTER"))),
        "{d:?}"
    );
}

fn poll_answer_of(decision: &Decision) -> Option<(Vec<usize>, Vec<usize>)> {
    decision.actions.iter().find_map(|a| match a {
        Action::PollAnswer { yes, no, .. } => Some((yes.clone(), no.clone())),
        _ => None,
    })
}

#[test]
fn a_poll_answer_whose_client_dropped_in_reply_to_is_known_by_its_subject() {
    let config = config();
    let raw = "From: Lise Berg <lise.berg@aid.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: SV: Hvilken dato passer for Oppfølgingsmøte: forslagene konkretiseres? [OGP5:bkt5uas4]\r\nMessage-ID: <p@x>\r\nDate: Tue, 28 Jun 2022 10:00:00 +0200\r\n\r\nHei, 1 og 3 passer for AID.\r\n";
    let understood = understand::understand(raw.as_bytes(), &understand::Context::from_config(&config));
    let at = "2022-06-28T09:00:00Z".parse().unwrap();
    let d = decide(&understood, &config, &dir(), at);
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(poll_answer_of(&d), Some((vec![1, 3], vec![])));
    // Once the poll is closed, the same words are an ordinary reply.
    let closed = Dir {
        poll_closed: true,
        ..dir()
    };
    let d = decide(&understood, &config, &closed, at);
    assert_eq!(poll_answer_of(&d), None, "{d:?}");
}
