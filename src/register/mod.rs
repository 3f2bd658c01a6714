//! The register: an embedded SQLite database that remembers organisations, the outbox and its
//! delivery state, and (filled by later stages) registrations, contacts, messages seen, review
//! items and the audit trail. One owner holds the connection; see [`actor`].

pub mod actor;
pub mod calendar;
pub mod inbound;
pub mod poll;
pub mod requests;
pub mod schedule;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

pub use actor::RegisterHandle;

/// The schema, one migration per version; `PRAGMA user_version` says which have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_init.sql"),
    include_str!("migrations/002_inbound.sql"),
    include_str!("migrations/003_calendar.sql"),
    include_str!("migrations/004_schedule.sql"),
    include_str!("migrations/005_trust.sql"),
    include_str!("migrations/006_fingerprint.sql"),
    include_str!("migrations/007_poll_maybe.sql"),
    include_str!("migrations/008_lapsed.sql"),
    include_str!("migrations/009_reason_nb.sql"),
];

/// A register operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("cannot open the register {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("cannot bring the register {path} to schema version {version}: {source}")]
    Migrate {
        path: PathBuf,
        version: usize,
        source: rusqlite::Error,
    },
    #[error(
        "the register {path} has schema version {found}, newer than this samskap knows ({known}); use a newer samskap"
    )]
    TooNew {
        path: PathBuf,
        found: usize,
        known: usize,
    },
    #[error("register: cannot {op}: {source}")]
    Sql {
        op: &'static str,
        source: rusqlite::Error,
    },
    #[error("register: {0}")]
    Invalid(String),
    #[error("the register's owner thread has stopped")]
    Gone,
}

impl RegisterError {
    /// Whether another connection held the register too long (a backup, a second program):
    /// trying again later may work, nothing is wrong with the register itself.
    pub fn is_busy(&self) -> bool {
        let code = match self {
            RegisterError::Open { source, .. }
            | RegisterError::Migrate { source, .. }
            | RegisterError::Sql { source, .. } => source.sqlite_error_code(),
            _ => None,
        };
        matches!(
            code,
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

type Result<T> = std::result::Result<T, RegisterError>;

trait Op<T> {
    fn op(self, op: &'static str) -> Result<T>;
}

impl<T> Op<T> for std::result::Result<T, rusqlite::Error> {
    fn op(self, op: &'static str) -> Result<T> {
        self.map_err(|source| RegisterError::Sql { op, source })
    }
}

/// Every row `sql` finds with `params`, each made by `map`; `op` names the query in an error.
/// Not kept compiled: these are the listings, and the cache is for the sending's hot path.
fn rows_of<T, P, F>(conn: &Connection, op: &'static str, sql: &str, params: P, map: F) -> Result<Vec<T>>
where
    P: rusqlite::Params,
    F: FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
{
    let mut stmt = conn.prepare(sql).op(op)?;
    let rows = stmt.query_map(params, map).op(op)?;
    rows.collect::<std::result::Result<Vec<_>, _>>().op(op)
}

/// Runs one statement, its compiled form kept for the next time: the hot path of sending runs
/// the same few statements for every message.
fn exec(conn: &Connection, op: &'static str, sql: &str, params: impl rusqlite::Params) -> Result<usize> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute(params))
        .op(op)
}

/// Timestamps are stored as RFC 3339 UTC with milliseconds, which sort as text.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_ts(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// An organisation as config describes it, to be kept in the register.
#[derive(Debug, Clone)]
pub struct OrgSync {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub name_en: Option<String>,
    pub lang: String,
    pub address: String,
    pub domains: Vec<String>,
    pub token: String,
}

/// An organisation as the register knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRow {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub name_en: Option<String>,
    pub lang: String,
    pub address: String,
    pub token: String,
    pub referred_by: Option<String>,
    pub source: String,
    pub domains: Vec<String>,
}

impl OrgRow {
    /// The language the organisation is written to in.
    pub fn language(&self) -> crate::config::Lang {
        if self.lang == "en" {
            crate::config::Lang::En
        } else {
            crate::config::Lang::Nb
        }
    }

    /// Its name in `lang` (the Norwegian one when it has no English one).
    pub fn name_in(&self, lang: crate::config::Lang) -> String {
        match (lang, &self.name_en) {
            (crate::config::Lang::En, Some(en)) => en.clone(),
            _ => self.name.clone(),
        }
    }
}

/// A message to put in the outbox.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub key: String,
    pub kind: String,
    pub org_id: Option<String>,
    pub event_id: Option<String>,
    pub revision: u32,
    pub message_id: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub lang: Option<String>,
    pub body: Vec<u8>,
    /// Not to be sent before this moment.
    pub not_before: DateTime<Utc>,
}

/// What enqueueing found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enqueued {
    /// A new outbox entry.
    New(i64),
    /// The key was there already, in this state: nothing new will be sent.
    Existing { id: i64, status: OutboxStatus },
}

/// Where an outgoing message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxStatus {
    /// Waiting to be sent, first time or retry.
    Queued,
    /// An attempt began and did not finish: it may or may not have reached the server.
    Sending,
    Sent,
    /// Refused for good (5xx), or transient failures for too long.
    Failed,
}

impl OutboxStatus {
    fn parse(text: &str) -> OutboxStatus {
        match text {
            "sending" => OutboxStatus::Sending,
            "sent" => OutboxStatus::Sent,
            "failed" => OutboxStatus::Failed,
            _ => OutboxStatus::Queued,
        }
    }

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Queued => "queued",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
        }
    }
}

