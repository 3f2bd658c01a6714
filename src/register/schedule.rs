//! The register's side of the schedule: which occurrence of which reminder was done or missed,
//! and what became of each of its recipients, written with the outbox in one transaction so a
//! crash sends nothing twice and loses nothing.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Enqueued, NewMessage, Op, Register, Result, enqueue_in, parse_ts, rows_of, ts};

/// One recipient of one occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    /// The occurrence's key in schedule_runs.
    pub run_key: String,
    pub org_id: String,
    pub address: String,
    /// queued, deferred, skipped (answered meanwhile) or lapsed (away past its purpose).
    pub state: String,
    pub due_at: DateTime<Utc>,
    pub note: Option<String>,
}

/// The state of a recipient whose reminder was not sent because they were away until after its
/// purpose had passed (the deadline, the meeting, the next round of the same reminder).
pub const LAPSED: &str = "lapsed";

/// What a tick writes for one occurrence (or for deferred recipients whose day came).
#[derive(Debug, Clone, Default)]
pub struct ScheduleWrite {
    /// (key, due, outcome) of the occurrence, when it is decided now.
    pub run: Option<(String, DateTime<Utc>, String)>,
    pub targets: Vec<TargetRow>,
    /// The messages, in the order of the `queued` targets.
    pub messages: Vec<NewMessage>,
}

impl Register {
    /// When samskap first saw the schedule `id` (now, if never before): where a cron schedule
    /// without `from` starts.
    pub fn schedule_since(&mut self, id: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        let key = format!("schedule-since/{id}");
        if let Some(at) = self.meta(&key)? {
            return Ok(parse_ts(&at).unwrap_or(now));
        }
        self.set_meta(&key, &ts(now))?;
        Ok(now)
    }

    /// When samskap first saw the schedule `id`, without recording anything: `now` if never.
    pub fn schedule_seen_since(&self, id: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        Ok(self
            .meta(&format!("schedule-since/{id}"))?
            .and_then(|at| parse_ts(&at))
            .unwrap_or(now))
    }

    /// Writes one scheduled step, all or nothing. A target already recorded is left as it was;
    /// a message whose key is in the outbox already is not added again.
    pub fn apply_schedule(&mut self, write: &ScheduleWrite, now: DateTime<Utc>) -> Result<Vec<Enqueued>> {
        let tx = self.write("begin a scheduled step")?;
        if let Some((key, due, outcome)) = &write.run {
            tx.execute(
                "INSERT INTO schedule_runs (key, due_at, done_at, outcome) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO NOTHING",
                params![key, ts(*due), ts(now), outcome],
            )
            .op("record a scheduled action")?;
        }
        let enqueued = enqueue_in(&tx, &write.messages, now)?;
        let mut ids = enqueued.iter().map(|e| match e {
            Enqueued::New(id) => *id,
            Enqueued::Existing { id, .. } => *id,
        });
        for t in &write.targets {
            let outbox_id = if t.state == "queued" { ids.next() } else { None };
            tx.execute(
                "INSERT INTO schedule_targets (run_key, org_id, address, state, due_at, note, outbox_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (run_key, org_id, address) DO UPDATE SET state = excluded.state,
                    due_at = excluded.due_at, note = excluded.note,
                    outbox_id = coalesce(excluded.outbox_id, outbox_id)
                 WHERE state = 'deferred'",
                params![
                    t.run_key,
                    t.org_id,
                    t.address,
                    t.state,
                    ts(t.due_at),
                    t.note,
                    outbox_id
                ],
            )
            .op("record a reminder's recipient")?;
        }
        tx.commit().op("commit a scheduled step")?;
        Ok(enqueued)
    }

    /// Recipients deferred to a moment at or before `now`.
    pub fn deferred_due(&self, now: DateTime<Utc>) -> Result<Vec<TargetRow>> {
        self.targets_where("state = 'deferred' AND due_at <= ?1", [ts(now)])
    }

    /// Every recipient still deferred.
    pub fn deferred(&self) -> Result<Vec<TargetRow>> {
        self.targets_where("state = 'deferred'", [])
    }

    /// Every reminder recipient recorded, oldest first.
    pub fn schedule_targets(&self) -> Result<Vec<TargetRow>> {
        self.targets_where("1", [])
    }

    fn targets_where<P: rusqlite::Params>(&self, condition: &str, params: P) -> Result<Vec<TargetRow>> {
        rows_of(
            &self.conn,
            "list a reminder's recipients",
            &format!(
                "SELECT run_key, org_id, address, state, due_at, note FROM schedule_targets
                 WHERE {condition} ORDER BY due_at, run_key, org_id"
            ),
            params,
            |r| {
                Ok(TargetRow {
                    run_key: r.get(0)?,
                    org_id: r.get(1)?,
                    address: r.get(2)?,
                    state: r.get(3)?,
                    due_at: parse_ts(&r.get::<_, String>(4)?).unwrap_or_default(),
                    note: r.get(5)?,
                })
            },
        )
    }

    /// Every occurrence recorded, with its outcome: (key, due, outcome).
    pub fn schedule_runs(&self) -> Result<Vec<(String, DateTime<Utc>, String)>> {
        rows_of(
            &self.conn,
            "list scheduled actions",
            "SELECT key, due_at, outcome FROM schedule_runs ORDER BY due_at, key",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    parse_ts(&r.get::<_, String>(1)?).unwrap_or_default(),
                    r.get::<_, String>(2)?,
                ))
            },
        )
    }

    /// Whether the occurrence `key` has been decided (done or missed).
    pub fn schedule_decided(&self, key: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM schedule_runs WHERE key = ?1", [key], |_| Ok(()))
            .optional()
            .op("read a scheduled action")?
            .is_some())
    }
}

impl Register {
    /// When each organisation's latest message was read.
    pub fn last_message_at(&self) -> Result<std::collections::HashMap<String, DateTime<Utc>>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT org_id, max(coalesce(received_at, processed_at)) FROM messages_seen
                 WHERE org_id IS NOT NULL GROUP BY org_id",
            )
            .op("read the latest messages")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .op("read the latest messages")?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (org, at) = row.op("read the latest messages")?;
            if let Some(at) = parse_ts(&at) {
                out.insert(org, at);
            }
        }
        Ok(out)
    }

    /// When each organisation first answered about `event` (its first registration change).
    pub fn first_answers(&self, event: &str) -> Result<Vec<(String, DateTime<Utc>)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT org_id, min(at) FROM changes WHERE entity = 'registration' AND field = ?1
                 AND org_id IS NOT NULL GROUP BY org_id ORDER BY min(at)",
            )
            .op("read the first answers")?;
        let rows = stmt
            .query_map([event], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .op("read the first answers")?;
        let mut out = Vec::new();
        for row in rows {
            let (org, at) = row.op("read the first answers")?;
            if let Some(at) = parse_ts(&at) {
                out.push((org, at));
            }
        }
        Ok(out)
    }
}
