//! Commands that change the register, one writer at a time. A command takes the data
//! directory's lock, does its operation ([`crate::ops::execute`]) and sends what it put in the
//! outbox. When the daemon holds the lock, the command hands the operation to it instead (a
//! request row the daemon takes within a second), prints the daemon's answer and follows its
//! sending; when another command holds it, the command says which and stops.

use std::time::Duration;

use tracing::info;

use super::{AppError, stdout};
use crate::clock::Clock;
use crate::config::Config;
use crate::data::{DataDir, DataError, Holder, Lock};
use crate::ops::{self, Request, sending};
use crate::outbox::dispatch::{DrainReport, Until};
use crate::register::{Register, RegisterHandle};
use crate::report;
use crate::shutdown;
use crate::transport::Transport;
use crate::transport::sent_copy::CopyError;

/// What a command does once its operation is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Then {
    /// Nothing more (it sends nothing, or only queues).
    Nothing,
    /// Sends what is due and says how it went.
    Send,
    /// Sends what is due and says where the invitations to these organisations (all when
    /// empty) stand.
    Invitations(Vec<String>),
}

/// The command line as typed, for the lock file and the daemon's log.
pub fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// How often a command looks whether the daemon has answered or sent.
const LOOK_EVERY: Duration = Duration::from_millis(200);

/// How long a command waits for the daemon to take its request before it gives up on it.
const TAKE_WITHIN: Duration = Duration::from_secs(120);

/// Does `request` as the data directory's one writer, or through the daemon that is.
pub async fn write(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    request: Request,
    then: Then,
) -> Result<(), AppError> {
    match data.lock(&command_line(), false) {
        Ok(lock) => locally(config, data, clock, &lock, &request, &then).await,
        Err(DataError::Held(holder)) if holder.daemon => {
            match hand_off(config, data, clock, &request, &holder).await? {
                Handed::Done(before) => {
                    if then != Then::Nothing {
                        follow(config, data, clock, &holder, &then, before).await?;
                    }
                    Ok(())
                }
                // The daemon ended before taking it: this command is the writer now.
                Handed::Withdrawn => match data.lock(&command_line(), false) {
                    Ok(lock) => locally(config, data, clock, &lock, &request, &then).await,
                    Err(DataError::Held(holder)) => Err(refusal(holder)),
                    Err(e) => Err(e.into()),
                },
            }
        }
        Err(DataError::Held(holder)) => Err(refusal(holder)),
        Err(e) => Err(e.into()),
    }
}

fn refusal(holder: Holder) -> AppError {
    AppError::Busy {
        advice: "Two writers at once would send mail twice; wait for it to finish, then run this again."
            .into(),
        holder,
    }
}

async fn locally(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    lock: &Lock,
    request: &Request,
    then: &Then,
) -> Result<(), AppError> {
    let now = clock.now();
    let mut register = ops::open_register(config, data, lock)?;
    let text = ops::execute(request, config, &mut register, now)?;
    stdout(&text)?;
    match then {
        Then::Nothing => {
            if matches!(request, Request::SendInvitations { .. }) {
                stdout("`samskap run` sends them.\n")?;
            }
            Ok(())
        }
        Then::Send => send_due(config, data, clock, register).await,
        Then::Invitations(selection) => {
            let handle = RegisterHandle::new(register);
            let (report, copy_error) = drain_now(config, data, clock, &handle).await?;
            let summary = summarise(config, &handle, selection, &report).await;
            drop(handle);
            let (text, complete) = summary?;
            stdout(&text)?;
            if report.interrupted {
                return Err(AppError::Incomplete(
                    "interrupted: the rest stays in the outbox; run `samskap send invitations` again to continue"
                        .into(),
                ));
            }
            if let Some(e) = copy_error {
                return Err(e.into());
            }
            if complete {
                Ok(())
            } else {
                Err(AppError::Incomplete(
                    "not every invitation was sent: see above".into(),
                ))
            }
        }
    }
}

/// The outbox's counts when a request was handed over, to say afterwards what the daemon sent.
#[derive(Debug, Clone, Copy)]
struct Before {
    sent: u64,
    failed: u64,
    invitations_sent: u64,
    /// When the daemon finished the request, by its clock: what it queued is due by then (a
    /// rehearsal's clocks differ between processes).
    done_at: Option<chrono::DateTime<chrono::Utc>>,
}

enum Handed {
    Done(Before),
    Withdrawn,
}