/// An outbox entry due for sending.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub key: String,
    pub kind: String,
    pub org_id: Option<String>,
    pub message_id: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub body: Vec<u8>,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub first_attempt_at: Option<DateTime<Utc>>,
}

/// An invitation's delivery state, for status and export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationState {
    pub status: OutboxStatus,
    pub revision: u32,
    pub message_id: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
    pub attempts: u32,
    pub bounced_at: Option<DateTime<Utc>>,
    pub bounce_status: Option<String>,
    pub bounce_permanent: Option<bool>,
}

/// Counts of the outbox by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
}

/// A message waiting to be copied to the Sent folder.
#[derive(Debug, Clone)]
pub struct PendingCopy {
    pub id: i64,
    pub message_id: String,
    pub org_id: Option<String>,
    pub body: Vec<u8>,
}

/// The database.
pub struct Register {
    conn: Connection,
    /// For error messages.
    path: PathBuf,
    /// This process's hold of the data directory's lock, written into the outbox rows it is
    /// sending; a row in "sending" with any other owner was left by a process that is gone.
    owner: Option<String>,
}

/// The outbox rows a sender may take: waiting, or interrupted (left "sending" by another hold of
/// the lock, hence a process that has ended). `?OWNER` is [`Register::me`].
const TAKEABLE: &str = "(status = 'queued' OR (status = 'sending' AND COALESCE(owner, '') <> ?OWNER))";

impl Register {
    /// Opens (creating if needed) the register at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Register> {
        let conn = Connection::open(path).map_err(|source| RegisterError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Register::setup(conn, path)
    }

    /// A register that lives in memory: for tests and dry runs.
    pub fn open_in_memory() -> Result<Register> {
        let conn = Connection::open_in_memory().map_err(|source| RegisterError::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Register::setup(conn, Path::new(":memory:"))
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<Register> {
        let open_err = |source| RegisterError::Open {
            path: path.to_path_buf(),
            source,
        };
        // WAL: readers (status, export) never block the daemon. synchronous=NORMAL keeps every
        // committed transaction across a crash of the process (kill -9); only a power cut can
        // lose the last ones, and then a resend carries the same Message-ID.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        let version: usize = conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map_err(open_err)? as usize;
        if version > MIGRATIONS.len() {
            return Err(RegisterError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: MIGRATIONS.len(),
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let migrate_err = |source| RegisterError::Migrate {
                path: path.to_path_buf(),
                version: i + 1,
                source,
            };
            // Another process may be opening the same register: the version is read again
            // under the write lock, so a migration runs once.
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(migrate_err)?;
            let now_at: i64 = tx
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(migrate_err)?;
            if now_at as usize > i {
                continue;
            }
            tx.execute_batch(sql).map_err(migrate_err)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(migrate_err)?;
            tx.commit().map_err(migrate_err)?;
        }
        Ok(Register {
            conn,
            path: path.to_path_buf(),
            owner: None,
        })
    }

    /// Begins a write transaction. IMMEDIATE takes the write lock at the start, waiting up to
    /// the busy timeout for another writer; a DEFERRED one that read first would fail at once
    /// with "database is locked" when it came to write while another connection held the lock.
    fn write(&mut self, op: &'static str) -> Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .op(op)
    }

    /// How long a statement waits for another connection's lock before it fails as busy.
    pub fn set_busy_timeout(&self, timeout: std::time::Duration) -> Result<()> {
        self.conn.busy_timeout(timeout).op("set the busy timeout")
    }

    /// Says who this process is (its hold of the data directory's lock): messages it begins
    /// sending carry it, and only others' "sending" rows count as interrupted.
    pub fn set_owner(&mut self, owner: &str) {
        self.owner = Some(owner.to_string());
    }

    /// The owner written into rows this process sends; a value no row has when unset.
    fn me(&self) -> &str {
        self.owner.as_deref().unwrap_or("\u{0}nobody")
    }

    /// Where the register lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version.
    pub fn schema_version(&self) -> Result<usize> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map(|v| v as usize)
            .op("read the schema version")
    }

    /// A value from `meta`.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .op("read meta")
    }

    /// Sets a value in `meta`.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .op("write meta")?;
        Ok(())
    }

