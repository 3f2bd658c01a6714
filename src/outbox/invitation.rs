//! The invitation: one personal letter to each organisation, rendered in its language, with the
//! token that brings its replies (and the NGOs it forwards to) back to it.

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;

use super::compose::{self, Composed, Letter};
use super::letter::{self, ReplyTo};
use crate::config::{Config, Lang, Organisation};
use crate::ident::{self, IdempotencyKey};
use crate::register::{NewMessage, OrgSync};
use crate::templates::TemplateError;

/// The outbox kind of an invitation.
pub const KIND: &str = crate::ident::kind::INVITATION;

/// An invitation ready for the outbox.
#[derive(Debug, Clone)]
pub struct Draft {
    pub org_id: String,
    pub lang: Lang,
    pub key: IdempotencyKey,
    pub token: String,
    pub composed: Composed,
}

/// An invitation that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("cannot render the invitation to {org}: {source}")]
    Template { org: String, source: TemplateError },
    #[error(transparent)]
    Compose(#[from] compose::ComposeError),
}

/// The idempotency key of the invitation to `org`.
pub fn key(config: &Config, org: &str) -> IdempotencyKey {
    IdempotencyKey {
        process: config.process.id.clone(),
        kind: KIND.into(),
        org: org.into(),
        event: config.invitation.event.clone(),
        revision: config.invitation.revision,
    }
}

/// The key of the invitation sent again to `address`, after the one before bounced there: one
/// per address, so that a second address change sends once more, and a restart never twice.
pub fn key_again(config: &Config, org: &str, address: &str) -> IdempotencyKey {
    IdempotencyKey {
        event: format!("{}-{}", config.invitation.event, ident::address_hash(address)),
        ..key(config, org)
    }
}

/// The domain Message-IDs are made in: the coordinator's.
pub fn message_id_domain(config: &Config) -> String {
    config.replies.address.domain().to_string()
}

/// The reply details for `org`: the token, the plus-address and the subject tag.
pub fn reply_to(config: &Config, secret: &[u8], org: &str) -> ReplyTo {
    let token = ident::org_token(secret, &config.process.id, org);
    let address = if config.replies.plus_token {
        ident::plus_address(&config.replies.address, &config.process.id, &token)
    } else {
        config.replies.address.clone()
    };
    let tag = config
        .replies
        .subject_tag
        .as_deref()
        .map(|t| ident::subject_tag(t, &token));
    ReplyTo { address, token, tag }
}

/// The organisations of the config as the register keeps them, each with its token.
pub fn org_sync(config: &Config, secret: &[u8]) -> Vec<OrgSync> {
    config
        .organisations
        .iter()
        .map(|o| OrgSync {
            id: o.id.clone(),
            kind: o.kind.as_str().into(),
            name: o.name.clone(),
            name_en: o.name_en.clone(),
            lang: o.lang.code().into(),
            address: o.address.to_string(),
            domains: o.domains.clone(),
            token: ident::org_token(secret, &config.process.id, &o.id),
        })
        .collect()
}

/// Renders the invitation to `org` in `lang`, dated `date`.
pub fn draft(
    config: &Config,
    org: &Organisation,
    secret: &[u8],
    lang: Lang,
    date: DateTime<Utc>,
) -> Result<Draft, DraftError> {
    draft_keyed(config, org, secret, lang, date, key(config, &org.id))
}

