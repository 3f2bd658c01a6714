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
fn a_domain_made_to_look_like_an_organisation_s_is_seen_through() {
    for (fake, owned) in [
        ("mfa-no.org", "mfa.no"),
        ("fd-dep.no", "fd.dep.no"),
        ("kld.depp.no", "kld.dep.no"),
        ("kld.dep.no.eu", "kld.dep.no"),
        ("hod-dep.com", "hod.dep.no"),
    ] {
        assert!(resembles(fake, owned), "{fake} looks like {owned}");
    }
    for (other, owned) in [
        ("nfd.dep.no", "nfd.dep.no"),
        ("post.kld.dep.no", "kld.dep.no"),
        ("amnesty.no", "ud.dep.no"),
        ("transparency.no", "mfa.no"),
        ("lo.no", "ud.no"),
    ] {
        assert!(
            !resembles(other, owned),
            "{other} is not made to look like {owned}"
        );
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
    /// Our messages, by Message-ID.
    sent: Vec<SentInfo>,
    poll_closed: bool,
    /// What people answered the date poll before, by address.
    poll_answers: Vec<(&'static str, PollSaid)>,
    /// The people every organisation named before, and its contact with their number.
    named: Vec<Attendee>,
    contact: Option<(Attendee, Option<String>)>,
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
    fn sent(&self, message_id: &str) -> Option<SentInfo> {
        let id = message_id.trim_matches(|c| c == '<' || c == '>');
        self.sent.iter().find(|s| s.message_id == id).cloned()
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
    fn poll_answer(&self, _event: &str, address: &str) -> Option<PollSaid> {
        self.poll_answers
            .iter()
            .find(|(a, _)| *a == address)
            .map(|(_, said)| said.clone())
    }
    fn org(&self, id: &str) -> Option<OrgInfo> {
        self.orgs
            .iter()
            .find(|(o, _, _)| o.id == id)
            .map(|(o, _, _)| o.clone())
    }
    fn people_named(&self, _org: &str) -> Vec<Attendee> {
        self.named.clone()
    }
    fn contact_of(&self, _org: &str) -> Option<(Attendee, Option<String>)> {
        self.contact.clone()
    }
}

fn dir() -> Dir {
    Dir {
        orgs: vec![
            (
                OrgInfo {
                    id: "aid".into(),
                    kind: OrgKind::Ministry,
                    name: "Arbeids- og inkluderingsdepartementet".into(),
                    address: "postmottak@aid.dep.no".into(),
                },
                vec!["aid.dep.no"],
                "bkt5uas4",
            ),
            (
                OrgInfo {
                    id: "fin".into(),
                    kind: OrgKind::Ministry,
                    name: "Finansdepartementet".into(),
                    address: "postmottak@fin.dep.no".into(),
                },
                vec!["fin.dep.no"],
                "fjn4tokn",
            ),
        ],
        invited: vec![("ola@nav.no", "aid")],
        sent: vec![SentInfo {
            message_id: "ogp5.invitation.aid.kickoff.r1.4aq5fkorb7@kdd.dep.no".into(),
            org_id: Some("aid".into()),
            event_id: Some("kickoff".into()),
            kind: "invitation".into(),
            recipients: vec!["postmottak@aid.dep.no".into()],
        }],
        poll_closed: false,
        poll_answers: Vec::new(),
        named: Vec::new(),
        contact: None,
    }
}

fn config() -> Config {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
    Config::load(&path).unwrap()
}

/// The ogp5 config with its `[inbox]` trust line replaced by `trust` (TOML lines).
fn config_trusting(trust: &str) -> Config {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
    let source = std::fs::read_to_string(&path).unwrap();
    let line = source
        .lines()
        .find(|l| l.starts_with("trusted_authserv_ids"))
        .unwrap()
        .to_string();
    Config::from_source(&path, &source.replace(&line, trust)).unwrap_or_else(|e| panic!("{e}"))
}

/// Decides a whole raw message under `config`.
fn decide_raw_with(config: &Config, raw: &str) -> Decision {
    let understood = understand::understand(raw.as_bytes(), &understand::Context::from_config(config));
    decide(
        &understood,
        config,
        &dir(),
        "2022-06-16T09:00:00Z".parse().unwrap(),
    )
}

/// A message to FIN's plus-address from `from` with `headers` above it, saying `body`.
fn to_fin(from: &str, headers: &str, body: &str) -> String {
    format!(
        "{headers}From: {from}\r\nTo: tom-arne.nygaard+ogp5-fjn4tokn@kdd.dep.no\r\nSubject: SV: Invitasjon [OGP5:fjn4tokn]\r\nMessage-ID: <f@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\n\r\n{body}"
    )
}

/// Whether the decision changes anything itself (beyond setting aside and confirming).
fn changes_anything(d: &Decision) -> bool {
    d.actions
        .iter()
        .any(|a| !matches!(a, Action::Review { .. } | Action::Confirm { .. }))
}

/// The decision's review reasons in English; each is also written in bokmål, for the
/// coordinator's weekly status.
fn reasons(d: &Decision) -> String {
    d.actions
        .iter()
        .filter_map(|a| match a {
            Action::Review { reason, .. } => {
                assert!(
                    !reason.nb.is_empty() && reason.nb != reason.en,
                    "a reason only in English: {reason:?}"
                );
                Some(reason.en.clone())
            }
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" | ")
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

/// The header KDD's MX writes on a message from `from` ("Name <address>") that passed its
/// checks, as it does on every message that reaches the coordinator's mailbox.
fn passed(from: &str) -> String {
    let domain = domain_of(from.trim_end_matches('>'));
    format!(
        "Authentication-Results: mx.kdd.dep.no; dkim=pass header.d={domain}; spf=pass smtp.mailfrom={domain}; dmarc=pass header.from={domain}\r\n"
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
    let from = "Lise Berg <lise.berg@aid.dep.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Kontaktperson for AID er Lise Berg, lise.berg@aid.dep.no, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Applied);
    assert_eq!(contact_of(&d), Some("aid"));
}

#[test]
fn a_subdomain_of_the_ministry_speaks_for_it() {
    let from = "Lise Berg <lise.berg@post.aid.dep.no>";
    let d = decide_text(from, &passed(from), "Kontaktperson er Lise Berg, 917 23 456.");
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(contact_of(&d), Some("aid"));
}

#[test]
fn someone_outside_the_ministry_never_changes_its_contact_person() {
    for from in [
        "Lise <lise@aid-dep.no>",
        "Lise <lise.berg@gmail.com>",
        "Lise <lise@aid.dep.no.example.com>",
    ] {
        let d = decide_text(
            from,
            &passed(from),
            "Ny kontaktperson for AID er Lise Berg, 917 23 456.",
        );
        assert_eq!(d.outcome, Outcome::Review, "{from}");
        assert!(
            d.actions.iter().all(|a| matches!(a, Action::Review { .. })),
            "{from}: {d:?}"
        );
    }
}

#[test]
fn an_ngo_answering_a_forward_names_its_own_contact_person() {
    // Held as if it spoke for the ministry whose invitation it answers; the contact is at the
    // NGO's own domain and the text names no ministry.
    let from = "Even Sletten <even.sletten@nu.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Vi vil gjerne sende to fra Natur og Ungdom: meg og Oda Kristiansen (oda.kristiansen@nu.no). Kontaktperson for oss er Oda, 467 12 980.",
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(contact_of(&d), Some("nu.no"));
    // The same words for the ministry from a domain like its own stay with a person.
    let from = "Even Sletten <even.sletten@aid-dep.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Kontaktperson for AID er Oda Kristiansen (oda.kristiansen@aid-dep.no), 467 12 980.",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
}

#[test]
fn naming_the_ministry_that_passed_the_invitation_on_in_any_tense_is_no_speaking_for_it() {
    for said in [
        "Takk for at AID videresendte invitasjonen til oss.",
        "AID har videreformidlet invitasjonen til oss.",
        "AID forwarded your invitation to us.",
    ] {
        let from = "Even Sletten <even.sletten@nu.no>";
        let d = decide_text(
            from,
            &passed(from),
            &format!(
                "{said} Natur og Ungdom deltar gjerne ved Oda Kristiansen (oda.kristiansen@nu.no). Oda blir også kontaktperson, 467 12 980."
            ),
        );
        assert_eq!(d.outcome, Outcome::Applied, "{said}: {d:?}");
        assert_eq!(contact_of(&d), Some("nu.no"), "{said}");
    }
}

#[test]
fn words_like_passing_on_that_pass_nothing_on_still_name_the_ministry() {
    for said in [
        "Going forward, the contact person for AID is Oda Kristiansen (oda.kristiansen@arbeidstilsynet.no), 467 12 980.",
        "Jeg videresender til riktig person internt, men kontaktperson for AID blir Oda Kristiansen (oda.kristiansen@arbeidstilsynet.no), 467 12 980.",
    ] {
        let from = "Even Sletten <even.sletten@arbeidstilsynet.no>";
        let d = decide_text(from, &passed(from), said);
        assert_eq!(d.outcome, Outcome::Review, "{said}: {d:?}");
    }
}

#[test]
fn an_agency_registering_at_its_ministry_s_request_is_held_for_the_ministry() {
    let from = "Elin Hovde <elin.hovde@miljodir.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Arbeids- og inkluderingsdepartementet har bedt direktoratet om å delta på samskapingsmøtet. Vi melder derfor på meg og Kasper Lindqvist (kasper.lindqvist@miljodir.no).\n\nMed hilsen\nElin Hovde\nseksjonsleder\nArbeids- og velferdsdirektoratet",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(reasons(&d).contains("government agency"), "{d:?}");
}

#[test]
fn a_trusted_server_s_dmarc_fail_sends_the_change_to_review() {
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Authentication-Results: mx.kdd.dep.no; dmarc=fail header.from=aid.dep.no\r\n",
        "Kontaktperson er Lise Berg, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Review);
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
    let from = "Ingrid Sol <ingrid@reddbarna.no>";
    let d = decide_text(from, &passed(from), "Vi kommer gjerne, to personer.");
    assert_eq!(d.outcome, Outcome::Applied);
    let created = d.actions.iter().find_map(|a| match a {
        Action::CreateNgo { id, referred_by, .. } => Some((id.clone(), referred_by.clone())),
        _ => None,
    });
    assert_eq!(created, Some(("reddbarna.no".into(), Some("aid".into()))));
}

#[test]
fn a_long_message_that_records_nothing_is_set_aside_to_be_read_and_a_short_one_is_not() {
    let from = "Hanna Berg <hanna.berg@aid.dep.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Takk for et godt møte i går. Fra AID vil vi spille inn at tema f bør avgrenses til åpenhet om klimadata og utslippsregnskap, slik at det blir mulig å formulere målbare forpliktelser. Vi er også usikre på om tema a og b bør slås sammen, og tar gjerne en prat om det.",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(reasons(&d).contains("may need an answer"), "{d:?}");
    let d = decide_text(from, &passed(from), "Takk for et godt møte i går!");
    assert_eq!(d.outcome, Outcome::Recorded, "{d:?}");
}

#[test]
fn a_reply_that_says_nothing_but_carries_a_file_is_set_aside_for_the_file() {
    let from = "Hanna Berg <hanna.berg@aid.dep.no>";
    let multipart = "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n";
    let body = "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHanna Berg\r\nrådgiver\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"svar-AID.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";
    let d = decide_text(from, &format!("{}{multipart}", passed(from)), body);
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(reasons(&d).contains("svar-AID.pdf"), "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    // The same words without a file: nothing to record, and no one needs to read it.
    let d = decide_text(from, &passed(from), "Hanna Berg\r\nrådgiver");
    assert_eq!(d.outcome, Outcome::Recorded, "{d:?}");
}

#[test]
fn an_out_of_office_changes_nothing() {
    let from = "Lise Berg <lise.berg@aid.dep.no>";
    let d = decide_text(
        from,
        &format!("{}Auto-Submitted: auto-replied\r\n", passed(from)),
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
        "{}From: {from}\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: {subject}\r\nMessage-ID: <c@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\nMIME-Version: 1.0\r\n",
        passed(from)
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
            .any(|a| matches!(a, Action::Review { reason, .. } if reason.en.contains("COUNTER"))),
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
    let raw = "Authentication-Results: mx.kdd.dep.no; dmarc=pass header.from=aid.dep.no\r\nFrom: Lise Berg <lise.berg@aid.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: SV: Hvilken dato passer for Oppfølgingsmøte: forslagene konkretiseres? [OGP5:bkt5uas4]\r\nMessage-ID: <p@x>\r\nDate: Tue, 28 Jun 2022 10:00:00 +0200\r\n\r\nHei, 1 og 3 passer for AID.\r\n";
    let understood = understand::understand(raw.as_bytes(), &understand::Context::from_config(&config));
    let at = "2022-06-28T09:00:00Z".parse().unwrap();
    let d = decide(&understood, &config, &dir(), at);
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    // The poll asked which slots suit: the two it leaves out do not.
    assert_eq!(poll_answer_of(&d), Some((vec![1, 3], vec![2, 4])));
    // Once the poll is closed, the same words are an ordinary reply.
    let closed = Dir {
        poll_closed: true,
        ..dir()
    };
    let d = decide(&understood, &config, &closed, at);
    assert_eq!(poll_answer_of(&d), None, "{d:?}");
}

/// A poll answer from Lise at AID, known by its subject, decided against `dir`.
fn decide_poll_answer(body: &str, dir: &Dir) -> Decision {
    let config = config();
    let raw = format!(
        "Authentication-Results: mx.kdd.dep.no; dmarc=pass header.from=aid.dep.no\r\nFrom: Lise Berg <lise.berg@aid.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: SV: Hvilken dato passer for Oppfølgingsmøte: forslagene konkretiseres? [OGP5:bkt5uas4]\r\nMessage-ID: <p@x>\r\nDate: Tue, 28 Jun 2022 10:00:00 +0200\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    );
    let understood = understand::understand(raw.as_bytes(), &understand::Context::from_config(&config));
    decide(&understood, &config, dir, "2022-06-28T09:00:00Z".parse().unwrap())
}

/// (yes, no, maybe) of the decision's poll answer.
fn poll_said(d: &Decision) -> Option<(Vec<usize>, Vec<usize>, Vec<usize>)> {
    d.actions.iter().find_map(|a| match a {
        Action::PollAnswer { yes, no, maybe, .. } => Some((yes.clone(), no.clone(), maybe.clone())),
        _ => None,
    })
}

/// The words the decision's poll answer read `slot`'s answer from, if this answer spoke of it.
fn read_from(d: &Decision, slot: usize) -> Option<String> {
    d.actions.iter().find_map(|a| match a {
        Action::PollAnswer { evidence, .. } => evidence
            .iter()
            .find(|e| e.slot == slot && !e.text.is_empty())
            .map(|e| e.text.clone()),
        _ => None,
    })
}

#[test]
fn a_maybe_in_a_poll_answer_is_recorded_as_maybe_and_each_answer_keeps_its_words() {
    let d = decide_poll_answer(
        "Options 2 and 3 work for me. 4 is possible if need be, 1 doesn't work.",
        &dir(),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(poll_said(&d), Some((vec![2, 3], vec![1], vec![4])));
    assert_eq!(read_from(&d, 4).as_deref(), Some("4 is possible if need be"));
    assert_eq!(read_from(&d, 1).as_deref(), Some("1 doesn't work"));
    assert_eq!(read_from(&d, 2).as_deref(), Some("Options 2 and 3 work for me"));
    assert_eq!(read_from(&d, 3).as_deref(), Some("Options 2 and 3 work for me"));
    assert!(
        d.actions
            .iter()
            .any(|a| matches!(a, Action::Confirm { lang, .. } if lang == "en")),
        "{d:?}"
    );
}

#[test]
fn the_rehearsal_s_first_week_of_september_preferably_mornings_is_read_not_dropped() {
    // Was "nothing to record", and the poll closed on a slot with an explicit no.
    let d = decide_poll_answer(
        "Hei, vi kan bare første uka i september, helst om formiddagen.",
        &dir(),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(poll_said(&d), Some((vec![3], vec![1, 2], vec![4])));
}

#[test]
fn an_answer_with_good_bad_and_uncertain_slots_is_confirmed_as_written_not_inverted() {
    let d = decide_poll_answer(
        "29. august går ikke. 31. august og 5. september passer fint. 2. september er jeg usikker på.",
        &dir(),
    );
    assert_eq!(poll_said(&d), Some((vec![2, 4], vec![1], vec![3])), "{d:?}");
    assert_eq!(read_from(&d, 1).as_deref(), Some("29. august går ikke"));
    assert_eq!(
        read_from(&d, 3).as_deref(),
        Some("2. september er jeg usikker på")
    );
}

#[test]
fn an_answer_to_the_poll_that_names_no_date_is_read_by_a_person_not_filed_as_nothing() {
    // "Passer fint!" of four slots, or a signature over an attachment: the poll waits for it.
    for body in [
        "Passer fint!\r\n\r\nLise",
        "Lise Berg\r\nrådgiver\r\nArbeids- og inkluderingsdepartementet",
    ] {
        let d = decide_poll_answer(body, &dir());
        assert_eq!(d.outcome, Outcome::Review, "{body}: {d:?}");
        assert!(reasons(&d).contains("date poll"), "{d:?}");
        assert!(!changes_anything(&d), "{d:?}");
    }
}

#[test]
fn a_poll_answer_read_with_doubt_goes_to_review_with_the_reason_and_the_reading() {
    let d = decide_poll_answer("1 passer. 1 passer ikke.", &dir());
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(reasons(&d).contains("slot 1 is both yes and no"), "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
}

#[test]
fn a_question_inside_a_poll_answer_gets_a_review_item_and_the_answer_is_recorded() {
    let d = decide_poll_answer(
        "Ingen av forslagene passer, dessverre. Er det mulig å se på 7. eller 8. september?",
        &dir(),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(poll_said(&d), Some((vec![], vec![1, 2, 3, 4], vec![])));
    assert!(reasons(&d).contains("7.9."), "{d:?}");
}

#[test]
fn a_second_poll_answer_replaces_what_it_speaks_of_and_keeps_the_rest() {
    let before = Dir {
        poll_answers: vec![(
            "lise.berg@aid.dep.no",
            PollSaid {
                yes: vec![1, 3],
                no: vec![2, 4],
                maybe: vec![],
            },
        )],
        ..dir()
    };
    // A correction of one slot.
    let d = decide_poll_answer("Beklager, 3 passer likevel ikke.", &before);
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(poll_said(&d), Some((vec![1], vec![2, 3, 4], vec![])));
    // What it says of 3 keeps its words; 1, as answered before, has none from this message.
    assert!(
        read_from(&d, 3).is_some_and(|w| w.contains("3 passer likevel ikke")),
        "{d:?}"
    );
    assert_eq!(read_from(&d, 1), None, "{d:?}");
    // A correction that names what suits now: the rest is no.
    let d = decide_poll_answer("Rettelse: bare 2 passer likevel.", &before);
    assert_eq!(poll_said(&d), Some((vec![2], vec![1, 3, 4], vec![])), "{d:?}");
    // A correction that says both what suits now and what no longer does: the rest stands.
    let d = decide_poll_answer(
        "Rettelse til svaret vårt: 2 passer likevel, men 1 går ikke likevel.",
        &before,
    );
    assert_eq!(poll_said(&d), Some((vec![2, 3], vec![1, 4], vec![])), "{d:?}");
    // A second answer that only leaves out what the first offered: an addition or a correction?
    let d = decide_poll_answer("4 passer.", &before);
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(reasons(&d).contains("correction or an addition"), "{d:?}");
}

#[test]
fn a_poll_answer_that_also_declines_the_meeting_records_both() {
    // The decline was dropped: the poll answer alone was kept.
    let d = decide_poll_answer(
        "Ingen av datoene passer for AID, og vi får uansett ikke deltatt på oppfølgingsmøtet.",
        &dir(),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(poll_said(&d), Some((vec![], vec![1, 2, 3, 4], vec![])));
    assert!(
        d.actions.iter().any(|a| matches!(a,
            Action::SetRegistration { event, status, .. } if event == "followup" && status == "declined")),
        "{d:?}"
    );
}

#[test]
fn a_poll_answer_that_registers_someone_by_first_name_records_both_for_the_register_to_complete() {
    // "Tone" is completed by the register from the people AID named for its other meetings
    // (decide::attendance::completed), as in any reply.
    let known = Dir {
        named: vec![person("Tone Bjerke", Some("tone.bjerke@aid.dep.no"))],
        ..dir()
    };
    let d = decide_poll_answer(
        "2 og 4 passer for AID. På oppfølgingsmøtet kommer Tone og jeg.",
        &known,
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(poll_said(&d), Some((vec![2, 4], vec![1, 3], vec![])));
    let names: Vec<Option<String>> = d
        .actions
        .iter()
        .flat_map(|a| match a {
            Action::SetRegistration { event, attendees, .. } if event == "followup" => attendees.clone(),
            _ => Vec::new(),
        })
        .map(|a| a.name)
        .collect();
    assert_eq!(names, [Some("Tone".into()), Some("Lise Berg".into())], "{d:?}");
}

#[test]
fn a_poll_answer_proposed_before_there_was_a_maybe_still_reads() {
    let stored = r#"{"action":"poll_answer","org":"aid","event":"followup","address":"a@aid.dep.no","yes":[1],"no":[2]}"#;
    let action: Action = serde_json::from_str(stored).unwrap();
    assert!(
        matches!(action, Action::PollAnswer { ref maybe, ref evidence, .. } if maybe.is_empty() && evidence.is_empty())
    );
}

const MALLORY: &str = "Ny kontaktperson for FIN er Mallory Hansen, mallory@evil.example, 400 00 000.";

/// The config with `[inbox] without_verdict` set to `policy`.
fn config_without_verdict(policy: crate::config::WithoutVerdict) -> Config {
    let mut config = config();
    config.inbox.without_verdict = policy;
    config
}

#[test]
fn a_ministry_s_from_with_no_authentication_results_changes_nothing_when_servers_are_trusted() {
    let d = decide_raw_with(
        &config_without_verdict(crate::config::WithoutVerdict::Review),
        &to_fin("Lise Berg <lise.berg@fin.dep.no>", "", MALLORY),
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert!(
        reasons(&d).contains("no Authentication-Results from a trusted server"),
        "{d:?}"
    );
}

#[test]
fn mail_with_no_verdict_at_all_is_internal_when_the_config_says_so_and_a_stranger_is_still_no_contact() {
    let accept = config_without_verdict(crate::config::WithoutVerdict::Accept);
    let d = decide_raw_with(&accept, &to_fin("Lise Berg <lise.berg@fin.dep.no>", "", MALLORY));
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(reasons(&d).contains("mallory@evil.example"), "{d:?}");
    let own = "Jeg er kontaktperson for FIN, tlf. 915 55 321.";
    let d = decide_raw_with(&accept, &to_fin("Lise Berg <lise.berg@fin.dep.no>", "", own));
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    // A verdict written by a server that is not trusted is not "no verdict".
    let untrusted = "Authentication-Results: mx.evil.example; dmarc=pass header.from=fin.dep.no\r\n";
    let d = decide_raw_with(
        &accept,
        &to_fin("Lise Berg <lise.berg@fin.dep.no>", untrusted, own),
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
}

#[test]
fn a_pass_written_by_a_server_that_is_not_trusted_is_no_authentication() {
    let d = decide_raw_with(
        &config(),
        &to_fin(
            "Lise Berg <lise.berg@fin.dep.no>",
            "Authentication-Results: mx.evil.example; dkim=pass header.d=fin.dep.no; dmarc=pass header.from=fin.dep.no\r\n",
            "Kontaktperson for FIN er Lise Berg, lise.berg@fin.dep.no.",
        ),
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert!(reasons(&d).contains("not trusted (mx.evil.example)"), "{d:?}");
}

#[test]
fn a_contact_person_outside_the_organisation_s_domains_goes_to_review() {
    let from = "Lise Berg <lise.berg@fin.dep.no>";
    let d = decide_raw_with(&config(), &to_fin(from, &passed(from), MALLORY));
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert!(
        reasons(&d).contains("mallory@evil.example is outside the organisation's own domains"),
        "{d:?}"
    );
    // At its own domain, the same message is the ministry's to make.
    let d = decide_raw_with(
        &config(),
        &to_fin(
            from,
            &passed(from),
            "Ny kontaktperson for FIN er Lise Berg, lise.berg@fin.dep.no.",
        ),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
}

#[test]
fn without_trusted_servers_the_from_header_alone_decides() {
    let config = config_trusting("");
    assert!(!authority::configured(&config.inbox));
    let d = decide_raw_with(
        &config,
        &to_fin(
            "Lise Berg <lise.berg@fin.dep.no>",
            "",
            "Ny kontaktperson for FIN er Lise Berg, lise.berg@fin.dep.no.",
        ),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
}

#[test]
fn where_the_domain_publishes_no_dmarc_an_aligned_dkim_or_spf_pass_counts() {
    let from = "Lise Berg <lise.berg@fin.dep.no>";
    let body = "Kontaktperson for FIN er Lise Berg, lise.berg@fin.dep.no.";
    for (header, applied) in [
        (
            "mx.kdd.dep.no; dkim=pass header.d=fin.dep.no; dmarc=none header.from=fin.dep.no",
            true,
        ),
        (
            "mx.kdd.dep.no; spf=pass smtp.mailfrom=bounce@post.fin.dep.no; dmarc=none",
            true,
        ),
        (
            "mx.kdd.dep.no; dkim=pass header.d=evil.example; dmarc=none header.from=fin.dep.no",
            false,
        ),
        (
            "mx.kdd.dep.no; spf=pass smtp.mailfrom=evil.example; dmarc=none",
            false,
        ),
        (
            "mx.kdd.dep.no; spf=softfail smtp.mailfrom=fin.dep.no; dkim=none",
            false,
        ),
        ("mx.kdd.dep.no; dmarc=temperror header.from=fin.dep.no", false),
        // A pass about another From than this message's is no pass for it.
        ("mx.kdd.dep.no; dmarc=pass header.from=evil.example", false),
    ] {
        let d = decide_raw_with(
            &config(),
            &to_fin(from, &format!("Authentication-Results: {header}\r\n"), body),
        );
        let want = if applied {
            Outcome::Applied
        } else {
            Outcome::Review
        };
        assert_eq!(d.outcome, want, "{header}: {d:?}");
    }
}

/// Exchange Online's headers on arrival. The `Authentication-Results` values the tests pass are
/// the shapes Microsoft's documentation gives: "Email authentication in cloud organizations"
/// (learn.microsoft.com/defender-office-365/email-authentication-about, section "Composite
/// authentication", its four examples) and "Anti-spam message headers in cloud organizations"
/// (learn.microsoft.com/defender-office-365/message-headers-eop-mdo, the syntax of each verdict
/// and of compauth). Microsoft documents no whole header block, so the lines around it are in
/// the order real messages in Exchange Online mailboxes show (host names and times made up): the
/// tenant's internal hops on top, then the header, `Received-SPF`, and the frontend that took the
/// message from the internet (`… by X.mail.protection.outlook.com … via Frontend Transport`).
/// `sender_wrote` is what the sender put in its own header block, below all of that.
fn from_exchange_online(auth: &str, sender_wrote: &str, from: &str, body: &str) -> String {
    format!(
        "Received: from AM6PR02CA0019.eurprd02.prod.outlook.com (2603:10a6:20b:6e::32) by\r\n DB8PR02MB5993.eurprd02.prod.outlook.com (2603:10a6:10:ee::21) with Microsoft SMTP\r\n Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n 15.20.4308.21; Thu, 16 Jun 2022 08:00:01 +0000\r\nReceived: from VE1EUR03FT020.eop-EUR03.prod.protection.outlook.com\r\n (2603:10a6:20b:6e:cafe::8f) by AM6PR02CA0019.outlook.office365.com\r\n (2603:10a6:20b:6e::32) with Microsoft SMTP Server (version=TLS1_2,\r\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.4308.21 via Frontend\r\n Transport; Thu, 16 Jun 2022 08:00:01 +0000\r\nAuthentication-Results: {auth}\r\nReceived-SPF: Pass (protection.outlook.com: domain of fin.dep.no designates\r\n 10.2.3.4 as permitted sender) receiver=protection.outlook.com;\r\n client-ip=10.2.3.4; helo=mx.fin.dep.no;\r\nReceived: from mx.fin.dep.no (10.2.3.4) by\r\n VE1EUR03FT020.mail.protection.outlook.com (10.152.18.242) with Microsoft SMTP\r\n Server id 15.20.4308.20 via Frontend Transport; Thu, 16 Jun 2022 08:00:00 +0000\r\n{sender_wrote}{}",
        to_fin(from, "", body)
    )
}

const EXCHANGE_PASS: &str = "spf=pass (sender IP is 10.2.3.4)\r\n smtp.mailfrom=fin.dep.no; kdd.dep.no; dkim=pass\r\n (signature was verified) header.d=fin.dep.no;kdd.dep.no; dmarc=pass\r\n action=none header.from=fin.dep.no;compauth=pass reason=100";

#[test]
fn exchange_online_s_own_header_on_arrival_counts_when_trusted() {
    let from = "Lise Berg <lise.berg@fin.dep.no>";
    let body = "Kontaktperson for FIN er Lise Berg, lise.berg@fin.dep.no.";
    let raw = from_exchange_online(EXCHANGE_PASS, "", from, body);
    let exchange = config_trusting("trust_exchange_online = true");
    assert_eq!(decide_raw_with(&exchange, &raw).outcome, Outcome::Applied);
    // Microsoft's example of a domain without DMARC whose DKIM signature aligns.
    let bestguess = "spf=none (sender IP is 10.2.3.4)\r\n    smtp.mailfrom=fin.dep.no; contoso.com; dkim=pass\r\n    (signature was verified) header.d=outbound.fin.dep.no;\r\n    contoso.com; dmarc=bestguesspass action=none\r\n    header.from=fin.dep.no; compauth=pass reason=109";
    let raw = from_exchange_online(bestguess, "", from, body);
    assert_eq!(decide_raw_with(&exchange, &raw).outcome, Outcome::Applied);
    // Not trusted unless asked: it names no server, so no authserv-id can name it.
    let raw = from_exchange_online(EXCHANGE_PASS, "", from, body);
    assert_eq!(decide_raw_with(&config(), &raw).outcome, Outcome::Review);
}

#[test]
fn exchange_online_s_compauth_fail_is_a_fail() {
    let from = "Lise Berg <lise.berg@fin.dep.no>";
    let body = "Kontaktperson for FIN er Lise Berg, lise.berg@fin.dep.no.";
    let exchange = config_trusting("trust_exchange_online = true");
    // Microsoft's example of a signature by another domain than the From's.
    let unaligned = "spf=none (sender IP is 192.168.1.8)\r\n  smtp.mailfrom=maliciousdomain.com; contoso.com; dkim=pass\r\n  (signature was verified) header.d=maliciousdomain.com;\r\n  contoso.com; dmarc=none action=none header.from=fin.dep.no;\r\n  compauth=fail reason=001";
    let d = decide_raw_with(&exchange, &from_exchange_online(unaligned, "", from, body));
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(reasons(&d).contains("compauth=fail"), "{d:?}");
    // compauth=fail outweighs a dmarc=pass in the same header.
    let mixed = "spf=pass (sender IP is 10.2.3.4) smtp.mailfrom=fin.dep.no; dkim=pass (signature was verified) header.d=fin.dep.no;dmarc=pass action=none header.from=fin.dep.no;compauth=fail reason=000";
    let d = decide_raw_with(&exchange, &from_exchange_online(mixed, "", from, body));
    assert!(reasons(&d).contains("compauth=fail"), "{d:?}");
}

#[test]
fn a_copy_of_exchange_online_s_header_written_by_the_sender_counts_for_nothing() {
    let from = "Lise Berg <lise.berg@fin.dep.no>";
    let exchange = config_trusting("trust_exchange_online = true");
    let forged = format!("Authentication-Results: {EXCHANGE_PASS}\r\n");
    // Exchange Online's own header says the truth; the sender's copy below its entry is ignored.
    let fail = "spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=fin.dep.no; dkim=none (message not signed) header.d=none;dmarc=fail action=oreject header.from=fin.dep.no;compauth=fail reason=000";
    let d = decide_raw_with(&exchange, &from_exchange_online(fail, &forged, from, MALLORY));
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    // A sender's copy alone, below the entry hop, is not Exchange Online's header.
    let raw = format!(
        "Received: from mx.evil.example (198.51.100.7) by\r\n VE1EUR03FT020.mail.protection.outlook.com (10.152.18.242) with Microsoft SMTP\r\n Server id 15.20.4308.20 via Frontend Transport; Thu, 16 Jun 2022 08:00:00 +0000\r\n{forged}{}",
        to_fin(from, "", MALLORY)
    );
    let d = decide_raw_with(&exchange, &raw);
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    // Nor is one in a message with no entry hop at all.
    let d = decide_raw_with(&exchange, &format!("{forged}{}", to_fin(from, "", MALLORY)));
    assert!(!changes_anything(&d), "{d:?}");
}

/// A registration for the kick-off from `from` (authenticated) naming `people` with addresses.
fn registering(from: &str, people: &[String]) -> String {
    let list: String = people.iter().map(|p| format!("- {p}\r\n")).collect();
    format!(
        "{}From: {from}\r\nTo: tom-arne.nygaard+ogp5-bkt5uas4@kdd.dep.no\r\nSubject: SV: Invitasjon [OGP5:bkt5uas4]\r\nMessage-ID: <r@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\n\r\nVi melder på disse til samskapingsmøtet 23. juni:\r\n{list}\r\nMed vennlig hilsen\r\nAvsenderen\r\n",
        passed(from)
    )
}

fn registered(d: &Decision) -> Vec<String> {
    d.actions
        .iter()
        .flat_map(|a| match a {
            Action::SetRegistration { attendees, .. } => attendees.clone(),
            _ => Vec::new(),
        })
        .filter_map(|a| a.email)
        .collect()
}

#[test]
fn an_ngo_that_writes_in_registers_only_its_own_people() {
    let people = [
        "Ingrid Sol <ingrid@reddbarna.no>".to_string(),
        "Martin Lund <martin@post.reddbarna.no>".to_string(),
        "Ola Fremmed <ola@elsewhere.example>".to_string(),
    ];
    let d = decide_raw_with(
        &config(),
        &registering("Ingrid Sol <ingrid@reddbarna.no>", &people),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(
        registered(&d),
        ["ingrid@reddbarna.no", "martin@post.reddbarna.no"]
    );
    let proposal = d.actions.iter().find_map(|a| match a {
        Action::Review { proposal, reason, .. } if reason.en.contains("ola@elsewhere.example") => {
            Some(proposal.clone())
        }
        _ => None,
    });
    let proposed = proposal.unwrap_or_else(|| panic!("no review for the stranger: {d:?}"));
    assert_eq!(
        registered(&Decision {
            org: None,
            outcome: Outcome::Review,
            actions: proposed,
            summary: String::new()
        }),
        ["ola@elsewhere.example"]
    );
}

#[test]
fn a_ministry_s_authenticated_message_may_name_people_elsewhere() {
    let people = [
        "Lise Berg <lise.berg@aid.dep.no>".to_string(),
        "Ola Nordmann <ola@nav.no>".to_string(),
    ];
    let d = decide_raw_with(
        &config(),
        &registering("Lise Berg <lise.berg@aid.dep.no>", &people),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(registered(&d), ["lise.berg@aid.dep.no", "ola@nav.no"]);
}

#[test]
fn a_message_naming_more_people_than_the_cap_goes_to_review_whole() {
    let config = config();
    assert_eq!(config.inbox.people_per_message, 20);
    let people: Vec<String> = (0..21)
        .map(|i| format!("Person {i} <person{i}@org{}.example>", i % 5))
        .collect();
    for from in ["Lise Berg <lise.berg@aid.dep.no>", "Eve <eve@stranger.example>"] {
        let d = decide_raw_with(&config, &registering(from, &people));
        assert_eq!(d.outcome, Outcome::Review, "{from}: {d:?}");
        assert!(!changes_anything(&d), "{from}: {d:?}");
        assert!(reasons(&d).contains("names 21 people"), "{from}: {d:?}");
    }
    // Twenty is allowed from the ministry itself.
    let d = decide_raw_with(
        &config,
        &registering("Lise Berg <lise.berg@aid.dep.no>", &people[..20]),
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(registered(&d).len(), 20);
}

/// A delivery report to AID's plus-address about `recipient`, returning the headers `returned`.
fn report(recipient: &str, returned: &str) -> String {
    format!(
        "From: MAILER-DAEMON@mx.evil.example (Mail Delivery System)\r\nTo: tom-arne.nygaard+ogp5-bkt5uas4@kdd.dep.no\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.evil.example\r\n\r\nFinal-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <{recipient}>: User unknown\r\n\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n{returned}\r\n--B--\r\n"
    )
}

fn bounced(d: &Decision) -> Vec<(String, Option<String>)> {
    d.actions
        .iter()
        .filter_map(|a| match a {
            Action::Bounce {
                recipient,
                sent_message_id,
                ..
            } => Some((recipient.clone(), sent_message_id.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_delivery_report_that_names_no_message_of_ours_to_that_address_goes_to_review() {
    for returned in [
        // The token alone, as anyone the invitation was forwarded to knows it.
        "Subject: Invitasjon [OGP5:bkt5uas4]".to_string(),
        // A Message-ID we never used.
        "Message-ID: <ogp5.invitation.aid.kickoff.r1.guessed@kdd.dep.no>".to_string(),
    ] {
        let d = decide_raw_with(&config(), &report("postmottak@aid.dep.no", &returned));
        assert_eq!(d.outcome, Outcome::Review, "{returned}: {d:?}");
        assert!(bounced(&d).is_empty(), "{returned}: {d:?}");
        assert!(reasons(&d).contains("names no message samskap sent"), "{d:?}");
    }
    // Our message, but to someone else than the address said to have failed.
    let d = decide_raw_with(
        &config(),
        &report(
            "lise.berg@aid.dep.no",
            "Message-ID: <ogp5.invitation.aid.kickoff.r1.4aq5fkorb7@kdd.dep.no>",
        ),
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(bounced(&d).is_empty(), "{d:?}");
}

#[test]
fn a_delivery_report_returning_our_message_to_that_address_counts() {
    let d = decide_raw_with(
        &config(),
        &report(
            "postmottak@aid.dep.no",
            "Message-ID: <ogp5.invitation.aid.kickoff.r1.4aq5fkorb7@kdd.dep.no>",
        ),
    );
    assert_eq!(d.outcome, Outcome::Recorded, "{d:?}");
    assert_eq!(
        bounced(&d),
        [(
            "postmottak@aid.dep.no".to_string(),
            Some("ogp5.invitation.aid.kickoff.r1.4aq5fkorb7@kdd.dep.no".to_string())
        )]
    );
}

fn proposed_for(d: &Decision) -> Vec<String> {
    d.actions
        .iter()
        .flat_map(|a| match a {
            Action::Review { proposal, .. } => proposal.clone(),
            _ => Vec::new(),
        })
        .filter_map(|a| match a {
            Action::SetRegistration { org, .. } => Some(org),
            _ => None,
        })
        .collect()
}

#[test]
fn a_ministry_s_employee_writing_from_a_private_address_is_held_for_the_ministry() {
    let from = "Lise Berg <lise.berg77@gmail.com>";
    let d = decide_text(
        from,
        &passed(from),
        "Hei! Jeg kommer på møtet torsdag. Sitter hjemme uten VPN, derfor privat adresse.\r\n\r\nHilsen Lise Berg\r\nAID\r\n",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert!(reasons(&d).contains("private address"), "{d:?}");
    assert_eq!(
        proposed_for(&d),
        ["aid"],
        "the reading is kept for the ministry: {d:?}"
    );
}

#[test]
fn an_ngo_on_webmail_that_says_who_it_is_joins_as_itself() {
    let from = "\"Aksjon for åpenhet\" <aksjon.apenhet@gmail.com>";
    let d = decide_text(
        from,
        &passed(from),
        "Vi melder oss på møtet 23. juni, én person: Eva Strand.\r\n",
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert!(
        d.actions.iter().any(|a| matches!(a, Action::CreateNgo { .. })),
        "{d:?}"
    );
}

#[test]
fn an_agency_registering_on_behalf_of_a_ministry_is_held_for_the_ministry() {
    let from = "Siv Moen <siv.moen@brreg.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Brønnøysundregistrene stiller på samskapingsmøtet på vegne av Arbeids- og inkluderingsdepartementet. Fra oss kommer Siv Moen.\r\n",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert!(reasons(&d).contains("on behalf of"), "{d:?}");
    assert_eq!(proposed_for(&d), ["aid"]);
    // An NGO that says it comes on behalf of itself is an NGO.
    let from = "Michael Brandt <michael.brandt@nca.no>";
    let d = decide_text(
        from,
        &passed(from),
        "I will attend the meeting on Thursday on behalf of NCA.\r\n\r\nKind regards,\r\nMichael Brandt\r\nNorwegian Church Aid\r\n",
    );
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
}

#[test]
fn an_ngo_writing_fresh_about_the_process_by_its_acronym_is_read() {
    let from = "Ida Lie <ida@okfn.no>";
    let raw = format!(
        "{}From: {from}\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: OGP-møtet\r\nMessage-ID: <f@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\n\r\nVi i Open Knowledge Norge har hørt om OGP-møtet og vil gjerne delta. Jeg kommer.\r\n\r\nHilsen Ida Lie\r\nOpen Knowledge Norge\r\n",
        passed(from)
    );
    let d = decide_raw_with(&config(), &raw);
    assert_ne!(d.outcome, Outcome::Ignored, "{d:?}");
    assert!(
        d.actions.iter().any(|a| matches!(a, Action::CreateNgo { .. })),
        "{d:?}"
    );
}

#[test]
fn a_registration_keeps_the_words_it_was_read_from() {
    let from = "Lise Berg <lise.berg@aid.dep.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Hei,\r\n\r\nFra AID kommer jeg og Ola Hansen (ola.hansen@aid.dep.no) på møtet 23. juni.\r\n",
    );
    let words: Vec<String> = d
        .actions
        .iter()
        .flat_map(|a| match a {
            Action::SetRegistration { evidence, .. } => evidence.iter().map(|e| e.text.clone()).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert!(
        words.iter().any(
            |w| w.contains("Fra AID kommer jeg og Ola Hansen (ola.hansen@aid.dep.no) på møtet 23. juni.")
        ),
        "{words:?}"
    );
}

/// A fresh message (no token) to the coordinator from `from`, saying `body`.
fn fresh(from: &str, to_cc: &str, body: &str) -> Decision {
    let raw = format!(
        "{}From: {from}\r\n{to_cc}Subject: OGP-møtet 23. juni\r\nMessage-ID: <fresh@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\n\r\n{body}",
        passed(from)
    );
    decide_raw_with(&config(), &raw)
}

#[test]
fn a_private_person_on_webmail_who_names_no_organisation_is_for_the_coordinator_to_answer() {
    let d = fresh(
        "Eli Moe <eli.moe1990@gmail.com>",
        "To: tom-arne.nygaard@kdd.dep.no\r\n",
        "Hei! Jeg studerer statsvitenskap og har lest om OGP-møtet. Jeg vil gjerne melde meg på, hvis det går an.\r\n\r\nHilsen Eli Moe\r\n",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(
        !changes_anything(&d),
        "no organisation is made of a private person: {d:?}"
    );
    assert!(reasons(&d).contains("private person"), "{d:?}");
}

#[test]
fn a_ministry_employee_on_webmail_signing_with_the_department_is_held_for_the_ministry() {
    let d = fresh(
        "Tor Lia <torlia@online.no>",
        "To: tom-arne.nygaard@kdd.dep.no\r\n",
        "Hei,\r\n\r\nJeg skriver hjemmefra og melder meg på OGP-møtet 23. juni fra departementet.\r\n\r\nTor Lia\r\nSkatteavdelingen, FIN\r\n",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert!(reasons(&d).contains("private address"), "{d:?}");
}

#[test]
fn a_message_to_others_with_the_coordinator_in_copy_that_records_nothing_is_only_logged() {
    let from = "Lise Berg <lise.berg@aid.dep.no>";
    let body = "Til Redd Barna og Amnesty\r\n\r\nVi har fått invitasjonen nedenfor om arbeidet med den femte handlingsplanen for åpenhet i forvaltningen, og vi er bedt om å sende den videre til organisasjonene vi samarbeider med. Vi tror dere har mye å bidra med og oppfordrer dere til å delta. Påmelding sendes direkte til koordinatoren i KDD, som har kopi.\r\n\r\nVennlig hilsen\r\nLise Berg\r\n";
    let d = fresh(
        from,
        "To: post@reddbarna.no, info@amnesty.no\r\nCc: Tom Arne Nygaard <tom-arne.nygaard@kdd.dep.no>\r\n",
        body,
    );
    assert_ne!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    // The same words written to the coordinator are read by a person.
    let d = fresh(from, "To: tom-arne.nygaard@kdd.dep.no\r\n", body);
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
}

#[test]
fn a_writer_signing_as_the_ministry_from_a_look_alike_domain_changes_nothing() {
    let from = "Lise Berg <lise.berg@aid-dep.no>";
    let d = decide_text(
        from,
        &passed(from),
        "AID melder på to: Lise Berg og Per Lie.\r\n\r\nLise Berg\r\nArbeids- og inkluderingsdepartementet\r\n",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert!(reasons(&d).contains("looks like"), "{d:?}");
}

#[test]
fn a_writer_signing_as_the_ministry_from_another_domain_is_held_for_the_ministry() {
    let from = "Lise Berg <lise.berg@konsulenthuset.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Vi kommer to fra oss på samskapingsmøtet.\r\n\r\nVennlig hilsen\r\nLise Berg\r\nArbeids- og inkluderingsdepartementet\r\n",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert!(reasons(&d).contains("signed as"), "{d:?}");
    assert_eq!(proposed_for(&d), ["aid"], "{d:?}");
}

#[test]
fn an_archive_the_ministry_asked_to_go_for_it_is_held_for_the_ministry() {
    let from = "Gro Aalvik <gro.aalvik@arkivverket.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Arbeids- og inkluderingsdepartementet har bedt oss om å representere departementet på samskapingsmøtet. Fra oss kommer jeg.\r\n\r\nVennlig hilsen\r\nGro Aalvik\r\nArkivverket\r\n",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert_eq!(proposed_for(&d), ["aid"], "{d:?}");
}

#[test]
fn an_agency_the_ministry_asked_to_go_for_it_is_held_for_the_ministry_with_no_token_too() {
    let from = "Arve Sunde <arve.sunde@arbeidstilsynet.no>";
    let config = config();
    let raw = format!(
        "From: {from}\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Deltakelse fra Arbeidstilsynet\r\nMessage-ID: <ag@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\n{}\r\nArbeids- og inkluderingsdepartementet har bedt oss i Arbeidstilsynet om å delta på samskapingsmøtet på vegne av departementet.\r\n\r\nVi melder på:\r\n- Arve Sunde, seksjonssjef, arve.sunde@arbeidstilsynet.no\r\n\r\nMed hilsen\r\nArve Sunde\r\nArbeidstilsynet\r\n",
        passed(from)
    );
    let d = decide_raw_with(&config, &raw);
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert_eq!(proposed_for(&d), ["aid"], "{d:?}");
}

#[test]
fn a_recall_sets_the_message_it_takes_back_aside_for_the_coordinator() {
    let from = "Lise Berg <lise.berg@aid.dep.no>";
    let config = config();
    let raw = format!(
        "From: {from}\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Tilbakekall: SV: Invitasjon [OGP5:bkt5uas4]\r\nMessage-ID: <rc@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\n{}\r\nLise Berg ønsker å tilbakekalle meldingen «SV: Invitasjon [OGP5:bkt5uas4]».",
        passed(from)
    );
    let d = decide_raw_with(&config, &raw);
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
    assert!(reasons(&d).contains("take back"), "{d:?}");
    assert_eq!(d.org.as_deref(), Some("aid"), "{d:?}");
}

#[test]
fn a_ministry_of_two_fields_goes_by_the_first_field_s_name_too() {
    assert_eq!(
        short_names("Justis- og beredskapsdepartementet").as_deref(),
        Some("Justisdepartementet")
    );
    assert_eq!(
        short_names("Kommunal- og distriktsdepartementet").as_deref(),
        Some("Kommunaldepartementet")
    );
    assert_eq!(short_names("Kunnskapsdepartementet"), None);
    assert_eq!(short_names("Statsministerens kontor"), None);
}

/// A fresh message with no token and no word of the process's name: `subject` and `body`.
fn decide_fresh(from: &str, subject: &str, body: &str) -> Decision {
    let raw = format!(
        "From: {from}\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: {subject}\r\nMessage-ID: <f@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\n{}\r\n{body}",
        passed(from)
    );
    decide_raw_with(&config(), &raw)
}

fn creates_an_ngo(d: &Decision) -> bool {
    d.actions.iter().any(|a| matches!(a, Action::CreateNgo { .. }))
}

#[test]
fn a_fresh_registration_that_names_the_meeting_s_day_the_invitation_or_a_ministry_belongs_to_the_process() {
    let from = "Marte Hoff <marte.hoff@nbu.no>";
    for body in [
        "Vi fekk tips om møtet fra Landbruks- og matdepartementet. Eg kjem gjerne.",
        "Forum for utvikling og miljø delte invitasjonen med oss. Vi melder på Nikolai Hovde og meg.",
        "Jeg kommer gjerne på møtet 23. juni.",
    ] {
        assert!(creates_an_ngo(&decide_fresh(from, "Påmelding", body)), "{body}");
    }
    // The same words of coming about nothing of the process are not its.
    let d = decide_fresh(from, "Sommerfest", "Jeg kommer gjerne på festen fredag.");
    assert!(!creates_an_ngo(&d));
    assert_eq!(d.outcome, Outcome::Ignored);
}

/// The ministry named once in full, then as "departementet", asked the writer to go for it.
#[test]
fn a_consultant_the_ministry_asked_to_go_for_it_is_held_for_the_ministry() {
    let from = "Henning Rasmussen <henning.rasmussen@inventura.no>";
    let d = decide_text(
        from,
        &passed(from),
        "Jeg er innleid som konsulent i Arbeids- og inkluderingsdepartementet. Departementet har sendt meg invitasjonen og bedt meg delta på møtet 23. juni på deres vegne, så jeg melder meg herved på.\n\nMed vennlig hilsen\nHenning Rasmussen\nInventura AS",
    );
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(!changes_anything(&d), "{d:?}");
}

fn person(name: &str, email: Option<&str>) -> Attendee {
    Attendee {
        name: Some(name.into()),
        email: email.map(str::to_string),
    }
}

/// A reply from AID decided against `dir`.
fn decide_against(dir: &Dir, from: &str, body: &str) -> Decision {
    let config = config();
    let raw = format!(
        "From: {from}\r\nTo: tom-arne.nygaard+ogp5-bkt5uas4@kdd.dep.no\r\nSubject: SV: Registrert [OGP5:bkt5uas4]\r\nMessage-ID: <m@x>\r\nDate: Tue, 28 Jun 2022 10:00:00 +0200\r\n{}\r\n{body}",
        passed(from)
    );
    let understood = understand::understand(raw.as_bytes(), &understand::Context::from_config(&config));
    decide(&understood, &config, dir, "2022-06-28T09:00:00Z".parse().unwrap())
}

fn set_contact(d: &Decision) -> Option<(Option<String>, Option<String>, Option<String>)> {
    d.actions.iter().find_map(|a| match a {
        Action::SetContact {
            name, email, phone, ..
        } => Some((name.clone(), email.clone(), phone.clone())),
        _ => None,
    })
}

#[test]
fn a_contact_named_by_first_name_is_the_one_the_organisation_named_before_or_is_set_aside() {
    let from = "Håkon Lunde <hakon.lunde@aid.dep.no>";
    let body = "Kontaktperson for AID blir Marit, tlf. 22 24 45 18.";
    let known = Dir {
        named: vec![person("Marit Engen", Some("marit.engen@aid.dep.no"))],
        ..dir()
    };
    let d = decide_against(&known, from, body);
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
    assert_eq!(
        set_contact(&d),
        Some((
            Some("Marit Engen".into()),
            Some("marit.engen@aid.dep.no".into()),
            Some("+4722244518".into())
        ))
    );
    // A full name named before without its address gets the address it had.
    let d = decide_against(
        &known,
        from,
        "Kontaktperson for AID blir Marit Engen, tlf. 22 24 45 18.",
    );
    assert_eq!(
        set_contact(&d).and_then(|c| c.1).as_deref(),
        Some("marit.engen@aid.dep.no")
    );
    // No Marit known: a person asks who she is.
    let d = decide_against(&dir(), from, body);
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(reasons(&d).contains("named Marit only"), "{}", reasons(&d));
}

#[test]
fn a_new_number_for_the_contact_changes_the_contact_and_for_anyone_else_nothing() {
    let are = person("Are Lindholm", Some("are.lindholm@aid.dep.no"));
    let with_contact = Dir {
        named: vec![are.clone()],
        contact: Some((are.clone(), Some("+4741260885".into()))),
        ..dir()
    };
    let from = "Synnøve Rustad <synnove.rustad@aid.dep.no>";
    let body = "En liten rettelse: mobilnummeret til Are er 412 60 858 – jeg byttet om to sifre.";
    let d = decide_against(&with_contact, from, body);
    assert_eq!(
        set_contact(&d),
        Some((
            Some("Are Lindholm".into()),
            Some("are.lindholm@aid.dep.no".into()),
            Some("+4741260858".into())
        )),
        "{d:?}"
    );
    // Are is not the contact: nothing changes.
    let other = Dir {
        named: vec![are.clone()],
        contact: Some((person("Lise Berg", Some("lise.berg@aid.dep.no")), None)),
        ..dir()
    };
    let d = decide_against(&other, from, body);
    assert_eq!(set_contact(&d), None, "{d:?}");
}

#[test]
fn a_colleague_at_the_organiser_asking_the_coordinator_is_nothing_for_the_register() {
    let config = config();
    let raw = "From: Ingvild Braenne <ingvild.braenne@kdd.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Lysark fra OGP-møtet\r\nMessage-ID: <k@x>\r\nDate: Thu, 23 Jun 2022 16:00:00 +0200\r\n\r\nHei Tom Arne,\r\n\r\nFint møte i dag! Kan du sende meg lysarkene fra innledningen din?\r\n\r\nIngvild\r\n";
    let understood = understand::understand(raw.as_bytes(), &understand::Context::from_config(&config));
    let d = decide(
        &understood,
        &config,
        &dir(),
        "2022-06-23T14:00:00Z".parse().unwrap(),
    );
    assert_eq!(d.outcome, Outcome::Ignored, "{d:?}");
    assert!(d.summary.contains("colleague at the organiser"), "{d:?}");
}

#[test]
fn a_first_name_no_one_was_registered_by_is_for_a_person_to_name() {
    let from = "Linn Aamodt <linn.aamodt@aid.dep.no>";
    let body = "På oppfølgingsmøtet kommer Kari og jeg som planlagt.";
    let d = decide_against(&dir(), from, body);
    assert_eq!(d.outcome, Outcome::Review, "{d:?}");
    assert!(
        reasons(&d).contains("Kari is named by first name only"),
        "{}",
        reasons(&d)
    );
    assert!(!changes_anything(&d), "{d:?}");
    // Kari Vang was registered before: the register completes her, nothing to ask.
    let known = Dir {
        named: vec![person("Kari Vang", Some("kari.vang@aid.dep.no"))],
        ..dir()
    };
    let d = decide_against(&known, from, body);
    assert_eq!(d.outcome, Outcome::Applied, "{d:?}");
}