    /// The register's secret, made from the system's randomness the first time it is asked for.
    /// Tokens and Message-IDs derive from it, so they stay the same for the life of the register.
    pub fn secret(&mut self) -> Result<Vec<u8>> {
        if let Some(hex) = self.meta("secret")? {
            return data_encoding::HEXLOWER
                .decode(hex.as_bytes())
                .map_err(|_| RegisterError::Invalid("the stored secret is not hex".into()));
        }
        let mut secret = [0u8; 16];
        getrandom::fill(&mut secret)
            .map_err(|e| RegisterError::Invalid(format!("no randomness for the register's secret: {e}")))?;
        let hex = data_encoding::HEXLOWER.encode(&secret);
        // Another process may have made one meanwhile: keep whichever was first.
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES ('secret', ?1) ON CONFLICT (key) DO NOTHING",
                [hex],
            )
            .op("store the secret")?;
        self.secret()
    }

    /// Brings the organisations from config into the register: new ones are added, changed
    /// names and addresses updated (each change logged); none is ever deleted, since the history
    /// refers to them.
    pub fn sync_organisations(&mut self, orgs: &[OrgSync], now: DateTime<Utc>) -> Result<()> {
        let at = ts(now);
        let tx = self.write("begin the organisation sync")?;
        for org in orgs {
            let existing: Option<(String, String, Option<String>, String, String, String)> = tx
                .query_row(
                    "SELECT kind, name, name_en, lang, address, token FROM organisations WHERE id = ?1",
                    [&org.id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
                )
                .optional()
                .op("read an organisation")?;
            match existing {
                None => {
                    tx.execute(
                        "INSERT INTO organisations (id, kind, name, name_en, lang, address, token, source, created_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'config', ?8)",
                        params![org.id, org.kind, org.name, org.name_en, org.lang, org.address, org.token, at],
                    )
                    .op("add an organisation")?;
                    tx.execute(
                        "INSERT INTO changes (at, org_id, entity, field, new, actor)
                         VALUES (?1, ?2, 'organisation', 'added', ?3, 'config')",
                        params![at, org.id, org.address],
                    )
                    .op("log an added organisation")?;
                }
                Some((kind, name, name_en, lang, address, _token)) => {
                    let fields = [
                        ("kind", kind, org.kind.clone()),
                        ("name", name, org.name.clone()),
                        (
                            "name_en",
                            name_en.unwrap_or_default(),
                            org.name_en.clone().unwrap_or_default(),
                        ),
                        ("lang", lang, org.lang.clone()),
                        ("address", address, org.address.clone()),
                    ];
                    for (field, old, new) in fields {
                        if old != new {
                            tx.execute(
                                "INSERT INTO changes (at, org_id, entity, field, old, new, actor)
                                 VALUES (?1, ?2, 'organisation', ?3, ?4, ?5, 'config')",
                                params![at, org.id, field, old, new],
                            )
                            .op("log an organisation change")?;
                        }
                    }
                    tx.execute(
                        "UPDATE organisations SET kind = ?2, name = ?3, name_en = ?4, lang = ?5, address = ?6
                         WHERE id = ?1",
                        params![org.id, org.kind, org.name, org.name_en, org.lang, org.address],
                    )
                    .op("update an organisation")?;
                }
            }
            for domain in &org.domains {
                tx.execute(
                    "INSERT INTO org_domains (domain, org_id) VALUES (?1, ?2)
                     ON CONFLICT (domain) DO UPDATE SET org_id = excluded.org_id",
                    params![domain, org.id],
                )
                .op("record a domain")?;
            }
        }
        tx.commit().op("commit the organisation sync")?;
        Ok(())
    }

    /// Every organisation, config order first (by id within each source).
    pub fn organisations(&self) -> Result<Vec<OrgRow>> {
        self.organisations_among(None)
    }

    /// The organisations whose ids are in `ids`, or all; in the same order as
    /// [`Register::organisations`]. The others are never held in memory.
    pub fn organisations_among(&self, ids: Option<&HashSet<String>>) -> Result<Vec<OrgRow>> {
        let wanted = |id: &str| ids.is_none_or(|ids| ids.contains(id));
        let mut domains: HashMap<String, Vec<String>> = HashMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT domain, org_id FROM org_domains ORDER BY rowid")
            .op("list domains")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .op("list domains")?;
        for row in rows {
            let (domain, org) = row.op("read a domain")?;
            if wanted(&org) {
                domains.entry(org).or_default().push(domain);
            }
        }
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, kind, name, name_en, lang, address, token, referred_by, source
                 FROM organisations ORDER BY source = 'mail', rowid",
            )
            .op("list organisations")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(OrgRow {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    name: r.get(2)?,
                    name_en: r.get(3)?,
                    lang: r.get(4)?,
                    address: r.get(5)?,
                    token: r.get(6)?,
                    referred_by: r.get(7)?,
                    source: r.get(8)?,
                    domains: Vec::new(),
                })
            })
            .op("list organisations")?;
        let mut out = Vec::new();
        for row in rows {
            let mut org = row.op("read an organisation")?;
            if !wanted(&org.id) {
                continue;
            }
            org.domains = domains.remove(&org.id).unwrap_or_default();
            out.push(org);
        }
        Ok(out)
    }

    /// Puts messages in the outbox in one transaction. A key already there is left as it is.
    pub fn enqueue(&mut self, messages: &[NewMessage], now: DateTime<Utc>) -> Result<Vec<Enqueued>> {
        let tx = self.write("begin enqueue")?;
        let out = enqueue_in(&tx, messages, now)?;
        tx.commit().op("commit enqueue")?;
        Ok(out)
    }

    /// Records the process this register belongs to (checked on every use, so one data directory
    /// never mixes two processes).
    pub fn claim_process(&mut self, id: &str) -> Result<()> {
        match self.meta("process")? {
            Some(existing) if existing != id => Err(RegisterError::Invalid(format!(
                "the register {} belongs to the process {existing:?}, not {id:?}; use another --data-dir",
                self.path.display()
            ))),
            Some(_) => Ok(()),
            None => self.set_meta("process", id),
        }
    }

    /// Which of these keys are already in the outbox, and how they stand.
    pub fn outbox_status(&self, keys: &[String]) -> Result<HashMap<String, OutboxStatus>> {
        let mut stmt = self
            .conn
            .prepare("SELECT status FROM outbox WHERE idem_key = ?1")
            .op("prepare outbox lookup")?;
        let mut out = HashMap::new();
        for key in keys {
            if let Some(status) = stmt
                .query_row([key], |r| r.get::<_, String>(0))
                .optional()
                .op("look up an outbox key")?
            {
                out.insert(key.clone(), OutboxStatus::parse(&status));
            }
        }
        Ok(out)
    }

    /// Up to `limit` ids of messages due at `now` (queued, or interrupted while sending), in the
    /// order they fell due, leaving out those in `skip` (already in hand).
    pub fn due_ids(&self, now: DateTime<Utc>, limit: usize, skip: &HashSet<i64>) -> Result<Vec<i64>> {
        let sql = format!(
            "SELECT id FROM outbox
             WHERE status IN ('queued', 'sending') AND {TAKEABLE} AND not_before <= ?1
             ORDER BY not_before, id
             LIMIT ?2"
        )
        .replace("?OWNER", "?3");
        let mut stmt = self.conn.prepare_cached(&sql).op("prepare the due query")?;
        let wanted = limit.saturating_add(skip.len()).min(i64::MAX as usize) as i64;
        let rows = stmt
            .query_map(params![ts(now), wanted, self.me()], |r| r.get::<_, i64>(0))
            .op("find due messages")?;
        let mut out = Vec::new();
        for row in rows {
            let id = row.op("read a due message")?;
            if !skip.contains(&id) {
                out.push(id);
                if out.len() == limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    /// How many messages are due at `now`.
    pub fn count_due(&self, now: DateTime<Utc>) -> Result<u64> {
        let sql = format!(
            "SELECT COUNT(*) FROM outbox
             WHERE status IN ('queued', 'sending') AND {TAKEABLE} AND not_before <= ?1"
        )
        .replace("?OWNER", "?2");
        self.conn
            .query_row(&sql, params![ts(now), self.me()], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
            .op("count due messages")
    }

    /// The earliest moment a queued message falls due, if any is waiting.
    pub fn next_due(&self) -> Result<Option<DateTime<Utc>>> {
        let sql = format!(
            "SELECT MIN(not_before) FROM outbox WHERE status IN ('queued', 'sending') AND {TAKEABLE}"
        )
        .replace("?OWNER", "?1");
        let next: Option<String> = self
            .conn
            .query_row(&sql, [self.me()], |r| r.get(0))
            .op("find the next due message")?;
        Ok(next.as_deref().and_then(parse_ts))
    }

    /// Starts an attempt at message `id`: records it as "sending" (committed before the first
    /// byte goes to the server, so a crash from here on is seen at restart as "may have been
    /// sent") and returns the message as it stood before. `None` if it is no longer waiting.
    pub fn begin_attempt(&mut self, id: i64, now: DateTime<Utc>) -> Result<Option<Outgoing>> {
        let me = self.me().to_string();
        let tx = self.write("begin an attempt")?;
        let sql = format!(
            "SELECT o.id, o.idem_key, o.kind, o.org_id, o.message_id, o.envelope_from, o.recipients,
                    o.subject, b.body, o.status, o.attempts, o.first_attempt_at
             FROM outbox o JOIN outbox_bodies b ON b.outbox_id = o.id
             WHERE o.id = ?1 AND {}",
            TAKEABLE.replace("status", "o.status").replace("owner", "o.owner")
        )
        .replace("?OWNER", "?2");
        let message = tx
            .prepare_cached(&sql)
            .and_then(|mut stmt| {
                stmt.query_row(params![id, me], |r| {
                    let recipients: String = r.get(6)?;
                    let status: String = r.get(9)?;
                    let first: Option<String> = r.get(11)?;
                    Ok(Outgoing {
                        id: r.get(0)?,
                        key: r.get(1)?,
                        kind: r.get(2)?,
                        org_id: r.get(3)?,
                        message_id: r.get(4)?,
                        envelope_from: r.get(5)?,
                        recipients: serde_json::from_str(&recipients).unwrap_or_default(),
                        subject: r.get(7)?,
                        body: r.get(8)?,
                        status: OutboxStatus::parse(&status),
                        attempts: r.get::<_, i64>(10)? as u32,
                        first_attempt_at: first.as_deref().and_then(parse_ts),
                    })
                })
                .optional()
            })
            .op("read a message to send")?;
        if message.is_some() {
            exec(
                &tx,
                "mark a message as sending",
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1,
                        first_attempt_at = COALESCE(first_attempt_at, ?2), waiting_since = ?2,
                        owner = ?3
                 WHERE id = ?1",
                params![id, ts(now), me],
            )?;
        }
        tx.commit().op("commit the start of an attempt")?;
        Ok(message)
    }

    /// Records that the server accepted the message.
    pub fn mark_sent(&mut self, id: i64, now: DateTime<Utc>, reply: &str, copy_to_sent: bool) -> Result<()> {
        let tx = self.write("begin mark sent")?;
        exec(
            &tx,
            "mark a message as sent",
            "UPDATE outbox SET status = 'sent', sent_at = ?2, smtp_reply = ?3, last_error = NULL,
                    error_code = NULL, sent_copy = ?4
             WHERE id = ?1",
            params![id, ts(now), reply, if copy_to_sent { "pending" } else { "none" }],
        )?;
        log_outbox_change(&tx, id, now, "sent", reply)?;
        tx.commit().op("commit mark sent")?;
        Ok(())
    }

    /// Records a transient failure and when to try again.
    pub fn mark_retry(
        &mut self,
        id: i64,
        not_before: DateTime<Utc>,
        error: &str,
        code: Option<u16>,
    ) -> Result<()> {
        exec(
            &self.conn,
            "schedule a retry",
            "UPDATE outbox SET status = 'queued', not_before = ?2, last_error = ?3, error_code = ?4
             WHERE id = ?1",
            params![id, ts(not_before), error, code],
        )?;
        Ok(())
    }

    /// Moves every message due at `now` to `until`: the way to the server failed, and none of
    /// them should be tried before the failed one is. Returns how many were moved.
    pub fn defer_due(&mut self, now: DateTime<Utc>, until: DateTime<Utc>) -> Result<u64> {
        let sql = format!(
            "UPDATE outbox SET not_before = ?2, waiting_since = ?1
             WHERE status IN ('queued', 'sending') AND {TAKEABLE} AND not_before <= ?1"
        )
        .replace("?OWNER", "?3");
        self.conn
            .execute(&sql, params![ts(now), ts(until), self.me()])
            .map(|n| n as u64)
            .op("defer due messages")
    }

    /// Keeps every wait relative to when it began. A wait that began after `now` means the
    /// clock stepped back (a corrected system clock, a rehearsal's `--now` set earlier): its
    /// moment is moved to `now` plus what was left of the wait, never later. Without this, a
    /// message retried at 10:00 for 10:01 and a clock set back to 09:00 waited an hour.
    /// Returns how many waits were moved.
    pub fn reanchor_waits(&mut self, now: DateTime<Utc>) -> Result<u64> {
        let tx = self.write("begin re-keying waits")?;
        let moved: Vec<(i64, String, String)> = {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT id, not_before, waiting_since FROM outbox
                     WHERE status IN ('queued', 'sending') AND waiting_since > ?1",
                )
                .op("prepare the waits in the future")?;
            let rows = stmt
                .query_map([ts(now)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .op("find the waits in the future")?;
            rows.collect::<std::result::Result<_, _>>()
                .op("read a wait in the future")?
        };
        for (id, not_before, since) in &moved {
            let wait = match (parse_ts(not_before), parse_ts(since)) {
                (Some(at), Some(since)) => (at - since).max(chrono::Duration::zero()),
                _ => chrono::Duration::zero(),
            };
            exec(
                &tx,
                "re-key a wait",
                "UPDATE outbox SET not_before = ?2, waiting_since = ?3 WHERE id = ?1",
                params![id, ts(now + wait), ts(now)],
            )?;
        }
        tx.commit().op("commit re-keyed waits")?;
        Ok(moved.len() as u64)
    }

    /// Records a final failure with the server's words.
    pub fn mark_failed(&mut self, id: i64, now: DateTime<Utc>, error: &str, code: Option<u16>) -> Result<()> {
        let tx = self.write("begin mark failed")?;
        exec(
            &tx,
            "mark a message as failed",
            "UPDATE outbox SET status = 'failed', last_error = ?2, error_code = ?3 WHERE id = ?1",
            params![id, error, code],
        )?;
        log_outbox_change(&tx, id, now, "failed", error)?;
        tx.commit().op("commit mark failed")?;
        Ok(())
    }

    /// Messages sent whose copy has not reached the Sent folder yet.
    pub fn pending_copies(&self, limit: usize) -> Result<Vec<PendingCopy>> {
        rows_of(
            &self.conn,
            "list pending copies",
            "SELECT o.id, o.message_id, o.org_id, b.body
                 FROM outbox o JOIN outbox_bodies b ON b.outbox_id = o.id
                 WHERE o.sent_copy = 'pending' ORDER BY o.id LIMIT ?1",
            [limit as i64],
            |r| {
                Ok(PendingCopy {
                    id: r.get(0)?,
                    message_id: r.get(1)?,
                    org_id: r.get(2)?,
                    body: r.get(3)?,
                })
            },
        )
    }

    /// Records that a message's copy is in the Sent folder.
    pub fn mark_copied(&mut self, id: i64) -> Result<()> {
        self.conn
            .execute("UPDATE outbox SET sent_copy = 'done' WHERE id = ?1", [id])
            .op("mark a copy as done")?;
        Ok(())
    }

    /// Counts of the outbox by state, for one kind of message or all.
    pub fn outbox_counts(&self, kind: Option<&str>) -> Result<OutboxCounts> {
        let mut stmt = self
            .conn
            .prepare("SELECT status, COUNT(*) FROM outbox WHERE ?1 IS NULL OR kind = ?1 GROUP BY status")
            .op("prepare outbox counts")?;
        let rows = stmt
            .query_map([kind], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })
            .op("count the outbox")?;
        let mut counts = OutboxCounts::default();
        for row in rows {
            let (status, n) = row.op("read an outbox count")?;
            match OutboxStatus::parse(&status) {
                OutboxStatus::Queued => counts.queued = n,
                OutboxStatus::Sending => counts.sending = n,
                OutboxStatus::Sent => counts.sent = n,
                OutboxStatus::Failed => counts.failed = n,
            }
        }
        Ok(counts)
    }

    /// The latest invitation to each organisation.
    pub fn invitation_states(&self) -> Result<HashMap<String, InvitationState>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT org_id, status, revision, message_id, sent_at, last_error, attempts,
                        bounced_at, bounce_status, bounce_permanent
                 FROM outbox WHERE kind = 'invitation' AND org_id IS NOT NULL
                 ORDER BY org_id, revision, id",
            )
            .op("prepare invitation states")?;
        let rows = stmt
            .query_map([], |r| {
                let status: String = r.get(1)?;
                let sent_at: Option<String> = r.get(4)?;
                let bounced_at: Option<String> = r.get(7)?;
                Ok((
                    r.get::<_, String>(0)?,
                    InvitationState {
                        status: OutboxStatus::parse(&status),
                        revision: r.get::<_, i64>(2)? as u32,
                        message_id: r.get(3)?,
                        sent_at: sent_at.as_deref().and_then(parse_ts),
                        error: r.get(5)?,
                        attempts: r.get::<_, i64>(6)? as u32,
                        bounced_at: bounced_at.as_deref().and_then(parse_ts),
                        bounce_status: r.get(8)?,
                        bounce_permanent: r.get::<_, Option<i64>>(9)?.map(|v| v != 0),
                    },
                ))
            })
            .op("read invitation states")?;
        let mut out = HashMap::new();
        for row in rows {
            let (org, state) = row.op("read an invitation state")?;
            // Ordered by revision, then as written: the last one (sent again to a new address) wins.
            out.insert(org, state);
        }
        Ok(out)
    }
}

/// A registration for an event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RegistrationRow {
    pub org_id: String,
    pub event_id: String,
    pub status: String,
    pub attendees: serde_json::Value,
    pub attendee_count: Option<u32>,
    pub late: bool,
    pub updated_at: String,
    pub message_id: String,
}

