//! The second stage: the raw file, section by section, into a checked [`Config`] (process,
//! people, events, deadlines, organisations, replies, invitation, calendar).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::time::Duration;

use chrono_tz::Tz;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::servers::{validate_imap, validate_inbox, validate_retry, validate_transport};
use super::{
    CalendarConfig, Config, Ctx, Deadline, DeadlineKind, Event, EventTime, InvitationPlan, Items, Lang,
    OrgKind, Organisation, Organiser, PUBLIC_MAIL_DOMAINS, Person, Problem, Process, Replies, Section, Slot,
    Step, Text, Theme, raw, schedule, units,
};
use crate::templates::Templates;

/// The top of the file, each part kept with its position so problems can name a line.
#[derive(Deserialize)]
struct Document {
    process: Section<raw::RawProcess>,
    organiser: Section<raw::RawOrganiser>,
    coordinator: Section<raw::RawPerson>,
    signatory: Section<raw::RawPerson>,
    themes: Items<raw::RawTheme>,
    events: Items<raw::RawEvent>,
    deadlines: Items<raw::RawDeadline>,
    replies: Section<raw::RawReplies>,
    invitation: Section<raw::RawInvitation>,
    organisations: Items<raw::RawOrganisation>,
    transport: Section<raw::RawTransport>,
    smtp: Section<raw::RawSmtp>,
    imap: Section<raw::RawImap>,
    inbox: Section<raw::RawInbox>,
    calendar: Section<raw::RawCalendar>,
    retry: Section<raw::RawRetry>,
    schedule: Section<schedule::RawSchedule>,
    reminders: Items<schedule::RawReminder>,
    report: Section<schedule::RawReport>,
    poll: Section<schedule::RawPoll>,
}

const SECTIONS: &[&str] = &[
    "process",
    "organiser",
    "coordinator",
    "signatory",
    "themes",
    "events",
    "deadlines",
    "replies",
    "invitation",
    "organisations",
    "transport",
    "smtp",
    "imap",
    "inbox",
    "calendar",
    "retry",
    "schedule",
    "reminders",
    "report",
    "poll",
];

fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' || c == '_')
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn is_domain(domain: &str) -> bool {
    domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

pub(super) fn parse(cx: &mut Ctx<'_>, base: &Path) -> Option<Config> {
    // Stage 1: the file as TOML, unknown sections, then each section and item on its own.
    let table: BTreeMap<String, serde::de::IgnoredAny> = match toml::from_str(cx.source) {
        Ok(table) => table,
        Err(e) => {
            let line = e.span().map(|s| cx.line_of(s.start));
            cx.problem(line, "", format!("not valid TOML: {}", e.message().trim()));
            return None;
        }
    };
    for key in table.keys() {
        if !SECTIONS.contains(&key.as_str()) {
            cx.problem(
                None,
                key.clone(),
                format!("unknown section (known: {})", SECTIONS.join(", ")),
            );
        }
    }
    let doc: Document = match toml::from_str(cx.source) {
        Ok(doc) => doc,
        Err(e) => {
            let line = e.span().map(|s| cx.line_of(s.start));
            cx.problem(line, "", e.message().trim().to_string());
            return None;
        }
    };

    let process = required::<raw::RawProcess>(cx, doc.process, "process");
    let organiser = required::<raw::RawOrganiser>(cx, doc.organiser, "organiser");
    let coordinator = required::<raw::RawPerson>(cx, doc.coordinator, "coordinator");
    let signatory = doc
        .signatory
        .and_then(|s| cx.item::<raw::RawPerson>(s, "signatory"));
    let themes = items::<raw::RawTheme>(cx, doc.themes, "themes");
    let events = items::<raw::RawEvent>(cx, doc.events, "events");
    let deadlines = items::<raw::RawDeadline>(cx, doc.deadlines, "deadlines");
    let replies = doc.replies.and_then(|s| cx.item::<raw::RawReplies>(s, "replies"));
    let invitation = required::<raw::RawInvitation>(cx, doc.invitation, "invitation");
    let organisations = items::<raw::RawOrganisation>(cx, doc.organisations, "organisations");
    let transport = doc
        .transport
        .and_then(|s| cx.item::<raw::RawTransport>(s, "transport"));
    let smtp = doc.smtp.and_then(|s| cx.item::<raw::RawSmtp>(s, "smtp"));
    let imap = doc.imap.and_then(|s| cx.item::<raw::RawImap>(s, "imap"));
    let retry = doc.retry.and_then(|s| cx.item::<raw::RawRetry>(s, "retry"));
    let inbox = doc.inbox.and_then(|s| cx.item::<raw::RawInbox>(s, "inbox"));
    let calendar = doc
        .calendar
        .and_then(|s| cx.item::<raw::RawCalendar>(s, "calendar"));
    let schedule_section = doc
        .schedule
        .and_then(|s| cx.item::<schedule::RawSchedule>(s, "schedule"));
    let reminders = items::<schedule::RawReminder>(cx, doc.reminders, "reminders");
    let report = doc
        .report
        .and_then(|s| cx.item::<schedule::RawReport>(s, "report"));
    let poll = doc.poll.and_then(|s| cx.item::<schedule::RawPoll>(s, "poll"));

    // Stage 2: meaning. Each check adds its problems and goes on, so all are reported together.
    let process = process.map(|(p, line)| validate_process(cx, p, line));
    let tz = process
        .as_ref()
        .map(|p| p.0.timezone)
        .unwrap_or(chrono_tz::Europe::Oslo);
    let organiser = organiser.map(|(o, line)| validate_organiser(cx, o, line));
    let coordinator = coordinator.map(|(p, line)| validate_person(cx, p, line, "coordinator"));
    if let Some(c) = &coordinator
        && c.email.is_none()
    {
        cx.problem(
            None,
            "coordinator.email",
            "the coordinator needs an e-mail address",
        );
    }
    let signatory = signatory.map(|(p, line)| validate_person(cx, p, line, "signatory"));
    let themes = validate_themes(cx, themes);
    let events = validate_events(cx, events, tz);
    // Deadline ids as written, so that a broken deadline is reported once, not again by every
    // reminder that names it.
    let deadline_names: Vec<(String, Option<String>)> = deadlines
        .iter()
        .map(|(_, (d, _))| {
            (
                d.id.clone(),
                if d.what == "registration" {
                    d.event.clone()
                } else {
                    None
                },
            )
        })
        .collect();
    let deadlines = validate_deadlines(cx, deadlines, &events, tz);
    let organisations = validate_organisations(cx, organisations);
    let replies = validate_replies(cx, replies, coordinator.as_ref());
    let invitation =
        invitation.map(|(i, line)| validate_invitation(cx, i, line, &events, &organisations, tz));
    let transport = validate_transport(cx, transport, smtp, base);
    let imap = imap.and_then(|(i, line)| validate_imap(cx, i, line, base));
    let retry = retry
        .map(|(r, line)| validate_retry(cx, r, line))
        .unwrap_or_default();
    let inbox = inbox
        .map(|(i, line)| validate_inbox(cx, i, line))
        .unwrap_or_default();
    let calendar = calendar
        .map(|(c, line)| validate_calendar(cx, c, line))
        .unwrap_or_default();
    let schedule = schedule::validate(
        cx,
        schedule_section,
        reminders,
        report,
        poll,
        &deadline_names,
        &events,
        tz,
    );

    let templates_dir = base.join(
        process
            .as_ref()
            .and_then(|p| p.1.clone())
            .unwrap_or_else(|| "../mail-templates".to_string()),
    );
    let templates = match Templates::load(&templates_dir) {
        Ok(t) => Some(t),
        Err(errors) => {
            for e in errors {
                cx.problems.push(Problem {
                    file: e.file,
                    line: e.line,
                    key: String::new(),
                    message: e.message,
                });
            }
            None
        }
    };

    Some(Config {
        path: cx.file.to_path_buf(),
        digest: {
            use sha2::Digest;
            data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(cx.source.as_bytes())[..12])
        },
        process: process?.0,
        organiser: organiser?,
        coordinator: coordinator?,
        signatory: signatory.unwrap_or(Person {
            name: String::new(),
            title: None,
            email: None,
            phone: None,
            by_authority: false,
        }),
        themes,
        events,
        deadlines,
        replies: replies?,
        invitation: invitation?,
        organisations,
        transport: transport?,
        imap,
        inbox,
        calendar,
        schedule,
        retry,
        templates: templates?,
    })
}

