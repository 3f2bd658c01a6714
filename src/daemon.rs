//! The daemon (`samskap run`): does what falls due, then sleeps until the next thing does or until
//! shutdown. `run --once` does one round and exits.
//!
//! What falls due now: the invitations at `invitation.send_at` (never merely because the daemon
//! started: a mass mailing is a decision someone made, in config or with `send invitations`),
//! what the schedule says (reminders, the date poll, the weekly status), calendar invitations
//! brought in step with the register, retries of messages that failed transiently, and copies to
//! the Sent folder. Between rounds it sleeps until the next scheduled moment, a reply, or at most
//! five minutes.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tracing::{error, info, warn};

use crate::app::{self, AppError, DataDir};
use crate::clock::Clock;
use crate::config::Config;
use crate::inbox::Tally;
use crate::inbox::imap::{Reader, sync_maildir};
use crate::outbox::dispatch::Until;
use crate::register::{RegisterError, RegisterHandle};
use crate::shutdown::Shutdown;
use crate::understand;

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
    let register = app::prepare_register(&config, data, clock.now())?;
    let handle = RegisterHandle::new(register);
    let ctx = Arc::new(understand::Context::from_config(&config));
    let woke = Arc::new(Notify::new());
    info!(process = %config.process.id, once, inbox = %inbox_name(&config, data), "samskap started");
    if once {
        read_inbox_once(&config, data, &ctx, clock, &handle).await?;
        let result = rounds(&config, data, clock, true, &mut shutdown, &handle, &woke).await;
        info!("samskap stopped");
        return result;
    }
    // The inbox is read by a task of its own: IMAP waits in IDLE, the Maildir is looked at
    // every poll interval. Both end at shutdown, and `run` waits for them.
    let reader = match &config.imap {
        Some(imap) => {
            let reader = Reader {
                imap: imap.clone(),
                config: Arc::clone(&config),
                register: handle.clone(),
                ctx: Arc::clone(&ctx),
                clock,
            };
            let listener = shutdown.clone();
            let woke = Arc::clone(&woke);
            tokio::spawn(async move { reader.run(listener, woke).await })
        }
        None => {
            let (config, handle, ctx, woke, listener, dir) = (
                Arc::clone(&config),
                handle.clone(),
                Arc::clone(&ctx),
                Arc::clone(&woke),
                shutdown.clone(),
                data.inbox(),
            );
            tokio::spawn(async move { maildir_loop(config, handle, ctx, dir, clock, listener, woke).await })
        }
    };
    let result = rounds(&config, data, clock, false, &mut shutdown, &handle, &woke).await;
    if let Err(e) = reader.await {
        warn!(error = %e, "the inbox reader ended unexpectedly");
    }
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
    woke: &Arc<Notify>,
) -> Result<(), AppError> {
    loop {
        // A step that fails (a template that breaks on real data, say) is logged and tried again
        // next round; the rest of the round, sending above all, goes on. `run --once` then
        // ends in failure.
        let mut failed = None;
        if let Err(e) = schedule_due(config, clock, register).await {
            error!(error = %e, "the scheduled actions could not be done this round; trying again next round");
            failed = Some(e);
        }
        if let Err(e) = calendar_sync(config, clock, register).await {
            error!(error = %e, "the calendar invitations could not be brought up to date this round; trying again next round");
            failed = Some(e);
        }
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
        if once && let Some(e) = failed {
            return Err(e);
        }
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
            // The inbox recorded something that may have queued a confirmation.
            _ = woke.notified() => {}
        }
    }
}

/// Does what the schedule says is due: the date poll, reminders, the weekly status; logs what
/// happened to whom.
async fn schedule_due(config: &Arc<Config>, clock: Clock, register: &RegisterHandle) -> Result<(), AppError> {
    let cfg = Arc::clone(config);
    let now = clock.now();
    let due = register
        .call_blocking(move |r| {
            crate::schedule::run_due(&cfg, r, now).map_err(|e| match e {
                crate::schedule::ScheduleError::Register(e) => e,
                other => RegisterError::Invalid(other.to_string()),
            })
        })
        .await?;
    if let Some(at) = due.invitations_missed {
        warn!(
            due = %at,
            "the invitations were due more than {} ago, while samskap was not running; not sending them now. \
             Send them with `samskap send invitations` if they should still go out",
            in_words(config.invitation.send_grace)
        );
    }
    if let Some((new, already, at)) = due.invitations {
        info!(new, already, due = %at, "scheduled invitations put in the outbox");
    }
    for step in &due.tick.steps {
        match step.what {
            "queued" => match &step.note {
                Some(note) => {
                    info!(reminder = %step.reminder, org = %step.org, to = %step.address, note = %note, "reminder put in the outbox")
                }
                None => {
                    info!(reminder = %step.reminder, org = %step.org, to = %step.address, "reminder put in the outbox")
                }
            },
            "deferred" => {
                info!(reminder = %step.reminder, org = %step.org, to = %step.address, until = %step.at, "reminder moved: out of office until then")
            }
            _ => {
                info!(reminder = %step.reminder, org = %step.org, to = %step.address, "reminder not sent: answered meanwhile")
            }
        }
    }
    for (id, due_at, n) in &due.tick.done {
        if *n == 0 {
            info!(reminder = %id, due = %due_at, "reminder due: no one owes the answer");
        }
    }
    for (what, due_at) in due.tick.missed.iter().chain(&due.missed) {
        warn!(
            what = %what,
            due = %due_at,
            "fell due more than {} ago (`[schedule] grace`) while samskap was not running; recorded as missed, not sent",
            in_words(config.schedule.grace)
        );
    }
    if !due.poll_sent.is_empty() {
        info!(people = due.poll_sent.len(), "date poll put in the outbox");
    }
    if let Some(result) = &due.poll_closed {
        info!(event = %result.event_id, chosen = result.chosen, start = %result.slot.start, "date poll closed at its deadline; everyone asked is told");
    }
    for at in &due.reports {
        info!(due = %at, "weekly status put in the outbox");
    }
    for e in &due.errors {
        error!(error = %e, "could not be done this round; tried again next round");
    }
    if let Some(first) = due.errors.first() {
        return Err(AppError::Incomplete(format!(
            "{} scheduled action(s) could not be done, the first: {first}",
            due.errors.len()
        )));
    }
    Ok(())
}