/// An organisation's contact person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContactRow {
    pub org_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub updated_at: String,
    pub message_id: String,
}

/// Something a person must settle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReviewRow {
    pub id: i64,
    pub message_id: Option<String>,
    pub org_id: Option<String>,
    /// Why, in English.
    pub reason: String,
    /// Why, in bokmål (the English, for an item set aside before there was one).
    pub reason_nb: String,
    pub proposal: Option<serde_json::Value>,
    pub status: String,
    pub created_at: String,
}

impl Register {
    /// How a scheduled action ended (done, missed), if it has.
    pub fn schedule_outcome(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT outcome FROM schedule_runs WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .op("read a scheduled action")
    }

    /// Records that a scheduled action was done or missed; the first record stands.
    pub fn record_schedule(
        &mut self,
        key: &str,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
        outcome: &str,
    ) -> Result<()> {
        self.conn
            .execute(
                "INSERT INTO schedule_runs (key, due_at, done_at, outcome) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (key) DO NOTHING",
                params![key, ts(due), ts(now), outcome],
            )
            .op("record a scheduled action")?;
        Ok(())
    }

    /// Every registration.
    pub fn registrations(&self) -> Result<Vec<RegistrationRow>> {
        rows_of(
            &self.conn,
            "list registrations",
            "SELECT org_id, event_id, status, attendees, attendee_count, late, updated_at, message_id
                 FROM registrations ORDER BY org_id, event_id",
            [],
            |r| {
                let attendees: String = r.get(3)?;
                Ok(RegistrationRow {
                    org_id: r.get(0)?,
                    event_id: r.get(1)?,
                    status: r.get(2)?,
                    attendees: serde_json::from_str(&attendees)
                        .unwrap_or(serde_json::Value::Array(Vec::new())),
                    attendee_count: r.get::<_, Option<i64>>(4)?.map(|n| n as u32),
                    late: r.get::<_, i64>(5)? != 0,
                    updated_at: r.get(6)?,
                    message_id: r.get(7)?,
                })
            },
        )
    }

