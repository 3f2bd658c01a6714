//! The weekly status e-mail to the coordinator: the process meeting by meeting (the next one
//! first, with its registrations, the date poll's tally and choice, what samskap sends on its own
//! in the coming week and what needs the coordinator; past meetings in one line each), a table
//! per ministry (invited, delivered, registered and who, contact person, last message, what is
//! still owed), the NGOs grouped by the ministry that forwarded to them, open review items and
//! bounces; a chart of answers per day as an inline image, and the register as a CSV attachment.
//! Templates `report.nb.{subject,txt,html}.j2`; the coordinator reads Norwegian.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;
use serde::Serialize;

use crate::config::{Config, Lang, ReminderKind};
use crate::outbox::compose::Attachment;
use crate::outbox::invitation::DraftError;
use crate::outbox::mailing::{self, Mailing};
use crate::register::{NewMessage, Register, RegisterError};
use crate::standing::{ScheduleError, snapshot};

/// The outbox kind of the weekly status.
pub const KIND: &str = crate::ident::kind::REPORT;

/// One ministry's (or NGO's) line.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    /// pending, sent, failed, bounced.
    pub invitation: String,
    /// registered, declined, tentative, or "" (no answer).
    pub answer: String,
    pub late: bool,
    /// Who comes, in words.
    pub who: String,
    pub count: u32,
    pub contact: String,
    pub last_message: String,
    /// What is still owed, in words.
    pub owes: String,
    pub referred_by: String,
}

/// The counts at the top.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub ministries: usize,
    pub ngos: usize,
    pub delivered: usize,
    pub bounced: usize,
    pub registered: usize,
    pub declined: usize,
    pub tentative: usize,
    pub unanswered: usize,
    pub attendees: u32,
    pub contacts: usize,
    pub review: usize,
}

/// Everything the report says.
#[derive(Debug, Clone, Serialize)]
pub struct Weekly {
    pub date: String,
    /// The invitation's meeting, inside a sentence ("samskapingsmøtet"): the table's answers.
    pub event: String,
    pub deadline: String,
    pub counts: Counts,
    pub ministries: Vec<Row>,
    /// NGOs by the name of the ministry that forwarded to them ("" for those invited directly).
    pub ngos: BTreeMap<String, Vec<Row>>,
    pub review: Vec<(i64, String)>,
    pub bounces: Vec<(String, String, String)>,
    /// Reminders not sent because the recipient was away until it was too late: (organisation,
    /// address, what the reminder was about, the day they were back).
    pub away: Vec<(String, String, String, String)>,
    /// The date poll bounced at one address of an organisation and went to another:
    /// (organisation, the address that bounced, the one asked instead).
    pub poll_redirected: Vec<(String, String, String)>,
    /// The subject's words: the next meeting's count ("2 påmeldt, 13 uten svar til
    /// samskapingsmøtet"), or that every meeting is over.
    pub headline: String,
    /// The process meeting by meeting: those to come first, the next one first, in full; then
    /// those that are over, one line each.
    pub phases: Vec<Phase>,
    /// Whether the chart is attached.
    pub chart: bool,
}

/// Something samskap will do on its own, as the orchestrator's plan has it: what the weekly
/// status lists under each meeting as sent without the coordinator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Next {
    pub at: DateTime<Utc>,
    /// `reminder`, `poll`, `poll-close`; other kinds are not listed.
    pub kind: String,
    /// The reminder's id, for a reminder.
    pub reminder: Option<String>,
    /// Organisation ids, or addresses of people.
    pub to: Vec<String>,
}

/// One meeting of the process, as the weekly status tells it.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub event: String,
    /// Its title.
    pub name: String,
    /// Itself inside a sentence ("samskapingsmøtet").
    pub definite: String,
    /// When, in words: the time, or the period while the date is open.
    pub when: String,
    /// Over (or called off): told in one line.
    pub past: bool,
    pub cancelled: bool,
    pub deadline: String,
    pub registered: usize,
    pub tentative: usize,
    pub declined: usize,
    pub unanswered: usize,
    pub attendees: u32,
    pub poll: Option<PollPhase>,
    /// What samskap sends on its own before the next weekly status, in words.
    pub auto: Vec<String>,
    /// What needs the coordinator, in words.
    pub you: Vec<String>,
}

