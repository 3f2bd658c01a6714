//! Whole-message understanding on small hand-written messages: what the parts do together.

use super::*;

fn ctx() -> Context {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
    let config = crate::config::Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
    Context::from_config(&config)
}

fn message(headers: &str, body: &str) -> Vec<u8> {
    format!("{headers}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").into_bytes()
}

#[test]
fn mail_from_a_mailing_list_is_a_notice_not_a_reply() {
    let raw = message(
        "From: Nyhetsbrev <nyheter@example.org>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Vi kommer!\r\nMessage-ID: <n1@example.org>\r\nList-Id: Nyheter <nyheter.example.org>",
        "Vi deltar på møtet 23. juni.",
    );
    let understood = understand(&raw, &ctx());
    assert!(
        matches!(understood.class, Class::Notice { .. }),
        "{:?}",
        understood.class
    );
}

#[test]
fn the_subject_tag_is_found_after_letters_that_change_length_when_lowercased() {
    // "İ" is two bytes, its lower case three: offsets into a lowercased copy would be wrong.
    let raw = message(
        "From: Kari <kari@kld.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: SV: İİİ [OGP5:ABCD2345] İİ vi kommer\r\nMessage-ID: <s1@kld.dep.no>",
        "Vi kommer.",
    );
    let understood = understand(&raw, &ctx());
    assert!(
        understood
            .refs
            .tokens
            .iter()
            .any(|(t, s)| t == "abcd2345" && *s == TokenSource::Subject),
        "{:?}",
        understood.refs.tokens
    );
    assert_eq!(
        own_subject_words("SV: İİİ [OGP5:ABCD2345] İİ vi kommer", &ctx()),
        "İİİ  İİ vi kommer"
    );
}

#[test]
fn words_added_after_our_subject_are_the_writer_s() {
    let ctx = ctx();
    let ours = ctx.our_subjects.first().cloned().expect("an invitation subject");
    assert_eq!(
        own_subject_words(
            &format!("SV: VS: {ours} [OGP5:ABCD2345] – Vibeke Moen, LMD, kommer"),
            &ctx
        )
        .to_lowercase(),
        "vibeke moen, lmd, kommer"
    );
    assert_eq!(
        own_subject_words(&format!("SV: {ours} [OGP5:ABCD2345]"), &ctx),
        ""
    );
}

#[test]
fn a_giant_reply_is_read_only_as_far_as_a_person_writes() {
    let mut body = String::from("Vi kommer på møtet 23. juni.\r\n\r\n");
    while body.len() < 4 * PERSON_TEXT_LIMIT {
        body.push_str("Logglinje 2022-06-01 12:00:00 alt i orden, ingen feil.\r\n");
    }
    let raw = message(
        "From: Kari <kari@kld.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Påmelding\r\nMessage-ID: <g1@kld.dep.no>",
        &body,
    );
    let understood = understand(&raw, &ctx());
    let Class::Reply { split, facts } = &understood.class else {
        panic!("{:?}", understood.class)
    };
    assert!(split.body.len() <= PERSON_TEXT_LIMIT);
    assert!(facts.answers.iter().any(|a| a.event == "kickoff"), "{facts:?}");
}

#[test]
fn a_message_that_breaks_the_mime_parser_is_unreadable_not_a_crash() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile/nested-rfc822-after-final-boundary.eml");
    let raw = std::fs::read(path).unwrap();
    let understood = understand(&raw, &ctx());
    // mail-parser's assertion exists only where debug assertions are on, as in `cargo test`.
    if cfg!(debug_assertions) {
        assert!(
            matches!(understood.class, Class::Unreadable { .. }),
            "{:?}",
            understood.class
        );
        assert_eq!(understood.problems, ["panic"]);
    }
    assert!(!understood.message_id.is_empty());
}

#[test]
fn an_outlook_recall_is_a_notice_of_the_message_taken_back_and_a_reply_about_one_is_not() {
    let raw = message(
        "From: Rekdal Sunniva <sunniva.rekdal@kud.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Tilbakekall: SV: Invitasjon til samskapingsmøte\r\nMessage-ID: <r1@kud.dep.no>",
        "Rekdal Sunniva ønsker å tilbakekalle meldingen «SV: Invitasjon til samskapingsmøte».",
    );
    match understand(&raw, &ctx()).class {
        Class::Notice { what } => assert!(what.contains("«SV: Invitasjon til samskapingsmøte»"), "{what}"),
        other => panic!("{other:?}"),
    }
    let raw = message(
        "From: Rekdal Sunniva <sunniva.rekdal@kud.dep.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: SV: Tilbakekall: SV: Invitasjon\r\nMessage-ID: <r2@kud.dep.no>",
        "Beklager tilbakekallingen. Vi kommer to fra KUD.",
    );
    assert!(matches!(understand(&raw, &ctx()).class, Class::Reply { .. }));
}

#[test]
fn a_table_of_people_that_the_plain_text_flattened_is_read_from_the_html() {
    let raw = "From: Kari Vang <kari.vang@mfa.no>\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: SV: Invitasjon\r\nMessage-ID: <t1@mfa.no>\r\nDate: Fri, 17 Jun 2022 10:00:00 +0200\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHer er påmeldingen til møtet 23. juni:\r\n\r\nNavn\r\nE-post\r\n\r\nKari Vang\r\nkari.vang@mfa.no\r\n\r\nJon Sæther\r\njon.saether@mfa.no\r\n\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Her er påmeldingen til møtet 23. juni:</p><table><tr><td><p>Navn</p></td><td><p>E-post</p></td></tr><tr><td><p>Kari Vang</p></td><td><p>kari.vang@mfa.no</p></td></tr><tr><td><p>Jon Sæther</p></td><td><p>jon.saether@mfa.no</p></td></tr></table>\r\n--b--\r\n";
    let understood = understand(raw.as_bytes(), &ctx());
    let Class::Reply { split, facts } = &understood.class else {
        panic!("{:?}", understood.class)
    };
    assert!(split.body.contains("Jon Sæther \t"), "{}", split.body);
    let people: Vec<_> = facts.answers[0]
        .attendees
        .iter()
        .filter_map(|a| a.email.as_deref())
        .collect();
    assert_eq!(people, ["kari.vang@mfa.no", "jon.saether@mfa.no"], "{facts:?}");
    // A signature's layout table with one address is no table of people: the plain text stands.
    let plain = raw
        .replace(
            "<tr><td><p>Jon Sæther</p></td><td><p>jon.saether@mfa.no</p></td></tr>",
            "",
        )
        .replace("Jon Sæther\r\njon.saether@mfa.no\r\n", "");
    let understood = understand(plain.as_bytes(), &ctx());
    let Class::Reply { split, .. } = &understood.class else {
        panic!("{:?}", understood.class)
    };
    assert!(!split.body.contains('\t'), "{}", split.body);
}
