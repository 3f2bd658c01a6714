//! The schedule stage: what the daemon does at given moments, exactly once each.
//!
//! Every moment of every reminder ([`crate::config::when`]) is an occurrence with a key in the
//! register. At each round [`tick`] looks at the occurrences that have come and not been
//! decided: one that came less than `schedule.grace` ago is done now (its recipients, by the
//! rules of [`crate::standing::targets`], each get a message in the outbox, in the same
//! transaction as the record of the occurrence); an older one, which fell due while samskap was
//! not running, is recorded as missed. A recipient whose out-of-office named a later day back is
//! deferred to that day (a working day) and looked at again then: if they answered meanwhile,
//! they are skipped; if that day comes only after what the reminder is about (its deadline, its
//! meeting, the next round of the same reminder: [`purpose_ends`]), it lapses and is not sent,
//! and the weekly status says who was away and not reminded.
//! A second tick at the same moment finds everything decided and does nothing.
//!
//! [`plan`] answers "what will the daemon do, and to whom" from a moment on, without doing it.

pub mod plan;
pub mod reminder;

use chrono::{DateTime, Utc};

use crate::config::{Config, Reminder};
pub use crate::register::schedule::LAPSED;
use crate::register::schedule::{ScheduleWrite, TargetRow};
use crate::register::{Register, RegisterError};
use crate::standing::{Dates, ScheduleError, Snapshot, Target, snapshot};

/// One reminder put in the outbox, deferred or skipped, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub reminder: String,
    pub org: String,
    pub address: String,
    /// queued, deferred, skipped.
    pub what: &'static str,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

/// What a tick did.
#[derive(Debug, Default, Clone)]
pub struct TickReport {
    pub steps: Vec<Step>,
    /// Occurrences that fell due too long ago: (reminder, due).
    pub missed: Vec<(String, DateTime<Utc>)>,
    /// Occurrences done now: (what, due, how many recipients).
    pub done: Vec<(String, DateTime<Utc>, usize)>,
    /// What could not be done, and why: tried again next time.
    pub errors: Vec<String>,
}

/// The key of one occurrence of a schedule (`reminder/registration-2d/20220619T0700Z`).
pub fn run_key(config: &Config, what: &str, id: &str, due: DateTime<Utc>) -> String {
    format!("{}/{what}/{id}/{}", config.process.id, due.format("%Y%m%dT%H%MZ"))
}

/// The moments of `reminder` in (`after`, `until`].
pub fn occurrences(
    config: &Config,
    dates: &Dates<'_>,
    reminder: &Reminder,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
    since: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    reminder
        .timing
        .occurrences(dates, config.process.timezone, after, until, since)
}

/// Whether a reminder about a meeting has lost its object (the meeting is called off).
fn obsolete(config: &Config, reminder: &Reminder) -> bool {
    use crate::config::ReminderKind;
    match &reminder.kind {
        ReminderKind::Meeting { event } | ReminderKind::Registration { event } => {
            config.event(event).is_none_or(|e| e.cancelled)
        }
        _ => false,
    }
}

/// The moment a reminder due at `due` loses its purpose, so that a recipient moved past it by an
/// out-of-office is not reminded at all: the deadline it chases (or the meeting, for a
/// registration), the start of the meeting it is about, the poll's close, and in any case the
/// next time the same reminder falls due (which asks again, as things then stand). `None`: it
/// keeps its purpose.
pub fn purpose_ends(
    config: &Config,
    dates: &Dates<'_>,
    reminder: &Reminder,
    due: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    use crate::config::ReminderKind;
    let start = |event: &str| dates.slot(event).map(|s| s.start);
    let own = match &reminder.kind {
        ReminderKind::Registration { event } => {
            let deadline = config.registration_deadline(event).map(|d| d.due);
            [deadline, start(event)].into_iter().flatten().min()
        }
        ReminderKind::Meeting { event } => start(event),
        ReminderKind::Poll => config.schedule.poll.as_ref().map(|p| p.deadline),
        ReminderKind::Contact | ReminderKind::Notice { .. } => None,
    };
    let next = occurrences(
        config,
        dates,
        reminder,
        due,
        due + chrono::Duration::days(366),
        due,
    )
    .into_iter()
    .next();
    [own, next].into_iter().flatten().min()
}

