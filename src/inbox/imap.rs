//! Reads the coordinator's IMAP folder: everything new since the last UID recorded (all of it
//! again, without acting twice, when UIDVALIDITY changes), then waits with IDLE for more, renewed
//! before the server's timeout, or polls where IDLE is missing; reconnects with backoff when the
//! connection drops. The mailbox is not changed unless the config asks for a keyword or a move:
//! messages are fetched with BODY.PEEK and the folder is opened read-only.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::Notify;
use tracing::{debug, info, warn};

use super::{Processed, Tally};
use crate::clock::Clock;
use crate::config::{Config, ImapConfig};
use crate::net::imap::{self, ImapError, Session};
use crate::register::inbound::Location;
use crate::register::{RegisterError, RegisterHandle};
use crate::shutdown::Shutdown;
use crate::understand;

/// Reading stopped.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error(transparent)]
    Connect(#[from] ImapError),
    #[error("imap {server}: cannot {step} in {folder}: {reason}")]
    Folder {
        server: String,
        folder: String,
        step: &'static str,
        reason: String,
    },
    #[error(transparent)]
    Register(#[from] RegisterError),
}

/// Messages fetched at a time.
const FETCH_BATCH: usize = 25;

/// The reader of one IMAP folder.
#[derive(Clone)]
pub struct Reader {
    /// The server and login (the config's [imap] section).
    pub imap: ImapConfig,
    pub config: Arc<Config>,
    pub register: RegisterHandle,
    pub ctx: Arc<understand::Context>,
    pub clock: Clock,
}

impl Reader {
    fn imap(&self) -> &ImapConfig {
        &self.imap
    }

    /// The name the register knows this mailbox by.
    pub fn mailbox_key(&self) -> String {
        let imap = self.imap();
        format!(
            "imap:{}@{}/{}",
            imap.auth.user, imap.host, self.config.inbox.folder
        )
    }

    fn fail(&self, step: &'static str, e: impl std::fmt::Display) -> InboxError {
        let imap = self.imap();
        InboxError::Folder {
            server: format!("{}:{}", imap.host, imap.port),
            folder: self.config.inbox.folder.clone(),
            step,
            reason: e.to_string(),
        }
    }

    /// Whether the mailbox is changed after reading (a keyword or a move).
    fn changes_mailbox(&self) -> bool {
        self.config.inbox.processed_keyword.is_some() || self.config.inbox.move_to.is_some()
    }

    /// Reads everything new once. Each message is recorded with the highest UID reached, so a
    /// crash at any point resumes after the last message recorded.
    pub async fn sync(&self, session: &mut Session) -> Result<Tally, InboxError> {
        let folder = self.config.inbox.folder.clone();
        let mailbox = if self.changes_mailbox() {
            session
                .select(&folder)
                .await
                .map_err(|e| self.fail("select", e))?
        } else {
            session
                .examine(&folder)
                .await
                .map_err(|e| self.fail("open (read-only)", e))?
        };
        let uidvalidity = i64::from(mailbox.uid_validity.unwrap_or(0));
        let key = self.mailbox_key();
        let lookup = key.clone();
        let state = self.register.call(move |r| r.mailbox_state(&lookup)).await?;
        let from = match state {
            Some((validity, last)) if validity == uidvalidity => last + 1,
            Some((validity, _)) => {
                warn!(mailbox = %key, old = validity, new = uidvalidity, "UIDVALIDITY changed: reading the folder again (messages read before are recognised by Message-ID)");
                1
            }
            None => 1,
        };
        let found = session
            .uid_search(format!("UID {from}:*"))
            .await
            .map_err(|e| self.fail("search", e))?;
        // "n:*" always includes the highest UID, even below n.
        let mut uids: Vec<u32> = found.into_iter().filter(|u| i64::from(*u) >= from).collect();
        uids.sort_unstable();
        let mut tally = Tally::default();
        for chunk in uids.chunks(FETCH_BATCH) {
            let set = chunk.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
            let mut fetched: Vec<(u32, Vec<u8>)> = Vec::with_capacity(chunk.len());
            {
                let mut stream = session
                    .uid_fetch(&set, "(UID BODY.PEEK[])")
                    .await
                    .map_err(|e| self.fail("fetch", e))?;
                while let Some(item) = stream.next().await {
                    let item = item.map_err(|e| self.fail("fetch", e))?;
                    if let (Some(uid), Some(body)) = (item.uid, item.body()) {
                        fetched.push((uid, body.to_vec()));
                    }
                }
            }
            fetched.sort_by_key(|(uid, _)| *uid);
            for (uid, raw) in fetched {
                let processed = self.record(&key, uidvalidity, uid, raw).await?;
                tally.add(&processed);
                self.after(session, uid).await?;
            }
        }
        // The state moves on even when nothing new came, to note a new UIDVALIDITY.
        if uids.is_empty() && state.is_none_or(|(v, _)| v != uidvalidity) {
            let last = state
                .filter(|(v, _)| *v == uidvalidity)
                .map(|(_, l)| l)
                .unwrap_or(0);
            self.register
                .call(move |r| r.set_mailbox_state(&key, uidvalidity, last))
                .await?;
        }
        while session.unsolicited_responses.try_recv().is_ok() {}
        Ok(tally)
    }

    async fn record(
        &self,
        key: &str,
        uidvalidity: i64,
        uid: u32,
        raw: Vec<u8>,
    ) -> Result<Processed, InboxError> {
        let understood = understand::understand(&raw, &self.ctx);
        let location = Location {
            mailbox: key.to_string(),
            uidvalidity,
            uid: i64::from(uid),
        };
        let config = Arc::clone(&self.config);
        let now = self.clock.now();
        let key = key.to_string();
        let loc = location.clone();
        let processed = self
            .register
            .call(move |r| {
                let processed = super::record(r, &config, &loc, &understood, &raw, now)?;
                let last = r
                    .mailbox_state(&key)?
                    .filter(|(v, _)| *v == uidvalidity)
                    .map(|(_, l)| l)
                    .unwrap_or(0);
                r.set_mailbox_state(&key, uidvalidity, last.max(i64::from(uid)))?;
                Ok(processed)
            })
            .await?;
        super::log(&processed, &location);
        crate::failpoint::hit("after-inbox-record");
        Ok(processed)
    }

    /// Marks or moves a processed message when the config asks for it.
    async fn after(&self, session: &mut Session, uid: u32) -> Result<(), InboxError> {
        if let Some(keyword) = &self.config.inbox.processed_keyword {
            let mut updates = session
                .uid_store(uid.to_string(), format!("+FLAGS.SILENT ({keyword})"))
                .await
                .map_err(|e| self.fail("set the keyword", e))?;
            while updates.next().await.is_some() {}
        } else if let Some(folder) = &self.config.inbox.move_to {
            session
                .uid_mv(uid.to_string(), folder)
                .await
                .map_err(|e| self.fail("move the message", e))?;
        }
        Ok(())
    }

    /// Connects, reads everything new, and logs out: for `run --once`.
    pub async fn once(&self) -> Result<Tally, InboxError> {
        let mut session = imap::connect(self.imap()).await?;
        let tally = self.sync(&mut session).await?;
        let _ = session.logout().await;
        Ok(tally)
    }

    /// Reads until shutdown: sync, then IDLE (or poll) until something arrives, again and again,
    /// reconnecting with backoff when the connection fails or the register is busy. `woke` is
    /// notified when a round applied changes, so the sender can send confirmations without
    /// delay. Ends with an error only when the register itself fails (a full disk, a damaged
    /// file): reading on would lose what it read.
    pub async fn run(&self, mut shutdown: Shutdown, woke: Arc<Notify>) -> Result<(), InboxError> {
        let mut backoff = Duration::from_secs(1);
        while !shutdown.is_shutdown() {
            match self.session_loop(&mut shutdown, &woke).await {
                Ok(()) => return Ok(()),
                Err(InboxError::Register(e)) if !e.is_busy() => return Err(InboxError::Register(e)),
                Err(e) => {
                    warn!(error = %e, retry_in = ?backoff, "reading the mailbox failed; reconnecting");
                    tokio::select! {
                        _ = shutdown.recv() => return Ok(()),
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(300));
                }
            }
        }
        Ok(())
    }

    /// One connection's life: returns Ok at shutdown, Err when the connection fails.
    async fn session_loop(&self, shutdown: &mut Shutdown, woke: &Arc<Notify>) -> Result<(), InboxError> {
        let mut session = imap::connect(self.imap()).await?;
        let can_idle = session
            .capabilities()
            .await
            .map(|c| c.has_str("IDLE"))
            .unwrap_or(false);
        info!(mailbox = %self.mailbox_key(), idle = can_idle, "reading the mailbox");
        loop {
            let tally = self.sync(&mut session).await?;
            if tally.read > 0 {
                info!(
                    read = tally.read,
                    applied = tally.applied,
                    review = tally.review,
                    "mailbox read"
                );
                woke.notify_one();
            }
            if shutdown.is_shutdown() {
                let _ = session.logout().await;
                return Ok(());
            }
            if can_idle {
                let mut idle = session.idle();
                idle.init().await.map_err(|e| self.fail("start IDLE", e))?;
                let (wait, stop) = idle.wait_with_timeout(self.config.inbox.idle_timeout);
                let stopping = tokio::select! {
                    r = wait => {
                        debug!(response = ?r.as_ref().map(|_| ()), "IDLE ended");
                        r.map_err(|e| self.fail("wait in IDLE", e))?;
                        false
                    }
                    _ = shutdown.recv() => true,
                };
                drop(stop);
                session = idle.done().await.map_err(|e| self.fail("end IDLE", e))?;
                if stopping {
                    let _ = session.logout().await;
                    return Ok(());
                }
            } else {
                tokio::select! {
                    _ = shutdown.recv() => {
                        let _ = session.logout().await;
                        return Ok(());
                    }
                    _ = tokio::time::sleep(self.config.inbox.poll_interval) => {}
                }
                session.noop().await.map_err(|e| self.fail("poll", e))?;
            }
        }
    }
}

/// Reads the local Maildir `dir` (the embedded default inbox) once.
pub fn sync_maildir(
    register: &mut crate::register::Register,
    config: &Config,
    ctx: &understand::Context,
    dir: &std::path::Path,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Tally, InboxError> {
    let mut tally = Tally::default();
    let messages = super::files::maildir(dir, "maildir:inbox").map_err(|e| InboxError::Folder {
        server: "local".into(),
        folder: dir.display().to_string(),
        step: "list",
        reason: e.to_string(),
    })?;
    for message in messages {
        if register.seen_at(&message.location)? {
            continue;
        }
        let raw = match std::fs::read(&message.path) {
            Ok(raw) => raw,
            // Moved or removed by a mail client meanwhile: it will be found again where it went.
            Err(e) => {
                debug!(path = %message.path.display(), error = %e, "a message went away while reading");
                continue;
            }
        };
        let processed = super::process(register, config, ctx, &message.location, &raw, now)?;
        tally.add(&processed);
    }
    Ok(tally)
}
