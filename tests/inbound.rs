//! Reading replies with the real binary and no mail server: `ingest`, the local Maildir inbox that
//! `run` reads, `review`, `status` and the exports.

mod support;

use std::path::Path;

use support::*;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replies")
}

/// A workspace whose register has the fixtures' secret and has sent the invitations.
fn after_invitations() -> Workspace {
    Workspace::ogp5().invitations_sent()
}

fn fixture(name: &str) -> String {
    reply_fixture(name).display().to_string()
}

#[test]
fn ingest_reads_replies_into_the_register_and_again_changes_nothing() {
    let ws = after_invitations();
    let run = ws
        .run(&[
            "--now",
            "2022-06-25T12:00:00+02:00",
            "ingest",
            &fixtures().display().to_string(),
        ])
        .expect(0);
    assert!(run.stdout.contains("Read 18 message(s)"), "{}", run.stdout);
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let org = |id: &str| {
        status["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(org("kld")["events"]["kickoff"]["status"], "registered");
    assert_eq!(org("kld")["events"]["kickoff"]["count"], 2);
    assert_eq!(org("aid")["contact"]["phone"], "+4791723456");
    assert_eq!(org("bfd")["events"]["kickoff"]["status"], "declined");
    assert_eq!(org("sd")["events"]["kickoff"]["late"], true);
    assert_eq!(org("smk")["invitation"]["status"], "bounced");
    assert_eq!(org("smk")["bounces"][0]["permanent"], true);
    assert_eq!(org("hod")["auto_replies"][0]["returns_on"], "2022-07-02");
    assert!(
        org("hod")["contact"].is_null(),
        "an out-of-office never sets a contact"
    );
    let ngo = org("reddbarna.no");
    assert_eq!(
        (ngo["kind"].as_str(), ngo["referred_by"].as_str()),
        (Some("ngo"), Some("aid"))
    );
    assert!(!status["review"].as_array().unwrap().is_empty());

    let again = ws.run(&["ingest", &fixtures().display().to_string()]).expect(0);
    assert!(
        again.stdout.contains("Read 0 message(s)") && again.stdout.contains("18 read before"),
        "{}",
        again.stdout
    );
    assert_eq!(ws.run(&["status", "--json"]).expect(0).json(), status);

    let text = ws.run(&["status"]).expect(0).stdout;
    assert!(
        text.contains("kickoff:") && text.contains("Contact persons:"),
        "{text}"
    );
    let registrations = ws.run(&["export", "registrations"]).expect(0).stdout;
    assert!(
        registrations
            .lines()
            .any(|l| l.starts_with("kld,") && l.contains("Kari Nordmann; Per Olsen")),
        "{registrations}"
    );
    let contacts = ws
        .run(&["export", "contacts", "--format", "json"])
        .expect(0)
        .json();
    assert!(
        contacts
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["org_id"] == "ud" && c["name"] == "Sara Nilsen")
    );
}

#[test]
fn review_shows_the_message_and_applies_or_dismisses_what_it_proposes() {
    let ws = after_invitations();
    ws.run(&[
        "ingest",
        &fixture("kld-dmarc-fail.eml"),
        &fixture("lookalike-domain-contact.eml"),
    ])
    .expect(0);
    let list = ws.run(&["review"]).expect(0).stdout;
    assert!(
        list.contains("dmarc=fail") && list.contains("aid-dep.no"),
        "{list}"
    );
    let show = ws.run(&["review", "show", "1"]).expect(0).stdout;
    assert!(show.contains("Kontaktperson for KLD er Per Olsen"), "{show}");
    assert!(
        show.contains("kld: contact person Per Olsen, per.olsen@kld.dep.no, +4722240000"),
        "{show}"
    );
    // The coordinator knows Per wrote it: applying makes the change, with the message as cause.
    ws.run(&["review", "apply", "1"]).expect(0);
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let kld = status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "kld")
        .cloned()
        .unwrap();
    assert_eq!(kld["contact"]["name"], "Per Olsen");
    ws.run(&["review", "dismiss", "2"]).expect(0);
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let aid = status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "aid")
        .cloned()
        .unwrap();
    assert!(aid["contact"].is_null(), "a dismissed item changes nothing");
    assert!(status["review"].as_array().unwrap().is_empty());
    // Settled items cannot be settled again.
    let run = ws.run(&["review", "apply", "1"]).expect(1);
    assert!(run.stderr.contains("applied already"), "{}", run.stderr);
}

