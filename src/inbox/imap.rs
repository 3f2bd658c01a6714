//! Reads the coordinator's IMAP folder: everything new since the last UID recorded (all of it
//! again, without acting twice, when UIDVALIDITY changes), then waits with IDLE for more, renewed
//! before the server's timeout, or polls where IDLE is missing; reconnects with backoff when the
//! connection drops. The mailbox is not changed unless the config asks for a keyword or a move:
//! messages are fetched with BODY.PEEK and the folder is opened read-only.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::Notify;
use tracing::{debug, info, warn};

use super::{Incoming, Processed, Tally};
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

/// Messages fetched at a time, at most.
const FETCH_BATCH: usize = 25;
/// The most bytes fetched at a time, by the sizes the server reports: a bigger message is fetched
/// alone, so memory holds one big message at a time, never a batch of them.
const BATCH_BYTES: u64 = 4 * 1024 * 1024;
/// UIDs whose sizes are asked for in one command.
const SIZE_BATCH: usize = 500;

/// How one part of a round is fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fetch {
    /// These messages whole, at once (one alone when it is big or its size unknown).
    Whole(Vec<u32>),
    /// Too big to read: its header only.
    Header { uid: u32, size: u64 },
}

/// The fetches for `uids` (ascending), from the sizes the server reported (RFC822.SIZE): small
/// messages in batches of at most [`FETCH_BATCH`] and [`BATCH_BYTES`], bigger ones alone, and
/// those over `limit` by their header. UID order is kept, so that a crash resumes after the last
/// message recorded. Pure.
fn plan(uids: &[u32], sizes: &HashMap<u32, u64>, limit: u64) -> Vec<Fetch> {
    let mut out = Vec::new();
    let mut batch: Vec<u32> = Vec::new();
    let mut bytes = 0u64;
    let flush = |out: &mut Vec<Fetch>, batch: &mut Vec<u32>, bytes: &mut u64| {
        if !batch.is_empty() {
            out.push(Fetch::Whole(std::mem::take(batch)));
        }
        *bytes = 0;
    };
    for &uid in uids {
        match sizes.get(&uid).copied() {
            Some(size) if size > limit => {
                flush(&mut out, &mut batch, &mut bytes);
                out.push(Fetch::Header { uid, size });
            }
            Some(size) if size <= BATCH_BYTES => {
                if batch.len() == FETCH_BATCH || bytes + size > BATCH_BYTES {
                    flush(&mut out, &mut batch, &mut bytes);
                }
                batch.push(uid);
                bytes += size;
            }
            // Big, or of a size the server did not say: alone (the fetch is capped at the limit).
            _ => {
                flush(&mut out, &mut batch, &mut bytes);
                out.push(Fetch::Whole(vec![uid]));
            }
        }
    }
    flush(&mut out, &mut batch, &mut bytes);
    out
}

