//! The register's memory of calendar invitations: each meeting's UID, SEQUENCE (which only grows)
//! and the digest of the time and place last sent; each invitee's state. Changed only together
//! with the outbox entries that carry the change, in one transaction.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Enqueued, NewMessage, Op, Register, Result, enqueue_in, rows_of, ts};

/// A meeting as its calendar objects have described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEventRow {
    pub event_id: String,
    pub uid: String,
    pub sequence: u32,
    /// Of the time, place and wording last sent.
    pub digest: String,
}

/// Someone who has had a calendar object for a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteeRow {
    pub event_id: String,
    pub address: String,
    pub org_id: Option<String>,
    pub name: Option<String>,
    /// The sequence of the last object sent to them.
    pub sequence: u32,
    /// How many objects they have been sent.
    pub round: u32,
    /// `invited` or `cancelled`.
    pub state: String,
}

impl Register {
    /// The calendar state of `event_id`, if any object was ever made for it.
    pub fn calendar_event(&self, event_id: &str) -> Result<Option<CalendarEventRow>> {
        self.conn
            .query_row(
                "SELECT event_id, uid, sequence, digest FROM calendar_events WHERE event_id = ?1",
                [event_id],
                |r| {
                    Ok(CalendarEventRow {
                        event_id: r.get(0)?,
                        uid: r.get(1)?,
                        sequence: r.get::<_, i64>(2)? as u32,
                        digest: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    })
                },
            )
            .optional()
            .op("read a calendar event")
    }

    /// Everyone who has had a calendar object for `event_id`.
    pub fn invitees(&self, event_id: &str) -> Result<Vec<InviteeRow>> {
        rows_of(
            &self.conn,
            "list invitees",
            "SELECT event_id, address, org_id, name, sequence, round, state FROM calendar_invitees
                 WHERE event_id = ?1 ORDER BY org_id, address",
            [event_id],
            |r| {
                Ok(InviteeRow {
                    event_id: r.get(0)?,
                    address: r.get(1)?,
                    org_id: r.get(2)?,
                    name: r.get(3)?,
                    sequence: r.get::<_, i64>(4)? as u32,
                    round: r.get::<_, i64>(5)? as u32,
                    state: r.get(6)?,
                })
            },
        )
    }

    /// Writes a calendar change: the meeting's new state, the invitees' new states and the
    /// messages that tell them, all or nothing. A message whose key is already in the outbox is
    /// left as it was.
    pub fn apply_calendar(
        &mut self,
        event: &CalendarEventRow,
        invitees: &[InviteeRow],
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> Result<Vec<Enqueued>> {
        let tx = self.write("begin a calendar change")?;
        tx.execute(
            "INSERT INTO calendar_events (event_id, uid, sequence, digest) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (event_id) DO UPDATE SET sequence = max(sequence, excluded.sequence),
                digest = excluded.digest",
            params![event.event_id, event.uid, event.sequence, event.digest],
        )
        .op("record a calendar event")?;
        for i in invitees {
            tx.execute(
                "INSERT INTO calendar_invitees (event_id, address, org_id, name, sequence, round, state, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (event_id, address) DO UPDATE SET org_id = excluded.org_id, name = excluded.name,
                    sequence = excluded.sequence, round = excluded.round, state = excluded.state,
                    updated_at = excluded.updated_at",
                params![i.event_id, i.address, i.org_id, i.name, i.sequence, i.round, i.state, ts(now)],
            )
            .op("record an invitee")?;
        }
        let out = enqueue_in(&tx, messages, now)?;
        tx.commit().op("commit a calendar change")?;
        Ok(out)
    }
}
