//! One writer per data directory, with real processes: a second writer while one sends, a
//! second daemon, and the commands a coordinator runs beside the daemon, which hand their work
//! to it. The Maildir transport, so no mail server is needed; two writers racing to the real
//! Postfix are in `tests/crash.rs`.

mod support;

use std::process::Stdio;

use support::*;

/// Regression: two `send invitations` at once each took the other's messages in flight for an
/// interrupted run's, and sent them again. The lock is held for a command's whole life: any
/// second writer started while the first is frozen in the middle of its sending is refused
/// with the first one's PID and command line, and what to do.
#[test]
fn a_writer_in_the_middle_of_sending_keeps_every_other_writer_out() {
    let ws = Workspace::ogp5();
    let mut first = ws
        .command(&["--now", SEND_TIME, "send", "invitations"])
        .env("SAMSKAP_FAILPOINT", "after-mark-sending:3:stop")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_stopped(first.id());
    for args in [
        vec!["send", "invitations"],
        vec!["run", "--once"],
        vec!["run"],
        vec!["review", "dismiss", "1"],
        vec!["poll", "close"],
    ] {
        let mut full = vec!["--now", SEND_TIME];
        full.extend(&args);
        let run = ws.run(&full).expect(1);
        assert!(
            run.stderr.contains(&format!("(PID {})", first.id())) && run.stderr.contains("send invitations`"),
            "{args:?}: {}",
            run.stderr
        );
    }
    // Reading works beside it.
    ws.run(&["status"]).expect(0);
    ws.run(&["export", "organisations"]).expect(0);
    ws.run(&["--now", SEND_TIME, "plan"]).expect(0);
    ws.run(&["review", "list"]).expect(0);
    ws.run(&["preview", "invitation", "--org", "kld"]).expect(0);
    // SAFETY: kill with a valid pid of our own child has no memory-safety preconditions.
    unsafe {
        libc::kill(first.id() as i32, libc::SIGCONT);
    }
    assert!(first.wait().unwrap().success());
    ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    assert_eq!(ws.outbox_files().len(), 15);
}

/// Regression: a second `run` started without complaint beside the first, whose sending loop
/// then died.
#[test]
fn a_second_daemon_refuses_to_start_and_the_first_goes_on() {
    let ws = Workspace::ogp5();
    let daemon = ws.start_daemon(SEND_TIME);
    ws.wait_for_log("samskap started", 1);
    let second = ws.run(&["--now", SEND_TIME, "run"]).expect(1);
    assert!(
        second
            .stderr
            .contains(&format!("in use by the samskap daemon (PID {})", daemon.id()))
            && second.stderr.contains("It is running already"),
        "{}",
        second.stderr
    );
    let status = ws.run(&["status"]).expect(0);
    assert!(
        status
            .stdout
            .contains(&format!("The daemon is running (PID {})", daemon.id())),
        "{}",
        status.stdout
    );
    assert_eq!(
        ws.run(&["status", "--json"]).expect(0).json()["writer"]["daemon"],
        true
    );
    let once = ws.run(&["--now", SEND_TIME, "run", "--once"]).expect(1);
    assert!(once.stderr.contains("already does everything"), "{}", once.stderr);
    // The first one still works: it sends what a command hands it.
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    assert!(run.stdout.contains("15 of 15 sent"), "{}", run.stdout);
    ws.stop_daemon(daemon);
}

/// Beside the daemon, the commands that write hand their work to it: it does them with the
/// register it owns and sends what they queued; the command prints the daemon's answer.
#[test]
fn commands_run_beside_the_daemon_are_done_by_it() {
    let ws = Workspace::ogp5();
    ws.give_fixture_secret();
    let daemon = ws.start_daemon(SEND_TIME);
    ws.wait_for_log("samskap started", 1);

    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    assert!(
        run.stdout.contains("Invitations: 15 put in the outbox")
            && run
                .stdout
                .contains(&format!("The daemon (PID {}) sent 15", daemon.id()))
            && run.stdout.contains("Invitations: 15 of 15 sent (15 just now)"),
        "{}",
        run.stdout
    );
    assert_eq!(ws.outbox_files().len(), 15);
    let log = ws.wait_for_log("done: `send invitations`", 1);
    assert!(log.contains("doing `send invitations` for a command"), "{log}");

    // A reply the daemon must not decide alone, read through the daemon, then settled by hand.
    let fixture = reply_fixture("lookalike-domain-contact.eml");
    let read = ws
        .run(&[
            "--now",
            "2022-06-16T10:00:00+02:00",
            "ingest",
            &fixture.display().to_string(),
        ])
        .expect(0);
    assert!(read.stdout.contains("1 to review"), "{}", read.stdout);
    let list = ws.run(&["review", "list"]).expect(0);
    assert!(list.stdout.contains("#1 "), "{}", list.stdout);
    let dismissed = ws.run(&["review", "dismiss", "1"]).expect(0);
    assert!(dismissed.stdout.contains("#1: dismissed"), "{}", dismissed.stdout);
    // An error the daemon meets comes back with its words and exit status.
    let again = ws.run(&["review", "dismiss", "1"]).expect(1);
    assert!(again.stdout.contains("dismissed already"), "{}", again.stdout);
    assert!(again.stderr.contains("could not do it"), "{}", again.stderr);
    // The weekly status, now: composed by the daemon, sent by it.
    let report = ws.run(&["report", "send"]).expect(0);
    assert!(
        report.stdout.contains("Weekly status put in the outbox for")
            && report
                .stdout
                .contains(&format!("The daemon (PID {}) sent 1,", daemon.id())),
        "{}",
        report.stdout
    );
    ws.stop_daemon(daemon);
}

