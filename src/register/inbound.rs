//! The register's inbound side: which messages have been read (by mailbox, UIDVALIDITY and UID,
//! and by Message-ID), how far each mailbox was read, what the decide stage's actions change, and
//! the review queue. Every message is recorded in one transaction with all it changes, so a crash
//! either applies all of it or none, and a message read twice changes nothing.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{NewMessage, Op, Register, RegisterError, Result, exec, rows_of, ts};
use crate::config::{Lang, OrgKind, Text};
use crate::decide::attendance::{self, Registration};
use crate::decide::{Action, Decision, Directory, OrgInfo, SentInfo};

/// Where a message was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// "imap:INBOX", "maildir:inbox", "ingest".
    pub mailbox: String,
    pub uidvalidity: i64,
    pub uid: i64,
}

/// What recording a message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// This location was read before: nothing done.
    AlreadySeen,
    /// The same message (by Message-ID, saying the same) was read elsewhere before: noted,
    /// nothing changed.
    Duplicate,
    /// The Message-ID of a message read before, but saying something else (a forger can reuse
    /// a Message-ID to hide a message): recorded and set aside for review, nothing changed.
    IdReused,
    /// Recorded with its decision.
    Done,
}

/// A review item in full, for `review show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    pub id: i64,
    pub org_id: Option<String>,
    pub message_id: Option<String>,
    /// Why, in English.
    pub reason: String,
    /// Why, in bokmål (the English, for an item set aside before there was one).
    pub reason_nb: String,
    pub status: String,
    pub created_at: String,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub text: Option<String>,
    pub proposal: Vec<Action>,
}

/// The most of a message kept with its review item.
const RAW_KEPT: usize = 2 * 1024 * 1024;

fn org_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<OrgInfo> {
    let kind: String = r.get(1)?;
    Ok(OrgInfo {
        id: r.get(0)?,
        kind: OrgKind::parse(&kind).unwrap_or(OrgKind::Ngo),
        name: r.get(2)?,
        address: r.get(3)?,
    })
}

fn sent_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SentInfo> {
    let recipients: String = r.get(4)?;
    Ok(SentInfo {
        message_id: r.get(0)?,
        org_id: r.get(1)?,
        event_id: r.get(2)?,
        kind: r.get(3)?,
        recipients: serde_json::from_str(&recipients).unwrap_or_default(),
    })
}

impl Directory for Register {
    fn org_by_token(&self, token: &str) -> Option<OrgInfo> {
        self.conn
            .query_row(
                "SELECT id, kind, name, address FROM organisations WHERE token = ?1",
                [token],
                org_row,
            )
            .optional()
            .ok()
            .flatten()
    }

    fn org_by_address(&self, address: &str) -> Option<OrgInfo> {
        if address.is_empty() {
            return None;
        }
        self.conn
            .query_row(
                "SELECT id, kind, name, address FROM organisations WHERE lower(address) = lower(?1)",
                [address],
                org_row,
            )
            .optional()
            .ok()
            .flatten()
    }

    fn org_by_domain(&self, domain: &str) -> Option<OrgInfo> {
        // The domain itself, then each parent with at least two labels: "post.aid.dep.no" belongs
        // to "aid.dep.no"; labels are compared whole, so "aid-dep.no" never does.
        let labels: Vec<&str> = domain.trim_end_matches('.').split('.').collect();
        for start in 0..labels.len().saturating_sub(1) {
            let candidate = labels[start..].join(".").to_ascii_lowercase();
            let found = self
                .conn
                .query_row(
                    "SELECT o.id, o.kind, o.name, o.address FROM org_domains d JOIN organisations o ON o.id = d.org_id
                     WHERE d.domain = ?1",
                    [&candidate],
                    org_row,
                )
                .optional()
                .ok()
                .flatten();
            if found.is_some() {
                return found;
            }
        }
        None
    }

    fn people_named(&self, org: &str) -> Vec<crate::understand::facts::Attendee> {
        named_before(&self.conn, org, "").unwrap_or_default()
    }

