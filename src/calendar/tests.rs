//! Who gets which calendar object when: the rules of [`super::plan`] and [`super::wanted`].

use super::*;
use crate::register::{OrgRow, RegistrationRow};
use serde_json::json;

fn config() -> Config {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
    Config::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn kickoff(config: &Config) -> (Event, Slot) {
    let event = config.event("kickoff").unwrap().clone();
    let slot = event.slot().unwrap();
    (event, slot)
}

fn org(id: &str, lang: &str) -> OrgRow {
    OrgRow {
        id: id.into(),
        kind: "ministry".into(),
        name: id.to_uppercase(),
        name_en: None,
        lang: lang.into(),
        address: format!("postmottak@{id}.dep.no"),
        token: "abcd2345".into(),
        referred_by: None,
        source: "config".into(),
        domains: vec![format!("{id}.dep.no")],
    }
}

fn registration(org: &str, status: &str, attendees: serde_json::Value) -> RegistrationRow {
    RegistrationRow {
        org_id: org.into(),
        event_id: "kickoff".into(),
        status: status.into(),
        attendees,
        attendee_count: None,
        late: false,
        updated_at: "2022-06-16T10:00:00Z".into(),
        message_id: "m@x".into(),
    }
}

fn orgs() -> Vec<OrgRow> {
    vec![
        org("kld", "nb"),
        org("ud", "en"),
        org("fin", "nb"),
        org("jd", "nb"),
    ]
}

fn registrations() -> Vec<RegistrationRow> {
    vec![
        registration(
            "kld",
            "registered",
            json!([{"name": "Kari Nordmann", "email": "Kari.Nordmann@kld.dep.no"}, {"name": "Ola Hansen", "email": "ola.hansen@kld.dep.no"}]),
        ),
        // A count but no names: the organisation's own address.
        registration("ud", "registered", json!([])),
        registration("fin", "declined", json!([])),
        registration("jd", "tentative", json!([{"name": "Per Berg", "email": null}])),
    ]
}

/// The state after `plan` was carried out.
fn after(plan: &Plan, invitees: &[InviteeRow]) -> (CalendarEventRow, Vec<InviteeRow>) {
    let mut rows: Vec<InviteeRow> = invitees
        .iter()
        .filter(|i| !plan.invitees.iter().any(|p| p.address == i.address))
        .cloned()
        .collect();
    rows.extend(plan.invitees.iter().cloned());
    (plan.event.clone(), rows)
}

/// No address is a shared mailbox.
fn no_shared(_: &str) -> bool {
    false
}

fn sent(plan: &Plan) -> Vec<(&str, Method, u32, bool)> {
    plan.notices
        .iter()
        .map(|n| (n.to.address.as_str(), n.method, n.sequence, n.update))
        .collect()
}

#[test]
fn registered_attendees_are_invited_and_the_organisation_when_it_named_no_one() {
    let config = config();
    let (event, slot) = kickoff(&config);
    let wanted = wanted("kickoff", &registrations(), &orgs(), &HashSet::new());
    let plan = plan(
        &event,
        slot,
        "ogp5-kickoff@kdd.dep.no",
        None,
        &[],
        &wanted,
        &no_shared,
    );
    assert_eq!(
        sent(&plan),
        [
            ("kari.nordmann@kld.dep.no", Method::Request, 0, false),
            ("ola.hansen@kld.dep.no", Method::Request, 0, false),
            ("postmottak@ud.dep.no", Method::Request, 0, false),
            ("postmottak@jd.dep.no", Method::Request, 0, false),
        ]
    );
    assert_eq!(plan.event.sequence, 0);
    assert_eq!(plan.notices[2].to.lang, Lang::En);
    assert!(plan.invitees.iter().all(|i| i.state == "invited" && i.round == 1));
}

#[test]
fn nothing_is_sent_twice_for_the_same_state() {
    let config = config();
    let (event, slot) = kickoff(&config);
    let wanted = wanted("kickoff", &registrations(), &orgs(), &HashSet::new());
    let first = plan(
        &event,
        slot,
        "ogp5-kickoff@kdd.dep.no",
        None,
        &[],
        &wanted,
        &no_shared,
    );
    let (state, invitees) = after(&first, &[]);
    let again = plan(
        &event,
        slot,
        "ogp5-kickoff@kdd.dep.no",
        Some(&state),
        &invitees,
        &wanted,
        &no_shared,
    );
    assert!(again.notices.is_empty(), "{:?}", sent(&again));
    assert_eq!(again.event, state);
}

#[test]
fn a_new_room_is_an_update_with_a_higher_sequence_to_everyone_invited() {
    let config = config();
    let (mut event, slot) = kickoff(&config);
    let wanted = wanted("kickoff", &registrations(), &orgs(), &HashSet::new());
    let first = plan(&event, slot, "u", None, &[], &wanted, &no_shared);
    let (state, invitees) = after(&first, &[]);
    event.location.as_mut().unwrap().nb = "Akersgata 59, møterom 7".into();
    let update = plan(&event, slot, "u", Some(&state), &invitees, &wanted, &no_shared);
    assert_eq!(update.event.sequence, 1);
    assert_eq!(update.notices.len(), 4);
    assert!(
        update
            .notices
            .iter()
            .all(|n| n.method == Method::Request && n.update && n.sequence == 1)
    );
    assert!(update.notices.iter().all(|n| n.round == 2));
    // And the sequence never goes back, even if the room is changed back.
    let (state, invitees) = after(&update, &invitees);
    let (original, _) = kickoff(&config);
    let back = plan(&original, slot, "u", Some(&state), &invitees, &wanted, &no_shared);
    assert_eq!(back.event.sequence, 2);
}

#[test]
fn someone_no_longer_coming_gets_a_cancellation_and_the_others_nothing() {
    let config = config();
    let (event, slot) = kickoff(&config);
    let before = wanted("kickoff", &registrations(), &orgs(), &HashSet::new());
    let first = plan(&event, slot, "u", None, &[], &before, &no_shared);
    let (state, invitees) = after(&first, &[]);
    // "Vi blir bare én": Ola is gone.
    let mut regs = registrations();
    regs[0].attendees = json!([{"name": "Kari Nordmann", "email": "kari.nordmann@kld.dep.no"}]);
    let now = wanted("kickoff", &regs, &orgs(), &HashSet::new());
    let change = plan(&event, slot, "u", Some(&state), &invitees, &now, &no_shared);
    assert_eq!(
        sent(&change),
        [("ola.hansen@kld.dep.no", Method::Cancel, 0, false)]
    );
    assert_eq!(change.invitees[0].state, "cancelled");
    // Ola comes back after all: a fresh invitation, a new round, so a new message.
    let (state, invitees) = after(&change, &invitees);
    let back = plan(&event, slot, "u", Some(&state), &invitees, &before, &no_shared);
    assert_eq!(
        sent(&back),
        [("ola.hansen@kld.dep.no", Method::Request, 0, false)]
    );
    assert_eq!(back.notices[0].round, 3);
}

#[test]
fn a_called_off_meeting_is_cancelled_for_everyone_with_a_higher_sequence() {
    let config = config();
    let (mut event, slot) = kickoff(&config);
    let wanted = wanted("kickoff", &registrations(), &orgs(), &HashSet::new());
    let first = plan(&event, slot, "u", None, &[], &wanted, &no_shared);
    let (state, invitees) = after(&first, &[]);
    event.cancelled = true;
    let cancel = plan(&event, slot, "u", Some(&state), &invitees, &wanted, &no_shared);
    assert_eq!(cancel.notices.len(), 4);
    assert!(
        cancel
            .notices
            .iter()
            .all(|n| n.method == Method::Cancel && n.sequence == 1)
    );
    let (state, invitees) = after(&cancel, &invitees);
    assert!(
        plan(&event, slot, "u", Some(&state), &invitees, &wanted, &no_shared)
            .notices
            .is_empty()
    );
}

#[test]
fn a_dead_address_is_skipped_for_the_organisations_own() {
    let dead: HashSet<String> = [
        "kari.nordmann@kld.dep.no".to_string(),
        "ola.hansen@kld.dep.no".to_string(),
    ]
    .into();
    let wanted = wanted("kickoff", &registrations(), &orgs(), &dead);
    let kld: Vec<&str> = wanted
        .iter()
        .filter(|w| w.org_id == "kld")
        .map(|w| w.address.as_str())
        .collect();
    assert_eq!(kld, ["postmottak@kld.dep.no"]);
}

#[test]
fn first_invitations_beyond_an_organisation_s_allowance_are_held_back_and_nothing_else() {
    let (event, slot) = kickoff(&config());
    let wanted: Vec<Wanted> = (0..5)
        .map(|i| Wanted {
            org_id: if i < 4 { "kld".into() } else { "ud".into() },
            org_name: "KLD".into(),
            address: format!("p{i}@x.dep.no"),
            name: None,
            lang: Lang::Nb,
            object: true,
            registered: true,
        })
        .collect();
    let p = plan(&event, slot, "u@x", None, &[], &wanted, &no_shared);
    let allowance = HashMap::from([("kld".to_string(), Some(2)), ("ud".to_string(), None)]);
    let (kept, held) = within_allowance(p, &allowance);
    let to: Vec<&str> = kept.notices.iter().map(|n| n.to.address.as_str()).collect();
    assert_eq!(to, ["p0@x.dep.no", "p1@x.dep.no", "p4@x.dep.no"]);
    assert_eq!(held, BTreeMap::from([("kld".to_string(), 2)]));
    // What is held back is not recorded either, so the next sync plans it again.
    let rows: Vec<&str> = kept.invitees.iter().map(|i| i.address.as_str()).collect();
    assert_eq!(rows, to);
    // Updates and cancellations never wait.
    let (state, invitees) = after(&kept, &[]);
    let mut moved = event.clone();
    moved.location = None;
    moved.cancelled = true;
    let cancel = plan(&moved, slot, "u@x", Some(&state), &invitees, &wanted, &no_shared);
    let none_left = HashMap::from([("kld".to_string(), Some(0)), ("ud".to_string(), Some(0))]);
    let (kept, held) = within_allowance(cancel, &none_left);
    assert_eq!(kept.notices.len(), 3);
    assert!(held.is_empty());
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// AID's authenticated registration of `people` (their numbers), read at `now`.
fn aid_registers(
    config: &Config,
    register: &mut Register,
    n: i64,
    people: std::ops::Range<usize>,
    now: &str,
) {
    let list: String = people
        .map(|i| format!("- Person {i} <person{i}@aid.dep.no>\r\n"))
        .collect();
    let raw = format!(
        "Authentication-Results: mx.kdd.dep.no; dmarc=pass header.from=aid.dep.no\r\nFrom: Lise Berg <lise.berg@aid.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: SV: Invitasjon\r\nMessage-ID: <reg{n}@aid.dep.no>\r\nDate: {}\r\n\r\nVi melder på disse til samskapingsmøtet 23. juni:\r\n{list}\r\nMed vennlig hilsen\r\nLise Berg\r\n",
        t(now).to_rfc2822()
    );
    let ctx = crate::understand::Context::from_config(config);
    let location = crate::register::inbound::Location {
        mailbox: "test".into(),
        uidvalidity: 1,
        uid: n,
    };
    crate::inbox::process(register, config, &ctx, &location, raw.as_bytes(), t(now)).unwrap();
}

#[test]
fn an_organisation_s_messages_cause_no_more_mail_a_day_than_mail_per_organisation() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
    let source = std::fs::read_to_string(&path).unwrap();
    let config = Config::from_source(
        &path,
        &source.replace(
            "mail_per_organisation = \"50/day\"",
            "mail_per_organisation = \"10/day\"",
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut register = Register::open_in_memory().unwrap();
    register
        .set_meta("secret", &data_encoding::HEXLOWER.encode(b"samskap-fixture!"))
        .unwrap();
    crate::outbox::enqueue_invitations(&config, &mut register, &[], t("2022-06-15T08:00:00Z")).unwrap();
    aid_registers(&config, &mut register, 1, 0..15, "2022-06-16T10:00:00+02:00");
    aid_registers(&config, &mut register, 2, 15..30, "2022-06-16T11:05:00+02:00");
    let aid_calendar = |register: &Register| {
        register
            .outbox_of_kind(KIND)
            .unwrap()
            .into_iter()
            .filter(|s| s.org_id.as_deref() == Some("aid"))
            .count()
    };
    // Both confirmations count: eight invitations go now, the rest wait.
    let report = sync(&config, &mut register, t("2022-06-16T11:10:00+02:00")).unwrap();
    assert_eq!(report.queued.len(), 8, "{report:?}");
    assert_eq!(aid_calendar(&register), 8);
    let registered = register.registration("aid", "kickoff").unwrap();
    assert_eq!(
        registered.map(|r| r.attendees.as_array().unwrap().len()),
        Some(30)
    );
    let report = sync(&config, &mut register, t("2022-06-16T18:00:00+02:00")).unwrap();
    assert!(report.queued.is_empty(), "{report:?}");
    // A day later, ten more; then the last twelve over the next two days.
    sync(&config, &mut register, t("2022-06-17T12:00:00+02:00")).unwrap();
    assert_eq!(aid_calendar(&register), 18);
    sync(&config, &mut register, t("2022-06-18T12:05:00+02:00")).unwrap();
    assert_eq!(aid_calendar(&register), 28);
    sync(&config, &mut register, t("2022-06-19T12:10:00+02:00")).unwrap();
    assert_eq!(aid_calendar(&register), 30);
}

fn person(org: &str, address: &str) -> Wanted {
    Wanted {
        org_id: org.into(),
        org_name: org.to_uppercase(),
        address: address.into(),
        name: None,
        lang: Lang::Nb,
        object: true,
        registered: true,
    }
}

fn contact(org: &str, name: &str, email: &str) -> crate::register::ContactRow {
    crate::register::ContactRow {
        org_id: org.into(),
        name: Some(name.into()),
        email: Some(email.into()),
        phone: None,
        updated_at: "2022-06-16T10:00:00Z".into(),
        message_id: "m@x".into(),
    }
}

#[test]
fn the_calendar_object_goes_to_persons_and_a_registry_mailbox_gets_the_text_alone() {
    let config = config();
    let wanted = vec![
        // KLD named attendees: its registry mailbox (asked in the poll) gives way to them.
        person("kld", "postmottak@kld.dep.no"),
        person("kld", "kari.nordmann@kld.dep.no"),
        // HOD named no one, but has a contact person: she gets it, by name.
        person("hod", "postmottak@hod.dep.no"),
        // JD: no person known, and the contact's address is dead. The text, without the object.
        person("jd", "postmottak@jd.dep.no"),
    ];
    let contacts = [
        contact("hod", "Siri Løvold", "Siri.Lovold@hod.dep.no"),
        contact("jd", "Per Berg", "per.berg@jd.dep.no"),
    ];
    let dead: HashSet<String> = ["per.berg@jd.dep.no".to_string()].into();
    let got: Vec<(String, Option<String>, bool)> =
        crate::standing::to_persons(&config, wanted, &contacts, &dead)
            .into_iter()
            .map(|w| (w.address, w.name, w.object))
            .collect();
    assert_eq!(
        got,
        [
            ("kari.nordmann@kld.dep.no".to_string(), None, true),
            (
                "siri.lovold@hod.dep.no".to_string(),
                Some("Siri Løvold".to_string()),
                true
            ),
            ("postmottak@jd.dep.no".to_string(), None, false),
        ]
    );
}

#[test]
fn a_registry_mailbox_that_gives_way_to_a_person_is_told_nothing_unless_the_meeting_is_off() {
    let config = config();
    let (event, slot) = kickoff(&config);
    let shared = |a: &str| config.is_shared_mailbox(a);
    let mut text_only = person("jd", "postmottak@jd.dep.no");
    text_only.object = false;
    let first = plan(
        &event,
        slot,
        "u",
        None,
        &[],
        std::slice::from_ref(&text_only),
        &shared,
    );
    assert_eq!(
        sent(&first),
        [("postmottak@jd.dep.no", Method::Request, 0, false)]
    );
    assert!(!first.notices[0].to.object);
    // JD names Per Berg: he gets the object; the registry mailbox is not sent a cancellation.
    let (state, invitees) = after(&first, &[]);
    let now = [person("jd", "per.berg@jd.dep.no")];
    let named = plan(&event, slot, "u", Some(&state), &invitees, &now, &shared);
    assert_eq!(sent(&named), [("per.berg@jd.dep.no", Method::Request, 0, false)]);
    let row = named
        .invitees
        .iter()
        .find(|i| i.address == "postmottak@jd.dep.no")
        .unwrap();
    assert_eq!(row.state, "cancelled");
    // Had the meeting been called off instead, the registry mailbox is told, as text.
    let mut off = event.clone();
    off.cancelled = true;
    let cancel = plan(&off, slot, "u", Some(&state), &invitees, &[text_only], &shared);
    assert_eq!(
        sent(&cancel),
        [("postmottak@jd.dep.no", Method::Cancel, 1, false)]
    );
    assert!(!cancel.notices[0].to.object);
}
