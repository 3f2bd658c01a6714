//! The inbox stage: reads messages from where they arrive (the coordinator's IMAP folder, the
//! local Maildir `DATA/inbox`, or files given to `samskap ingest`), and hands each to understand,
//! decide and the register. A message is known by where it was read (mailbox, UIDVALIDITY, UID)
//! and by its Message-ID; reading it again changes nothing.

pub mod files;
pub mod imap;

use chrono::{DateTime, Utc};
use tracing::{info, warn};

use crate::config::Config;
use crate::config::Text;
use crate::decide::{self, Action, Decision, Outcome};
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
            let Action::Confirm { org, to, lang } = action else {
                continue;
            };
            if register.confirmed_since(to, now - chrono::Duration::hours(1))? {
                info!(to, message_id = %understood.message_id, "confirmation skipped: one went to this sender within the hour");
                continue;
            }
            if crate::outbox::mail_allowance(config, register, org, now)? == Some(0) {
                warn!(to, org, message_id = %understood.message_id, "confirmation skipped: this organisation's messages caused as much mail as [inbox] mail_per_organisation allows");
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
                recorded: &decision.actions,
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

/// A message as it was read: whole, or too big to read and known by its header only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Whole(Vec<u8>),
    TooBig {
        /// The header, up to [`HEADER_MAX`] bytes of it.
        header: Vec<u8>,
        /// Its size in bytes, where known; else only that it is over the limit.
        size: Option<u64>,
    },
}

/// The most of a header read from a message too big to read: enough for any sender and subject,
/// and bounded whatever the message is.
pub const HEADER_MAX: u64 = 256 * 1024;

/// A size as people read it: "48.3 MB", "750 kB".
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{} kB", bytes.div_ceil(1000))
    }
}

/// The review item for a message too big to read, in words the coordinator acts on: who sent
/// it, what it is about, how big it is, and to read it in the mail client. Pure.
pub fn too_big_decision(understood: &Understood, size: Option<u64>, config: &Config) -> Decision {
    let limit = human_size(config.inbox.max_message_size);
    let size = size.map(human_size);
    let from = match &understood.from {
        Some(f) => match &f.name {
            Some(name) if !name.is_empty() => Text::same(format!("{name} <{}>", f.address)),
            _ => Text::same(f.address.clone()),
        },
        None => Text::new("en ukjent avsender", "an unknown sender"),
    };
    let subject = if understood.subject.is_empty() {
        Text::new("uten emne", "no subject")
    } else {
        let subject = &understood.subject;
        crate::words!("emne «{subject}»", "subject \"{subject}\"")
    };
    let sent = understood.date.map(|d| {
        d.with_timezone(&config.process.timezone)
            .format("%d.%m.%Y %H:%M")
            .to_string()
    });
    let (from_nb, from_en, subject_nb, subject_en) = (&from.nb, &from.en, &subject.nb, &subject.en);
    let (size_nb, size_en) = match &size {
        Some(size) => (format!("på {size}"), format!("of {size}")),
        None => (format!("på mer enn {limit}"), format!("of more than {limit}")),
    };
    let (sent_nb, sent_en) = match &sent {
        Some(at) => (format!(", sendt {at}"), format!(", sent {at}")),
        None => (String::new(), String::new()),
    };
    let reason = crate::words!(
        "For stor til å lese: en melding {size_nb} fra {from_nb}, {subject_nb}{sent_nb}. samskap leser meldinger på opptil {limit} ([inbox] max_message_size), så ingenting i den er lest og ingenting er endret. Åpne den i Outlook og før inn det den sier for hånd (eller avvis denne saken).",
        "Too big to read: a message {size_en} from {from_en}, {subject_en}{sent_en}. samskap reads messages up to {limit} ([inbox] max_message_size), so nothing in it was read and nothing was changed. Open it in Outlook and enter what it says by hand (or dismiss this item)."
    );
    Decision {
        org: None,
        outcome: Outcome::Review,
        actions: vec![Action::Review {
            org: None,
            reason,
            proposal: Vec::new(),
        }],
        summary: format!("too big to read ({size_en}): set aside for review"),
    }
}

/// Records a message too big to read, by its header, with a review item that says what it is.
/// Runs on the register's owner.
pub fn record_too_big(
    register: &mut Register,
    config: &Config,
    location: &Location,
    understood: &Understood,
    header: &[u8],
    size: Option<u64>,
    now: DateTime<Utc>,
) -> Result<Processed, RegisterError> {
    if register.seen_at(location)? {
        return Ok(Processed {
            message_id: understood.message_id.clone(),
            class: "too_big",
            org: None,
            outcome: Outcome::Ignored,
            recorded: Recorded::AlreadySeen,
            summary: "read before".into(),
        });
    }
    let decision = too_big_decision(understood, size, config);
    let text = String::from_utf8_lossy(header).into_owned();
    let recorded = register.record(
        location,
        &understood.message_id,
        "too_big",
        understood.from.as_ref().map(|f| f.address.as_str()),
        &understood.subject,
        &text,
        header,
        &understand::fingerprint::header_fingerprint(header, size.unwrap_or(0)),
        &decision,
        &[],
        now,
    )?;
    Ok(Processed {
        message_id: understood.message_id.clone(),
        class: "too_big",
        org: None,
        outcome: decision.outcome,
        recorded,
        summary: decision.summary,
    })
}

/// Understands, decides and records a message as it was read.
pub fn process_incoming(
    register: &mut Register,
    config: &Config,
    ctx: &understand::Context,
    location: &Location,
    incoming: &Incoming,
    now: DateTime<Utc>,
) -> Result<Processed, RegisterError> {
    match incoming {
        Incoming::Whole(raw) => process(register, config, ctx, location, raw, now),
        Incoming::TooBig { header, size } => {
            let understood = understand::understand(header, ctx);
            let processed = record_too_big(register, config, location, &understood, header, *size, now)?;
            log(&processed, location);
            Ok(processed)
        }
    }
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