/// The date poll of a meeting, as it stands.
#[derive(Debug, Clone, Serialize)]
pub struct PollPhase {
    pub open: bool,
    /// The day it closes.
    pub closes: String,
    pub asked: usize,
    pub answered: usize,
    /// Each candidate with its tally: "1. mandag 29. august 2022 kl. 13.00–15.00: 3 kan, 1 kan ikke".
    pub slots: Vec<String>,
    /// The slot chosen, in words, and by whom.
    pub chosen: String,
}

/// "1 mottaker", "3 mottakere": by bokmål's plural rules.
fn count(n: usize, one: &str, other: &str) -> String {
    format!(
        "{n} {}",
        if crate::templates::plural_is_one(n as i64, "nb") {
            one
        } else {
            other
        }
    )
}

/// Names for the recipients of something planned: up to four named, else how many.
fn recipients_in_words(to: &[String], name_of: &dyn Fn(&str) -> String) -> String {
    if to.len() <= 4 {
        let names: Vec<String> = to.iter().map(|t| name_of(t)).collect();
        names.join(", ")
    } else {
        count(to.len(), "mottaker", "mottakere")
    }
}

/// The kind of the configured reminder a planned step sends, if it is one.
fn kind_of<'c>(config: &'c Config, n: &Next) -> Option<&'c ReminderKind> {
    let id = n.reminder.as_deref()?;
    config
        .schedule
        .reminders
        .iter()
        .find(|r| r.id == id)
        .map(|r| &r.kind)
}

