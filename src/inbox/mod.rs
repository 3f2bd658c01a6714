//! The inbox stage: reads messages from where they arrive (the coordinator's IMAP folder, the
//! local Maildir `DATA/inbox`, or files given to `samskap ingest`), and hands each to understand,
//! decide and the register. A message is known by where it was read (mailbox, UIDVALIDITY, UID)
//! and by its Message-ID; reading it again changes nothing.

pub mod files;
pub mod imap;

use chrono::{DateTime, Utc};
use tracing::{info, warn};

use crate::config::Config;
use crate::decide::{self, Action, Outcome};
use crate::outbox::confirmation;
use crate::register::inbound::{Location, Recorded};
use crate::register::{Register, RegisterError};
use crate::understand::{self, Class, Understood};

/// What became of one message.
#[derive(Debug, Clone)]
pub struct Processed {
    pub message_id: String,
    pub class: &'static str,
    pub org: Option<String>,
    pub outcome: Outcome,
    pub recorded: Recorded,
    pub summary: String,
}

/// Counts of what a round of reading did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub read: u64,
    pub applied: u64,
    pub review: u64,
    pub recorded: u64,
    pub ignored: u64,
    pub already_seen: u64,
    pub duplicates: u64,
}

impl Tally {
    /// Counts one message.
    pub fn add(&mut self, p: &Processed) {
        match p.recorded {
            Recorded::AlreadySeen => self.already_seen += 1,
            Recorded::Duplicate => self.duplicates += 1,
            Recorded::IdReused => {
                self.read += 1;
                self.review += 1;
            }
            Recorded::Done => {
                self.read += 1;
                match p.outcome {
                    Outcome::Applied => self.applied += 1,
                    Outcome::Review => self.review += 1,
                    Outcome::Recorded => self.recorded += 1,
                    Outcome::Ignored => self.ignored += 1,
                }
            }
        }
    }
}

/// The text a review item shows: what the person wrote, or the whole readable text.
fn review_text(understood: &Understood, raw: &[u8]) -> String {
    match &understood.class {
        Class::Reply { split, .. } => {
            let mut text = split.visible();
            if !split.quoted.is_empty() {
                text.push_str("\n\n[quoted]\n");
                text.push_str(&split.quoted.chars().take(4000).collect::<String>());
            }
            text
        }
        _ => String::from_utf8_lossy(&raw[..raw.len().min(64 * 1024)]).into_owned(),
    }
}

/// Decides and records one message already understood. Runs on the register's owner.
pub fn record(
    register: &mut Register,
    config: &Config,
    location: &Location,
    understood: &Understood,
    raw: &[u8],
    now: DateTime<Utc>,
) -> Result<Processed, RegisterError> {
    if register.seen_at(location)? {
        return Ok(Processed {
            message_id: understood.message_id.clone(),
            class: understood.class.name(),
            org: None,
            outcome: Outcome::Ignored,
            recorded: Recorded::AlreadySeen,
            summary: "read before".into(),
        });
    }
    let decision = decide::decide(understood, config, &*register, now);
    let mut confirmations = Vec::new();
    if config.inbox.confirmations {
        let secret = register.secret()?;
        for action in &decision.actions {
            let Action::Confirm { org, to, lang, lines } = action else {
                continue;
            };
            if register.confirmed_since(to, now - chrono::Duration::hours(1))? {
                info!(to, message_id = %understood.message_id, "confirmation skipped: one went to this sender within the hour");
                continue;
            }
            let org_name = crate::decide::Directory::org(&*register, org)
                .map(|o| o.name)
                .unwrap_or_else(|| org.clone());
            let answering = confirmation::Answering {
                org_id: org,
                org_name: &org_name,
                to,
                lang: crate::config::Lang::parse(lang).unwrap_or(crate::config::Lang::Nb),
                their_message_id: &understood.message_id,
                lines,
            };
            match confirmation::compose(config, &secret, &answering, now) {
                Ok(message) => confirmations.push(message),
                Err(e) => warn!(error = %e, to, "cannot compose a confirmation"),
            }
        }
    }
    let recorded = register.record(
        location,
        &understood.message_id,
        understood.class.name(),
        understood.from.as_ref().map(|f| f.address.as_str()),
        &understood.subject,
        &review_text(understood, raw),
        raw,
        &understand::fingerprint::fingerprint(raw),
        &decision,
        &confirmations,
        now,
    )?;
    let (outcome, summary) = match recorded {
        Recorded::IdReused => (
            Outcome::Review,
            "the Message-ID of a message read before, saying something else: set aside for review, nothing changed".to_string(),
        ),
        _ => (decision.outcome, decision.summary),
    };
    Ok(Processed {
        message_id: understood.message_id.clone(),
        class: understood.class.name(),
        org: decision.org.clone(),
        outcome,
        recorded,
        summary,
    })
}

/// Understands, decides and records one message's bytes.
pub fn process(
    register: &mut Register,
    config: &Config,
    ctx: &understand::Context,
    location: &Location,
    raw: &[u8],
    now: DateTime<Utc>,
) -> Result<Processed, RegisterError> {
    let understood = understand::understand(raw, ctx);
    let processed = record(register, config, location, &understood, raw, now)?;
    log(&processed, location);
    Ok(processed)
}

/// One line for the log: what happened to which message, for whom.
pub fn log(p: &Processed, location: &Location) {
    if p.recorded == Recorded::AlreadySeen {
        return;
    }
    let org = p.org.as_deref().unwrap_or("-");
    let outcome = if p.recorded == Recorded::Duplicate {
        "duplicate"
    } else {
        p.outcome.as_str()
    };
    match p.outcome {
        Outcome::Review => {
            warn!(message_id = %p.message_id, org, class = p.class, mailbox = %location.mailbox, uid = location.uid, "{outcome}: {}", p.summary)
        }
        _ => {
            info!(message_id = %p.message_id, org, class = p.class, mailbox = %location.mailbox, uid = location.uid, "{outcome}: {}", p.summary)
        }
    }
}