fn required<T: DeserializeOwned>(cx: &mut Ctx<'_>, section: Section<T>, key: &str) -> Option<(T, usize)> {
    match section {
        Some(s) => cx.item(s, key),
        None => {
            cx.problem(None, key, format!("the [{key}] section is missing"));
            None
        }
    }
}

/// `[calendar]`: each shared mailbox an address, or one with `*` for a whole part.
fn validate_calendar(cx: &mut Ctx<'_>, raw: raw::RawCalendar, line: usize) -> CalendarConfig {
    let mut shared = Vec::new();
    for pattern in raw.shared_mailboxes.iter().flatten() {
        let lower = pattern.trim().to_lowercase();
        let good = match lower.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && (local != "*" || domain != "*")
                    && !local.contains(['@', ' '])
                    && !domain.contains(['@', ' '])
                    && (local == "*" || !local.contains('*'))
                    && (domain == "*" || !domain.contains('*'))
            }
            None => false,
        };
        if good {
            shared.push(lower);
        } else {
            cx.problem(
                Some(line),
                "calendar.shared_mailboxes",
                format!(
                    "{pattern:?} is not an address, nor one with * for its local part or its domain (\"postmottak@*\", \"*@dfo.no\")"
                ),
            );
        }
    }
    CalendarConfig {
        invitations: raw.invitations.unwrap_or(true),
        shared_mailboxes: raw.shared_mailboxes.map(|_| shared),
    }
}

fn items<T: DeserializeOwned>(cx: &mut Ctx<'_>, list: Items<T>, key: &str) -> Vec<(usize, (T, usize))> {
    list.unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let id = item.get_ref().id().map(|s| format!(" ({s})")).unwrap_or_default();
            cx.item_at(
                item,
                &format!("{key}[{i}]{id}"),
                &[Step::Key(key.to_string()), Step::Index(i)],
            )
            .map(|found| (i, found))
        })
        .collect()
}

/// The process, and the templates folder as written.
fn validate_process(cx: &mut Ctx<'_>, p: raw::RawProcess, line: usize) -> (Process, Option<String>) {
    if !is_slug(&p.id) {
        cx.problem(
            Some(line),
            "process.id",
            format!(
                "{:?} must be short lowercase letters, digits and dashes (it goes into every Message-ID)",
                p.id
            ),
        );
    }
    let timezone = match p.timezone.as_deref() {
        None => chrono_tz::Europe::Oslo,
        Some(name) => match name.parse::<Tz>() {
            Ok(tz) => tz,
            Err(_) => {
                cx.problem(
                    Some(line),
                    "process.timezone",
                    format!("unknown time zone {name:?} (e.g. \"Europe/Oslo\")"),
                );
                chrono_tz::Europe::Oslo
            }
        },
    };
    let date = p.date.as_deref().and_then(|d| match units::parse_date(d) {
        Ok(d) => Some(d),
        Err(e) => {
            cx.problem(Some(line), "process.date", e);
            None
        }
    });
    (
        Process {
            id: p.id,
            name: Text::from_raw(p.name),
            reference: p.reference,
            date,
            timezone,
        },
        p.templates,
    )
}

