//! What a letter says about the process, as values for the templates: names, dates and times in
//! the reader's language and the process's time zone, the organisation, its token.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::words::{date, day_month, slot, weekday_day_month};
use crate::config::{Config, EventTime, Lang, OrgKind, Organisation};

#[derive(Serialize)]
struct Named {
    name: String,
}

#[derive(Serialize)]
struct Listed {
    name: String,
    postal_address: String,
}

#[derive(Serialize)]
struct ThemeCtx {
    id: String,
    text: String,
}

#[derive(Serialize)]
struct EventCtx {
    id: String,
    name: String,
    /// The meeting as a word inside a sentence, indefinite and definite ("samskapingsmøte",
    /// "samskapingsmøtet").
    short: String,
    definite: String,
    /// The date and time in words, or the period in words while the date is open.
    when: String,
    /// "23. juni": how the letter refers to the meeting.
    day: String,
    location: String,
    candidates: Vec<String>,
}

/// Everything a letter template can use.
#[derive(Serialize)]
pub struct LetterContext {
    lang: Lang,
    process: ProcessCtx,
    organiser: OrganiserCtx,
    coordinator: PersonCtx,
    signatory: PersonCtx,
    themes: Vec<ThemeCtx>,
    org: OrgCtx,
    event: EventCtx,
    followup: Option<EventCtx>,
    deadline: DeadlineCtx,
    reply: ReplyCtx,
    recipients: Vec<Listed>,
    copy: Vec<Named>,
}

#[derive(Serialize)]
struct ProcessCtx {
    id: String,
    name: String,
    reference: String,
    date: String,
}

#[derive(Serialize)]
struct OrganiserCtx {
    name: String,
    short: String,
    department: String,
    postal_address: String,
    visiting_address: String,
    email: String,
    phone: String,
    web: String,
}

#[derive(Serialize)]
struct PersonCtx {
    name: String,
    title: String,
    email: String,
    phone: String,
    by_authority: bool,
}

#[derive(Serialize)]
struct OrgCtx {
    id: String,
    name: String,
    kind: OrgKind,
    address: String,
    postal_address: String,
}

#[derive(Serialize)]
struct DeadlineCtx {
    /// "tirsdag 21. juni", or "" when no deadline is set.
    registration: String,
    contact: String,
}

#[derive(Serialize)]
struct ReplyCtx {
    /// Where replies go: the plus-address with the token when configured.
    address: String,
    token: String,
    /// "[OGP5:abcd2345]", or "" when subject tags are off.
    tag: String,
    /// What a forwarded copy asks NGOs to quote: the tag, or the token alone.
    reference: String,
}

/// The token-bearing reply details for one organisation.
pub struct ReplyTo {
    pub address: lettre::Address,
    pub token: String,
    pub tag: Option<String>,
}

fn event_ctx(config: &Config, id: &str, lang: Lang) -> Option<EventCtx> {
    let tz = config.process.timezone;
    let event = config.event(id)?;
    let (when, day, candidates) = match &event.time {
        EventTime::Fixed(s) => (
            slot(*s, tz, lang),
            day_month(s.start.with_timezone(&tz).date_naive(), lang),
            Vec::new(),
        ),
        EventTime::Open { when, candidates } => {
            let words = when.as_ref().map(|w| w.get(lang).to_string()).unwrap_or_default();
            (
                words.clone(),
                words,
                candidates.iter().map(|c| slot(*c, tz, lang)).collect(),
            )
        }
    };
    Some(EventCtx {
        id: event.id.clone(),
        name: event.name.get(lang).to_string(),
        short: event.short.get(lang).to_string(),
        definite: event.definite.get(lang).to_string(),
        when,
        day,
        location: event
            .location
            .as_ref()
            .map(|l| l.get(lang).to_string())
            .unwrap_or_default(),
        candidates,
    })
}

fn person(p: &crate::config::Person, lang: Lang) -> PersonCtx {
    PersonCtx {
        name: p.name.clone(),
        title: p
            .title
            .as_ref()
            .map(|t| t.get(lang).to_string())
            .unwrap_or_default(),
        email: p.email.as_ref().map(|e| e.to_string()).unwrap_or_default(),
        phone: p.phone.clone().unwrap_or_default(),
        by_authority: p.by_authority,
    }
}

/// Builds the context of the invitation to `org`, in `lang`.
pub fn invitation_context(config: &Config, org: &Organisation, reply: &ReplyTo, lang: Lang) -> LetterContext {
    let tz = config.process.timezone;
    let deadline_words = |due: Option<DateTime<Utc>>| {
        due.map(|d| weekday_day_month(d.with_timezone(&tz).date_naive(), lang))
            .unwrap_or_default()
    };
    let o = &config.organiser;
    let followup = config
        .events
        .iter()
        .find(|e| e.id != config.invitation.event)
        .and_then(|e| event_ctx(config, &e.id, lang));
    LetterContext {
        lang,
        process: ProcessCtx {
            id: config.process.id.clone(),
            name: config.process.name.get(lang).to_string(),
            reference: config.process.reference.clone().unwrap_or_default(),
            date: config.process.date.map(|d| date(d, lang)).unwrap_or_default(),
        },
        organiser: OrganiserCtx {
            name: o.name.get(lang).to_string(),
            short: o.short.clone(),
            department: o
                .department
                .as_ref()
                .map(|d| d.get(lang).to_string())
                .unwrap_or_default(),
            postal_address: o.postal_address.clone().unwrap_or_default(),
            visiting_address: o.visiting_address.clone().unwrap_or_default(),
            email: o.email.as_ref().map(|e| e.to_string()).unwrap_or_default(),
            phone: o.phone.clone().unwrap_or_default(),
            web: o.web.clone().unwrap_or_default(),
        },
        coordinator: person(&config.coordinator, lang),
        signatory: person(&config.signatory, lang),
        themes: config
            .themes
            .iter()
            .map(|t| ThemeCtx {
                id: t.id.clone(),
                text: t.text.get(lang).to_string(),
            })
            .collect(),
        org: OrgCtx {
            id: org.id.clone(),
            name: org.name_in(lang).to_string(),
            kind: org.kind,
            address: org.address.to_string(),
            postal_address: org.postal_address.clone().unwrap_or_default(),
        },
        event: event_ctx(config, &config.invitation.event, lang).unwrap_or(EventCtx {
            id: config.invitation.event.clone(),
            name: String::new(),
            short: String::new(),
            definite: String::new(),
            when: String::new(),
            day: String::new(),
            location: String::new(),
            candidates: Vec::new(),
        }),
        followup,
        deadline: DeadlineCtx {
            registration: deadline_words(
                config
                    .registration_deadline(&config.invitation.event)
                    .map(|d| d.due),
            ),
            contact: deadline_words(config.contact_deadline().map(|d| d.due)),
        },
        reply: ReplyCtx {
            address: reply.address.to_string(),
            token: reply.token.clone(),
            tag: reply.tag.clone().unwrap_or_default(),
            reference: reply.tag.clone().unwrap_or_else(|| reply.token.clone()),
        },
        recipients: config
            .organisations
            .iter()
            .filter(|o| o.kind == OrgKind::Ministry)
            .map(|o| Listed {
                name: o.name_in(lang).to_string(),
                postal_address: o.postal_address.clone().unwrap_or_default(),
            })
            .collect(),
        copy: config
            .invitation
            .letter_copy
            .iter()
            .filter_map(|id| config.organisation(id))
            .map(|o| Named {
                name: o.name_in(lang).to_string(),
            })
            .collect(),
    }
}
