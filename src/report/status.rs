//! The status of the process, built from the register (and the config for names and events).
//!
//! `status --json` is a stable interface: fields are only ever added, never renamed or removed.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::register::{InvitationState, OutboxStatus, Register, RegisterError, ReviewRow};

/// The whole status.
#[derive(Debug, Serialize)]
pub struct Status {
    pub process: String,
    pub organisations: Vec<OrgStatus>,
    pub review: Vec<ReviewRow>,
    /// The date poll, when the config has one.
    pub poll: Option<PollStatus>,
    /// The samskap process writing to the register now (the daemon, usually), if any.
    pub writer: Option<Writer>,
    /// The event ids, in config order, for the text view's columns.
    #[serde(skip)]
    pub event_ids: Vec<String>,
}

/// The process that holds the data directory.
#[derive(Debug, Clone, Serialize)]
pub struct Writer {
    pub pid: u32,
    pub command: String,
    /// Whether it is the daemon (`samskap run`).
    pub daemon: bool,
}

/// One organisation.
#[derive(Debug, Serialize)]
pub struct OrgStatus {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub referred_by: Option<String>,
    pub invitation: Invitation,
    pub contact: Option<Contact>,
    pub events: BTreeMap<String, EventStatus>,
    /// Delivery reports about mail to it, oldest first.
    pub bounces: Vec<crate::register::inbound::BounceRow>,
    /// Automatic replies from it (out of office), oldest first.
    pub auto_replies: Vec<crate::register::inbound::AutoReplyRow>,
    /// The reminders it was sent, or is to be sent once back from an absence.
    pub reminders: Vec<ReminderStatus>,
}

/// One reminder to one organisation.
#[derive(Debug, Serialize)]
pub struct ReminderStatus {
    /// The reminder's id in the config.
    pub reminder: String,
    /// When it was due.
    pub due: String,
    /// queued (in the outbox or sent), deferred (until `at`), skipped (answered meanwhile),
    /// lapsed (away until `at`, after what it was about: not sent).
    pub state: String,
    pub at: String,
    pub address: String,
}

/// The date poll.
#[derive(Debug, Serialize)]
pub struct PollStatus {
    pub event: String,
    /// How many addresses it was sent to (0: not sent yet).
    pub asked: usize,
    pub answers: usize,
    /// Per candidate (from 1): how many it suits and does not.
    pub tally: Vec<(usize, usize)>,
    /// Per candidate (from 1): how many offered it with a reservation.
    pub maybe: Vec<usize>,
    /// The candidate chosen, once closed.
    pub chosen: Option<usize>,
    pub closed_at: Option<String>,
}

/// An invitation's delivery.
#[derive(Debug, Serialize)]
pub struct Invitation {
    /// pending, sent, failed or bounced.
    pub status: &'static str,
    pub sent_at: Option<String>,
    pub message_id: Option<String>,
    pub error: Option<String>,
}

/// A contact person.
#[derive(Debug, Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub message_id: String,
}

/// Where an organisation stands for one event.
#[derive(Debug, Serialize)]
pub struct EventStatus {
    pub status: String,
    pub late: bool,
    pub attendees: serde_json::Value,
    /// How many come: the count given, or the number of people named.
    pub count: u32,
    pub message_id: String,
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The invitation status word for scripts.
pub fn invitation_word(state: Option<&InvitationState>) -> &'static str {
    match state {
        None => "pending",
        Some(s) if s.bounced_at.is_some() => "bounced",
        Some(s) => match s.status {
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Queued | OutboxStatus::Sending => "pending",
        },
    }
}

