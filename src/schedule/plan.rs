//! `samskap plan`: the timeline of what the daemon will do from a moment on, and to whom, as the
//! register stands now. Nothing is sent or written.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{occurrences, run_key};
use crate::config::Config;
use crate::register::{Register, RegisterError};
use crate::standing::{Dates, snapshot};

/// One thing the daemon will do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planned {
    pub at: DateTime<Utc>,
    /// invitations, reminder, poll, poll-close, report, meeting.
    pub kind: String,
    /// What, in words ("registration reminder registration-2d").
    pub what: String,
    /// To whom: organisation ids (or addresses for people), as known now.
    pub to: Vec<String>,
    /// The reminder's id, for a reminder of the config.
    pub reminder: Option<String>,
    /// A reminder that will not go to these (away until after what it is about).
    pub lapsing: bool,
}

/// Everything still to come in (`now`, `until`], in time order.
pub fn plan(
    config: &Config,
    register: &Register,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Planned>, RegisterError> {
    let mut out = Vec::new();
    let tz = config.process.timezone;
    let dates = Dates::read(config, register)?;
    let snap = snapshot(config, register)?;
    if let Some(at) = config.invitation.send_at
        && at > now
        && at <= until
    {
        let to: Vec<String> = config.organisations.iter().map(|o| o.id.clone()).collect();
        out.push(Planned {
            at,
            kind: "invitations".into(),
            what: format!("invitations to {}", config.invitation.event),
            to,
            reminder: None,
            lapsing: false,
        });
    }
    for reminder in &config.schedule.reminders {
        let since = register.schedule_seen_since(&format!("reminder/{}", reminder.id), now)?;
        for due in occurrences(config, &dates, reminder, now, until, since) {
            if register.schedule_decided(&run_key(config, "reminder", &reminder.id, due))? {
                continue;
            }
            // Each recipient at their time: those away until later, later.
            let mut by_time: Vec<(DateTime<Utc>, Vec<String>)> = Vec::new();
            let ends = super::purpose_ends(config, &dates, reminder, due);
            let mut lapsing = Vec::new();
            for t in snap.targets(&reminder.kind) {
                let at = snap.send_time(&t, due, tz);
                let who = if matches!(reminder.kind, crate::config::ReminderKind::Meeting { .. }) {
                    t.address.clone()
                } else {
                    t.org_id.clone()
                };
                if at > due && ends.is_some_and(|end| at >= end) {
                    lapsing.push(who);
                    continue;
                }
                match by_time.iter_mut().find(|(a, _)| *a == at) {
                    Some((_, list)) => list.push(who),
                    None => by_time.push((at, vec![who])),
                }
            }
            let lapses = !lapsing.is_empty();
            if lapses {
                out.push(Planned {
                    at: due,
                    kind: "reminder".into(),
                    what: format!(
                        "{} reminder {} NOT sent (out of office until after what it is about)",
                        reminder.kind.as_str(),
                        reminder.id
                    ),
                    to: lapsing,
                    reminder: Some(reminder.id.clone()),
                    lapsing: true,
                });
            }
            if by_time.is_empty() && !lapses {
                by_time.push((due, Vec::new()));
            }
            for (at, to) in by_time {
                let note = if at != due {
                    " (moved: out of office)"
                } else if to.is_empty() {
                    " (to whoever still owes the answer then; no one does now)"
                } else {
                    ""
                };
                out.push(Planned {
                    at,
                    kind: "reminder".into(),
                    what: format!("{} reminder {}{note}", reminder.kind.as_str(), reminder.id),
                    to,
                    reminder: Some(reminder.id.clone()),
                    lapsing: false,
                });
            }
        }
    }
    for row in register.deferred()? {
        if row.due_at > now && row.due_at <= until {
            out.push(Planned {
                at: row.due_at,
                kind: "reminder".into(),
                what: format!("reminder deferred while away ({})", row.run_key),
                to: vec![row.address],
                reminder: None,
                lapsing: false,
            });
        }
    }
    if let Some(poll) = &config.schedule.poll
        && register.poll_result(&poll.event)?.is_none()
    {
        if let Some(at) = poll.send_at.as_ref().and_then(|w| w.resolve(&dates, tz))
            && at > now
            && at <= until
        {
            out.push(Planned {
                at,
                kind: "poll".into(),
                what: format!("date poll for {}", poll.event),
                to: crate::poll::recipients(&snap)
                    .into_iter()
                    .map(|t| t.org_id)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                reminder: None,
                lapsing: false,
            });
        }
        if poll.deadline > now && poll.deadline <= until {
            out.push(Planned {
                at: poll.deadline,
                kind: "poll-close".into(),
                what: format!(
                    "close the date poll for {}, tell everyone, send the calendar invitations",
                    poll.event
                ),
                to: Vec::new(),
                reminder: None,
                lapsing: false,
            });
        }
    }
    if let Some(report) = &config.schedule.report {
        let since = register.schedule_seen_since("report", now)?;
        let to = report
            .to
            .clone()
            .or_else(|| config.coordinator.email.clone())
            .map(|a| a.to_string())
            .into_iter()
            .collect::<Vec<_>>();
        for due in report.timing.occurrences(&dates, tz, now, until, since) {
            out.push(Planned {
                at: due,
                kind: "report".into(),
                what: "weekly status".into(),
                to: to.clone(),
                reminder: None,
                lapsing: false,
            });
        }
    }
    for event in &config.events {
        if let Some(slot) = dates.slot(&event.id)
            && slot.start > now
            && slot.start <= until
            && !event.cancelled
        {
            out.push(Planned {
                at: slot.start,
                kind: "meeting".into(),
                what: format!("{} begins", event.id),
                to: Vec::new(),
                reminder: None,
                lapsing: false,
            });
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.kind.cmp(&b.kind)));
    Ok(out)
}

/// What the weekly status at `now` lists as sent without the coordinator: the plan of the
/// next eight days, less the reminders that will not go.
pub fn for_the_report(
    config: &Config,
    register: &Register,
    now: DateTime<Utc>,
) -> Result<Vec<crate::report::weekly::Next>, RegisterError> {
    Ok(plan(config, register, now, now + chrono::Duration::days(8))?
        .into_iter()
        .filter(|p| !p.lapsing)
        .map(|p| crate::report::weekly::Next {
            at: p.at,
            kind: p.kind,
            reminder: p.reminder,
            to: p.to,
        })
        .collect())
}

/// The next moment in (`now`, `until`] at which something scheduled falls due, without working
/// out to whom (cheap: the daemon asks every round).
pub fn next_moment(
    config: &Config,
    register: &Register,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, RegisterError> {
    let tz = config.process.timezone;
    let dates = Dates::read(config, register)?;
    let mut moments: Vec<DateTime<Utc>> = config.invitation.send_at.into_iter().collect();
    for reminder in &config.schedule.reminders {
        let since = register.schedule_seen_since(&format!("reminder/{}", reminder.id), now)?;
        moments.extend(occurrences(config, &dates, reminder, now, until, since).first());
    }
    moments.extend(
        register
            .deferred()?
            .into_iter()
            .map(|r| r.due_at)
            .filter(|t| *t > now)
            .min(),
    );
    if let Some(poll) = &config.schedule.poll {
        moments.extend(poll.send_at.as_ref().and_then(|w| w.resolve(&dates, tz)));
        moments.push(poll.deadline);
    }
    if let Some(report) = &config.schedule.report {
        let since = register.schedule_seen_since("report", now)?;
        moments.extend(report.timing.occurrences(&dates, tz, now, until, since).first());
    }
    Ok(moments.into_iter().filter(|t| *t > now && *t <= until).min())
}
