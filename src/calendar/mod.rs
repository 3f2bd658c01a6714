//! The calendar stage: keeps every registered attendee's calendar in step with the meetings.
//!
//! [`plan`] compares who should hold an invitation (the registered attendees, else the contact
//! person; an organisation's shared mailbox, with no person known, gets the text without the
//! calendar object: [`crate::standing::to_persons`]) and what the meeting is now (its time,
//! place and wording, as a digest) with what was sent before, and says which objects to send: a
//! REQUEST to the newly registered, the same with a higher SEQUENCE to everyone when the meeting
//! changed, a CANCEL to whoever is no longer coming or to everyone when it is called off.
//! [`sync`] renders those (`ics` and the `calendar.*` templates) and writes them to the outbox
//! together with the new state, in one transaction, so a crash sends nothing twice.

pub mod ics;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tracing::warn;

use crate::config::{Config, Event, Lang, Slot};
use crate::outbox::invitation::{DraftError, message_id_domain};
use crate::outbox::mailing::{self, Mailing, Named, Someone};
use crate::register::calendar::{CalendarEventRow, InviteeRow};
use crate::register::{NewMessage, Register, RegisterError};
use crate::standing::{Wanted, wanted};
use ics::{Invite, Method, Party};

/// The outbox kind of calendar messages.
pub const KIND: &str = crate::ident::kind::CALENDAR;

/// One calendar object to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub to: Wanted,
    pub method: Method,
    pub sequence: u32,
    /// The how-manieth object this person gets for this meeting: part of its idempotency key.
    pub round: u32,
    /// A REQUEST sent because the meeting changed, not a first invitation.
    pub update: bool,
}

/// What to send for one meeting, and the state to keep afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub event: CalendarEventRow,
    pub invitees: Vec<InviteeRow>,
    pub notices: Vec<Notice>,
}

/// The digest of what a calendar object says about `event` at `slot`: a change of any of it is a
/// new SEQUENCE.
pub fn digest(event: &Event, slot: Slot) -> String {
    let mut h = Sha256::new();
    for part in [
        slot.start.to_rfc3339(),
        slot.end.to_rfc3339(),
        event.name.nb.clone(),
        event.name.en.clone(),
        event.location.as_ref().map(|l| l.nb.clone()).unwrap_or_default(),
        event.location.as_ref().map(|l| l.en.clone()).unwrap_or_default(),
        event.cancelled.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update(b"\0");
    }
    data_encoding::HEXLOWER.encode(&h.finalize()[..12])
}

impl Notice {
    /// Whether this is the first object this person gets for the meeting: mail to someone an
    /// incoming message introduced, which `[inbox] mail_per_organisation` limits.
    pub fn first(&self) -> bool {
        self.method == Method::Request && self.round == 1
    }
}

/// `plan` without the first invitations beyond each organisation's `allowance` (`None`: no
/// limit), and how many were held back per organisation. What is held back is neither sent nor
/// recorded, so the next sync plans it again. Pure.
pub fn within_allowance(
    mut plan: Plan,
    allowance: &HashMap<String, Option<u32>>,
) -> (Plan, BTreeMap<String, usize>) {
    let mut left = allowance.clone();
    let mut held: BTreeMap<String, usize> = BTreeMap::new();
    let mut held_addresses = HashSet::new();
    plan.notices.retain(|n| {
        if !n.first() {
            return true;
        }
        match left.get_mut(&n.to.org_id) {
            Some(Some(0)) => {
                *held.entry(n.to.org_id.clone()).or_default() += 1;
                held_addresses.insert(n.to.address.clone());
                false
            }
            Some(Some(k)) => {
                *k -= 1;
                true
            }
            _ => true,
        }
    });
    plan.invitees.retain(|i| !held_addresses.contains(&i.address));
    (plan, held)
}