fn validate_organiser(cx: &mut Ctx<'_>, o: raw::RawOrganiser, line: usize) -> Organiser {
    let email = o
        .email
        .as_deref()
        .and_then(|e| cx.address(line, "organiser.email", e));
    Organiser {
        name: Text::from_raw(o.name),
        short: o.short,
        department: o.department.map(Text::from_raw),
        postal_address: o.postal_address,
        visiting_address: o.visiting_address,
        email,
        phone: o.phone,
        web: o.web,
    }
}

fn validate_person(cx: &mut Ctx<'_>, p: raw::RawPerson, line: usize, key: &str) -> Person {
    if p.name.trim().is_empty() {
        cx.problem(Some(line), format!("{key}.name"), "a name is needed");
    }
    let email = p
        .email
        .as_deref()
        .and_then(|e| cx.address(line, &format!("{key}.email"), e));
    Person {
        name: p.name,
        title: p.title.map(Text::from_raw),
        email,
        phone: p.phone,
        by_authority: p.by_authority.unwrap_or(false),
    }
}

fn validate_themes(cx: &mut Ctx<'_>, themes: Vec<(usize, (raw::RawTheme, usize))>) -> Vec<Theme> {
    let mut seen = HashSet::new();
    themes
        .into_iter()
        .map(|(i, (t, line))| {
            if !seen.insert(t.id.clone()) {
                cx.problem(
                    Some(line),
                    format!("themes[{i}].id"),
                    format!("{:?} is used twice", t.id),
                );
            }
            let en = t.en.unwrap_or_else(|| t.nb.clone());
            Theme {
                id: t.id,
                text: Text { nb: t.nb, en },
            }
        })
        .collect()
}

fn validate_slot(cx: &mut Ctx<'_>, line: usize, key: &str, start: &str, end: &str, tz: Tz) -> Option<Slot> {
    let start_t = units::parse_local_datetime(start, tz)
        .map_err(|e| cx.problem(Some(line), format!("{key}.start"), e))
        .ok();
    let end_t = units::parse_local_datetime(end, tz)
        .map_err(|e| cx.problem(Some(line), format!("{key}.end"), e))
        .ok();
    let (start, end) = (start_t?, end_t?);
    if end <= start {
        cx.problem(
            Some(line),
            format!("{key}.end"),
            "the end must come after the start",
        );
        return None;
    }
    Some(Slot { start, end })
}

fn validate_events(cx: &mut Ctx<'_>, events: Vec<(usize, (raw::RawEvent, usize))>, tz: Tz) -> Vec<Event> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, (e, line)) in events {
        let key = format!("events[{i}] ({})", e.id);
        if !is_slug(&e.id) {
            cx.problem(
                Some(line),
                format!("{key}.id"),
                "must be lowercase letters, digits and dashes",
            );
        }
        if !seen.insert(e.id.clone()) {
            cx.problem(Some(line), format!("{key}.id"), "this id is used twice");
        }
        let time = match (&e.start, &e.end, &e.candidates) {
            (Some(start), Some(end), None) => {
                validate_slot(cx, line, &key, start, end, tz).map(EventTime::Fixed)
            }
            (None, None, candidates) => {
                let candidates = candidates
                    .iter()
                    .flatten()
                    .enumerate()
                    .filter_map(|(j, s)| {
                        validate_slot(cx, line, &format!("{key}.candidates[{j}]"), &s.start, &s.end, tz)
                    })
                    .collect();
                Some(EventTime::Open {
                    when: e.when.clone().map(Text::from_raw),
                    candidates,
                })
            }
            (Some(_), Some(_), Some(_)) => {
                cx.problem(
                    Some(line),
                    &key,
                    "give either start and end or candidates, not both",
                );
                None
            }
            _ => {
                cx.problem(
                    Some(line),
                    &key,
                    "give both start and end (or neither, with candidates)",
                );
                None
            }
        };
        if let Some(time) = time {
            let name = Text::from_raw(e.name);
            out.push(Event {
                id: e.id,
                short: e.short.map(Text::from_raw).unwrap_or_else(|| name.clone()),
                definite: e.definite.map(Text::from_raw).unwrap_or_else(|| name.clone()),
                name,
                time,
                location: e.location.map(Text::from_raw),
                aliases: e
                    .aliases
                    .unwrap_or_default()
                    .iter()
                    .map(|a| a.to_lowercase())
                    .collect(),
                cancelled: e.cancelled.unwrap_or(false),
            });
        }
    }
    out
}

