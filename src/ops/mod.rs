//! The coordinator's operations that change the register (send the invitations, settle a review
//! item, close the date poll, …), each done the same way whoever does it: a command that holds
//! the data directory's lock, or the daemon on behalf of a command run beside it ([`Request`]).
//! Each returns what the command prints. Sending what they put in the outbox is [`sending`]'s.

pub mod sending;

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{Config, ConfigError, Lang};
use crate::data::DataError;
use crate::outbox::invitation::{self, DraftError};
use crate::outbox::{self, EnqueueError};
use crate::register::{Register, RegisterError};
use crate::transport::sent_copy::CopyError;
use crate::transport::smtp::SmtpSetupError;

/// Why a command did not succeed; [`AppError::exit_code`] maps it to the exit status.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The command line was wrong.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Register(#[from] RegisterError),
    #[error(transparent)]
    Data(#[from] DataError),
    #[error(transparent)]
    Enqueue(#[from] EnqueueError),
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Calendar(#[from] crate::calendar::CalendarError),
    #[error(transparent)]
    Schedule(#[from] crate::standing::ScheduleError),
    #[error(transparent)]
    Inbox(#[from] crate::inbox::imap::InboxError),
    #[error(transparent)]
    Smtp(#[from] SmtpSetupError),
    #[error(transparent)]
    SentCopy(#[from] CopyError),
    #[error("cannot {what}: {source}")]
    Io { what: String, source: std::io::Error },
    /// The command ran, but not everything it was asked to do is done.
    #[error("{0}")]
    Incomplete(String),
    /// Another process writes to the data directory, and this command cannot be handed to it.
    #[error("{holder}.\n{advice}")]
    Busy {
        holder: crate::data::Holder,
        advice: String,
    },
    /// The daemon did the command and it failed there; the daemon's words were printed.
    #[error("{message}")]
    Handed { message: String, code: u8 },
}

impl AppError {
    /// 2 for bad usage or config, 1 for everything that went wrong at run time.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Usage(_) | AppError::Config(_) => 2,
            AppError::Handed { code, .. } => *code,
            _ => 1,
        }
    }

    /// Whether the register was only busy (another program held it): worth trying again.
    pub fn is_busy(&self) -> bool {
        match self {
            AppError::Register(e) => e.is_busy(),
            AppError::Data(DataError::Register(e)) => e.is_busy(),
            AppError::Enqueue(EnqueueError::Register(e)) => e.is_busy(),
            AppError::Schedule(crate::standing::ScheduleError::Register(e)) => e.is_busy(),
            AppError::Calendar(crate::calendar::CalendarError::Register(e)) => e.is_busy(),
            AppError::Inbox(crate::inbox::imap::InboxError::Register(e)) => e.is_busy(),
            _ => false,
        }
    }
}

/// An I/O error that names what was being done.
pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> AppError {
    let what = what.into();
    move |source| AppError::Io { what, source }
}

/// An operation that changes the register, as a command asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Puts the invitations (to these organisations, or all) in the outbox.
    SendInvitations { orgs: Vec<String> },
    /// Brings the calendar invitations in step with the register.
    SendCalendar,
    /// Reads saved messages as if they had arrived (absolute paths).
    Ingest { paths: Vec<PathBuf> },
    /// Applies or dismisses review items.
    Review { ids: Vec<i64>, apply: bool },
    /// Sends the date poll to everyone not asked yet.
    PollSend,
    /// Closes the date poll now.
    PollClose,
    /// Closes the date poll now with the candidate the coordinator chose (from 1).
    PollChoose { number: usize },
    /// Puts the weekly status in the outbox now.
    ReportSend,
}

impl Request {
    /// The command that asks for it, for logs.
    pub fn describe(&self) -> String {
        match self {
            Request::SendInvitations { orgs } if orgs.is_empty() => "send invitations".into(),
            Request::SendInvitations { orgs } => format!("send invitations --org {}", orgs.join(" --org ")),
            Request::SendCalendar => "send calendar".into(),
            Request::Ingest { paths } => format!("ingest ({} paths)", paths.len()),
            Request::Review { ids, apply } => format!(
                "review {} {}",
                if *apply { "apply" } else { "dismiss" },
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
            ),
            Request::PollSend => "poll send".into(),
            Request::PollClose => "poll close".into(),
            Request::PollChoose { number } => format!("poll choose {number}"),
            Request::ReportSend => "report send".into(),
        }
    }

    /// Whether it may put mail in the outbox that is to go now.
    pub fn sends(&self) -> bool {
        !matches!(
            self,
            Request::Ingest { .. } | Request::Review { apply: false, .. }
        )
    }
}

/// Opens the register of `data` for `config`'s process as the holder of `lock`. Each operation
/// brings the organisations up to date itself ([`prepare`]), once.
pub fn open_register(
    config: &Config,
    data: &crate::data::DataDir,
    lock: &crate::data::Lock,
) -> Result<Register, AppError> {
    let mut register = data.open_register()?;
    register.set_owner(&lock.owner);
    register.claim_process(&config.process.id)?;
    Ok(register)
}

/// Makes `register` this process's: claims it for the process and syncs the organisations.
pub fn prepare(config: &Config, register: &mut Register, now: DateTime<Utc>) -> Result<(), AppError> {
    register.claim_process(&config.process.id)?;
    let secret = register.secret()?;
    register.sync_organisations(&invitation::org_sync(config, &secret), now)?;
    Ok(())
}

/// Does `request` on `register`; returns what to print.
pub fn execute(
    request: &Request,
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    match request {
        Request::SendInvitations { orgs } => {
            outbox::select(config, orgs).map_err(|e| AppError::Usage(e.to_string()))?;
            let enqueued = outbox::enqueue_invitations(config, register, orgs, now)?;
            tracing::info!(
                new = enqueued.new.len(),
                already = enqueued.existing.len(),
                "invitations in the outbox"
            );
            let mut text = format!(
                "Invitations: {} put in the outbox, {} there already.\n",
                enqueued.new.len(),
                enqueued.existing.len()
            );
            for (org, old) in &enqueued.again {
                let new = config
                    .organisation(org)
                    .map(|o| o.address.to_string())
                    .unwrap_or_default();
                tracing::info!(org = %org, bounced = %old, to = %new, "invitation sent again: it bounced at the old address");
                text.push_str(&format!(
                    "  again    {org} ({new}): the invitation bounced at {old}\n"
                ));
            }
            Ok(text)
        }
        Request::SendCalendar => {
            prepare(config, register, now)?;
            let report = crate::calendar::sync(config, register, now)?;
            let mut text = format!(
                "Calendar: {} object{} put in the outbox",
                report.queued.len(),
                if report.queued.len() == 1 { "" } else { "s" }
            );
            if !report.queued.is_empty() {
                text.push(':');
            }
            for q in &report.queued {
                tracing::info!(org = %q.org, event = %q.event, method = q.method, to = %q.address, "calendar object put in the outbox");
                text.push_str(&format!(
                    "\n  {}: {} to {} ({})",
                    q.event, q.method, q.address, q.org
                ));
            }
            text.push('\n');
            Ok(text)
        }
        Request::Ingest { paths } => ingest(config, register, paths, now),
        Request::Review { ids, apply } => {
            let mut out = String::new();
            for id in ids {
                let item = register.settle_review(*id, *apply, now)?;
                out.push_str(&format!("#{id}: {}\n", item.status));
                for action in item.proposal.iter().filter(|_| *apply) {
                    out.push_str(&format!("  - {}\n", action));
                }
            }
            Ok(out)
        }
        Request::PollSend => {
            prepare(config, register, now)?;
            let sent = crate::poll::send(config, register, now)?;
            Ok(format!(
                "Date poll: put in the outbox for {} {}.\n",
                sent.len(),
                if sent.len() == 1 { "person" } else { "people" }
            ))
        }
        Request::PollClose | Request::PollChoose { .. } => {
            let Some((event, slots)) = config.poll_candidates() else {
                return Err(no_poll());
            };
            let choice = match request {
                Request::PollChoose { number } if (1..=slots.len()).contains(number) => Some(*number),
                Request::PollChoose { number } => {
                    return Err(AppError::Usage(format!(
                        "there is no candidate number {number}: the poll for {event} has 1 to {}",
                        slots.len()
                    )));
                }
                _ => None,
            };
            prepare(config, register, now)?;
            let Some(result) = crate::poll::close(config, register, now, "coordinator", choice)? else {
                return Err(AppError::Usage(format!("the poll for {event} is closed already")));
            };
            // The meeting has its time now: the calendar invitations go out with the result.
            let calendar = crate::calendar::sync(config, register, now)?;
            let lines = crate::config::words::slot_lines(config, Lang::Nb);
            Ok(format!(
                "Date poll closed: number {} chosen ({}); everyone asked is told; {} calendar invitation{} put in the outbox.\n",
                result.chosen,
                lines.get(result.chosen - 1).cloned().unwrap_or_default(),
                calendar.queued.len(),
                if calendar.queued.len() == 1 { "" } else { "s" }
            ))
        }
        Request::ReportSend => {
            prepare(config, register, now)?;
            let upcoming = crate::schedule::plan::for_the_report(config, register, now)?;
            let message = crate::report::weekly::compose(config, register, &upcoming, now, now)?;
            let to = message.recipients.join(", ");
            register.enqueue(&[message], now)?;
            Ok(format!("Weekly status put in the outbox for {to}.\n"))
        }
    }
}

/// The error for poll commands in a process without a date poll.
pub fn no_poll() -> AppError {
    AppError::Usage("there is no [poll] in the config (with a meeting that has candidates)".into())
}

fn ingest(
    config: &Config,
    register: &mut Register,
    paths: &[PathBuf],
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    for path in paths {
        if !path.exists() {
            return Err(AppError::Usage(format!("{} does not exist", path.display())));
        }
    }
    let messages = crate::inbox::files::collect(paths).map_err(io("read the messages to ingest"))?;
    prepare(config, register, now)?;
    let ctx = crate::understand::Context::from_config(config);
    let mut tally = crate::inbox::Tally::default();
    for message in &messages {
        // A file bigger than the limit is known by its header only, whatever its size.
        let incoming = crate::inbox::files::read(&message.path, config.inbox.max_message_size)
            .map_err(io(format!("read {}", message.path.display())))?;
        let processed =
            crate::inbox::process_incoming(register, config, &ctx, &message.location, &incoming, now)?;
        tally.add(&processed);
    }
    let mut text = format!(
        "Read {} message(s): {} applied, {} to review, {} recorded, {} not about the process; {} read before, {} duplicates.\n",
        tally.read,
        tally.applied,
        tally.review,
        tally.recorded,
        tally.ignored,
        tally.already_seen,
        tally.duplicates
    );
    if tally.review > 0 {
        text.push_str("See `samskap review` for what needs a person.\n");
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_reads_back_as_it_was_written() {
        for request in [
            Request::SendInvitations {
                orgs: vec!["sd".into()],
            },
            Request::Review {
                ids: vec![3, 4],
                apply: true,
            },
            Request::Ingest {
                paths: vec!["/tmp/a.eml".into()],
            },
            Request::PollClose,
            Request::PollChoose { number: 2 },
        ] {
            let text = serde_json::to_string(&request).unwrap();
            assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), request, "{text}");
        }
        assert_eq!(
            Request::Review {
                ids: vec![3],
                apply: false
            }
            .describe(),
            "review dismiss 3"
        );
    }
}