/// [`draft`] under `key` (the first invitation's, or [`key_again`]'s).
pub fn draft_keyed(
    config: &Config,
    org: &Organisation,
    secret: &[u8],
    lang: Lang,
    date: DateTime<Utc>,
    key: IdempotencyKey,
) -> Result<Draft, DraftError> {
    let reply = reply_to(config, secret, &org.id);
    let context = minijinja::Value::from(minijinja::value::Serde(letter::invitation_context(
        config, org, &reply, lang,
    )));
    let render = |part: &str| {
        config
            .templates
            .render(&format!("invitation.{}.{part}.j2", lang.code()), &context)
            .map_err(|source| DraftError::Template {
                org: org.id.clone(),
                source,
            })
    };
    let mut subject = render("subject")?.trim().replace(['\r', '\n'], " ");
    if let Some(tag) = &reply.tag {
        subject = format!("{subject} {tag}");
    }
    let text = render("txt")?;
    let html = render("html")?;
    let coordinator = &config.coordinator;
    let from_address = coordinator
        .email
        .clone()
        .unwrap_or_else(|| config.replies.address.clone());
    let envelope_from = if config.replies.envelope_token && config.replies.plus_token {
        reply.address.clone()
    } else {
        from_address.clone()
    };
    let letter = Letter {
        from: Mailbox::new(Some(coordinator.name.clone()), from_address),
        reply_to: Some(Mailbox::new(
            Some(coordinator.name.clone()),
            reply.address.clone(),
        )),
        to: vec![Mailbox::new(
            Some(org.name_in(lang).to_string()),
            org.address.clone(),
        )],
        subject,
        text,
        html: Some(html),
        lang,
        message_id: ident::message_id(secret, &key, &message_id_domain(config)),
        date,
        envelope_from,
        headers: vec![(
            "X-Samskap-Ref".into(),
            format!("{}:{}", config.process.id, reply.token),
        )],
        calendar: None,
        attachments: Vec::new(),
    };
    Ok(Draft {
        org_id: org.id.clone(),
        lang,
        key,
        token: reply.token,
        composed: compose::build(&letter)?,
    })
}

impl Draft {
    /// The outbox entry for this invitation, due at `not_before`.
    pub fn into_new_message(self, event: &str, not_before: DateTime<Utc>) -> NewMessage {
        NewMessage {
            key: self.key.as_string(),
            kind: KIND.into(),
            org_id: Some(self.org_id),
            event_id: Some(event.to_string()),
            revision: self.key.revision,
            message_id: self.composed.message_id,
            envelope_from: self.composed.envelope_from.to_string(),
            recipients: self.composed.recipients.iter().map(|a| a.to_string()).collect(),
            subject: self.composed.subject,
            lang: Some(self.lang.code().to_string()),
            body: self.composed.bytes,
            not_before,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SECRET: &[u8] = b"0123456789abcdef";

    fn config(extra: &str) -> Config {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
        let source = std::fs::read_to_string(&path).unwrap() + extra;
        Config::from_source(&path, &source).unwrap_or_else(|e| panic!("{e}"))
    }

    const NGO: &str = r#"
[[organisations]]
id = "redd-barna.no"
kind = "ngo"
name = "Redd Barna & <Save the Children>"
name_en = "Save the Children Norway"
address = "post@reddbarna.no"
domains = ["reddbarna.no"]
lang = "en"
"#;

    fn date() -> DateTime<Utc> {
        "2022-06-15T08:00:00Z".parse().unwrap()
    }

    fn parsed(draft: &Draft) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&draft.composed.bytes)
            .unwrap()
    }

    #[test]
    fn every_organisation_gets_a_personal_invitation_in_both_languages() {
        let config = config(NGO);
        for org in &config.organisations {
            for lang in [Lang::Nb, Lang::En] {
                let draft = draft(&config, org, SECRET, lang, date()).unwrap();
                let message = parsed(&draft);
                let tag = format!("[OGP5:{}]", draft.token);
                assert!(
                    message.subject().unwrap().ends_with(&tag),
                    "{:?}",
                    message.subject()
                );
                let reply_to = message
                    .reply_to()
                    .unwrap()
                    .first()
                    .unwrap()
                    .address()
                    .unwrap()
                    .to_string();
                assert_eq!(
                    reply_to,
                    format!("tom-arne.nygaard+ogp5-{}@kdd.dep.no", draft.token)
                );
                assert_eq!(
                    message.to().unwrap().first().unwrap().address(),
                    Some(org.address.to_string().as_str())
                );
                let text = message.body_text(0).unwrap();
                let html = message.body_html(0).unwrap();
                assert!(text.contains(org.name_in(lang)), "{} {lang:?}", org.id);
                let deadline = if lang == Lang::Nb {
                    "tirsdag 21. juni"
                } else {
                    "Tuesday 21 June"
                };
                assert!(
                    text.contains(deadline) && html.contains(deadline),
                    "{} {lang:?}",
                    org.id
                );
                assert_eq!(draft.composed.envelope_from.to_string(), reply_to);
            }
        }
    }

