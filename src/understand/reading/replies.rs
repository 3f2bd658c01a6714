//! How ministries and NGOs answer, and what must be read from it: whole short replies.

use super::*;
use crate::understand::facts::EventRef;

fn ctx() -> Context {
    let day = |m, d| NaiveDate::from_ymd_opt(2022, m, d).unwrap();
    Context {
        events: vec![
            EventRef {
                id: "kickoff".into(),
                aliases: vec![
                    "samskapingsmøte".into(),
                    "oppstartsmøte".into(),
                    "co-creation meeting".into(),
                ],
                days: vec![day(6, 23)],
            },
            EventRef {
                id: "followup".into(),
                aliases: vec![
                    "oppfølgingsmøte".into(),
                    "august/september".into(),
                    "follow-up".into(),
                ],
                days: vec![day(8, 29), day(8, 31), day(9, 2)],
            },
        ],
        default_event: "kickoff".into(),
        own_addresses: vec![
            "tom-arne.nygaard@kdd.dep.no".into(),
            "postmottak@kdd.dep.no".into(),
        ],
        reply_address: Some(("tom-arne.nygaard".into(), "kdd.dep.no".into())),
        own_phones: vec!["+4722244971".into(), "+4722249090".into()],
        own_names: vec!["Tom Arne Nygaard".into(), "Asgeir Fløtre".into()],
        org_words: vec![
            "klima- og miljødepartementet".into(),
            "arbeids- og inkluderingsdepartementet".into(),
        ],
    }
}

fn kari() -> Sender {
    Sender {
        name: Some("Kari Nordmann".into()),
        address: "kari.nordmann@kld.dep.no".into(),
    }
}

fn read_with(body: &str, signature: &str, subject: &str) -> Facts {
    super::read(
        &Input {
            body,
            signature,
            subject,
            sender: &kari(),
            cc: &[],
            quoted: "",
            today: NaiveDate::from_ymd_opt(2022, 6, 16),
        },
        &ctx(),
    )
}

fn read(body: &str) -> Facts {
    read_with(body, "", "")
}

fn answer<'f>(facts: &'f Facts, event: &str) -> &'f Answer {
    facts
        .answers
        .iter()
        .find(|a| a.event == event)
        .unwrap_or_else(|| panic!("no answer for {event}: {facts:#?}"))
}

fn names(answer: &Answer) -> Vec<String> {
    answer.attendees.iter().filter_map(|a| a.name.clone()).collect()
}

#[test]
fn a_registration_with_names_and_addresses() {
    let facts = read(
        "Hei,\n\nKLD melder på følgende til møtet 23. juni:\n- Kari Nordmann, kari.nordmann@kld.dep.no\n- Ola Hansen (ola.hansen@kld.dep.no)\n",
    );
    let a = answer(&facts, "kickoff");
    assert_eq!(a.intent, Intent::Registered);
    assert_eq!(names(a), ["Kari Nordmann", "Ola Hansen"]);
    assert_eq!(a.attendees[1].email.as_deref(), Some("ola.hansen@kld.dep.no"));
    assert!(facts.doubts.is_empty(), "{:?}", facts.doubts);
}

#[test]
fn a_bare_count() {
    for (text, n) in [
        ("Vi kommer 2 stk.", 2),
        ("Vi blir tre personer fra departementet.", 3),
        ("Fra oss kommer to deltakere.", 2),
        ("We will be two people.", 2),
        ("Vi stiller med fire.", 4),
    ] {
        let facts = read(text);
        let a = answer(&facts, "kickoff");
        assert_eq!((a.intent, a.count), (Intent::Registered, Some(n)), "{text}");
    }
}

#[test]
fn declines_in_many_words() {
    for text in [
        "Dessverre har vi ikke anledning til å delta.",
        "Vi må dessverre melde forfall.",
        "KLD kommer ikke.",
        "Ingen fra oss kan delta denne gangen.",
        "Unfortunately we cannot attend.",
        "We will not be able to join.",
        "Vi takker nei.",
        "Vi må dessverre melde oss av møtet likevel.",
        "Ingen av oss har anledning.",
        "Jeg er dessverre forhindret.",
        "We have to withdraw our registration.",
        "I can no longer attend.",
    ] {
        let facts = read(text);
        let a = answer(&facts, "kickoff");
        // The writer alone says no for herself: she is withdrawn, and the register declines
        // for the ministry when no one else is left.
        let herself = a
            .withdrawn
            .iter()
            .any(|w| w.email.as_deref() == Some("kari.nordmann@kld.dep.no"));
        assert!(
            a.intent == Intent::Declined || (herself && a.attendees.is_empty()),
            "{text}: {a:?}"
        );
    }
}

#[test]
fn tentative_answers() {
    for text in [
        "Vi kommer sannsynligvis med én person.",
        "Foreløpig påmelding: Kari Nordmann.",
        "We will probably attend.",
    ] {
        let facts = read(text);
        assert_eq!(answer(&facts, "kickoff").intent, Intent::Tentative, "{text}");
    }
}