/// Builds the status from the register; `listed` (id, name, kind) are the organisations of the
/// config, shown as pending when the register does not know them yet.
pub fn build(
    register: &Register,
    process: &str,
    listed: &[(String, String, String)],
) -> Result<Status, RegisterError> {
    let invitations = register.invitation_states()?;
    let mut contacts: HashMap<String, Contact> = register
        .contacts()?
        .into_iter()
        .map(|c| {
            (
                c.org_id,
                Contact {
                    name: c.name,
                    email: c.email,
                    phone: c.phone,
                    message_id: c.message_id,
                },
            )
        })
        .collect();
    let mut events: HashMap<String, BTreeMap<String, EventStatus>> = HashMap::new();
    for r in register.registrations()? {
        let named = r.attendees.as_array().map(|a| a.len() as u32).unwrap_or(0);
        events.entry(r.org_id).or_default().insert(
            r.event_id,
            EventStatus {
                status: r.status,
                late: r.late,
                count: r.attendee_count.unwrap_or(0).max(named),
                attendees: r.attendees,
                message_id: r.message_id,
            },
        );
    }
    let mut bounces: HashMap<String, Vec<crate::register::inbound::BounceRow>> = HashMap::new();
    for b in register.bounces()? {
        if let Some(org) = b.org_id.clone() {
            bounces.entry(org).or_default().push(b);
        }
    }
    let mut auto: HashMap<String, Vec<crate::register::inbound::AutoReplyRow>> = HashMap::new();
    for a in register.auto_replies()? {
        if let Some(org) = a.org_id.clone() {
            auto.entry(org).or_default().push(a);
        }
    }
    let mut reminders: HashMap<String, Vec<ReminderStatus>> = HashMap::new();
    for t in register.schedule_targets()? {
        // The occurrence key is PROCESS/reminder/ID/YYYYMMDDTHHMMZ.
        let mut parts = t.run_key.rsplitn(3, '/');
        let due = parts.next().unwrap_or_default().to_string();
        let reminder = parts.next().unwrap_or_default().to_string();
        reminders
            .entry(t.org_id.clone())
            .or_default()
            .push(ReminderStatus {
                reminder,
                due: chrono::NaiveDateTime::parse_from_str(&due, "%Y%m%dT%H%MZ")
                    .map(|d| rfc3339(d.and_utc()))
                    .unwrap_or(due),
                state: t.state,
                at: rfc3339(t.due_at),
                address: t.address,
            });
    }
    let mut known = register.organisations()?;
    let ids: std::collections::HashSet<String> = known.iter().map(|o| o.id.clone()).collect();
    for (id, name, kind) in listed {
        if !ids.contains(id) {
            known.push(crate::register::OrgRow {
                id: id.clone(),
                kind: kind.clone(),
                name: name.clone(),
                name_en: None,
                lang: String::new(),
                address: String::new(),
                token: String::new(),
                referred_by: None,
                source: "config".into(),
                domains: Vec::new(),
            });
        }
    }
    let organisations = known
        .into_iter()
        .map(|o| {
            let state = invitations.get(&o.id);
            let error = state.and_then(|s| {
                if s.bounced_at.is_some() {
                    s.bounce_status.clone().or(s.error.clone())
                } else {
                    s.error.clone()
                }
            });
            OrgStatus {
                invitation: Invitation {
                    status: invitation_word(state),
                    sent_at: state.and_then(|s| s.sent_at).map(rfc3339),
                    message_id: state.map(|s| s.message_id.clone()),
                    error,
                },
                contact: contacts.remove(&o.id),
                events: events.remove(&o.id).unwrap_or_default(),
                bounces: bounces.remove(&o.id).unwrap_or_default(),
                auto_replies: auto.remove(&o.id).unwrap_or_default(),
                reminders: reminders.remove(&o.id).unwrap_or_default(),
                id: o.id,
                name: o.name,
                kind: o.kind,
                referred_by: o.referred_by,
            }
        })
        .collect();
    Ok(Status {
        process: process.to_string(),
        organisations,
        review: register.open_review_items()?,
        poll: None,
        writer: None,
        event_ids: Vec::new(),
    })
}