    fn contact_of(&self, org: &str) -> Option<(crate::understand::facts::Attendee, Option<String>)> {
        recorded_contact(&self.conn, org).ok().flatten()
    }

    fn sent(&self, message_id: &str) -> Option<SentInfo> {
        let id = message_id.trim().trim_matches(|c| c == '<' || c == '>');
        self.conn
            .query_row(
                "SELECT message_id, org_id, event_id, kind, recipients FROM outbox WHERE message_id = ?1",
                [id],
                sent_row,
            )
            .optional()
            .ok()
            .flatten()
    }

    fn sent_to(&self, address: &str) -> Option<SentInfo> {
        let needle = format!("%\"{}\"%", address.to_ascii_lowercase());
        self.conn
            .query_row(
                "SELECT message_id, org_id, event_id, kind, recipients FROM outbox
                 WHERE lower(recipients) LIKE ?1 ORDER BY id DESC LIMIT 1",
                [needle],
                sent_row,
            )
            .optional()
            .ok()
            .flatten()
    }

    fn org(&self, id: &str) -> Option<OrgInfo> {
        self.conn
            .query_row(
                "SELECT id, kind, name, address FROM organisations WHERE id = ?1",
                [id],
                org_row,
            )
            .optional()
            .ok()
            .flatten()
    }

    fn poll_closed(&self, event: &str) -> bool {
        self.poll_result(event).ok().flatten().is_some()
    }

    fn poll_answer(&self, event: &str, address: &str) -> Option<crate::decide::PollSaid> {
        let answers = self.poll_answers(event).ok()?;
        let a = answers
            .into_iter()
            .find(|a| a.address.eq_ignore_ascii_case(address))?;
        Some(crate::decide::PollSaid {
            yes: a.yes,
            no: a.no,
            maybe: a.maybe,
        })
    }
}

impl Register {
    /// Whether the message at `location` was read before.
    pub fn seen_at(&self, location: &Location) -> Result<bool> {
        self.conn
            .query_row(
                "SELECT 1 FROM messages_seen WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3",
                params![location.mailbox, location.uidvalidity, location.uid],
                |_| Ok(()),
            )
            .optional()
            .op("look up a message read before")
            .map(|found| found.is_some())
    }

