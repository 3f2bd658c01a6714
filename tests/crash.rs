//! Nothing lost, nothing sent twice: the real binary is killed with SIGKILL at many points during
//! a send to the real Postfix, restarted, and what arrived in the Dovecot mailboxes is counted.
//!
//! The only way a duplicate can arise is a kill after the server's 250 and before the register's
//! commit; such a duplicate must carry the same Message-ID as the first copy. The test counts them
//! and prints the tally.

mod rig;
mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::Duration;

use rig::{MailRig, PASSWORD};
use support::*;

const PASSWORD_ENV: &str = "SAMSKAP_TEST_PASSWORD";
const NGOS: usize = 45;

fn ngo_address(i: usize) -> String {
    format!("post@ngo{i:02}.test")
}

/// The ogp5 process plus 45 NGOs: 60 invitations, sent one connection at a time so that kill
/// points land between known steps.
fn setup() -> (MailRig, Workspace, Vec<String>) {
    let mut recipients: Vec<String> = MINISTRIES.iter().map(|m| postmottak(m)).collect();
    recipients.extend((0..NGOS).map(ngo_address));
    let mut users = recipients.clone();
    users.push(COORDINATOR.to_string());
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    let rig = MailRig::start(&refs);
    let mut config = ogp5_toml();
    for i in 0..NGOS {
        config.push_str(&format!(
            "\n[[organisations]]\nid = \"ngo{i:02}.test\"\nkind = \"ngo\"\nname = \"Organisasjon {i}\"\naddress = \"{}\"\n",
            ngo_address(i)
        ));
    }
    let transport = format!(
        "{}\n{}\n[retry]\ninitial = \"1m\"\nwait_in_command = \"0\"\n",
        rig.smtp_config(COORDINATOR, PASSWORD_ENV)
            .replace("connections = 2", "connections = 1"),
        rig.imap_config(COORDINATOR, PASSWORD_ENV)
    );
    let mut ws = Workspace::new(&with_transport(&config, &transport));
    ws.env.push((PASSWORD_ENV.into(), PASSWORD.into()));
    (rig, ws, recipients)
}

