//! Drains the outbox through a transport: takes what is due, marks each message "sending" in the
//! register before its first byte leaves, sends it, and records the outcome the moment it
//! arrives. Transient failures are retried with backoff; permanent ones are recorded with the
//! server's words.
//!
//! A crash between "sending" and the record of the outcome leaves the message to the next run,
//! which sees another owner's "sending" row as interrupted. It first looks for the message in the
//! coordinator's Sent folder when one is configured (Exchange Online files what is submitted by
//! SMTP there; so can any server): found, it is marked sent, not sent again. Otherwise it is sent
//! again with the same bytes and Message-ID, and the log says so. That window (after the
//! server's 250, before the commit) is the only way a duplicate can arise, and it is kept as short
//! as the register's commit: a finished send never waits for a rate slot or another send.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use indicatif::ProgressBar;
use lettre::address::Envelope;
use tokio::task::JoinSet;
use tracing::{error, info, warn};

use crate::clock::Clock;
use crate::config::{Rate, RetryPolicy};
use crate::failpoint;
use crate::register::{OutboxStatus, Outgoing, RegisterError, RegisterHandle};
use crate::shutdown::Shutdown;
use crate::transport::ratelimit::RateLimiter;
use crate::transport::sent_copy::SentFolder;
use crate::transport::{SendError, Transport};

/// When a drain stops.
#[derive(Debug, Clone, Copy)]
pub enum Until {
    /// When nothing more is due now (retries wait for a later run).
    DueNow,
    /// When nothing is left, waiting for retries that fall due within `wait`.
    Settled { wait: Duration },
}

/// What a drain did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DrainReport {
    pub sent: u64,
    /// What was sent, by kind of message (invitation, confirmation, reminder, …).
    pub sent_by_kind: BTreeMap<String, u64>,
    pub failed: u64,
    /// Transient failures met; each was scheduled for another attempt.
    pub retrying: u64,
    /// Messages whose earlier attempt was interrupted, sent again with the same Message-ID.
    pub resumed: u64,
    /// Messages whose earlier attempt was interrupted and that were found in the Sent folder:
    /// marked sent, not sent again.
    pub found_sent: u64,
    /// Shutdown was asked for before everything due was done.
    pub interrupted: bool,
    /// The way to the server failed (cannot connect, TLS, login): the round stopped and every
    /// due message waits for the retry.
    pub connection_error: Option<String>,
}

impl DrainReport {
    /// How many of `kind` were sent.
    pub fn sent_of(&self, kind: &str) -> u64 {
        self.sent_by_kind.get(kind).copied().unwrap_or(0)
    }
}

/// Drains the outbox.
pub struct Dispatcher<T: Transport> {
    pub register: RegisterHandle,
    pub transport: Arc<T>,
    pub clock: Clock,
    pub retry: RetryPolicy,
    pub rate: Rate,
    /// Messages in flight at once (the SMTP pool's size).
    pub concurrency: usize,
    /// Whether each sent message should be copied to the Sent folder afterwards.
    pub copy_to_sent: bool,
    /// Where to look for a message whose sending was interrupted before resending it.
    pub sent_folder: Option<Arc<SentFolder>>,
    /// Shown on a terminal; hidden otherwise.
    pub progress: ProgressBar,
}

/// How a message went out.
#[derive(Debug)]
enum Delivered {
    /// The server accepted it, with these words.
    Sent(String),
    /// An interrupted attempt had delivered it already: it is in the Sent folder.
    FoundSent(String),
}

type Outcome = (Outgoing, Result<Delivered, SendError>);

/// Whether a drain goes on after an outcome.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Continue,
    StopRound,
}

/// Due ids fetched from the register at a time.
const BATCH: usize = 256;

