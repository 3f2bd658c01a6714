//! The reading of replies, phenomenon by phenomenon, on short texts in the ways people write.

use super::*;
use crate::understand::facts::EventRef;

fn ctx() -> Context {
    let mut ctx = Context {
        default_event: "kickoff".into(),
        own_names: vec!["Tom Arne Nygaard".into()],
        own_addresses: vec!["tom-arne.nygaard@kdd.dep.no".into()],
        own_phones: vec!["+4722244971".into()],
        org_words: vec![
            "aid".into(),
            "hod".into(),
            "ud".into(),
            "kld".into(),
            "smk".into(),
            "jd".into(),
        ],
        ..Context::default()
    };
    ctx.events = vec![
        EventRef {
            id: "kickoff".into(),
            aliases: vec!["samskapingsmøte".into()],
            days: vec![NaiveDate::from_ymd_opt(2022, 6, 23).unwrap()],
        },
        EventRef {
            id: "followup".into(),
            aliases: vec!["oppfølgingsmøte".into(), "august/september".into()],
            days: vec![NaiveDate::from_ymd_opt(2022, 8, 29).unwrap()],
        },
    ];
    ctx
}

fn read_as(from: (&str, &str), body: &str, signature: &str) -> Facts {
    let sender = Sender {
        name: Some(from.0.into()),
        address: from.1.into(),
    };
    read(
        &Input {
            body,
            signature,
            subject: "",
            sender: &sender,
            cc: &[],
            quoted: "",
            today: NaiveDate::from_ymd_opt(2022, 6, 17),
        },
        &ctx(),
    )
}

fn names(answer: &Answer) -> Vec<String> {
    answer.attendees.iter().filter_map(|a| a.name.clone()).collect()
}

