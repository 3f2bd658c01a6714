//! The register keeps what it is given across reopening, refuses nothing twice silently, and
//! tells a dispatcher exactly what is due.

use super::*;

fn t(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn org(id: &str) -> OrgSync {
    OrgSync {
        id: id.into(),
        kind: "ministry".into(),
        name: format!("{id} departementet"),
        name_en: None,
        lang: "nb".into(),
        address: format!("postmottak@{id}.dep.no"),
        domains: vec![format!("{id}.dep.no")],
        token: format!("tok{id}"),
    }
}

fn message(org: &str, not_before: &str) -> NewMessage {
    NewMessage {
        key: format!("ogp5/invitation/{org}/kickoff/r1"),
        kind: "invitation".into(),
        org_id: Some(org.into()),
        event_id: Some("kickoff".into()),
        revision: 1,
        message_id: format!("ogp5.invitation.{org}@kdd.dep.no"),
        envelope_from: "tom@kdd.dep.no".into(),
        recipients: vec![format!("postmottak@{org}.dep.no")],
        subject: "Invitasjon".into(),
        lang: Some("nb".into()),
        body: b"Subject: Invitasjon\r\n\r\nHei\r\n".to_vec(),
        not_before: t(not_before),
    }
}

fn register_with(orgs: &[&str]) -> Register {
    let mut register = Register::open_in_memory().unwrap();
    let list: Vec<OrgSync> = orgs.iter().map(|o| org(o)).collect();
    register
        .sync_organisations(&list, t("2022-06-15T08:00:00Z"))
        .unwrap();
    register
}

#[test]
fn a_register_reopens_with_its_schema_and_secret() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("samskap.db");
    let secret = {
        let mut register = Register::open(&path).unwrap();
        assert_eq!(register.schema_version().unwrap(), MIGRATIONS.len());
        register.secret().unwrap()
    };
    let mut again = Register::open(&path).unwrap();
    assert_eq!(again.secret().unwrap(), secret);
    assert_eq!(secret.len(), 16);
}

#[test]
fn a_register_from_a_newer_samskap_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("samskap.db");
    drop(Register::open(&path).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Register::open(&path).err().unwrap();
    assert!(matches!(err, RegisterError::TooNew { found: 99, .. }), "{err}");
}

#[test]
fn enqueueing_the_same_key_twice_keeps_one_message() {
    let mut register = register_with(&["aid"]);
    let first = register
        .enqueue(
            &[message("aid", "2022-06-15T08:00:00Z")],
            t("2022-06-15T08:00:00Z"),
        )
        .unwrap();
    assert!(matches!(first[0], Enqueued::New(_)));
    let second = register
        .enqueue(
            &[message("aid", "2022-06-15T09:00:00Z")],
            t("2022-06-15T09:00:00Z"),
        )
        .unwrap();
    assert!(matches!(
        second[0],
        Enqueued::Existing {
            status: OutboxStatus::Queued,
            ..
        }
    ));
    assert_eq!(register.outbox_counts(None).unwrap().queued, 1);
}