impl<T: Transport> Dispatcher<T> {
    /// Sends what is due until `until` says stop or `shutdown` fires. Messages already handed to
    /// the server are always finished and recorded before it returns.
    ///
    /// One loop waits for three things at once: a send that finished (recorded at once), a rate
    /// slot with room for another send, and shutdown. Recording never waits for a slot: it used
    /// to, and a crash during the wait lost the record of sends the server had accepted, which
    /// the next run sent again (29 duplicates in 30 kills at 2 connections).
    pub async fn drain(&self, until: Until, shutdown: &mut Shutdown) -> Result<DrainReport, RegisterError> {
        let mut report = DrainReport::default();
        let mut in_flight: JoinSet<Outcome> = JoinSet::new();
        // Which message each send task carries, so a task that panics can be put right.
        let mut carried: HashMap<tokio::task::Id, i64> = HashMap::new();
        // Due ids fetched but not started yet.
        let mut queue: VecDeque<i64> = VecDeque::new();
        let mut limiter = RateLimiter::new(self.rate);
        let started = self.clock.now();
        // A clock that stepped back would leave retries waiting for a moment that moved away.
        self.register.call(move |r| r.reanchor_waits(started)).await?;
        let wait_until = match until {
            Until::DueNow => started,
            Until::Settled { wait } => {
                started + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero())
            }
        };
        let concurrency = self.concurrency.max(1);
        // Nothing more is due now (until a send finishes, or a retry falls due).
        let mut drained_now = false;
        loop {
            let stopping = shutdown.is_shutdown();
            if !stopping && queue.is_empty() && !drained_now && in_flight.len() < concurrency {
                let now = self.clock.now();
                let batch = self
                    .register
                    .call(move |r| r.due_ids(now, BATCH, &Default::default()))
                    .await?;
                drained_now = batch.is_empty();
                queue.extend(batch);
            }
            let can_start = !stopping && !queue.is_empty() && in_flight.len() < concurrency;
            if in_flight.is_empty() && !can_start {
                if stopping {
                    let now = self.clock.now();
                    report.interrupted = self.register.call(move |r| r.count_due(now)).await? > 0;
                    break;
                }
                // Nothing due now. Wait for the next retry if it falls due in time.
                let Some(next) = self.register.call(|r| r.next_due()).await? else {
                    break;
                };
                if matches!(until, Until::DueNow) || next > wait_until {
                    break;
                }
                let delay = (next - self.clock.now()).to_std().unwrap_or(Duration::ZERO);
                tokio::select! {
                    _ = shutdown.recv() => {}
                    _ = tokio::time::sleep(delay) => {}
                }
                drained_now = false;
                continue;
            }
            tokio::select! {
                biased;
                Some(joined) = in_flight.join_next_with_id(), if !in_flight.is_empty() => {
                    let (message, result) = match joined {
                        Ok((task, outcome)) => {
                            carried.remove(&task);
                            outcome
                        }
                        Err(e) => {
                            // A send task panicked: its message may or may not have reached
                            // the server, as after a crash. It is tried again after a backoff.
                            if let Some(id) = carried.remove(&e.id()) {
                                let next = self.clock.now()
                                    + chrono::Duration::from_std(self.retry.backoff(1))
                                        .unwrap_or(chrono::Duration::zero());
                                let text = format!("the attempt failed unexpectedly: {e}");
                                self.register.call(move |r| r.mark_retry(id, next, &text, None)).await?;
                                report.retrying += 1;
                            }
                            warn!(error = %e, "a send task failed unexpectedly");
                            continue;
                        }
                    };
                    if self.record(message, result, &mut report).await? == Next::StopRound {
                        // Nothing more this round: what is in flight finishes, the rest waits.
                        queue.clear();
                        drained_now = true;
                    } else {
                        // A retry may have fallen due meanwhile.
                        drained_now = report.connection_error.is_some();
                    }
                    self.progress.inc(1);
                }
                _ = shutdown.recv(), if !stopping => {}
                _ = limiter.ready(), if can_start => {
                    limiter.take();
                    let Some(id) = queue.pop_front() else { continue };
                    failpoint::hit("before-mark-sending");
                    let now = self.clock.now();
                    let Some(message) = self.register.call(move |r| r.begin_attempt(id, now)).await? else {
                        continue;
                    };
                    failpoint::hit("after-mark-sending");
                    let interrupted = message.status == OutboxStatus::Sending;
                    if interrupted {
                        warn!(
                            org = message.org_id.as_deref().unwrap_or("-"),
                            message_id = %message.message_id,
                            "an earlier attempt was interrupted and may have reached the server"
                        );
                    }
                    let transport = Arc::clone(&self.transport);
                    let sent_folder = self.sent_folder.clone().filter(|_| interrupted);
                    let task = in_flight.spawn(async move {
                        let result = deliver(&*transport, sent_folder.as_deref(), &message).await;
                        (message, result)
                    });
                    carried.insert(task.id(), id);
                }
            }
        }
        self.transport.close().await;
        Ok(report)
    }

    async fn record(
        &self,
        message: Outgoing,
        result: Result<Delivered, SendError>,
        report: &mut DrainReport,
    ) -> Result<Next, RegisterError> {
        let org = message.org_id.clone().unwrap_or_else(|| "-".into());
        let to = message.recipients.join(", ");
        let id = message.id;
        let now = self.clock.now();
        match result {
            Ok(Delivered::Sent(reply)) => {
                failpoint::hit("after-accept");
                let copy = self.copy_to_sent;
                let logged = reply.clone();
                self.register
                    .call(move |r| r.mark_sent(id, now, &reply, copy))
                    .await?;
                failpoint::hit("after-commit");
                report.sent += 1;
                *report.sent_by_kind.entry(message.kind.clone()).or_default() += 1;
                if message.status == OutboxStatus::Sending {
                    report.resumed += 1;
                    warn!(org, message_id = %message.message_id, to, kind = %message.kind,
                        "sent again after an interrupted attempt, with the same Message-ID");
                }
                info!(org, message_id = %message.message_id, to, kind = %message.kind, reply = %logged, "sent");
            }
            Ok(Delivered::FoundSent(folder)) => {
                let reply = format!("found in the Sent folder {folder:?} after an interrupted attempt");
                // Its copy is there already: none to make.
                self.register
                    .call(move |r| r.mark_sent(id, now, &reply, false))
                    .await?;
                report.found_sent += 1;
                info!(org, message_id = %message.message_id, to, kind = %message.kind, folder = %folder,
                    "an interrupted attempt had delivered it: found in the Sent folder, not sent again");
            }
            Err(error) if error.is_connection() => {
                // Not this message's fault: it and every other due message wait for the retry,
                // and nothing more is tried this round. Never a final failure: fixing the server
                // or the config is enough for all of them to go.
                let next: DateTime<Utc> = now
                    + chrono::Duration::from_std(self.retry.backoff(message.attempts + 1))
                        .unwrap_or(chrono::Duration::zero());
                let code = error.code;
                let text = error.to_string();
                let stored = text.clone();
                let deferred = self
                    .register
                    .call(move |r| {
                        r.mark_retry(id, next, &stored, code)?;
                        r.defer_due(now, next)
                    })
                    .await?;
                report.retrying += 1;
                if error.is_permanent() {
                    error!(transport = %self.transport.describe(), error = %text, retry_at = %next, waiting = deferred + 1,
                        "the server refused us; check the configuration (samskap check --connect). Nothing is lost: every message waits");
                } else {
                    warn!(transport = %self.transport.describe(), error = %text, retry_at = %next, waiting = deferred + 1,
                        "cannot reach the server; every message waits for the retry");
                }
                report.connection_error = Some(text);
                return Ok(Next::StopRound);
            }
            Err(error) if error.is_transient() => {
                let first = message.first_attempt_at.unwrap_or(now);
                let give_up = first
                    + chrono::Duration::from_std(self.retry.give_up_after).unwrap_or(chrono::Duration::MAX);
                let text = error.to_string();
                if now >= give_up {
                    let final_text = format!("gave up after {} attempts: {text}", message.attempts + 1);
                    let code = error.code;
                    self.register
                        .call(move |r| r.mark_failed(id, now, &final_text, code))
                        .await?;
                    report.failed += 1;
                    warn!(org, message_id = %message.message_id, to, error = %text, "failed for good after retrying");
                } else {
                    let next: DateTime<Utc> = now
                        + chrono::Duration::from_std(self.retry.backoff(message.attempts + 1))
                            .unwrap_or(chrono::Duration::zero());
                    let code = error.code;
                    let stored = text.clone();
                    self.register
                        .call(move |r| r.mark_retry(id, next, &stored, code))
                        .await?;
                    report.retrying += 1;
                    warn!(org, message_id = %message.message_id, to, error = %text, retry_at = %next, "not sent; will retry");
                }
            }
            Err(error) => {
                let text = error.to_string();
                let code = error.code;
                let stored = text.clone();
                self.register
                    .call(move |r| r.mark_failed(id, now, &stored, code))
                    .await?;
                report.failed += 1;
                warn!(org, message_id = %message.message_id, to, error = %text, "refused by the server; not retried");
            }
        }
        Ok(Next::Continue)
    }
}