#[test]
fn the_sender_and_a_colleague_named_with_an_address() {
    let f = read_as(
        ("Kari Nordmann", "kari.nordmann@aid.dep.no"),
        "Hei Tom Arne,\n\nTakk for invitasjonen. Fra AID kommer jeg og seniorrådgiver Ola Hansen (ola.hansen@aid.dep.no) på møtet 23. juni.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!((a.event.as_str(), a.intent), ("kickoff", Intent::Registered));
    assert_eq!(names(a), ["Kari Nordmann", "Ola Hansen"]);
    assert_eq!(a.attendees[1].email.as_deref(), Some("ola.hansen@aid.dep.no"));
}

#[test]
fn a_greeting_names_no_one_and_the_coordinator_is_never_an_attendee() {
    let f = read_as(
        ("Per Olsen", "per.olsen@kld.dep.no"),
        "Hei Tom Arne,\n\nKommer.\n\nMvh Per",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Per Olsen"]);
}

#[test]
fn the_sender_and_a_colleague_not_named_count_two() {
    let f = read_as(
        ("Eide, Lars", "lars.eide@mfa.no"),
        "UD stiller med meg og en kollega på møtet 23. juni. Navnet på kollegaen ettersender jeg.",
        "Med vennlig hilsen\nLars Eide\nseniorrådgiver",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Lars Eide"]);
    assert_eq!(a.count, Some(2));
}

#[test]
fn one_person_withdraws_and_the_sender_still_comes() {
    let f = read_as(
        ("Mari Fjeld", "mari.fjeld@jd.dep.no"),
        "Hei igjen!\n\nJonas må dessverre melde forfall på torsdag – det har kommet en hastehøring. Jeg kommer som planlagt.\n\nMari",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Mari Fjeld"]);
    assert_eq!(
        a.withdrawn
            .iter()
            .filter_map(|w| w.name.clone())
            .collect::<Vec<_>>(),
        ["Jonas"]
    );
}

#[test]
fn the_organisation_declines_one_meeting_and_the_sender_comes_to_the_other() {
    let f = read_as(
        ("Holm, Randi", "randi.holm@smk.dep.no"),
        "SMK deltar ikke 23. juni. Jeg stiller gjerne på oppfølgingsmøtet i august/september.\n\nRandi Holm\nspesialrådgiver",
        "",
    );
    let kickoff = f.answers.iter().find(|a| a.event == "kickoff").unwrap();
    let followup = f.answers.iter().find(|a| a.event == "followup").unwrap();
    assert_eq!(kickoff.intent, Intent::Declined);
    assert_eq!(followup.intent, Intent::Registered);
    assert_eq!(names(followup), ["Randi Holm"]);
}

#[test]
fn a_promise_to_answer_later_is_no_registration() {
    let f = read_as(
        ("Anne Lie", "anne.lie@kd.dep.no"),
        "Takk for invitasjonen. Vi kommer tilbake med påmelding i løpet av uka.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Later);
    assert!(f.answers[0].attendees.is_empty());
}

#[test]
fn someone_registered_on_behalf_of_another() {
    let f = read_as(
        ("Strand, Eva", "eva.strand@bfd.dep.no"),
        "Jeg skriver på vegne av ekspedisjonssjef Hanne Lie, som gjerne vil delta på samskapingsmøtet torsdag 23. juni.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Hanne Lie"]);
}

#[test]
fn a_contact_named_by_first_name_after_being_named_in_full() {
    let f = read_as(
        ("Bjørn Ås", "bjorn.as@hod.dep.no"),
        "Hei Tom Arne, HOD stiller med to personer på samskapingsmøtet: meg selv og Siri Løvold (siri.lovold@hod.dep.no). Kontaktperson for oss blir Siri, tlf 22 24 87 00.",
        "Hilsen Bjørn Ås",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Bjørn Ås", "Siri Løvold"]);
    assert_eq!(a.count, Some(2));
    let c = f.contact.unwrap();
    assert_eq!(c.name.as_deref(), Some("Siri Løvold"));
    assert_eq!(c.email.as_deref(), Some("siri.lovold@hod.dep.no"));
    assert_eq!(c.phone.as_deref(), Some("+4722248700"));
}

#[test]
fn the_sender_as_contact_with_a_mobile_in_the_next_sentence_and_not_the_switchboard() {
    let f = read_as(
        ("Kari Nordmann", "kari.nordmann@aid.dep.no"),
        "Jeg er også departementets kontaktperson for OGP-arbeidet. Mobil 915 55 123.",
        "Vennlig hilsen\nKari Nordmann\nTlf. 22 24 70 00",
    );
    let c = f.contact.unwrap();
    assert_eq!(c.name.as_deref(), Some("Kari Nordmann"));
    assert_eq!(c.phone.as_deref(), Some("+4791555123"));
}

#[test]
fn x_in_place_of_y() {
    let f = read_as(
        ("Kari Nordmann", "kari.nordmann@aid.dep.no"),
        "Per Olsen kommer i stedet for Ola Hansen på møtet 23. juni.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Per Olsen"]);
    assert_eq!(
        a.withdrawn
            .iter()
            .filter_map(|w| w.name.clone())
            .collect::<Vec<_>>(),
        ["Ola Hansen"]
    );
}

#[test]
fn the_sender_named_in_full_in_the_text_is_an_attendee() {
    let f = read_as(
        ("Hanne Ruud", "hanne.ruud@jd.dep.no"),
        "Hei,\nJD stiller med Hanne Ruud (hanne.ruud@jd.dep.no) på møtet 23. juni.",
        "Mvh\nHanne Ruud",
    );
    assert_eq!(names(&f.answers[0]), ["Hanne Ruud"]);
    let f = read_as(
        ("Mari Lund", "mari.lund@sd.dep.no"),
        "Beklager sent svar. Samferdselsdepartementet kommer med én deltaker: Mari Lund.",
        "Hilsen Mari",
    );
    assert_eq!(names(&f.answers[0]), ["Mari Lund"]);
    assert_eq!(
        f.answers[0].attendees[0].email.as_deref(),
        Some("mari.lund@sd.dep.no")
    );
}

#[test]
fn a_count_now_with_the_names_promised_later_is_a_registration() {
    let f = read_as(
        ("Aslak Rønning", "aslak.ronning@kd.dep.no"),
        "Hei igjen,\n\nFra KD blir vi tre. Navnene ettersendes i morgen.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!((a.intent, a.count), (Intent::Registered, Some(3)), "{f:?}");
    assert!(
        a.attendees.is_empty(),
        "the writer is not said to be one of them: {a:?}"
    );
}

#[test]
fn an_open_question_about_who_comes_registers_no_one() {
    for text in [
        "Vi har mottatt invitasjonen og ser på hvem som kan stille fra HOD. Jeg gir beskjed i løpet av uka.",
        "Vi avklarer nå internt hvem som skal stille. Vi kommer tilbake med påmelding så snart det er klart.",
        "We are checking whether we can attend and will revert.",
    ] {
        let f = read_as(("Bjørn Ås", "bjorn.as@hod.dep.no"), text, "");
        assert!(
            f.answers.iter().all(|a| a.intent == Intent::Later),
            "{text}: {:?}",
            f.answers
        );
    }
}
