//! Who gets a reminder, and when: pure rules over a snapshot of the register.
//!
//! - before the registration deadline: organisations invited that have neither registered nor
//!   declined (nor said "maybe");
//! - the contact person: ministries that have not appointed one;
//! - before a meeting: each registered attendee (the organisation's address when it named no
//!   one with an address);
//! - a notice: every organisation invited, or those registered for a meeting;
//! - the date poll: those asked who have not answered.
//!
//! An address that bounced for good is never used: the organisation's contact person or another
//! of its known people is reminded instead, or no one. Someone whose out-of-office said when they
//! are back gets the reminder on that day (the Monday after, if it is a weekend), at the same time
//! of day.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::config::{Lang, ReminderKind};
use crate::register::{ContactRow, OrgRow, RegistrationRow};

/// What the rules look at.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub orgs: Vec<OrgRow>,
    pub registrations: Vec<RegistrationRow>,
    pub contacts: Vec<ContactRow>,
    /// Addresses that bounced for good, lowercase.
    pub dead: HashSet<String>,
    /// The latest first day back each away address gave, lowercase address.
    pub back_on: BTreeMap<String, NaiveDate>,
    /// Organisations whose invitation went out.
    pub invited: HashSet<String>,
    /// Those asked in the date poll who have not answered: (organisation, address).
    pub poll_unanswered: Vec<(String, String)>,
    /// Who holds a calendar invitation, per meeting: (organisation, address, name).
    pub calendar_holders: BTreeMap<String, Vec<(String, String, Option<String>)>>,
}

/// One reminder to one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub org_id: String,
    pub org_name: String,
    pub address: String,
    pub name: Option<String>,
    pub lang: Lang,
    /// Why this address and not the usual one, for the log.
    pub note: Option<String>,
}

impl Snapshot {
    fn registration(&self, org: &str, event: &str) -> Option<&RegistrationRow> {
        self.registrations
            .iter()
            .find(|r| r.org_id == org && r.event_id == event)
    }

    fn contact(&self, org: &str) -> Option<&ContactRow> {
        self.contacts.iter().find(|c| c.org_id == org)
    }

    /// A reminder to `address` of `org`, in the organisation's language.
    pub fn target(&self, org: &OrgRow, address: &str, name: Option<String>, note: Option<String>) -> Target {
        let lang = org.language();
        Target {
            org_id: org.id.clone(),
            org_name: org.name_in(lang),
            address: address.to_lowercase(),
            name,
            lang,
            note,
        }
    }

    /// The organisation's address that works: its own; if that bounced for good, its contact
    /// person's, or a person it named for a meeting.
    fn working_address(&self, org: &OrgRow) -> Option<Target> {
        let own = org.address.to_lowercase();
        if !self.dead.contains(&own) {
            return Some(self.target(org, &own, None, None));
        }
        let contact = self
            .contact(&org.id)
            .and_then(|c| c.email.clone().map(|e| (e, c.name.clone())));
        let named = self
            .registrations
            .iter()
            .filter(|r| r.org_id == org.id)
            .flat_map(|r| r.attendees.as_array().cloned().unwrap_or_default())
            .filter_map(|a| {
                a["email"]
                    .as_str()
                    .map(|e| (e.to_string(), a["name"].as_str().map(str::to_string)))
            });
        contact
            .into_iter()
            .chain(named)
            .find(|(e, _)| !self.dead.contains(&e.to_lowercase()))
            .map(|(e, name)| {
                self.target(
                    org,
                    &e,
                    name,
                    Some(format!("{own} bounced; to another address of the organisation")),
                )
            })
    }

    /// Who `kind` reminds now.
    pub fn targets(&self, kind: &ReminderKind) -> Vec<Target> {
        // Invited by us, or joined by answering a forwarded invitation.
        let invited = |o: &&OrgRow| self.invited.contains(&o.id) || o.source == "mail";
        match kind {
            ReminderKind::Registration { event } => self
                .orgs
                .iter()
                .filter(invited)
                .filter(|o| self.registration(&o.id, event).is_none())
                .filter_map(|o| self.working_address(o))
                .collect(),
            ReminderKind::Contact => self
                .orgs
                .iter()
                .filter(invited)
                .filter(|o| o.kind == "ministry" && self.contact(&o.id).is_none())
                .filter_map(|o| self.working_address(o))
                .collect(),
            ReminderKind::Meeting { event } => {
                // The registered attendees, and whoever holds the meeting in their calendar
                // (everyone the date poll invited).
                let mut out: Vec<Target> =
                    crate::standing::wanted(event, &self.registrations, &self.orgs, &self.dead)
                        .into_iter()
                        .map(|w| Target {
                            org_id: w.org_id,
                            org_name: w.org_name,
                            address: w.address,
                            name: w.name,
                            lang: w.lang,
                            note: None,
                        })
                        .collect();
                for (org_id, address, name) in self.calendar_holders.get(event).into_iter().flatten() {
                    let declined = self
                        .registration(org_id, event)
                        .is_some_and(|r| r.status == "declined");
                    if declined || self.dead.contains(address) || out.iter().any(|t| &t.address == address) {
                        continue;
                    }
                    if let Some(org) = self.orgs.iter().find(|o| &o.id == org_id) {
                        out.push(self.target(org, address, name.clone(), None));
                    }
                }
                out
            }
            ReminderKind::Notice {
                event,
                registered_only,
                ..
            } => self
                .orgs
                .iter()
                .filter(invited)
                .filter(|o| match (registered_only, event) {
                    (true, Some(event)) => self
                        .registration(&o.id, event)
                        .is_some_and(|r| r.status == "registered"),
                    _ => true,
                })
                .filter_map(|o| self.working_address(o))
                .collect(),
            ReminderKind::Poll => self
                .poll_unanswered
                .iter()
                .filter(|(_, a)| !self.dead.contains(&a.to_lowercase()))
                .filter_map(|(org, address)| {
                    let o = self.orgs.iter().find(|o| &o.id == org)?;
                    Some(self.target(o, address, None, None))
                })
                .collect(),
        }
    }

    /// When `target`'s reminder due at `due` goes out: at once, or, if their out-of-office said
    /// they are back later, on the first working day from then (Monday to Friday) at the same
    /// local time.
    pub fn send_time(&self, target: &Target, due: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        let local = due.with_timezone(&tz);
        match self.back_on.get(&target.address) {
            Some(back) if *back > local.date_naive() => {
                let day = working_day_from(*back);
                crate::config::when::local_to_utc(day.and_time(local.time()), tz).unwrap_or(due)
            }
            _ => due,
        }
    }
}

/// `day`, or the Monday after it when it falls on a weekend.
pub fn working_day_from(day: NaiveDate) -> NaiveDate {
    use chrono::{Datelike, Weekday};
    match day.weekday() {
        Weekday::Sat => day + chrono::Duration::days(2),
        Weekday::Sun => day + chrono::Duration::days(1),
        _ => day,
    }
}

#[cfg(test)]
mod tests;
