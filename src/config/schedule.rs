//! The config of what happens over time: reminders (`[[reminders]]`), the weekly status
//! (`[report]`), the follow-up date poll (`[poll]`) and how late a missed action may still run
//! (`[schedule]`). Read in stage 1 as raw TOML, checked here in stage 2 against the process's
//! deadlines and meetings, every problem with its key.

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::{Ctx, Event, Text, raw::RawText, units};
use crate::config::when::{Timing, When};

#[derive(Debug, Deserialize)]
pub struct RawSchedule {
    pub grace: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawReminder {
    pub id: String,
    pub kind: String,
    pub event: Option<String>,
    pub at: Option<String>,
    pub every: Option<String>,
    pub until: Option<String>,
    pub cron: Option<String>,
    pub from: Option<String>,
    pub link: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawReport {
    pub enabled: Option<bool>,
    pub cron: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawPoll {
    pub event: String,
    pub send_at: Option<String>,
    pub deadline: String,
    pub question: Option<RawText>,
}

/// What happens over time.
#[derive(Debug, Clone)]
pub struct ScheduleConfig {
    /// A reminder that fell due while samskap was not running is still sent this late; later, it
    /// is recorded as missed.
    pub grace: Duration,
    pub reminders: Vec<Reminder>,
    pub report: Option<ReportConfig>,
    pub poll: Option<PollConfig>,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            grace: DEFAULT_GRACE,
            reminders: Vec::new(),
            report: None,
            poll: None,
        }
    }
}

const DEFAULT_GRACE: Duration = Duration::from_secs(12 * 3600);

/// One scheduled reminder.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub id: String,
    pub kind: ReminderKind,
    pub timing: Timing,
}

/// Whom a reminder is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReminderKind {
    /// Organisations invited to `event` that have neither registered nor declined.
    Registration { event: String },
    /// Ministries that have not appointed a contact person.
    Contact,
    /// Each registered attendee of `event`, before it.
    Meeting { event: String },
    /// A notice (the summary of proposals from `event` is published, with `link`) to every
    /// organisation, or only to those registered for `event`.
    Notice {
        link: Option<String>,
        event: Option<String>,
        registered_only: bool,
    },
    /// Those asked in the date poll who have not answered.
    Poll,
}

impl ReminderKind {
    /// As in the config and the templates.
    pub fn as_str(&self) -> &'static str {
        match self {
            ReminderKind::Registration { .. } => "registration",
            ReminderKind::Contact => "contact",
            ReminderKind::Meeting { .. } => "meeting",
            ReminderKind::Notice { .. } => "notice",
            ReminderKind::Poll => "poll",
        }
    }
}

/// The weekly status e-mail to the coordinator.
#[derive(Debug, Clone)]
pub struct ReportConfig {
    pub timing: Timing,
    /// Where it goes: the coordinator unless set.
    pub to: Option<lettre::Address>,
}

/// The date poll for a meeting whose date is still open.
#[derive(Debug, Clone)]
pub struct PollConfig {
    pub event: String,
    /// When the daemon sends the poll; without it, only `samskap poll send` does.
    pub send_at: Option<When>,
    /// Answers by the end of this day; the poll closes then.
    pub deadline: DateTime<Utc>,
    /// An extra line in the poll e-mail.
    pub question: Option<Text>,
}

/// The names a moment may be relative to: deadlines, meetings, and "poll" when there is one.
fn anchor_names(deadlines: &[(String, Option<String>)], events: &[Event], poll: bool) -> Vec<String> {
    let mut names: Vec<String> = deadlines.iter().map(|d| d.0.clone()).collect();
    names.extend(events.iter().map(|e| e.id.clone()));
    if poll {
        names.push("poll".into());
    }
    names
}