/// What must be sent for `event` (at `slot`, with `uid`), given what was sent before (`state`,
/// `invitees`) and who should hold an invitation now (`wanted`). A shared mailbox
/// (`shared`) that is no longer wanted, because persons of its organisation are now known, is
/// told nothing: it never held the calendar object. Pure.
pub fn plan(
    event: &Event,
    slot: Slot,
    uid: &str,
    state: Option<&CalendarEventRow>,
    invitees: &[InviteeRow],
    wanted: &[Wanted],
    shared: &dyn Fn(&str) -> bool,
) -> Plan {
    let digest = digest(event, slot);
    let sequence = match state {
        None => 0,
        Some(s) if s.digest == digest => s.sequence,
        Some(s) => s.sequence + 1,
    };
    let mut notices = Vec::new();
    let mut rows = Vec::new();
    let mut notify = |to: Wanted, method: Method, round: u32, update: bool, rows: &mut Vec<InviteeRow>| {
        let silent = method == Method::Cancel && !to.object && !event.cancelled;
        rows.push(InviteeRow {
            event_id: event.id.clone(),
            address: to.address.clone(),
            org_id: Some(to.org_id.clone()),
            name: to.name.clone(),
            sequence,
            round,
            state: if method == Method::Cancel {
                "cancelled"
            } else {
                "invited"
            }
            .into(),
        });
        if !silent {
            notices.push(Notice {
                to,
                method,
                sequence,
                round,
                update,
            });
        }
    };
    let wanted_now: &[Wanted] = if event.cancelled { &[] } else { wanted };
    for w in wanted_now {
        match invitees.iter().find(|i| i.address == w.address) {
            None => notify(w.clone(), Method::Request, 1, false, &mut rows),
            Some(i) if i.state != "invited" => {
                notify(w.clone(), Method::Request, i.round + 1, false, &mut rows)
            }
            Some(i) if i.sequence < sequence => {
                notify(w.clone(), Method::Request, i.round + 1, true, &mut rows)
            }
            Some(_) => {}
        }
    }
    for i in invitees {
        if i.state == "invited" && !wanted_now.iter().any(|w| w.address == i.address) {
            let known = wanted.iter().find(|w| Some(&w.org_id) == i.org_id.as_ref());
            let to = Wanted {
                org_id: i.org_id.clone().unwrap_or_default(),
                org_name: known
                    .map(|w| w.org_name.clone())
                    .unwrap_or_else(|| i.org_id.clone().unwrap_or_default()),
                address: i.address.clone(),
                name: i.name.clone(),
                lang: known.map(|w| w.lang).unwrap_or(Lang::Nb),
                object: !shared(&i.address),
                registered: false,
            };
            notify(to, Method::Cancel, i.round + 1, false, &mut rows);
        }
    }
    Plan {
        event: CalendarEventRow {
            event_id: event.id.clone(),
            uid: state.map(|s| s.uid.clone()).unwrap_or_else(|| uid.to_string()),
            sequence,
            digest,
        },
        invitees: rows,
        notices,
    }
}

/// The UID of `event`'s calendar objects: `ogp5-kickoff@kdd.dep.no`, which replies bring back.
pub fn uid(config: &Config, event: &str) -> String {
    format!("{}-{event}@{}", config.process.id, message_id_domain(config))
}

/// One calendar object a sync put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub event: String,
    pub method: &'static str,
    pub org: String,
    pub address: String,
}

/// What a calendar sync did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Every object put in the outbox.
    pub queued: Vec<Queued>,
}

/// A calendar sync that failed; nothing of the failing meeting was written.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Register(#[from] RegisterError),
}

/// Brings every meeting's calendar invitations up to date with the register and the config:
/// plans, renders and enqueues, one meeting per transaction.
pub fn sync(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
) -> Result<SyncReport, CalendarError> {
    let mut report = SyncReport::default();
    if !config.calendar.invitations {
        return Ok(report);
    }
    let secret = register.secret()?;
    let registrations = register.registrations()?;
    // Only the organisations that have answered or hold an invitation matter here: with
    // thousands invited and few answers, the others are not read into memory.
    let mut involved: HashSet<String> = registrations.iter().map(|r| r.org_id.clone()).collect();
    for event in &config.events {
        involved.extend(register.invitees(&event.id)?.into_iter().filter_map(|i| i.org_id));
    }
    let polled_invitees = crate::standing::calendar_invitees(config, register)?;
    if involved.is_empty() && polled_invitees.is_empty() {
        return Ok(report);
    }
    let orgs = register.organisations_among(Some(&involved))?;
    let dead: HashSet<String> = register.dead_addresses()?;
    let contacts = register.contacts()?;
    let dates = crate::standing::Dates::read(config, register)?;
    let polled = config.schedule.poll.as_ref().map(|p| p.event.clone());
    for event in &config.events {
        // Fixed in the config, or chosen by the date poll.
        let Some(slot) = dates.slot(&event.id) else {
            continue;
        };
        let state = register.calendar_event(&event.id)?;
        let invitees = register.invitees(&event.id)?;
        let mut wanted = wanted(&event.id, &registrations, &orgs, &dead);
        if polled.as_deref() == Some(event.id.as_str()) {
            for w in polled_invitees.iter().cloned() {
                if !wanted.iter().any(|x| x.address == w.address) {
                    wanted.push(w);
                }
            }
        }
        let wanted = crate::standing::to_persons(config, wanted, &contacts, &dead);
        let plan = plan(
            event,
            slot,
            &uid(config, &event.id),
            state.as_ref(),
            &invitees,
            &wanted,
            &|address| config.is_shared_mailbox(address),
        );
        let mut allowance = HashMap::new();
        for n in plan.notices.iter().filter(|n| n.first()) {
            if !allowance.contains_key(&n.to.org_id) {
                let left = crate::outbox::mail_allowance(config, register, &n.to.org_id, now)?;
                allowance.insert(n.to.org_id.clone(), left);
            }
        }
        let (plan, held) = within_allowance(plan, &allowance);
        for (org, count) in held {
            warn!(org, event = %event.id, count, "calendar invitations held back: this organisation's messages caused as much mail as [inbox] mail_per_organisation allows; they go when it allows more");
        }
        if plan.notices.is_empty() && state.as_ref() == Some(&plan.event) {
            continue;
        }
        let mut messages = Vec::new();
        for notice in &plan.notices {
            messages.push(compose(
                config,
                &secret,
                event,
                slot,
                &plan.event.uid,
                notice,
                now,
            )?);
        }
        register.apply_calendar(&plan.event, &plan.invitees, &messages, now)?;
        for n in &plan.notices {
            report.queued.push(Queued {
                event: event.id.clone(),
                method: n.method.as_str(),
                org: n.to.org_id.clone(),
                address: n.to.address.clone(),
            });
        }
    }
    Ok(report)
}

