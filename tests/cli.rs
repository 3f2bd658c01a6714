//! The command line with the embedded Maildir transport: what a newcomer runs with no mail server.

mod support;

use support::*;

#[test]
fn check_accepts_the_ogp5_config() {
    let ws = Workspace::ogp5();
    let run = ws.run(&["check"]).expect(0);
    assert!(
        run.stdout
            .contains("is valid: process ogp5, 15 organisations (15 ministries, 0 NGOs)"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_broken_config_lists_every_problem_and_exits_2() {
    let broken = ogp5_toml()
        .replace("timezone = \"Europe/Oslo\"", "timezone = \"Europe/Olso\"")
        .replace(
            "address = \"postmottak@kud.dep.no\"",
            "adress = \"postmottak@kud.dep.no\"",
        )
        .replace("due = \"2022-06-24\"", "due = \"snarest\"");
    let ws = Workspace::new(&broken);
    let run = ws.run(&["check"]).expect(2);
    assert!(run.stderr.contains("has 3 problems"), "{}", run.stderr);
    let config = ws.config.display().to_string();
    for key in [
        "process.timezone",
        "organisations[7] (kud)",
        "deadlines[1] (contact).due",
    ] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains(key))
            .unwrap_or_else(|| panic!("{key} missing:\n{}", run.stderr));
        assert!(line.trim_start().starts_with(&format!("{config}:")), "{line}");
    }
    // Every command refuses a broken config the same way.
    ws.run(&["send", "invitations"]).expect(2);
    assert!(!ws.data.exists(), "nothing may be written with a broken config");
}

#[test]
fn sending_writes_one_personal_invitation_per_organisation_to_the_outbox() {
    let ws = Workspace::ogp5();
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    assert!(
        run.stdout.contains("Invitations: 15 of 15 sent (15 just now)"),
        "{}",
        run.stdout
    );
    let files = ws.outbox_files();
    assert_eq!(files.len(), 15);
    let mut to: Vec<String> = files
        .iter()
        .map(|raw| {
            let message = mail_parser::MessageParser::default().parse(raw).unwrap();
            assert_eq!(message.date().unwrap().to_rfc3339(), "2022-06-15T08:00:00Z");
            message
                .to()
                .unwrap()
                .first()
                .unwrap()
                .address()
                .unwrap()
                .to_string()
        })
        .collect();
    to.sort();
    let mut expected: Vec<String> = MINISTRIES.iter().map(|m| postmottak(m)).collect();
    expected.sort();
    assert_eq!(to, expected);
    // Each log line names the organisation and the Message-ID.
    let sent_lines = run
        .stderr
        .lines()
        .filter(|l| l.contains(" sent ") && l.contains("org=") && l.contains("message_id="))
        .count();
    assert_eq!(sent_lines, 15, "{}", run.stderr);
}

#[test]
fn sending_again_sends_nothing_new() {
    let ws = Workspace::ogp5();
    ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    let first: Vec<String> = ws.outbox_files().iter().map(|m| message_id(m)).collect();
    let run = ws.run(&["send", "invitations"]).expect(0);
    assert!(
        run.stdout.contains("15 of 15 sent (0 just now)"),
        "{}",
        run.stdout
    );
    let second: Vec<String> = ws.outbox_files().iter().map(|m| message_id(m)).collect();
    assert_eq!(first.len(), 15);
    assert_eq!(first, second);
}

#[test]
fn status_json_is_the_stable_interface() {
    let ws = Workspace::ogp5();
    let before = ws.run(&["status", "--json"]).expect(0).json();
    assert_eq!(before["organisations"].as_array().unwrap().len(), 15);
    assert_eq!(before["organisations"][0]["invitation"]["status"], "pending");
    assert!(!ws.data.exists(), "status must not create the register");

    ws.run(&[
        "--now",
        SEND_TIME,
        "send",
        "invitations",
        "--org",
        "aid",
        "--org",
        "ud",
    ])
    .expect(0);
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let orgs = status["organisations"].as_array().unwrap();
    assert_eq!(orgs.len(), 15);
    let aid = orgs.iter().find(|o| o["id"] == "aid").unwrap();
    for key in [
        "id",
        "name",
        "kind",
        "referred_by",
        "invitation",
        "contact",
        "events",
    ] {
        assert!(aid.get(key).is_some(), "{key} missing in {aid}");
    }
    assert_eq!(aid["name"], "Arbeids- og inkluderingsdepartementet");
    assert_eq!(aid["kind"], "ministry");
    assert_eq!(aid["invitation"]["status"], "sent");
    assert_eq!(aid["invitation"]["sent_at"], "2022-06-15T08:00:00Z");
    assert!(
        aid["invitation"]["message_id"]
            .as_str()
            .unwrap()
            .starts_with("ogp5.invitation.aid.kickoff.r1.")
    );
    assert!(aid["invitation"]["error"].is_null());
    let bfd = orgs.iter().find(|o| o["id"] == "bfd").unwrap();
    assert_eq!(bfd["invitation"]["status"], "pending");
    assert!(status["review"].as_array().unwrap().is_empty());
    assert_eq!(ws.outbox_files().len(), 2);
}

#[test]
fn a_dry_run_sends_and_records_nothing() {
    let ws = Workspace::ogp5();
    let run = ws.run(&["send", "invitations", "--dry-run"]).expect(0);
    assert!(
        run.stdout.contains("15 invitation(s) would be sent"),
        "{}",
        run.stdout
    );
    assert!(!ws.data.exists());
    ws.run(&["send", "invitations", "--org", "smk"]).expect(0);
    let run = ws.run(&["send", "invitations", "--dry-run"]).expect(0);
    assert!(
        run.stdout
            .contains("14 invitation(s) would be sent, 1 already in the outbox"),
        "{}",
        run.stdout
    );
    assert_eq!(ws.outbox_files().len(), 1);
}

#[test]
fn an_unknown_organisation_or_time_is_bad_usage() {
    let ws = Workspace::ogp5();
    let run = ws.run(&["send", "invitations", "--org", "kdd"]).expect(2);
    assert!(run.stderr.contains("\"kdd\""), "{}", run.stderr);
    let run = ws.run(&["--now", "yesterday", "status"]).expect(2);
    assert!(run.stderr.contains("RFC 3339"), "{}", run.stderr);
    ws.run(&["send", "everything"]).expect(2);
}

#[test]
fn export_gives_csv_and_json() {
    let ws = Workspace::ogp5();
    ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    let csv = ws.run(&["export", "organisations"]).expect(0).stdout;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,kind,address,domains,lang,referred_by,invitation_status,sent_at,message_id,error")
    );
    let ud = csv.lines().find(|l| l.starts_with("ud,")).unwrap();
    assert!(
        ud.contains("ud.dep.no mfa.no") && ud.contains(",sent,2022-06-15T08:00:00Z,"),
        "{ud}"
    );
    assert_eq!(csv.lines().count(), 16);
    let json = ws
        .run(&["export", "organisations", "--format", "json"])
        .expect(0)
        .json();
    assert_eq!(json.as_array().unwrap().len(), 15);
}