#[test]
fn only_what_is_due_is_handed_out() {
    let mut register = register_with(&["aid", "bfd"]);
    let messages = [
        message("aid", "2022-06-15T08:00:00Z"),
        message("bfd", "2022-06-15T12:00:00Z"),
    ];
    register.enqueue(&messages, t("2022-06-15T08:00:00Z")).unwrap();
    let ten = t("2022-06-15T10:00:00Z");
    let due = register.due_ids(ten, 10, &HashSet::new()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(register.count_due(ten).unwrap(), 1);
    assert_eq!(register.count_due(t("2022-06-15T12:00:00Z")).unwrap(), 2);
    assert_eq!(register.next_due().unwrap(), Some(t("2022-06-15T08:00:00Z")));
    let message = register.begin_attempt(due[0], ten).unwrap().unwrap();
    assert_eq!(message.org_id.as_deref(), Some("aid"));
    let skip: HashSet<i64> = [due[0]].into();
    assert!(register.due_ids(ten, 10, &skip).unwrap().is_empty());
}

#[test]
fn an_interrupted_attempt_is_due_again_and_says_so() {
    let mut register = register_with(&["aid"]);
    register
        .enqueue(
            &[message("aid", "2022-06-15T08:00:00Z")],
            t("2022-06-15T08:00:00Z"),
        )
        .unwrap();
    register.set_owner("1234-before");
    let id = register
        .due_ids(t("2022-06-15T08:00:00Z"), 1, &HashSet::new())
        .unwrap()[0];
    let first = register
        .begin_attempt(id, t("2022-06-15T08:00:01Z"))
        .unwrap()
        .unwrap();
    assert_eq!((first.status, first.attempts), (OutboxStatus::Queued, 0));
    // The process dies here. On restart, another hold of the lock:
    register.set_owner("5678-after");
    let due = register
        .due_ids(t("2022-06-15T08:05:00Z"), 1, &HashSet::new())
        .unwrap();
    assert_eq!(due, [id]);
    let again = register
        .begin_attempt(id, t("2022-06-15T08:05:00Z"))
        .unwrap()
        .unwrap();
    assert_eq!(again.status, OutboxStatus::Sending);
    assert_eq!(again.attempts, 1);
    assert_eq!(again.first_attempt_at, Some(t("2022-06-15T08:00:01Z")));
}

#[test]
fn sent_messages_leave_the_queue_and_are_logged() {
    let mut register = register_with(&["aid"]);
    register
        .enqueue(
            &[message("aid", "2022-06-15T08:00:00Z")],
            t("2022-06-15T08:00:00Z"),
        )
        .unwrap();
    let id = register
        .due_ids(t("2022-06-15T08:00:00Z"), 1, &HashSet::new())
        .unwrap()[0];
    register
        .begin_attempt(id, t("2022-06-15T08:00:00Z"))
        .unwrap()
        .unwrap();
    register
        .mark_sent(id, t("2022-06-15T08:00:02Z"), "250 2.0.0 Ok: queued as 4AB", true)
        .unwrap();
    let later = t("2022-06-16T00:00:00Z");
    assert!(register.due_ids(later, 10, &HashSet::new()).unwrap().is_empty());
    assert_eq!(register.next_due().unwrap(), None);
    assert!(
        register.begin_attempt(id, later).unwrap().is_none(),
        "a sent message is never attempted again"
    );
    let state = &register.invitation_states().unwrap()["aid"];
    assert_eq!(state.status, OutboxStatus::Sent);
    assert_eq!(state.sent_at, Some(t("2022-06-15T08:00:02Z")));
    assert_eq!(register.pending_copies(10).unwrap().len(), 1);
    register.mark_copied(id).unwrap();
    assert!(register.pending_copies(10).unwrap().is_empty());
    let logged: String = register
        .conn
        .query_row("SELECT new FROM changes WHERE entity = 'invitation'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(logged.starts_with("sent: 250"), "{logged}");
}

#[test]
fn a_retry_waits_and_a_failure_keeps_the_server_s_words() {
    let mut register = register_with(&["aid", "bfd"]);
    let messages = [
        message("aid", "2022-06-15T08:00:00Z"),
        message("bfd", "2022-06-15T08:00:00Z"),
    ];
    register.enqueue(&messages, t("2022-06-15T08:00:00Z")).unwrap();
    let due = register
        .due_ids(t("2022-06-15T08:00:00Z"), 10, &HashSet::new())
        .unwrap();
    register
        .mark_retry(
            due[0],
            t("2022-06-15T08:10:00Z"),
            "451 4.3.0 try later",
            Some(451),
        )
        .unwrap();
    register
        .mark_failed(
            due[1],
            t("2022-06-15T08:00:00Z"),
            "550 5.1.1 User unknown",
            Some(550),
        )
        .unwrap();
    assert!(
        register
            .due_ids(t("2022-06-15T08:09:59Z"), 10, &HashSet::new())
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        register
            .due_ids(t("2022-06-15T08:10:00Z"), 10, &HashSet::new())
            .unwrap()
            .len(),
        1
    );
    let states = register.invitation_states().unwrap();
    assert_eq!(states["aid"].status, OutboxStatus::Queued);
    assert_eq!(states["aid"].error.as_deref(), Some("451 4.3.0 try later"));
    assert_eq!(states["bfd"].status, OutboxStatus::Failed);
    assert_eq!(states["bfd"].error.as_deref(), Some("550 5.1.1 User unknown"));
}

#[test]
fn a_config_change_updates_the_organisation_and_is_logged() {
    let mut register = register_with(&["aid"]);
    let mut changed = org("aid");
    changed.address = "post@aid.dep.no".into();
    register
        .sync_organisations(&[changed], t("2022-06-16T08:00:00Z"))
        .unwrap();
    let orgs = register.organisations().unwrap();
    assert_eq!(orgs[0].address, "post@aid.dep.no");
    assert_eq!(orgs[0].domains, ["aid.dep.no"]);
    let (old, new): (String, String) = register
        .conn
        .query_row("SELECT old, new FROM changes WHERE field = 'address'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (old.as_str(), new.as_str()),
        ("postmottak@aid.dep.no", "post@aid.dep.no")
    );
}

#[test]
fn a_scheduled_action_is_recorded_once() {
    let mut register = register_with(&[]);
    assert_eq!(register.schedule_outcome("ogp5/x").unwrap(), None);
    register
        .record_schedule(
            "ogp5/x",
            t("2022-06-15T08:00:00Z"),
            t("2022-06-15T08:00:01Z"),
            "done",
        )
        .unwrap();
    register
        .record_schedule(
            "ogp5/x",
            t("2022-06-15T08:00:00Z"),
            t("2022-06-15T09:00:00Z"),
            "missed",
        )
        .unwrap();
    assert_eq!(
        register.schedule_outcome("ogp5/x").unwrap().as_deref(),
        Some("done")
    );
}

/// Regression: a read-then-write transaction (the start of an attempt reads the message, then
/// marks it) was DEFERRED, and failed at once with "database is locked" while another
/// connection held the write lock, whatever the busy timeout. It must wait for the lock.
#[test]
fn a_write_waits_for_another_connection_s_write_lock_instead_of_failing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("samskap.db");
    let mut register = Register::open(&path).unwrap();
    register
        .sync_organisations(&[org("aid")], t("2022-06-15T08:00:00Z"))
        .unwrap();
    register
        .enqueue(
            &[message("aid", "2022-06-15T08:00:00Z")],
            t("2022-06-15T08:00:00Z"),
        )
        .unwrap();
    let id = register
        .due_ids(t("2022-06-15T09:00:00Z"), 10, &HashSet::new())
        .unwrap()[0];

    let other = Connection::open(&path).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; UPDATE meta SET value = value")
        .unwrap();
    let (done, finished) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let result = register.begin_attempt(id, t("2022-06-15T09:00:00Z"));
        done.send(result.map(|m| m.is_some())).unwrap();
    });
    // While the other connection holds the lock, the attempt cannot have finished, unless it
    // failed: a bounded look, never a condition for passing.
    match finished.recv_timeout(std::time::Duration::from_millis(300)) {
        Err(_) => {}
        Ok(result) => panic!("the write did not wait for the lock: {result:?}"),
    }
    other.execute_batch("COMMIT").unwrap();
    let result = finished.recv().unwrap();
    worker.join().unwrap();
    assert!(matches!(result, Ok(true)), "{result:?}");
}