/// Does what has fallen due by `now`: reminders, then deferred recipients whose day came.
pub fn tick(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
) -> Result<TickReport, ScheduleError> {
    let mut report = TickReport::default();
    let mut round = Round {
        secret: register.secret()?,
        dates: Dates::read(config, register)?,
        snap: None,
    };
    // One reminder that cannot be done (a template that fails, say) does not hold up the others.
    for reminder in &config.schedule.reminders {
        if let Err(e) = tick_reminder(config, register, reminder, now, &mut round, &mut report) {
            report.errors.push(format!("reminder {}: {e}", reminder.id));
        }
    }
    deferred_due(config, register, now, &mut round, &mut report)?;
    Ok(report)
}

/// What one tick reads once: the dates, and the register's snapshot when anything is due (what
/// a tick writes, reminders and their recipients, changes nothing in it).
struct Round<'c> {
    secret: Vec<u8>,
    dates: Dates<'c>,
    snap: Option<Snapshot>,
}

impl Round<'_> {
    /// Reads the snapshot, the first time it is needed.
    fn read_snapshot(&mut self, config: &Config, register: &Register) -> Result<(), RegisterError> {
        if self.snap.is_none() {
            self.snap = Some(snapshot(config, register)?);
        }
        Ok(())
    }
}

/// The occurrences of one reminder that have come.
fn tick_reminder(
    config: &Config,
    register: &mut Register,
    reminder: &Reminder,
    now: DateTime<Utc>,
    round: &mut Round<'_>,
    report: &mut TickReport,
) -> Result<(), ScheduleError> {
    let grace = chrono::Duration::from_std(config.schedule.grace).unwrap_or(chrono::Duration::zero());
    let tz = config.process.timezone;
    let since = register.schedule_since(&format!("reminder/{}", reminder.id), now)?;
    let due_list = occurrences(
        config,
        &round.dates,
        reminder,
        DateTime::<Utc>::MIN_UTC,
        now,
        since,
    );
    for due in due_list {
        let key = run_key(config, "reminder", &reminder.id, due);
        if register.schedule_decided(&key)? {
            continue;
        }
        if now - due > grace || obsolete(config, reminder) {
            register.apply_schedule(
                &ScheduleWrite {
                    run: Some((key, due, "missed".into())),
                    ..ScheduleWrite::default()
                },
                now,
            )?;
            report.missed.push((reminder.id.clone(), due));
            continue;
        }
        round.read_snapshot(config, register)?;
        let Round { secret, dates, snap } = &*round;
        let snap = snap.as_ref().expect("read above");
        let mut write = ScheduleWrite {
            run: Some((key.clone(), due, "done".into())),
            ..ScheduleWrite::default()
        };
        let mut steps = Vec::new();
        let targets = snap.targets(&reminder.kind);
        let ends = purpose_ends(config, dates, reminder, due);
        for target in &targets {
            let at = snap.send_time(target, due, tz);
            let what = if at <= now {
                write.messages.push(reminder::compose(
                    config, secret, dates, reminder, due, target, now,
                )?);
                "queued"
            } else if ends.is_some_and(|end| at >= end) {
                LAPSED
            } else {
                "deferred"
            };
            let note = if what == LAPSED {
                Some(lapsed_note(at, ends, tz))
            } else {
                target.note.clone()
            };
            write.targets.push(TargetRow {
                run_key: key.clone(),
                org_id: target.org_id.clone(),
                address: target.address.clone(),
                state: what.into(),
                due_at: at,
                note: note.clone(),
            });
            steps.push(Step {
                reminder: reminder.id.clone(),
                org: target.org_id.clone(),
                address: target.address.clone(),
                what,
                at,
                note,
            });
        }
        register.apply_schedule(&write, now)?;
        report.steps.extend(steps);
        report.done.push((reminder.id.clone(), due, targets.len()));
    }
    Ok(())
}