    /// How far `mailbox` was read: its UIDVALIDITY and the highest UID recorded.
    pub fn mailbox_state(&self, mailbox: &str) -> Result<Option<(i64, i64)>> {
        self.conn
            .query_row(
                "SELECT uidvalidity, last_uid FROM mailbox_state WHERE mailbox = ?1",
                [mailbox],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .op("read a mailbox's state")
    }

    /// Records how far `mailbox` was read.
    pub fn set_mailbox_state(&mut self, mailbox: &str, uidvalidity: i64, last_uid: i64) -> Result<()> {
        exec(
            &self.conn,
            "record a mailbox's state",
            "INSERT INTO mailbox_state (mailbox, uidvalidity, last_uid) VALUES (?1, ?2, ?3)
             ON CONFLICT (mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid",
            params![mailbox, uidvalidity, last_uid],
        )?;
        Ok(())
    }

    /// Whether `address` was sent a confirmation since `since` (at most one an hour).
    pub fn confirmed_since(&self, address: &str, since: DateTime<Utc>) -> Result<bool> {
        let needle = format!("%\"{}\"%", address.to_ascii_lowercase());
        self.conn
            .query_row(
                "SELECT 1 FROM outbox WHERE kind = 'confirmation' AND lower(recipients) LIKE ?1 AND created_at > ?2 LIMIT 1",
                params![needle, ts(since)],
                |_| Ok(()),
            )
            .optional()
            .op("look up recent confirmations")
            .map(|found| found.is_some())
    }

    /// The idempotency keys of the messages put in the outbox for `org` since `since`.
    pub fn outbox_keys_since(&self, org: &str, since: DateTime<Utc>) -> Result<Vec<String>> {
        rows_of(
            &self.conn,
            "list an organisation's recent mail",
            "SELECT idem_key FROM outbox WHERE org_id = ?1 AND created_at > ?2",
            params![org, ts(since)],
            |r| r.get(0),
        )
    }

    /// Records a message read at `location` with its decision, applying its actions and
    /// enqueueing `confirmations`, all in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        location: &Location,
        message_id: &str,
        class: &str,
        sender: Option<&str>,
        subject: &str,
        text: &str,
        raw: &[u8],
        fingerprint: &str,
        decision: &Decision,
        confirmations: &[NewMessage],
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        let secret = self.secret()?;
        let process = self.meta("process")?.unwrap_or_default();
        let tx = self.write("begin recording a message")?;
        let at_location: bool = tx
            .query_row(
                "SELECT 1 FROM messages_seen WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid = ?3",
                params![location.mailbox, location.uidvalidity, location.uid],
                |_| Ok(()),
            )
            .optional()
            .op("look up a message read before")?
            .is_some();
        if at_location {
            return Ok(Recorded::AlreadySeen);
        }
        // What the messages read before under this Message-ID said (not the duplicates: they
        // said what one of those said).
        let earlier: Vec<(Option<String>, String, String)> = {
            let mut stmt = tx
                .prepare(
                    "SELECT fingerprint, processed_at, mailbox FROM messages_seen
                     WHERE message_id = ?1 AND outcome != 'duplicate' ORDER BY id",
                )
                .op("prepare the look-up of a Message-ID read before")?;
            stmt.query_map([message_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .op("look up a Message-ID read before")?
                .collect::<rusqlite::Result<_>>()
                .op("read a message read before")?
        };
        let recorded = if earlier.is_empty() {
            Recorded::Done
        } else if earlier.iter().any(|(f, _, _)| f.as_deref() == Some(fingerprint)) {
            Recorded::Duplicate
        } else {
            Recorded::IdReused
        };
        let outcome = match recorded {
            Recorded::Duplicate => "duplicate",
            Recorded::IdReused => "review",
            _ => decision.outcome.as_str(),
        };
        tx.execute(
            "INSERT INTO messages_seen (mailbox, uidvalidity, uid, message_id, received_at, processed_at, class, org_id, outcome, fingerprint)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, (SELECT id FROM organisations WHERE id = ?7), ?8, ?9)",
            params![location.mailbox, location.uidvalidity, location.uid, message_id, ts(now), class, decision.org, outcome, fingerprint],
        )
        .op("record a message as read")?;
        if recorded == Recorded::Duplicate {
            tx.commit().op("commit a duplicate")?;
            return Ok(recorded);
        }
        let context = ReviewContext {
            sender,
            subject,
            text,
            raw,
        };
        if recorded == Recorded::IdReused {
            // Nothing it asks for is done and nobody is answered: the coordinator compares the
            // two and applies what it proposes if it is genuine.
            let (_, at, mailbox) = &earlier[0];
            let unknown = earlier.iter().all(|(f, _, _)| f.is_none());
            let mut reasons = vec![if unknown {
                crate::words!(
                    "En melding med denne Message-ID-en ble lest før ({at}, {mailbox}), før samskap tok vare på hva meldinger sier, så den kan ikke se om denne er den samme. Ingenting er endret. Sammenlign de to i Outlook; godkjenn denne saken bare hvis denne meldingen er ekte.",
                    "A message with this Message-ID was read before ({at}, {mailbox}), before samskap kept what messages say, so it cannot tell whether this one is the same. Nothing was changed. Compare the two in Outlook; apply this item only if this one is genuine."
                )
            } else {
                crate::words!(
                    "En melding med denne Message-ID-en ble lest før ({at}, {mailbox}), men denne sier noe annet: noen kan bruke Message-ID-en om igjen for å lure en melding forbi samskap, eller avsenderen har endret og sendt den på nytt. Ingenting er endret. Sammenlign de to i Outlook; godkjenn denne saken bare hvis denne meldingen er ekte.",
                    "A message with this Message-ID was read before ({at}, {mailbox}), but this one says something else: someone may be reusing the Message-ID to slip a message past samskap, or the sender edited and resent it. Nothing was changed. Compare the two in Outlook; apply this item only if this one is genuine."
                )
            }];
            let mut proposal = Vec::new();
            for action in &decision.actions {
                match action {
                    Action::Review {
                        reason: own,
                        proposal: own_proposal,
                        ..
                    } => {
                        reasons.push(own.within(|lang, own| match lang {
                            Lang::Nb => format!("Den ville uansett ha blitt lagt til side: {own}"),
                            Lang::En => format!("It would have gone to review anyway: {own}"),
                        }));
                        proposal.extend(own_proposal.iter().cloned());
                    }
                    Action::Confirm { .. } => {}
                    other => proposal.push(other.clone()),
                }
            }
            let review = Action::Review {
                org: decision.org.clone(),
                reason: Text::join(&reasons, " "),
                proposal,
            };
            apply(&tx, &review, message_id, "mail", &context, &secret, &process, now)?;
            tx.commit().op("commit a message set aside for review")?;
            return Ok(recorded);
        }
        for action in &decision.actions {
            apply(&tx, action, message_id, "mail", &context, &secret, &process, now)?;
        }
        if !confirmations.is_empty() {
            super::enqueue_in(&tx, confirmations, now)?;
        }
        tx.commit().op("commit a message's changes")?;
        Ok(Recorded::Done)
    }

    /// Review items, open ones only unless `all`.
    pub fn review_items(&self, all: bool) -> Result<Vec<ReviewItem>> {
        rows_of(
            &self.conn,
            "list review items",
            "SELECT id, org_id, message_id, reason, status, created_at, sender, subject, text, proposal, COALESCE(reason_nb, reason)
                 FROM review_items WHERE ?1 OR status = 'open' ORDER BY id",
            [all],
            review_row,
        )
    }

    /// One review item.
    pub fn review_item(&self, id: i64) -> Result<Option<ReviewItem>> {
        self.conn
            .query_row(
                "SELECT id, org_id, message_id, reason, status, created_at, sender, subject, text, proposal, COALESCE(reason_nb, reason)
                 FROM review_items WHERE id = ?1",
                [id],
                review_row,
            )
            .optional()
            .op("read a review item")
    }

    /// Settles an open review item: applies what it proposes (`apply`) or dismisses it.
    pub fn settle_review(&mut self, id: i64, apply_it: bool, now: DateTime<Utc>) -> Result<ReviewItem> {
        let item = self
            .review_item(id)?
            .ok_or_else(|| RegisterError::Invalid(format!("there is no review item {id}")))?;
        if item.status != "open" {
            return Err(RegisterError::Invalid(format!(
                "review item {id} is {} already",
                item.status
            )));
        }
        let secret = self.secret()?;
        let process = self.meta("process")?.unwrap_or_default();
        let tx = self.write("begin settling a review item")?;
        if apply_it {
            let context = ReviewContext {
                sender: item.sender.as_deref(),
                subject: item.subject.as_deref().unwrap_or(""),
                text: item.text.as_deref().unwrap_or(""),
                raw: &[],
            };
            let message_id = item.message_id.clone().unwrap_or_default();
            for action in &item.proposal {
                apply(
                    &tx,
                    action,
                    &message_id,
                    "coordinator",
                    &context,
                    &secret,
                    &process,
                    now,
                )?;
            }
        }
        tx.execute(
            "UPDATE review_items SET status = ?2, settled_at = ?3, settled_by = 'coordinator' WHERE id = ?1",
            params![id, if apply_it { "applied" } else { "dismissed" }, ts(now)],
        )
        .op("settle a review item")?;
        tx.commit().op("commit a settled review item")?;
        Ok(self.review_item(id)?.unwrap_or(item))
    }

    /// The registration of `org` for `event`, if any.
    pub fn registration(&self, org: &str, event: &str) -> Result<Option<super::RegistrationRow>> {
        Ok(self
            .registrations()?
            .into_iter()
            .find(|r| r.org_id == org && r.event_id == event))
    }
}

fn review_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReviewItem> {
    let proposal: Option<String> = r.get(9)?;
    Ok(ReviewItem {
        id: r.get(0)?,
        org_id: r.get(1)?,
        message_id: r.get(2)?,
        reason_nb: r.get(10)?,
        reason: r.get(3)?,
        status: r.get(4)?,
        created_at: r.get(5)?,
        sender: r.get(6)?,
        subject: r.get(7)?,
        text: r.get(8)?,
        proposal: proposal
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default(),
    })
}

/// The message a review item is about.
struct ReviewContext<'a> {
    sender: Option<&'a str>,
    subject: &'a str,
    text: &'a str,
    raw: &'a [u8],
}

/// What caused a change: the message, who acted on it, and when.
struct Cause<'a> {
    message_id: &'a str,
    actor: &'a str,
    now: DateTime<Utc>,
}

/// An organisation's registration for an event as kept: status, attendees (JSON), count, late.
type Kept = (String, String, Option<i64>, i64);

/// The people `org` has named: at every meeting but `event` ("" for all), and as its contact.
fn named_before(
    tx: &rusqlite::Connection,
    org: &str,
    event: &str,
) -> Result<Vec<crate::understand::facts::Attendee>> {
    let mut stmt = tx
        .prepare("SELECT attendees FROM registrations WHERE org_id = ?1 AND event_id != ?2")
        .op("prepare the people an organisation named")?;
    let lists = stmt
        .query_map(params![org, event], |r| r.get::<_, String>(0))
        .op("read the people an organisation named")?;
    let mut people = Vec::new();
    for list in lists {
        let list = list.op("read the people an organisation named")?;
        people.extend(
            serde_json::from_str::<Vec<crate::understand::facts::Attendee>>(&list).unwrap_or_default(),
        );
    }
    // Its contact person is one it named too.
    let contact = recorded_contact(tx, org)?.map(|(person, _)| person);
    people.extend(contact.filter(|c| c.name.is_some()));
    Ok(people)
}

/// `org`'s contact person as recorded, and their number.
fn recorded_contact(
    conn: &rusqlite::Connection,
    org: &str,
) -> Result<Option<(crate::understand::facts::Attendee, Option<String>)>> {
    conn.query_row(
        "SELECT name, email, phone FROM contacts WHERE org_id = ?1",
        params![org],
        |r| {
            Ok((
                crate::understand::facts::Attendee {
                    name: r.get(0)?,
                    email: r.get(1)?,
                },
                r.get(2)?,
            ))
        },
    )
    .optional()
    .op("read an organisation's contact person")
}

fn registration_in(tx: &Transaction<'_>, org: &str, event: &str) -> Result<Option<Kept>> {
    tx.query_row(
        "SELECT status, attendees, attendee_count, late FROM registrations WHERE org_id = ?1 AND event_id = ?2",
        params![org, event],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .optional()
    .op("read a registration")
}

#[allow(clippy::too_many_arguments)]
fn write_registration(
    tx: &Transaction<'_>,
    org: &str,
    event: &str,
    status: &str,
    people_json: &str,
    count: Option<i64>,
    late: bool,
    at: String,
    message_id: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO registrations (org_id, event_id, status, attendees, attendee_count, late, updated_at, message_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (org_id, event_id) DO UPDATE SET status = excluded.status, attendees = excluded.attendees,
            attendee_count = excluded.attendee_count, late = excluded.late, updated_at = excluded.updated_at,
            message_id = excluded.message_id",
        params![org, event, status, people_json, count, late, at, message_id],
    )
    .op("record a registration")?;
    Ok(())
}

fn log(
    tx: &Transaction<'_>,
    cause: &Cause<'_>,
    org: Option<&str>,
    entity: &str,
    field: &str,
    old: Option<&str>,
    new: &str,
) -> Result<()> {
    exec(
        tx,
        "log a change",
        "INSERT INTO changes (at, org_id, entity, field, old, new, message_id, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            ts(cause.now),
            org,
            entity,
            field,
            old,
            new,
            cause.message_id,
            cause.actor
        ],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn apply(
    tx: &Transaction<'_>,
    action: &Action,
    message_id: &str,
    actor: &str,
    context: &ReviewContext<'_>,
    secret: &[u8],
    process: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let cause = Cause {
        message_id,
        actor,
        now,
    };
    match action {
        Action::CreateNgo {
            id,
            name,
            address,
            domains,
            referred_by,
            lang,
        } => {
            let exists: bool = tx
                .query_row("SELECT 1 FROM organisations WHERE id = ?1", [id], |_| Ok(()))
                .optional()
                .op("look up an organisation")?
                .is_some();
            if exists {
                return Ok(());
            }
            let token = crate::ident::org_token(secret, process, id);
            tx.execute(
                "INSERT INTO organisations (id, kind, name, lang, address, token, referred_by, source, created_at, created_by_message)
                 VALUES (?1, 'ngo', ?2, ?3, ?4, ?5, (SELECT id FROM organisations WHERE id = ?6), 'mail', ?7, ?8)",
                params![id, name, lang, address, token, referred_by, ts(now), message_id],
            )
            .op("add an organisation that answered")?;
            for domain in domains {
                tx.execute(
                    "INSERT INTO org_domains (domain, org_id) VALUES (?1, ?2) ON CONFLICT (domain) DO NOTHING",
                    params![domain, id],
                )
                .op("record an organisation's domain")?;
            }
            log(
                tx,
                &cause,
                Some(id),
                "organisation",
                "added",
                None,
                &format!(
                    "{name} <{address}>{}",
                    referred_by
                        .as_ref()
                        .map(|r| format!(", referred by {r}"))
                        .unwrap_or_default()
                ),
            )?;
        }
        Action::SetRegistration {
            org,
            event,
            status,
            attendees,
            count,
            late,
            replace,
            withdrawn,
            evidence: _,
        } => {
            let existing = registration_in(tx, org, event)?;
            let before = existing.as_ref().map(|(status, people, count, _)| Registration {
                status: status.clone(),
                attendees: serde_json::from_str(people).unwrap_or_default(),
                count: count.map(|c| c as u32),
            });
            let before_late = existing.as_ref().is_some_and(|e| e.3 != 0);
            let attendees = &attendance::completed(attendees, &named_before(tx, org, event)?);
            let (after, new_late) = attendance::after_reply(
                before.as_ref(),
                before_late,
                &attendance::Reply {
                    status,
                    attendees,
                    count: *count,
                    withdrawn,
                    replace: *replace,
                },
                *late,
            );
            if after.status == "later" {
                // Someone withdrawn from a registration there is not yet: nothing to change.
                return Ok(());
            }
            let (status, people, new_count) = (&after.status, after.attendees, after.count.map(i64::from));
            let people_json =
                serde_json::to_string(&people).map_err(|e| RegisterError::Invalid(e.to_string()))?;
            write_registration(
                tx,
                org,
                event,
                status,
                &people_json,
                new_count,
                new_late,
                ts(now),
                message_id,
            )?;
            let old = existing.map(|(s, p, c, _)| {
                format!("{s} {p}{}", c.map(|c| format!(" count {c}")).unwrap_or_default())
            });
            let new = format!(
                "{status} {people_json}{}",
                new_count.map(|c| format!(" count {c}")).unwrap_or_default()
            );
            log(tx, &cause, Some(org), "registration", event, old.as_deref(), &new)?;
        }
        Action::SetAttendance {
            org,
            event,
            person,
            answer,
            delegate,
            late,
        } => {
            let existing = registration_in(tx, org, event)?;
            let before = existing.as_ref().map(|(status, people, count, _)| Registration {
                status: status.clone(),
                attendees: serde_json::from_str(people).unwrap_or_default(),
                count: count.map(|c| c as u32),
            });
            let after = attendance::after_answer(before.as_ref(), person, answer, delegate.as_ref());
            let people_json =
                serde_json::to_string(&after.attendees).map_err(|e| RegisterError::Invalid(e.to_string()))?;
            // A registration keeps the lateness it had: a calendar answer from one already
            // registered is not a late registration, and a decline is never late.
            let coming_before = before
                .as_ref()
                .is_some_and(|b| matches!(b.status.as_str(), "registered" | "tentative"));
            let late = if after.status == "declined" {
                false
            } else if coming_before {
                existing.as_ref().is_some_and(|e| e.3 != 0)
            } else {
                *late
            };
            write_registration(
                tx,
                org,
                event,
                &after.status,
                &people_json,
                after.count.map(i64::from),
                late,
                ts(now),
                message_id,
            )?;
            // Whoever declined in their own calendar needs no CANCEL from us; whoever accepted
            // an invitation they hold needs no new one.
            if let Some(address) = person.email.as_deref() {
                let (from, to) = if matches!(answer.as_str(), "declined" | "delegated") {
                    ("invited", "declined")
                } else {
                    ("declined", "invited")
                };
                tx.execute(
                    "UPDATE calendar_invitees SET state = ?1, updated_at = ?2
                     WHERE event_id = ?3 AND lower(address) = lower(?4) AND state = ?5",
                    params![to, ts(now), event, address, from],
                )
                .op("record a calendar answer")?;
            }
            let old = existing.map(|(s, p, c, _)| {
                format!("{s} {p}{}", c.map(|c| format!(" count {c}")).unwrap_or_default())
            });
            let new = format!(
                "{} {people_json}{}",
                after.status,
                after.count.map(|c| format!(" count {c}")).unwrap_or_default()
            );
            log(tx, &cause, Some(org), "registration", event, old.as_deref(), &new)?;
        }
        Action::PollAnswer {
            org,
            event,
            address,
            yes,
            no,
            maybe,
            ..
        } => {
            let old = super::poll::record_answer(tx, event, org, address, yes, no, maybe, message_id, now)?;
            let new = format!("{address}: yes {yes:?} no {no:?} maybe {maybe:?}");
            log(tx, &cause, Some(org), "poll", event, old.as_deref(), &new)?;
        }
        Action::SetContact {
            org,
            name,
            email,
            phone,
        } => {
            let old: Option<String> = tx
                .query_row(
                    "SELECT coalesce(name, '') || ' <' || coalesce(email, '') || '> ' || coalesce(phone, '') FROM contacts WHERE org_id = ?1",
                    [org],
                    |r| r.get(0),
                )
                .optional()
                .op("read a contact")?;
            tx.execute(
                "INSERT INTO contacts (org_id, name, email, phone, updated_at, message_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (org_id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,
                    updated_at = excluded.updated_at, message_id = excluded.message_id",
                params![org, name, email, phone, ts(now), message_id],
            )
            .op("record a contact person")?;
            let new = format!(
                "{} <{}> {}",
                name.clone().unwrap_or_default(),
                email.clone().unwrap_or_default(),
                phone.clone().unwrap_or_default()
            );
            log(tx, &cause, Some(org), "contact", "person", old.as_deref(), &new)?;
        }
        Action::Bounce {
            org,
            sent_message_id,
            recipient,
            status,
            hard,
            diagnostic,
        } => {
            let outbox_id: Option<i64> = match sent_message_id {
                Some(id) => tx
                    .query_row("SELECT id FROM outbox WHERE message_id = ?1", [id], |r| r.get(0))
                    .optional()
                    .op("find a bounced message")?,
                None => None,
            };
            if let Some(outbox_id) = outbox_id {
                tx.execute(
                    "UPDATE outbox SET bounced_at = ?2, bounce_status = ?3, bounce_permanent = ?4, bounce_message = ?5 WHERE id = ?1",
                    params![outbox_id, ts(now), status, hard, message_id],
                )
                .op("mark a message as bounced")?;
            }
            tx.execute(
                "INSERT INTO bounces (outbox_id, org_id, recipient, status, hard, diagnostic, message_id, received_at)
                 VALUES (?1, (SELECT id FROM organisations WHERE id = ?2), ?3, ?4, ?5, ?6, ?7, ?8)",
                params![outbox_id, org, recipient, status, hard, diagnostic, message_id, ts(now)],
            )
            .op("record a bounce")?;
            log(
                tx,
                &cause,
                org.as_deref(),
                "delivery",
                "bounce",
                None,
                &format!(
                    "{recipient} {} {}",
                    status.clone().unwrap_or_default(),
                    if *hard { "hard" } else { "soft" }
                ),
            )?;
        }
        Action::AutoReply {
            org,
            address,
            returns_on,
        } => {
            tx.execute(
                "INSERT INTO auto_replies (org_id, address, returns_on, message_id, received_at)
                 VALUES ((SELECT id FROM organisations WHERE id = ?1), ?2, ?3, ?4, ?5)",
                params![
                    org,
                    address,
                    returns_on.map(|d| d.to_string()),
                    message_id,
                    ts(now)
                ],
            )
            .op("record an automatic reply")?;
        }
        Action::Review {
            org,
            reason,
            proposal,
        } => {
            let proposal =
                serde_json::to_string(proposal).map_err(|e| RegisterError::Invalid(e.to_string()))?;
            let raw = &context.raw[..context.raw.len().min(RAW_KEPT)];
            tx.execute(
                "INSERT INTO review_items (message_id, org_id, reason, reason_nb, proposal, status, created_at, sender, subject, text, raw)
                 VALUES (?1, (SELECT id FROM organisations WHERE id = ?2), ?3, ?4, ?5, 'open', ?6, ?7, ?8, ?9, ?10)",
                params![message_id, org, reason.en, reason.nb, proposal, ts(now), context.sender, context.subject, context.text, raw],
            )
            .op("set a message aside for review")?;
        }
        // Confirmations are composed by the caller and enqueued with the rest.
        Action::Confirm { .. } => {}
    }
    Ok(())
}

/// A bounce as status shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BounceRow {
    pub org_id: Option<String>,
    pub recipient: String,
    pub status: Option<String>,
    /// The address is dead (unknown user or domain), not merely full or filtered.
    pub permanent: bool,
    pub diagnostic: Option<String>,
    pub received_at: String,
    pub message_id: String,
}

/// An automatic reply as status shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutoReplyRow {
    pub org_id: Option<String>,
    pub address: String,
    pub returns_on: Option<String>,
    pub received_at: String,
    pub message_id: String,
}

impl Register {
    /// The addresses that bounced for good (unknown user or domain), lowercase: never written
    /// to again.
    pub fn dead_addresses(&self) -> Result<std::collections::HashSet<String>> {
        Ok(self
            .bounces()?
            .into_iter()
            .filter(|b| b.permanent)
            .map(|b| b.recipient.to_lowercase())
            .collect())
    }

    /// Every bounce, oldest first.
    pub fn bounces(&self) -> Result<Vec<BounceRow>> {
        rows_of(
            &self.conn,
            "list bounces",
            "SELECT org_id, recipient, status, hard, diagnostic, received_at, message_id FROM bounces ORDER BY id",
            [],
            |r| {
                Ok(BounceRow {
                    org_id: r.get(0)?,
                    recipient: r.get(1)?,
                    status: r.get(2)?,
                    permanent: r.get::<_, i64>(3)? != 0,
                    diagnostic: r.get(4)?,
                    received_at: r.get(5)?,
                    message_id: r.get(6)?,
                })
            },
        )
    }

    /// Every automatic reply, oldest first.
    pub fn auto_replies(&self) -> Result<Vec<AutoReplyRow>> {
        rows_of(
            &self.conn,
            "list automatic replies",
            "SELECT org_id, address, returns_on, received_at, message_id FROM auto_replies ORDER BY id",
            [],
            |r| {
                Ok(AutoReplyRow {
                    org_id: r.get(0)?,
                    address: r.get(1)?,
                    returns_on: r.get(2)?,
                    received_at: r.get(3)?,
                    message_id: r.get(4)?,
                })
            },
        )
    }
}
