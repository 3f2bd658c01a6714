//! The confirmation a sender gets after their reply changed the register: what was recorded, in
//! their language, so a misreading surfaces at once. Marked `Auto-Submitted: auto-replied`
//! (RFC 3834), threaded to their message, and never sent to automatic mail (the decide stage only
//! asks for it after a person's reply).

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::compose::{self, Letter};
use super::ident::{self, IdempotencyKey};
use super::invitation::{DraftError, message_id_domain, reply_to};
use crate::config::{Config, Lang};
use crate::register::NewMessage;

/// The outbox kind of a confirmation.
pub const KIND: &str = "confirmation";

#[derive(Serialize)]
struct Ctx<'a> {
    lang: Lang,
    process: Named<'a>,
    organiser: Named<'a>,
    coordinator: Person<'a>,
    org: Named<'a>,
    lines: &'a [String],
}

#[derive(Serialize)]
struct Named<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Person<'a> {
    name: &'a str,
    title: &'a str,
}

/// What a confirmation answers.
pub struct Answering<'a> {
    pub org_id: &'a str,
    pub org_name: &'a str,
    pub to: &'a str,
    pub lang: Lang,
    /// The Message-ID of the reply being confirmed.
    pub their_message_id: &'a str,
    pub lines: &'a [String],
}

/// Composes the confirmation of `answering`, dated `now`.
pub fn compose(
    config: &Config,
    secret: &[u8],
    answering: &Answering<'_>,
    now: DateTime<Utc>,
) -> Result<NewMessage, DraftError> {
    let lang = answering.lang;
    let hash = Sha256::digest(answering.their_message_id.as_bytes());
    let key = IdempotencyKey {
        process: config.process.id.clone(),
        kind: KIND.into(),
        org: answering.org_id.into(),
        event: data_encoding::HEXLOWER.encode(&hash[..6]),
        revision: 1,
    };
    let ctx = Ctx {
        lang,
        process: Named {
            name: config.process.name.get(lang),
        },
        organiser: Named {
            name: config.organiser.name.get(lang),
        },
        coordinator: Person {
            name: &config.coordinator.name,
            title: config
                .coordinator
                .title
                .as_ref()
                .map(|t| t.get(lang))
                .unwrap_or(""),
        },
        org: Named {
            name: answering.org_name,
        },
        lines: answering.lines,
    };
    let value = minijinja::Value::from(minijinja::value::Serde(&ctx));
    let render = |part: &str| {
        config
            .templates
            .render(&format!("confirmation.{}.{part}.j2", lang.code()), &value)
            .map_err(|source| DraftError::Template {
                org: answering.org_id.into(),
                source,
            })
    };
    let reply = reply_to(config, secret, answering.org_id);
    let mut subject = render("subject")?.trim().replace(['\r', '\n'], " ");
    if let Some(tag) = &reply.tag {
        subject = format!("{subject} {tag}");
    }
    let to: lettre::Address = answering.to.parse().map_err(|e| {
        DraftError::Compose(compose::ComposeError::new(
            answering.their_message_id,
            format!("bad address {:?}: {e}", answering.to),
        ))
    })?;
    let from = config
        .coordinator
        .email
        .clone()
        .unwrap_or_else(|| config.replies.address.clone());
    let their = format!("<{}>", answering.their_message_id);
    let letter = Letter {
        from: Mailbox::new(Some(config.coordinator.name.clone()), from.clone()),
        reply_to: Some(Mailbox::new(
            Some(config.coordinator.name.clone()),
            reply.address.clone(),
        )),
        to: vec![Mailbox::new(None, to)],
        subject,
        text: render("txt")?,
        html: None,
        lang,
        message_id: ident::message_id(secret, &key, &message_id_domain(config)),
        date: now,
        envelope_from: if config.replies.envelope_token && config.replies.plus_token {
            reply.address.clone()
        } else {
            from
        },
        headers: vec![
            ("Auto-Submitted".into(), "auto-replied".into()),
            ("In-Reply-To".into(), their.clone()),
            ("References".into(), their),
            (
                "X-Samskap-Ref".into(),
                format!("{}:{}", config.process.id, reply.token),
            ),
        ],
        calendar: None,
        attachments: Vec::new(),
    };
    let composed = compose::build(&letter)?;
    Ok(NewMessage {
        key: key.as_string(),
        kind: KIND.into(),
        org_id: Some(answering.org_id.into()),
        event_id: None,
        revision: 1,
        message_id: composed.message_id,
        envelope_from: composed.envelope_from.to_string(),
        recipients: composed.recipients.iter().map(|a| a.to_string()).collect(),
        subject: composed.subject,
        lang: Some(lang.code().into()),
        body: composed.bytes,
        not_before: now,
    })
}
