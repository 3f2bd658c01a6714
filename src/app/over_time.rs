//! The commands about time: `plan` (the timeline), `poll status|send|close`, and
//! `report send|preview`.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::writing::Then;
use super::{AppError, DataDir, stdout};
use crate::cli::{PollWhat, ReportWhat};
use crate::clock::Clock;
use crate::config::{Config, Lang};
use crate::ops::Request;

/// The end of `--until`: a date means the end of that day in the process's time zone.
fn until(config: &Config, text: Option<&str>, now: DateTime<Utc>) -> Result<DateTime<Utc>, AppError> {
    let Some(text) = text else {
        return Ok(now + Duration::days(120));
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| AppError::Usage(format!("--until {text:?}: write a date like 2022-09-30")))?;
    crate::config::units::parse_due(&day.to_string(), config.process.timezone).map_err(AppError::Usage)
}

/// `samskap plan`.
pub fn plan(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    until_text: Option<&str>,
    json: bool,
) -> Result<(), AppError> {
    let now = clock.now();
    let until = until(config, until_text, now)?;
    let register = data.peek_register()?;
    let items = crate::schedule::plan::plan(config, &register, now, until)?;
    if json {
        let text = serde_json::to_string_pretty(&items).unwrap_or_default();
        return stdout(&format!("{text}\n"));
    }
    let tz = config.process.timezone;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "What samskap will do from {} to {} ({}):",
        now.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
        until.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
        tz
    );
    if items.is_empty() {
        let _ = writeln!(out, "  nothing");
    }
    for p in &items {
        let to = match p.to.len() {
            0 => String::new(),
            n if n <= 6 => format!(" → {}", p.to.join(", ")),
            n => format!(" → {n}: {}, …", p.to[..5].join(", ")),
        };
        let _ = writeln!(
            out,
            "  {}  {:<11} {}{to}",
            p.at.with_timezone(&tz).format("%a %Y-%m-%d %H:%M"),
            p.kind,
            p.what
        );
    }
    stdout(&out)
}

/// `samskap poll …`.
pub async fn poll(config: &Config, data: &DataDir, clock: &Clock, what: PollWhat) -> Result<(), AppError> {
    let Some((event, slots)) = config.poll_candidates() else {
        return Err(crate::ops::no_poll());
    };
    let now = clock.now();
    match what {
        PollWhat::Status { json } => {
            let register = data.peek_register()?;
            let answers = register.poll_answers(event)?;
            let tally = crate::poll::tally(&answers, slots.len());
            let result = register.poll_result(event)?;
            let unanswered = crate::standing::unanswered(config, &register)?;
            if json {
                let value = serde_json::json!({
                    "event": event,
                    "candidates": slots.iter().enumerate().map(|(i, s)| serde_json::json!({
                        "number": i + 1,
                        "start": s.start.to_rfc3339(),
                        "end": s.end.to_rfc3339(),
                        "yes": tally.counts[i].0,
                        "no": tally.counts[i].1,
                        "maybe": tally.maybe[i],
                    })).collect::<Vec<_>>(),
                    "answers": answers,
                    "unanswered": unanswered.iter().map(|(o, a)| serde_json::json!({"org": o, "address": a})).collect::<Vec<_>>(),
                    "chosen": result.as_ref().map(|r| r.chosen),
                    "leading": crate::poll::choose(&tally, slots),
                });
                return stdout(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&value).unwrap_or_default()
                ));
            }
            let lines = crate::config::words::slot_lines(config, Lang::Nb);
            let leading = crate::poll::choose(&tally, slots);
            let mut out = String::new();
            let _ = writeln!(
                out,
                "Date poll for {event}: {} answer{}, {} asked not answered{}",
                tally.answers,
                if tally.answers == 1 { "" } else { "s" },
                unanswered.len(),
                match &result {
                    Some(r) => format!(
                        "; closed {} ({}): number {} chosen",
                        r.closed_at
                            .with_timezone(&config.process.timezone)
                            .format("%Y-%m-%d %H:%M"),
                        r.closed_by,
                        r.chosen
                    ),
                    None => format!(
                        "; closes {}",
                        crate::config::words::long_date(
                            config
                                .schedule
                                .poll
                                .as_ref()
                                .map(|p| p.deadline)
                                .unwrap_or(now)
                                .with_timezone(&config.process.timezone)
                                .date_naive(),
                            Lang::En
                        )
                    ),
                }
            );
            for (i, line) in lines.iter().enumerate() {
                let mark = if result.as_ref().map(|r| r.chosen).or(leading) == Some(i + 1) {
                    "→"
                } else {
                    " "
                };
                let _ = writeln!(
                    out,
                    "{mark} {line}: suits {}, does not suit {}, might suit {}",
                    tally.counts[i].0, tally.counts[i].1, tally.maybe[i]
                );
            }
            // A lead by being earliest alone is a tie for the coordinator to settle.
            if result.is_none()
                && tally.answers > 0
                && let Some(lead) = leading
            {
                let key = |i: usize| (tally.counts[i].0, tally.counts[i].1, tally.maybe[i]);
                let level: Vec<String> = (0..slots.len())
                    .filter(|&i| i + 1 != lead && key(i) == key(lead - 1))
                    .map(|i| (i + 1).to_string())
                    .collect();
                if !level.is_empty() {
                    let _ = writeln!(
                        out,
                        "  A tie: number {lead} leads only by being earliest (level with {}); `samskap poll choose N` settles it",
                        level.join(", ")
                    );
                }
            }
            for a in &answers {
                let _ = writeln!(
                    out,
                    "  {} ({}): suits {:?}, not {:?}, maybe {:?}",
                    a.address, a.org_id, a.yes, a.no, a.maybe
                );
            }
            stdout(&out)
        }
        PollWhat::Send => super::writing::write(config, data, clock, Request::PollSend, Then::Send).await,
        PollWhat::Close => super::writing::write(config, data, clock, Request::PollClose, Then::Send).await,
        PollWhat::Choose { number } => {
            super::writing::write(config, data, clock, Request::PollChoose { number }, Then::Send).await
        }
    }
}