#[allow(clippy::too_many_arguments)]
fn when(
    cx: &mut Ctx<'_>,
    line: usize,
    key: &str,
    text: Option<&str>,
    tz: Tz,
    anchors: &[String],
) -> Option<When> {
    let text = text?;
    match When::parse(text, tz) {
        Ok(w) => {
            if let Some(a) = w.anchor()
                && !anchors.iter().any(|n| n == a)
            {
                cx.problem(
                    Some(line),
                    key,
                    format!(
                        "{a:?} is not a deadline or meeting (known: {})",
                        anchors.join(", ")
                    ),
                );
                return None;
            }
            Some(w)
        }
        Err(e) => {
            cx.problem(Some(line), key, e);
            None
        }
    }
}

fn timing(
    cx: &mut Ctx<'_>,
    line: usize,
    key: &str,
    fields: TimingFields<'_>,
    tz: Tz,
    anchors: &[String],
) -> Option<Timing> {
    let until = when(cx, line, &format!("{key}.until"), fields.until, tz, anchors);
    match (fields.at, fields.cron) {
        (Some(_), Some(_)) => {
            cx.problem(Some(line), key, "give either `at` or `cron`, not both");
            None
        }
        (None, None) => {
            cx.problem(
                Some(line),
                key,
                "needs `at` (e.g. \"2 days before registration at 09:00\") or `cron`",
            );
            None
        }
        (Some(at), None) => {
            let at = when(cx, line, &format!("{key}.at"), Some(at), tz, anchors);
            let every = fields
                .every
                .map(|e| cx.duration(line, &format!("{key}.every"), Some(e), Duration::ZERO));
            if every.is_some_and(|e| e < Duration::from_secs(3600)) {
                cx.problem(Some(line), format!("{key}.every"), "repeat at most once an hour");
                return None;
            }
            Some(Timing::At {
                at: at?,
                every,
                until,
            })
        }
        (None, Some(text)) => {
            let from = when(cx, line, &format!("{key}.from"), fields.from, tz, anchors);
            match Timing::parse_cron(text) {
                Ok(schedule) => Some(Timing::Cron {
                    schedule: Box::new(schedule),
                    text: text.to_string(),
                    from,
                    until,
                }),
                Err(e) => {
                    cx.problem(Some(line), format!("{key}.cron"), e);
                    None
                }
            }
        }
    }
}

struct TimingFields<'a> {
    at: Option<&'a str>,
    cron: Option<&'a str>,
    every: Option<&'a str>,
    from: Option<&'a str>,
    until: Option<&'a str>,
}

