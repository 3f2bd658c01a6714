//! The outbox stage: decides what to send, renders it, and writes it to the register under an
//! idempotency key before anything leaves ([`enqueue_invitations`]); then drains what is due
//! through a transport ([`dispatch`]).

pub mod compose;
pub mod confirmation;
pub mod dispatch;

pub mod invitation;
pub mod letter;
pub mod mailing;

use chrono::{DateTime, Timelike, Utc};

use crate::config::Config;
use crate::ident;
use crate::register::{Enqueued, OutboxStatus, Register, RegisterError};

/// What enqueueing the invitations did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EnqueueReport {
    /// Organisations whose invitation entered the outbox now.
    pub new: Vec<String>,
    /// Organisations whose invitation was there already, and how it stands.
    pub existing: Vec<(String, OutboxStatus)>,
}

/// Enqueueing failed; nothing of the failing chunk was written.
#[derive(Debug, thiserror::Error)]
pub enum EnqueueError {
    #[error(transparent)]
    Draft(#[from] invitation::DraftError),
    #[error(transparent)]
    Register(#[from] RegisterError),
    #[error("no organisation in the config has the id {0:?}")]
    UnknownOrg(String),
}

/// How many invitations are rendered and written per transaction: keeps memory flat for large
/// mailings while amortising commits.
const CHUNK: usize = 100;

/// The organisations `selection` names (all when empty), in config order.
pub fn select<'c>(
    config: &'c Config,
    selection: &[String],
) -> Result<Vec<&'c crate::config::Organisation>, EnqueueError> {
    for id in selection {
        if config.organisation(id).is_none() {
            return Err(EnqueueError::UnknownOrg(id.clone()));
        }
    }
    Ok(config
        .organisations
        .iter()
        .filter(|o| selection.is_empty() || selection.contains(&o.id))
        .collect())
}

/// Syncs the organisations into the register and puts the invitation to each selected one in the
/// outbox, unless it is there already. Invitations already in the outbox are not rendered again:
/// a queued one keeps the bytes it was written with.
pub fn enqueue_invitations(
    config: &Config,
    register: &mut Register,
    selection: &[String],
    now: DateTime<Utc>,
) -> Result<EnqueueReport, EnqueueError> {
    let orgs = select(config, selection)?;
    register.claim_process(&config.process.id)?;
    let secret = register.secret()?;
    register.sync_organisations(&invitation::org_sync(config, &secret), now)?;
    let mut report = EnqueueReport::default();
    // Due from the start of this second: a rehearsal that runs the daemon at the same `--now`
    // right after finds them due, not a few milliseconds in its future.
    let due = now.with_nanosecond(0).unwrap_or(now);
    for chunk in orgs.chunks(CHUNK) {
        let keys: Vec<String> = chunk
            .iter()
            .map(|o| invitation::key(config, &o.id).as_string())
            .collect();
        let known = register.outbox_status(&keys)?;
        let mut fresh = Vec::new();
        for (org, key) in chunk.iter().zip(&keys) {
            match known.get(key) {
                Some(status) => report.existing.push((org.id.clone(), *status)),
                None => {
                    let draft = invitation::draft(config, org, &secret, org.lang, now)?;
                    fresh.push(draft.into_new_message(&config.invitation.event, due));
                }
            }
        }
        for outcome in register.enqueue(&fresh, now)?.into_iter().zip(&fresh) {
            match outcome {
                (Enqueued::New(_), m) => report.new.push(m.org_id.clone().unwrap_or_default()),
                (Enqueued::Existing { status, .. }, m) => report
                    .existing
                    .push((m.org_id.clone().unwrap_or_default(), status)),
            }
        }
    }
    Ok(report)
}

/// How many more confirmations and first calendar invitations `org`'s messages may cause now
/// under `[inbox] mail_per_organisation`; `None` when there is no limit. Counted from the outbox,
/// so it holds across restarts and for every command that writes mail.
pub fn mail_allowance(
    config: &Config,
    register: &Register,
    org: &str,
    now: DateTime<Utc>,
) -> Result<Option<u32>, RegisterError> {
    let crate::config::Rate::Limited { count, per } = config.inbox.mail_per_organisation else {
        return Ok(None);
    };
    let since = chrono::Duration::from_std(per)
        .ok()
        .and_then(|d| now.checked_sub_signed(d))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let caused = register
        .outbox_keys_since(org, since)?
        .iter()
        .filter(|k| ident::is_caused_by_mail(k))
        .count();
    Ok(Some(count.saturating_sub(caused as u32)))
}