#[test]
fn a_busy_register_is_transient() {
    let busy = RegisterError::Sql {
        op: "mark a message as sent",
        source: rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked".into()),
        ),
    };
    assert!(busy.is_busy());
    assert!(!RegisterError::Invalid("no such review item".into()).is_busy());
}

/// Regression: two `send invitations` at once on one data directory delivered 363 of 515
/// invitations twice: each took the other's messages in "sending" for a crashed run's. A row
/// this process is sending is its own, in flight; only another owner's is interrupted.
#[test]
fn a_message_in_flight_is_never_taken_for_an_interrupted_one_by_its_own_sender() {
    let mut register = register_with(&["aid", "bfd"]);
    register.set_owner("1234-a");
    register
        .enqueue(
            &[
                message("aid", "2022-06-15T08:00:00Z"),
                message("bfd", "2022-06-15T08:00:00Z"),
            ],
            t("2022-06-15T08:00:00Z"),
        )
        .unwrap();
    let now = t("2022-06-15T08:00:00Z");
    let due = register.due_ids(now, 10, &HashSet::new()).unwrap();
    register.begin_attempt(due[0], now).unwrap().unwrap();
    // Still being sent by us: not due, not counted, not taken again.
    assert_eq!(register.due_ids(now, 10, &HashSet::new()).unwrap(), [due[1]]);
    assert_eq!(register.count_due(now).unwrap(), 1);
    assert!(register.begin_attempt(due[0], now).unwrap().is_none());
    // Once this hold of the lock is gone, it is interrupted, and due again.
    register.set_owner("5678-b");
    assert_eq!(register.due_ids(now, 10, &HashSet::new()).unwrap(), due);
    let again = register.begin_attempt(due[0], now).unwrap().unwrap();
    assert_eq!(again.status, OutboxStatus::Sending);
}

