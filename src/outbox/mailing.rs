//! A templated message from the coordinator about one organisation: reminders, the date poll,
//! the poll's result, the weekly status. One place that renders `NAME.LANG.{subject,txt,html}.j2`
//! with the common context (the process, the organiser, the coordinator, where to reply) and
//! builds the message with the organisation's token in Reply-To and subject, like every other
//! message of the process, under a deterministic Message-ID.

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use serde::Serialize;

use super::compose::{self, Attachment, Letter};
use super::invitation::{DraftError, message_id_domain, reply_to};
use crate::config::{Config, Lang};
use crate::ident::{self, IdempotencyKey};
use crate::register::NewMessage;

/// What to send.
pub struct Mailing<'a> {
    /// The outbox kind, and part of the idempotency key.
    pub kind: &'a str,
    /// The organisation it is about (its token goes in Reply-To), or none (to the coordinator).
    pub org_id: Option<&'a str>,
    /// The key's event part: what makes this message different from others of its kind.
    pub event: String,
    /// The key's revision (a calendar object's SEQUENCE; 1 for most).
    pub revision: u32,
    /// Recorded as the outbox's event.
    pub event_id: Option<String>,
    pub to: Vec<Mailbox>,
    pub lang: Lang,
    /// The templates' name: `reminder` renders `reminder.nb.subject.j2`, …
    pub template: &'a str,
    /// Whether there is an `.html.j2` too.
    pub html: bool,
    pub headers: Vec<(String, String)>,
    /// An iCalendar object: its METHOD and text.
    pub calendar: Option<(String, String)>,
    pub attachments: Vec<Attachment>,
    /// Not sent before this moment.
    pub not_before: DateTime<Utc>,
}

impl<'a> Mailing<'a> {
    /// A message of `kind` about `org_id` to one person, in text alone, rendered from the
    /// templates named after its kind, with nothing attached: the reminders' and the poll's.
    /// Others change what differs (`Mailing { html: true, ..Mailing::plain(…) }`).
    pub fn plain(
        kind: &'a str,
        org_id: Option<&'a str>,
        event: String,
        event_id: Option<String>,
        to: Mailbox,
        lang: Lang,
        not_before: DateTime<Utc>,
    ) -> Mailing<'a> {
        Mailing {
            kind,
            org_id,
            event,
            revision: 1,
            event_id,
            to: vec![to],
            lang,
            template: kind,
            html: false,
            headers: Vec::new(),
            calendar: None,
            attachments: Vec::new(),
            not_before,
        }
    }
}

#[derive(Serialize)]
struct Common<'a> {
    lang: Lang,
    process: Named<'a>,
    organiser: Named<'a>,
    coordinator: Coordinator<'a>,
    reply: Reply<'a>,
}

/// A name in a template's context (`org.name`, `organiser.name`).
#[derive(Serialize)]
pub struct Named<'a> {
    pub name: &'a str,
}

/// A person who may have no name we know (`person.name`), and the name a greeting uses
/// (`person.first`: "Hei Kari,").
#[derive(Serialize)]
pub struct Someone<'a> {
    pub name: Option<&'a str>,
    pub first: Option<&'a str>,
}

impl<'a> Someone<'a> {
    pub fn new(name: Option<&'a str>) -> Someone<'a> {
        Someone {
            name,
            first: name.map(greeting_name),
        }
    }
}

/// The name to greet someone by: the first name of a first name and a surname ("Kari
/// Nordmann" → "Kari", "Anne-Grete Olsen" → "Anne-Grete"). With three names or more it cannot
/// tell a double first name ("Tom Arne Nygaard") from a middle name ("Jonas Gahr Støre"), and
/// a name written surname first ("Nordmann, Kari") is not split: the whole name is used,
/// which is never wrong.
pub fn greeting_name(name: &str) -> &str {
    let name = name.trim();
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [first, _surname]
            if !name.contains(',')
                && first.chars().next().is_some_and(char::is_uppercase)
                && first.chars().any(char::is_lowercase)
                && !first.ends_with('.') =>
        {
            first
        }
        _ => name,
    }
}

/// A meeting in a template's context: its title (`event.name`), itself as a word in a
/// sentence (`event.short`, `event.definite`: "samskapingsmøte", "samskapingsmøtet"),
/// `event.when`, `event.location`.
#[derive(Serialize)]
pub struct Meeting<'a> {
    pub name: &'a str,
    pub short: &'a str,
    pub definite: &'a str,
    pub when: String,
    pub location: &'a str,
}

impl<'a> Meeting<'a> {
    /// `event` in `lang`, `when` it is in words.
    pub fn new(event: &'a crate::config::Event, lang: Lang, when: String) -> Meeting<'a> {
        Meeting {
            name: event.name.get(lang),
            short: event.short.get(lang),
            definite: event.definite.get(lang),
            when,
            location: event.location.as_ref().map(|l| l.get(lang)).unwrap_or(""),
        }
    }
}

#[derive(Serialize)]
struct Coordinator<'a> {
    name: &'a str,
    title: &'a str,
    email: String,
    phone: &'a str,
}

#[derive(Serialize)]
struct Reply<'a> {
    address: String,
    tag: &'a str,
}