/// "12 h", "90 min", "45 s".
fn in_words(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 && s.is_multiple_of(3600) {
        format!("{} h", s / 3600)
    } else if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

/// Brings the calendar invitations up to date with the register (new registrations, changed
/// attendees) and the config (a new time or room, a cancelled meeting).
async fn calendar_sync(
    config: &Arc<Config>,
    clock: Clock,
    register: &RegisterHandle,
) -> Result<(), AppError> {
    let cfg = Arc::clone(config);
    let now = clock.now();
    let report = register
        .call_blocking(move |r| {
            crate::calendar::sync(&cfg, r, now).map_err(|e| match e {
                crate::calendar::CalendarError::Register(e) => e,
                other => RegisterError::Invalid(other.to_string()),
            })
        })
        .await?;
    for q in &report.queued {
        info!(org = %q.org, event = %q.event, method = q.method, to = %q.address, "calendar object put in the outbox");
    }
    Ok(())
}

async fn next_wake(
    config: &Arc<Config>,
    clock: Clock,
    register: &RegisterHandle,
) -> Result<DateTime<Utc>, AppError> {
    let now = clock.now();
    let mut wake = now + chrono::Duration::from_std(MAX_SLEEP).unwrap_or(chrono::Duration::zero());
    if let Some(next) = register.call(|r| r.next_due()).await? {
        wake = wake.min(next);
    }
    // The next scheduled moment (the invitations, a reminder, the poll, the weekly status).
    let cfg = Arc::clone(config);
    let until = wake;
    let next = register
        .call_blocking(move |r| crate::schedule::plan::next_moment(&cfg, r, now, until))
        .await?;
    if let Some(at) = next {
        wake = wake.min(at);
    }
    Ok(wake)
}

fn inbox_name(config: &Config, data: &DataDir) -> String {
    match &config.imap {
        Some(imap) => format!("imap {}:{} {}", imap.host, imap.port, config.inbox.folder),
        None => format!("maildir {}", data.inbox().display()),
    }
}

fn maildir_sync(
    handle: &RegisterHandle,
    config: &Arc<Config>,
    ctx: &Arc<understand::Context>,
    dir: std::path::PathBuf,
    now: DateTime<Utc>,
) -> impl std::future::Future<Output = Result<Tally, crate::register::RegisterError>> {
    let (config, ctx, handle) = (Arc::clone(config), Arc::clone(ctx), handle.clone());
    async move {
        handle
            .call_blocking(move |r| {
                sync_maildir(r, &config, &ctx, &dir, now)
                    .map_err(|e| crate::register::RegisterError::Invalid(e.to_string()))
            })
            .await
    }
}

async fn read_inbox_once(
    config: &Arc<Config>,
    data: &DataDir,
    ctx: &Arc<understand::Context>,
    clock: Clock,
    handle: &RegisterHandle,
) -> Result<(), AppError> {
    let tally = match &config.imap {
        Some(imap) => {
            let reader = Reader {
                imap: imap.clone(),
                config: Arc::clone(config),
                register: handle.clone(),
                ctx: Arc::clone(ctx),
                clock,
            };
            reader
                .once()
                .await
                .map_err(|e| AppError::Incomplete(format!("cannot read the mailbox: {e}")))?
        }
        None => maildir_sync(handle, config, ctx, data.inbox(), clock.now()).await?,
    };
    log_tally(&tally);
    Ok(())
}

fn log_tally(tally: &Tally) {
    if tally.read > 0 || tally.duplicates > 0 {
        info!(
            read = tally.read,
            applied = tally.applied,
            review = tally.review,
            recorded = tally.recorded,
            ignored = tally.ignored,
            duplicates = tally.duplicates,
            "inbox read"
        );
    }
}

async fn maildir_loop(
    config: Arc<Config>,
    handle: RegisterHandle,
    ctx: Arc<understand::Context>,
    dir: std::path::PathBuf,
    clock: Clock,
    mut shutdown: Shutdown,
    woke: Arc<Notify>,
) {
    loop {
        match maildir_sync(&handle, &config, &ctx, dir.clone(), clock.now()).await {
            Ok(tally) => {
                log_tally(&tally);
                if tally.applied > 0 {
                    woke.notify_one();
                }
            }
            Err(e) => warn!(error = %e, "reading the local inbox failed"),
        }
        tokio::select! {
            _ = shutdown.recv() => return,
            _ = tokio::time::sleep(config.inbox.poll_interval) => {}
        }
    }
}