/// A command that read another configuration than the daemon's is not done: the daemon would
/// act on what the coordinator no longer wrote.
#[test]
fn a_command_with_a_changed_config_is_refused_by_the_daemon_with_what_to_do() {
    let ws = Workspace::ogp5();
    let daemon = ws.start_daemon(SEND_TIME);
    ws.wait_for_log("samskap started", 1);
    let changed = ogp5_toml().replace("postmottak@sd.dep.no", "post@sd.dep.no");
    ws.write_config(&changed);
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(1);
    assert!(
        run.stdout.contains("another configuration") && run.stdout.contains("systemctl restart samskap"),
        "{}",
        run.stdout
    );
    assert!(ws.outbox_files().is_empty());
    ws.stop_daemon(daemon);
}

/// A command whose daemon ends before taking its request does the work itself.
#[test]
fn a_request_the_daemon_never_took_is_done_by_the_command() {
    let ws = Workspace::ogp5();
    // The daemon freezes in its first round, before it looks for requests.
    let mut daemon = ws
        .command(&["--now", SEND_TIME, "run"])
        .env("SAMSKAP_FAILPOINT", "daemon-round:1:stop")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_stopped(daemon.id());
    let command = ws
        .command(&["--now", SEND_TIME, "send", "invitations"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_request(&ws);
    daemon.kill().unwrap();
    daemon.wait().unwrap();
    let output = command.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("15 of 15 sent (15 just now)"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(ws.outbox_files().len(), 15);
}

/// Waits until a command has written its request for the daemon.
fn wait_for_request(ws: &Workspace) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let waiting = rusqlite::Connection::open(ws.data.join("samskap.db"))
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM requests", [], |r| r.get::<_, i64>(0)))
            .unwrap_or(0);
        if waiting > 0 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "no request was written");
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Regression: with another connection holding the register's write lock for 3 seconds, the
/// daemon's sending loop ended for good while the process stayed up, saying nothing. A busy
/// register is waited out, with a log line; then everything goes.
#[test]
fn a_register_another_program_holds_busy_is_waited_out_and_the_daemon_goes_on() {
    // The local inbox looked at every second, so the reply below is read at once.
    let mut ws = Workspace::new(&ogp5_toml().replace(
        "folder = \"INBOX\"\n",
        "folder = \"INBOX\"\npoll_interval = \"1s\"\n",
    ));
    ws.give_fixture_secret();
    ws.env.push(("SAMSKAP_BUSY_TIMEOUT".into(), "200ms".into()));
    ws.run(&["--now", SEND_TIME, "send", "invitations", "--queue-only"])
        .expect(0);
    // Another program (a backup, an sqlite3 shell) takes the write lock before the daemon
    // starts, and again while it runs, when a reply comes in.
    let holder = rusqlite::Connection::open(ws.data.join("samskap.db")).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE meta SET value = value")
        .unwrap();
    let daemon = ws.start_daemon(SEND_TIME);
    ws.wait_for_log("the register is busy", 1);
    assert!(ws.outbox_files().is_empty());
    holder.execute_batch("COMMIT").unwrap();
    wait_until(|| ws.outbox_files().len() == 15, "the 15 invitations");

    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE meta SET value = value")
        .unwrap();
    let busy_before = ws.daemon_log().matches("the register is busy").count();
    let inbox = ws.data.join("inbox/new");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(ws.data.join("inbox/cur")).unwrap();
    std::fs::copy(reply_fixture("bfd-decline.eml"), inbox.join("1.bfd-decline")).unwrap();
    ws.wait_for_log("the register is busy", busy_before + 1);
    holder.execute_batch("COMMIT").unwrap();
    ws.wait_for_log("applied:", 1);
    ws.stop_daemon(daemon);
}

/// Regression: a core task that failed left the process up and doing nothing, so systemd's
/// `Restart=on-failure` never fired. Now the whole daemon stops with exit status 1 and a log
/// line that names the task.
#[test]
fn a_core_task_that_fails_stops_the_daemon_with_exit_status_1() {
    let ws = Workspace::ogp5();
    let mut daemon = ws
        .command(&["--now", SEND_TIME, "run"])
        .env("SAMSKAP_FAILPOINT", "inbox-sync:1:error")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(ws.dir.path().join("daemon.log")).unwrap())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = daemon.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = daemon.kill();
            panic!("the daemon did not stop:\n{}", ws.daemon_log());
        }
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let log = ws.daemon_log();
    assert_eq!(status.code(), Some(1), "{log}");
    assert!(
        log.contains("a part of samskap stopped") && log.contains("task=\"inbox\""),
        "{log}"
    );
    assert!(log.contains("error: the inbox task stopped"), "{log}");
}

/// Waits until `done` holds, or fails after 60 s.
fn wait_until(done: impl Fn() -> bool, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "waited 60 s for {what}");
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