/// `samskap report …`.
pub async fn report(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    what: ReportWhat,
) -> Result<(), AppError> {
    let now = clock.now();
    match what {
        ReportWhat::Preview => {
            let mut register = data.peek_register()?;
            let upcoming = crate::schedule::plan::for_the_report(config, &register, now)?;
            let message = crate::report::weekly::compose(config, &mut register, &upcoming, now, now)?;
            let parsed = mail_parser::MessageParser::default().parse(&message.body);
            let text = parsed
                .as_ref()
                .and_then(|m| m.body_text(0))
                .map(|t| t.into_owned())
                .unwrap_or_default();
            stdout(&format!("Subject: {}\n\n{text}", message.subject))
        }
        ReportWhat::Send => super::writing::write(config, data, clock, Request::ReportSend, Then::Send).await,
    }
}

/// A rendered message's subject and bytes, for the checks on its words.
fn parts(message: crate::register::NewMessage) -> (String, Vec<u8>) {
    (message.subject, message.body)
}

/// What rendering every message said.
#[derive(Debug, Default)]
pub struct Drafted {
    /// Messages that could not be rendered: the config is not fit to run.
    pub problems: Vec<String>,
    /// Meeting titles put into sentences with their capital letter ("velkommen til
    /// Samskapingsmøte"), each with where.
    pub capitals: Vec<Capital>,
}

/// A meeting's title (or form) that the messages put inside sentences with its capital letter.
#[derive(Debug)]
pub struct Capital {
    pub event: String,
    pub lang: Lang,
    pub name: String,
    /// Which message, and the words around it; one per message kind and wording.
    pub places: Vec<(String, String)>,
}

impl std::fmt::Display for Capital {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<String> = self
            .places
            .iter()
            .take(3)
            .map(|(what, words)| format!("«{words}» ({what})"))
            .collect();
        let lang = self.lang.code();
        let example = match self.lang {
            Lang::Nb => "\"samskapingsmøte\" and \"samskapingsmøtet\"",
            Lang::En => "\"co-creation meeting\" and \"the co-creation meeting\"",
        };
        write!(
            f,
            "meeting {}: «{}» stands inside sentences with its capital letter in {} message(s), e.g. {}; give the meeting short.{lang} and definite.{lang} (as {example}), which the templates use inside sentences as event.short and event.definite",
            self.event,
            self.name,
            self.places.len(),
            shown.join(", ")
        )
    }
}