fn validate_deadlines(
    cx: &mut Ctx<'_>,
    deadlines: Vec<(usize, (raw::RawDeadline, usize))>,
    events: &[Event],
    tz: Tz,
) -> Vec<Deadline> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (i, (d, line)) in deadlines {
        let key = format!("deadlines[{i}] ({})", d.id);
        if !seen.insert(d.id.clone()) {
            cx.problem(Some(line), format!("{key}.id"), "this id is used twice");
        }
        let kind = match (d.what.as_str(), &d.event) {
            ("registration", Some(event)) => {
                if !events.iter().any(|e| &e.id == event) {
                    cx.problem(
                        Some(line),
                        format!("{key}.event"),
                        format!("no event has the id {event:?}"),
                    );
                }
                Some(DeadlineKind::Registration { event: event.clone() })
            }
            ("registration", None) => {
                cx.problem(
                    Some(line),
                    format!("{key}.event"),
                    "a registration deadline needs the event it is for",
                );
                None
            }
            ("contact_person", _) => Some(DeadlineKind::ContactPerson),
            (other, _) => {
                cx.problem(
                    Some(line),
                    format!("{key}.what"),
                    format!("{other:?} is not \"registration\" or \"contact_person\""),
                );
                None
            }
        };
        let due = units::parse_due(&d.due, tz)
            .map_err(|e| cx.problem(Some(line), format!("{key}.due"), e))
            .ok();
        if let (Some(kind), Some(due)) = (kind, due) {
            out.push(Deadline { id: d.id, kind, due });
        }
    }
    out
}

fn validate_organisations(
    cx: &mut Ctx<'_>,
    orgs: Vec<(usize, (raw::RawOrganisation, usize))>,
) -> Vec<Organisation> {
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    let mut addresses: HashMap<String, String> = HashMap::new();
    let mut domains: BTreeMap<String, String> = BTreeMap::new();
    for (i, (o, line)) in orgs {
        let key = format!("organisations[{i}] ({})", o.id);
        if !is_slug(&o.id) {
            cx.problem(
                Some(line),
                format!("{key}.id"),
                "must be lowercase letters, digits, dots and dashes",
            );
        }
        if !ids.insert(o.id.clone()) {
            cx.problem(
                Some(line),
                format!("{key}.id"),
                "this id is used twice: each organisation is listed once (it gets one invitation)",
            );
        }
        let kind = OrgKind::parse(&o.kind);
        if kind.is_none() {
            cx.problem(
                Some(line),
                format!("{key}.kind"),
                format!("{:?} is not \"ministry\" or \"ngo\"", o.kind),
            );
        }
        let lang = match o.lang.as_deref() {
            None => Some(Lang::Nb),
            Some(l) => {
                let lang = Lang::parse(l);
                if lang.is_none() {
                    cx.problem(
                        Some(line),
                        format!("{key}.lang"),
                        format!("{l:?} is not \"nb\" or \"en\""),
                    );
                }
                lang
            }
        };
        if o.name.trim().is_empty() {
            cx.problem(Some(line), format!("{key}.name"), "a name is needed");
        }
        let address = cx.address(line, &format!("{key}.address"), &o.address);
        if let Some(a) = &address {
            let lower = a.to_string().to_ascii_lowercase();
            if let Some(other) = addresses.insert(lower.clone(), o.id.clone()) {
                cx.problem(
                    Some(line),
                    format!("{key}.address"),
                    format!("{lower} is also the address of {other:?}: it would get two invitations"),
                );
            }
        }
        let org_domains: Vec<String> = match &o.domains {
            Some(list) => list.iter().map(|d| d.trim().to_ascii_lowercase()).collect(),
            None => address
                .as_ref()
                .map(|a| a.domain().to_ascii_lowercase())
                .filter(|d| !PUBLIC_MAIL_DOMAINS.contains(&d.as_str()))
                .into_iter()
                .collect(),
        };
        for d in &org_domains {
            if !is_domain(d) {
                cx.problem(
                    Some(line),
                    format!("{key}.domains"),
                    format!("{d:?} is not a mail domain"),
                );
            } else if PUBLIC_MAIL_DOMAINS.contains(&d.as_str()) {
                cx.problem(
                    Some(line),
                    format!("{key}.domains"),
                    format!(
                        "{d} is a public webmail domain: anyone could speak for {:?}",
                        o.id
                    ),
                );
            } else if let Some(other) = domains.insert(d.clone(), o.id.clone())
                && other != o.id
            {
                cx.problem(
                    Some(line),
                    format!("{key}.domains"),
                    format!("{d} already belongs to {other:?}: a domain speaks for one organisation"),
                );
            }
        }
        if let (Some(kind), Some(lang), Some(address)) = (kind, lang, address) {
            out.push(Organisation {
                id: o.id,
                kind,
                name: o.name,
                name_en: o.name_en,
                lang,
                address,
                domains: org_domains,
                postal_address: o.postal_address,
            });
        }
    }
    if out.is_empty() && cx.problems.is_empty() {
        cx.problem(
            None,
            "organisations",
            "no organisations are listed: nobody would be invited",
        );
    }
    out
}