/// The reasons were English in the Norwegian weekly status: "the receiving server says dmarc=fail".
#[test]
fn a_review_reason_is_in_the_reader_s_language_norwegian_in_the_weekly_status_english_in_the_cli() {
    let ws = after_invitations();
    ws.run(&["ingest", &fixture("kld-dmarc-fail.eml")]).expect(0);
    let list = ws.run(&["review"]).expect(0).stdout;
    assert!(list.contains("the receiving server says dmarc=fail"), "{list}");
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let item = &status["review"][0];
    assert!(
        item["reason"]
            .as_str()
            .unwrap()
            .contains("the receiving server says dmarc=fail"),
        "{item}"
    );
    assert!(
        item["reason_nb"]
            .as_str()
            .unwrap()
            .contains("mottakerserveren sier dmarc=fail"),
        "{item}"
    );
    let weekly = ws
        .run(&["--now", "2022-06-17T12:00:00+02:00", "report", "preview"])
        .expect(0)
        .stdout;
    assert!(weekly.contains("mottakerserveren sier dmarc=fail"), "{weekly}");
    assert!(!weekly.contains("the receiving server"), "{weekly}");
}

#[test]
fn the_daemon_reads_the_local_inbox_and_confirms_to_the_sender() {
    let ws = after_invitations();
    let inbox = ws.data.join("inbox");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(inbox.join(sub)).unwrap();
    }
    std::fs::copy(
        fixtures().join("kld-outlook-registration.eml"),
        inbox.join("new/1655370000.M1P1.test"),
    )
    .unwrap();
    std::fs::copy(
        fixtures().join("hod-out-of-office.eml"),
        inbox.join("new/1655370001.M1P1.test"),
    )
    .unwrap();
    let before = ws.outbox_files().len();
    ws.run(&["--now", "2022-06-16T12:00:00+02:00", "run", "--once"])
        .expect(0);
    let outbox = ws.outbox_files();
    let of_kind = |kind: &str| {
        outbox
            .iter()
            .filter(|m| message_id(m).contains(&format!(".{kind}.")))
            .count()
    };
    assert_eq!(
        of_kind("confirmation"),
        1,
        "one confirmation, to the person, none to the out-of-office"
    );
    assert_eq!(
        of_kind("calendar"),
        2,
        "the meeting, to each of the two registered"
    );
    assert_eq!(outbox.len(), before + 3, "and nothing else");
    let confirmation = outbox
        .iter()
        .map(|m| mail_parser::MessageParser::default().parse(m).unwrap())
        .find(|m| m.header_raw("Auto-Submitted").is_some())
        .expect("a confirmation");
    assert_eq!(
        confirmation.to().unwrap().first().unwrap().address(),
        Some("kari.nordmann@kld.dep.no")
    );
    let text = confirmation.body_text(0).unwrap();
    assert!(
        text.contains("Kari Nordmann <kari.nordmann@kld.dep.no>, Per Olsen <per.olsen@kld.dep.no>"),
        "{text}"
    );
    assert!(
        confirmation
            .in_reply_to()
            .as_text()
            .unwrap_or("")
            .contains("AM0PR09MB1234.kld")
    );
    // A second round reads nothing new and confirms or invites nothing again.
    ws.run(&["--now", "2022-06-16T12:30:00+02:00", "run", "--once"])
        .expect(0);
    assert_eq!(ws.outbox_files().len(), before + 3);
}