/// Regression: retries were keyed on absolute time; with the clock (or `--now`) set back an
/// hour, a message retried at 08:00 for 08:01 waited until 08:01 came round again.
#[test]
fn a_clock_stepped_back_keeps_a_retry_s_wait_and_strands_nothing() {
    let mut register = register_with(&["aid"]);
    register.set_owner("1234-a");
    register
        .enqueue(
            &[message("aid", "2022-06-15T08:00:00Z")],
            t("2022-06-15T08:00:00Z"),
        )
        .unwrap();
    let id = register
        .due_ids(t("2022-06-15T08:00:00Z"), 1, &HashSet::new())
        .unwrap()[0];
    register.begin_attempt(id, t("2022-06-15T08:00:00Z")).unwrap();
    register
        .mark_retry(id, t("2022-06-15T08:01:00Z"), "451 try later", Some(451))
        .unwrap();
    // The clock goes back to 07:00.
    let back = t("2022-06-15T07:00:00Z");
    assert_eq!(register.reanchor_waits(back).unwrap(), 1);
    assert_eq!(register.next_due().unwrap(), Some(t("2022-06-15T07:01:00Z")));
    assert!(register.due_ids(back, 10, &HashSet::new()).unwrap().is_empty());
    assert_eq!(
        register
            .due_ids(t("2022-06-15T07:01:00Z"), 10, &HashSet::new())
            .unwrap(),
        [id]
    );
    // Time moving forward changes nothing.
    assert_eq!(register.reanchor_waits(t("2022-06-15T07:00:30Z")).unwrap(), 0);
    assert_eq!(register.next_due().unwrap(), Some(t("2022-06-15T07:01:00Z")));
}

/// A deferral for a server that could not be reached is a wait too.
#[test]
fn a_clock_stepped_back_keeps_a_deferral_s_wait() {
    let mut register = register_with(&["aid", "bfd"]);
    register
        .enqueue(
            &[
                message("aid", "2022-06-15T08:00:00Z"),
                message("bfd", "2022-06-15T08:00:00Z"),
            ],
            t("2022-06-15T08:00:00Z"),
        )
        .unwrap();
    register
        .defer_due(t("2022-06-15T08:00:00Z"), t("2022-06-15T08:05:00Z"))
        .unwrap();
    assert_eq!(register.reanchor_waits(t("2022-06-14T08:00:00Z")).unwrap(), 2);
    assert_eq!(register.next_due().unwrap(), Some(t("2022-06-14T08:05:00Z")));
}

/// Records a message with `decision` at UID `uid`.
fn record_at(
    register: &mut Register,
    uid: i64,
    message_id: &str,
    fingerprint: &str,
    decision: &crate::decide::Decision,
    now: &str,
) -> inbound::Recorded {
    let location = inbound::Location {
        mailbox: "imap:INBOX".into(),
        uidvalidity: 1,
        uid,
    };
    register
        .record(
            &location,
            message_id,
            "reply",
            Some("a@example.org"),
            "Hei",
            "Hei",
            b"Subject: Hei\r\n\r\nHei\r\n",
            fingerprint,
            decision,
            &[],
            t(now),
        )
        .unwrap()
}