#[test]
fn each_event_gets_its_own_answer() {
    let facts =
        read("Vi kommer på samskapingsmøtet 23. juni, men ikke på oppfølgingsmøtet i august/september.");
    assert_eq!(answer(&facts, "kickoff").intent, Intent::Registered);
    assert_eq!(answer(&facts, "followup").intent, Intent::Declined);
    let both = read("Vi deltar gjerne på begge møtene.");
    assert_eq!(both.answers.len(), 2);
}

#[test]
fn a_contact_person_with_phone_in_e164() {
    let facts =
        read("Kontaktperson for OGP-arbeidet i KLD blir Lise Berg, lise.berg@kld.dep.no, tlf. 917 23 456.");
    let c = facts.contact.unwrap();
    assert_eq!(c.name.as_deref(), Some("Lise Berg"));
    assert_eq!(c.email.as_deref(), Some("lise.berg@kld.dep.no"));
    assert_eq!(c.phone.as_deref(), Some("+4791723456"));
    assert!(!c.is_sender);
    // Naming the contact is not a registration.
    assert!(facts.answers.is_empty(), "{:?}", facts.answers);
}

#[test]
fn a_contact_person_on_the_lines_after_the_role() {
    let facts = read("Vår kontaktperson:\nPer Olsen\nper.olsen@kld.dep.no\nTlf: 22 24 57 13\n");
    let c = facts.contact.unwrap();
    assert_eq!(
        (c.name.as_deref(), c.email.as_deref(), c.phone.as_deref()),
        (
            Some("Per Olsen"),
            Some("per.olsen@kld.dep.no"),
            Some("+4722245713")
        )
    );
}

#[test]
fn the_sender_appoints_themselves_with_the_phone_in_their_signature() {
    let facts = read_with(
        "Jeg blir kontaktperson for KLD.",
        "Med vennlig hilsen\nKari Nordmann\nseniorrådgiver\nMob. 481 23 456",
        "",
    );
    let c = facts.contact.unwrap();
    assert!(c.is_sender);
    assert_eq!(c.name.as_deref(), Some("Kari Nordmann"));
    assert_eq!(c.email.as_deref(), Some("kari.nordmann@kld.dep.no"));
    assert_eq!(c.phone.as_deref(), Some("+4748123456"));
}

#[test]
fn the_coordinator_is_never_a_contact_or_attendee() {
    let facts = read("Kontaktperson: Tom Arne Nygaard, tom-arne.nygaard@kdd.dep.no, 22 24 49 71");
    assert!(facts.contact.is_none(), "{:?}", facts.contact);
}

#[test]
fn i_am_coming_makes_the_sender_an_attendee() {
    let facts = read("Jeg kommer gjerne på møtet.");
    let a = answer(&facts, "kickoff");
    assert_eq!(
        a.attendees,
        [Attendee {
            name: Some("Kari Nordmann".into()),
            email: Some("kari.nordmann@kld.dep.no".into())
        }]
    );
}

#[test]
fn a_correction_is_marked() {
    let facts = read("Rettelse: vi blir bare én, Kari Nordmann kommer.");
    assert!(facts.correction);
    let a = answer(&facts, "kickoff");
    assert_eq!(a.count, Some(1));
    assert_eq!(names(a), ["Kari Nordmann"]);
}

#[test]
fn questions_are_set_aside_and_not_read_as_answers() {
    let facts = read("Blir det mulig å delta digitalt?");
    assert_eq!(facts.questions, ["Blir det mulig å delta digitalt?"]);
    assert!(facts.answers.is_empty());
}

#[test]
fn coming_back_with_a_name_is_not_coming() {
    let facts = read("Vi kommer tilbake med navn på kontaktperson.");
    assert!(facts.answers.is_empty(), "{:?}", facts.answers);
    assert!(facts.contact.is_none());
}

#[test]
fn english_registration_with_contact() {
    let facts = read(
        "Dear Tom,\nWe are happy to attend the co-creation meeting with two participants: Jane Smith (jane.smith@kld.dep.no) and John Doe.\nOur contact person will be Jane Smith, +47 22 24 11 22.",
    );
    let a = answer(&facts, "kickoff");
    assert_eq!(a.intent, Intent::Registered);
    assert_eq!(a.count, Some(2));
    assert_eq!(names(a), ["Jane Smith", "John Doe"]);
    let c = facts.contact.unwrap();
    assert_eq!(
        (c.name.as_deref(), c.phone.as_deref()),
        (Some("Jane Smith"), Some("+4722241122"))
    );
}

#[test]
fn the_subject_speaks_when_the_body_is_silent() {
    let facts = read_with("", "", "Påmelding KLD – 2 deltakere");
    let a = answer(&facts, "kickoff");
    assert_eq!((a.intent, a.count), (Intent::Registered, Some(2)));
}