#[test]
fn a_message_reusing_a_message_id_with_other_content_goes_to_review_not_dropped() {
    let ws = after_invitations();
    let genuine = std::fs::read_to_string(reply_fixture("kld-outlook-registration.eml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let first = write("genuine.eml", &genuine);
    // The same message delivered to another folder: other transport headers, CRLF line ends.
    let copy = write(
        "copy.eml",
        &format!(
            "Received: from mx2.kdd.dep.no by archive.kdd.dep.no; Thu, 16 Jun 2022 09:12:50 +0000\r\nX-Archived: yes\r\n{}",
            genuine
                .replace("Delivered-To: tom-arne.nygaard+ogp5", "Delivered-To: arkiv+ogp5")
                .replace('\n', "\r\n")
        ),
    );
    // Someone who knows the Message-ID (it is quoted in every reply to it) sends other words
    // under it: one more person, and a new contact.
    let forged = write(
        "forged.eml",
        &genuine.replace(
            "- Per Olsen, rådgiver, per.olsen@kld.dep.no\n",
            "- Per Olsen, rådgiver, per.olsen@kld.dep.no\n- Mallory, mallory@evil.example\n\nKontaktperson for KLD er Mallory, mallory@evil.example, tlf. 99 99 99 99.\n",
        ),
    );
    assert_ne!(std::fs::read(&forged).unwrap(), genuine.as_bytes());
    let now = "2022-06-16T12:00:00+02:00";
    ws.run(&["--now", now, "ingest", &first]).expect(0);
    let before = ws.run(&["status", "--json"]).expect(0).json();
    let copied = ws.run(&["--now", now, "ingest", &copy]).expect(0);
    assert!(
        copied.stdout.contains("Read 0 message(s)") && copied.stdout.contains("1 duplicates"),
        "{}",
        copied.stdout
    );
    let run = ws.run(&["--now", now, "ingest", &forged]).expect(0);
    // Before: "Read 0 message(s) … 1 duplicates", and nothing to review.
    assert!(
        run.stdout.contains("Read 1 message(s)") && run.stdout.contains("1 to review"),
        "{}",
        run.stdout
    );
    let after = ws.run(&["status", "--json"]).expect(0).json();
    let kld = |s: &serde_json::Value| {
        s["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == "kld")
            .cloned()
            .unwrap()
    };
    assert_eq!(kld(&after), kld(&before), "nothing changed for KLD");
    let list = ws.run(&["review"]).expect(0).stdout;
    assert!(list.contains("Message-ID was read before"), "{list}");
    let items = after["review"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:#?}");
    let show = ws
        .run(&["review", "show", &items[0]["id"].to_string()])
        .expect(0)
        .stdout;
    assert!(
        show.contains("mallory@evil.example"),
        "the message is shown: {show}"
    );
    // Reading the same three again changes nothing.
    let again = ws
        .run(&["--now", now, "ingest", &first, &copy, &forged])
        .expect(0);
    assert!(again.stdout.contains("3 read before"), "{}", again.stdout);
}

/// `genuine` with `extra` bytes of attachment, under its own Message-ID.
fn enlarged(genuine: &str, id: &str, extra: usize) -> String {
    let attachment = "QUFB".repeat(extra / 4);
    genuine.replacen(
        "Message-ID: <AM0PR09MB1234.kld@eurprd09.prod.outlook.com>",
        &format!("Message-ID: <{id}>"),
        1,
    ) + &format!("\n{attachment}\n")
}

#[test]
fn a_file_over_the_size_limit_is_set_aside_by_its_header_in_ingest_and_the_local_inbox() {
    let config = ogp5_toml().replace(
        "confirmations = true ",
        "max_message_size = \"64 kB\"\nconfirmations = true ",
    );
    let ws = Workspace::new(&config).invitations_sent();
    let genuine = std::fs::read_to_string(reply_fixture("kld-outlook-registration.eml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.eml");
    std::fs::write(&big, enlarged(&genuine, "big-file@kld.dep.no", 3_000_000)).unwrap();
    let run = ws
        .run(&[
            "--now",
            "2022-06-16T12:00:00+02:00",
            "ingest",
            &big.display().to_string(),
        ])
        .expect(0);
    assert!(
        run.stdout.contains("Read 1 message(s): 0 applied, 1 to review"),
        "{}",
        run.stdout
    );
    // The same in the local Maildir inbox that `run` reads.
    let inbox = ws.data.join("inbox");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(inbox.join(sub)).unwrap();
    }
    std::fs::write(
        inbox.join("new/1655370000.M1P1.test"),
        enlarged(&genuine, "big-maildir@kld.dep.no", 100_000),
    )
    .unwrap();
    let before = ws.outbox_files().len();
    ws.run(&["--now", "2022-06-16T12:00:00+02:00", "run", "--once"])
        .expect(0);
    assert_eq!(
        ws.outbox_files().len(),
        before,
        "no confirmation, no calendar invitation"
    );
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let kld = status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "kld")
        .cloned()
        .unwrap();
    assert!(kld["events"]["kickoff"]["status"].is_null(), "{kld:#}");
    let items = status["review"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{items:#?}");
    for item in items {
        let reason = item["reason"].as_str().unwrap();
        assert!(
            reason.starts_with("Too big to read: a message of ")
                && reason.contains("from Kari Nordmann <kari.nordmann@kld.dep.no>")
                && reason.contains("Open it in Outlook"),
            "{reason}"
        );
    }
    assert!(
        items[0]["reason"].as_str().unwrap().contains("of 3.0 MB"),
        "{items:#?}"
    );
}