    /// Every contact person.
    pub fn contacts(&self) -> Result<Vec<ContactRow>> {
        rows_of(
            &self.conn,
            "list contacts",
            "SELECT org_id, name, email, phone, updated_at, message_id FROM contacts ORDER BY org_id",
            [],
            |r| {
                Ok(ContactRow {
                    org_id: r.get(0)?,
                    name: r.get(1)?,
                    email: r.get(2)?,
                    phone: r.get(3)?,
                    updated_at: r.get(4)?,
                    message_id: r.get(5)?,
                })
            },
        )
    }

    /// The review items still open.
    pub fn open_review_items(&self) -> Result<Vec<ReviewRow>> {
        rows_of(
            &self.conn,
            "list review items",
            "SELECT id, message_id, org_id, reason, proposal, status, created_at, COALESCE(reason_nb, reason)
                 FROM review_items WHERE status = 'open' ORDER BY id",
            [],
            |r| {
                let proposal: Option<String> = r.get(4)?;
                Ok(ReviewRow {
                    id: r.get(0)?,
                    message_id: r.get(1)?,
                    org_id: r.get(2)?,
                    reason_nb: r.get(7)?,
                    reason: r.get(3)?,
                    proposal: proposal.and_then(|p| serde_json::from_str(&p).ok()),
                    status: r.get(5)?,
                    created_at: r.get(6)?,
                })
            },
        )
    }
}

