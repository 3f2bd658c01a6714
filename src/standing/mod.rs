//! Where the process stands, for the stages that act over time: the named dates (a meeting's
//! time fixed or chosen by the poll), a [`Snapshot`] of who is invited, registered, away,
//! bounced and still to answer the poll, and who should hold a calendar invitation.
//!
//! Read from the config and the register; the rules over it ([`targets`]) are pure. The
//! orchestrator ([`crate::schedule`]) and the stages under it (calendar, poll, report) read the
//! process here, never from each other.

pub mod targets;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::config::when::Anchors;
use crate::config::{Config, Lang, Slot};
use crate::ident::kind;
use crate::outbox::invitation::DraftError;
use crate::register::{ContactRow, OrgRow, OutboxStatus, Register, RegisterError, RegistrationRow};
pub use targets::{Snapshot, Target};

/// The process's named dates, from the config and the register (a date chosen by the poll).
pub struct Dates<'a> {
    config: &'a Config,
    /// Meetings whose date was open and has been chosen.
    pub chosen: HashMap<String, Slot>,
}

impl<'a> Dates<'a> {
    /// The dates of `config`, with the slots the register says were chosen.
    pub fn read(config: &'a Config, register: &Register) -> Result<Dates<'a>, RegisterError> {
        let mut chosen = HashMap::new();
        for event in &config.events {
            if event.slot().is_none()
                && let Some(slot) = register.chosen_slot(&event.id)?
            {
                chosen.insert(event.id.clone(), slot);
            }
        }
        Ok(Dates { config, chosen })
    }

    /// A meeting's time: fixed in the config, or chosen by the poll.
    pub fn slot(&self, event: &str) -> Option<Slot> {
        let e = self.config.event(event)?;
        e.slot().or_else(|| self.chosen.get(event).copied())
    }
}

impl Anchors for Dates<'_> {
    fn anchor(&self, name: &str) -> Option<DateTime<Utc>> {
        if let Some(d) = self.config.deadlines.iter().find(|d| d.id == name) {
            return Some(d.due);
        }
        if name == "poll" {
            return self.config.schedule.poll.as_ref().map(|p| p.deadline);
        }
        self.slot(name).map(|s| s.start)
    }
}

/// What the rules need from the register, read at once.
pub fn snapshot(config: &Config, register: &Register) -> Result<Snapshot, RegisterError> {
    let invited: HashSet<String> = register
        .invitation_states()?
        .into_iter()
        .filter(|(_, s)| s.status == OutboxStatus::Sent)
        .map(|(org, _)| org)
        .collect();
    let dead = register.dead_addresses()?;
    let mut back_on: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for a in register.auto_replies()? {
        if let Some(day) = a.returns_on.as_deref().and_then(|d| d.parse::<NaiveDate>().ok()) {
            let e = back_on.entry(a.address.to_lowercase()).or_insert(day);
            *e = (*e).max(day);
        }
    }
    let mut calendar_holders = BTreeMap::new();
    for event in &config.events {
        let holders: Vec<(String, String, Option<String>)> = register
            .invitees(&event.id)?
            .into_iter()
            .filter(|i| i.state == "invited")
            .filter_map(|i| Some((i.org_id?, i.address, i.name)))
            .collect();
        if !holders.is_empty() {
            calendar_holders.insert(event.id.clone(), holders);
        }
    }
    Ok(Snapshot {
        calendar_holders,
        orgs: register.organisations()?,
        registrations: register.registrations()?,
        contacts: register.contacts()?,
        dead,
        back_on,
        invited,
        poll_unanswered: unanswered(config, register)?,
    })
}

/// A scheduled step that failed; nothing of the failing occurrence was written.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Register(#[from] RegisterError),
}

pub use crate::ident::address_hash;

/// Someone who should hold an invitation to a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub org_id: String,
    /// The organisation's name in the person's language, for the letter.
    pub org_name: String,
    pub address: String,
    pub name: Option<String>,
    pub lang: Lang,
    /// Whether the message carries the calendar object: a person's address does; an
    /// organisation's shared mailbox, where no person is known yet, gets the text alone.
    pub object: bool,
    /// Whether the organisation registered for the meeting (the letter thanks it for that); one
    /// asked in the date poll who has not registered gets the invitation without the thanks.
    pub registered: bool,
}

/// Who should hold an invitation to `event_id` now: each registered (or tentative) attendee with
/// an address that has not bounced; the organisation's own address when it named no one with an
/// address. Decliners and organisations that have not answered get nothing.
pub fn wanted(
    event_id: &str,
    registrations: &[RegistrationRow],
    orgs: &[OrgRow],
    dead: &HashSet<String>,
) -> Vec<Wanted> {
    let mut out: Vec<Wanted> = Vec::new();
    for r in registrations {
        if r.event_id != event_id || !(r.status == "registered" || r.status == "tentative") {
            continue;
        }
        let Some(org) = orgs.iter().find(|o| o.id == r.org_id) else {
            continue;
        };
        let lang = org.language();
        let org_name = org.name_in(lang);
        let mut named = Vec::new();
        for a in r.attendees.as_array().into_iter().flatten() {
            let Some(address) = a["email"].as_str().map(str::to_lowercase) else {
                continue;
            };
            if dead.contains(&address) || named.iter().any(|w: &Wanted| w.address == address) {
                continue;
            }
            named.push(Wanted {
                org_id: org.id.clone(),
                org_name: org_name.clone(),
                address,
                name: a["name"].as_str().map(str::to_string),
                lang,
                object: true,
                registered: true,
            });
        }
        if named.is_empty() && !dead.contains(&org.address.to_lowercase()) {
            named.push(Wanted {
                org_id: org.id.clone(),
                org_name: org_name.clone(),
                address: org.address.to_lowercase(),
                name: None,
                lang,
                object: true,
                registered: true,
            });
        }
        for w in named {
            if !out.iter().any(|o| o.address == w.address) {
                out.push(w);
            }
        }
    }
    out
}

