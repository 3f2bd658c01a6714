//! The daemon (`samskap run`): does what falls due, then sleeps until the next thing does or until
//! shutdown. `run --once` does one round and exits.
//!
//! What falls due now: the invitations at `invitation.send_at` (never merely because the daemon
//! started: a mass mailing is a decision someone made, in config or with `send invitations`),
//! what the schedule says (reminders, the date poll, the weekly status), calendar invitations
//! brought in step with the register, retries of messages that failed transiently, and copies to
//! the Sent folder. Between rounds it sleeps until the next scheduled moment, a reply, or at most
//! five minutes.
//!
//! It holds the data directory's lock for its life, and does the work of commands run beside it
//! (their requests, looked for every second). Three tasks make it: the rounds, the inbox reader
//! and the requests. A busy register (another program writing to it) is waited out with backoff
//! and logged; any other failure of a task stops the whole process with exit status 1 and a log
//! line naming the task, so that its supervisor (systemd's `Restart=on-failure`) starts it again
//! rather than leaving a process up that no longer sends.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tracing::{error, info, warn};

use crate::clock::Clock;
use crate::config::Config;
use crate::data::{DataDir, Lock};
use crate::inbox::Tally;
use crate::inbox::imap::{InboxError, Reader, sync_maildir};
use crate::ops::{self, AppError, Request, sending};
use crate::outbox::dispatch::Until;
use crate::register::{RegisterError, RegisterHandle};
use crate::shutdown::{self, Shutdown};
use crate::understand;

/// The longest the daemon sleeps between rounds, so it notices config-independent work (and a
/// wall clock that jumped) in reasonable time.
const MAX_SLEEP: Duration = Duration::from_secs(300);

/// How often the daemon looks for work handed to it by a command.
const REQUESTS_EVERY: Duration = Duration::from_secs(1);

/// The longest wait before trying a busy register again.
const MAX_BUSY_BACKOFF: Duration = Duration::from_secs(60);