/// `name <address>` as a recipient, or an error naming the address that is not one.
pub fn recipient(name: Option<String>, address: &str) -> Result<Mailbox, DraftError> {
    let parsed: lettre::Address = address.parse().map_err(|e| {
        DraftError::Compose(super::compose::ComposeError::new(
            address,
            format!("bad address {address:?}: {e}"),
        ))
    })?;
    Ok(Mailbox::new(name, parsed))
}

/// Renders and builds `mailing`, dated `now`, with `extra` (a serialisable value) merged into the
/// templates' context.
pub fn compose<T: Serialize>(
    config: &Config,
    secret: &[u8],
    mailing: Mailing<'_>,
    extra: &T,
    now: DateTime<Utc>,
) -> Result<NewMessage, DraftError> {
    let lang = mailing.lang;
    let org_for_token = mailing.org_id.unwrap_or("");
    let reply = reply_to(config, secret, org_for_token);
    let from = config
        .coordinator
        .email
        .clone()
        .unwrap_or_else(|| config.replies.address.clone());
    let common = Common {
        lang,
        process: Named {
            name: config.process.name.get(lang),
        },
        organiser: Named {
            name: config.organiser.name.get(lang),
        },
        coordinator: Coordinator {
            name: &config.coordinator.name,
            title: config
                .coordinator
                .title
                .as_ref()
                .map(|t| t.get(lang))
                .unwrap_or(""),
            email: from.to_string(),
            phone: config.coordinator.phone.as_deref().unwrap_or(""),
        },
        reply: Reply {
            address: if mailing.org_id.is_some() {
                reply.address.to_string()
            } else {
                config.replies.address.to_string()
            },
            tag: reply
                .tag
                .as_deref()
                .filter(|_| mailing.org_id.is_some())
                .unwrap_or(""),
        },
    };
    let value = minijinja::context! {
        ..minijinja::Value::from(minijinja::value::Serde(&common)),
        ..minijinja::Value::from(minijinja::value::Serde(extra))
    };
    let template_error = |source| DraftError::Template {
        org: org_for_token.to_string(),
        source,
    };
    let render = |part: &str| {
        config
            .templates
            .render(&format!("{}.{}.{part}.j2", mailing.template, lang.code()), &value)
            .map_err(template_error)
    };
    let key = IdempotencyKey {
        process: config.process.id.clone(),
        kind: mailing.kind.into(),
        org: mailing.org_id.unwrap_or("coordinator").into(),
        event: mailing.event.clone(),
        revision: mailing.revision,
    };
    let mut subject = render("subject")?.trim().replace(['\r', '\n'], " ");
    if mailing.org_id.is_some()
        && let Some(tag) = &reply.tag
    {
        subject = format!("{subject} {tag}");
    }
    let mut headers = mailing.headers;
    if mailing.org_id.is_some() {
        headers.push((
            "X-Samskap-Ref".into(),
            format!("{}:{}", config.process.id, reply.token),
        ));
    }
    let letter = Letter {
        from: Mailbox::new(Some(config.coordinator.name.clone()), from.clone()),
        reply_to: mailing
            .org_id
            .map(|_| Mailbox::new(Some(config.coordinator.name.clone()), reply.address.clone())),
        to: mailing.to,
        subject,
        text: render("txt")?,
        html: if mailing.html { Some(render("html")?) } else { None },
        lang,
        message_id: ident::message_id(secret, &key, &message_id_domain(config)),
        date: now,
        envelope_from: if mailing.org_id.is_some()
            && config.replies.envelope_token
            && config.replies.plus_token
        {
            reply.address.clone()
        } else {
            from
        },
        headers,
        calendar: mailing.calendar,
        attachments: mailing.attachments,
    };
    let composed = compose::build(&letter)?;
    Ok(NewMessage {
        key: key.as_string(),
        kind: mailing.kind.into(),
        org_id: mailing.org_id.map(str::to_string),
        event_id: mailing.event_id,
        revision: mailing.revision,
        message_id: composed.message_id,
        envelope_from: composed.envelope_from.to_string(),
        recipients: composed.recipients.iter().map(|a| a.to_string()).collect(),
        subject: composed.subject,
        lang: Some(lang.code().into()),
        body: composed.bytes,
        not_before: mailing.not_before,
    })
}

#[cfg(test)]
mod tests {
    use super::greeting_name;

    #[test]
    fn a_greeting_uses_the_first_name_when_the_name_says_which_it_is() {
        assert_eq!(greeting_name("Kari Nordmann"), "Kari");
        assert_eq!(greeting_name("Anne-Grete Olsen"), "Anne-Grete");
        assert_eq!(greeting_name("Bjørn Ås"), "Bjørn");
        // A double first name and a middle name look alike: the whole name.
        assert_eq!(greeting_name("Tom Arne Nygaard"), "Tom Arne Nygaard");
        assert_eq!(greeting_name("Nordmann, Kari"), "Nordmann, Kari");
        assert_eq!(greeting_name("Dr. Nordmann"), "Dr. Nordmann");
        assert_eq!(greeting_name("Siri"), "Siri");
    }
}