/// Runs `send invitations` until it dies at the failpoint; panics if it does not.
fn run_until_failpoint(ws: &Workspace, failpoint: &str) {
    let output = ws
        .command(&["--now", SEND_TIME, "send", "invitations"])
        .env("SAMSKAP_FAILPOINT", failpoint)
        .output()
        .unwrap();
    assert_eq!(
        output.status.signal(),
        Some(libc::SIGKILL),
        "{failpoint} was not reached:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Starts `send invitations` and kills it with SIGKILL right after it logs its `n`-th send.
/// Returns whether it was killed (false: it finished first).
fn kill_after_sends(ws: &Workspace, n: usize) -> bool {
    let mut child = ws
        .command(&["--now", SEND_TIME, "send", "invitations"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut seen = 0;
    let mut killed = false;
    for line in BufReader::new(stderr).lines() {
        let Ok(line) = line else { break };
        if line.contains(" sent ") && line.contains("message_id=") {
            seen += 1;
            if seen == n {
                child.kill().unwrap();
                killed = true;
                break;
            }
        }
    }
    let status = child.wait().unwrap();
    if killed {
        assert_eq!(status.signal(), Some(libc::SIGKILL));
    }
    killed
}

/// What arrived: for each recipient, the Message-IDs of every copy.
fn arrivals(rig: &MailRig, recipients: &[String]) -> BTreeMap<String, Vec<String>> {
    rig.wait_for_empty_queue();
    recipients
        .iter()
        .map(|r| {
            (
                r.clone(),
                rig.messages(r, "").iter().map(|m| message_id(m)).collect(),
            )
        })
        .collect()
}

/// Checks that everyone got their invitation, that copies share one Message-ID, and returns the
/// number of duplicates.
fn check_exactly_once(arrived: &BTreeMap<String, Vec<String>>, allowed_duplicates: usize) -> usize {
    let mut duplicates = 0;
    for (recipient, ids) in arrived {
        assert!(!ids.is_empty(), "{recipient} got nothing");
        assert!(
            ids.iter().all(|id| id == &ids[0]),
            "{recipient} got different messages: {ids:?}"
        );
        duplicates += ids.len() - 1;
    }
    assert!(
        duplicates <= allowed_duplicates,
        "{duplicates} duplicates, more than the {allowed_duplicates} kills between 250 and commit"
    );
    duplicates
}

fn sent_folder_is_exact(rig: &MailRig, expected: usize) {
    let copies: Vec<String> = rig
        .messages(COORDINATOR, "Sent")
        .iter()
        .map(|m| message_id(m))
        .collect();
    let mut unique = copies.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), expected, "every sent message has a copy in Sent");
    assert_eq!(copies.len(), expected, "no copy in Sent twice");
}

#[test]
fn killed_at_every_step_of_a_send_then_restarted_every_organisation_is_invited_once() {
    let (rig, ws, recipients) = setup();
    // Each run dies at its point (counted from its own start); the next run resumes.
    let schedule = [
        "before-mark-sending:3",
        "after-mark-sending:4",
        "after-accept:2",
        "after-commit:5",
        "after-accept:6",
        "after-mark-sending:1",
        "after-accept:1",
        "after-commit:1",
        "before-mark-sending:7",
        "after-accept:4",
        // The copies to Sent are made once the sending is done: these runs finish the sending,
        // then die among the copies.
        "after-sent-copy:1",
        "after-sent-copy:3",
    ];
    for failpoint in schedule {
        run_until_failpoint(&ws, failpoint);
    }
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    assert!(run.stdout.contains("60 of 60 sent"), "{}", run.stdout);

    let in_window = schedule.iter().filter(|f| f.starts_with("after-accept")).count();
    let arrived = arrivals(&rig, &recipients);
    let duplicates = check_exactly_once(&arrived, in_window);
    // A kill after the 250 and before the commit always leaves one: the server has the message,
    // the register does not know it.
    assert_eq!(duplicates, in_window);
    sent_folder_is_exact(&rig, 60);
    eprintln!(
        "crash tally (failpoints): {} kills, {} of them between 250 and commit; {} invitations, {} duplicates, each with the same Message-ID",
        schedule.len(),
        in_window,
        recipients.len(),
        duplicates
    );
}

#[test]
fn killed_from_outside_at_many_moments_then_restarted_every_organisation_is_invited_once() {
    let (rig, ws, recipients) = setup();
    let mut kills = 0;
    // Kill after 1, 2, 3, ... sends of each run, until a run gets to the end.
    for n in 1.. {
        if !kill_after_sends(&ws, n) {
            break;
        }
        kills += 1;
        assert!(n < 60, "the send never completed");
    }
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    assert!(run.stdout.contains("60 of 60 sent"), "{}", run.stdout);
    let arrived = arrivals(&rig, &recipients);
    // A kill from outside can land in the window at most once per kill.
    let duplicates = check_exactly_once(&arrived, kills);
    assert!(ws.all_invitations_are("sent"));
    sent_folder_is_exact(&rig, 60);
    eprintln!(
        "crash tally (SIGKILL from outside): {kills} kills; {} invitations, {duplicates} duplicates, each with the same Message-ID",
        recipients.len()
    );
}

#[test]
fn the_maildir_transport_never_duplicates_even_when_killed_after_writing() {
    let ws = Workspace::ogp5();
    for failpoint in [
        "after-accept:3",
        "after-mark-sending:2",
        "after-accept:1",
        "after-commit:4",
    ] {
        run_until_failpoint(&ws, failpoint);
    }
    ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    let ids: Vec<String> = ws.outbox_files().iter().map(|m| message_id(m)).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((ids.len(), unique.len()), (15, 15));
}

/// Regression: two `send invitations` started at once on one data directory delivered 363 of
/// 515 invitations twice: each took the other's messages in "sending" for a crashed run's. One
/// is refused now (or starts after the other is done), and every invitation arrives once.
#[test]
fn two_send_invitations_started_at_once_deliver_each_invitation_once() {
    let (rig, ws, recipients) = setup();
    let start = || {
        ws.command(&["--now", SEND_TIME, "send", "invitations"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (start(), start());
    let outputs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    let mut codes: Vec<i32> = outputs.iter().map(|o| o.status.code().unwrap_or(-1)).collect();
    codes.sort();
    for refused in outputs.iter().filter(|o| o.status.code() == Some(1)) {
        let text = String::from_utf8_lossy(&refused.stderr);
        assert!(
            text.contains("is in use by another samskap command (PID ")
                && text.contains("send invitations`")
                && text.contains("wait for it to finish"),
            "{text}"
        );
    }
    assert!(codes == [0, 0] || codes == [0, 1], "exit codes {codes:?}");
    let arrived = arrivals(&rig, &recipients);
    check_exactly_once(&arrived, 0);
    assert!(ws.all_invitations_are("sent"));
}

/// The ogp5 process plus 45 NGOs sent through 2 connections at 120 a minute, so that finished
/// sends meet waits for rate slots; with `[imap]` and its Sent folder when `sent_folder` (Postfix
/// files a copy of what the coordinator submits there, as Exchange Online does).
/// Where the server files what samskap submits, as the kill loops see it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SentFolder {
    /// Nowhere samskap can look: no `[imap]`.
    None,
    /// The folder `[imap] sent_folder` names, filled by the server (`sent_copies = "server"`).
    Named,
    /// The folder the server marks `\Sent`, no `sent_folder` in the config.
    MarkedByServer,
}

fn setup_kill_loop(sent_folder: SentFolder) -> (MailRig, Workspace, Vec<String>) {
    // More NGOs, more kills: `SAMSKAP_KILL_LOOP_NGOS=500` for a long measurement outside CI.
    let ngos: usize = std::env::var("SAMSKAP_KILL_LOOP_NGOS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(NGOS);
    let mut recipients: Vec<String> = MINISTRIES.iter().map(|m| postmottak(m)).collect();
    recipients.extend((0..ngos).map(ngo_address));
    let mut users = recipients.clone();
    users.push(COORDINATOR.to_string());
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    let rig = MailRig::start(&refs);
    let mut config = ogp5_toml();
    for i in 0..ngos {
        config.push_str(&format!(
            "\n[[organisations]]\nid = \"ngo{i:02}.test\"\nkind = \"ngo\"\nname = \"Organisasjon {i}\"\naddress = \"{}\"\n",
            ngo_address(i)
        ));
    }
    let mut transport = format!(
        "{}\n[retry]\ninitial = \"1m\"\nwait_in_command = \"0\"\n",
        rig.smtp_config(COORDINATOR, PASSWORD_ENV)
            .replace("rate = \"unlimited\"", &format!("rate = {:?}", kill_loop_rate()))
    );
    match sent_folder {
        SentFolder::None => {}
        SentFolder::Named => {
            rig.file_sent_copies(COORDINATOR);
            transport.push_str(&format!(
                "\n{}sent_copies = \"server\"\n",
                rig.imap_config(COORDINATOR, PASSWORD_ENV)
            ));
        }
        SentFolder::MarkedByServer => {
            rig.file_sent_copies(COORDINATOR);
            transport.push_str(&format!(
                "\n{}",
                rig.imap_config(COORDINATOR, PASSWORD_ENV)
                    .replace("sent_folder = \"Sent\"\n", "")
            ));
        }
    }
    let mut ws = Workspace::new(&with_transport(&config, &transport));
    ws.env.push((PASSWORD_ENV.into(), PASSWORD.into()));
    (rig, ws, recipients)
}

/// The sending rate of the kill loops: 120 a minute, or `SAMSKAP_KILL_LOOP_RATE` ("600/min")
/// for a measurement outside CI.
fn kill_loop_rate() -> String {
    std::env::var("SAMSKAP_KILL_LOOP_RATE").unwrap_or_else(|_| "120/min".into())
}

/// The time between two rate slots of [`kill_loop_rate`], in milliseconds.
fn slot_ms() -> u64 {
    let rate = kill_loop_rate();
    let per_minute: u64 = rate.trim_end_matches("/min").parse().unwrap_or(120);
    60_000 / per_minute.max(1)
}

/// A small reproducible random sequence for kill moments (xorshift).
struct Moments(u64);

impl Moments {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// Starts `send invitations` and kills it with SIGKILL `delay` after it logs its `n`-th send,
/// a moment that falls anywhere in the sending of the next messages. Returns whether it was
/// killed (false: it finished first) and what it logged.
fn kill_at(ws: &Workspace, n: usize, delay: Duration) -> (bool, String) {
    let mut child = ws
        .command(&["--now", SEND_TIME, "send", "invitations"])
        // Debug: the log then says when each message was accepted by the server.
        .env("SAMSKAP_LOG", "samskap=debug")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut log = String::new();
    let mut seen = 0;
    let mut reached = false;
    for line in lines.by_ref() {
        let Ok(line) = line else { break };
        log.push_str(&line);
        log.push('\n');
        if line.contains(" sent ") && line.contains("message_id=") {
            seen += 1;
            if seen == n {
                reached = true;
                break;
            }
        }
    }
    if reached {
        // The kill's moment, not a wait for an outcome: nothing below depends on it.
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(delay);
        let _ = child.kill();
    }
    // What it wrote before it died; and the child never blocks on a full pipe.
    for line in lines.map_while(Result::ok) {
        log.push_str(&line);
        log.push('\n');
    }
    let status = child.wait().unwrap();
    (status.signal() == Some(libc::SIGKILL), log)
}

/// What a kill loop found.
struct Tally {
    kills: usize,
    delivered: usize,
    duplicates: usize,
    /// Duplicates of a message whose 250 samskap had received and not yet recorded when it was
    /// killed: samskap's own window.
    ours: usize,
    lost: usize,
}

/// Kills `send invitations` at pseudo-random moments until a run gets to the end (at least
/// `min_kills` kills), then counts distinct Message-IDs delivered, duplicates and lost.
fn kill_loop(
    rig: &MailRig,
    ws: &Workspace,
    recipients: &[String],
    min_kills: usize,
    wait_for_server: bool,
) -> Tally {
    let mut moments = Moments(0x5a17_5ca9_0000_0001);
    let mut kills = 0;
    // Message-IDs whose 250 a killed run had heard and not recorded.
    let mut heard_not_recorded: Vec<String> = Vec::new();
    loop {
        // Few sends per run, so that at least `min_kills` runs die before the 60 are done.
        let n = 1 + moments.next(2) as usize;
        // Anywhere between two rate slots.
        let delay = Duration::from_millis(moments.next(slot_ms()));
        let (killed, log) = kill_at(ws, n, delay);
        if !killed {
            break;
        }
        kills += 1;
        for line in log.lines().filter(|l| l.contains("accepted by the server")) {
            let Some(id) = line
                .split("message_id=")
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
            else {
                continue;
            };
            let recorded = log
                .lines()
                .any(|l| l.contains(" sent ") && l.contains(&format!("message_id={id} ")));
            if !recorded {
                heard_not_recorded.push(id.to_string());
            }
        }
        if wait_for_server {
            // The server has filed its copies before samskap starts again, as it has by the time
            // systemd restarts a daemon (seconds later).
            rig.wait_for_empty_queue();
        }
        assert!(kills < 10 * recipients.len(), "the send never completed");
    }
    assert!(
        kills >= min_kills,
        "only {kills} kills; the loop should make at least {min_kills}"
    );
    let arrived = arrivals(rig, recipients);
    let lost = arrived.values().filter(|ids| ids.is_empty()).count();
    let mut duplicates = 0;
    let mut ours = 0;
    for (recipient, ids) in &arrived {
        assert!(
            ids.iter().all(|id| id == &ids[0]),
            "{recipient} got different messages: {ids:?}"
        );
        let extra = ids.len().saturating_sub(1);
        duplicates += extra;
        if extra > 0 && heard_not_recorded.contains(&ids[0]) {
            ours += extra;
        }
    }
    Tally {
        kills,
        delivered: arrived.values().filter(|ids| !ids.is_empty()).count(),
        duplicates,
        ours,
        lost,
    }
}

/// Regression: killed during SMTP sending at 2 connections and 600 a minute, samskap sent 29
/// duplicates in 30 kills: a finished send was recorded only after the dispatcher had waited
/// for the next rate slot, so a kill nearly always found a 250 heard and not recorded. Now each
/// 250 is recorded the moment it arrives: nothing is lost, and a duplicate can come only from a
/// kill in the server's own window (the next test), never from a 250 samskap sat on.
#[test]
fn killed_at_random_moments_while_sending_at_two_connections_and_a_rate_limit_nothing_is_lost() {
    let (rig, ws, recipients) = setup_kill_loop(SentFolder::None);
    let t = kill_loop(&rig, &ws, &recipients, 20, false);
    eprintln!(
        "kill loop (2 connections, {}, no Sent folder): {} kills; {} of {} distinct Message-IDs delivered, \
         {} duplicates ({} of a 250 heard and not recorded, {} in the server's window), {} lost",
        kill_loop_rate(),
        t.kills,
        t.delivered,
        recipients.len(),
        t.duplicates,
        t.ours,
        t.duplicates - t.ours,
        t.lost
    );
    assert_eq!(t.lost, 0);
    assert!(ws.all_invitations_are("sent"));
    // A 250 is heard and recorded within about a millisecond (median 0.7 ms, at most 1.1 ms
    // in a debug build here), so at most one kill in a few hundred lands between the two.
    // The rest of the duplicates are the server's window: from the end of a message's DATA,
    // when the server has it, until its 250 arrives (about 50 ms here, Postfix writing its
    // queue file), a kill leaves a message that samskap cannot know was taken. No client can
    // close that without asking the server, which the next test does through the Sent folder.
    assert!(
        t.ours * 100 <= t.kills.max(100),
        "{} duplicates of a 250 heard and not recorded, in {} kills: a finished send waited before it was recorded",
        t.ours,
        t.kills
    );
}

/// With the Sent folder where the server files what was submitted (Exchange Online does; the
/// rig's Postfix is told to), a message found "sending" after a crash is looked for there first
/// and marked sent when it is: no duplicate at all, however the kills fall.
#[test]
fn killed_at_random_moments_with_a_server_filed_sent_folder_nothing_is_lost_or_sent_twice() {
    // No folder named in the config: the one the server marks as the Sent folder is looked in.
    let (rig, ws, recipients) = setup_kill_loop(SentFolder::MarkedByServer);
    let t = kill_loop(&rig, &ws, &recipients, 20, true);
    eprintln!(
        "kill loop (2 connections, {}, Sent folder filed by the server): {} kills; {} of {} distinct Message-IDs delivered, {} duplicates, {} lost",
        kill_loop_rate(),
        t.kills,
        t.delivered,
        recipients.len(),
        t.duplicates,
        t.lost
    );
    assert_eq!((t.lost, t.duplicates), (0, 0));
    assert!(ws.all_invitations_are("sent"));
}

/// A kill right after the server's 250, before the register knows: the next run finds the
/// message in the Sent folder the server filed it in (the one the config names, or the one the
/// server marks as such), and does not send it again.
#[test]
fn a_message_accepted_just_before_a_crash_is_found_in_the_sent_folder_not_sent_again() {
    for folder in [SentFolder::Named, SentFolder::MarkedByServer] {
        let (rig, ws, recipients) = setup_kill_loop(folder);
        // No waits for rate slots: the kills come at fixed points here.
        let config = std::fs::read_to_string(&ws.config).unwrap();
        ws.write_config(&config.replace(&format!("rate = {:?}", kill_loop_rate()), "rate = \"unlimited\""));
        for failpoint in ["after-accept:2", "after-accept:1", "after-accept:3"] {
            run_until_failpoint(&ws, failpoint);
            rig.wait_for_empty_queue();
        }
        let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
        // Each run found the one its predecessor left; this one, the last run's.
        assert!(
            run.stdout.contains("60 of 60 sent")
                && run
                    .stdout
                    .contains("interrupted earlier were found in the Sent folder"),
            "{}\n{}",
            run.stdout,
            run.stderr
        );
        let arrived = arrivals(&rig, &recipients);
        check_exactly_once(&arrived, 0);
        // The server's copies are the only ones: samskap appended none.
        sent_folder_is_exact(&rig, 60);
    }
}