fn validate_replies(
    cx: &mut Ctx<'_>,
    replies: Option<(raw::RawReplies, usize)>,
    coordinator: Option<&Person>,
) -> Option<Replies> {
    let (raw, line) = match replies {
        Some((r, line)) => (Some(r), Some(line)),
        None => (None, None),
    };
    let address = match raw.as_ref().and_then(|r| r.address.as_deref()) {
        Some(a) => cx.address(line.unwrap_or(0), "replies.address", a),
        None => coordinator.and_then(|c| c.email.clone()),
    };
    let subject_tag = raw
        .as_ref()
        .and_then(|r| r.subject_tag.clone())
        .filter(|t| !t.is_empty());
    if let Some(tag) = &subject_tag
        && !tag.contains("{token}")
    {
        cx.problem(
            line,
            "replies.subject_tag",
            format!("{tag:?} must contain {{token}}, or be \"\" for no tag"),
        );
    }
    Some(Replies {
        address: address?,
        plus_token: raw.as_ref().and_then(|r| r.plus_token).unwrap_or(true),
        subject_tag,
        envelope_token: raw.as_ref().and_then(|r| r.envelope_token).unwrap_or(true),
    })
}

fn validate_invitation(
    cx: &mut Ctx<'_>,
    i: raw::RawInvitation,
    line: usize,
    events: &[Event],
    orgs: &[Organisation],
    tz: Tz,
) -> InvitationPlan {
    if !events.iter().any(|e| e.id == i.event) {
        cx.problem(
            Some(line),
            "invitation.event",
            format!("no event has the id {:?}", i.event),
        );
    }
    let send_at = i.send_at.as_deref().and_then(|t| {
        units::parse_local_datetime(t, tz)
            .map_err(|e| cx.problem(Some(line), "invitation.send_at", e))
            .ok()
    });
    let send_grace = cx.duration(
        line,
        "invitation.send_grace",
        i.send_grace.as_deref(),
        Duration::from_secs(86_400),
    );
    let letter_copy = i.letter_copy.unwrap_or_default();
    for id in &letter_copy {
        if !orgs.iter().any(|o| &o.id == id) {
            cx.problem(
                Some(line),
                "invitation.letter_copy",
                format!("no organisation has the id {id:?}"),
            );
        }
    }
    let revision = i.revision.unwrap_or(1);
    if revision == 0 {
        cx.problem(Some(line), "invitation.revision", "revisions count from 1");
    }
    InvitationPlan {
        event: i.event,
        revision,
        send_at,
        send_grace,
        letter_copy,
    }
}
