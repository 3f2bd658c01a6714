//! Work handed to the daemon: a command run while the daemon holds the data directory writes a
//! request here; the daemon does it with the register it owns and writes back what the command
//! would have printed, which the command then prints.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Op, Register, Result, exec, rows_of, ts};

/// A request and, once done, its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRow {
    pub id: i64,
    /// What to do, as JSON (`ops::Request`).
    pub command: String,
    /// The digest of the config the command read.
    pub config_digest: String,
    /// "PID 1234: samskap review apply 3".
    pub requested_by: String,
    /// waiting, done or failed.
    pub status: String,
    pub output: Option<String>,
    pub exit_code: Option<i32>,
    /// When the daemon finished it, by the daemon's clock.
    pub done_at: Option<DateTime<Utc>>,
}

/// Where the outbox stands, for a command that follows the daemon's sending.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Due now, or being sent.
    pub pending: u64,
    /// Waiting for a retry after a transient failure.
    pub retrying: u64,
}

impl Register {
    /// Writes a request for the daemon; returns its id.
    pub fn add_request(
        &mut self,
        command: &str,
        config_digest: &str,
        requested_by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        exec(
            &self.conn,
            "write a request for the daemon",
            "INSERT INTO requests (command, config_digest, requested_by, requested_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![command, config_digest, requested_by, ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The requests not done yet, oldest first.
    pub fn waiting_requests(&self) -> Result<Vec<RequestRow>> {
        rows_of(
            &self.conn,
            "list the waiting requests",
            &format!("{SELECT} WHERE status = 'waiting' ORDER BY id"),
            [],
            row,
        )
    }

    /// One request.
    pub fn request(&self, id: i64) -> Result<Option<RequestRow>> {
        self.conn
            .query_row(&format!("{SELECT} WHERE id = ?1"), [id], row)
            .optional()
            .op("read a request")
    }

    /// Marks a request as being done (a command that waits for it can no longer withdraw it);
    /// whether it was still waiting.
    pub fn start_request(&mut self, id: i64) -> Result<bool> {
        exec(
            &self.conn,
            "mark a request as begun",
            "UPDATE requests SET status = 'running' WHERE id = ?1 AND status = 'waiting'",
            [id],
        )
        .map(|n| n == 1)
    }

    /// Marks as failed the requests an earlier daemon began and did not finish (it ended
    /// meanwhile); returns how many.
    pub fn abandon_running_requests(&mut self, now: DateTime<Utc>) -> Result<u64> {
        exec(
            &self.conn,
            "mark interrupted requests",
            "UPDATE requests SET status = 'failed', exit_code = 1, done_at = ?1,
                    output = 'The daemon stopped while doing this; see `samskap status` for what was done, and run the command again if needed.\n'
             WHERE status = 'running'",
            [ts(now)],
        )
        .map(|n| n as u64)
    }

    /// Records a request's answer.
    pub fn finish_request(
        &mut self,
        id: i64,
        ok: bool,
        output: &str,
        exit_code: i32,
        now: DateTime<Utc>,
    ) -> Result<()> {
        exec(
            &self.conn,
            "record a request's answer",
            "UPDATE requests SET status = ?2, output = ?3, exit_code = ?4, done_at = ?5
             WHERE id = ?1 AND status IN ('waiting', 'running')",
            params![id, if ok { "done" } else { "failed" }, output, exit_code, ts(now)],
        )?;
        Ok(())
    }

    /// Takes back a request nobody has done yet; whether it was still waiting.
    pub fn withdraw_request(&mut self, id: i64) -> Result<bool> {
        exec(
            &self.conn,
            "withdraw a request",
            "DELETE FROM requests WHERE id = ?1 AND status = 'waiting'",
            [id],
        )
        .map(|n| n == 1)
    }

    /// How much of the outbox is still to go at `now`.
    pub fn backlog(&self, now: DateTime<Utc>) -> Result<Backlog> {
        let (pending, retrying) = self
            .conn
            .query_row(
                "SELECT COALESCE(SUM(status = 'sending' OR not_before <= ?1), 0),
                        COALESCE(SUM(status = 'queued' AND not_before > ?1 AND attempts > 0), 0)
                 FROM outbox WHERE status IN ('queued', 'sending')",
                [ts(now)],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )
            .op("measure the outbox")?;
        Ok(Backlog {
            pending: pending as u64,
            retrying: retrying as u64,
        })
    }
}

const SELECT: &str = "SELECT id, command, config_digest, requested_by, status, output, exit_code, done_at
                      FROM requests";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        id: r.get(0)?,
        command: r.get(1)?,
        config_digest: r.get(2)?,
        requested_by: r.get(3)?,
        status: r.get(4)?,
        output: r.get(5)?,
        exit_code: r.get(6)?,
        done_at: r
            .get::<_, Option<String>>(7)?
            .as_deref()
            .and_then(super::parse_ts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_request_is_done_once_and_a_done_one_cannot_be_withdrawn() {
        let mut register = Register::open_in_memory().unwrap();
        let now = t("2022-06-15T08:00:00Z");
        let id = register
            .add_request(r#"{"op":"poll_send"}"#, "abc", "PID 1: samskap poll send", now)
            .unwrap();
        let other = register.add_request("{}", "abc", "PID 2", now).unwrap();
        let waiting = register.waiting_requests().unwrap();
        assert_eq!(waiting.iter().map(|r| r.id).collect::<Vec<_>>(), [id, other]);
        assert!(register.start_request(id).unwrap());
        // Begun: it can no longer be withdrawn, nor begun again.
        assert!(!register.withdraw_request(id).unwrap());
        assert!(!register.start_request(id).unwrap());
        register
            .finish_request(id, true, "Date poll sent", 0, now)
            .unwrap();
        // A second answer does not overwrite the first.
        register.finish_request(id, false, "again", 1, now).unwrap();
        let done = register.request(id).unwrap().unwrap();
        assert_eq!(
            (done.status.as_str(), done.output.as_deref(), done.exit_code),
            ("done", Some("Date poll sent"), Some(0))
        );
        assert!(!register.withdraw_request(id).unwrap());
        assert!(register.withdraw_request(other).unwrap());
        assert!(register.waiting_requests().unwrap().is_empty());
    }
}

#[cfg(test)]
mod abandoned {
    use super::*;

    #[test]
    fn a_request_a_dead_daemon_began_is_failed_with_a_word_on_what_to_do() {
        let mut register = Register::open_in_memory().unwrap();
        let now: DateTime<Utc> = "2022-06-15T08:00:00Z".parse().unwrap();
        let id = register.add_request("{}", "d", "PID 1", now).unwrap();
        register.start_request(id).unwrap();
        assert_eq!(register.abandon_running_requests(now).unwrap(), 1);
        let row = register.request(id).unwrap().unwrap();
        assert_eq!((row.status.as_str(), row.exit_code), ("failed", Some(1)));
        assert!(row.output.unwrap().contains("run the command again"));
    }
}