impl Status {
    /// The status for a person, times in `tz`.
    pub fn to_text(&self, title: &str, tz: Tz) -> String {
        let mut out = String::new();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for o in &self.organisations {
            *counts.entry(o.invitation.status).or_default() += 1;
        }
        let _ = writeln!(out, "{title}");
        match &self.writer {
            Some(w) if w.daemon => {
                let _ = writeln!(out, "The daemon is running (PID {}).", w.pid);
            }
            Some(w) => {
                let _ = writeln!(
                    out,
                    "A samskap command is at work (PID {}): `{}`.",
                    w.pid, w.command
                );
            }
            None => {}
        }
        let summary: Vec<String> = ["sent", "pending", "failed", "bounced"]
            .iter()
            .map(|k| format!("{} {k}", counts.get(k).copied().unwrap_or(0)))
            .collect();
        let _ = writeln!(
            out,
            "Invitations to {} organisations: {}",
            self.organisations.len(),
            summary.join(", ")
        );
        for event in &self.event_ids {
            let (mut yes, mut no, mut maybe, mut people) = (0, 0, 0, 0);
            for o in &self.organisations {
                match o.events.get(event).map(|e| (e.status.as_str(), e.count)) {
                    Some(("registered", n)) => {
                        yes += 1;
                        people += n;
                    }
                    Some(("declined", _)) => no += 1,
                    Some((_, n)) => {
                        maybe += 1;
                        people += n;
                    }
                    None => {}
                }
            }
            let _ = writeln!(
                out,
                "{event}: {yes} coming ({people} people), {maybe} tentative, {no} not coming"
            );
        }
        if let Some(p) = &self.poll {
            if p.asked == 0 && p.chosen.is_none() {
                let _ = writeln!(out, "Date poll for {}: not sent yet", p.event);
            } else {
                let tally: Vec<String> = p
                    .tally
                    .iter()
                    .enumerate()
                    .map(|(i, (yes, no))| {
                        let maybe = p.maybe.get(i).copied().unwrap_or(0);
                        format!("{}: {yes} yes, {no} no, {maybe} maybe", i + 1)
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "Date poll for {}: {} of {} asked answered ({}){}",
                    p.event,
                    p.answers,
                    p.asked,
                    tally.join("; "),
                    p.chosen
                        .map(|c| format!("; closed, number {c} chosen"))
                        .unwrap_or_default()
                );
            }
        }
        let (mut sent, mut waiting, mut lapsed) = (0, 0, 0);
        for r in self.organisations.iter().flat_map(|o| &o.reminders) {
            match r.state.as_str() {
                "queued" => sent += 1,
                "deferred" => waiting += 1,
                "lapsed" => lapsed += 1,
                _ => {}
            }
        }
        if sent + waiting + lapsed > 0 {
            let _ = write!(
                out,
                "Reminders: {sent} sent, {waiting} waiting for someone back from an absence"
            );
            if lapsed > 0 {
                let _ = write!(out, ", {lapsed} not sent (away until it was too late)");
            }
            let _ = writeln!(out);
        }
        let contacts = self.organisations.iter().filter(|o| o.contact.is_some()).count();
        let _ = writeln!(
            out,
            "Contact persons: {contacts} of {}",
            self.organisations.iter().filter(|o| o.kind == "ministry").count()
        );
        let _ = writeln!(out);
        let name_width = self
            .organisations
            .iter()
            .map(|o| o.name.chars().count())
            .max()
            .unwrap_or(12)
            .clamp(12, 40);
        let id_width = self
            .organisations
            .iter()
            .map(|o| o.id.chars().count())
            .max()
            .unwrap_or(2)
            .clamp(2, 24);
        // The moment the invitation went, in the process's time zone, in a column of its own.
        let sent_header = format!("SENT ({tz})");
        let sent_width = sent_header.chars().count().max(16);
        let mut header = format!(
            "{:id_width$}  {:name_width$}  {:9}  {sent_header:sent_width$}",
            "ID", "ORGANISATION", "INVITED"
        );
        for event in &self.event_ids {
            header.push_str(&format!("  {:12}", event.to_uppercase()));
        }
        header.push_str("  CONTACT");
        let _ = writeln!(out, "{header}");
        for o in &self.organisations {
            let name: String = o.name.chars().take(name_width).collect();
            let sent = o
                .invitation
                .sent_at
                .as_ref()
                .map(|at| {
                    DateTime::parse_from_rfc3339(at)
                        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_else(|_| at.clone())
                })
                .unwrap_or_else(|| "-".into());
            let mut line = format!(
                "{:id_width$}  {:name_width$}  {:9}  {sent:sent_width$}",
                o.id, name, o.invitation.status
            );
            for event in &self.event_ids {
                let cell = match o.events.get(event) {
                    Some(e) => {
                        let word = match e.status.as_str() {
                            "registered" => "yes",
                            "declined" => "no",
                            _ => "maybe",
                        };
                        let late = if e.late { " late" } else { "" };
                        if e.count > 0 {
                            format!("{word} {}{late}", e.count)
                        } else {
                            format!("{word}{late}")
                        }
                    }
                    None => "-".into(),
                };
                line.push_str(&format!("  {cell:12}"));
            }
            let contact = o
                .contact
                .as_ref()
                .map(|c| {
                    [c.name.clone(), c.phone.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "-".into());
            line.push_str(&format!("  {contact}"));
            let _ = writeln!(out, "{}", line.trim_end());
        }
        let failed: Vec<String> = self
            .organisations
            .iter()
            .filter(|o| o.invitation.status != "sent")
            .filter_map(|o| o.invitation.error.as_ref().map(|e| format!("{}: {e}", o.id)))
            .collect();
        if !failed.is_empty() {
            let _ = writeln!(out, "\nInvitations not sent: {}", failed.join("; "));
        }
        let away: Vec<String> = self
            .organisations
            .iter()
            .flat_map(|o| {
                o.auto_replies.iter().map(move |a| {
                    format!(
                        "{} ({}){}",
                        a.address,
                        o.id,
                        a.returns_on
                            .as_ref()
                            .map(|d| format!(", back {d}"))
                            .unwrap_or_default()
                    )
                })
            })
            .collect();
        if !away.is_empty() {
            let _ = writeln!(out, "\nAutomatic replies: {}", away.join("; "));
        }
        let bounced: Vec<String> = self
            .organisations
            .iter()
            .flat_map(|o| {
                o.bounces.iter().map(move |b| {
                    format!(
                        "{} ({}) {} {}",
                        b.recipient,
                        o.id,
                        b.status.clone().unwrap_or_default(),
                        if b.permanent { "address dead" } else { "may pass" }
                    )
                })
            })
            .collect();
        if !bounced.is_empty() {
            let _ = writeln!(out, "Bounces: {}", bounced.join("; "));
        }
        if !self.review.is_empty() {
            let _ = writeln!(
                out,
                "\n{} review item(s) open: see `samskap review`",
                self.review.len()
            );
        }
        out
    }
}