/// The header of a message's first bytes (up to the empty line, at most [`super::HEADER_MAX`]).
fn header_of(start: &[u8]) -> Vec<u8> {
    let max = start.len().min(super::HEADER_MAX as usize);
    let mut at = 0;
    while at < max {
        let end = memchr::memchr(b'\n', &start[at..max]).map_or(max, |i| at + i + 1);
        let line = &start[at..end];
        at = end;
        if line == b"\n" || line == b"\r\n" {
            break;
        }
    }
    start[..at].to_vec()
}

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
        // What the server announced before now is read by this round's search. What it
        // announces from here on (an EXISTS in the answer to a FETCH, say) is kept, for the
        // caller to read again rather than wait in IDLE for news the server already gave.
        while session.unsolicited_responses.try_recv().is_ok() {}
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
        let limit = self.config.inbox.max_message_size;
        for chunk in uids.chunks(SIZE_BATCH) {
            let sizes = self.sizes(session, chunk).await?;
            for fetch in plan(chunk, &sizes, limit) {
                let fetched = match fetch {
                    Fetch::Whole(batch) => self.fetch_whole(session, &batch, &sizes, limit).await?,
                    Fetch::Header { uid, size } => self.fetch_header(session, uid, size).await?,
                };
                for (uid, incoming) in fetched {
                    let processed = self.record(&key, uidvalidity, uid, incoming).await?;
                    tally.add(&processed);
                    self.after(session, uid).await?;
                }
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
        Ok(tally)
    }

    /// Whether the server said something while the last round read the folder: news of a
    /// message that came meanwhile, which IDLE, begun after it, would not give again.
    fn announced(session: &mut Session) -> bool {
        let mut any = false;
        while session.unsolicited_responses.try_recv().is_ok() {
            any = true;
        }
        any
    }

    /// The sizes the server reports for `uids` (RFC822.SIZE); a message it says none for is
    /// left out.
    async fn sizes(&self, session: &mut Session, uids: &[u32]) -> Result<HashMap<u32, u64>, InboxError> {
        let set = uids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let mut sizes = HashMap::new();
        let mut stream = session
            .uid_fetch(&set, "(UID RFC822.SIZE)")
            .await
            .map_err(|e| self.fail("fetch the sizes", e))?;
        while let Some(item) = stream.next().await {
            let item = item.map_err(|e| self.fail("fetch the sizes", e))?;
            if let (Some(uid), Some(size)) = (item.uid, item.size) {
                sizes.insert(uid, u64::from(size));
            }
        }
        Ok(sizes)
    }

    /// Fetches `batch` whole, each capped at one byte over `limit`: a message that turns out
    /// bigger than the server said (Exchange's sizes are estimates) is kept by its header only.
    async fn fetch_whole(
        &self,
        session: &mut Session,
        batch: &[u32],
        sizes: &HashMap<u32, u64>,
        limit: u64,
    ) -> Result<Vec<(u32, Incoming)>, InboxError> {
        let set = batch.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let query = format!("(UID BODY.PEEK[]<0.{}>)", limit + 1);
        let mut fetched: Vec<(u32, Incoming)> = Vec::with_capacity(batch.len());
        let mut stream = session
            .uid_fetch(&set, &query)
            .await
            .map_err(|e| self.fail("fetch", e))?;
        while let Some(item) = stream.next().await {
            let item = item.map_err(|e| self.fail("fetch", e))?;
            if let (Some(uid), Some(body)) = (item.uid, item.body()) {
                let incoming = if body.len() as u64 > limit {
                    Incoming::TooBig {
                        header: header_of(body),
                        size: sizes.get(&uid).copied().filter(|s| *s > limit),
                    }
                } else {
                    Incoming::Whole(body.to_vec())
                };
                fetched.push((uid, incoming));
            }
        }
        fetched.sort_by_key(|(uid, _)| *uid);
        Ok(fetched)
    }

    /// Fetches the header of a message too big to read (at most [`super::HEADER_MAX`] of it).
    async fn fetch_header(
        &self,
        session: &mut Session,
        uid: u32,
        size: u64,
    ) -> Result<Vec<(u32, Incoming)>, InboxError> {
        let query = format!("(UID BODY.PEEK[HEADER]<0.{}>)", super::HEADER_MAX);
        let mut fetched = Vec::new();
        let mut stream = session
            .uid_fetch(uid.to_string(), &query)
            .await
            .map_err(|e| self.fail("fetch a header", e))?;
        while let Some(item) = stream.next().await {
            let item = item.map_err(|e| self.fail("fetch a header", e))?;
            if let (Some(got), Some(header)) = (item.uid, item.header())
                && got == uid
            {
                fetched.push((
                    uid,
                    Incoming::TooBig {
                        header: header.to_vec(),
                        size: Some(size),
                    },
                ));
            }
        }
        Ok(fetched)
    }

    async fn record(
        &self,
        key: &str,
        uidvalidity: i64,
        uid: u32,
        incoming: Incoming,
    ) -> Result<Processed, InboxError> {
        let understood = match &incoming {
            Incoming::Whole(raw) => understand::understand(raw, &self.ctx),
            Incoming::TooBig { header, .. } => understand::understand(header, &self.ctx),
        };
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
                let processed = match &incoming {
                    Incoming::Whole(raw) => super::record(r, &config, &loc, &understood, raw, now)?,
                    Incoming::TooBig { header, size } => {
                        super::record_too_big(r, &config, &loc, &understood, header, *size, now)?
                    }
                };
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
            if Self::announced(&mut session) {
                debug!("the server announced changes while the folder was read: reading it again");
                continue;
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
        let incoming = match super::files::read(&message.path, config.inbox.max_message_size) {
            Ok(incoming) => incoming,
            // Moved or removed by a mail client meanwhile: it will be found again where it went.
            Err(e) => {
                debug!(path = %message.path.display(), error = %e, "a message went away while reading");
                continue;
            }
        };
        let processed = super::process_incoming(register, config, ctx, &message.location, &incoming, now)?;
        tally.add(&processed);
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1_000_000;

    #[test]
    fn big_messages_are_fetched_alone_and_those_over_the_limit_by_their_header() {
        let uids: Vec<u32> = (1..=9).collect();
        let sizes: HashMap<u32, u64> = [
            (1, 10_000),
            (2, 20_000),
            (3, 50 * MB),
            (4, 30_000),
            (5, 20 * MB),
            (6, 3 * MB),
            (7, 2 * MB),
            // 8: the server said no size.
            (9, 25 * MB),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            plan(&uids, &sizes, 25 * MB),
            [
                Fetch::Whole(vec![1, 2]),
                Fetch::Header {
                    uid: 3,
                    size: 50 * MB
                },
                Fetch::Whole(vec![4]),
                Fetch::Whole(vec![5]),
                Fetch::Whole(vec![6]),
                Fetch::Whole(vec![7]),
                Fetch::Whole(vec![8]),
                Fetch::Whole(vec![9]),
            ]
        );
    }

    #[test]
    fn a_batch_holds_at_most_25_messages_and_4_mib() {
        let uids: Vec<u32> = (1..=60).collect();
        let sizes: HashMap<u32, u64> = uids.iter().map(|u| (*u, 1000)).collect();
        let batches: Vec<usize> = plan(&uids, &sizes, 25 * MB)
            .iter()
            .map(|f| match f {
                Fetch::Whole(b) => b.len(),
                Fetch::Header { .. } => 0,
            })
            .collect();
        assert_eq!(batches, [25, 25, 10]);
        let sizes: HashMap<u32, u64> = uids.iter().map(|u| (*u, MB)).collect();
        let first = &plan(&uids, &sizes, 25 * MB)[0];
        assert_eq!(first, &Fetch::Whole(vec![1, 2, 3, 4]));
    }

    #[test]
    fn the_header_of_a_message_cut_short_ends_at_its_empty_line() {
        let start = b"From: a@b.example\r\nSubject: x\r\n\r\nbody that goes on";
        assert_eq!(header_of(start), b"From: a@b.example\r\nSubject: x\r\n\r\n");
        // No empty line within the bytes there are: all of them (at most HEADER_MAX).
        let endless = vec![b'x'; 300 * 1024];
        assert_eq!(header_of(&endless).len(), crate::inbox::HEADER_MAX as usize);
    }
}
