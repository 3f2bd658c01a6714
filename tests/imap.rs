//! Reading the coordinator's mailbox on a real Dovecot: replies delivered through Postfix while
//! the daemon runs reach the register; Dovecot killed mid-sync and samskap killed mid-batch lose
//! nothing and apply nothing twice; the mailbox is left as it was unless a keyword is asked for.

mod rig;
mod support;

use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

use futures::StreamExt;
use rig::{MailRig, PASSWORD};
use support::*;

const PASSWORD_ENV: &str = "SAMSKAP_TEST_PASSWORD";

fn start_rig() -> MailRig {
    let mut users: Vec<String> = MINISTRIES.iter().map(|m| postmottak(m)).collect();
    users.push(COORDINATOR.to_string());
    // The people whose replies get a confirmation or a meeting in their calendar.
    for person in [
        "kari.nordmann@kld.dep.no",
        "per.olsen@kld.dep.no",
        "lise.berg@aid.dep.no",
        "ingrid@reddbarna.no",
    ] {
        users.push(person.to_string());
    }
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    MailRig::start(&refs)
}

/// The ogp5 process on the rig, its register given the fixtures' secret, invitations sent;
/// `inbox` replaces the `confirmations = true` line of the [inbox] section.
fn workspace(rig: &MailRig, inbox: &str) -> Workspace {
    let transport = format!(
        "{}\n{}\n[retry]\ninitial = \"1m\"\nwait_in_command = \"0\"\n",
        rig.smtp_config(COORDINATOR, PASSWORD_ENV),
        rig.imap_config(COORDINATOR, PASSWORD_ENV)
    );
    let config =
        with_transport(&ogp5_toml(), &transport).replace("confirmations = true ", &format!("{inbox} "));
    let mut ws = Workspace::new(&config);
    ws.env.push((PASSWORD_ENV.into(), PASSWORD.into()));
    let ws = ws.invitations_sent();
    rig.wait_for_empty_queue();
    ws
}

/// Delivers `raw` to `to` through Postfix, as any sender would, with the verdict KDD's MX (which
/// the config trusts) writes on top of a message from `from` that passed its checks.
fn deliver(rig: &MailRig, from: &str, to: &str, raw: &[u8]) {
    let domain = from.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    let mut stamped =
        format!("Authentication-Results: mx.kdd.dep.no; dmarc=pass header.from={domain}\r\n").into_bytes();
    stamped.extend_from_slice(raw);
    rig.submit(from, to, &stamped);
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(reply_fixture(name)).unwrap()
}

/// The coordinator's plus-address for `org` with the fixtures' secret.
fn plus(org: &str) -> String {
    let token = samskap::ident::org_token(FIXTURE_SECRET, "ogp5", org);
    format!("tom-arne.nygaard+ogp5-{token}@kdd.dep.no")
}

/// A registration from an NGO that got the invitation forwarded by `via`.
fn ngo_registration(i: usize, via: &str) -> Vec<u8> {
    format!(
        "From: Person {i} <person{i}@ngo{i:02}.test>\r\nTo: {to}\r\nSubject: Påmelding samskapingsmøte 23. juni\r\nMessage-ID: <ngo-{i}@ngo{i:02}.test>\r\nDate: Sat, 18 Jun 2022 12:00:00 +0200\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVi fikk invitasjonen videresendt og melder på {n} personer til møtet 23. juni.\r\n\r\nHilsen Person {i}\r\n",
        to = plus(via),
        n = i % 3 + 1
    )
    .into_bytes()
}

/// Waits until the process `pid` is stopped (SIGSTOP), or fails after 60 s.
fn status(ws: &Workspace) -> serde_json::Value {
    ws.run(&["status", "--json"]).expect(0).json()
}