#[test]
fn preview_shows_the_letter_without_sending() {
    let ws = Workspace::ogp5();
    let run = ws.run(&["preview", "invitation", "--org", "kld"]).expect(0);
    assert!(
        run.stdout
            .contains("To: Klima- og miljødepartementet <postmottak@kld.dep.no>"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Påmelding til møtet bes sendt"));
    let run = ws
        .run(&[
            "preview",
            "invitation",
            "--org",
            "kld",
            "--lang",
            "en",
            "--part",
            "html",
        ])
        .expect(0);
    assert!(
        run.stdout.contains("<html lang=\"en\">")
            && run.stdout.contains("Ministry of Climate and Environment")
    );
    assert!(ws.outbox_files().is_empty(), "a preview sends nothing");
    assert!(
        ws.invitation_statuses().iter().all(|(_, s)| s == "pending"),
        "nor queues anything"
    );
}

/// The regression: before the first send, the preview showed tokens made from a secret of its
/// own, so the reply address it showed was not the one then sent.
#[test]
fn the_preview_before_the_first_send_shows_the_reply_address_then_sent() {
    let ws = Workspace::ogp5();
    let reply_to = |text: &str| {
        let line = text
            .lines()
            .find(|l| l.starts_with("Reply-To:"))
            .unwrap_or_else(|| panic!("no Reply-To in {text}"));
        line.rsplit('<').next().unwrap().trim_end_matches('>').to_string()
    };
    let previewed = reply_to(
        &ws.run(&["preview", "invitation", "--org", "kld"])
            .expect(0)
            .stdout,
    );
    ws.run(&["send", "invitations", "--org", "kld", "--dry-run"])
        .expect(0);
    ws.run(&["send", "invitations", "--org", "kld"]).expect(0);
    let sent = ws.outbox_files();
    assert_eq!(sent.len(), 1);
    assert_eq!(reply_to(&String::from_utf8_lossy(&sent[0])), previewed);
}

#[test]
fn the_daemon_never_sends_invitations_merely_because_it_started() {
    let ws = Workspace::ogp5();
    ws.run(&["--now", SEND_TIME, "run", "--once"]).expect(0);
    assert!(ws.outbox_files().is_empty());
}

#[test]
fn the_daemon_sends_at_the_configured_time_once() {
    let config = ogp5_toml().replace(
        "# send_at = \"2022-06-15T10:00\"",
        "send_at = \"2022-06-15T10:00\"",
    );
    let ws = Workspace::new(&config);
    ws.run(&["--now", "2022-06-15T09:59:00+02:00", "run", "--once"])
        .expect(0);
    assert!(ws.outbox_files().is_empty(), "not before its time");
    ws.run(&["--now", "2022-06-15T10:01:00+02:00", "run", "--once"])
        .expect(0);
    assert_eq!(ws.outbox_files().len(), 15);
    ws.run(&["--now", "2022-06-15T10:02:00+02:00", "run", "--once"])
        .expect(0);
    assert_eq!(ws.outbox_files().len(), 15);
}

#[test]
fn a_daemon_that_was_down_past_the_grace_period_does_not_send_late() {
    let config = ogp5_toml().replace(
        "# send_at = \"2022-06-15T10:00\"",
        "send_at = \"2022-06-15T10:00\"",
    );
    let ws = Workspace::new(&config);
    let run = ws
        .run(&["--now", "2022-06-17T10:00:00+02:00", "run", "--once"])
        .expect(0);
    assert!(run.stderr.contains("not sending them now"), "{}", run.stderr);
    assert!(ws.outbox_files().is_empty());
    // A person decides: the command still sends.
    ws.run(&["send", "invitations"]).expect(0);
    assert_eq!(ws.outbox_files().len(), 15);
}

#[test]
fn help_names_every_command() {
    let ws = Workspace::ogp5();
    let run = ws.run(&["--help"]).expect(0);
    for command in [
        "check", "preview", "send", "run", "status", "export", "ingest", "review", "plan", "poll", "report",
    ] {
        assert!(run.stdout.contains(command), "{command} missing:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("Exit status"));
}

#[test]
fn invitations_can_be_queued_for_the_daemon_to_send() {
    let ws = Workspace::ogp5();
    let run = ws
        .run(&["--now", SEND_TIME, "send", "invitations", "--queue-only"])
        .expect(0);
    assert!(run.stdout.contains("15 put in the outbox"), "{}", run.stdout);
    assert!(ws.outbox_files().is_empty());
    assert!(ws.all_invitations_are("pending"));
    ws.run(&["--now", SEND_TIME, "run", "--once"]).expect(0);
    assert_eq!(ws.outbox_files().len(), 15);
}

/// The ogp5 workspace with its own copy of the templates, where the reminder in `lang` asks for a
/// value no reminder has.
fn with_a_broken_reminder_template(ws: &Workspace, lang: &str) {
    let templates = ws.dir.path().join("mail-templates");
    std::fs::create_dir_all(&templates).unwrap();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mail-templates");
    for entry in std::fs::read_dir(&source).unwrap().flatten() {
        std::fs::copy(entry.path(), templates.join(entry.file_name())).unwrap();
    }
    let reminder = templates.join(format!("reminder.{lang}.txt.j2"));
    let text = std::fs::read_to_string(&reminder).unwrap();
    std::fs::write(&reminder, text.replace("{{ deadline }}", "{{ deadline_day }}")).unwrap();
    let config = ogp5_toml().replace(
        &format!("templates = {:?}", source.display().to_string()),
        &format!("templates = {:?}", templates.display().to_string()),
    );
    ws.write_config(&config);
}

#[test]
fn check_renders_every_kind_of_message_and_names_a_template_that_fails() {
    let ws = Workspace::ogp5();
    with_a_broken_reminder_template(&ws, "en");
    let run = ws.run(&["check"]).expect(2);
    assert!(
        run.stderr.contains("reminder registration-1d (en)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("reminder.en.txt.j2"), "{}", run.stderr);
    // The Norwegian ones are fine, and said nothing.
    assert!(!run.stderr.contains("(nb)"), "{}", run.stderr);
}

#[test]
fn a_reminder_that_cannot_be_rendered_holds_up_nothing_else() {
    // The reminder fails for everyone; the weekly status goes out all the same, the run says it
    // failed, and the reminder is tried again on the next round.
    let ws = Workspace::ogp5().invitations_sent();
    with_a_broken_reminder_template(&ws, "nb");
    let run = ws.run(&["--now", "2022-06-20T09:00:00+02:00", "run", "--once"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("reminder registration-1d"), "{}", run.stderr);
    let kinds = |ws: &Workspace| -> Vec<String> {
        ws.outbox_files()
            .iter()
            .map(|m| message_id(m).split('.').nth(1).unwrap_or("").to_string())
            .collect()
    };
    let sent = kinds(&ws);
    assert_eq!(sent.iter().filter(|k| *k == "report").count(), 1);
    // The occurrence is not recorded while a recipient's message cannot be made: none went.
    assert_eq!(sent.iter().filter(|k| *k == "reminder").count(), 0);
    // Fixed within the grace period: all 15 go, once.
    let good = ogp5_toml();
    ws.write_config(&good);
    ws.run(&["--now", "2022-06-20T10:00:00+02:00", "run", "--once"])
        .expect(0);
    let sent = kinds(&ws);
    assert_eq!(sent.iter().filter(|k| *k == "reminder").count(), 15);
    assert_eq!(sent.iter().filter(|k| *k == "report").count(), 1);
}

#[test]
fn running_once_twice_at_the_same_moment_sends_nothing_the_second_time() {
    let ws = Workspace::ogp5().invitations_sent();
    let before = ws.outbox_files().len();
    // Monday 20 June, 09:00: the weekly status and the registration reminder to all 15.
    ws.run(&["--now", "2022-06-20T09:00:00+02:00", "run", "--once"])
        .expect(0);
    let after = ws.outbox_files();
    let kinds: Vec<String> = after
        .iter()
        .map(|m| message_id(m).split('.').nth(1).unwrap_or("").to_string())
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "reminder").count(), 15);
    assert_eq!(kinds.iter().filter(|k| *k == "report").count(), 1);
    assert_eq!(after.len(), before + 16);
    ws.run(&["--now", "2022-06-20T09:00:00+02:00", "run", "--once"])
        .expect(0);
    assert_eq!(ws.outbox_files().len(), before + 16);
    // status says who was reminded, and where the date poll stands.
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let hod = status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "hod")
        .unwrap();
    assert_eq!(hod["reminders"][0]["reminder"], "registration-1d");
    assert_eq!(hod["reminders"][0]["state"], "queued");
    assert_eq!(hod["reminders"][0]["due"], "2022-06-20T07:00:00Z");
    assert_eq!(status["poll"]["event"], "followup");
    assert_eq!(status["poll"]["answers"], 0);
    let text = ws.run(&["status"]).expect(0).stdout;
    assert!(text.contains("Reminders: 15 sent"), "{text}");
    // When the invitation went and who the contact is stand in columns of their own.
    let header = text.lines().find(|l| l.starts_with("ID ")).expect("a table");
    let row = text.lines().find(|l| l.starts_with("hod ")).expect("HOD's row");
    let sent_at = header.find("SENT (Europe/Oslo)").expect("a SENT column");
    assert_eq!(row.get(sent_at..sent_at + 11), Some("2022-06-15 "), "{text}");
    assert!(header.ends_with("CONTACT") && row.ends_with(" -"), "{text}");
    // The poll has not gone out yet: no "0 answers" as if it had.
    assert_eq!(status["poll"]["asked"], 0);
    assert!(text.contains("Date poll for followup: not sent yet"), "{text}");
    assert!(!text.contains("0 answers"), "{text}");
}

#[test]
fn a_reminder_missed_while_down_is_logged_and_not_sent() {
    let ws = Workspace::ogp5().invitations_sent();
    let before = ws.outbox_files().len();
    // Started on Tuesday at noon: Monday's reminder is more than 12 hours late.
    let run = ws
        .run(&["--now", "2022-06-21T12:00:00+02:00", "run", "--once"])
        .expect(0);
    assert!(run.stderr.contains("recorded as missed"), "{}", run.stderr);
    assert!(run.stderr.contains("registration-1d"), "{}", run.stderr);
    let reminders = ws
        .outbox_files()
        .iter()
        .filter(|m| message_id(m).contains(".reminder."))
        .count();
    assert_eq!(reminders, 0);
    assert!(ws.outbox_files().len() >= before);
}

#[test]
fn plan_shows_the_timeline_without_doing_anything() {
    let ws = Workspace::ogp5().invitations_sent();
    let before = ws.outbox_files().len();
    let run = ws
        .run(&[
            "--now",
            "2022-06-17T12:00:00+02:00",
            "plan",
            "--until",
            "2022-07-10",
        ])
        .expect(0);
    for line in [
        "Mon 2022-06-20 09:00  reminder    registration reminder registration-1d → 15:",
        "Wed 2022-06-22 12:00  reminder    meeting reminder kickoff-eve",
        "Thu 2022-06-23 09:00  meeting     kickoff begins",
        "Mon 2022-06-27 10:00  poll        date poll for followup",
        "Fri 2022-07-08 23:59  poll-close",
        "Mon 2022-07-04 08:00  report      weekly status → tom-arne.nygaard@kdd.dep.no",
    ] {
        assert!(run.stdout.contains(line), "{line:?} missing:\n{}", run.stdout);
    }
    assert_eq!(ws.outbox_files().len(), before, "plan sends nothing");
    ws.run(&["--now", "2022-06-17T12:00:00+02:00", "plan", "--until", "juli"])
        .expect(2);
}

#[test]
fn the_poll_can_be_sent_and_closed_by_hand() {
    let ws = Workspace::ogp5().invitations_sent();
    let run = ws
        .run(&["--now", "2022-06-24T10:00:00+02:00", "poll", "send"])
        .expect(0);
    assert!(
        run.stdout.contains("Date poll: put in the outbox for 15 people"),
        "{}",
        run.stdout
    );
    let status = ws.run(&["poll", "status"]).expect(0);
    assert!(
        status.stdout.contains("0 answers, 15 asked not answered"),
        "{}",
        status.stdout
    );
    let text = ws.run(&["status"]).expect(0).stdout;
    assert!(
        text.contains("Date poll for followup: 0 of 15 asked answered"),
        "{text}"
    );
    let run = ws
        .run(&["--now", "2022-06-30T10:00:00+02:00", "poll", "close"])
        .expect(0);
    assert!(run.stdout.contains("number 1 chosen"), "{}", run.stdout);
    let results = ws
        .outbox_files()
        .iter()
        .filter(|m| message_id(m).contains(".poll-result."))
        .count();
    assert_eq!(results, 15);
    ws.run(&["--now", "2022-06-30T10:05:00+02:00", "poll", "close"])
        .expect(2);
}

#[test]
fn the_coordinator_can_choose_the_date_and_the_result_says_so_in_numbers() {
    let ws = Workspace::ogp5().invitations_sent();
    ws.run(&["--now", "2022-06-24T10:00:00+02:00", "poll", "send"])
        .expect(0);
    // There are four candidates: a fifth is a usage error, and closes nothing.
    let run = ws
        .run(&["--now", "2022-06-30T10:00:00+02:00", "poll", "choose", "5"])
        .expect(2);
    assert!(run.stderr.contains("no candidate number 5"), "{}", run.stderr);
    let run = ws
        .run(&["--now", "2022-06-30T10:00:00+02:00", "poll", "choose", "3"])
        .expect(0);
    assert!(run.stdout.contains("number 3 chosen"), "{}", run.stdout);
    let status = ws.run(&["poll", "status"]).expect(0);
    assert!(status.stdout.contains("number 3 chosen"), "{}", status.stdout);
    let result = ws
        .outbox_files()
        .into_iter()
        .find(|m| message_id(m).contains(".poll-result."))
        .expect("a result mail");
    let parsed = mail_parser::MessageParser::default().parse(&result).unwrap();
    let text = parsed.body_text(0).unwrap().to_string();
    assert!(text.contains("fredag 2. september"), "{text}");
    assert!(text.contains("Koordinator har valgt tidspunktet"), "{text}");
    assert!(text.contains("Ingen svarte på datoavstemningen"), "{text}");
    assert!(!text.contains("passet for flest"), "{text}");
}

/// A bounce of `message_id` at `address`, as Postfix writes it, saved as a file to ingest.
fn bounce_file(ws: &Workspace, address: &str, message_id: &str) -> std::path::PathBuf {
    let raw = format!(
        "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.kdd.dep.no (Mail Delivery System)\r\nTo: tom-arne.nygaard@kdd.dep.no\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Wed, 15 Jun 2022 10:00:05 +0200\r\nMessage-ID: <bounce.{address}@mx.kdd.dep.no>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n<{address}>: host mx said: 550 5.1.1 User unknown\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.kdd.dep.no\r\n\r\nFinal-Recipient: rfc822; {address}\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Tom Arne Nygaard <tom-arne.nygaard@kdd.dep.no>\r\nTo: <{address}>\r\nMessage-ID: <{message_id}>\r\n\r\n--B--\r\n"
    );
    let path = ws.dir.path().join(format!("bounce-{address}.eml"));
    std::fs::write(&path, raw).unwrap();
    path
}

/// SD's invitations in the outbox, by recipient.
fn sd_invitations(ws: &Workspace) -> Vec<String> {
    ws.outbox_files()
        .iter()
        .filter(|m| message_id(m).contains(".invitation.sd."))
        .map(|m| {
            let parsed = mail_parser::MessageParser::default().parse(m).unwrap();
            parsed
                .to()
                .and_then(|t| t.first())
                .and_then(|a| a.address())
                .unwrap_or("")
                .to_string()
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The invitations sent, and SD's bounced at postmottak@sd.dep.no (5.1.1), read at 10:05.
fn sd_bounced() -> Workspace {
    let ws = Workspace::ogp5().invitations_sent();
    let first = ws
        .outbox_files()
        .into_iter()
        .map(|m| message_id(&m))
        .find(|id| id.contains(".invitation.sd."))
        .unwrap();
    let bounce = bounce_file(&ws, "postmottak@sd.dep.no", &first);
    ws.run(&[
        "--now",
        "2022-06-15T10:05:00+02:00",
        "ingest",
        bounce.to_str().unwrap(),
    ])
    .expect(0);
    ws
}

#[test]
fn an_invitation_that_bounced_goes_again_to_the_address_fixed_in_the_config() {
    let ws = sd_bounced();
    // Before the address is fixed: the failure says why.
    let run = ws.run(&[
        "--now",
        "2022-06-15T11:00:00+02:00",
        "send",
        "invitations",
        "--org",
        "sd",
    ]);
    assert!(
        run.stdout.contains("bounced (5.1.1"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    // The coordinator fixes the address; `send invitations --org sd` sends it there.
    let config = std::fs::read_to_string(&ws.config).unwrap();
    let fixed = config.replace(
        "address = \"postmottak@sd.dep.no\"",
        "address = \"post@sd.dep.no\"",
    );
    assert_ne!(fixed, config);
    ws.write_config(&fixed);
    let dry = ws
        .run(&[
            "--now",
            "2022-06-15T11:00:00+02:00",
            "send",
            "invitations",
            "--org",
            "sd",
            "--dry-run",
        ])
        .expect(0);
    assert!(
        dry.stdout.contains("again    sd (post@sd.dep.no)"),
        "{}",
        dry.stdout
    );
    let run = ws
        .run(&[
            "--now",
            "2022-06-15T11:00:00+02:00",
            "send",
            "invitations",
            "--org",
            "sd",
        ])
        .expect(0);
    assert!(run.stdout.contains("1 of 1 sent"), "{}{}", run.stdout, run.stderr);
    assert_eq!(sd_invitations(&ws), ["post@sd.dep.no", "postmottak@sd.dep.no"]);
    // Once only, and the status shows the new delivery.
    ws.run(&[
        "--now",
        "2022-06-15T11:05:00+02:00",
        "send",
        "invitations",
        "--org",
        "sd",
    ])
    .expect(0);
    ws.run(&["--now", "2022-06-15T11:05:00+02:00", "run", "--once"])
        .expect(0);
    let count = ws
        .outbox_files()
        .iter()
        .filter(|m| message_id(m).contains(".invitation.sd."))
        .count();
    assert_eq!(count, 2);
    assert!(
        ws.invitation_statuses()
            .contains(&("sd".to_string(), "sent".to_string()))
    );
}

#[test]
fn the_daemon_sends_a_bounced_invitation_again_when_the_address_changes() {
    let ws = sd_bounced();
    ws.run(&["--now", "2022-06-15T10:10:00+02:00", "run", "--once"])
        .expect(0);
    assert_eq!(
        sd_invitations(&ws).len(),
        1,
        "nothing new before the address changes"
    );
    let config = std::fs::read_to_string(&ws.config).unwrap();
    ws.write_config(&config.replace(
        "address = \"postmottak@sd.dep.no\"",
        "address = \"post@sd.dep.no\"",
    ));
    let run = ws
        .run(&["--now", "2022-06-15T11:00:00+02:00", "run", "--once"])
        .expect(0);
    assert_eq!(
        sd_invitations(&ws),
        ["post@sd.dep.no", "postmottak@sd.dep.no"],
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("invitation sent again"), "{}", run.stderr);
}

#[test]
fn the_weekly_status_can_be_sent_by_hand() {
    let ws = Workspace::ogp5().invitations_sent();
    let preview = ws
        .run(&["--now", "2022-06-17T12:00:00+02:00", "report", "preview"])
        .expect(0);
    assert!(
        preview.stdout.starts_with("Subject: Ukestatus"),
        "{}",
        preview.stdout
    );
    assert!(
        preview
            .stdout
            .contains("0 påmeldt, 0 foreløpig, 0 kommer ikke, 15 uten svar"),
        "{}",
        preview.stdout
    );
    let run = ws
        .run(&["--now", "2022-06-17T12:00:00+02:00", "report", "send"])
        .expect(0);
    assert!(
        run.stdout
            .contains("Weekly status put in the outbox for tom-arne.nygaard@kdd.dep.no"),
        "{}",
        run.stdout
    );
    let reports = ws
        .outbox_files()
        .iter()
        .filter(|m| message_id(m).contains(".report."))
        .count();
    assert_eq!(reports, 1);
}

#[test]
fn a_reminder_and_the_poll_can_be_previewed() {
    let ws = Workspace::ogp5();
    let run = ws
        .run(&[
            "--now",
            "2022-06-19T12:00:00+02:00",
            "preview",
            "reminder",
            "registration-1d",
            "--org",
            "hod",
        ])
        .expect(0);
    assert!(run.stdout.contains("To: postmottak@hod.dep.no"), "{}", run.stdout);
    assert!(run.stdout.contains("innen tirsdag 21. juni"), "{}", run.stdout);
    let run = ws
        .run(&["preview", "poll", "--org", "kld", "--lang", "en"])
        .expect(0);
    assert!(
        run.stdout.contains("1. Monday 29 August 2022 13:00–15:00"),
        "{}",
        run.stdout
    );
    let run = ws.run(&["preview", "reminder", "nope"]).expect(2);
    assert!(run.stderr.contains("registration-1d"), "{}", run.stderr);
    assert!(ws.outbox_files().is_empty(), "a preview sends nothing");
}

#[test]
fn check_warns_that_authority_rests_on_the_from_header_alone_without_trusted_servers() {
    let ws = Workspace::ogp5();
    let run = ws.run(&["check"]).expect(0);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let untrusting = ogp5_toml()
        .lines()
        .filter(|l| !l.starts_with("trusted_authserv_ids"))
        .collect::<Vec<_>>()
        .join("\n");
    let ws = Workspace::new(&untrusting);
    let run = ws.run(&["check"]).expect(0);
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("authority rests on the From header alone"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_reports_an_unknown_event_key_once_and_keeps_the_event() {
    let config = ogp5_toml().replace(
        "aliases = [\"samskapingsmøte\"",
        "room = \"A1\"\naliases = [\"samskapingsmøte\"",
    );
    let line = config.lines().position(|l| l == "room = \"A1\"").unwrap() + 1;
    let ws = Workspace::new(&config);
    let run = ws.run(&["check"]).expect(2);
    // Before: 7 problems, six of them about the deadline, the invitation and the reminders that
    // name the event the stray key had made unreadable.
    assert!(run.stderr.contains("has 1 problem:"), "{}", run.stderr);
    let expected = format!(
        "{}:{line}: events[0] (kickoff).room: unknown key `room`",
        ws.config.display()
    );
    assert!(run.stderr.contains(&expected), "{expected}\n{}", run.stderr);
}

#[test]
fn a_missing_secret_variable_is_reported_with_its_line_and_key() {
    let config = with_transport(
        &ogp5_toml(),
        "[transport]\nkind = \"smtp\"\n\n[smtp]\nhost = \"smtp.example.org\"\nuser = \"tom\"\npassword = { env = \"SAMSKAP_TEST_UNSET_PASSWORD\" }\n",
    );
    let line = config
        .lines()
        .position(|l| l.starts_with("password = { env"))
        .unwrap()
        + 1;
    let ws = Workspace::new(&config);
    // Nothing sets SAMSKAP_TEST_UNSET_PASSWORD.
    let run = ws.run(&["check"]).expect(2);
    let file = ws.config.display().to_string();
    let expected = format!(
        "  {file}:{line}: smtp.password: environment variable SAMSKAP_TEST_UNSET_PASSWORD is not set"
    );
    assert!(
        run.stderr.lines().any(|l| l == expected),
        "{expected}\n{}",
        run.stderr
    );
    let problem = run
        .stderr
        .lines()
        .find(|l| l.contains("SAMSKAP_TEST_UNSET_PASSWORD"))
        .unwrap();
    assert_eq!(
        problem.matches(&file).count(),
        1,
        "the file is named once: {problem}"
    );
}

/// Regression: the data directory was created 755 and the register 644 (777 and 666 under
/// umask 000): anyone on the machine could read every name, address and phone number in it.
#[test]
fn the_data_directory_is_private_to_its_account_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::ogp5();
    let mut command = ws.command(&["--now", SEND_TIME, "send", "invitations"]);
    // The umask the shell gives the program it starts.
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(program)
        .args(args)
        .current_dir(ws.dir.path())
        .env("SAMSKAP_LOG", "samskap=info")
        .env_remove("SAMSKAP_FAILPOINT");
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&ws.data), 0o700);
    for name in ["samskap.db", "samskap.lock"] {
        assert_eq!(mode(&ws.data.join(name)), 0o600, "{name}");
    }
    for sub in ["new", "cur", "tmp"] {
        assert_eq!(mode(&ws.data.join("outbox").join(sub)), 0o700, "outbox/{sub}");
    }
    for entry in std::fs::read_dir(ws.data.join("outbox/new")).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

#[test]
fn check_warns_about_a_secret_file_others_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("smtp-password");
    std::fs::write(&secret, "hemmelig\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let config = with_transport(
        &ogp5_toml(),
        &format!(
            "[transport]\nkind = \"smtp\"\n\n[smtp]\nhost = \"smtp.kdd.dep.no\"\nuser = \"tom\"\npassword = {{ file = {:?} }}\n",
            secret.display().to_string()
        ),
    );
    let ws = Workspace::new(&config);
    let run = ws.run(&["check"]).expect(0);
    assert!(
        run.stderr.contains("warning")
            && run.stderr.contains("smtp.password")
            && run.stderr.contains("can be read by other accounts")
            && run.stderr.contains("chmod 600"),
        "{}",
        run.stderr
    );
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = ws.run(&["check"]).expect(0);
    assert!(
        !run.stderr.contains("can be read by other accounts"),
        "{}",
        run.stderr
    );
}

/// Regression: `send invitations` counted every message it sent as an invitation ("515 of 515
/// sent (744 just now)"), confirmations and reminders waiting in the outbox counted in.
#[test]
fn send_invitations_counts_invitations_and_says_what_else_went() {
    let ws = Workspace::ogp5();
    ws.give_fixture_secret();
    ws.run(&["--now", SEND_TIME, "send", "invitations", "--org", "kld"])
        .expect(0);
    // KLD answers; its confirmation waits in the outbox.
    let reply = reply_fixture("kld-outlook-registration.eml");
    ws.run(&[
        "--now",
        "2022-06-16T10:00:00+02:00",
        "ingest",
        &reply.display().to_string(),
    ])
    .expect(0);
    let run = ws
        .run(&["--now", "2022-06-16T10:05:00+02:00", "send", "invitations"])
        .expect(0);
    assert!(
        run.stdout.contains("Invitations: 15 of 15 sent (14 just now)")
            && run.stdout.contains("Also sent: 1 other message (1 confirmation)"),
        "{}",
        run.stdout
    );
}

/// The log goes to stderr, each line in the machine's local time with its offset; the summary a
/// person reads goes to stdout, with no log line in it.
#[test]
fn the_log_is_in_local_time_on_stderr_and_the_summary_alone_on_stdout() {
    let ws = Workspace::ogp5();
    let output = ws
        .command(&["send", "invitations", "--org", "kld"])
        // A POSIX rule rather than a zone's name: three hours east of UTC, with no time zone
        // database needed.
        .env("TZ", "XST-3")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stdout.contains("Invitations: 1 of 1 sent"), "{stdout}");
    assert!(!stdout.contains("INFO"), "{stdout}");
    let sent = stderr
        .lines()
        .find(|l| l.contains("INFO") && l.contains("sent org"))
        .unwrap_or_else(|| panic!("no log line for the send in {stderr}"));
    let stamp: Vec<&str> = sent.split_whitespace().take(3).collect();
    assert!(
        stamp.len() == 3 && stamp[2] == "+03:00" && !stamp[1].ends_with('Z'),
        "{sent}"
    );
}

/// The rehearsal's "velkommen til Samskapingsmøte om handlingsplan 5": a meeting's title put
/// into a sentence. `check` renders every message to every organisation and names each title
/// that stands inside a sentence with its capital, so the config can give the forms to use.
#[test]
fn check_names_a_meeting_title_put_inside_a_sentence_with_its_capital() {
    let bare = ogp5_toml()
        .lines()
        .filter(|l| !l.starts_with("short.") && !l.starts_with("definite."))
        .collect::<Vec<_>>()
        .join("\n");
    let ws = Workspace::new(&bare);
    let run = ws.run(&["check"]).expect(0);
    let kickoff = run
        .stderr
        .lines()
        .find(|l| l.contains("warning: meeting kickoff: «Samskapingsmøte om handlingsplan 5»"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(kickoff.contains("short.nb and definite.nb"), "{kickoff}");
    assert!(
        run.stderr
            .contains("warning: meeting followup: «Oppfølgingsmøte: forslagene konkretiseres»"),
        "{}",
        run.stderr
    );
    // With the forms given, the messages read "velkommen til samskapingsmøtet".
    let ws = Workspace::ogp5();
    let run = ws
        .run(&[
            "--now",
            "2022-06-22T12:00:00+02:00",
            "preview",
            "reminder",
            "kickoff-eve",
            "--org",
            "hod",
        ])
        .expect(0);
    assert!(
        run.stdout
            .contains("velkommen til samskapingsmøtet torsdag 23. juni"),
        "{}",
        run.stdout
    );
}