/// The meetings, the ones to come first (by their start; an open date last), then the past.
#[allow(clippy::too_many_arguments)]
fn phases(
    config: &Config,
    register: &Register,
    dates: &crate::standing::Dates<'_>,
    status: &super::status::Status,
    owes_registration: &dyn Fn(&str) -> Vec<String>,
    owes_contact: &[String],
    upcoming: &[Next],
    name_of: &dyn Fn(&str) -> String,
    now: DateTime<Utc>,
) -> Result<Vec<Phase>, RegisterError> {
    let tz = config.process.timezone;
    let week = now + Duration::days(8);
    let mut out: Vec<(Option<DateTime<Utc>>, Phase)> = Vec::new();
    for event in &config.events {
        let slot = dates.slot(&event.id);
        let past = event.cancelled || slot.is_some_and(|s| s.end <= now);
        let (mut registered, mut tentative, mut declined, mut attendees) = (0, 0, 0, 0u32);
        for o in &status.organisations {
            match o.events.get(&event.id).map(|r| (r.status.as_str(), r.count)) {
                Some(("registered", n)) => {
                    registered += 1;
                    attendees += n;
                }
                Some(("tentative", n)) => {
                    tentative += 1;
                    attendees += n;
                }
                Some(("declined", _)) => declined += 1,
                _ => {}
            }
        }
        let invited = status.organisations.len();
        let poll = match &config.schedule.poll {
            Some(p) if p.event == event.id => Some(poll_phase(config, register, p, now)?),
            _ => None,
        };
        let mut auto = Vec::new();
        let mut you = Vec::new();
        if !past {
            let about_this = |n: &Next| match n.kind.as_str() {
                "poll" | "poll-close" => poll.is_some(),
                "reminder" => {
                    match kind_of(config, n) {
                        Some(ReminderKind::Registration { event: e })
                        | Some(ReminderKind::Meeting { event: e }) => *e == event.id,
                        Some(ReminderKind::Poll) => poll.is_some(),
                        Some(ReminderKind::Notice { event: e, .. }) => {
                            e.as_deref() == Some(event.id.as_str())
                        }
                        // The contact person is the whole process's: told with the first meeting to come.
                        Some(ReminderKind::Contact) => out.iter().all(|(_, p)| p.past),
                        None => false,
                    }
                }
                _ => false,
            };
            for n in upcoming
                .iter()
                .filter(|n| n.at > now && n.at <= week && about_this(n))
            {
                let day =
                    crate::config::words::weekday_day_month(n.at.with_timezone(&tz).date_naive(), Lang::Nb);
                let what = match n.kind.as_str() {
                    "poll" => format!("datoavstemningen til {}", recipients_in_words(&n.to, name_of)),
                    "poll-close" => {
                        "datoavstemningen lukkes; alle spurte får resultatet og kalenderinvitasjonen"
                            .to_string()
                    }
                    _ => {
                        let kind = kind_of(config, n);
                        let about = kind.map(reminder_about).unwrap_or("påminnelse");
                        if n.to.is_empty() {
                            match kind {
                                Some(ReminderKind::Meeting { .. }) => {
                                    format!("{about} til de påmeldte (ingen ennå)")
                                }
                                _ => format!("{about} til dem som da ikke har svart (ingen nå)"),
                            }
                        } else {
                            format!("{about} til {}", recipients_in_words(&n.to, name_of))
                        }
                    }
                };
                auto.push(format!("{day}: {what}"));
            }
            // Who owes the registration when samskap will not remind them again before the
            // deadline: the coordinator's to call.
            if let Some(deadline) = config.registration_deadline(&event.id)
                && deadline.due > now
            {
                let reminded_again = upcoming.iter().any(|n| {
                    n.kind == "reminder"
                        && n.at < deadline.due
                        && matches!(kind_of(config, n), Some(ReminderKind::Registration { event: e }) if *e == event.id)
                });
                let owing = owes_registration(&event.id);
                if !reminded_again && !owing.is_empty() {
                    let names: Vec<String> = owing.iter().map(|o| name_of(o)).collect();
                    you.push(format!(
                        "samskap purrer ikke mer på påmelding før fristen; ikke svart: {}",
                        names.join(", ")
                    ));
                }
            }
            if out.iter().all(|(_, p)| p.past) {
                for o in &status.organisations {
                    if o.invitation.status == "bounced" && o.events.is_empty() {
                        let address = o.bounces.first().map(|b| b.recipient.clone()).unwrap_or_default();
                        you.push(format!(
                            "{}: invitasjonen kom i retur fra {address}; rett adressen i konfigurasjonen, så sender samskap den på nytt",
                            o.name
                        ));
                    }
                }
                let contact_planned = upcoming
                    .iter()
                    .any(|n| n.kind == "reminder" && kind_of(config, n) == Some(&ReminderKind::Contact));
                if !contact_planned && !owes_contact.is_empty() && config.contact_deadline().is_some() {
                    let names: Vec<String> = owes_contact.iter().map(|o| name_of(o)).collect();
                    you.push(format!(
                        "samskap purrer ikke mer på kontaktperson; mangler: {}",
                        names.join(", ")
                    ));
                }
                if !status.review.is_empty() {
                    you.push(format!(
                        "{} (samskap review)",
                        count(status.review.len(), "sak venter på deg", "saker venter på deg")
                    ));
                }
            }
        }
        let when = match slot {
            Some(s) => crate::config::words::slot(s, tz, Lang::Nb),
            None => {
                let words = event.when_text(Lang::Nb);
                if words.is_empty() {
                    "dato ikke valgt ennå".into()
                } else {
                    format!("{words}, dato ikke valgt ennå")
                }
            }
        };
        let phase = Phase {
            event: event.id.clone(),
            name: event.name.nb.clone(),
            definite: event.definite.nb.clone(),
            when,
            past,
            cancelled: event.cancelled,
            deadline: config
                .registration_deadline(&event.id)
                .map(|d| day(d.due, tz))
                .unwrap_or_default(),
            registered,
            tentative,
            declined,
            unanswered: invited.saturating_sub(registered + tentative + declined),
            attendees,
            poll,
            auto,
            you,
        };
        // Order: to come by start, an open date after those with one, config order between equals.
        out.push((slot.map(|s| s.start), phase));
    }
    let (mut to_come, past): (Vec<_>, Vec<_>) = out.into_iter().partition(|(_, p)| !p.past);
    to_come.sort_by_key(|(start, _)| (start.is_none(), *start));
    Ok(to_come.into_iter().chain(past).map(|(_, p)| p).collect())
}

