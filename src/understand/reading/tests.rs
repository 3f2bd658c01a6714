//! The reading of replies, phenomenon by phenomenon, on short texts in the ways people write.

use super::*;
use crate::understand::facts::EventRef;

fn ctx() -> Context {
    let mut ctx = Context {
        default_event: "kickoff".into(),
        own_names: vec!["Tom Arne Nygaard".into()],
        own_addresses: vec!["tom-arne.nygaard@kdd.dep.no".into()],
        own_phones: vec!["+4722244971".into(), "+4722249090".into()],
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
fn some_of_us_away_is_not_the_organisation_declining() {
    // Part of the organisation, and the answer still to come: no decline, nothing to settle.
    let f = read_as(
        ("Hanne Vik", "hanne.vik@nfd.dep.no"),
        "Når det gjelder oppfølgingsmøtet: flere av oss har ferie i august, så vi kommer tilbake til hvem som deltar.",
        "",
    );
    assert_eq!(f.answers.len(), 1);
    assert_eq!(f.answers[0].intent, Intent::Later, "{f:?}");
    // Part of the organisation away, with nothing else said: a person settles it.
    let f = read_as(
        ("Hanne Vik", "hanne.vik@nfd.dep.no"),
        "Noen av oss er dessverre på ferie når oppfølgingsmøtet holdes.",
        "",
    );
    assert!(f.answers.iter().all(|a| a.intent != Intent::Declined), "{f:?}");
    assert!(!f.doubts.is_empty(), "{f:?}");
    // The whole organisation: "ingen av oss", "vi".
    for body in [
        "Ingen av oss kan komme på oppfølgingsmøtet, vi har ferie i august.",
        "Vi har ferie i august og kan ikke delta på oppfølgingsmøtet.",
    ] {
        let f = read_as(("Hanne Vik", "hanne.vik@nfd.dep.no"), body, "");
        assert_eq!(f.answers[0].intent, Intent::Declined, "{body}: {f:?}");
    }
}

#[test]
fn a_register_in_a_norwegian_sentence_is_a_noun_and_no_registration() {
    let f = read_as(
        ("Gro Tveten", "gro.tveten@efn.no"),
        "Kort oppsummert ønsker vi:\n\n1. et offentlig register over algoritmer i staten,\n2. åpne data som standard.",
        "",
    );
    assert!(
        f.answers.iter().all(|a| a.intent != Intent::Registered),
        "{:?}",
        f.answers
    );
    // The English verb still registers.
    let f = read_as(
        ("Anne Lie", "anne.lie@kd.dep.no"),
        "I would like to register for the meeting.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered);
}

#[test]
fn a_list_after_a_colon_goes_on_in_the_same_line_before_a_sentence_of_the_one_not_named() {
    let f = read_as(
        ("Aslak Berge", "aslak.berge@hod.dep.no"),
        "HOD blir tre på samskapingsmøtet. To av navnene har jeg allerede: Ingrid Solbakken og Petter Myhre. Den tredje kommer fra helserettsavdelingen, og navnet ettersendes.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Ingrid Solbakken", "Petter Myhre"]);
    assert_eq!(f.answers[0].count, Some(3));
}

#[test]
fn the_one_not_named_then_named_by_an_ordinal_counts_once() {
    let f = read_as(
        ("Aslak Berge", "aslak.berge@hod.dep.no"),
        "Den tredje fra HOD blir Marius Aakre (marius.aakre@hod.dep.no).",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Marius Aakre"]);
    assert_eq!(f.answers[0].count, None);
}

#[test]
fn addresses_given_for_two_people_go_to_the_ones_they_spell_not_by_their_order() {
    let f = read_as(
        ("Aslak Berge", "aslak.berge@hod.dep.no"),
        "Adressene til Ingrid Solbakken og Petter Myhre er ingrid.solbakken@hod.dep.no og petter.myhre@hod.dep.no.",
        "",
    );
    let got: Vec<(Option<String>, Option<String>)> = f.answers[0]
        .attendees
        .iter()
        .map(|a| (a.name.clone(), a.email.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                Some("Ingrid Solbakken".into()),
                Some("ingrid.solbakken@hod.dep.no".into())
            ),
            (
                Some("Petter Myhre".into()),
                Some("petter.myhre@hod.dep.no".into())
            )
        ]
    );
}

#[test]
fn the_one_brought_along_comes_and_a_paper_brought_from_someone_brings_no_one() {
    let f = read_as(
        ("Randi Smedsrud", "randi.smedsrud@smk.dep.no"),
        "På vegne av ekspedisjonssjef Bjørn Tveit melder jeg ham på samskapingsmøtet 23. juni. Han tar med seg rådgiver Live Hovland.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Bjørn Tveit", "Live Hovland"]);
    let f = read_as(
        ("Kari Hansen", "kari.hansen@kd.dep.no"),
        "Jeg kommer 23. juni. Jeg tar med meg referatet fra Per Olsen.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Kari Hansen"]);
}

#[test]
fn a_count_that_no_verb_of_becoming_gives_registers_no_one() {
    let f = read_as(
        ("Ingvild Rosseland", "ingvild.rosseland@kld.dep.no"),
        "Et spørsmål før vi melder på: blir det mulig å følge møtet på Teams? To av oss som jobber med dette sitter på kontoret i Trondheim, og det blir mye reising for et tretimers møte.",
        "",
    );
    assert!(
        f.answers.iter().all(|a| a.intent != Intent::Registered),
        "{:?}",
        f.answers
    );
}

#[test]
fn a_smiley_ends_a_sentence_and_the_organisation_that_comes_is_not_the_writer() {
    let f = read_as(
        ("Hedda Sollie", "hedda.sollie@lnu.no"),
        "Hei! Sent på kvelden, men innafor fristen håper jeg 😊 LNU kommer med 2 stk. Navn ettersendes.",
        "",
    );
    assert_eq!(
        (f.answers[0].intent, f.answers[0].count),
        (Intent::Registered, Some(2))
    );
    assert!(f.answers[0].attendees.is_empty(), "{:?}", f.answers[0]);
}

#[test]
fn the_writer_on_holiday_under_a_list_is_no_line_of_it() {
    let f = read_as(
        ("Trine Wold", "trine.wold@plan-norge.no"),
        "Plan International Norge stiller med to personer:\n\nMona Aarskog, seniorrådgiver – mona.aarskog@plan-norge.no\nDaniel Kibret, rådgiver – daniel.kibret@plan-norge.no\n\nSelv har jeg dessverre ferie da.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Mona Aarskog", "Daniel Kibret"]);
}

#[test]
fn the_dialects_first_person_is_the_writer() {
    let f = read_as(
        ("Ingvild Rosseland", "ingvild.rosseland@kld.dep.no"),
        "Takk for svar! Da kjæm æ og Jon Erik Vassbotn tel Oslo likevel, vi tar morraflyet.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Ingvild Rosseland", "Jon Erik Vassbotn"]);
}

#[test]
fn one_put_on_other_work_is_replaced_by_the_one_who_comes_instead() {
    let f = read_as(
        ("Marte Solbakken", "marte.solbakken@fd.dep.no"),
        "Jørgen Aas er satt på et annet oppdrag i morgen. Rådgiver Amalie Berg kommer i stedet: amalie.berg@fd.dep.no\n\nJeg deltar som før.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Amalie Berg", "Marte Solbakken"]);
    let gone: Vec<_> = a.withdrawn.iter().filter_map(|w| w.name.clone()).collect();
    assert_eq!(gone, ["Jørgen Aas"]);
}

#[test]
fn the_one_who_comes_set_against_the_one_who_does_not() {
    let f = read_as(
        ("Elise Rønning", "elise.ronning@nfd.dep.no"),
        "Beklager, en skrivefeil i tabellen: det er Kjersti Mo som kommer, ikke Kristin. Riktig adresse er kjersti.mo@nfd.dep.no.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Kjersti Mo"]);
    assert_eq!(a.attendees[0].email.as_deref(), Some("kjersti.mo@nfd.dep.no"));
    let gone: Vec<_> = a.withdrawn.iter().filter_map(|w| w.name.clone()).collect();
    assert_eq!(gone, ["Kristin"]);
}

