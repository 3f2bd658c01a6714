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
    /// Of `new`, those sent again at a new address after the invitation bounced at the old one:
    /// (organisation, the address that bounced).
    pub again: Vec<(String, String)>,
}

/// What putting the invitation to one organisation in the outbox does now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// It is there already, and stands so.
    Existing(OutboxStatus),
    /// It goes under this key; `bounced` is the address it bounced at before, when this is the
    /// invitation sent again to the organisation's address changed since.
    New {
        key: ident::IdempotencyKey,
        bounced: Option<String>,
    },
}

/// For each of `orgs`: whether its invitation is in the outbox, or goes now under which key. An
/// organisation whose invitation bounced for good at every address it went to, and whose address
/// in the config is another now, gets it again at the new one.
pub fn plan_invitations(
    config: &Config,
    register: &Register,
    orgs: &[&crate::config::Organisation],
) -> Result<Vec<Planned>, RegisterError> {
    use std::collections::{HashMap, HashSet};
    let dead: HashSet<String> = register.dead_addresses()?;
    let mut sent_to: HashMap<String, Vec<String>> = HashMap::new();
    for row in register.outbox_of_kind(ident::kind::INVITATION)? {
        if let Some(org) = row.org_id {
            sent_to
                .entry(org)
                .or_default()
                .extend(row.recipients.iter().map(|r| r.to_lowercase()));
        }
    }
    let planned: Vec<(ident::IdempotencyKey, Option<String>)> = orgs
        .iter()
        .map(|org| {
            let address = org.address.to_string().to_lowercase();
            let before = sent_to.get(&org.id).map(Vec::as_slice).unwrap_or(&[]);
            let moved =
                !before.is_empty() && !before.contains(&address) && before.iter().all(|a| dead.contains(a));
            match before.last().filter(|_| moved) {
                Some(old) => (
                    invitation::key_again(config, &org.id, &address),
                    Some(old.clone()),
                ),
                None => (invitation::key(config, &org.id), None),
            }
        })
        .collect();
    let keys: Vec<String> = planned.iter().map(|(k, _)| k.as_string()).collect();
    let known = register.outbox_status(&keys)?;
    let out = planned
        .into_iter()
        .zip(&keys)
        .map(|((key, bounced), k)| match known.get(k) {
            Some(status) => Planned::Existing(*status),
            None => Planned::New { key, bounced },
        })
        .collect();
    Ok(out)
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
        let plans = plan_invitations(config, register, chunk)?;
        let mut fresh = Vec::new();
        for (org, plan) in chunk.iter().zip(plans) {
            match plan {
                Planned::Existing(status) => report.existing.push((org.id.clone(), status)),
                Planned::New { key, bounced } => {
                    let draft = invitation::draft_keyed(config, org, &secret, org.lang, now, key)?;
                    fresh.push(draft.into_new_message(&config.invitation.event, due));
                    if let Some(old) = bounced {
                        report.again.push((org.id.clone(), old));
                    }
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

/// The invitations to send again on their own, as the daemon does every round once the
/// invitations went out: to each organisation whose invitation bounced and whose address in the
/// config has changed since (never a first invitation: that is `send invitations` or
/// `invitation.send_at`).
pub fn enqueue_reinvitations(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
) -> Result<EnqueueReport, EnqueueError> {
    let orgs = select(config, &[])?;
    let plans = plan_invitations(config, register, &orgs)?;
    let again: Vec<String> = orgs
        .iter()
        .zip(plans)
        .filter(|(_, p)| matches!(p, Planned::New { bounced: Some(_), .. }))
        .map(|(o, _)| o.id.clone())
        .collect();
    if again.is_empty() {
        return Ok(EnqueueReport::default());
    }
    enqueue_invitations(config, register, &again, now)
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