/// The date poll of `poll`'s meeting at `now`: asked, answered, the tally per slot, the choice.
fn poll_phase(
    config: &Config,
    register: &Register,
    poll: &crate::config::PollConfig,
    now: DateTime<Utc>,
) -> Result<PollPhase, RegisterError> {
    let tz = config.process.timezone;
    let answers = register.poll_answers(&poll.event)?;
    let asked: std::collections::BTreeSet<String> = register
        .outbox_of_kind(crate::ident::kind::POLL)?
        .into_iter()
        .filter_map(|s| s.org_id)
        .collect();
    let answered: std::collections::BTreeSet<&str> = answers.iter().map(|a| a.org_id.as_str()).collect();
    let slots = crate::config::words::slot_lines(config, Lang::Nb)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let n = i + 1;
            let yes = answers.iter().filter(|a| a.yes.contains(&n)).count();
            let maybe = answers.iter().filter(|a| a.maybe.contains(&n)).count();
            let no = answers.iter().filter(|a| a.no.contains(&n)).count();
            format!("{line}: {yes} kan, {maybe} kanskje, {no} kan ikke")
        })
        .collect();
    let result = register.poll_result(&poll.event)?;
    let chosen = result
        .as_ref()
        .map(|r| {
            format!(
                "{}. {}{}",
                r.chosen,
                crate::config::words::slot(r.slot, tz, Lang::Nb),
                if r.closed_by == "coordinator" {
                    " (valgt av deg)"
                } else {
                    ""
                }
            )
        })
        .unwrap_or_default();
    Ok(PollPhase {
        open: result.is_none() && poll.deadline > now,
        closes: day(poll.deadline, tz),
        asked: asked.len(),
        answered: answered.len(),
        slots,
        chosen,
    })
}

fn day(t: DateTime<Utc>, tz: Tz) -> String {
    crate::config::words::date(t.with_timezone(&tz).date_naive(), Lang::Nb)
}

