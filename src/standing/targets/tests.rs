use super::*;
use serde_json::json;

fn org(id: &str, kind: &str) -> OrgRow {
    OrgRow {
        id: id.into(),
        kind: kind.into(),
        name: id.to_uppercase(),
        name_en: None,
        lang: "nb".into(),
        address: format!("postmottak@{id}.dep.no"),
        token: format!("t{id}"),
        referred_by: None,
        source: "config".into(),
        domains: vec![format!("{id}.dep.no")],
    }
}

fn registration(org: &str, event: &str, status: &str, attendees: serde_json::Value) -> RegistrationRow {
    RegistrationRow {
        org_id: org.into(),
        event_id: event.into(),
        status: status.into(),
        attendees,
        attendee_count: None,
        late: false,
        updated_at: String::new(),
        message_id: String::new(),
    }
}

fn contact(org: &str, email: &str) -> ContactRow {
    ContactRow {
        org_id: org.into(),
        name: Some("Lise Berg".into()),
        email: Some(email.into()),
        phone: None,
        updated_at: String::new(),
        message_id: String::new(),
    }
}

/// Four ministries invited: AID registered, BFD declined, FIN said maybe, HOD has not answered.
fn snapshot() -> Snapshot {
    Snapshot {
        orgs: ["aid", "bfd", "fin", "hod", "jd"]
            .iter()
            .map(|id| org(id, "ministry"))
            .collect(),
        registrations: vec![
            registration(
                "aid",
                "kickoff",
                "registered",
                json!([{"name": "Lise Berg", "email": "lise.berg@aid.dep.no"}, {"name": "Ola", "email": null}]),
            ),
            registration("bfd", "kickoff", "declined", json!([])),
            registration("fin", "kickoff", "tentative", json!([])),
        ],
        contacts: vec![contact("aid", "lise.berg@aid.dep.no")],
        invited: ["aid", "bfd", "fin", "hod"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ..Snapshot::default()
    }
}

fn addresses(targets: &[Target]) -> Vec<&str> {
    targets.iter().map(|t| t.address.as_str()).collect()
}

fn registration_reminder() -> ReminderKind {
    ReminderKind::Registration {
        event: "kickoff".into(),
    }
}

#[test]
fn the_registration_reminder_goes_only_to_who_has_not_answered() {
    // Not AID (registered), BFD (declined), FIN (maybe); not JD, never invited.
    assert_eq!(
        addresses(&snapshot().targets(&registration_reminder())),
        ["postmottak@hod.dep.no"]
    );
}

#[test]
fn the_contact_chase_goes_to_ministries_without_a_contact_person() {
    let mut s = snapshot();
    s.orgs.push(OrgRow {
        source: "mail".into(),
        ..org("reddbarna", "ngo")
    });
    assert_eq!(
        addresses(&s.targets(&ReminderKind::Contact)),
        [
            "postmottak@bfd.dep.no",
            "postmottak@fin.dep.no",
            "postmottak@hod.dep.no"
        ]
    );
}

#[test]
fn the_meeting_reminder_goes_to_each_registered_attendee() {
    let mut s = snapshot();
    s.registrations.push(registration(
        "hod",
        "kickoff",
        "registered",
        json!([{"name": "Knut", "email": null}]),
    ));
    s.invited.insert("hod".into());
    // Lise by name; HOD named no address, so its own; the maybe (FIN, no names) its own too.
    assert_eq!(
        addresses(&s.targets(&ReminderKind::Meeting {
            event: "kickoff".into()
        })),
        [
            "lise.berg@aid.dep.no",
            "postmottak@fin.dep.no",
            "postmottak@hod.dep.no"
        ]
    );
}

#[test]
fn a_bounced_address_is_replaced_by_another_of_the_organisation_or_skipped() {
    let mut s = snapshot();
    s.dead.insert("postmottak@hod.dep.no".into());
    assert!(
        s.targets(&registration_reminder()).is_empty(),
        "HOD has no other address"
    );
    s.contacts.push(contact("hod", "knut.dahl@hod.dep.no"));
    let t = s.targets(&registration_reminder());
    assert_eq!(addresses(&t), ["knut.dahl@hod.dep.no"]);
    assert!(t[0].note.as_deref().unwrap().contains("bounced"));
}

#[test]
fn a_notice_goes_to_everyone_invited_or_to_the_registered() {
    let s = snapshot();
    let everyone = s.targets(&ReminderKind::Notice {
        link: None,
        event: Some("kickoff".into()),
        registered_only: false,
    });
    assert_eq!(everyone.len(), 4);
    let registered = s.targets(&ReminderKind::Notice {
        link: None,
        event: Some("kickoff".into()),
        registered_only: true,
    });
    assert_eq!(addresses(&registered), ["postmottak@aid.dep.no"]);
}

#[test]
fn an_out_of_office_moves_the_reminder_to_the_working_day_back_at_the_same_time() {
    let tz = chrono_tz::Europe::Oslo;
    let mut s = snapshot();
    // "Til og med 30. juni": back on Friday 1 July.
    s.back_on.insert(
        "postmottak@hod.dep.no".into(),
        NaiveDate::from_ymd_opt(2022, 7, 1).unwrap(),
    );
    let t = &s.targets(&registration_reminder())[0];
    let due: DateTime<Utc> = "2022-06-19T07:00:00Z".parse().unwrap();
    assert_eq!(
        s.send_time(t, due, tz),
        "2022-07-01T07:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    // "Til og med 1. juli": back on Saturday 2 July, so reminded on Monday 4 July.
    s.back_on.insert(
        "postmottak@hod.dep.no".into(),
        NaiveDate::from_ymd_opt(2022, 7, 2).unwrap(),
    );
    assert_eq!(
        s.send_time(t, due, tz),
        "2022-07-04T07:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    // Back before the reminder: no change.
    let later: DateTime<Utc> = "2022-07-03T07:00:00Z".parse().unwrap();
    assert_eq!(s.send_time(t, later, tz), later);
}

#[test]
fn the_poll_reminder_goes_to_who_was_asked_and_has_not_answered() {
    let mut s = snapshot();
    s.poll_unanswered = vec![
        ("aid".into(), "lise.berg@aid.dep.no".into()),
        ("hod".into(), "postmottak@hod.dep.no".into()),
    ];
    s.dead.insert("postmottak@hod.dep.no".into());
    assert_eq!(
        addresses(&s.targets(&ReminderKind::Poll)),
        ["lise.berg@aid.dep.no"]
    );
}