/// The names `check` looks for inside sentences: each meeting's title and forms, in each
/// language, with the meeting's id. Only a name that starts as a word does (a capital, then a
/// small letter): an acronym ("OGP5") is written so anywhere.
fn inserted_names(config: &Config) -> Vec<(String, Lang, String)> {
    let mut names: Vec<(String, Lang, String)> = Vec::new();
    for event in &config.events {
        for text in [&event.name, &event.short, &event.definite] {
            for lang in [Lang::Nb, Lang::En] {
                let name = text.get(lang).to_string();
                let mut chars = name.chars();
                let word = chars.next().is_some_and(char::is_uppercase)
                    && chars.next().is_some_and(char::is_lowercase);
                if word && !names.iter().any(|(_, _, n)| *n == name) {
                    names.push((event.id.clone(), lang, name));
                }
            }
        }
    }
    names
}

/// Renders every message of every kind the process may send, to every organisation, in both
/// languages, with sample data: a template that compiles can still fail on a missing value, and
/// `check` should say so before the daemon meets it at 09:00 on a Monday; and a meeting's title
/// put into a sentence keeps its capital letter unless the config gives the forms to use there.
pub fn draft_everything(config: &Config, secret: &[u8], now: DateTime<Utc>) -> Drafted {
    use crate::calendar::ics::Method;
    use crate::standing::targets::Target;
    let mut drafted = Drafted::default();
    let names = inserted_names(config);
    let just_names: Vec<String> = names.iter().map(|(_, _, n)| n.clone()).collect();
    let mut note = |what: &str, result: Result<(String, Vec<u8>), String>| match result {
        Err(e) => {
            let problem = format!("the {what}: {e}");
            if !drafted.problems.contains(&problem) {
                drafted.problems.push(problem);
            }
        }
        Ok((subject, body)) => {
            let text = mail_parser::MessageParser::default()
                .parse(&body)
                .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
                .unwrap_or_default();
            for part in [&subject, &text] {
                for words in crate::templates::capital_inside_sentence(part, &just_names) {
                    let Some((event, lang, name)) =
                        names.iter().find(|(_, _, n)| words.ends_with(n.as_str()))
                    else {
                        continue;
                    };
                    let at = match drafted.capitals.iter().position(|c| c.name == *name) {
                        Some(at) => at,
                        None => {
                            drafted.capitals.push(Capital {
                                event: event.clone(),
                                lang: *lang,
                                name: name.clone(),
                                places: Vec::new(),
                            });
                            drafted.capitals.len() - 1
                        }
                    };
                    let place = (what.to_string(), words);
                    if !drafted.capitals[at].places.contains(&place) {
                        drafted.capitals[at].places.push(place);
                    }
                }
            }
        }
    };
    let mut scratch = match crate::register::Register::open_in_memory() {
        Ok(r) => r,
        Err(e) => {
            note("register", Err(e.to_string()));
            return drafted;
        }
    };
    let _ = scratch.set_meta("secret", &data_encoding::HEXLOWER.encode(secret));
    let dates = match crate::standing::Dates::read(config, &scratch) {
        Ok(d) => d,
        Err(e) => {
            note("dates", Err(e.to_string()));
            return drafted;
        }
    };
    for org in &config.organisations {
        for lang in [Lang::Nb, Lang::En] {
            note(
                &format!("invitation ({})", lang.code()),
                crate::outbox::invitation::draft(config, org, secret, lang, now)
                    .map(|d| (d.composed.subject, d.composed.bytes))
                    .map_err(|e| e.to_string()),
            );
            let target = Target {
                org_id: org.id.clone(),
                org_name: org.name.clone(),
                address: org.address.to_string(),
                name: Some("Kari Nordmann".into()),
                lang,
                note: None,
            };
            for reminder in &config.schedule.reminders {
                note(
                    &format!("reminder {} ({})", reminder.id, lang.code()),
                    crate::schedule::reminder::compose(config, secret, &dates, reminder, now, &target, now)
                        .map(parts)
                        .map_err(|e| e.to_string()),
                );
            }
            if let Some((event, slots)) = config.poll_candidates()
                && let Some(slot) = slots.first()
            {
                note(
                    &format!("date poll ({})", lang.code()),
                    crate::poll::compose(config, secret, &target, crate::poll::KIND, None, now)
                        .map(parts)
                        .map_err(|e| e.to_string()),
                );
                let result = crate::register::poll::PollResultRow {
                    event_id: event.to_string(),
                    chosen: 1,
                    slot: *slot,
                    closed_at: now,
                    closed_by: "check".into(),
                };
                let numbers = [false, true].map(|by_coordinator| crate::poll::Numbers {
                    answers: 3,
                    yes: 2,
                    no: 1,
                    maybe: 1,
                    by_coordinator,
                });
                for (suits, numbers) in [
                    (Some(true), &numbers[0]),
                    (Some(false), &numbers[1]),
                    (None, &numbers[0]),
                ] {
                    note(
                        &format!("date poll's result ({})", lang.code()),
                        crate::poll::compose(
                            config,
                            secret,
                            &target,
                            crate::poll::RESULT_KIND,
                            Some((&result, suits, numbers)),
                            now,
                        )
                        .map(parts)
                        .map_err(|e| e.to_string()),
                    );
                }
            }
            for event in &config.events {
                let Some(slot) = event.slot().or_else(|| event.candidates().first().copied()) else {
                    continue;
                };
                for (method, update, object, registered) in [
                    (Method::Request, false, true, true),
                    (Method::Request, false, true, false),
                    (Method::Request, true, true, true),
                    (Method::Cancel, false, true, true),
                    (Method::Request, false, false, true),
                    (Method::Request, true, false, true),
                    (Method::Cancel, false, false, true),
                ] {
                    let notice = crate::calendar::Notice {
                        to: crate::standing::Wanted {
                            org_id: org.id.clone(),
                            org_name: org.name.clone(),
                            address: org.address.to_string(),
                            name: object.then(|| "Kari Nordmann".into()),
                            lang,
                            object,
                            registered,
                        },
                        method,
                        sequence: 0,
                        round: 1,
                        update,
                    };
                    note(
                        &format!(
                            "calendar {}{} for {} ({})",
                            method.as_str(),
                            if object { "" } else { " without the object" },
                            event.id,
                            lang.code()
                        ),
                        crate::calendar::compose(
                            config,
                            secret,
                            event,
                            slot,
                            &crate::calendar::uid(config, &event.id),
                            &notice,
                            now,
                        )
                        .map(parts)
                        .map_err(|e| e.to_string()),
                    );
                }
            }
            // A registration of one person to each meeting, as a reply might record it.
            let recorded: Vec<crate::decide::Action> = config
                .events
                .iter()
                .map(|event| crate::decide::Action::SetRegistration {
                    org: org.id.clone(),
                    event: event.id.clone(),
                    status: "registered".into(),
                    attendees: vec![crate::understand::facts::Attendee {
                        name: Some("Kari Nordmann".into()),
                        email: Some("kari.nordmann@example.org".into()),
                    }],
                    count: Some(1),
                    late: false,
                    replace: false,
                    withdrawn: Vec::new(),
                    evidence: Vec::new(),
                })
                .collect();
            note(
                &format!("confirmation ({})", lang.code()),
                crate::outbox::confirmation::compose(
                    config,
                    secret,
                    &crate::outbox::confirmation::Answering {
                        org_id: &org.id,
                        org_name: &org.name,
                        to: org.address.as_ref(),
                        lang,
                        their_message_id: "check@samskap",
                        recorded: &recorded,
                    },
                    now,
                )
                .map(parts)
                .map_err(|e| e.to_string()),
            );
        }
    }
    if config.schedule.report.is_some() {
        note(
            "weekly status",
            crate::report::weekly::compose(config, &mut scratch, &[], now, now)
                .map(parts)
                .map_err(|e| e.to_string()),
        );
    }
    drafted
}