#[test]
fn one_with_a_clashing_meeting_is_replaced_by_the_one_who_comes_instead() {
    let f = read_as(
        ("Kari Nordmann", "kari.nordmann@aid.dep.no"),
        "Beklager rotet: Henrik Wold har fått et kolliderende møte med statsråden. I stedet kommer seniorrådgiver Marte Lund (marte.lund@aid.dep.no).",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Marte Lund"]);
    let gone: Vec<_> = a.withdrawn.iter().filter_map(|w| w.name.clone()).collect();
    assert_eq!(gone, ["Henrik Wold"]);
}

#[test]
fn the_one_taken_over_from_is_no_contact() {
    let f = read_as(
        ("Øystein Krogh", "oystein.krogh@kd.dep.no"),
        "Jeg tar over OGP-porteføljen etter Randi Moe fra 15. august og blir KDs kontaktperson.",
        "",
    );
    assert_eq!(
        f.contact.as_ref().and_then(|c| c.name.as_deref()),
        Some("Øystein Krogh"),
        "{f:?}"
    );
}

#[test]
fn an_organisation_named_as_the_subject_declines_both_meetings_in_an_apposition() {
    let f = read_as(
        ("Øystein Hammer", "oystein.hammer@nj.no"),
        "Norsk Journalistlag har dessverre ikke kapasitet til å være med i OGP-arbeidet denne runden - verken på møtet 23. juni eller på oppfølgingsmøtet i august/september.",
        "",
    );
    let got: Vec<(&str, Intent)> = f.answers.iter().map(|a| (a.event.as_str(), a.intent)).collect();
    assert_eq!(
        got,
        [("kickoff", Intent::Declined), ("followup", Intent::Declined)],
        "{f:?}"
    );
    assert!(f.answers.iter().all(|a| a.withdrawn.is_empty()), "{f:?}");
}

#[test]
fn a_thing_that_comes_in_a_clause_of_time_is_no_one_coming() {
    let f = read_as(
        ("Øystein Hammer", "oystein.hammer@nj.no"),
        "Vi kan ikke være med denne gangen. Vi følger med på høringen når oppsummeringen kommer.",
        "",
    );
    assert!(f.answers.iter().all(|a| a.intent == Intent::Declined), "{f:?}");
    // A person who comes, in a clause of time, still comes.
    let f = read_as(
        ("Kari Hansen", "kari.hansen@kd.dep.no"),
        "Jeg kommer når møtet starter.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered);
}

#[test]
fn standing_over_a_meeting_declines_it() {
    let f = read_as(
        ("Stian Haugland", "stian.haugland@fd.dep.no"),
        "Dessverre passer ingen av datoene for FD, og vi må nok stå over oppfølgingsmøtet denne gangen.",
        "",
    );
    assert_eq!(f.answers.len(), 1);
    assert_eq!(
        (f.answers[0].event.as_str(), f.answers[0].intent),
        ("followup", Intent::Declined)
    );
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

#[test]
fn the_one_who_takes_a_place_comes_and_the_one_named_as_the_reason_goes() {
    let f = read_as(
        ("Mads Tveit", "mtveit@amnesty.no"),
        "Ingrid er dessverre blitt syk, så Henrik Moe (hmoe@amnesty.no) tar plassen hennes i morgen. Jeg kommer som avtalt.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Henrik Moe", "Mads Tveit"], "{a:?}");
    let gone: Vec<_> = a.withdrawn.iter().filter_map(|w| w.name.clone()).collect();
    assert_eq!(gone, ["Ingrid"]);
}

#[test]
fn a_possessive_outside_a_replacement_is_no_one_coming() {
    let f = read_as(
        ("Mari Fjeld", "mari.fjeld@jd.dep.no"),
        "Jonas må dessverre melde forfall på torsdag – det har kommet en hastehøring i fanget hans. Jeg kommer som planlagt.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Mari Fjeld"], "{f:?}");
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
    let gone: Vec<_> = a.withdrawn.iter().filter_map(|w| w.name.clone()).collect();
    assert_eq!(gone, ["Jonas"]);
}

#[test]
fn a_count_with_blir_and_the_people_after_its_colon() {
    let f = read_as(
        ("Jonas Berntsen", "jonas@forumfor.no"),
        "Glem forrige e-post! Vi blir bare to: Andrea Solberg (andrea@forumfor.no) og meg.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!((a.intent, a.count), (Intent::Registered, Some(2)));
    assert_eq!(names(a), ["Andrea Solberg", "Jonas Berntsen"]);
    assert!(f.correction);
}

#[test]
fn a_secretary_registering_her_superior_on_his_behalf_is_not_one_who_comes() {
    for text in [
        "På vegne av ekspedisjonssjef Hilde Mørkved melder jeg henne på samskapingsmøtet 23. juni.",
        "Jeg melder på Hilde Mørkved på vegne av avdelingen.",
        "På vegne av Hilde Mørkved: hun kommer gjerne på møtet 23. juni.",
        "Jeg skriver på vegne av statssekretær Hilde Mørkved, som gjerne deltar på møtet.",
        "On behalf of Hilde Mørkved I would like to register her for the meeting.",
    ] {
        let f = read_as(("Randi Kolstad", "randi.kolstad@nfd.dep.no"), text, "");
        let a = f.answers.first().unwrap_or_else(|| panic!("{text}: {f:?}"));
        assert_eq!(names(a), ["Hilde Mørkved"], "{text}: {a:?}");
        assert_eq!(a.count, None, "{text}");
    }
}

#[test]
fn the_one_others_are_enrolled_on_behalf_of_is_not_one_of_them() {
    for text in [
        "På vegne av ekspedisjonssjef Randi Vik melder jeg på følgende:\n\n- Thomas Lunde, seniorrådgiver\n- Maria Sæther, rådgiver",
        "På vegne av avdelingsdirektør Randi Vik melder jeg på Thomas Lunde og Maria Sæther til samskapingsmøtet.",
        "On behalf of Randi Vik I would like to register Thomas Lunde and Maria Sæther for the meeting.",
    ] {
        let f = read_as(("Astrid Kvam", "astrid.kvam@bfd.dep.no"), text, "");
        let a = f.answers.first().unwrap_or_else(|| panic!("{text}: {f:?}"));
        assert_eq!(names(a), ["Thomas Lunde", "Maria Sæther"], "{text}: {a:?}");
    }
}

#[test]
fn who_comes_in_the_ordinary_ways_of_saying_it() {
    // (text, names, count)
    let cases: &[(&str, &[&str], Option<u32>)] = &[
        (
            "Hei,\n\nVi blir to fra SD. Navn kommer senere.\n\nNils",
            &[],
            Some(2),
        ),
        ("Vi blir to fra SD på torsdag.", &[], Some(2)),
        ("Blir to stykker fra oss.", &[], Some(2)),
        ("SD stiller med to. Jeg sender navnene i morgen.", &[], Some(2)),
        (
            "Her er navnene: Kari Hansen og Per Olsen.",
            &["Kari Hansen", "Per Olsen"],
            None,
        ),
        (
            "De to som kommer er Kari Hansen og Per Olsen.",
            &["Kari Hansen", "Per Olsen"],
            None,
        ),
        (
            "Vi kommer to stykker: Kari Hansen og jeg.",
            &["Kari Hansen", "Nils Ekre"],
            Some(2),
        ),
        (
            "Det blir Kari Hansen og Per Olsen som kommer.",
            &["Kari Hansen", "Per Olsen"],
            None,
        ),
        (
            "Kari Hansen og Per Olsen kommer fra SD.",
            &["Kari Hansen", "Per Olsen"],
            None,
        ),
        ("Jeg og Kari Hansen kommer.", &["Nils Ekre", "Kari Hansen"], None),
        (
            "Hei Tom Arne!\nKommer gjerne, sammen med Kari Hansen.\nNils",
            &["Nils Ekre", "Kari Hansen"],
            None,
        ),
        (
            "Vi er tre som kommer fra EFN: Kari Hansen, Per Olsen og undertegnede.",
            &["Kari Hansen", "Per Olsen", "Nils Ekre"],
            Some(3),
        ),
    ];
    for (text, who, count) in cases {
        let f = read_as(
            ("Nils Ekre", "nils.ekre@sd.dep.no"),
            text,
            "Hilsen Nils Ekre\nSamferdselsdepartementet",
        );
        let a = f
            .answers
            .first()
            .unwrap_or_else(|| panic!("{text}: nothing read"));
        assert_eq!(a.intent, Intent::Registered, "{text}");
        assert_eq!(names(a), *who, "{text}");
        assert_eq!(a.count, *count, "{text}");
    }
}

#[test]
fn a_day_s_number_ends_a_sentence_before_a_capital_and_the_writer_of_the_next_is_not_coming() {
    let f = read_as(
        ("Nils Ekre", "nils.ekre@sd.dep.no"),
        "SD kommer med to deltakere den 23. Navnene ettersender jeg når vi har fordelt oppgavene.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!((a.intent, a.count), (Intent::Registered, Some(2)));
    assert!(a.attendees.is_empty(), "{a:?}");
}

#[test]
fn a_sentence_under_a_list_is_not_one_of_its_lines() {
    let f = read_as(
        ("Halvor Brenna", "halvor@efn.no"),
        "Vi melder på to fra styret:\nSigurd Fjell <sigurd@efn.no>\nThea Moe <thea@efn.no>\n\nSelv har jeg dessverre ikke anledning den dagen.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Sigurd Fjell", "Thea Moe"], "{a:?}");
    let gone: Vec<_> = a.withdrawn.iter().filter_map(|w| w.email.clone()).collect();
    assert_eq!(gone, ["halvor@efn.no"]);
}

#[test]
fn a_tab_separated_table_is_rows_of_people_and_no_row_takes_another_s_address() {
    let f = read_as(
        ("Liv Tangen", "liv.tangen@fin.dep.no"),
        "Hei,\n\nPå vegne av Finansdepartementet melder jeg på følgende til samskapingsmøtet 23. juni:\n\nNavn\tAvdeling\tE-post\nKjetil Berg\tSkattelovavdelingen\tkjetil.berg@fin.dep.no\nAmira Haddad\tFinansmarkedsavdelingen\tamira.haddad@fin.dep.no\nTrond Vikene\tØkonomiavdelingen\t\n\nTrond har ikke fått e-postadresse ennå.",
        "",
    );
    let a = &f.answers[0];
    let got: Vec<(Option<&str>, Option<&str>)> = a
        .attendees
        .iter()
        .map(|p| (p.name.as_deref(), p.email.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Some("Kjetil Berg"), Some("kjetil.berg@fin.dep.no")),
            (Some("Amira Haddad"), Some("amira.haddad@fin.dep.no")),
            (Some("Trond Vikene"), None),
        ]
    );
}

#[test]
fn someone_not_recognised_who_cannot_come_is_never_taken_for_the_writer() {
    let f = read_as(
        ("Liv Tangen", "liv.tangen@fin.dep.no"),
        "Hei igjen,\n\nAmira Haddad må dessverre trekke seg fra møtet på torsdag. Kjetil og Trond kommer som planlagt.",
        "Hilsen Liv",
    );
    let a = &f.answers[0];
    assert!(
        a.withdrawn
            .iter()
            .all(|w| w.email.as_deref() != Some("liv.tangen@fin.dep.no")),
        "{a:?}"
    );
}

#[test]
fn an_organisation_not_in_the_address_list_that_cannot_come_declines_as_itself() {
    let f = read_as(
        ("Kristine Foss", "kristine@presse.no"),
        "Norsk Presseforbund har dessverre ikke anledning 23. juni.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Declined, "{f:?}");
}

#[test]
fn one_drops_out_so_the_writer_comes_alone() {
    let f = read_as(
        ("Mathias Berg", "mathias@wwf.no"),
        "Ragnhild har dessverre fått forfall, så det blir bare meg fra WWF i morgen.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Mathias Berg"], "{a:?}");
    let gone: Vec<_> = a.withdrawn.iter().filter_map(|w| w.name.clone()).collect();
    assert_eq!(gone, ["Ragnhild"]);
}

#[test]
fn instead_of_me_without_a_comma_names_the_writer_as_the_one_replaced() {
    let f = read_as(
        ("Kjersti Dahl", "kjersti.dahl@kld.dep.no"),
        "I stedet for meg stiller Per-Erik Haug fra Miljødirektoratet for KLD (per-erik.haug@miljodir.no).",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Per-Erik Haug"], "{a:?}");
    let gone: Vec<_> = a.withdrawn.iter().filter_map(|w| w.email.clone()).collect();
    assert_eq!(gone, ["kjersti.dahl@kld.dep.no"]);
}

#[test]
fn a_reservation_after_the_yes_makes_it_tentative_and_one_about_the_deadline_does_not() {
    let f = read_as(
        ("Ketil Mæland", "ketil@nored.no"),
        "Jeg kommer mest sannsynlig, men har et styremøte som kan dra ut – så regn det som foreløpig inntil videre.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Tentative, "{f:?}");
    let f = read_as(
        ("Magnus Bekkevold", "magnus@afrika.no"),
        "Sent, men forhåpentligvis innenfor: Fellesrådet for Afrika vil gjerne delta på samskapingsmøtet. Vi kommer to – jeg og Ingvild Sandnes (ingvild@afrika.no).",
        "",
    );
    let a = &f.answers[0];
    assert_eq!((a.intent, a.count), (Intent::Registered, Some(2)), "{f:?}");
    assert_eq!(names(a), ["Magnus Bekkevold", "Ingvild Sandnes"]);
}

#[test]
fn the_other_side_of_a_condition_and_a_note_after_a_dash_say_nothing_of_coming() {
    let f = read_as(
        ("Sølvi Brattland", "solvi@framtiden.no"),
        "Jeg sitter i Bergen, så hvis jeg rekker morgenflyet kommer jeg – ellers blir det nok ingen fra oss denne gangen.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(
        (a.intent, names(a)),
        (Intent::Tentative, vec!["Sølvi Brattland".to_string()]),
        "{f:?}"
    );
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
    let f = read_as(
        ("Mari Fjeld", "mari.fjeld@jd.dep.no"),
        "Fra JD kommer jeg selv.\nJeg nås lettest på mobil, +47 930 12 345 – fasttelefonen er ikke alltid bemannet.",
        "",
    );
    let a = &f.answers[0];
    assert!(a.withdrawn.is_empty(), "{a:?}");
    assert_eq!(names(a), ["Mari Fjeld"]);
}

#[test]
fn put_me_down_for_now_and_an_inverted_melder_jeg_meg_på() {
    let f = read_as(
        ("Hilde Sæther", "hilde.saether@oed.dep.no"),
        "OED deltar trolig med én person på møtet 23. juni, men vi har ikke landet hvem det blir ennå. Foreløpig kan du føre opp meg, så gir jeg beskjed hvis det blir endringer.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(
        (a.intent, names(a)),
        (Intent::Tentative, vec!["Hilde Sæther".to_string()]),
        "{f:?}"
    );
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
    let f = read_as(
        ("Ingrid Berg", "ingrid.berg@kld.dep.no"),
        "Takk for svar. Da melder jeg meg på, og jeg er også kontaktperson for KLD (tlf. 482 11 222).",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(
        (a.intent, names(a)),
        (Intent::Registered, vec!["Ingrid Berg".to_string()])
    );
    assert_eq!(f.contact.and_then(|c| c.phone).as_deref(), Some("+4748211222"));
}

#[test]
fn a_reservation_is_not_a_yes_and_a_signature_left_in_the_body_gives_the_writer_s_own_number() {
    let f = read_as(
        ("Mads Tveit", "mtveit@amnesty.no"),
        "Angående datoene: foreløpig kan vi 29. og 31. august, men det er med forbehold til jeg har sjekket med generalsekretæren.",
        "",
    );
    assert!(f.answers.iter().all(|a| a.attendees.is_empty()), "{f:?}");
    let f = read_as(
        ("Knut Berge", "knut.berge@sd.dep.no"),
        "Kontaktperson for SD blir meg.\n\nKnut Berge\nseniorrådgiver\nSamferdselsdepartementet\nTlf. 22 24 90 90 / 48 12 29 05",
        "",
    );
    let c = f.contact.expect("a contact");
    assert_eq!((c.is_sender, c.phone.as_deref()), (true, Some("+4748122905")));
}

#[test]
fn a_registration_on_a_condition_for_the_coordinator_and_colleagues_who_would_like_to_join() {
    let f = read_as(
        ("Camilla Dyrnes", "camilla.dyrnes@bfd.dep.no"),
        "BFD vil gjerne delta, men vi trenger en agenda før møtet. Dersom dere kan sende det ut i løpet av mandag, melder vi på to personer.",
        "",
    );
    assert!(f.doubts.iter().any(|d| d.en.contains("condition")), "{f:?}");
    let f = read_as(
        ("Anders Skogstad", "anders.skogstad@kld.dep.no"),
        "Vi har et par kolleger i Trondheim som gjerne vil være med.",
        "",
    );
    assert!(f.answers.is_empty(), "{f:?}");
    let f = read_as(
        ("Randi Kolstad", "randi.kolstad@nfd.dep.no"),
        "Da melder jeg på Hilde Mørkved.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Hilde Mørkved"]);
}

#[test]
fn a_text_that_says_nothing_of_the_meetings_is_read_as_nothing_and_a_question_in_it_is_kept() {
    let f = read_as(
        ("Kari Nordmann", "kari@aid.dep.no"),
        "Takk for sist. Hyggelig å se deg.",
        "",
    );
    assert_eq!(f, Facts::default());
    let f = read_as(("Kari Nordmann", "kari@aid.dep.no"), "Hvor holdes møtet?", "");
    assert_eq!(f.questions, ["Hvor holdes møtet?"]);
}

#[test]
fn a_switchboard_s_label_does_not_reach_past_the_separator_to_the_mobile_beside_it() {
    let c = ctx();
    let found: Vec<String> = people::personal_numbers("Sentralbord 22 24 12 34 / Mobil 481 22 905", &c)
        .into_iter()
        .map(|f| f.e164)
        .collect();
    assert_eq!(found, ["+4748122905"]);
}

#[test]
fn a_greeting_that_goes_on_in_the_same_line_still_registers() {
    let f = read_as(
        ("Mari Kvamme", "mari.kvamme@hod.dep.no"),
        "hei, jeg melder meg på møtet 23.6",
        "mvh Mari",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered);
    assert_eq!(names(&f.answers[0]), ["Mari Kvamme"]);
}

#[test]
fn a_name_wrapped_away_from_its_verb_is_still_the_one_who_replaces() {
    let f = read_as(
        ("Mari Kvamme", "mari.kvamme@hod.dep.no"),
        "Hei,\n\nJeg får dessverre ikke kommet likevel. Min kollega Sander Lien\n(sander.lien@hod.dep.no) kommer i stedet for meg.\n\nMari",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(
        (a.intent, names(a)),
        (Intent::Registered, vec!["Sander Lien".to_string()])
    );
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Mari Kvamme"));
}

#[test]
fn a_registration_that_waits_for_something_is_an_answer_to_come() {
    for body in [
        "Vi melder på når vi vet det.",
        "Blir det mulig å følge møtet på Teams? Vi er noen her som gjerne vil være med. Vi melder på når vi vet det.",
        "Selv har jeg ikke anledning 23. juni. Hvem som stiller fra oss på møtet, kommer vi tilbake til.",
        "Navn på deltakerne sender vi når det er avklart.",
    ] {
        let f = read_as(("Anne-Lise Berg", "anne-lise.berg@jd.dep.no"), body, "");
        assert_eq!(f.answers[0].intent, Intent::Later, "{body}");
        assert!(f.answers[0].attendees.is_empty(), "{body}");
    }
}

#[test]
fn something_that_came_up_is_no_one_coming() {
    let f = read_as(
        ("Lars Ove Tangen", "lars-ove.tangen@oed.dep.no"),
        "Vi må dessverre melde avbud for OED, både Nina og jeg. Det har kommet noe akutt i departementet.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Declined);
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
}

#[test]
fn on_behalf_of_an_organisation_the_writer_is_the_one_who_comes() {
    let f = read_as(
        ("Ellen Moss", "ellen.moss@nrc.no"),
        "I will be in Oslo on Thursday and would like to attend the co-creation meeting on 23 June on behalf of the Norwegian Refugee Council.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Ellen Moss"]);
}

#[test]
fn an_adverb_inside_a_phrase_of_coming_changes_nothing() {
    let f = read_as(
        ("Sunniva Eide", "sunniva.eide@bymisjon.no"),
        "Fikk flyttet møtet, så da kommer jeg. Jonas Aas (jonas.aas@bymisjon.no) blir også med.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Sunniva Eide", "Jonas Aas"]);
}

#[test]
fn those_who_enrol_themselves_come() {
    let f = read_as(
        ("Knut Ivar Bøe", "knut-ivar.boe@kld.dep.no"),
        "Takk for svar. Da melder jeg og Hanna Berg (hanna.berg@kld.dep.no) oss på.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Knut Ivar Bøe", "Hanna Berg"]);
}

#[test]
fn sending_two_is_two_who_come() {
    let f = read_as(
        ("Even Sletten", "even.sletten@nu.no"),
        "Beklager sent svar. Vi vil gjerne sende to fra Natur og Ungdom: meg og\nOda Kristiansen (oda.kristiansen@nu.no). Kontaktperson for oss er Oda, 467 12 980.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Even Sletten", "Oda Kristiansen"]);
    let c = f.contact.expect("a contact");
    assert_eq!(c.email.as_deref(), Some("oda.kristiansen@nu.no"));
    assert_eq!(c.phone.as_deref(), Some("+4746712980"));
}

#[test]
fn being_at_the_meeting_is_coming_and_most_likely_is_tentative() {
    let f = read_as(
        ("Lukas Meier", "lukas.meier@okfn.no"),
        "Sorry for the late reply. I will most likely be at the co-creation meeting on\nThursday.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Tentative);
    assert_eq!(names(&f.answers[0]), ["Lukas Meier"]);
}

#[test]
fn a_line_that_stops_at_its_verb_heads_the_list_below_it() {
    let f = read_as(
        ("Sigrid Brekke", "sigrid.brekke@aid.dep.no"),
        "Hei,\n\nAID deltar gjerne på samskapingsmøtet 23. juni. Fra oss kommer\n\nEirik Haugland, seniorrådgiver, eirik.haugland@aid.dep.no\nNora Bjørnstad, rådgiver, nora.bjornstad@aid.dep.no\n\nSelv har jeg dessverre ikke anledning den dagen.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered);
    assert_eq!(names(a), ["Eirik Haugland", "Nora Bjørnstad"]);
}

#[test]
fn what_comes_before_registering_is_no_registration() {
    let f = read_as(
        ("Per Olsen", "per.olsen@kud.dep.no"),
        "Før vi melder på nokon frå departementet, treng eg litt meir informasjon: blir det servering?",
        "",
    );
    assert!(
        f.answers.iter().all(|a| a.intent == Intent::Later),
        "{:?}",
        f.answers
    );
}

#[test]
fn the_coordinator_having_time_is_no_one_coming() {
    let f = read_as(
        ("Per Olsen", "per.olsen@hod.dep.no"),
        "Hvor lenge varer møtet? Fint om du kan svare når du har anledning.",
        "",
    );
    assert!(f.answers.is_empty(), "{:?}", f.answers);
}

#[test]
fn a_colleague_by_his_given_name_withdraws_and_the_writer_still_comes() {
    let f = read_as(
        ("Sophie Laurent", "sophie.laurent@humanrightshouse.org"),
        "Dear Tom Arne,\n\nUnfortunately Andreas has to travel to Geneva at short notice and will not be able to attend tomorrow. I will still be there.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Sophie Laurent"]);
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Andreas"));
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
}

#[test]
fn the_one_the_role_names_is_the_contact_not_the_writer() {
    let f = read_as(
        ("Tordis Rogne", "tordis.rogne@lmd.dep.no"),
        "Avdelingsdirektør Gudrun Fosse har bede meg gi beskjed om at Haldor Brenna blir kontaktperson for departementet i OGP-arbeidet.",
        "",
    );
    assert_eq!(f.contact.and_then(|c| c.name).as_deref(), Some("Haldor Brenna"));
}

#[test]
fn a_condition_after_the_yes_is_for_the_coordinator_to_meet() {
    let f = read_as(
        ("Siv Hammerstad", "siv.hammerstad@hod.dep.no"),
        "Eg kan stille frå HOD på samskapingsmøtet, men berre dersom det er greitt at eg går etter den første timen.",
        "",
    );
    assert!(
        f.doubts.iter().any(|d| d.en.contains("condition")),
        "{:?}",
        f.doubts
    );
}

#[test]
fn an_address_given_in_a_later_sentence_is_the_person_s_it_spells() {
    let f = read_as(
        ("Bjørn Aas", "bjorn.aas@kld.dep.no"),
        "KLD stiller med to på møtet 23. juni: Marte Lunde og undertegnede.\n\nMarte blir kontaktperson for OGP-arbeidet hos oss. Hun har e-post marte.lunde@kld.dep.no og mobil 476 12 289.",
        "",
    );
    let marte = f.answers[0]
        .attendees
        .iter()
        .find(|a| a.name.as_deref() == Some("Marte Lunde"))
        .expect("Marte");
    assert_eq!(marte.email.as_deref(), Some("marte.lunde@kld.dep.no"));
    let c = f.contact.expect("a contact");
    assert_eq!(
        (c.name.as_deref(), c.email.as_deref()),
        (Some("Marte Lunde"), Some("marte.lunde@kld.dep.no"))
    );
}

#[test]
fn a_name_not_on_the_list_of_given_names_is_a_person_by_the_address_beside_it() {
    // The address was compared with the surname in capitals, and never matched.
    let f = read_as(
        ("Yngve Aasland", "yngve.aasland@hod.dep.no"),
        "Jeg kommer selv, sammen med Kamilla Thorsen (kamilla.thorsen@hod.dep.no).",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Yngve Aasland", "Kamilla Thorsen"]);
}

#[test]
fn a_registration_for_now_with_the_adverb_inside_the_verb_is_tentative() {
    let f = read_as(
        ("Trine Haugen", "trine.haugen@oed.dep.no"),
        "Jeg melder meg foreløpig på fra OED. Jeg bekrefter så snart hjemreisen er klar.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Tentative);
    assert_eq!(names(&f.answers[0]), ["Trine Haugen"]);
}

#[test]
fn he_or_she_as_contact_is_the_person_named_just_before() {
    let f = read_as(
        ("Hilde Sørum", "hilde.sorum@fd.dep.no"),
        "Hei,\n\nFD melder på Kjetil Brekke (kjetil.brekke@fd.dep.no). Han er også vår\nkontaktperson i OGP-arbeidet, tlf. 23 09 71 45.\n\nHilde Sørum\nførstekonsulent, Forsvarsdepartementet",
        "",
    );
    let c = f.contact.expect("a contact");
    assert_eq!(c.name.as_deref(), Some("Kjetil Brekke"));
    assert_eq!(c.email.as_deref(), Some("kjetil.brekke@fd.dep.no"));
    assert_eq!(c.phone.as_deref(), Some("+4723097145"));
}

#[test]
fn a_promise_in_nynorsk_to_come_back_with_the_registration_is_no_registration() {
    let f = read_as(
        ("Lien Marit", "marit.lien@kd.dep.no"),
        "Takk. Vi må sjå på kven som kan ta dette, og kjem attende med påmelding så snart vi veit meir.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Later);
    assert!(f.answers[0].attendees.is_empty());
}

#[test]
fn a_tentative_registration_said_to_be_no_longer_tentative_is_a_registration() {
    let f = read_as(
        ("Brekke Hilde", "hilde.brekke@oed.dep.no"),
        "Hei igjen, nå er det klart, så jeg kommer på torsdag. Påmeldingen er altså ikke lenger foreløpig.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered);
    assert_eq!(names(&f.answers[0]), ["Hilde Brekke"]);
}

#[test]
fn the_writer_who_will_send_the_names_is_not_one_of_those_who_come() {
    let f = read_as(
        ("Foss Kristin", "kristin.foss@hod.dep.no"),
        "Hei, vi kommer tre stykker på møtet 23.6 navnene sender jeg når det er avklart hvem fra avdelingen som blir med",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.count, Some(3));
    assert!(a.attendees.is_empty(), "{:?}", a.attendees);
}

#[test]
fn one_who_has_fallen_away_so_we_are_two_is_a_registration_of_the_two() {
    let f = read_as(
        ("Foss Kristin", "kristin.foss@hod.dep.no"),
        "Per Nilsen har dessverre fått forfall så vi blir to i morgen, Lise og jeg",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered);
    assert_eq!(a.count, Some(2));
    assert!(
        names(a).contains(&"Kristin Foss".to_string()),
        "{:?}",
        a.attendees
    );
    assert_eq!(
        a.withdrawn
            .iter()
            .filter_map(|w| w.name.clone())
            .collect::<Vec<_>>(),
        ["Per Nilsen"]
    );
}

#[test]
fn instead_opening_a_sentence_is_no_part_of_the_name_after_it() {
    let f = read_as(
        ("Solvang Erik", "erik.solvang@mfa.no"),
        "Nina kan dessverre ikke likevel på torsdag. Instead Maja Lindqvist (maja.lindqvist@mfa.no) will join me.",
        "",
    );
    let a = &f.answers[0];
    assert!(
        names(a).contains(&"Maja Lindqvist".to_string()),
        "{:?}",
        a.attendees
    );
    assert_eq!(
        a.withdrawn
            .iter()
            .filter_map(|w| w.name.clone())
            .collect::<Vec<_>>(),
        ["Nina"]
    );
}

#[test]
fn a_negation_inside_the_condition_after_a_yes_does_not_make_it_a_no() {
    let f = read_as(
        ("Arild Sunde", "arild.sunde@nj.no"),
        "Vi stiller gjerne med vår rådgiver Johanne Sande (johanne.sande@nj.no), dersom møtet også er åpent for dem som ikke fikk invitasjonen.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Johanne Sande"]);
    assert!(a.withdrawn.is_empty(), "{:?}", a.withdrawn);
    assert!(
        f.doubts.iter().any(|d| d.en.starts_with("a condition")),
        "{:?}",
        f.doubts
    );
}

#[test]
fn a_mail_that_did_not_come_through_is_no_one_not_coming() {
    let f = read_as(
        ("Bøe Sigrid", "sigrid.boe@kud.dep.no"),
        "Vi har fått brevet, men e-posten ser ikkje ut til å ha kome fram til postmottaket. Eg melder difor på direkte: frå oss kjem eg sjølv og Ragnhild Ness.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered);
    assert_eq!(names(a), ["Sigrid Bøe", "Ragnhild Ness"]);
    assert!(a.withdrawn.is_empty(), "{:?}", a.withdrawn);
}

#[test]
fn an_offer_to_send_more_if_the_reader_needs_it_is_no_condition_on_coming() {
    let f = read_as(
        ("Hannah Clarke", "hclarke@wwf.no"),
        "WWF Norway would like to take part: I will attend together with Per Ove Lind (polind@wwf.no).\n\nPlease let us know if you need anything else from us.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Hannah Clarke", "Per Ove Lind"]);
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
}

#[test]
fn a_contact_given_by_the_sender_s_own_address_is_the_sender() {
    let f = read_as(
        ("Marius Haug", "marius.haug@ffo.no"),
        "Vi melder på meg til møtet 23. juni.\n\nJeg er også kontaktperson for FFO i det videre arbeidet: marius.haug@ffo.no / 412 36 587.",
        "",
    );
    let c = f.contact.expect("a contact");
    assert_eq!(c.name.as_deref(), Some("Marius Haug"));
    assert_eq!(c.phone.as_deref(), Some("+4741236587"));
}

#[test]
fn the_writer_who_attends_on_behalf_of_the_ministry_with_a_colleague_comes_too() {
    let f = read_as(
        ("Thorsen Rebecca", "rebecca.thorsen@sd.dep.no"),
        "I'll attend the meeting on 23 June on behalf of the Ministry of Transport, together with my colleague Kjetil Rud from the aviation department.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Rebecca Thorsen", "Kjetil Rud"]);
}

#[test]
fn one_from_the_board_is_someone_who_comes() {
    let f = read_as(
        ("Åshild Rønneberg", "ashild.ronneberg@nm.no"),
        "Vi vil gjerne vere med: eg kjem sjølv, saman med ein frå styret. Namnet får du seinare.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Åshild Rønneberg"]);
    assert_eq!(a.count, Some(2));
}

#[test]
fn a_count_stands_when_the_names_are_to_come() {
    let f = read_as(
        ("Ida Fjeld", "ida.fjeld@jussbuss.no"),
        "vi blir 2 stk, sender navn når vi har funnet ut hvem som har tid",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered);
    assert_eq!(a.count, Some(2));
    assert!(a.attendees.is_empty());
}

#[test]
fn a_ministry_that_does_not_come_itself_but_sends_its_agency_registers_the_agency_s_person() {
    let f = read_as(
        ("Ravn Gunnhild", "gunnhild.ravn@nfd.dep.no"),
        "NFD stiller ikkje sjølve på møtet, men Brønnøysundregistera møter for departementet ved Tor Haugland (tor.haugland@brreg.no).",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered);
    assert_eq!(names(a), ["Tor Haugland"]);
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
    // Alone, it is the organisation's no.
    let f = read_as(
        ("Ravn Gunnhild", "gunnhild.ravn@nfd.dep.no"),
        "Vi stiller ikke selv på møtet.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Declined);
}

#[test]
fn it_will_be_me_in_answer_to_the_mail_about_the_contact_person_appoints_the_writer() {
    let sender = Sender {
        name: Some("Brekke Hilde".into()),
        address: "hilde.brekke@oed.dep.no".into(),
    };
    let input = |subject| Input {
        body: "Det blir meg.",
        signature: "Hilde Brekke\nseniorrådgiver\nDirekte: 22 24 63 18 | Sentralbord: 22 24 90 90",
        subject,
        sender: &sender,
        cc: &[],
        quoted: "",
        today: NaiveDate::from_ymd_opt(2022, 6, 27),
    };
    let f = read(&input("SV: Påminnelse: kontaktperson for OGP-arbeidet"), &ctx());
    let c = f.contact.expect("a contact");
    assert_eq!(c.name.as_deref(), Some("Hilde Brekke"));
    assert_eq!(c.phone.as_deref(), Some("+4722246318"));
    // Under another subject it appoints no one.
    assert!(read(&input("SV: Invitasjon"), &ctx()).contact.is_none());
}

#[test]
fn a_name_in_lower_case_that_an_address_of_the_message_spells_is_a_person() {
    let f = read_as(
        ("Ida Fjeld", "ida.fjeld@jussbuss.no"),
        "hei igjen, det blir meg og mathias lie som kommer på torsdag. mathias sin mail er mathias.lie@jussbuss.no",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Ida Fjeld", "Mathias Lie"]);
    assert_eq!(a.attendees[1].email.as_deref(), Some("mathias.lie@jussbuss.no"));
}

#[test]
fn a_corrected_address_takes_the_person_off_by_name_and_back_with_it() {
    let f = read_as(
        ("Ravn Gunnhild", "gunnhild.ravn@nfd.dep.no"),
        "Hei, ein liten rettelse til e-posten min frå fredag: adressa til Tor Haugland skal vere tor.haugland@brreg.no, eg gløymde ein bokstav.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.attendees[0].email.as_deref(), Some("tor.haugland@brreg.no"));
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Tor Haugland"));
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
}

#[test]
fn a_first_name_is_the_person_in_copy_whose_display_name_puts_the_surname_first() {
    let sender = Sender {
        name: Some("Nilsen Marius".into()),
        address: "marius.nilsen@sd.dep.no".into(),
    };
    let cc = [Sender {
        name: Some("Berg Hilde".into()),
        address: "hilde.berg@sd.dep.no".into(),
    }];
    let f = read(
        &Input {
            body: "Hei,\n\nHilde (i kopi) og jeg kommer fra Samferdselsdepartementet.",
            signature: "Mvh Marius Nilsen",
            subject: "",
            sender: &sender,
            cc: &cc,
            quoted: "",
            today: NaiveDate::from_ymd_opt(2022, 6, 16),
        },
        &ctx(),
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Hilde Berg", "Marius Nilsen"]);
    assert_eq!(a.attendees[0].email.as_deref(), Some("hilde.berg@sd.dep.no"));
}

#[test]
fn one_who_is_ill_so_that_only_the_writer_comes_leaves_the_writer_alone() {
    let f = read_as(
        ("Bjørnstad Camilla", "camilla.bjornstad@nfd.dep.no"),
        "Øyvind er dessverre syk i dag, så fra NFD blir det bare meg.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Camilla Bjørnstad"]);
    assert!(f.correction, "the list is the writer alone");
}

#[test]
fn i_come_instead_of_her_replaces_the_one_named_before() {
    let f = read_as(
        ("Jonas Vold", "jonas.vold@ffo.no"),
        "Maja Kristiansen er dessverre forhindret på torsdag. Jeg kommer istedet for henne.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Jonas Vold"]);
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Maja Kristiansen"));
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
}

#[test]
fn sending_a_person_named_after_the_verb_registers_her_not_the_writer() {
    let f = read_as(
        ("Hagen Per Olav", "per.olav.hagen@bymisjon.no"),
        "Jeg ser at fristen gikk ut i går: Kirkens Bymisjon vil gjerne sende Oda Rønning, som leder arbeidet vårt, til møtet i morgen.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Oda Rønning"]);
    // Sending the names, or the agenda, registers no one.
    let f = read_as(
        ("Per Lie", "per.lie@kld.dep.no"),
        "Jeg sender agendaen til Kari Holm i morgen.",
        "",
    );
    assert!(f.answers.is_empty(), "{:?}", f.answers);
}

#[test]
fn a_corrected_address_in_the_sentence_after_the_name_is_hers() {
    let f = read_as(
        ("Aune Line", "line.aune@aid.dep.no"),
        "Beklager, det ble én k for mye i adressen til Håkon. Riktig er hakon.brekke@aid.dep.no.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.attendees[0].name.as_deref(), Some("Håkon"));
    assert_eq!(a.attendees[0].email.as_deref(), Some("hakon.brekke@aid.dep.no"));
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Håkon"));
}

#[test]
fn the_names_promised_come_as_it_will_be_x_and_y_or_the_colleague_is_x() {
    let f = read_as(
        ("Haug Petter", "petter.haug@oed.dep.no"),
        "Som lovet: det blir Lise Fjeld og Anders Bakke (anders.bakke@oed.dep.no).",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Lise Fjeld", "Anders Bakke"]);
    let f = read_as(
        ("Kristin Myhre", "kristin.myhre@lnu.no"),
        "Ungdomsrepresentanten vår blir Elias Nguyen (elias.nguyen@nmu.no) frå Norsk Målungdom.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Elias Nguyen"]);
    // A leader named is no one coming.
    let f = read_as(
        ("Kari Holm", "kari.holm@kld.dep.no"),
        "Lederen vår er Per Olsen.",
        "",
    );
    assert!(f.answers.is_empty(), "{:?}", f.answers);
}

#[test]
fn coming_together_with_a_role_is_one_more() {
    let f = read_as(
        ("Trine Solvang", "trine.solvang@nored.no"),
        "Norsk Redaktørforening ønsker å delta – jeg kommer sammen med generalsekretæren vår.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Trine Solvang"]);
    assert_eq!(a.count, Some(2));
}

#[test]
fn instead_of_him_first_then_the_one_who_comes_and_the_writer() {
    let f = read_as(
        ("Bjørgum Ingvild", "ingvild.bjorgum@kud.dep.no"),
        "Eirik Myklebust er dessverre sjuk. I staden for han kjem Sigrid Tangen (sigrid.tangen@kud.dep.no) i morgon, saman med meg.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered);
    assert!(
        names(a).contains(&"Sigrid Tangen".to_string()),
        "{:?}",
        a.attendees
    );
    assert!(
        names(a).contains(&"Ingvild Bjørgum".to_string()),
        "{:?}",
        a.attendees
    );
    assert_eq!(
        a.withdrawn
            .iter()
            .filter_map(|w| w.name.clone())
            .collect::<Vec<_>>(),
        ["Eirik Myklebust"]
    );
}

#[test]
fn a_reservation_in_the_turn_after_a_yes_makes_it_tentative() {
    let f = read_as(
        ("Camilla Strand", "camilla.strand@oed.dep.no"),
        "Jeg kommer gjerne på møtet 23. juni for OED, men med et lite forbehold: Det kan hende jeg må være med statsråden i et møte samme formiddag.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Tentative);
}

#[test]
fn the_writer_who_promises_the_names_is_not_counted_among_the_two() {
    let f = read_as(
        ("Kristoffer Aamodt", "kristoffer.aamodt@sd.dep.no"),
        "Beklager sent svar. SD stiller med to personer på møtet på torsdag, jeg sender navnene i morgen tidlig.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.count, Some(2));
    assert!(a.attendees.is_empty(), "{:?}", a.attendees);
}

#[test]
fn the_writer_s_name_alone_under_a_colon_is_the_sign_off() {
    let f = read_as(
        ("Kari Helene Strøm", "karihelene@norskpen.no"),
        "Takk! Nå er det avklart: Øystein Lund Hagen kommer for Norsk PEN. Han har e-post oystein.hagen@norskpen.no.\n\nKari Helene",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Øystein Lund Hagen"]);
}

#[test]
fn bringing_a_personal_assistant_is_one_more() {
    let f = read_as(
        ("Bjørn-Inge Nævdal", "bjorn-inge.naevdal@ffo.no"),
        "Da kommer jeg på torsdag, og jeg har med meg en personlig assistent.",
        "",
    );
    assert_eq!(f.answers[0].count, Some(2));
}

#[test]
fn the_one_who_signs_from_a_shared_mailbox_is_the_writer_with_her_own_address() {
    let f = read_as(
        ("Kirkens Bymisjon", "post@bymisjon.no"),
        "Kirkens Bymisjon kommer gjerne, og jeg stiller selv.",
        "Med vennlig hilsen\nLise Karin Holmsen\nRådgiver | Kirkens Bymisjon\nlise.karin.holmsen@bymisjon.no | Mobil: 918 62 210",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Lise Karin Holmsen"]);
    assert_eq!(
        a.attendees[0].email.as_deref(),
        Some("lise.karin.holmsen@bymisjon.no")
    );
}

#[test]
fn a_verb_first_then_a_comma_is_a_condition() {
    let f = read_as(
        ("Marius Haug", "marius.haug@ffo.no"),
        "Vi trenger å vite om lokalet er tilgjengelig for rullestolbrukere. Er det på plass, kommer vi med to personer.",
        "",
    );
    assert!(
        f.doubts.iter().any(|d| d.en.starts_with("a condition")),
        "{:?}",
        f.doubts
    );
}

#[test]
fn an_organisation_s_mailbox_is_not_the_address_of_the_one_who_signs() {
    // Regression: Eva Strand got the NGO's Gmail address as her own.
    let f = read_as(
        ("Aksjon for åpenhet", "aksjon.apenhet@gmail.com"),
        "Vi melder oss på møtet 23. juni, én person: Eva Strand.",
        "Mvh Eva Strand\nAksjon for åpenhet",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Eva Strand"]);
    assert_eq!(a.attendees[0].email, None);
}

#[test]
fn a_promise_that_the_reader_will_get_the_registration_is_no_registration() {
    let f = read_as(
        ("Lise Berg", "lise.berg@aid.dep.no"),
        "Vi må finne ut hvem som kan. Du får påmeldingen vår før fristen.",
        "",
    );
    assert!(f.answers.iter().all(|a| a.intent != Intent::Registered), "{f:?}");
    // Given now, after a colon, it is one.
    let f = read_as(
        ("Lise Berg", "lise.berg@aid.dep.no"),
        "Du får påmeldingen her: Lise Berg og Ola Hansen kommer.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered, "{f:?}");
}

#[test]
fn urging_the_readers_of_a_forward_to_come_registers_no_one_of_the_writer() {
    let f = read_as(
        ("Hilde Moe", "hilde.moe@kld.dep.no"),
        "Vi sender invitasjonen videre og oppfordrer dere til å delta. Påmelding sendes til Tom Arne Nygaard.",
        "",
    );
    assert!(f.answers.iter().all(|a| a.intent != Intent::Registered), "{f:?}");
}

#[test]
fn something_that_came_up_is_the_reason_for_not_coming_not_a_meeting_to_come_to() {
    let f = read_as(
        ("Anne Lie", "anne.lie@kld.dep.no"),
        "Det har dukket opp et møte som både Per og jeg må være med på. KLD må derfor trekke påmeldingen.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Declined, "{f:?}");
}

#[test]
fn a_display_name_surname_first_is_the_name_as_signed_under_the_text() {
    let f = read_as(
        ("Dahl Tor-Erik", "tor-erik.dahl@jd.dep.no"),
        "Hei,\n\nJeg kommer på møtet 23. juni.\n\nTor-Erik Dahl\nseniorrådgiver",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Tor-Erik Dahl"]);
}

#[test]
fn it_will_be_after_a_sentence_asking_for_a_contact_names_the_contact_not_one_who_comes() {
    let f = read_as(
        ("Kari Nes", "kari.nes@smk.dep.no"),
        "Vi ønsker en kontaktperson for arbeidet, selv om vi ikke kommer på alle møtene. Det blir Ole Brun, ole.brun@smk.dep.no, mobil 926 11 222.",
        "",
    );
    let contact = f.contact.as_ref().expect("a contact");
    assert_eq!(contact.name.as_deref(), Some("Ole Brun"));
    assert_eq!(contact.phone.as_deref(), Some("+4792611222"));
    assert!(f.answers.iter().all(|a| a.intent != Intent::Registered), "{f:?}");
}

#[test]
fn a_corrected_list_after_a_colon_names_everyone_on_it_and_not_the_one_checked_with() {
    let f = read_as(
        ("Vik, Hans Petter", "hans.petter.vik@hod.dep.no"),
        "Beklager, den forrige e-posten gikk før jeg hadde snakket med Marit, og hun er opptatt 23. juni.\n\nRiktig påmelding fra HOD er altså:\n- Hans Petter Vik\n- Liv Bakke, liv.bakke@hod.dep.no\n\nHans Petter",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered, "{f:?}");
    assert_eq!(names(a), ["Hans Petter Vik", "Liv Bakke"], "{f:?}");
    assert!(
        a.withdrawn.iter().all(|w| w.name.as_deref() == Some("Marit")),
        "the writer who checked with Marit still comes: {f:?}"
    );
}

#[test]
fn a_first_name_is_the_full_name_on_a_quoted_list_of_those_registered() {
    let sender = Sender {
        name: Some("Marte Vik".into()),
        address: "marte.vik@kud.dep.no".into(),
    };
    let f = read(
        &Input {
            body: "Jeg er dessverre syk og kommer ikke i morgen. Jostein kommer alene fra KUD.",
            signature: "",
            subject: "",
            sender: &sender,
            cc: &[],
            quoted: "> Påmeldt fra KUD:\n> - Marte Vik\n> - Jostein Aamodt\n",
            today: NaiveDate::from_ymd_opt(2022, 6, 22),
        },
        &ctx(),
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered, "{f:?}");
    assert_eq!(names(a), ["Jostein Aamodt"], "{f:?}");
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Marte Vik"), "{f:?}");
    assert_ne!(a.count, Some(2), "{f:?}");
}

#[test]
fn the_one_of_a_group_who_fell_away_is_not_the_writer() {
    let f = read_as(
        ("Sara Lund", "sara.lund@aid.dep.no"),
        "Vi ble bare to i dag, Per Hoel og meg. Den tredje fikk forfall i går.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered, "{f:?}");
    assert_eq!(names(a), ["Per Hoel", "Sara Lund"], "{f:?}");
    assert!(a.withdrawn.is_empty(), "{f:?}");
    assert_eq!(a.count, Some(2), "{f:?}");
    assert!(f.doubts.is_empty(), "{f:?}");
}

#[test]
fn the_organisation_withdraws_in_nynorsk_after_a_meeting_came_up() {
    let f = read_as(
        ("Sigrid Haug", "sigrid.haug@kld.dep.no"),
        "Dessverre har det dukka opp eit møte i morgon som både Ola og eg må vere med på. KLD må difor trekkje påmeldinga til samskapingsmøtet.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Declined, "{f:?}");
}

#[test]
fn one_who_is_busy_that_day_does_not_come_and_one_taken_up_with_a_theme_is_no_answer() {
    let f = read_as(
        ("Tor Vik", "tor.vik@hod.dep.no"),
        "Jeg kommer. Dessverre er Marit opptatt 23. juni.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Tor Vik"], "{f:?}");
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Marit"), "{f:?}");
    let f = read_as(
        ("Tor Vik", "tor.vik@hod.dep.no"),
        "Vi er opptatt av åpenhet og kommer gjerne.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered, "{f:?}");
}

#[test]
fn she_who_is_named_in_the_clause_before_is_the_contact() {
    let f = read_as(
        ("Øystein Kvam", "oystein.kvam@jd.dep.no"),
        "Mona Lie (mona.lie@jd.dep.no) kommer også, og hun blir dessuten vår kontaktperson.",
        "",
    );
    let contact = f.contact.as_ref().expect("a contact");
    assert_eq!(contact.name.as_deref(), Some("Mona Lie"), "{f:?}");
    assert_eq!(contact.email.as_deref(), Some("mona.lie@jd.dep.no"), "{f:?}");
}

#[test]
fn an_address_written_alone_gets_the_name_it_spells_from_the_quoted_text() {
    let sender = Sender {
        name: Some("Marte Vik".into()),
        address: "marte.vik@kud.dep.no".into(),
    };
    let f = read(
        &Input {
            body: "Vi kommer to fra KUD på samskapingsmøtet. Adressene er:\n\
                   jostein.aamodt@kud.dep.no\nlise.haug@kud.dep.no\n",
            signature: "",
            subject: "",
            sender: &sender,
            cc: &[],
            quoted: "> Kan du sende navn og adresse til Jostein Aamodt og Lise Haug?\n",
            today: NaiveDate::from_ymd_opt(2022, 6, 20),
        },
        &ctx(),
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered, "{f:?}");
    assert_eq!(names(a), ["Jostein Aamodt", "Lise Haug"], "{f:?}");
    let emails: Vec<_> = a.attendees.iter().filter_map(|a| a.email.clone()).collect();
    assert_eq!(
        emails,
        ["jostein.aamodt@kud.dep.no", "lise.haug@kud.dep.no"],
        "{f:?}"
    );
}

#[test]
fn an_address_that_spells_no_name_of_the_message_stays_without_a_name() {
    let f = read_as(
        ("Marte Vik", "marte.vik@kud.dep.no"),
        "Vi kommer to fra KUD på samskapingsmøtet. Adressene er:\n\
         jostein.aamodt@kud.dep.no\nlh@kud.dep.no\n",
        "",
    );
    let a = &f.answers[0];
    assert!(a.attendees.iter().all(|a| a.name.is_none()), "{f:?}");
}

#[test]
fn an_idiom_with_a_negation_word_negates_nothing_of_coming() {
    for text in [
        "Eg kjem sjølv, ikkje minst fordi temaet er viktig for oss.",
        "Det er ikke noe problem for meg å stille på samskapingsmøtet.",
        "I will attend, not least because open data matters to us.",
        "Jeg kommer, ikke bare for å lytte.",
    ] {
        let f = read_as(("Oddny Straume", "oddny.straume@kld.dep.no"), text, "");
        assert_eq!(f.answers[0].intent, Intent::Registered, "{text}: {f:?}");
    }
}

#[test]
fn a_real_negation_beside_an_idiom_still_says_no() {
    let f = read_as(
        ("Oddny Straume", "oddny.straume@kld.dep.no"),
        "Vi kan dessverre ikke komme på samskapingsmøtet, ikke minst fordi det kolliderer med et annet møte.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Declined, "{f:?}");
}

#[test]
fn in_addition_to_one_named_the_writer_comes_too() {
    let f = read_as(
        ("Per Lie", "per.lie@nfd.dep.no"),
        "Helene Dahl (helene.dahl@nfd.dep.no) kommer på samskapingsmøtet. I tillegg til Helene blir jeg med.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered, "{f:?}");
    assert_eq!(names(a), ["Helene Dahl", "Per Lie"], "{f:?}");
}
#[test]
fn the_subject_after_the_verb_inside_a_phrase_of_coming_still_comes() {
    for text in [
        "Da blir jeg med.",
        "Da er vi med.",
        "Eg er òg med.",
        "I tillegg til Helene blir jeg med.",
    ] {
        let f = read_as(("Per Lie", "per.lie@nfd.dep.no"), text, "");
        assert_eq!(
            f.answers.first().map(|a| a.intent),
            Some(Intent::Registered),
            "{text}: {f:?}"
        );
    }
}

#[test]
fn one_called_to_another_meeting_or_with_another_task_first_does_not_come() {
    for text in [
        "Mira Hatlestad må dessverre prioritere et oppdrag for statsråden i morgen.",
        "Gry Aune Tveter er kalt inn til et møte hos statsråden i morgen formiddag.",
    ] {
        let f = read_as(("Therese Skaug", "therese.skaug@aid.dep.no"), text, "");
        let a = &f.answers[0];
        assert!(a.attendees.is_empty(), "{text}: {f:?}");
        assert_eq!(a.withdrawn.len(), 1, "{text}: {f:?}");
    }
}

#[test]
fn the_one_who_takes_her_place_replaces_the_one_named_before() {
    let f = read_as(
        ("Kristoffer Nævdal", "kristoffer.naevdal@kd.dep.no"),
        "Mira Hatlestad er syk. Seniorrådgiver Erlend Bakkevig (erlend.bakkevig@kd.dep.no) overtar plassen hennes.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Erlend Bakkevig"], "{f:?}");
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Mira Hatlestad"), "{f:?}");
}

#[test]
fn coming_without_a_promise_is_coming_with_a_reservation() {
    for text in [
        "Jeg regner med å komme for FD, men kan ikke love noe før budsjettinnspillet er levert.",
        "I expect to come on 23 June, but I cannot promise it until my travel is settled.",
        "Det er ikke sikkert at jeg kommer på samskapingsmøtet.",
    ] {
        let f = read_as(
            ("Aud Karin Reinertsen", "aud.karin.reinertsen@fd.dep.no"),
            text,
            "",
        );
        let a = &f.answers[0];
        assert_eq!(a.intent, Intent::Tentative, "{text}: {f:?}");
        assert_eq!(names(a), ["Aud Karin Reinertsen"], "{text}: {f:?}");
    }
}

#[test]
fn a_count_with_the_nynorsk_verb_of_becoming_registers() {
    let f = read_as(
        ("Signe Bøyum", "signe.boyum@lmd.dep.no"),
        "Vi vert tre frå Landbruks- og matdepartementet, mellom anna seniorrådgjevar Gaute Hjelmeland (gaute.hjelmeland@lmd.dep.no).",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.count, Some(3), "{f:?}");
    assert_eq!(names(a), ["Gaute Hjelmeland"], "{f:?}");
    let f = read_as(
        ("Signe Bøyum", "signe.boyum@lmd.dep.no"),
        "Møtet vert halde i Oslo.",
        "",
    );
    assert!(f.answers.is_empty(), "{f:?}");
}

#[test]
fn represented_by_names_who_comes() {
    let f = read_as(
        ("Ingunn Aarset", "ingunn.aarset@mfa.no"),
        "The Ministry of Foreign Affairs will be represented on 23 June by Senior Adviser Petter Skjeldal and myself.",
        "",
    );
    assert_eq!(
        names(&f.answers[0]),
        ["Petter Skjeldal", "Ingunn Aarset"],
        "{f:?}"
    );
}

#[test]
fn the_one_who_takes_the_meeting_goes_and_one_on_leave_does_not() {
    let f = read_as(
        ("Leif Arne Sunde", "leif.arne.sunde@bfd.dep.no"),
        "Kaja Brenden og undertegnede tar oppfølgingsmøtet.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Kaja Brenden", "Leif Arne Sunde"], "{f:?}");
    let f = read_as(
        ("Hedda Lie", "hedda.lie@kld.dep.no"),
        "Jostein Bringsli tar oppfølgingsmøtet for KLD – selv er jeg i permisjon i høst.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Jostein Bringsli"], "{f:?}");
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Hedda Lie"), "{f:?}");
    let f = read_as(
        ("Hedda Lie", "hedda.lie@kld.dep.no"),
        "Vi tar møtet opp med ledelsen.",
        "",
    );
    assert!(
        f.answers.is_empty(),
        "raising a meeting is not going to it: {f:?}"
    );
}

#[test]
fn gladly_between_the_words_of_coming_changes_nothing() {
    let f = read_as(
        ("Mette Kvernmo", "mette.kvernmo@bymisjon.no"),
        "Vi blir gjerne med på oppfølgingsmøtet også – Yusuf Demir og jeg.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Yusuf Demir", "Mette Kvernmo"], "{f:?}");
}

#[test]
fn the_contact_s_number_and_address_in_the_next_sentence_that_names_her_are_hers() {
    let f = read_as(
        ("Oddny Kvåle", "oddny.kvale@kud.dep.no"),
        "Brita Fosse Aurdal (brita.fosse.aurdal@kud.dep.no) vert kontaktperson for OGP-arbeidet. Brita har direktenummer 22 24 80 53.",
        "",
    );
    let c = f.contact.as_ref().expect("a contact");
    assert_eq!(c.phone.as_deref(), Some("+4722248053"), "{f:?}");
    let f = read_as(
        ("Kine Steinsland", "kine.steinsland@smk.dep.no"),
        "Vår kontaktperson blir Oda Hesjedal, som følger sakene hos oss. Oda treffes på oda.hesjedal@smk.dep.no og 22 24 41 86.",
        "",
    );
    let c = f.contact.as_ref().expect("a contact");
    assert_eq!(c.email.as_deref(), Some("oda.hesjedal@smk.dep.no"), "{f:?}");
    assert_eq!(c.phone.as_deref(), Some("+4722244186"), "{f:?}");
    // Another person's number in the next sentence is not hers.
    let f = read_as(
        ("Kine Steinsland", "kine.steinsland@smk.dep.no"),
        "Vår kontaktperson blir Oda Hesjedal. Per Lie har 22 24 41 99.",
        "",
    );
    assert_eq!(f.contact.as_ref().and_then(|c| c.phone.clone()), None, "{f:?}");
}

#[test]
fn the_one_you_can_contact_is_the_contact() {
    let f = read_as(
        ("Leif Arne Sunde", "leif.arne.sunde@bfd.dep.no"),
        "Kollegaen min Kaja Brenden holder i det praktiske og er den du kan kontakte – hun har telefon 22 24 26 38.",
        "",
    );
    let c = f.contact.as_ref().expect("a contact");
    assert_eq!(c.name.as_deref(), Some("Kaja Brenden"), "{f:?}");
    assert_eq!(c.phone.as_deref(), Some("+4722242638"), "{f:?}");
}

#[test]
fn a_likely_yes_with_a_no_on_a_condition_is_tentative() {
    let f = read_as(
        ("Dag Solheim", "dag.solheim@smk.dep.no"),
        "Hei,\n\nJeg blir trolig med på møtet 23. juni. Forbeholdet er at jeg er i Tromsø dagen før og må rekke første fly sørover torsdag morgen - går det galt, kommer jeg litt for sent eller ikke i det hele tatt.\n\nDag",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Tentative);
    assert_eq!(names(a), ["Dag Solheim"]);
    assert!(a.withdrawn.is_empty());
}

#[test]
fn a_name_wrapped_at_the_end_of_a_line_keeps_its_surname() {
    let f = read_as(
        ("Tore Bjørnstad", "tore@efn.no"),
        "Hei,\n\nElektronisk Forpost Norge ønsker å delta på samskapingsmøtet om OGP \nhandlingsplan 5 torsdag 23. juni. Jeg kommer selv, og tar med meg Rune \nStorm fra styret (rune.storm@efn.no).\n\nHilsen\nTore",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Tore Bjørnstad", "Rune Storm"]);
}

#[test]
fn something_probable_three_sentences_after_the_yes_is_of_something_else() {
    let f = read_as(
        ("Torunn Heggem", "torunn.heggem@kud.dep.no"),
        "Hei Tom Arne,\n\nEg melder på meg sjølv og kollega Ragnhild Vårdal til samskapingsmøtet 23. juni. Vi kjem begge frå Medie- og språkavdelinga.\n\nEit spørsmål: Kan vi ta med oss ein representant frå Språkrådet? Dei arbeider med klarspråk i staten, og det er truleg relevant for tema d.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered);
}

#[test]
fn giving_input_after_a_decline_is_no_yes() {
    for body in [
        "Vi må derfor melde forfall til oppfølgingsmøtet, men sender gjerne et skriftlig innspill senere.",
        "Vi melder forfall til oppfølgingsmøtet, men kommer gjerne med et innspill.",
    ] {
        let f = read_as(("Jørgen Lie", "jorgen.lie@plan-norge.no"), body, "");
        assert_eq!(f.answers.len(), 1, "{body}");
        assert_eq!(f.answers[0].intent, Intent::Declined, "{body}");
        assert!(f.doubts.is_empty(), "{body}: {:?}", f.doubts);
    }
    let f = read_as(
        ("Jørgen Lie", "jorgen.lie@plan-norge.no"),
        "Vi kommer gjerne med innspill til handlingsplanen.",
        "",
    );
    assert!(f.answers.is_empty(), "{:?}", f.answers);
}

#[test]
fn one_who_would_have_come_does_not_and_a_list_item_may_say_it_is_the_writer() {
    let f = read_as(
        ("Kristine Lunde", "kristine.lunde@reddbarna.no"),
        "Hei!\n\nTil møtet 23. juni kommer disse fra oss:\n\n• Kristine Lunde, rådgiver for barns rettigheter (det er meg)\n• Yusuf Ali, seniorrådgiver for politisk påvirkning – yusuf.ali@reddbarna.no\n\nGeneralsekretæren vår, Hilde Grønvold, hadde gjerne kommet selv, men hun er i Genève hele den uka.\n\nHilsen Kristine",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Kristine Lunde", "Yusuf Ali"]);
    assert_eq!(a.count, None);
}

#[test]
fn an_ordinal_of_a_thing_and_a_guide_dog_are_no_one_more() {
    let f = read_as(
        ("Arnfinn Liland", "arnfinn.liland@nm.no"),
        "Kultur- og likestillingsdepartementet sende oss innbydinga til samskapingsmøtet om den femte handlingsplanen, og vi vil gjerne vere med.\n\nFrå Noregs Mållag kjem eg sjølv og Sigrid Fauske.",
        "",
    );
    assert_eq!(f.answers[0].count, None);
    let f = read_as(
        ("Tone Vangen", "tone.vangen@blindeforbundet.no"),
        "Jeg melder meg på, og jeg kommer sammen med førerhunden min, Tinka.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Tone Vangen"]);
    assert_eq!(f.answers[0].count, None);
}

#[test]
fn a_hope_taken_back_into_an_answer_to_come_and_people_met_are_not_meetings() {
    let f = read_as(
        ("Kaja Mo", "kaja.mo@nfd.dep.no"),
        "Oppfølgingsmøtet i månedsskiftet august/september håper vi å kunne stille på, men det må vi komme tilbake til når sommeren er over.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Later);
    let f = read_as(
        ("Mathias Berg", "mathias@jussbuss.no"),
        "Vi har mye erfaring med hvordan folk møter forvaltningen når de står i det som verst.",
        "",
    );
    assert!(f.answers.is_empty(), "{:?}", f.answers);
    // The one who comes after the verb still comes.
    let f = read_as(
        ("Hanna Bjørkli", "hanna.bjorkli@mfa.no"),
        "Fra UD møter seksjonssjef Eirik Lunde og undertegnede på samskapingsmøtet 23. juni.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Eirik Lunde", "Hanna Bjørkli"]);
}

#[test]
fn an_organisation_named_as_the_role_of_the_contact_is_not_the_contact() {
    let f = read_as(
        ("Bjørnar Sund", "bjornar.sund@ungdomslag.no"),
        "Då kjem eg sjølv. Eg er òg kontaktperson for Noregs Ungdomslag i dette arbeidet, og du når meg på 995 40 118.",
        "",
    );
    let c = f.contact.expect("a contact");
    assert_eq!(c.name.as_deref(), Some("Bjørnar Sund"));
}

#[test]
fn english_contractions_and_adverbs_inside_be_there() {
    let f = read_as(
        ("Daniel Ferreira", "daniel.ferreira@regnskog.no"),
        "Good news – the trip has been moved to July, so I'll definitely be there tomorrow.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered);
}

#[test]
fn a_table_with_a_column_of_taking_part_is_read_row_by_row() {
    let f = read_as(
        ("Eva Thorsen", "eva.thorsen@hod.dep.no"),
        "Her er påmeldingen fra HOD til samskapingsmøtet 23. juni:\n\nNavn\tStilling\tE-post\tDeltar\nEva Thorsen\tfagdirektør\teva.thorsen@hod.dep.no\tJa\nMarius Lien\tseniorrådgiver\tmarius.lien@hod.dep.no\tJa\nNora Haugland\trådgiver\tnora.haugland@hod.dep.no\tNei – vara ved forfall\n\nMed vennlig hilsen\nEva",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered);
    assert_eq!(names(a), ["Eva Thorsen", "Marius Lien"]);
    assert_eq!(a.withdrawn.len(), 1);
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
}
#[test]
fn a_yes_taken_back_in_the_turn_after_it_is_no_yes() {
    let f = read_as(
        ("Sean O'Brien", "sean.obrien@bellona.no"),
        "Bellona would like to take part in the co-creation meeting. Our policy adviser Frank Olsen (frank.olsen@bellona.no) will attend. To be frank, I would love to come too, but I am in Brussels all week.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Frank Olsen"]);
    assert!(f.doubts.is_empty(), "{:?}", f.doubts);
}

#[test]
fn a_colleague_named_in_apposition_is_one_person() {
    let f = read_as(
        ("Trond Solheim", "trond.solheim@kld.dep.no"),
        "Jeg tar med meg en kollega, Hege Vik (hege.vik@kld.dep.no), som jobber med miljøinformasjon. Hun kommer rett fra et annet møte.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(names(a), ["Trond Solheim", "Hege Vik"]);
    assert_eq!(a.count, None);
}

#[test]
fn a_new_number_given_beats_the_one_quoted() {
    let sender = Sender {
        name: Some("Marit Aune".into()),
        address: "marit.aune@jd.dep.no".into(),
    };
    let f = read(
        &Input {
            body: "Arild Nesse er fortsatt vår kontaktperson, men han har fått nytt direktenummer: 22245301.",
            signature: "",
            subject: "",
            sender: &sender,
            cc: &[],
            quoted: "Kontaktperson: Arild Nesse, arild.nesse@jd.dep.no, 22 24 53 10",
            today: NaiveDate::from_ymd_opt(2022, 6, 21),
        },
        &ctx(),
    );
    let c = f.contact.expect("a contact");
    assert_eq!(c.email.as_deref(), Some("arild.nesse@jd.dep.no"));
    assert_eq!(c.phone.as_deref(), Some("+4722245301"));
}

#[test]
fn confirmed_is_coming_and_what_may_happen_is_for_a_person() {
    let f = read_as(
        ("Rachel Moore", "rachel.moore@plan-norge.no"),
        "Following up: Hannah Berg is confirmed for Thursday.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Hannah Berg"]);
    let f = read_as(
        ("Mona Rustad", "mona.rustad@hod.dep.no"),
        "Line kan muligens bli forhindret i morgen. I så fall kommer Kåre alene, eller så tar vi kanskje med Ida Brenna i stedet for henne.",
        "",
    );
    assert!(
        f.answers
            .iter()
            .all(|a| a.attendees.is_empty() && a.withdrawn.is_empty()),
        "{:?}",
        f.answers
    );
    assert!(!f.doubts.is_empty());
}

#[test]
fn a_thing_that_is_included_is_no_one_coming() {
    let f = read_as(
        ("Jon Eriksen", "jon.eriksen@norskpen.no"),
        "Vi ber om at dette blir med i det videre arbeidet før oppfølgingsmøtet.",
        "",
    );
    assert!(f.answers.is_empty(), "{:?}", f.answers);
}

#[test]
fn a_count_with_a_likely_and_a_final_answer_to_come_is_tentative() {
    let f = read_as(
        ("Einar Tangen", "einar.tangen@jd.dep.no"),
        "Vi blir trolig to fra JD: Aud Linnerud og meg. Endelig svar kommer før fristen på tirsdag",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Tentative);
    assert_eq!(a.count, Some(2));
    assert_eq!(names(a), ["Aud Linnerud", "Einar Tangen"]);
    let f = read_as(
        ("Einar Tangen", "einar.tangen@jd.dep.no"),
        "Vi blir to. Endelig svar kommer før fristen.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Tentative);
}

#[test]
fn someone_who_registers_on_their_own_is_not_registered_by_this_message() {
    let f = read_as(
        ("Terje Kolstad", "terje.kolstad@kld.dep.no"),
        "Nå er det avklart: jeg kommer, og tar med meg Vegard Lind fra Klimaavdelingen. Liv Haugland i NFD sa hun også kommer, men hun melder seg på selv.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Terje Kolstad", "Vegard Lind"]);
    let f = read_as(
        ("Terje Kolstad", "terje.kolstad@kld.dep.no"),
        "Kari Dahl melder seg på selv.",
        "",
    );
    assert!(
        f.answers.iter().all(|a| a.attendees.is_empty()),
        "{:?}",
        f.answers
    );
}

#[test]
fn a_list_in_the_staff_directory_s_order_names_each_person_given_name_first() {
    let f = read_as(
        ("Lill Anita Kroken", "lill.kroken@bfd.dep.no"),
        "Fra BFD deltar på samskapingsmøtet 23. juni:\nBerge, Anita (ekspedisjonssjef)\nEggen, Jon (seniorrådgiver), tlf. 22 24 25 61",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Anita Berge", "Jon Eggen"]);
    let f = read_as(
        ("Lill Anita Kroken", "lill.kroken@bfd.dep.no"),
        "Deltakere:\nHansen, Kari\nOlsen, Per Arne (rådgiver)",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Kari Hansen", "Per Arne Olsen"]);
    // A greeting or a thanks before a name is no surname.
    let f = read_as(
        ("Lill Anita Kroken", "lill.kroken@bfd.dep.no"),
        "Takk, Kari (for svaret)\nJeg kommer.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Lill Anita Kroken"]);
}

#[test]
fn a_cleft_correction_puts_one_person_in_the_other_s_place() {
    let f = read_as(
        ("Nils Åge Torvik", "nils-age.torvik@kd.dep.no"),
        "Beklager, det ble feil i forrige e-post.\n\nDet er Åsmund Vold (asmund.vold@kd.dep.no), ikke Tarjei Bø, som kommer sammen med Siv.",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered);
    assert_eq!(names(a), ["Åsmund Vold"]);
    assert_eq!(a.withdrawn[0].name.as_deref(), Some("Tarjei Bø"));
    let f = read_as(
        ("Nils Åge Torvik", "nils-age.torvik@kd.dep.no"),
        "It is Ola Berg, not Kari Dahl, who will attend.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Ola Berg"]);
    assert_eq!(f.answers[0].withdrawn[0].name.as_deref(), Some("Kari Dahl"));
}

#[test]
fn people_named_as_alternatives_are_no_one_s_attendance_and_the_count_stays() {
    let f = read_as(
        ("Line Moe", "line.moe@oed.dep.no"),
        "Fra OED kommer én person på møtet torsdag, enten Per Arne Ruud eller Hilde Sunde. Hvem av dem det blir, avklarer vi i løpet av onsdag.",
        "Hilsen\nLine Moe",
    );
    let a = &f.answers[0];
    assert_eq!(a.count, Some(1));
    assert!(names(a).is_empty(), "{:?}", names(a));
    // Two joined by "og" both come.
    let f = read_as(
        ("Line Moe", "line.moe@oed.dep.no"),
        "Kari Nordmann og Ola Hansen kommer.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Kari Nordmann", "Ola Hansen"]);
}

#[test]
fn who_comes_answered_after_a_colon_is_a_registration_and_a_sentence_after_it_is_not() {
    let f = read_as(
        ("Are Nilsen", "are.nilsen@kld.dep.no"),
        "Da er det klart hvem som kommer fra KLD på torsdag: Tiril Hauge (tiril.hauge@kld.dep.no) og jeg.",
        "Mvh\nAre",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered);
    assert_eq!(names(&f.answers[0]), ["Tiril Hauge", "Are Nilsen"]);
    let f = read_as(
        ("Are Nilsen", "are.nilsen@kld.dep.no"),
        "Vi vet ikke ennå hvem som kommer: det avklarer vi i morgen.",
        "Mvh\nAre",
    );
    assert!(
        f.answers
            .iter()
            .all(|a| a.intent != Intent::Registered && a.intent != Intent::Declined),
        "{:?}",
        f.answers
    );
}

#[test]
fn being_present_at_another_meeting_is_no_registration() {
    let f = read_as(
        ("Per Moen", "per.moen@noas.no"),
        "Dessverre må NOAS trekke påmeldingen til møtet i morgen. Både Ane og jeg må være til stede på et hastemøte i et annet prosjekt.",
        "Hilsen\nPer Moen",
    );
    assert_eq!(f.answers[0].intent, Intent::Declined, "{:?}", f);
    let f = read_as(
        ("Per Moen", "per.moen@noas.no"),
        "Jeg må være til stede på et hastemøte i et annet prosjekt.",
        "",
    );
    // The sender does not come: taken off, never added.
    assert!(
        f.answers.iter().all(|a| a.attendees.is_empty()),
        "{:?}",
        f.answers
    );
    assert!(
        f.answers.iter().any(|a| a
            .withdrawn
            .iter()
            .any(|w| w.email.as_deref() == Some("per.moen@noas.no"))),
        "{:?}",
        f.answers
    );
}

#[test]
fn a_reservation_put_on_one_s_own_registration_later_in_the_paragraph_makes_it_tentative() {
    let f = read_as(
        ("Kjersti Nordahl", "kjersti.nordahl@bfd.dep.no"),
        "Jeg kommer gjerne på møtet 23. juni for BFD, men er på tjenestereise i Tromsø dagen før. Går morgenflyet som planlagt, rekker jeg det – sett meg opp med det forbeholdet.",
        "Hilsen\nKjersti Nordahl",
    );
    assert_eq!(f.answers[0].intent, Intent::Tentative, "{:?}", f.answers);
}

#[test]
fn set_me_down_for_now_is_a_tentative_registration_of_the_writer() {
    let f = read_as(
        ("Stein Rogne", "stein.rogne@oed.dep.no"),
        "Du kan sette meg opp foreløpig fra OED. Jeg får bekreftet endelig i løpet av neste uke.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Tentative, "{f:?}");
    assert_eq!(names(&f.answers[0]), ["Stein Rogne"]);
}

#[test]
fn a_registration_to_be_sent_once_they_know_who_can_is_a_promise() {
    let f = read_as(
        ("Arvid Kleven", "arvid.kleven@bfd.dep.no"),
        "Påmelding til møtet 23. juni sender vi så snart vi har oversikt over hvem som kan.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Later, "{f:?}");
    assert!(f.answers[0].attendees.is_empty());
}

#[test]
fn a_yes_on_a_condition_for_the_coordinator_to_meet_is_for_a_person() {
    // "dersom vi kan …" is a condition, not the question "om vi kan" inside "dersom".
    let f = read_as(
        ("Grete Hovland", "grete.hovland@unio.no"),
        "Vi deltar gjerne dersom vi kan få anledning til å holde et kort innlegg. Gi beskjed om det lar seg gjøre, så sender vi navn.",
        "",
    );
    assert!(!f.doubts.is_empty(), "{f:?}");
}

#[test]
fn still_being_the_contact_appoints_no_one() {
    let f = read_as(
        ("Audun Rasch", "audun.rasch@fin.dep.no"),
        "FIN har dessverre ikke kapasitet til å delta på oppfølgingsmøtet. Vi følger arbeidet, og jeg er fortsatt kontaktperson.",
        "",
    );
    assert!(f.contact.is_none(), "{f:?}");
    assert_eq!(f.answers[0].intent, Intent::Declined);
}

#[test]
fn a_wish_to_come_that_waits_for_a_check_is_no_registration_yet() {
    let f = read_as(
        ("Jens Brokke", "jbrokke@wwf.no"),
        "WWF Verdens naturfond ønsker å være med, men vi må sjekke kalenderne først. Jeg kommer tilbake med navn i løpet av morgendagen.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Later, "{f:?}");
    // Coming, and checking one's own travel: still coming.
    let f = read_as(
        ("Jens Brokke", "jbrokke@wwf.no"),
        "Jeg kommer, men må sjekke om jeg rekker flyet tilbake.",
        "",
    );
    assert_ne!(f.answers[0].intent, Intent::Later, "{f:?}");
}

#[test]
fn bringing_a_person_along_is_coming_with_them_and_bringing_a_thing_is_not() {
    let f = read_as(
        ("Ragnhild Moen", "ragnhild.moen@kd.dep.no"),
        "Viser til påmeldingen fra Wenche. Jeg tar med meg rådgiver Jostein Vik (jostein.vik@kd.dep.no).",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Ragnhild Moen", "Jostein Vik"], "{f:?}");
    // One by title, not named, counts.
    let f = read_as(
        ("Wenche Aasland", "wenche.aasland@kd.dep.no"),
        "På vegne av ekspedisjonssjef Ragnhild Moen melder jeg henne på møtet. Hun tar med seg en rådgiver fra avdelingen.",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Ragnhild Moen"], "{f:?}");
    assert_eq!(f.answers[0].count, Some(2), "{f:?}");
    let f = read_as(
        ("Ragnhild Moen", "ragnhild.moen@kd.dep.no"),
        "Takk for et godt møte. Jeg tar med meg innspillene videre i departementet.",
        "",
    );
    assert!(f.answers.is_empty(), "{f:?}");
}

#[test]
fn a_possible_clash_after_a_probable_yes_is_its_reason_not_a_no() {
    let f = read_as(
        ("Nora Haugen", "nora.haugen@jd.dep.no"),
        "Jeg kommer trolig på møtet 23. juni, men har en mulig kollisjon med en høring samme formiddag. Jeg gir endelig beskjed så snart jeg vet mer.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Tentative, "{f:?}");
    assert_eq!(names(&f.answers[0]), ["Nora Haugen"]);
    assert!(f.doubts.is_empty(), "{f:?}");
}

#[test]
fn a_correction_of_one_address_changes_that_person_not_the_list() {
    let f = read_as(
        ("Kari Vang", "kari.vang@mfa.no"),
        "En rettelse til listen vi sendte fredag: e-postadressen til Jon Sæther er jon.saether@mfa.no, ikke jon.sather@mfa.no.",
        "",
    );
    assert!(!f.correction, "{f:?}");
    assert_eq!(
        f.answers[0].attendees[0].email.as_deref(),
        Some("jon.saether@mfa.no")
    );
    // A corrected list is still a correction.
    let f = read_as(
        ("Kari Vang", "kari.vang@mfa.no"),
        "Rettelse: fra oss kommer Jon Sæther (jon.saether@mfa.no) og jeg.",
        "",
    );
    assert!(f.correction, "{f:?}");
}

#[test]
fn a_first_name_before_the_role_is_the_one_named_in_full() {
    let f = read_as(
        ("Eli Solbakken", "eli.solbakken@lmd.dep.no"),
        "Fra LMD møter seniorrådgiver Bård Iversen, bard.iversen@lmd.dep.no.\n\nBård blir kontaktperson for LMD i det videre arbeidet. Han har direktenummer 22 24 92 17.",
        "",
    );
    let c = f.contact.expect("a contact");
    assert_eq!(c.name.as_deref(), Some("Bård Iversen"));
    assert_eq!(c.email.as_deref(), Some("bard.iversen@lmd.dep.no"));
    assert_eq!(c.phone.as_deref(), Some("+4722249217"));
}

#[test]
fn a_number_given_anew_is_read_for_the_one_it_belongs_to() {
    let f = read_as(
        ("Bård Iversen", "bard.iversen@lmd.dep.no"),
        "Takk for bekreftelsen. Telefonnummeret mitt er feil i oversikten – riktig direktenummer er 22 24 92 71, ikke 22 24 92 17.",
        "",
    );
    let new = f.new_phone.expect("a number");
    assert_eq!(new.who.email.as_deref(), Some("bard.iversen@lmd.dep.no"));
    assert_eq!(new.phone, "+4722249271");
    let f = read_as(
        ("Synnøve Rustad", "synnove.rustad@hod.dep.no"),
        "En liten rettelse: mobilnummeret til Are er 412 60 858 – jeg byttet om to sifre.",
        "",
    );
    let new = f.new_phone.expect("a number");
    assert_eq!(new.who.name.as_deref(), Some("Are"));
    assert_eq!(new.phone, "+4741260858");
    // A switchboard alone is no one's number.
    let f = read_as(
        ("Synnøve Rustad", "synnove.rustad@hod.dep.no"),
        "Ring gjerne sentralbordet vårt på telefon 22 24 90 90.",
        "",
    );
    assert!(f.new_phone.is_none(), "{f:?}");
}

#[test]
fn a_leader_who_asks_two_of_her_staff_to_attend_sends_them_not_herself() {
    let f = read_as(
        ("Cecilie Grønvold", "cecilie.gronvold@jd.dep.no"),
        "Jeg har bedt seniorrådgiver Marte Sunde og lovrådgiver Olav Kvam om å møte for departementet på samskapingsmøtet 23. juni. Selv har jeg dessverre ikke anledning den dagen.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered, "{f:?}");
    assert_eq!(names(&f.answers[0]), ["Marte Sunde", "Olav Kvam"], "{f:?}");
}

#[test]
fn a_count_said_as_most_likely_is_tentative() {
    let f = read_as(
        ("Marte Ødegård", "marte.odegard@nhc.no"),
        "We will most likely be two people at the co-creation meeting on 23 June. I will confirm names as soon as our schedules are settled.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Tentative, "{f:?}");
    assert_eq!(f.answers[0].count, Some(2));
    assert!(f.answers[0].attendees.is_empty(), "{f:?}");
}

#[test]
fn the_writer_s_number_given_in_the_sentence_after_the_one_that_speaks_of_it() {
    let f = read_as(
        ("Marius Lund", "marius.lund@fin.dep.no"),
        "Beklager – jeg skrev feil telefonnummer i stad. Riktig direktenummer er 22 24 45 81.",
        "",
    );
    let new = f.new_phone.expect("a number");
    assert_eq!(new.who.email.as_deref(), Some("marius.lund@fin.dep.no"));
    assert_eq!(new.phone, "+4722244581");
}

#[test]
fn a_colleague_who_comes_instead_of_the_writer_in_a_cleft_sentence() {
    let f = read_as(
        ("Kvam, Per", "per.kvam@smk.dep.no"),
        "Beklager, forrige e-post gikk ut for tidlig. Det er min kollega Ida Brekke (ida.brekke@smk.dep.no) som kommer fra SMK på torsdag, ikke jeg.\n\nPer",
        "",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered, "{f:?}");
    assert_eq!(names(a), ["Ida Brekke"], "{f:?}");
    assert_eq!(a.withdrawn.len(), 1, "{f:?}");
}

#[test]
fn a_foundation_named_after_a_person_after_fra_and_a_verb_of_coming_is_no_person() {
    let f = read_as(
        ("Marius Tangen", "marius.tangen@stinesofiesstiftelse.no"),
        "Vi har fått invitasjonen videresendt fra Barne- og familiedepartementet, og vil gjerne være med.\n\nFra Stine Sofie stiller daglig leder Live Berget (live.berget@stinesofiesstiftelse.no) og jeg.",
        "Med vennlig hilsen\nMarius Tangen\nfagansvarlig\nStine Sofies Stiftelse",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered, "{f:?}");
    assert_eq!(names(a), ["Live Berget", "Marius Tangen"], "{f:?}");
}

#[test]
fn a_decline_that_names_a_colleague_with_an_address_asks_whether_the_colleague_comes() {
    let f = read_as(
        ("Åse Lie", "ase.lie@ld.dep.no"),
        "Jeg kommer dessverre ikke, men har sendt invitasjonen videre til Truls Bakke (truls.bakke@ld.dep.no).",
        "",
    );
    assert!(f.doubts.iter().any(|d| d.en.contains("Truls Bakke")), "{f:?}");
}

#[test]
fn a_decline_that_names_the_contact_person_is_a_decline() {
    let f = read_as(
        ("Åse Lie", "ase.lie@ld.dep.no"),
        "Vi har dessverre ikke anledning til å delta 23. juni. Kontaktperson for oss blir Truls Bakke, truls.bakke@ld.dep.no, tlf. 22 24 11 11.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Declined, "{f:?}");
    assert!(f.doubts.is_empty(), "{f:?}");
}

#[test]
fn one_who_would_have_liked_to_come_does_not_come() {
    let f = read_as(
        ("Tufte, Lars", "lars.tufte@fd.dep.no"),
        "Hei,\n\nPåmelding fra Forsvarsdepartementet til samskapingsmøtet:\n\n• Jørgen Hals, seniorrådgiver, Avdeling for sikkerhetspolitikk\n• Maren Ødegård, rådgiver, Juridisk avdeling\n\nAnders Wiik hadde gjerne blitt med, men han er på tjenestereise i Brussel den uka.",
        "Med hilsen\nLars Tufte",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered, "{f:?}");
    assert_eq!(names(a), ["Jørgen Hals", "Maren Ødegård"], "{f:?}");
}

#[test]
fn the_one_who_promised_the_names_is_not_one_of_them() {
    let f = read_as(
        ("Olav Hatlestad", "olav.hatlestad@hod.dep.no"),
        "Hei,\n\nSom Tonje lova, kjem her namna: Frå HOD kjem Ingrid Aasen og underteikna.",
        "Helsing\nOlav Hatlestad",
    );
    let a = &f.answers[0];
    assert_eq!(a.intent, Intent::Registered, "{f:?}");
    assert_eq!(names(a), ["Ingrid Aasen", "Olav Hatlestad"], "{f:?}");
}

#[test]
fn a_clause_without_a_word_to_act_on_is_not_read_further_and_one_with_a_cue_is() {
    // Said without a word of the main lexicon: taken up, a modal with its negation written into
    // it, an "if" without the word, a reservation said with a negation.
    for clause in [
        "hun er opptatt den dagen.",
        "i can't on thursday.",
        "er det mulig, så kommer vi.",
        "dessverre har jeg ikke anledning.",
        "vi har bedt kari om å møte.",
    ] {
        assert!(may_say(clause), "{clause}");
    }
    for clause in [
        "lorem ipsum dolor sit amet, consectetur adipisicing elit.",
        "the attached report covers the third quarter.",
        "takk for hyggelig samtale i går.",
    ] {
        assert!(!may_say(clause), "{clause}");
        let s = said(clause);
        assert!(
            !(s.positive || s.negative || s.later || s.negated || s.tentative),
            "{clause}"
        );
    }
}

#[test]
fn a_role_taken_with_no_subject_is_the_writer_s() {
    for text in [
        "EFN stiller gjerne, jeg kommer selv på møtet. Kan også være kontaktperson for oss i det videre arbeidet, mobil 48 23 11 90.",
        "Jeg kommer på møtet. Er gjerne kontaktperson også, mobil 48 23 11 90.",
        "I will attend the meeting. Happy to be the contact person as well, mobile 48 23 11 90.",
    ] {
        let f = read_as(("Solveig Krogh", "solveig.krogh@efn.no"), text, "");
        let c = f.contact.unwrap_or_else(|| panic!("{text}"));
        assert_eq!(c.email.as_deref(), Some("solveig.krogh@efn.no"), "{text}");
        assert_eq!(c.phone.as_deref(), Some("+4748231190"), "{text}");
    }
    // A question to the reader names no one.
    let f = read_as(
        ("Solveig Krogh", "solveig.krogh@efn.no"),
        "Er dere kontaktperson for hele prosessen?",
        "",
    );
    assert!(f.contact.is_none(), "{f:?}");
}

#[test]
fn a_name_signed_in_lower_case_keeps_the_capitals_of_the_display_name() {
    let f = read_as(
        ("Solveig Krogh", "solveig.krogh@efn.no"),
        "jeg kommer på møtet 23. juni.\n\nmvh\nsolveig krogh",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Solveig Krogh"]);
}

#[test]
fn the_ones_counted_before_are_named_after_a_colon_too() {
    let f = read_as(
        ("Sand Petter", "petter.sand@nfd.dep.no"),
        "Hei,\n\nSom lovet: de to fra NFD blir meg og Oda Lie fra Forsknings- og innovasjonsavdelingen.\n\nPetter",
        "",
    );
    let a = f.answers.first().unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(names(a), ["Petter Sand", "Oda Lie"]);
}

#[test]
fn a_person_s_no_names_the_organisation_she_is_at_instead_without_declining_for_hers() {
    let f = read_as(
        ("Sunniva Ødegård", "sunniva.odegard@saih.no"),
        "Hei igjen,\n\nKasper må dessverre melde forfall – han ble kalt inn til et styremøte i SAIH International samme dag. Ida Bø fra arbeidsutvalget kommer i stedet: ida.bo@saih.no.\n\nMvh Sunniva",
        "",
    );
    assert!(f.doubts.is_empty(), "{f:?}");
    assert_eq!(names(&f.answers[0]), ["Ida Bø"]);
    assert_eq!(f.answers[0].withdrawn[0].name.as_deref(), Some("Kasper"));
}

#[test]
fn the_ones_counted_before_are_named_after_the_verb() {
    let f = read_as(
        ("Moen Kristoffer", "kristoffer.moen@sd.dep.no"),
        "Hei igjen,\n\nDe to fra SD blir Eirik Haugland (eirik.haugland@sd.dep.no) og Linn Strand, begge fra Luftfartsavdelingen.\n\nKristoffer",
        "",
    );
    let a = f.answers.first().unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(names(a), ["Eirik Haugland", "Linn Strand"]);
}

#[test]
fn nobody_from_the_organisation_is_the_organisation_s_no() {
    for text in [
        "Unfortunately no one from the Human Rights House Foundation is able to attend on 23 June, as our team is in Geneva that week.\n\nWe would still like to follow the process, so please keep us on the list.",
        "Dessverre kan ingen fra Human Rights House delta 23. juni.",
        "Ingen av oss har anledning til å komme på samskapingsmøtet.",
    ] {
        let f = read_as(("Daniel Okafor", "daniel.okafor@humanrightshouse.org"), text, "");
        let a = f.answers.first().unwrap_or_else(|| panic!("{text}: {f:?}"));
        assert_eq!(a.intent, Intent::Declined, "{text}: {f:?}");
        assert!(a.attendees.is_empty(), "{text}");
    }
    // No one more than the writer: her yes stands.
    let f = read_as(
        ("Daniel Okafor", "daniel.okafor@humanrightshouse.org"),
        "I will attend on 23 June, but no one else from the Foundation can come.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered, "{f:?}");
}

#[test]
fn enrolling_on_a_later_day_is_an_answer_to_come() {
    for text in [
        "Hei vi melder på ila mandag, må bare sjekke hvem som er i byen. Trond",
        "Vi melder på i morgen.",
        "We will register tomorrow.",
    ] {
        let f = read_as(("Trond Helgesen", "trond.helgesen@hod.dep.no"), text, "");
        assert!(
            f.answers
                .iter()
                .all(|a| a.intent == Intent::Later && a.attendees.is_empty()),
            "{text}: {f:?}"
        );
    }
    let f = read_as(
        ("Trond Helgesen", "trond.helgesen@hod.dep.no"),
        "Vi melder på til torsdag: Kari Hansen.",
        "",
    );
    assert_eq!(f.answers[0].intent, Intent::Registered);
}

#[test]
fn more_named_than_counted_asks_who_comes() {
    let f = read_as(
        ("Anders Rød", "anders.rod@lmd.dep.no"),
        "Hei Tom Arne!\n\nVi blir to fra LMD på møtet torsdag: Guro Flatebø, Sindre Moen (begge i kopi) og meg selv.\n\nMvh Anders",
        "",
    );
    assert!(f.doubts.iter().any(|d| d.en.contains("says 2")), "{f:?}");
}

#[test]
fn a_name_and_a_verb_after_a_comma_open_a_clause_of_their_own() {
    let f = read_as(
        ("Ida Bø", "ida.bo@saih.no"),
        "Det blir jeg som kommer fra SAIH på oppfølgingsmøtet, Sunniva har permisjon til høsten.\n\nHilsen Ida Bø",
        "",
    );
    let a = f.answers.first().unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(names(a), ["Ida Bø"], "{f:?}");
    assert!(
        a.withdrawn.iter().all(|w| w.name.as_deref() != Some("Ida Bø")),
        "{f:?}"
    );
}

#[test]
fn the_new_rules_of_holdout_25_and_26_stay_in_their_place() {
    let me = ("Kari Holm", "kari.holm@kld.dep.no");
    // A condition put first belongs to the yes after the comma.
    let f = read_as(me, "If the meeting is held in Oslo, I will attend.", "");
    assert!(
        !f.doubts.is_empty() || f.answers.iter().all(|a| a.intent != Intent::Registered),
        "{f:?}"
    );
    // "nobody" in a reason is not the organisation's no.
    let f = read_as(
        me,
        "Jeg kan dessverre ikke delta, for ingen kan ta over vakta mi.",
        "",
    );
    assert!(
        f.answers
            .iter()
            .all(|a| a.withdrawn.iter().any(|w| w.email.as_deref() == Some(me.1))),
        "{f:?}"
    );
    // The ministry that declines after a person is named still declines.
    let f = read_as(
        me,
        "Etter samtale med ekspedisjonssjef Randi Vik må KLD dessverre melde forfall.",
        "",
    );
    assert!(
        f.answers
            .iter()
            .all(|a| a.withdrawn.iter().all(|w| w.name.as_deref() != Some("Randi Vik"))),
        "{f:?}"
    );
    // A role with no subject after a clause that named someone is not the writer's.
    let f = read_as(
        me,
        "KLD melder på seniorrådgiver Per Lie. Blir også kontaktperson for KLD.",
        "",
    );
    assert!(
        f.contact
            .as_ref()
            .is_none_or(|c| c.email.as_deref() != Some(me.1)),
        "{f:?}"
    );
    // "Begge er rådgivere …" says what they are, not that they come.
    let f = read_as(
        me,
        "Begge er rådgivere i Miljødirektoratet, Kari Hansen og Per Lie.",
        "",
    );
    assert!(f.answers.iter().all(|a| a.attendees.is_empty()), "{f:?}");
    // A day before a colon names who comes; "later" is what follows it alone.
    let f = read_as(me, "Vi melder på fredag: Kari Hansen og Per Lie.", "");
    assert!(f.answers.iter().any(|a| a.intent == Intent::Registered), "{f:?}");
}

#[test]
fn a_clash_being_moved_is_the_reason_for_the_reservation_not_a_no() {
    for (from, text) in [
        (
            ("Haug Marte", "marte.haug@jd.dep.no"),
            "Jeg kommer trolig på møtet 23. juni for JD. Har en kollisjon med et internt møte som jeg forsøker å flytte, så jeg gir endelig beskjed i løpet av mandag.\n\nHilsen Marte",
        ),
        (
            ("Hannah Clarke", "hannah.clarke@plan-norge.no"),
            "I will most likely attend myself – I'm waiting to hear back about a clash with a board meeting and will confirm by Wednesday at the latest.\n\nHannah Clarke",
        ),
    ] {
        let f = read_as(from, text, "");
        assert!(f.doubts.is_empty(), "{text}: {f:?}");
        let a = f.answers.first().unwrap_or_else(|| panic!("{text}: {f:?}"));
        assert_eq!(a.intent, Intent::Tentative, "{text}: {f:?}");
        assert_eq!(a.attendees.len(), 1, "{text}: {f:?}");
    }
    // A clash that stays is a no.
    let f = read_as(
        ("Haug Marte", "marte.haug@jd.dep.no"),
        "Jeg har dessverre en kollisjon med et internt møte, så jeg kan ikke komme.",
        "",
    );
    let a = f.answers.first().unwrap_or_else(|| panic!("{f:?}"));
    assert!(a.attendees.is_empty(), "{f:?}");
    assert_eq!(
        a.withdrawn[0].email.as_deref(),
        Some("marte.haug@jd.dep.no"),
        "{f:?}"
    );
}

#[test]
fn who_comes_along_after_a_replacement_is_not_the_one_replaced() {
    let f = read_as(
        ("Eng Siri", "siri.eng@nfd.dep.no"),
        "Hei,\n\nOle Bakke har fått forfall til møtet i morgen. Trine Mo (trine.mo@nfd.dep.no) kommer i stedet for ham, sammen med meg.\n\nHilsen\nSiri Eng",
        "",
    );
    let a = f.answers.first().unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(names(a), ["Trine Mo", "Siri Eng"], "{f:?}");
    let withdrawn: Vec<_> = a.withdrawn.iter().filter_map(|w| w.name.as_deref()).collect();
    assert_eq!(withdrawn, ["Ole Bakke"], "{f:?}");
}

#[test]
fn a_given_name_that_is_also_a_word_is_a_name_inside_a_sentence() {
    let me = ("Stave Bjørn", "bjorn.stave@kud.dep.no");
    let f = read_as(
        me,
        "Hei,\n\nbeklager sent svar, Fra KUD kommer Vår Engen og Sunniva Tveit på møte torsdag.\n\nBjørn Stave",
        "",
    );
    assert_eq!(names(&f.answers[0]), ["Vår Engen", "Sunniva Tveit"], "{f:?}");
    let f = read_as(
        me,
        "Hei,\n\nVår kontaktperson blir Vår, som var med på møtet sist torsdag. Hun har direktenummer 22 24 83 90.\n\nMvh Bjørn",
        "",
    );
    assert_eq!(
        f.contact.as_ref().and_then(|c| c.name.as_deref()),
        Some("Vår"),
        "{f:?}"
    );
    // At the start of a sentence or a line it is the word.
    let f = read_as(
        me,
        "Hei,\nVår kontaktperson blir Sunniva Tveit. Vår deltaker blir Per Lie.",
        "",
    );
    assert_eq!(
        f.contact.as_ref().and_then(|c| c.name.as_deref()),
        Some("Sunniva Tveit"),
        "{f:?}"
    );
    assert!(f.answers.iter().all(|a| names(a) == ["Per Lie"]), "{f:?}");
    // A month is no one: "in August Monday".
    let f = read_as(
        ("Henrik Moe", "henrik.moe@mfa.no"),
        "We will come to the follow-up meeting in August, and I will attend on 23 June.",
        "",
    );
    assert!(
        f.answers
            .iter()
            .all(|a| a.attendees.iter().all(|p| p.name.as_deref() != Some("August"))),
        "{f:?}"
    );
}

#[test]
fn an_address_for_a_first_name_and_one_brought_along() {
    let f = read_as(
        ("Mathias Berg", "mathias.berg@elev.no"),
        "Hei igjen,\n\nglemte å ta med e-posten til Jonas i går: jonas.fjell@elev.no\n\nVi har også fått med oss Amina Yusuf (amina.yusuf@elev.no) fra arbeidsutvalget, så vi blir tre totalt.\n\nMathias",
        "",
    );
    let a = f.answers.first().unwrap_or_else(|| panic!("{f:?}"));
    assert!(
        a.attendees
            .iter()
            .any(|p| p.name.as_deref() == Some("Jonas") && p.email.as_deref() == Some("jonas.fjell@elev.no")),
        "{f:?}"
    );
    assert!(names(a).contains(&"Amina Yusuf".to_string()), "{f:?}");
    assert_eq!(a.count, Some(3));
    // Having noticed something brings no one.
    let f = read_as(
        ("Mathias Berg", "mathias.berg@elev.no"),
        "Vi har fått med oss at møtet er flyttet til Akersgata 59.",
        "",
    );
    assert!(f.answers.iter().all(|a| a.attendees.is_empty()), "{f:?}");
}

#[test]
fn the_new_rules_of_holdout_27_stay_in_their_place() {
    let me = ("Kari Holm", "kari.holm@kld.dep.no");
    // The one replaced may be named after a comma, alone or in a list.
    for text in [
        "Jeg kommer i stedet for min kollega, Per Olsen, som dessverre er syk.",
        "Trine Mo kommer i stedet for Per Olsen, Lise Dahl og Ola Hansen, som alle er på reise.",
    ] {
        let f = read_as(me, text, "");
        assert!(
            f.answers.iter().all(|a| a.attendees.iter().all(
                |p| !["Per Olsen", "Lise Dahl", "Ola Hansen"].contains(&p.name.as_deref().unwrap_or(""))
            )),
            "{text}: {f:?}"
        );
    }
    // Having noticed something is no one brought along.
    for text in [
        "Vi har fått med oss at Per Olsen fra Digdir skal innlede på møtet. Vi kommer tilbake med påmelding.",
        "Jeg har fått med meg at Per Olsen holder innlegg. Vi melder på deltakere senere.",
    ] {
        let f = read_as(me, text, "");
        assert!(f.answers.iter().all(|a| a.attendees.is_empty()), "{text}: {f:?}");
    }
    // A no said outright stays a no, whatever the writer tries to do next.
    for text in [
        "Ola Hansen og jeg kommer trolig. Ola melder dessverre forfall på grunn av en kollisjon med landsmøtet og håper å få delta neste gang.",
        "Jeg kommer trolig. Selv har jeg dessverre en kollisjon med et styremøte og prøver å få en kollega til å stille i stedet.",
    ] {
        let f = read_as(me, text, "");
        assert!(
            !f.doubts.is_empty() || f.answers.iter().all(|a| a.attendees.len() < 2),
            "{text}: {f:?}"
        );
        assert!(
            !f.doubts.is_empty()
                || f.answers
                    .iter()
                    .all(|a| a.attendees.iter().all(|p| p.email.as_deref() != Some(me.1))),
            "{text}: {f:?}"
        );
    }
    // "Vår" opening a company's name, or a clause, is no one.
    for text in [
        "Jeg kommer gjerne, sammen med en kollega fra Vår Energi.",
        "Fra oss kommer Ola Hansen og Lise Dahl fra Vår Energi.",
        "Takk for invitasjonen, Vår leder og jeg kommer gjerne.",
        "Hei Tom Arne, Vår kontaktperson er Ola Hansen, ola.hansen@kld.dep.no.",
    ] {
        let f = read_as(me, text, "");
        let vaar = |n: Option<&str>| n.is_some_and(|n| n.starts_with("Vår"));
        assert!(
            f.answers.iter().all(|a| a
                .attendees
                .iter()
                .chain(&a.withdrawn)
                .all(|p| !vaar(p.name.as_deref()))),
            "{text}: {f:?}"
        );
        assert!(
            f.contact.as_ref().is_none_or(|c| !vaar(c.name.as_deref())),
            "{text}: {f:?}"
        );
    }
}

#[test]
fn a_registration_for_now_is_tentative() {
    let f = read_as(
        ("Aasen Bjørn", "bjorn.aasen@kd.dep.no"),
        "Vi melder foreløpig på Hanne Vik (kopi) fra Kunnskapsdepartementet. Hun er på tjenestereise i Tromsø.",
        "",
    );
    let a = f.answers.first().unwrap_or_else(|| panic!("{f:?}"));
    assert_eq!(a.intent, Intent::Tentative, "{f:?}");
    assert_eq!(names(a), ["Hanne Vik"]);
    // "foreløpig ikke" is not yet: no one is registered.
    let f = read_as(
        ("Aasen Bjørn", "bjorn.aasen@kd.dep.no"),
        "Vi har foreløpig ikke fått avklart hvem som kan delta.",
        "",
    );
    assert!(
        f.answers
            .iter()
            .all(|a| a.attendees.is_empty() && a.intent != Intent::Registered),
        "{f:?}"
    );
}