/// Who of `wanted` gets the calendar object: persons, never a shared mailbox
/// ([`Config::is_shared_mailbox`]). An organisation's shared mailbox gives way to its persons:
/// its own attendees among `wanted`, else its contact person (`contacts`) when that address
/// works. With no person known it stays, to get the invitation's text without the object.
pub fn to_persons(
    config: &Config,
    wanted: Vec<Wanted>,
    contacts: &[ContactRow],
    dead: &HashSet<String>,
) -> Vec<Wanted> {
    let person = |address: &str| !config.is_shared_mailbox(address) && !dead.contains(address);
    let mut with_person: HashSet<String> = wanted
        .iter()
        .filter(|w| person(&w.address))
        .map(|w| w.org_id.clone())
        .collect();
    let mut out: Vec<Wanted> = Vec::new();
    for mut w in wanted {
        if !person(&w.address) {
            if with_person.contains(&w.org_id) {
                continue;
            }
            let contact = contacts.iter().find(|c| {
                c.org_id == w.org_id && c.email.as_deref().is_some_and(|e| person(&e.to_lowercase()))
            });
            match contact {
                Some(c) => {
                    w.address = c.email.clone().unwrap_or_default().to_lowercase();
                    w.name = c.name.clone();
                    with_person.insert(w.org_id.clone());
                }
                None => w.object = false,
            }
        }
        if !out.iter().any(|o| o.address == w.address) {
            out.push(w);
        }
    }
    out
}

/// Those asked (and sent the poll) whose organisation has not answered: (organisation, address).
pub fn unanswered(config: &Config, register: &Register) -> Result<Vec<(String, String)>, RegisterError> {
    let Some((event, _)) = config.poll_candidates() else {
        return Ok(Vec::new());
    };
    if register.poll_result(event)?.is_some() {
        return Ok(Vec::new());
    }
    let answered: BTreeSet<String> = register
        .poll_answers(event)?
        .into_iter()
        .map(|a| a.org_id)
        .collect();
    let mut out = Vec::new();
    for sent in register.outbox_of_kind(kind::POLL)? {
        let Some(org) = sent.org_id else { continue };
        if sent.status != "sent" || answered.contains(&org) {
            continue;
        }
        for r in sent.recipients {
            out.push((org.clone(), r.to_lowercase()));
        }
    }
    Ok(out)
}

/// Who gets the chosen meeting in their calendar: everyone asked, except who said the chosen
/// slot does not suit and addresses that have bounced for good. Read from the poll's own outbox
/// entries, without the rest of the register: the calendar stage asks every round.
pub fn calendar_invitees(config: &Config, register: &Register) -> Result<Vec<Wanted>, RegisterError> {
    let Some((event, _)) = config.poll_candidates() else {
        return Ok(Vec::new());
    };
    let Some(result) = register.poll_result(event)? else {
        return Ok(Vec::new());
    };
    let refused: BTreeSet<String> = register
        .poll_answers(event)?
        .into_iter()
        .filter(|a| a.no.contains(&result.chosen))
        .map(|a| a.address)
        .collect();
    let dead = register.dead_addresses()?;
    let mut asked: Vec<(String, String)> = Vec::new();
    for sent in register.outbox_of_kind(kind::POLL)? {
        let Some(org) = sent.org_id else { continue };
        for r in sent.recipients {
            let address = r.to_lowercase();
            if !refused.contains(&address)
                && !dead.contains(&address)
                && !asked.iter().any(|(_, a)| *a == address)
            {
                asked.push((org.clone(), address));
            }
        }
    }
    // Their names, where the register knows them: contact persons and people registered.
    let mut names: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for r in register.registrations()? {
        for a in r.attendees.as_array().into_iter().flatten() {
            if let (Some(e), Some(n)) = (a["email"].as_str(), a["name"].as_str()) {
                names.insert(e.to_lowercase(), n.to_string());
            }
        }
    }
    for c in register.contacts()? {
        if let (Some(e), Some(n)) = (c.email, c.name) {
            names.insert(e.to_lowercase(), n);
        }
    }
    let ids: std::collections::HashSet<String> = asked.iter().map(|(o, _)| o.clone()).collect();
    let orgs = register.organisations_among(Some(&ids))?;
    Ok(asked
        .into_iter()
        .filter_map(|(org_id, address)| {
            let org = orgs.iter().find(|o| o.id == org_id)?;
            let lang = org.language();
            Some(Wanted {
                org_name: org.name_in(lang),
                name: names.get(&address).cloned(),
                org_id,
                address,
                lang,
                object: true,
                registered: false,
            })
        })
        .collect())
}