/// Records a message that changes nothing, with `fingerprint`, at UID `uid`.
fn record_plain(register: &mut Register, uid: i64, fingerprint: &str) -> inbound::Recorded {
    let decision = crate::decide::Decision {
        org: None,
        outcome: crate::decide::Outcome::Recorded,
        actions: Vec::new(),
        summary: String::new(),
    };
    record_at(
        register,
        uid,
        "reused@example.org",
        fingerprint,
        &decision,
        "2022-06-16T08:00:00Z",
    )
}

#[test]
fn a_message_id_read_before_the_fingerprints_were_kept_cannot_vouch_for_a_duplicate() {
    let mut register = register_with(&["kld"]);
    assert_eq!(record_plain(&mut register, 1, "v1:a"), inbound::Recorded::Done);
    assert_eq!(
        record_plain(&mut register, 2, "v1:a"),
        inbound::Recorded::Duplicate
    );
    assert_eq!(
        record_plain(&mut register, 3, "v1:b"),
        inbound::Recorded::IdReused
    );
    // A copy of either message said before is a duplicate of it.
    assert_eq!(
        record_plain(&mut register, 4, "v1:b"),
        inbound::Recorded::Duplicate
    );
    // Read before the register kept what messages say: nobody can tell, so a person looks.
    register
        .conn
        .execute("UPDATE messages_seen SET fingerprint = NULL", [])
        .unwrap();
    assert_eq!(
        record_plain(&mut register, 5, "v1:a"),
        inbound::Recorded::IdReused
    );
    let items = register.review_items(false).unwrap();
    assert_eq!(items.len(), 2, "{items:#?}");
    assert!(items[1].reason.contains("cannot tell"), "{}", items[1].reason);
    assert!(
        items[1].reason_nb.contains("kan ikke se"),
        "{}",
        items[1].reason_nb
    );
}

/// Records a message whose decision is `actions`, at UID `uid`.
fn record_actions(register: &mut Register, uid: i64, actions: Vec<crate::decide::Action>) {
    let decision = crate::decide::Decision {
        org: Some("hod".into()),
        outcome: crate::decide::Outcome::Applied,
        actions,
        summary: String::new(),
    };
    let message_id = format!("m{uid}@hod.dep.no");
    record_at(
        register,
        uid,
        &message_id,
        &format!("v1:{uid}"),
        &decision,
        "2022-06-22T08:00:00Z",
    );
}

#[test]
fn a_calendar_answer_after_the_deadline_keeps_the_registration_s_lateness() {
    use crate::decide::Action;
    use crate::understand::facts::Attendee;
    let person = |name: &str, email: &str| Attendee {
        name: Some(name.into()),
        email: Some(email.into()),
    };
    let mut register = register_with(&["hod"]);
    record_actions(
        &mut register,
        1,
        vec![Action::SetRegistration {
            org: "hod".into(),
            event: "kickoff".into(),
            status: "registered".into(),
            attendees: vec![
                person("Bjørn Ås", "bjorn.as@hod.dep.no"),
                person("Siri Løvold", "siri.lovold@hod.dep.no"),
            ],
            count: None,
            late: false,
            replace: false,
            withdrawn: Vec::new(),
            evidence: Vec::new(),
        }],
    );
    // Bjørn declines in his calendar after the deadline; Siri still comes, on time.
    record_actions(
        &mut register,
        2,
        vec![Action::SetAttendance {
            org: "hod".into(),
            event: "kickoff".into(),
            person: person("Bjørn Ås", "bjorn.as@hod.dep.no"),
            answer: "declined".into(),
            delegate: None,
            late: true,
        }],
    );
    let r = register.registration("hod", "kickoff").unwrap().unwrap();
    assert_eq!((r.status.as_str(), r.late), ("registered", false), "{r:?}");
}