    #[test]
    fn ministries_get_the_part_to_forward_with_their_token_and_ngos_do_not() {
        let config = config(NGO);
        let ministry = draft(
            &config,
            config.organisation("kud").unwrap(),
            SECRET,
            Lang::Nb,
            date(),
        )
        .unwrap();
        let text = parsed(&ministry).body_text(0).unwrap().into_owned();
        let forward = text
            .rsplit("TIL VIDERESENDING")
            .next()
            .expect("a part to forward");
        assert!(forward.contains(&format!("tom-arne.nygaard+ogp5-{}@kdd.dep.no", ministry.token)));
        assert!(forward.contains(&format!("[OGP5:{}]", ministry.token)));
        assert!(forward.contains("Kultur- og likestillingsdepartementet"));
        assert!(text.contains("oppnevner en kontaktperson"));
        // The coordinator's own phone is in the letter, as the letter has it.
        assert!(text.contains("+47 22 24 49 71"));

        let ngo = draft(
            &config,
            config.organisation("redd-barna.no").unwrap(),
            SECRET,
            Lang::En,
            date(),
        )
        .unwrap();
        let text = parsed(&ngo).body_text(0).unwrap().into_owned();
        assert!(!text.contains("FOR FORWARDING"));
        assert!(!text.contains("appoint a contact person"));
        assert!(text.contains("invites the Save the Children Norway"));
    }

    #[test]
    fn names_are_escaped_in_html_and_plain_in_text() {
        let config = config(NGO);
        let ngo = draft(
            &config,
            config.organisation("redd-barna.no").unwrap(),
            SECRET,
            Lang::Nb,
            date(),
        )
        .unwrap();
        let message = parsed(&ngo);
        assert!(
            message
                .body_html(0)
                .unwrap()
                .contains("Redd Barna &amp; &lt;Save the Children&gt;")
        );
        assert!(
            message
                .body_text(0)
                .unwrap()
                .contains("Redd Barna & <Save the Children>")
        );
    }

    #[test]
    fn the_footer_claims_no_electronic_signature_and_keeps_a_phone_number_on_one_line() {
        let config = config(NGO);
        for lang in [Lang::Nb, Lang::En] {
            let ngo = draft(
                &config,
                config.organisation("redd-barna.no").unwrap(),
                SECRET,
                lang,
                date(),
            )
            .unwrap();
            let html = parsed(&ngo).body_html(0).unwrap().to_string();
            assert!(
                !html.contains("signert") && !html.contains("signed electronically"),
                "{lang:?}"
            );
            assert!(html.contains("<span style=\"white-space:nowrap;\">"), "{lang:?}");
        }
    }

    #[test]
    fn the_same_invitation_renders_to_the_same_bytes() {
        let config = config("");
        let org = config.organisation("aid").unwrap();
        let a = draft(&config, org, SECRET, Lang::Nb, date()).unwrap();
        let b = draft(&config, org, SECRET, Lang::Nb, date()).unwrap();
        assert_eq!(a.composed.bytes, b.composed.bytes);
        assert!(
            a.composed
                .message_id
                .starts_with("ogp5.invitation.aid.kickoff.r1.")
        );
    }

    #[test]
    fn without_plus_addressing_replies_go_to_the_plain_address_and_the_tag_remains() {
        let mut config = config("");
        config.replies.plus_token = false;
        let org = config.organisation("aid").unwrap();
        let d = draft(&config, org, SECRET, Lang::Nb, date()).unwrap();
        let message = parsed(&d);
        assert_eq!(
            message.reply_to().unwrap().first().unwrap().address(),
            Some("tom-arne.nygaard@kdd.dep.no")
        );
        assert!(message.subject().unwrap().contains(&d.token));
    }
}