/// Stage 2 of the schedule: checks every reminder, the report and the poll.
#[allow(clippy::too_many_arguments)]
pub(super) fn validate(
    cx: &mut Ctx<'_>,
    schedule: Option<(RawSchedule, usize)>,
    reminders: Vec<(usize, (RawReminder, usize))>,
    report: Option<(RawReport, usize)>,
    poll: Option<(RawPoll, usize)>,
    deadlines: &[(String, Option<String>)],
    events: &[Event],
    tz: Tz,
) -> ScheduleConfig {
    let grace = schedule
        .map(|(s, line)| cx.duration(line, "schedule.grace", s.grace.as_deref(), DEFAULT_GRACE))
        .unwrap_or(DEFAULT_GRACE);
    let anchors = anchor_names(deadlines, events, poll.is_some());
    let poll = poll.and_then(|(p, line)| {
        let event = events.iter().find(|e| e.id == p.event);
        match event {
            None => cx.problem(
                Some(line),
                "poll.event",
                format!("no event has the id {:?}", p.event),
            ),
            Some(e) if e.candidates().is_empty() => cx.problem(
                Some(line),
                "poll.event",
                format!("{:?} has no `candidates` to choose from", p.event),
            ),
            _ => {}
        }
        let send_at = when(cx, line, "poll.send_at", p.send_at.as_deref(), tz, &anchors);
        let deadline = units::parse_due(&p.deadline, tz)
            .map_err(|e| cx.problem(Some(line), "poll.deadline", e))
            .ok();
        Some(PollConfig {
            event: p.event,
            send_at,
            deadline: deadline?,
            question: p.question.map(Text::from_raw),
        })
    });
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, (r, line)) in reminders {
        let key = format!("reminders[{i}] ({})", r.id);
        if !seen.insert(r.id.clone()) {
            cx.problem(Some(line), format!("{key}.id"), "this id is used twice");
        }
        let event_of = |cx: &mut Ctx<'_>, default: Option<String>| -> Option<String> {
            let event = r.event.clone().or(default);
            match &event {
                Some(e) if !events.iter().any(|x| &x.id == e) => {
                    cx.problem(
                        Some(line),
                        format!("{key}.event"),
                        format!("no event has the id {e:?}"),
                    );
                    None
                }
                None => {
                    cx.problem(Some(line), format!("{key}.event"), "name the meeting it is about");
                    None
                }
                Some(_) => event,
            }
        };
        let kind = match r.kind.as_str() {
            "registration" => {
                // The registration deadline's meeting, unless another is named.
                let default = deadlines.iter().find_map(|d| d.1.clone());
                event_of(cx, default).map(|event| ReminderKind::Registration { event })
            }
            "contact" => Some(ReminderKind::Contact),
            "meeting" => event_of(cx, None).map(|event| ReminderKind::Meeting { event }),
            "notice" => {
                let registered_only = match r.to.as_deref() {
                    None | Some("everyone") => false,
                    Some("registered") => true,
                    Some(other) => {
                        cx.problem(
                            Some(line),
                            format!("{key}.to"),
                            format!("{other:?} is not \"everyone\" or \"registered\""),
                        );
                        false
                    }
                };
                let event = if r.event.is_some() || registered_only {
                    event_of(cx, None)
                } else {
                    None
                };
                Some(ReminderKind::Notice {
                    link: r.link.clone(),
                    event,
                    registered_only,
                })
            }
            "poll" => {
                if !anchors.iter().any(|a| a == "poll") {
                    cx.problem(
                        Some(line),
                        format!("{key}.kind"),
                        "there is no [poll] to remind of",
                    );
                }
                Some(ReminderKind::Poll)
            }
            other => {
                cx.problem(
                    Some(line),
                    format!("{key}.kind"),
                    format!("{other:?} is not one of registration, contact, meeting, notice, poll"),
                );
                None
            }
        };
        if r.link.is_some() && !matches!(kind, Some(ReminderKind::Notice { .. })) {
            cx.problem(Some(line), format!("{key}.link"), "only a notice has a link");
        }
        let timing = timing(
            cx,
            line,
            &key,
            TimingFields {
                at: r.at.as_deref(),
                cron: r.cron.as_deref(),
                every: r.every.as_deref(),
                from: r.from.as_deref(),
                until: r.until.as_deref(),
            },
            tz,
            &anchors,
        );
        if let (Some(kind), Some(timing)) = (kind, timing) {
            out.push(Reminder {
                id: r.id,
                kind,
                timing,
            });
        }
    }
    let report = match report {
        Some((r, _)) if r.enabled == Some(false) => None,
        Some((r, line)) => {
            let to = r.to.as_deref().and_then(|t| cx.address(line, "report.to", t));
            timing(
                cx,
                line,
                "report",
                TimingFields {
                    at: None,
                    cron: Some(r.cron.as_deref().unwrap_or(DEFAULT_REPORT_CRON)),
                    every: None,
                    from: r.from.as_deref(),
                    until: r.until.as_deref(),
                },
                tz,
                &anchors,
            )
            .map(|timing| ReportConfig { timing, to })
        }
        None => Timing::parse_cron(DEFAULT_REPORT_CRON)
            .ok()
            .map(|schedule| ReportConfig {
                timing: Timing::Cron {
                    schedule: Box::new(schedule),
                    text: DEFAULT_REPORT_CRON.into(),
                    from: None,
                    until: None,
                },
                to: None,
            }),
    };
    ScheduleConfig {
        grace,
        reminders: out,
        report,
        poll,
    }
}

/// Every Monday at 08:00, in the process's time zone.
pub const DEFAULT_REPORT_CRON: &str = "0 8 * * Mon";