/// Gathers the report as the register stands at `now`, with what samskap will do on its own
/// (`upcoming`, from the orchestrator's plan).
pub fn gather(
    config: &Config,
    register: &Register,
    upcoming: &[Next],
    now: DateTime<Utc>,
) -> Result<Weekly, RegisterError> {
    let tz = config.process.timezone;
    let event = config.invitation.event.clone();
    let status = super::status::build(register, &config.process.id, &[])?;
    let last = register.last_message_at()?;
    let snap = snapshot(config, register)?;
    let dates = crate::standing::Dates::read(config, register)?;
    let over = dates.slot(&event).is_some_and(|s| s.end <= now);
    let owes_registration_to = |event: &str| -> Vec<String> {
        snap.targets(&ReminderKind::Registration {
            event: event.to_string(),
        })
        .into_iter()
        .map(|t| t.org_id)
        .collect()
    };
    let owes_registration: Vec<String> = if over {
        Vec::new()
    } else {
        owes_registration_to(&event)
    };
    let owes_contact: Vec<String> = snap
        .targets(&ReminderKind::Contact)
        .into_iter()
        .map(|t| t.org_id)
        .collect();
    let name_of = |id: &str| {
        status
            .organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut counts = Counts::default();
    let mut ministries = Vec::new();
    let mut ngos: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for o in &status.organisations {
        let reg = o.events.get(&event);
        let answer = reg.map(|r| r.status.clone()).unwrap_or_default();
        let who = reg
            .map(|r| {
                r.attendees
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a["name"].as_str().or(a["email"].as_str()).map(str::to_string))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let mut owes = Vec::new();
        if owes_registration.contains(&o.id) {
            owes.push("påmelding");
        }
        if owes_contact.contains(&o.id) {
            owes.push("kontaktperson");
        }
        if o.invitation.status == "bounced" && !owes_registration.contains(&o.id) && answer.is_empty() {
            owes.push("en e-postadresse som virker");
        }
        let row = Row {
            id: o.id.clone(),
            name: o.name.clone(),
            invitation: crate::config::words::invitation_nb(o.invitation.status).to_string(),
            answer: answer.clone(),
            late: reg.is_some_and(|r| r.late),
            who,
            count: reg.map(|r| r.count).unwrap_or(0),
            contact: o
                .contact
                .as_ref()
                .map(|c| {
                    [c.name.clone(), c.email.clone(), c.phone.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            last_message: last.get(&o.id).map(|t| day(*t, tz)).unwrap_or_default(),
            owes: owes.join(", "),
            referred_by: o.referred_by.as_deref().map(name_of).unwrap_or_default(),
        };
        match answer.as_str() {
            "registered" => counts.registered += 1,
            "declined" => counts.declined += 1,
            "tentative" => counts.tentative += 1,
            _ => counts.unanswered += 1,
        }
        counts.attendees += if answer == "declined" { 0 } else { row.count };
        if o.contact.is_some() {
            counts.contacts += 1;
        }
        match o.invitation.status {
            "sent" => counts.delivered += 1,
            "bounced" => counts.bounced += 1,
            _ => {}
        }
        if o.kind == "ministry" {
            counts.ministries += 1;
            ministries.push(row);
        } else {
            counts.ngos += 1;
            ngos.entry(row.referred_by.clone()).or_default().push(row);
        }
    }
    counts.review = status.review.len();
    let bounces = status
        .organisations
        .iter()
        .flat_map(|o| {
            o.bounces.iter().map(|b| {
                (
                    o.name.clone(),
                    b.recipient.clone(),
                    format!(
                        "{} {}",
                        b.status.clone().unwrap_or_default(),
                        if b.permanent {
                            "(adressen virker ikke)"
                        } else {
                            "(midlertidig)"
                        }
                    ),
                )
            })
        })
        .collect();
    let away = status
        .organisations
        .iter()
        .flat_map(|o| {
            o.reminders
                .iter()
                .filter(|r| r.state == crate::register::schedule::LAPSED)
                .map(|r| {
                    let about = config
                        .schedule
                        .reminders
                        .iter()
                        .find(|c| c.id == r.reminder)
                        .map(|c| reminder_about(&c.kind))
                        .unwrap_or("påminnelse");
                    let back = DateTime::parse_from_rfc3339(&r.at)
                        .map(|t| {
                            crate::config::words::weekday_day_month(
                                t.with_timezone(&tz).date_naive(),
                                Lang::Nb,
                            )
                        })
                        .unwrap_or_else(|_| r.at.clone());
                    (o.name.clone(), r.address.clone(), about.to_string(), back)
                })
        })
        .collect();
    let mut poll_redirected = Vec::new();
    let polls = register.outbox_of_kind(crate::ident::kind::POLL)?;
    for o in &status.organisations {
        let asked: Vec<&String> = polls
            .iter()
            .filter(|p| p.org_id.as_deref() == Some(o.id.as_str()))
            .flat_map(|p| &p.recipients)
            .collect();
        let (dead, live): (Vec<&String>, Vec<&String>) = asked
            .into_iter()
            .partition(|a| snap.dead.contains(&a.to_lowercase()));
        if let (Some(dead), Some(live)) = (dead.first(), live.last()) {
            poll_redirected.push((o.name.clone(), dead.to_string(), live.to_string()));
        }
    }
    let phases = phases(
        config,
        register,
        &dates,
        &status,
        &owes_registration_to,
        &owes_contact,
        upcoming,
        &name_of,
        now,
    )?;
    let headline = match phases.iter().find(|p| !p.past) {
        Some(p) => format!(
            "{} påmeldt, {} uten svar til {}",
            p.registered, p.unanswered, p.definite
        ),
        None => "alle møtene er holdt".to_string(),
    };
    Ok(Weekly {
        headline,
        phases,
        date: crate::config::words::long_date(now.with_timezone(&tz).date_naive(), Lang::Nb),
        event: config
            .event(&event)
            .map(|e| e.definite.nb.clone())
            .unwrap_or(event.clone()),
        deadline: config
            .registration_deadline(&event)
            .map(|d| day(d.due, tz))
            .unwrap_or_default(),
        counts,
        ministries,
        ngos,
        review: status
            .review
            .iter()
            .map(|r| (r.id, r.reason_nb.clone()))
            .collect(),
        bounces,
        away,
        poll_redirected,
        chart: true,
    })
}

/// What a reminder of `kind` was about, in the coordinator's words.
fn reminder_about(kind: &ReminderKind) -> &'static str {
    match kind {
        ReminderKind::Registration { .. } => "påminnelse om påmelding",
        ReminderKind::Contact => "påminnelse om kontaktperson",
        ReminderKind::Meeting { .. } => "påminnelse om møtet",
        ReminderKind::Poll => "påminnelse om datoavstemningen",
        ReminderKind::Notice { .. } => "varsel",
    }
}

/// The register as one CSV: an organisation per line with its answer and contact person.
pub fn register_csv(weekly: &Weekly) -> String {
    let rows: Vec<&Row> = weekly
        .ministries
        .iter()
        .chain(weekly.ngos.values().flatten())
        .collect();
    super::export::to_csv(&rows).unwrap_or_default()
}

/// Cumulative answers per day, from the first answer (or `since`) to `now`: (day, registered or
/// tentative, declined).
pub fn answers_over_time(
    config: &Config,
    register: &Register,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<(NaiveDate, u32, u32)>, RegisterError> {
    let tz = config.process.timezone;
    let event = &config.invitation.event;
    let statuses: BTreeMap<String, String> = register
        .registrations()?
        .into_iter()
        .filter(|r| &r.event_id == event)
        .map(|r| (r.org_id, r.status))
        .collect();
    let first = register.first_answers(event)?;
    let start = first
        .first()
        .map(|(_, t)| (*t).min(since))
        .unwrap_or(since)
        .with_timezone(&tz)
        .date_naive();
    let end = now.with_timezone(&tz).date_naive();
    let mut out = Vec::new();
    let mut d = start;
    while d <= end && out.len() < 400 {
        let (mut yes, mut no) = (0, 0);
        for (org, at) in &first {
            if at.with_timezone(&tz).date_naive() <= d {
                match statuses.get(org).map(String::as_str) {
                    Some("declined") => no += 1,
                    Some(_) => yes += 1,
                    None => {}
                }
            }
        }
        out.push((d, yes, no));
        d += Duration::days(1);
    }
    Ok(out)
}

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Where one part of a day's bar runs, from its day and the top: (from, to).
type Part = fn(&(NaiveDate, u32, u32), u32) -> (u32, u32);

/// Draws the answers over time as a PNG: a bar per day, stacked from the bottom as coming
/// (green), not coming (red) and not answered (grey), so that no count hides another and each
/// day is a step; today's numbers stand beside the last bar and in the legend.
pub fn chart_png(series: &[(NaiveDate, u32, u32)], total: usize) -> Result<Vec<u8>, String> {
    use plotters::prelude::*;
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
    let (w, h) = (640u32, 300u32);
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let days = series.len().max(1) as i32;
        let total = total as u32;
        let top = total
            .max(series.iter().map(|s| s.1 + s.2).max().unwrap_or(0))
            .max(1);
        let (last_yes, last_no) = series.last().map(|s| (s.1, s.2)).unwrap_or((0, 0));
        let last_open = top.saturating_sub(last_yes + last_no);
        let mut chart = ChartBuilder::on(&root)
            .caption("Svar per dag", ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(36)
            .right_y_label_area_size(0)
            // Room on the right for today's numbers and the legend, clear of the bars.
            .build_cartesian_2d(0..days + (days / 2).max(5), 0u32..top + 1)
            .map_err(|e| e.to_string())?;
        let label = |i: &i32| {
            series
                .get(*i as usize)
                .map(|s| format!("{}.{}", s.0.format("%-d"), s.0.format("%-m")))
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(8)
            .x_label_formatter(&label)
            .y_desc("organisasjoner")
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        let green = RGBColor(0x1b, 0x7f, 0x3b);
        let red = RGBColor(0xb0, 0x2a, 0x2a);
        let grey = RGBColor(0xc8, 0xc8, 0xc8);
        let bars = |pick: Part, colour: RGBColor| {
            series.iter().enumerate().map(move |(i, s)| {
                let (from, to) = pick(s, top);
                Rectangle::new([(i as i32, from), (i as i32 + 1, to)], colour.filled())
            })
        };
        chart
            .draw_series(bars(|s, _| (0, s.1), green))
            .map_err(|e| e.to_string())?
            .label(format!("påmeldt ({last_yes})"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], green.filled()));
        chart
            .draw_series(bars(|s, _| (s.1, s.1 + s.2), red))
            .map_err(|e| e.to_string())?
            .label(format!("kommer ikke ({last_no})"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], red.filled()));
        chart
            .draw_series(bars(|s, top| (s.1 + s.2, top), grey))
            .map_err(|e| e.to_string())?
            .label(format!("uten svar ({last_open})"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], grey.filled()));
        // The numbers beside the last bar, each at the middle of its part.
        let style = ("sans-serif", 13).into_font();
        for (value, from) in [
            (last_yes, 0),
            (last_no, last_yes),
            (last_open, last_yes + last_no),
        ] {
            if value > 0 {
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!(" {value}"),
                        (days, from + value / 2),
                        style.clone(),
                    )))
                    .map_err(|e| e.to_string())?;
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    encode_png(&rgb, w, h)
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The weekly status due at `due`, as a message to the coordinator (or `[report] to`).
pub fn compose(
    config: &Config,
    register: &mut Register,
    upcoming: &[Next],
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<NewMessage, ScheduleError> {
    let secret = register.secret()?;
    let mut weekly = gather(config, register, upcoming, now)?;
    // From the day the invitations went out.
    let since = register
        .invitation_states()?
        .values()
        .filter_map(|s| s.sent_at)
        .min()
        .or(config.invitation.send_at)
        .unwrap_or(now - Duration::days(14));
    let series = answers_over_time(config, register, since, now)?;
    let total = weekly.counts.ministries + weekly.counts.ngos;
    let mut attachments = Vec::new();
    match chart_png(&series, total) {
        Ok(png) => attachments.push(Attachment {
            filename: "svar.png".into(),
            content_type: "image/png".into(),
            bytes: png,
            inline_id: Some("chart".into()),
        }),
        Err(e) => {
            tracing::warn!(error = %e, "the chart of answers could not be drawn; the report goes without it");
            weekly.chart = false;
        }
    }
    attachments.push(Attachment {
        filename: format!(
            "{}-register-{}.csv",
            config.process.id,
            now.with_timezone(&config.process.timezone).format("%Y-%m-%d")
        ),
        content_type: "text/csv; charset=utf-8".into(),
        bytes: register_csv(&weekly).into_bytes(),
        inline_id: None,
    });
    let to = config
        .schedule
        .report
        .as_ref()
        .and_then(|r| r.to.clone())
        .or_else(|| config.coordinator.email.clone())
        .unwrap_or_else(|| config.replies.address.clone());
    let message = mailing::compose(
        config,
        &secret,
        Mailing {
            kind: KIND,
            org_id: None,
            event: format!("weekly-{}", due.format("%Y%m%dT%H%MZ")),
            revision: 1,
            event_id: None,
            to: vec![Mailbox::new(Some(config.coordinator.name.clone()), to)],
            lang: Lang::Nb,
            template: KIND,
            html: true,
            headers: vec![("Auto-Submitted".into(), "auto-generated".into())],
            calendar: None,
            attachments,
            not_before: now,
        },
        &ReportCtx { report: &weekly },
        now,
    )
    .map_err(|e: DraftError| ScheduleError::Draft(e))?;
    Ok(message)
}

#[derive(Serialize)]
struct ReportCtx<'a> {
    report: &'a Weekly,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_a_png_of_the_right_size() {
        let d = |n: u32| NaiveDate::from_ymd_opt(2022, 6, n).unwrap();
        let series: Vec<(NaiveDate, u32, u32)> = [
            (15, 0, 0),
            (16, 3, 1),
            (17, 5, 1),
            (18, 5, 1),
            (19, 5, 1),
            (20, 9, 2),
            (21, 10, 2),
        ]
        .map(|(n, y, no)| (d(n), y, no))
        .to_vec();
        let png = chart_png(&series, 15).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (640, 300));
        // Not blank: the lines and the text put colour in it.
        let mut reader = reader;
        let mut buf = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut buf).unwrap();
        let coloured = buf.chunks(3).filter(|p| p[0] != p[1] || p[1] != p[2]).count();
        assert!(coloured > 500, "{coloured} coloured pixels");
        // The three parts of the bars, each of them seen: coming, not coming, not answered.
        for (colour, what) in [
            ([0x1b, 0x7f, 0x3b], "green"),
            ([0xb0, 0x2a, 0x2a], "red"),
            ([0xc8, 0xc8, 0xc8], "grey"),
        ] {
            let n = buf.chunks(3).filter(|p| *p == colour).count();
            assert!(n > 1000, "{n} {what} pixels");
        }
    }
}