/// Everything scheduled that has fallen due, beyond reminders.
#[derive(Debug, Default)]
pub struct DueReport {
    /// The invitations put in the outbox at `invitation.send_at`: (new, there already, due).
    pub invitations: Option<(usize, usize, DateTime<Utc>)>,
    /// Invitations sent again to an organisation's new address after they bounced at the old:
    /// (organisation, the address that bounced).
    pub invitations_again: Vec<(String, String)>,
    /// `invitation.send_at` came longer than `send_grace` ago: not sent, for a person to decide.
    pub invitations_missed: Option<DateTime<Utc>>,
    pub tick: TickReport,
    /// The poll went to these (organisation, address).
    pub poll_sent: Vec<(String, String)>,
    /// While the poll is open, it also went to these, who were not asked when it was sent: an
    /// organisation whose every address asked bounced gets it at another it has (the contact
    /// person's mistyped address, say), someone registered since gets it too.
    pub poll_later: Vec<(String, String)>,
    pub poll_closed: Option<crate::register::poll::PollResultRow>,
    /// Weekly statuses put in the outbox, by their due moment.
    pub reports: Vec<DateTime<Utc>>,
    /// Other actions that fell due too long ago: (what, due).
    pub missed: Vec<(String, DateTime<Utc>)>,
    /// What could not be done, and why: tried again next round.
    pub errors: Vec<String>,
}

/// Does everything scheduled that is due at `now`: the date poll (sent at its time, closed at its
/// deadline), reminders, the weekly status. Each at most once.
pub fn run_due(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
) -> Result<DueReport, ScheduleError> {
    let mut out = DueReport::default();
    invitations_due(config, register, now, &mut out)?;
    match crate::outbox::enqueue_reinvitations(config, register, now) {
        Ok(report) => out.invitations_again = report.again,
        Err(e) => out.errors.push(format!("invitations sent again: {e}")),
    }
    if let Err(e) = poll_due(config, register, now, &mut out) {
        out.errors.push(format!("date poll: {e}"));
    }
    out.tick = tick(config, register, now)?;
    let errors = std::mem::take(&mut out.tick.errors);
    out.errors.extend(errors);
    if let Err(e) = reports_due(config, register, now, &mut out) {
        out.errors.push(format!("weekly status: {e}"));
    }
    Ok(out)
}

/// The invitations at `invitation.send_at`, once: never merely because the daemon started. A
/// daemon that was down for longer than `send_grace` past that moment records the send as missed
/// and leaves it to a person (a mass mailing is a decision someone made).
fn invitations_due(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
    out: &mut DueReport,
) -> Result<(), ScheduleError> {
    let Some(at) = config.invitation.send_at.filter(|at| *at <= now) else {
        return Ok(());
    };
    let key = format!(
        "{}/invitations/r{}/send_at",
        config.process.id, config.invitation.revision
    );
    if register.schedule_outcome(&key)?.is_some() {
        return Ok(());
    }
    let grace = chrono::Duration::from_std(config.invitation.send_grace).unwrap_or(chrono::Duration::zero());
    if now > at + grace {
        register.record_schedule(&key, at, now, "missed")?;
        out.invitations_missed = Some(at);
        return Ok(());
    }
    let enqueued = crate::outbox::enqueue_invitations(config, register, &[], now).map_err(|e| match e {
        crate::outbox::EnqueueError::Register(e) => ScheduleError::Register(e),
        other => ScheduleError::Register(RegisterError::Invalid(other.to_string())),
    })?;
    register.record_schedule(&key, at, now, "done")?;
    out.invitations = Some((enqueued.new.len(), enqueued.existing.len(), at));
    Ok(())
}

/// The date poll: sent at its time, closed at its deadline.
fn poll_due(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
    out: &mut DueReport,
) -> Result<(), ScheduleError> {
    let Some(poll) = &config.schedule.poll else {
        return Ok(());
    };
    let grace = chrono::Duration::from_std(config.schedule.grace).unwrap_or(chrono::Duration::zero());
    let dates = Dates::read(config, register)?;
    if let Some(at) = poll
        .send_at
        .as_ref()
        .and_then(|w| w.resolve(&dates, config.process.timezone))
        && at <= now
    {
        let key = run_key(config, "poll", "send", at);
        if !register.schedule_decided(&key)? {
            let outcome = if now - at > grace {
                out.missed.push(("date poll".into(), at));
                "missed"
            } else {
                out.poll_sent = crate::poll::send(config, register, now)?;
                "done"
            };
            register.apply_schedule(
                &ScheduleWrite {
                    run: Some((key, at, outcome.into())),
                    ..ScheduleWrite::default()
                },
                now,
            )?;
        }
    }
    // Once sent, and until it closes, the poll goes to whoever should be asked and was not.
    if poll.deadline > now && out.poll_sent.is_empty() && !crate::poll::asked(register)?.is_empty() {
        out.poll_later = crate::poll::send(config, register, now)?;
    }
    if poll.deadline <= now {
        out.poll_closed = crate::poll::close(config, register, now, "deadline", None)?;
    }
    Ok(())
}

