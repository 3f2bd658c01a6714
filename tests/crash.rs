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