/// Writes the request for the daemon, waits for its answer and prints it.
async fn hand_off(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    request: &Request,
    holder: &Holder,
) -> Result<Handed, AppError> {
    let mut register = data.peek_register()?;
    let counts = register.outbox_counts(None)?;
    let before = Before {
        sent: counts.sent,
        failed: counts.failed,
        invitations_sent: register.outbox_counts(Some(crate::ident::kind::INVITATION))?.sent,
        done_at: None,
    };
    let command = serde_json::to_string(request).map_err(|e| AppError::Incomplete(e.to_string()))?;
    let by = format!("PID {}: {}", std::process::id(), command_line());
    let id = register.add_request(&command, &config.digest, &by, clock.now())?;
    info!(
        daemon = holder.pid,
        request = id,
        "the daemon holds the data directory; it does `{}` for this command",
        request.describe()
    );
    let (trigger, mut interrupted) = shutdown::channel();
    shutdown::on_signals(trigger);
    let started = tokio::time::Instant::now();
    let mut said_waiting = false;
    let row = loop {
        if let Some(row) = register.request(id)?
            && (row.status == "done" || row.status == "failed")
        {
            break row;
        }
        let taken = register.request(id)?.is_some_and(|r| r.status == "running");
        let gone = data.holder().is_none_or(|h| h.pid != holder.pid);
        if !taken && (gone || interrupted.is_shutdown() || started.elapsed() > TAKE_WITHIN) {
            if register.withdraw_request(id)? {
                if gone {
                    info!(
                        daemon = holder.pid,
                        "the daemon ended before it took the request: doing it here"
                    );
                    return Ok(Handed::Withdrawn);
                }
                return Err(AppError::Incomplete(if interrupted.is_shutdown() {
                    "interrupted: nothing was done".into()
                } else {
                    format!(
                        "the daemon (PID {}) did not take the request within {} s; nothing was done. \
                         Look at its log (`journalctl -u samskap`), or stop it and run the command again",
                        holder.pid,
                        TAKE_WITHIN.as_secs()
                    )
                }));
            }
            continue;
        }
        if gone && taken {
            return Err(AppError::Incomplete(format!(
                "the daemon (PID {}) stopped while doing this; see `samskap status` for what was done, and run the command again if needed",
                holder.pid
            )));
        }
        if !said_waiting && started.elapsed() > Duration::from_secs(3) {
            info!(daemon = holder.pid, "waiting for the daemon");
            said_waiting = true;
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = interrupted.recv(), if !interrupted.is_shutdown() => {}
        }
    };
    stdout(row.output.as_deref().unwrap_or(""))?;
    if row.status == "failed" {
        let code = row.exit_code.unwrap_or(1).clamp(1, 255) as u8;
        return Err(AppError::Handed {
            message: format!("the daemon (PID {}) could not do it: see above", holder.pid),
            code,
        });
    }
    Ok(Handed::Done(Before {
        done_at: row.done_at,
        ..before
    }))
}

/// Waits while the daemon sends what is due, then says how it went.
async fn follow(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    holder: &Holder,
    then: &Then,
    before: Before,
) -> Result<(), AppError> {
    let register = data.peek_register()?;
    let now = || before.done_at.map_or(clock.now(), |at| at.max(clock.now()));
    let first = register.backlog(now())?;
    let bar = crate::progress::bar(first.pending, "the daemon is sending");
    let (trigger, mut interrupted) = shutdown::channel();
    shutdown::on_signals(trigger);
    let mut stopped_following = None;
    loop {
        let backlog = register.backlog(now())?;
        bar.set_position(first.pending.saturating_sub(backlog.pending));
        if backlog.pending == 0 {
            break;
        }
        if data.holder().is_none_or(|h| h.pid != holder.pid) {
            stopped_following = Some("the daemon stopped; what is left goes when it runs again");
            break;
        }
        if interrupted.is_shutdown() {
            stopped_following = Some("the daemon goes on sending; `samskap status` shows how far it is");
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = interrupted.recv() => {}
        }
    }
    crate::progress::finish(&bar);
    let counts = register.outbox_counts(None)?;
    let backlog = register.backlog(now())?;
    let sent = counts.sent.saturating_sub(before.sent);
    let failed = counts.failed.saturating_sub(before.failed);
    let mut text = format!(
        "The daemon (PID {}) sent {sent}, failed {failed}, waiting for a retry {}.\n",
        holder.pid, backlog.retrying
    );
    if let Some(why) = stopped_following {
        text.push_str(&format!("Stopped following: {why}.\n"));
    }
    let complete = match then {
        Then::Invitations(selection) => {
            let invitations = register.outbox_counts(Some(crate::ident::kind::INVITATION))?.sent;
            let report = DrainReport {
                sent,
                sent_by_kind: [(
                    crate::ident::kind::INVITATION.to_string(),
                    invitations.saturating_sub(before.invitations_sent),
                )]
                .into(),
                ..DrainReport::default()
            };
            let handle = RegisterHandle::new(register);
            let (summary, complete) = summarise(config, &handle, selection, &report).await?;
            text.push_str(&summary);
            complete
        }
        _ => failed == 0 && backlog.retrying == 0,
    };
    stdout(&text)?;
    if complete && stopped_following.is_none() {
        Ok(())
    } else {
        Err(AppError::Incomplete(
            "not everything due was sent: see above".into(),
        ))
    }
}

