//! The register's side of the date poll: each person's answer, and the slot chosen.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Enqueued, NewMessage, Op, Register, Result, enqueue_in, parse_ts, rows_of, ts};
use crate::config::Slot;

/// One person's answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PollAnswerRow {
    pub event_id: String,
    pub org_id: String,
    pub address: String,
    pub yes: Vec<usize>,
    pub no: Vec<usize>,
    /// Offered with a reservation.
    pub maybe: Vec<usize>,
    pub message_id: String,
    pub answered_at: String,
}

/// The poll's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollResultRow {
    pub event_id: String,
    /// The candidate number, from 1.
    pub chosen: usize,
    pub slot: Slot,
    pub closed_at: DateTime<Utc>,
    pub closed_by: String,
}

impl Register {
    /// Every answer to the poll for `event`.
    pub fn poll_answers(&self, event: &str) -> Result<Vec<PollAnswerRow>> {
        rows_of(
            &self.conn,
            "list poll answers",
            "SELECT event_id, org_id, address, yes, no, message_id, answered_at, maybe FROM poll_answers
                 WHERE event_id = ?1 ORDER BY answered_at, org_id, address",
            [event],
            |r| {
                Ok(PollAnswerRow {
                    event_id: r.get(0)?,
                    org_id: r.get(1)?,
                    address: r.get(2)?,
                    yes: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                    no: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
                    maybe: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
                    message_id: r.get(5)?,
                    answered_at: r.get(6)?,
                })
            },
        )
    }

    /// The poll's outcome for `event`, once closed.
    pub fn poll_result(&self, event: &str) -> Result<Option<PollResultRow>> {
        self.conn
            .query_row(
                "SELECT event_id, chosen, start_at, end_at, closed_at, closed_by FROM poll_results WHERE event_id = ?1",
                [event],
                |r| {
                    let start: String = r.get(2)?;
                    let end: String = r.get(3)?;
                    let closed: String = r.get(4)?;
                    Ok(PollResultRow {
                        event_id: r.get(0)?,
                        chosen: r.get::<_, i64>(1)? as usize,
                        slot: Slot {
                            start: parse_ts(&start).unwrap_or_default(),
                            end: parse_ts(&end).unwrap_or_default(),
                        },
                        closed_at: parse_ts(&closed).unwrap_or_default(),
                        closed_by: r.get(5)?,
                    })
                },
            )
            .optional()
            .op("read the poll's result")
    }

    /// The slot the poll chose for `event`, if it has.
    pub fn chosen_slot(&self, event: &str) -> Result<Option<Slot>> {
        Ok(self.poll_result(event)?.map(|r| r.slot))
    }

    /// Closes the poll: records `result` and puts the messages that tell everyone in the outbox,
    /// all or nothing. A poll closed already stays as it was (and nothing is enqueued).
    pub fn close_poll(
        &mut self,
        result: &PollResultRow,
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> Result<Vec<Enqueued>> {
        let tx = self.write("begin closing the poll")?;
        let inserted = tx
            .execute(
                "INSERT INTO poll_results (event_id, chosen, start_at, end_at, closed_at, closed_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (event_id) DO NOTHING",
                params![
                    result.event_id,
                    result.chosen as i64,
                    ts(result.slot.start),
                    ts(result.slot.end),
                    ts(result.closed_at),
                    result.closed_by
                ],
            )
            .op("record the poll's result")?;
        let out = if inserted == 1 {
            enqueue_in(&tx, messages, now)?
        } else {
            Vec::new()
        };
        tx.commit().op("commit closing the poll")?;
        Ok(out)
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn record_answer(
    tx: &rusqlite::Transaction<'_>,
    event: &str,
    org: &str,
    address: &str,
    yes: &[usize],
    no: &[usize],
    maybe: &[usize],
    message_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let old: Option<String> = tx
        .query_row(
            "SELECT 'yes ' || yes || ' no ' || no || ' maybe ' || maybe FROM poll_answers WHERE event_id = ?1 AND org_id = ?2 AND address = ?3",
            params![event, org, address],
            |r| r.get(0),
        )
        .optional()
        .op("read a poll answer")?;
    let json = |v: &[usize]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    tx.execute(
        "INSERT INTO poll_answers (event_id, org_id, address, yes, no, maybe, message_id, answered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (event_id, org_id, address) DO UPDATE SET yes = excluded.yes, no = excluded.no,
            maybe = excluded.maybe, message_id = excluded.message_id, answered_at = excluded.answered_at",
        params![
            event,
            org,
            address,
            json(yes),
            json(no),
            json(maybe),
            message_id,
            ts(now)
        ],
    )
    .op("record a poll answer")?;
    Ok(old)
}

/// One of our messages as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRow {
    pub org_id: Option<String>,
    pub event_id: Option<String>,
    pub recipients: Vec<String>,
    pub status: String,
    pub message_id: String,
}

impl Register {
    /// Every outbox entry of `kind`, in the order they were made.
    pub fn outbox_of_kind(&self, kind: &str) -> Result<Vec<SentRow>> {
        rows_of(
            &self.conn,
            "list the outbox",
            "SELECT org_id, event_id, recipients, status, message_id FROM outbox WHERE kind = ?1 ORDER BY id",
            [kind],
            |r| {
                Ok(SentRow {
                    org_id: r.get(0)?,
                    event_id: r.get(1)?,
                    recipients: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or_default(),
                    status: r.get(3)?,
                    message_id: r.get(4)?,
                })
            },
        )
    }
}
