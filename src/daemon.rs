//! The daemon (`samskap run`): does what falls due, then sleeps until the next thing does or until
//! shutdown. `run --once` does one round and exits.
//!
//! What falls due now: the invitations at `invitation.send_at` (never merely because the daemon
//! started: a mass mailing is a decision someone made, in config or with `send invitations`),
//! retries of messages that failed transiently, and copies to the Sent folder.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tracing::{info, warn};

use crate::app::{self, AppError, DataDir};
use crate::clock::Clock;
use crate::config::Config;
use crate::outbox;
use crate::outbox::dispatch::Until;
use crate::register::{RegisterError, RegisterHandle};
use crate::shutdown::Shutdown;

/// The longest the daemon sleeps between rounds, so it notices config-independent work (and a
/// wall clock that jumped) in reasonable time.
const MAX_SLEEP: Duration = Duration::from_secs(300);

/// Runs until shutdown (or one round, with `once`). Returns only when every task has ended.
pub async fn run(
    config: Arc<Config>,
    data: &DataDir,
    clock: Clock,
    once: bool,
    mut shutdown: Shutdown,
) -> Result<(), AppError> {
    let register = data.open_register()?;
    let handle = RegisterHandle::new(register);
    info!(process = %config.process.id, once, "samskap started");
    let result = rounds(&config, data, clock, once, &mut shutdown, &handle).await;
    drop(handle);
    info!("samskap stopped");
    result
}

async fn rounds(
    config: &Arc<Config>,
    data: &DataDir,
    clock: Clock,
    once: bool,
    shutdown: &mut Shutdown,
    register: &RegisterHandle,
) -> Result<(), AppError> {
    loop {
        scheduled_invitations(config, clock, register).await?;
        let now = clock.now();
        let due = register
            .call(move |r| Ok(r.next_due()?.is_some_and(|t| t <= now)))
            .await?;
        if due {
            let transport = app::transport(config, data).await?;
            let dispatcher = app::dispatcher(
                config,
                register.clone(),
                transport,
                clock,
                indicatif::ProgressBar::hidden(),
            );
            let report = dispatcher.drain(Until::DueNow, shutdown).await?;
            if report.sent + report.failed + report.retrying > 0 {
                info!(
                    sent = report.sent,
                    failed = report.failed,
                    retrying = report.retrying,
                    "round done"
                );
            }
        }
        app::copy_to_sent(config, register).await;
        if once || shutdown.is_shutdown() {
            return Ok(());
        }
        let wake = next_wake(config, clock, register).await?;
        let delay = (wake - clock.now())
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(MAX_SLEEP);
        tokio::select! {
            _ = shutdown.recv() => return Ok(()),
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

/// The key under which the scheduled send of this revision of the invitations is recorded.
fn schedule_key(config: &Config) -> String {
    format!(
        "{}/invitations/r{}/send_at",
        config.process.id, config.invitation.revision
    )
}

/// Enqueues the invitations when `invitation.send_at` has come, once. A daemon that was down for
/// longer than `send_grace` past that moment records the send as missed and says how to send.
async fn scheduled_invitations(
    config: &Arc<Config>,
    clock: Clock,
    register: &RegisterHandle,
) -> Result<(), AppError> {
    let Some(at) = config.invitation.send_at else {
        return Ok(());
    };
    let now = clock.now();
    if now < at {
        return Ok(());
    }
    let key = schedule_key(config);
    let lookup = key.clone();
    if register
        .call(move |r| r.schedule_outcome(&lookup))
        .await?
        .is_some()
    {
        return Ok(());
    }
    let grace = chrono::Duration::from_std(config.invitation.send_grace).unwrap_or(chrono::Duration::zero());
    if now > at + grace {
        warn!(
            due = %at,
            "the invitations were due more than {:?} ago, while samskap was not running; not sending them now. \
             Send them with `samskap send invitations` if they should still go out",
            config.invitation.send_grace
        );
        register
            .call(move |r| r.record_schedule(&key, at, now, "missed"))
            .await?;
        return Ok(());
    }
    let cfg = Arc::clone(config);
    let report = register
        .call_blocking(move |r| {
            let report = outbox::enqueue_invitations(&cfg, r, &[], now).map_err(|e| match e {
                outbox::EnqueueError::Register(e) => e,
                other => RegisterError::Invalid(other.to_string()),
            })?;
            r.record_schedule(&key, at, now, "done")?;
            Ok(report)
        })
        .await?;
    info!(new = report.new.len(), already = report.existing.len(), due = %at, "scheduled invitations put in the outbox");
    Ok(())
}

async fn next_wake(
    config: &Config,
    clock: Clock,
    register: &RegisterHandle,
) -> Result<DateTime<Utc>, AppError> {
    let now = clock.now();
    let mut wake = now + chrono::Duration::from_std(MAX_SLEEP).unwrap_or(chrono::Duration::zero());
    if let Some(next) = register.call(|r| r.next_due()).await? {
        wake = wake.min(next);
    }
    if let Some(at) = config.invitation.send_at
        && at > now
    {
        wake = wake.min(at);
    }
    Ok(wake)
}