/// Sends what is due in the outbox now, with a progress bar on a terminal, until it is sent or
/// has failed (waiting `retry.wait_in_command` for retries) or SIGINT; then copies to Sent.
async fn drain_now(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    handle: &RegisterHandle,
) -> Result<(DrainReport, Option<CopyError>), AppError> {
    let due_now = {
        let now = clock.now();
        handle.call(move |r| r.count_due(now)).await?
    };
    let transport = sending::transport(config, data).await?;
    info!(transport = %transport.describe(), due = due_now, "sending");
    let bar = crate::progress::bar(due_now, "sending");
    let dispatcher = sending::dispatcher(config, handle.clone(), transport, *clock, bar.clone());
    let (trigger, mut listener) = shutdown::channel();
    shutdown::on_signals(trigger);
    let report = dispatcher
        .drain(
            Until::Settled {
                wait: config.retry.wait_in_command,
            },
            &mut listener,
        )
        .await;
    crate::progress::finish(&bar);
    let report = report?;
    let copy_error = sending::copy_to_sent(config, handle).await;
    Ok((report, copy_error))
}

/// Sends everything due in `register`'s outbox now, then says how the sending went; an error
/// when not everything went.
pub(super) async fn send_due(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    register: Register,
) -> Result<(), AppError> {
    let handle = RegisterHandle::new(register);
    let (drained, copy_error) = drain_now(config, data, clock, &handle).await?;
    drop(handle);
    stdout(&format!(
        "Sent {}, failed {}, waiting for a retry {}.\n",
        drained.sent, drained.failed, drained.retrying
    ))?;
    if let Some(e) = copy_error {
        return Err(e.into());
    }
    if drained.failed > 0 || drained.retrying > 0 || drained.interrupted {
        return Err(AppError::Incomplete(
            "not everything due was sent: see above".into(),
        ));
    }
    Ok(())
}

/// The summary of a send for the selected organisations, and whether all of them are sent.
async fn summarise(
    config: &Config,
    register: &RegisterHandle,
    selection: &[String],
    report: &DrainReport,
) -> Result<(String, bool), AppError> {
    let states = register.call(|r| r.invitation_states()).await?;
    let orgs = crate::outbox::select(config, selection)?;
    let mut sent = 0;
    let mut pending = Vec::new();
    let mut failed = Vec::new();
    for org in &orgs {
        let state = states.get(&org.id);
        // A bounce's reason is its status code and what it means, not the SMTP error (none).
        let error = state.and_then(|s| {
            s.bounced_at
                .map(|_| {
                    format!(
                        "bounced ({}{}); fix the address in the config and send again",
                        s.bounce_status.as_deref().unwrap_or("no status"),
                        if s.bounce_permanent == Some(true) {
                            ", the address does not exist"
                        } else {
                            ""
                        }
                    )
                })
                .or_else(|| s.error.clone())
                .filter(|e| !e.trim().is_empty())
        });
        match state.map(|s| report::status::invitation_word(Some(s))) {
            Some("sent") => sent += 1,
            Some("failed") | Some("bounced") => failed.push(format!(
                "  failed   {} ({}): {}",
                org.id,
                org.address,
                error.unwrap_or_else(|| "no reason given".into())
            )),
            _ => pending.push(format!(
                "  waiting  {} ({}): {}",
                org.id,
                org.address,
                error.unwrap_or_else(|| "not tried yet".into())
            )),
        }
    }
    let invitations_now = report.sent_of(crate::ident::kind::INVITATION);
    let mut text = format!(
        "Invitations: {} of {} sent ({} just now{}), {} failed, {} waiting to be retried.\n",
        sent,
        orgs.len(),
        invitations_now,
        if report.resumed > 0 {
            format!(", {} of them resumed after an interruption", report.resumed)
        } else {
            String::new()
        },
        failed.len(),
        pending.len()
    );
    let others = report.sent.saturating_sub(invitations_now);
    if others > 0 {
        let kinds: Vec<String> = report
            .sent_by_kind
            .iter()
            .filter(|(kind, _)| kind.as_str() != crate::ident::kind::INVITATION)
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        text.push_str(&format!(
            "Also sent: {others} other message{} ({}).\n",
            if others == 1 { "" } else { "s" },
            kinds.join(", ")
        ));
    }
    if report.found_sent > 0 {
        text.push_str(&format!(
            "{} interrupted earlier were found in the Sent folder and not sent again.\n",
            report.found_sent
        ));
    }
    for line in failed.iter().chain(&pending) {
        text.push_str(line);
        text.push('\n');
    }
    if let Some(error) = &report.connection_error {
        text.push_str(&format!(
            "The mail server could not be used: {error}\nNothing was lost or marked failed.\n"
        ));
    }
    if !pending.is_empty() {
        text.push_str(
            "Waiting invitations are sent by `samskap run` (or this command again) when they fall due.\n",
        );
    }
    Ok((text, failed.is_empty() && pending.is_empty()))
}
