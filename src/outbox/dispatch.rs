//! Drains the outbox through a transport: takes what is due, marks each message "sending" in the
//! register before its first byte leaves, sends it, and records the outcome. Transient failures
//! are retried with backoff; permanent ones are recorded with the server's words.
//!
//! A crash between "sending" and the record of the outcome leaves the message due; the next run
//! sends it again with the same bytes and Message-ID, and says so in the log. That window (after
//! the server's 250, before the commit) is the only way a duplicate can arise.

use std::collections::{HashSet, VecDeque};
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
    pub failed: u64,
    /// Transient failures met; each was scheduled for another attempt.
    pub retrying: u64,
    /// Messages whose earlier attempt was interrupted, sent again with the same Message-ID.
    pub resumed: u64,
    /// Shutdown was asked for before everything due was done.
    pub interrupted: bool,
    /// The way to the server failed (cannot connect, TLS, login): the round stopped and every
    /// due message waits for the retry.
    pub connection_error: Option<String>,
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
    /// Shown on a terminal; hidden otherwise.
    pub progress: ProgressBar,
}

type Outcome = (Outgoing, Result<String, SendError>);

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
    pub async fn drain(&self, until: Until, shutdown: &mut Shutdown) -> Result<DrainReport, RegisterError> {
        let mut report = DrainReport::default();
        let mut in_flight: JoinSet<Outcome> = JoinSet::new();
        // Messages in flight, so a new batch of due ids leaves them out.
        let mut in_hand: HashSet<i64> = HashSet::new();
        // Due ids fetched but not started yet.
        let mut queue: VecDeque<i64> = VecDeque::new();
        let limiter = RateLimiter::new(self.rate);
        let started = self.clock.now();
        let wait_until = match until {
            Until::DueNow => started,
            Until::Settled { wait } => {
                started + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero())
            }
        };
        let concurrency = self.concurrency.max(1);
        let mut drained_now = false;
        'fill: loop {
            // Take more work while there is room, unless stopping.
            while !shutdown.is_shutdown() && in_flight.len() < concurrency {
                if queue.is_empty() {
                    if drained_now {
                        break;
                    }
                    let now = self.clock.now();
                    let skip = in_hand.clone();
                    let batch = self.register.call(move |r| r.due_ids(now, BATCH, &skip)).await?;
                    if batch.is_empty() {
                        drained_now = true;
                        break;
                    }
                    queue.extend(batch);
                }
                // Wait for a rate slot before committing to the attempt, so a shutdown while
                // waiting leaves the message untouched.
                tokio::select! {
                    biased;
                    _ = shutdown.recv() => break,
                    _ = limiter.wait() => {}
                }
                let Some(id) = queue.pop_front() else { break };
                failpoint::hit("before-mark-sending");
                let now = self.clock.now();
                let Some(message) = self.register.call(move |r| r.begin_attempt(id, now)).await? else {
                    continue;
                };
                failpoint::hit("after-mark-sending");
                if message.status == OutboxStatus::Sending {
                    report.resumed += 1;
                    warn!(
                        org = message.org_id.as_deref().unwrap_or("-"),
                        message_id = %message.message_id,
                        "an earlier attempt was interrupted and may have reached the server; sending again with the same Message-ID"
                    );
                }
                in_hand.insert(id);
                let transport = Arc::clone(&self.transport);
                in_flight.spawn(async move {
                    let result = match envelope(&message) {
                        Ok(envelope) => transport.send(&envelope, &message.body).await,
                        Err(e) => Err(e),
                    };
                    (message, result)
                });
            }
            if in_flight.is_empty() {
                if shutdown.is_shutdown() {
                    let now = self.clock.now();
                    report.interrupted = self.register.call(move |r| r.count_due(now)).await? > 0;
                    break 'fill;
                }
                if !drained_now {
                    continue;
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
            let Some(joined) = in_flight.join_next().await else {
                continue;
            };
            let (message, result) = match joined {
                Ok(outcome) => outcome,
                Err(e) => {
                    // A send task panicked: the message stays "sending" and is retried next run.
                    warn!(error = %e, "a send task failed unexpectedly");
                    continue;
                }
            };
            in_hand.remove(&message.id);
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
        self.transport.close().await;
        Ok(report)
    }

    async fn record(
        &self,
        message: Outgoing,
        result: Result<String, SendError>,
        report: &mut DrainReport,
    ) -> Result<Next, RegisterError> {
        let org = message.org_id.clone().unwrap_or_else(|| "-".into());
        let to = message.recipients.join(", ");
        let id = message.id;
        let now = self.clock.now();
        match result {
            Ok(reply) => {
                failpoint::hit("after-accept");
                let copy = self.copy_to_sent;
                let logged = reply.clone();
                self.register
                    .call(move |r| r.mark_sent(id, now, &reply, copy))
                    .await?;
                failpoint::hit("after-commit");
                report.sent += 1;
                info!(org, message_id = %message.message_id, to, kind = %message.kind, reply = %logged, "sent");
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