#[derive(Serialize)]
struct Ctx<'a> {
    method: &'static str,
    update: bool,
    /// Whether the calendar object is attached (a person), or the text comes alone (a shared
    /// mailbox, with no person of the organisation known).
    object: bool,
    /// Whether the organisation registered (the letter thanks it), or was asked in the poll.
    registered: bool,
    event: EventCtx<'a>,
    attendee: Someone<'a>,
    org: Named<'a>,
}

#[derive(Serialize)]
struct EventCtx<'a> {
    #[serde(flatten)]
    meeting: mailing::Meeting<'a>,
    cancelled: bool,
}

/// The message carrying `notice`: text, HTML and the calendar object, from the coordinator, with
/// the organisation's token in Reply-To and subject like every other message of the process.
pub fn compose(
    config: &Config,
    secret: &[u8],
    event: &Event,
    slot: Slot,
    uid: &str,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<NewMessage, DraftError> {
    let lang = notice.to.lang;
    let tz = config.process.timezone;
    let location = event.location.as_ref().map(|l| l.get(lang)).unwrap_or("");
    let ctx = Ctx {
        method: match notice.method {
            Method::Request => "request",
            Method::Cancel => "cancel",
        },
        update: notice.update,
        object: notice.to.object,
        registered: notice.to.registered,
        event: EventCtx {
            meeting: mailing::Meeting::new(event, lang, crate::config::words::slot(slot, tz, lang)),
            cancelled: event.cancelled,
        },
        attendee: Someone::new(notice.to.name.as_deref()),
        org: Named {
            name: &notice.to.org_name,
        },
    };
    let key_event = crate::ident::calendar_key_event(&event.id, &notice.to.address, notice.round);
    let from = config
        .coordinator
        .email
        .clone()
        .unwrap_or_else(|| config.replies.address.clone());
    let description = format!(
        "{}\n{}{}\n\n{}: {}, {}",
        event.name.get(lang),
        crate::config::words::slot(slot, tz, lang),
        if location.is_empty() {
            String::new()
        } else {
            format!("\n{location}")
        },
        config.organiser.name.get(lang),
        config.coordinator.name,
        from
    );
    let ics = ics::render(&Invite {
        method: notice.method,
        uid: uid.to_string(),
        sequence: notice.sequence,
        stamp: now,
        slot,
        tz,
        summary: event.name.get(lang).to_string(),
        location: (!location.is_empty()).then(|| location.to_string()),
        description,
        organizer: Party {
            name: Some(config.coordinator.name.clone()),
            email: from.to_string(),
        },
        attendee: Party {
            name: notice.to.name.clone(),
            email: notice.to.address.clone(),
        },
    });
    mailing::compose(
        config,
        secret,
        Mailing {
            revision: notice.sequence,
            html: true,
            calendar: notice.to.object.then(|| (notice.method.as_str().into(), ics)),
            ..Mailing::plain(
                KIND,
                Some(&notice.to.org_id),
                key_event,
                Some(event.id.clone()),
                mailing::recipient(notice.to.name.clone(), &notice.to.address)?,
                lang,
                now,
            )
        },
        &ctx,
        now,
    )
}

#[cfg(test)]
mod tests;
