//! The confirmation a sender gets after their reply changed the register: what was recorded, in
//! their language, so a misreading surfaces at once. Marked `Auto-Submitted: auto-replied`
//! (RFC 3834), threaded to their message, and never sent to automatic mail (the decide stage only
//! asks for it after a person's reply).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::invitation::DraftError;
use super::mailing::{self, Mailing, Named};
use crate::config::{Config, Lang};
use crate::register::NewMessage;

/// The outbox kind of a confirmation.
pub const KIND: &str = crate::ident::kind::CONFIRMATION;

#[derive(Serialize)]
struct Ctx<'a> {
    org: Named<'a>,
    lines: &'a [String],
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
    let hash = Sha256::digest(answering.their_message_id.as_bytes());
    let their = format!("<{}>", answering.their_message_id);
    mailing::compose(
        config,
        secret,
        Mailing {
            headers: vec![
                ("Auto-Submitted".into(), "auto-replied".into()),
                ("In-Reply-To".into(), their.clone()),
                ("References".into(), their),
            ],
            ..Mailing::plain(
                KIND,
                Some(answering.org_id),
                data_encoding::HEXLOWER.encode(&hash[..6]),
                None,
                mailing::recipient(None, answering.to)?,
                answering.lang,
                now,
            )
        },
        &Ctx {
            org: Named {
                name: answering.org_name,
            },
            lines: answering.lines,
        },
        now,
    )
}