/// Runs until shutdown (or one round, with `once`), as the holder of `lock`. Returns only when
/// every task has ended.
pub async fn run(
    config: Arc<Config>,
    data: &DataDir,
    lock: &Lock,
    clock: Clock,
    once: bool,
    mut shutdown: Shutdown,
) -> Result<(), AppError> {
    let Some(register) = open_waiting(&config, data, lock, clock, &mut shutdown).await? else {
        return Ok(());
    };
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
    let now = clock.now();
    let abandoned = handle.call(move |r| r.abandon_running_requests(now)).await?;
    if abandoned > 0 {
        warn!(
            abandoned,
            "requests an earlier daemon began and did not finish are marked failed"
        );
    }
    // One stop for every task: the signals', or a task's failure.
    let (stop, listener) = shutdown::channel();
    {
        let (stop, mut outer) = (stop.clone(), shutdown.clone());
        tokio::spawn(async move {
            outer.recv().await;
            stop.fire();
        });
    }
    let mut tasks: JoinSet<(&'static str, Result<(), AppError>)> = JoinSet::new();
    // The inbox is read by a task of its own: IMAP waits in IDLE, the Maildir is looked at
    // every poll interval.
    match &config.imap {
        Some(imap) => {
            let reader = Reader {
                imap: imap.clone(),
                config: Arc::clone(&config),
                register: handle.clone(),
                ctx: Arc::clone(&ctx),
                clock,
            };
            let (listener, woke) = (listener.clone(), Arc::clone(&woke));
            tasks.spawn(async move {
                let result = reader.run(listener, woke).await;
                ("inbox", result.map_err(|e| AppError::Incomplete(e.to_string())))
            });
        }
        None => {
            let (config, handle, ctx, woke, listener, dir) = (
                Arc::clone(&config),
                handle.clone(),
                Arc::clone(&ctx),
                Arc::clone(&woke),
                listener.clone(),
                data.inbox(),
            );
            tasks.spawn(async move {
                let result = maildir_loop(config, handle, ctx, dir, clock, listener, woke).await;
                ("inbox", result)
            });
        }
    }
    {
        let (config, handle, woke, listener) = (
            Arc::clone(&config),
            handle.clone(),
            Arc::clone(&woke),
            listener.clone(),
        );
        tasks.spawn(async move {
            let result = serve_requests(config, handle, clock, woke, listener).await;
            ("requests", result)
        });
    }
    {
        let (config, data, handle, woke, mut listener) = (
            Arc::clone(&config),
            data.clone(),
            handle.clone(),
            Arc::clone(&woke),
            listener.clone(),
        );
        tasks.spawn(async move {
            let result = rounds(&config, &data, clock, false, &mut listener, &handle, &woke).await;
            ("sending", result)
        });
    }
    let mut failure = None;
    while let Some(joined) = tasks.join_next().await {
        let (task, result) = match joined {
            Ok(ended) => ended,
            Err(e) => (
                "a task",
                Err(AppError::Incomplete(format!("it failed unexpectedly: {e}"))),
            ),
        };
        let result = match result {
            Ok(()) if !listener.is_shutdown() => {
                Err(AppError::Incomplete("it ended without being asked to".into()))
            }
            other => other,
        };
        if let Err(e) = result {
            error!(task, error = %e, "a part of samskap stopped; samskap stops too, so that its supervisor can start it again");
            stop.fire();
            failure.get_or_insert(AppError::Incomplete(format!("the {task} task stopped: {e}")));
        }
    }
    drop(handle);
    info!("samskap stopped");
    failure.map_or(Ok(()), Err)
}

/// Opens the register, waiting out another program that holds it busy. `None` if shutdown
/// came first.
async fn open_waiting(
    config: &Config,
    data: &DataDir,
    lock: &Lock,
    clock: Clock,
    shutdown: &mut Shutdown,
) -> Result<Option<crate::register::Register>, AppError> {
    let mut backoff = Duration::from_secs(1);
    loop {
        let opened = ops::open_register(config, data, lock).and_then(|mut register| {
            ops::prepare(config, &mut register, clock.now())?;
            Ok(register)
        });
        match opened {
            Ok(register) => return Ok(Some(register)),
            Err(e) if e.is_busy() => {
                warn!(error = %e, retry_in = ?backoff, "the register is busy (another program is writing to it); trying again");
                tokio::select! {
                    _ = shutdown.recv() => return Ok(None),
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BUSY_BACKOFF);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Does the work commands hand over while the daemon holds the data directory, each with the
/// register this daemon owns, and writes back what the command prints.
async fn serve_requests(
    config: Arc<Config>,
    register: RegisterHandle,
    clock: Clock,
    woke: Arc<Notify>,
    mut shutdown: Shutdown,
) -> Result<(), AppError> {
    let mut backoff = REQUESTS_EVERY;
    loop {
        tokio::select! {
            _ = shutdown.recv() => return Ok(()),
            _ = tokio::time::sleep(backoff) => {}
        }
        match serve_waiting(&config, &register, clock, &woke).await {
            Ok(()) => backoff = REQUESTS_EVERY,
            Err(e) if e.is_busy() => {
                backoff = (backoff * 2).min(MAX_BUSY_BACKOFF);
                warn!(error = %e, retry_in = ?backoff, "the register is busy (another program is writing to it); looking for requests again later");
            }
            Err(e) => return Err(e.into()),
        }
    }
}

async fn serve_waiting(
    config: &Arc<Config>,
    register: &RegisterHandle,
    clock: Clock,
    woke: &Arc<Notify>,
) -> Result<(), RegisterError> {
    for waiting in register.call(|r| r.waiting_requests()).await? {
        let id = waiting.id;
        let now = clock.now();
        if waiting.config_digest != config.digest {
            let text = format!(
                "The daemon runs with another configuration than the one this command read ({}): it was \
                 started before the file last changed, or with another file. Restart it \
                 (`systemctl restart samskap`) so that it reads the file, then run the command again.\n",
                config.path.display()
            );
            warn!(request = id, by = %waiting.requested_by, "a command read another configuration than the daemon's; not done");
            register
                .call(move |r| r.finish_request(id, false, &text, 1, now))
                .await?;
            continue;
        }
        let request: Request = match serde_json::from_str(&waiting.command) {
            Ok(request) => request,
            Err(e) => {
                let text = format!(
                    "This samskap does not know the request ({e}); is the command a newer samskap than the daemon?\n"
                );
                register
                    .call(move |r| r.finish_request(id, false, &text, 2, now))
                    .await?;
                continue;
            }
        };
        if !register.call(move |r| r.start_request(id)).await? {
            // Withdrawn meanwhile.
            continue;
        }
        info!(request = id, by = %waiting.requested_by, "doing `{}` for a command", request.describe());
        let cfg = Arc::clone(config);
        let job = request.clone();
        let result = register
            .call_blocking(move |r| Ok(ops::execute(&job, &cfg, r, now)))
            .await?;
        let (ok, text, code) = match result {
            Ok(text) => (true, text, 0),
            // A busy register too: the command says so, and can be run again.
            Err(e) => (false, format!("error: {e}\n"), i32::from(e.exit_code())),
        };
        if ok {
            info!(request = id, "done: `{}`", request.describe());
        } else {
            warn!(request = id, output = %text.trim_end(), "could not be done: `{}`", request.describe());
        }
        register
            .call(move |r| r.finish_request(id, ok, &text, code, now))
            .await?;
        if ok && request.sends() {
            woke.notify_one();
        }
    }
    Ok(())
}

/// The daemon's rounds, until shutdown; a busy register is waited out.
async fn rounds(
    config: &Arc<Config>,
    data: &DataDir,
    clock: Clock,
    once: bool,
    shutdown: &mut Shutdown,
    register: &RegisterHandle,
    woke: &Arc<Notify>,
) -> Result<(), AppError> {
    let mut backoff = Duration::from_secs(1);
    loop {
        let delay = match round(config, data, clock, once, shutdown, register).await {
            Ok(None) => return Ok(()),
            Ok(Some(delay)) => {
                backoff = Duration::from_secs(1);
                delay
            }
            Err(e) if e.is_busy() && !once => {
                warn!(error = %e, retry_in = ?backoff, "the register is busy (another program is writing to it); trying again");
                let delay = backoff;
                backoff = (backoff * 2).min(MAX_BUSY_BACKOFF);
                delay
            }
            Err(e) => return Err(e),
        };
        tokio::select! {
            _ = shutdown.recv() => return Ok(()),
            _ = tokio::time::sleep(delay) => {}
            // The inbox recorded something that may have queued a confirmation, or a command
            // handed over work.
            _ = woke.notified() => {}
        }
    }
}

/// One round: what is due is done and sent. Returns how long to sleep, or `None` to stop.
async fn round(
    config: &Arc<Config>,
    data: &DataDir,
    clock: Clock,
    once: bool,
    shutdown: &mut Shutdown,
    register: &RegisterHandle,
) -> Result<Option<Duration>, AppError> {
    // A step that fails (a template that breaks on real data, say) is logged and tried again
    // next round; the rest of the round, sending above all, goes on. `run --once` then ends in
    // failure. A busy register is the round's failure, tried again as a whole.
    crate::failpoint::hit("daemon-round");
    let mut failed = None;
    let scheduled = schedule_due(config, clock, register).await;
    step(scheduled, "the scheduled actions could not be done", &mut failed)?;
    let calendar = calendar_sync(config, clock, register).await;
    step(
        calendar,
        "the calendar invitations could not be brought up to date",
        &mut failed,
    )?;
    let now = clock.now();
    let due = register
        .call(move |r| {
            r.reanchor_waits(now)?;
            Ok(r.next_due()?.is_some_and(|t| t <= now))
        })
        .await?;
    if due {
        let transport = sending::transport(config, data).await?;
        let dispatcher = sending::dispatcher(
            config,
            register.clone(),
            transport,
            clock,
            indicatif::ProgressBar::hidden(),
        );
        let report = dispatcher.drain(Until::DueNow, shutdown).await?;
        if report.sent + report.failed + report.retrying + report.found_sent > 0 {
            info!(
                sent = report.sent,
                failed = report.failed,
                retrying = report.retrying,
                found_in_sent = report.found_sent,
                "round done"
            );
        }
    }
    sending::copy_to_sent(config, register).await;
    if once && let Some(e) = failed {
        return Err(e);
    }
    if once || shutdown.is_shutdown() {
        return Ok(None);
    }
    let wake = next_wake(config, clock, register).await?;
    Ok(Some(
        (wake - clock.now())
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(MAX_SLEEP),
    ))
}

/// A step of a round that failed is logged and kept in `failed`, for `run --once` to end with;
/// a busy register fails the whole round, which is tried again.
fn step(result: Result<(), AppError>, what: &str, failed: &mut Option<AppError>) -> Result<(), AppError> {
    match result {
        Err(e) if e.is_busy() => Err(e),
        Err(e) => {
            error!(error = %e, "{what} this round; trying again next round");
            *failed = Some(e);
            Ok(())
        }
        Ok(()) => Ok(()),
    }
}

/// Does what the schedule says is due: the date poll, reminders, the weekly status; logs what
/// happened to whom.
async fn schedule_due(config: &Arc<Config>, clock: Clock, register: &RegisterHandle) -> Result<(), AppError> {
    let cfg = Arc::clone(config);
    let now = clock.now();
    let due = register
        // The stage's own error, with its source, inside the register's.
        .call_blocking(move |r| Ok(crate::schedule::run_due(&cfg, r, now)))
        .await??;
    if let Some(at) = due.invitations_missed {
        warn!(
            due = %at,
            "the invitations were due more than {} ago, while samskap was not running; not sending them now. \
             Send them with `samskap send invitations` if they should still go out",
            in_words(config.invitation.send_grace)
        );
    }
    for (org, old) in &due.invitations_again {
        let to = config
            .organisation(org)
            .map(|o| o.address.to_string())
            .unwrap_or_default();
        info!(org = %org, bounced = %old, to = %to, "invitation sent again: it bounced at the old address, and the config has a new one");
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
            crate::schedule::LAPSED => {
                info!(reminder = %step.reminder, org = %step.org, to = %step.address, why = %step.note.as_deref().unwrap_or(""), "reminder not sent: away until after what it was about")
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
    for (org, address) in &due.poll_later {
        info!(org = %org, to = %address, "date poll put in the outbox for one not asked before (an address that bounced, or registered since)");
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
        .call_blocking(move |r| Ok(crate::calendar::sync(&cfg, r, now)))
        .await??;
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
) -> impl std::future::Future<Output = Result<Tally, InboxError>> {
    let (config, ctx, handle) = (Arc::clone(config), Arc::clone(ctx), handle.clone());
    async move {
        if crate::failpoint::fails("inbox-sync") {
            return Err(InboxError::Register(RegisterError::Invalid(
                "the register failed (failpoint inbox-sync)".into(),
            )));
        }
        handle
            .call_blocking(move |r| Ok(sync_maildir(r, &config, &ctx, &dir, now)))
            .await?
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
) -> Result<(), AppError> {
    loop {
        match maildir_sync(&handle, &config, &ctx, dir.clone(), clock.now()).await {
            Ok(tally) => {
                log_tally(&tally);
                if tally.applied > 0 {
                    woke.notify_one();
                }
            }
            Err(InboxError::Register(e)) if e.is_busy() => {
                warn!(error = %e, "the register is busy (another program is writing to it); reading the local inbox again later")
            }
            Err(e) => return Err(e.into()),
        }
        tokio::select! {
            _ = shutdown.recv() => return Ok(()),
            _ = tokio::time::sleep(config.inbox.poll_interval) => {}
        }
    }
}