/// Enqueues `messages` within an open transaction.
pub(crate) fn enqueue_in(
    tx: &rusqlite::Transaction<'_>,
    messages: &[NewMessage],
    now: DateTime<Utc>,
) -> Result<Vec<Enqueued>> {
    let at = ts(now);
    let mut out = Vec::with_capacity(messages.len());
    let mut insert = tx
        .prepare_cached(
            "INSERT INTO outbox (idem_key, kind, org_id, event_id, revision, message_id, envelope_from,
                                 recipients, subject, lang, not_before, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (idem_key) DO NOTHING",
        )
        .op("prepare enqueue")?;
    let mut insert_body = tx
        .prepare_cached("INSERT INTO outbox_bodies (outbox_id, body) VALUES (?1, ?2)")
        .op("prepare enqueue")?;
    let mut existing = tx
        .prepare_cached("SELECT id, status FROM outbox WHERE idem_key = ?1")
        .op("prepare enqueue")?;
    for m in messages {
        let recipients =
            serde_json::to_string(&m.recipients).map_err(|e| RegisterError::Invalid(e.to_string()))?;
        let inserted = insert
            .execute(params![
                m.key,
                m.kind,
                m.org_id,
                m.event_id,
                m.revision,
                m.message_id,
                m.envelope_from,
                recipients,
                m.subject,
                m.lang,
                ts(m.not_before),
                at
            ])
            .op("enqueue a message")?;
        if inserted == 1 {
            let id = tx.last_insert_rowid();
            insert_body
                .execute(params![id, m.body])
                .op("store a message's bytes")?;
            out.push(Enqueued::New(id));
        } else {
            let (id, status): (i64, String) = existing
                .query_row([&m.key], |r| Ok((r.get(0)?, r.get(1)?)))
                .op("read an enqueued message")?;
            out.push(Enqueued::Existing {
                id,
                status: OutboxStatus::parse(&status),
            });
        }
    }
    Ok(out)
}

fn log_outbox_change(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    now: DateTime<Utc>,
    status: &str,
    detail: &str,
) -> Result<()> {
    exec(
        tx,
        "log a delivery change",
        "INSERT INTO changes (at, org_id, entity, field, new, message_id, actor)
         SELECT ?2, org_id, kind, 'status', ?3 || ': ' || ?4, message_id, 'daemon' FROM outbox WHERE id = ?1",
        params![id, ts(now), status, detail],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