/// The weekly statuses that have come: the latest within the grace period is sent, older ones
/// are recorded as missed.
fn reports_due(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
    out: &mut DueReport,
) -> Result<(), ScheduleError> {
    let Some(report) = &config.schedule.report else {
        return Ok(());
    };
    let grace = chrono::Duration::from_std(config.schedule.grace).unwrap_or(chrono::Duration::zero());
    let since = register.schedule_since("report", now)?;
    let dates = Dates::read(config, register)?;
    let due: Vec<DateTime<Utc>> = report
        .timing
        .occurrences(
            &dates,
            config.process.timezone,
            DateTime::<Utc>::MIN_UTC,
            now,
            since,
        )
        .into_iter()
        .filter(|d| *d >= since - grace)
        .collect();
    for at in due {
        let key = run_key(config, "report", "weekly", at);
        if register.schedule_decided(&key)? {
            continue;
        }
        let mut write = ScheduleWrite::default();
        let outcome = if now - at > grace {
            out.missed.push(("weekly status".into(), at));
            "missed"
        } else {
            let upcoming = plan::for_the_report(config, register, now)?;
            write.messages.push(crate::report::weekly::compose(
                config, register, &upcoming, at, now,
            )?);
            out.reports.push(at);
            "done"
        };
        write.run = Some((key, at, outcome.into()));
        register.apply_schedule(&write, now)?;
    }
    Ok(())
}

/// Recipients deferred to a day that has come: sent now if they still owe the answer, else
/// skipped.
fn deferred_due(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
    round: &mut Round<'_>,
    report: &mut TickReport,
) -> Result<(), ScheduleError> {
    let due = register.deferred_due(now)?;
    if due.is_empty() {
        return Ok(());
    }
    round.read_snapshot(config, register)?;
    let Round { secret, dates, snap } = &*round;
    let snap = snap.as_ref().expect("read above");
    for row in due {
        let Some((reminder, occurrence)) = occurrence_of(config, &row.run_key) else {
            continue;
        };
        let still: Option<Target> = snap
            .targets(&reminder.kind)
            .into_iter()
            .find(|t| t.org_id == row.org_id && t.address == row.address);
        let mut write = ScheduleWrite::default();
        // The dates may have moved since it was deferred (a chosen date, a changed deadline).
        let ends = purpose_ends(config, dates, reminder, occurrence);
        let lapsed = still.is_some() && ends.is_some_and(|end| now >= end);
        let what = match &still {
            Some(_) if lapsed => LAPSED,
            Some(target) => {
                match reminder::compose(config, secret, dates, reminder, occurrence, target, now) {
                    Ok(message) => write.messages.push(message),
                    Err(e) => {
                        report
                            .errors
                            .push(format!("reminder {} to {}: {e}", reminder.id, row.address));
                        continue;
                    }
                }
                "queued"
            }
            None => "skipped",
        };
        let note = match what {
            "skipped" => Some("answered while away".to_string()),
            LAPSED => Some(lapsed_note(row.due_at, ends, config.process.timezone)),
            _ => None,
        };
        write.targets.push(TargetRow {
            state: what.into(),
            due_at: if what == LAPSED { row.due_at } else { now },
            note: note.clone(),
            ..row.clone()
        });
        register.apply_schedule(&write, now)?;
        report.steps.push(Step {
            reminder: reminder.id.clone(),
            org: row.org_id,
            address: row.address,
            what,
            at: now,
            note,
        });
    }
    Ok(())
}

/// Why a reminder lapsed, for the log and the register.
fn lapsed_note(back: DateTime<Utc>, ends: Option<DateTime<Utc>>, tz: chrono_tz::Tz) -> String {
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Y-%m-%d %H:%M");
    match ends {
        Some(end) => format!(
            "away until {}, after what it was about ({})",
            local(back),
            local(end)
        ),
        None => format!("away until {}", local(back)),
    }
}

/// The reminder and moment an occurrence key names.
fn occurrence_of<'c>(config: &'c Config, key: &str) -> Option<(&'c Reminder, DateTime<Utc>)> {
    let mut parts = key.rsplitn(3, '/');
    let stamp = parts.next()?;
    let id = parts.next()?;
    let reminder = config.schedule.reminders.iter().find(|r| r.id == id)?;
    let due = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%MZ")
        .ok()?
        .and_utc();
    Some((reminder, due))
}

#[cfg(test)]
mod tests;