/// Sends `message`, unless `sent_folder` (given for an interrupted attempt) holds it already.
async fn deliver<T: Transport>(
    transport: &T,
    sent_folder: Option<&SentFolder>,
    message: &Outgoing,
) -> Result<Delivered, SendError> {
    if let Some(folder) = sent_folder {
        match folder.holds(&message.message_id).await {
            Ok(true) => return Ok(Delivered::FoundSent(folder.name().to_string())),
            Ok(false) => {}
            // Not knowing costs at worst the duplicate this look was to prevent; a message
            // that never goes would cost more.
            Err(e) => warn!(message_id = %message.message_id, error = %e,
                "cannot look in the Sent folder for an interrupted message; sending it again"),
        }
    }
    let envelope = envelope(message)?;
    let reply = transport.send(&envelope, &message.body).await?;
    // From here until the record, a crash leaves a message the server took and the register
    // does not know of; the kill tests see from this line that the instant stays an instant.
    tracing::debug!(message_id = %message.message_id, "accepted by the server");
    Ok(Delivered::Sent(reply))
}

fn envelope(message: &Outgoing) -> Result<Envelope, SendError> {
    let from = message
        .envelope_from
        .parse()
        .map_err(|e| SendError::permanent(format!("bad envelope sender {:?}: {e}", message.envelope_from)))?;
    let to = message
        .recipients
        .iter()
        .map(|r| {
            r.parse()
                .map_err(|e| SendError::permanent(format!("bad recipient {r:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Envelope::new(Some(from), to).map_err(|e| SendError::permanent(e.to_string()))
}

#[cfg(test)]
mod tests;