/// Waits until `check` holds of the status, or fails after 60 s.
fn wait_for(ws: &Workspace, what: &str, check: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s = status(ws);
        if check(&s) {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "waited 60 s for {what}; status:\n{s:#}"
        );
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn org(status: &serde_json::Value, id: &str) -> serde_json::Value {
    status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .cloned()
        .unwrap_or_default()
}

/// Every message the register has read, by mailbox.
fn messages_seen(ws: &Workspace) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(ws.data.join("samskap.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT message_id, outcome FROM messages_seen ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// How many registration changes the register logged.
fn registration_changes(ws: &Workspace) -> usize {
    let conn = rusqlite::Connection::open(ws.data.join("samskap.db")).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM changes WHERE entity = 'registration'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .unwrap() as usize
}

#[test]
fn replies_delivered_while_the_daemon_runs_reach_the_register() {
    let rig = start_rig();
    let ws = workspace(&rig, "confirmations = true");
    let daemon = ws.start_daemon("2022-06-16T09:00:00+02:00");
    deliver(
        &rig,
        "kari.nordmann@kld.dep.no",
        &plus("kld"),
        &fixture("kld-outlook-registration.eml"),
    );
    deliver(
        &rig,
        "lise.berg@aid.dep.no",
        &plus("aid"),
        &fixture("aid-gmail-contact.eml"),
    );
    deliver(
        &rig,
        "ingrid@reddbarna.no",
        &plus("aid"),
        &fixture("ngo-forwarded-registration.eml"),
    );
    deliver(
        &rig,
        "knut.dahl@hod.dep.no",
        &plus("hod"),
        &fixture("hod-out-of-office.eml"),
    );
    let s = wait_for(&ws, "four replies", |s| {
        org(s, "kld")["events"]["kickoff"]["count"] == 2
            && org(s, "aid")["contact"]["name"] == "Lise Berg"
            && org(s, "reddbarna.no")["referred_by"] == "aid"
            && !org(s, "hod")["auto_replies"]
                .as_array()
                .is_none_or(|a| a.is_empty())
    });
    assert!(org(&s, "hod")["contact"].is_null());
    // Confirmations went out through Postfix to the three people who wrote (not to the
    // out-of-office). They go out in the round after the replies are read: wait for them, then
    // check that no more than three were sent.
    ws.wait_for_log(" kind=confirmation ", 3);
    ws.wait_for_log(" kind=calendar ", 3);
    rig.wait_for_empty_queue();
    ws.stop_daemon(daemon);
    let log = std::fs::read_to_string(ws.dir.path().join("daemon.log")).unwrap();
    assert_eq!(log.matches(" kind=confirmation ").count(), 3, "{log}");
    // The mailbox is as it was: nothing marked seen, nothing moved.
    let flags = fetch_flags(&rig);
    assert_eq!(flags.len(), 4, "{flags:?}");
    assert!(
        flags.iter().all(|f| !f.iter().any(|x| x.contains("Seen"))),
        "{flags:?}"
    );
    for person in [
        "kari.nordmann@kld.dep.no",
        "lise.berg@aid.dep.no",
        "ingrid@reddbarna.no",
    ] {
        let got: Vec<String> = rig
            .messages(person, "")
            .iter()
            .map(|m| String::from_utf8_lossy(m).into_owned())
            .filter(|m| m.contains(".confirmation."))
            .collect();
        assert_eq!(got.len(), 1, "{person}");
        assert!(got[0].contains("Auto-Submitted: auto-replied"));
    }
    // Kari registered herself and a colleague for the kickoff: both are sent the meeting.
    for person in ["kari.nordmann@kld.dep.no", "per.olsen@kld.dep.no"] {
        let calendar: Vec<_> = rig
            .messages(person, "")
            .iter()
            .map(|m| String::from_utf8_lossy(m).into_owned())
            .filter(|m| m.contains("text/calendar; method=REQUEST"))
            .collect();
        assert_eq!(calendar.len(), 1, "{person}:\n{log}");
    }
}

/// The flags of every message in the coordinator's INBOX.
fn fetch_flags(rig: &MailRig) -> Vec<Vec<String>> {
    let config = imap_config(rig);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut session = samskap::net::imap::connect(&config).await.unwrap();
        session.examine("INBOX").await.unwrap();
        let mut out = Vec::new();
        {
            let mut fetches = session.fetch("1:*", "FLAGS").await.unwrap();
            while let Some(f) = fetches.next().await {
                let f = f.unwrap();
                out.push(f.flags().map(|fl| format!("{fl:?}")).collect());
            }
        }
        let _ = session.logout().await;
        out
    })
}

fn imap_config(rig: &MailRig) -> samskap::config::ImapConfig {
    samskap::config::ImapConfig {
        host: "localhost".into(),
        port: rig.imaps_port,
        tls: samskap::config::TlsMode::Implicit,
        ca_file: Some(rig.ca_file.clone()),
        auth: samskap::config::Auth {
            user: COORDINATOR.into(),
            mechanism: samskap::config::AuthMechanism::Plain,
            secret: samskap::config::Secret::Command(vec!["echo".into(), PASSWORD.into()]),
            place: Default::default(),
        },
        sent_folder: None,
        sent_copies: samskap::config::SentCopies::Samskap,
        timeout: Duration::from_secs(20),
    }
}

#[test]
fn dovecot_killed_mid_sync_and_restarted_loses_nothing() {
    let rig = start_rig();
    let ws = workspace(&rig, "confirmations = false");
    const N: usize = 60;
    for i in 0..N {
        deliver(
            &rig,
            &format!("person{i}@ngo{i:02}.test"),
            &plus(MINISTRIES[i % 15]),
            &ngo_registration(i, MINISTRIES[i % 15]),
        );
    }
    rig.wait_for_empty_queue();
    // The daemon freezes right after recording its 10th message, in the middle of a fetch; the
    // server goes down and comes back meanwhile; then the daemon goes on.
    let daemon = ws
        .command(&["--now", "2022-06-18T13:00:00+02:00", "run"])
        .env("SAMSKAP_FAILPOINT", "after-inbox-record:10:stop")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(ws.dir.path().join("daemon.log")).unwrap())
        .spawn()
        .unwrap();
    wait_until_stopped(daemon.id());
    rig.kill_dovecot();
    rig.start_dovecot();
    // SAFETY: kill with a valid pid of our own child has no memory-safety preconditions.
    unsafe {
        libc::kill(daemon.id() as i32, libc::SIGCONT);
    }
    let s = wait_for(&ws, "all NGOs", |s| {
        s["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["kind"] == "ngo")
            .count()
            == N
    });
    ws.stop_daemon(daemon);
    let log = std::fs::read_to_string(ws.dir.path().join("daemon.log")).unwrap();
    assert!(
        log.contains("reconnecting"),
        "the daemon never saw Dovecot go:\n{log}"
    );
    let seen = messages_seen(&ws);
    let ngo_messages: Vec<_> = seen.iter().filter(|(id, _)| id.starts_with("ngo-")).collect();
    assert_eq!(ngo_messages.len(), N, "each message recorded once: {seen:?}");
    assert_eq!(registration_changes(&ws), N, "each registration applied once");
    let read_before_kill = log
        .lines()
        .take_while(|l| !l.contains("reconnecting"))
        .filter(|l| l.contains("applied:"))
        .count();
    // The rest of the batch in hand is recorded from memory; the next fetch finds the server gone.
    assert!(
        (10..N).contains(&read_before_kill),
        "{read_before_kill} recorded before the reconnect:\n{log}"
    );
    for o in s["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "ngo")
    {
        assert_eq!(o["events"]["kickoff"]["status"], "registered", "{o}");
    }
}

#[test]
fn samskap_killed_mid_batch_and_restarted_applies_nothing_twice() {
    let rig = start_rig();
    let ws = workspace(&rig, "confirmations = false");
    for i in 0..30 {
        deliver(
            &rig,
            &format!("person{i}@ngo{i:02}.test"),
            &plus(MINISTRIES[i % 15]),
            &ngo_registration(i, MINISTRIES[i % 15]),
        );
    }
    rig.wait_for_empty_queue();
    // Killed after the 5th, then the 12th, then the 20th message recorded (each run resumes).
    for at in [5, 7, 8] {
        let output = ws
            .command(&["--now", "2022-06-18T13:00:00+02:00", "run", "--once"])
            .env("SAMSKAP_FAILPOINT", format!("after-inbox-record:{at}"))
            .output()
            .unwrap();
        assert_eq!(
            output.status.signal(),
            Some(libc::SIGKILL),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    ws.run(&["--now", "2022-06-18T13:05:00+02:00", "run", "--once"])
        .expect(0);
    let s = status(&ws);
    assert_eq!(
        s["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["kind"] == "ngo")
            .count(),
        30
    );
    assert_eq!(messages_seen(&ws).len(), 30);
    assert_eq!(registration_changes(&ws), 30);
}

#[test]
fn a_keyword_marks_what_was_read_when_asked_and_nothing_else_changes() {
    let rig = start_rig();
    let ws = workspace(&rig, "confirmations = false\nprocessed_keyword = \"$samskap\"");
    deliver(
        &rig,
        "kari.nordmann@kld.dep.no",
        &plus("kld"),
        &fixture("kld-outlook-registration.eml"),
    );
    rig.wait_for_empty_queue();
    ws.run(&["--now", "2022-06-16T09:00:00+02:00", "run", "--once"])
        .expect(0);
    let flags = fetch_flags(&rig);
    assert!(
        flags.iter().all(|f| f.iter().any(|x| x.contains("$samskap"))),
        "{flags:?}"
    );
    assert!(
        flags.iter().all(|f| !f.iter().any(|x| x.contains("Seen"))),
        "{flags:?}"
    );
}

#[test]
fn a_new_uidvalidity_reads_the_folder_again_without_acting_twice() {
    let rig = start_rig();
    let ws = workspace(&rig, "confirmations = false");
    deliver(
        &rig,
        "kari.nordmann@kld.dep.no",
        &plus("kld"),
        &fixture("kld-outlook-registration.eml"),
    );
    rig.wait_for_empty_queue();
    ws.run(&["--now", "2022-06-16T09:00:00+02:00", "run", "--once"])
        .expect(0);
    // The server renumbers the folder (as after a restore): the same messages under a new
    // UIDVALIDITY. Here the register is moved back to an older one instead, which is the same.
    let conn = rusqlite::Connection::open(ws.data.join("samskap.db")).unwrap();
    conn.execute("UPDATE mailbox_state SET uidvalidity = uidvalidity - 1", [])
        .unwrap();
    conn.execute("UPDATE messages_seen SET uidvalidity = uidvalidity - 1", [])
        .unwrap();
    drop(conn);
    ws.run(&["--now", "2022-06-16T09:10:00+02:00", "run", "--once"])
        .expect(0);
    let seen = messages_seen(&ws);
    assert!(
        seen.iter().filter(|(_, outcome)| outcome == "duplicate").count() >= 1,
        "{seen:?}"
    );
    assert_eq!(registration_changes(&ws), 1);
}

/// A registration from `from` with an attachment of `attachment` bytes.
fn with_attachment(from: &str, to: &str, id: &str, subject: &str, attachment: usize) -> Vec<u8> {
    let blob: Vec<u8> = (0..attachment).map(|i| (i * 7 % 251) as u8).collect();
    let encoded = data_encoding::BASE64.encode(&blob);
    let mut lines = String::new();
    for chunk in encoded.as_bytes().chunks(76) {
        lines.push_str(std::str::from_utf8(chunk).unwrap());
        lines.push_str("\r\n");
    }
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nDate: Sat, 18 Jun 2022 12:00:00 +0200\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVi melder på 3 personer til møtet 23. juni. Programmet er vedlagt.\r\n--b\r\nContent-Type: application/pdf; name=\"program.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{lines}--b--\r\n"
    )
    .into_bytes()
}

#[test]
fn a_message_over_the_size_limit_is_recorded_by_its_header_for_review_once_across_restarts() {
    let rig = start_rig();
    // A small limit, so the test needs no 25 MB messages.
    let ws = workspace(&rig, "confirmations = false\nmax_message_size = \"64 kB\"");
    for (i, via) in MINISTRIES.iter().enumerate().take(2) {
        deliver(
            &rig,
            &format!("person{i}@ngo{i:02}.test"),
            &plus(via),
            &ngo_registration(i, via),
        );
    }
    deliver(
        &rig,
        "kari.nordmann@kld.dep.no",
        &plus("kld"),
        &with_attachment(
            "Kari Nordmann <kari.nordmann@kld.dep.no>",
            &plus("kld"),
            "big-kld@kld.dep.no",
            "Påmelding med program",
            200_000,
        ),
    );
    deliver(
        &rig,
        "person2@ngo02.test",
        &plus(MINISTRIES[2]),
        &ngo_registration(2, MINISTRIES[2]),
    );
    deliver(
        &rig,
        "ingrid@reddbarna.no",
        &plus("aid"),
        &with_attachment(
            "ingrid@reddbarna.no",
            &plus("aid"),
            "big-ngo@reddbarna.no",
            "Vedlegg",
            120_000,
        ),
    );
    deliver(
        &rig,
        "person3@ngo03.test",
        &plus(MINISTRIES[3]),
        &ngo_registration(3, MINISTRIES[3]),
    );
    rig.wait_for_empty_queue();
    // Killed after the 3rd message recorded, then after the 2nd of the next run; then a whole run.
    for at in [3, 2] {
        let output = ws
            .command(&["--now", "2022-06-18T13:00:00+02:00", "run", "--once"])
            .env("SAMSKAP_FAILPOINT", format!("after-inbox-record:{at}"))
            .output()
            .unwrap();
        assert_eq!(
            output.status.signal(),
            Some(libc::SIGKILL),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    ws.run(&["--now", "2022-06-18T13:05:00+02:00", "run", "--once"])
        .expect(0);
    // Nothing lost, nothing read twice.
    let mut seen = messages_seen(&ws);
    seen.sort();
    let ids: Vec<&str> = seen.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "big-kld@kld.dep.no",
            "big-ngo@reddbarna.no",
            "ngo-0@ngo00.test",
            "ngo-1@ngo01.test",
            "ngo-2@ngo02.test",
            "ngo-3@ngo03.test"
        ],
        "{seen:?}"
    );
    for (id, outcome) in &seen {
        let expected = if id.starts_with("big-") {
            "review"
        } else {
            "applied"
        };
        assert_eq!(outcome, expected, "{id}");
    }
    assert_eq!(registration_changes(&ws), 4, "the small ones applied, once each");
    // The big ones changed nothing and wait for the coordinator, once each, saying who, what
    // and how big.
    let s = status(&ws);
    assert!(org(&s, "kld")["events"]["kickoff"]["status"].is_null(), "{s:#}");
    let items = s["review"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{items:#?}");
    let list = ws.run(&["review"]).expect(0).stdout;
    for words in [
        "Too big to read",
        "Kari Nordmann <kari.nordmann@kld.dep.no>",
        "\"Påmelding med program\"",
        "ingrid@reddbarna.no",
        "Outlook",
        "64 kB",
    ] {
        assert!(list.contains(words), "{words:?} missing:\n{list}");
    }
    let kld = items
        .iter()
        .find(|i| i["reason"].as_str().unwrap_or("").contains("Kari"))
        .unwrap();
    let size = kld["reason"].as_str().unwrap();
    assert!(size.contains("of 0.2 MB") || size.contains("kB from"), "{size}");
    // The mailbox is as it was.
    assert_eq!(fetch_flags(&rig).len(), 6);
}

/// Regression: a reply that arrived while the daemon was reading the mailbox waited for the
/// next IDLE timeout (25 minutes): the server announced it during the reading (an untagged
/// EXISTS in the answer to a FETCH), the reader threw that announcement away at the end, and
/// IDLE, begun after it, had nothing new to say. It failed a clean-clone run twice.
#[test]
fn a_reply_that_arrives_while_the_mailbox_is_being_read_is_read_at_once() {
    let rig = start_rig();
    let ws = workspace(&rig, "confirmations = false");
    // More than one batch, so that the reading goes on with another FETCH after the freeze.
    for i in 0..30 {
        deliver(
            &rig,
            &format!("person{i}@ngo{i:02}.test"),
            &plus(MINISTRIES[i % 15]),
            &ngo_registration(i, MINISTRIES[i % 15]),
        );
    }
    rig.wait_for_empty_queue();
    let daemon = ws
        .command(&["--now", "2022-06-18T13:00:00+02:00", "run"])
        .env("SAMSKAP_FAILPOINT", "after-inbox-record:3:stop")
        .env("SAMSKAP_LOG", "samskap=debug")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(ws.dir.path().join("daemon.log")).unwrap())
        .spawn()
        .unwrap();
    wait_until_stopped(daemon.id());
    // The late one comes in while the daemon is in the middle of the first batch.
    deliver(
        &rig,
        "person30@ngo30.test",
        &plus("aid"),
        &ngo_registration(30, "aid"),
    );
    rig.wait_for_empty_queue();
    // SAFETY: kill with a valid pid of our own child has no memory-safety preconditions.
    unsafe {
        libc::kill(daemon.id() as i32, libc::SIGCONT);
    }
    wait_for(&ws, "all 31 NGOs, the late one too", |s| {
        s["organisations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["kind"] == "ngo")
            .count()
            == 31
    });
    // It read the folder again for the late one's news, and then waited in IDLE: not again and
    // again, as it would if every reading left some news behind.
    let rereads = ws.daemon_log().matches("reading it again").count();
    ws.stop_daemon(daemon);
    assert_eq!(messages_seen(&ws).len(), 31);
    assert!(
        (1..=3).contains(&rereads),
        "{rereads} times read again:\n{}",
        ws.daemon_log()
    );
}
