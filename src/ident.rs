//! Identities of outgoing mail: the per-organisation token that replies bring back, the idempotency
//! key written before a message is sent, and the Message-ID derived from it.
//!
//! All are deterministic given the register's secret, so a message rendered twice (after a crash,
//! say) is the same message.

use sha2::{Digest, Sha256};

/// The kinds of outgoing mail, as the outbox and the idempotency keys name them.
pub mod kind {
    pub const INVITATION: &str = "invitation";
    pub const CONFIRMATION: &str = "confirmation";
    pub const REMINDER: &str = "reminder";
    pub const POLL: &str = "poll";
    pub const POLL_RESULT: &str = "poll-result";
    pub const CALENDAR: &str = "calendar";
    pub const REPORT: &str = "report";
}

/// What an outgoing message is, as a key no two different messages share: (process, kind,
/// organisation, event, revision).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey {
    pub process: String,
    pub kind: String,
    pub org: String,
    pub event: String,
    pub revision: u32,
}

impl IdempotencyKey {
    /// The key as stored: `ogp5/invitation/aid/kickoff/r1`.
    pub fn as_string(&self) -> String {
        format!(
            "{}/{}/{}/{}/r{}",
            self.process, self.kind, self.org, self.event, self.revision
        )
    }
}

fn digest(secret: &[u8], purpose: &str, text: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"samskap\0");
    hasher.update(purpose.as_bytes());
    hasher.update(b"\0");
    hasher.update(secret);
    hasher.update(b"\0");
    hasher.update(text.as_bytes());
    hasher.finalize().into()
}

fn base32(bytes: &[u8], len: usize) -> String {
    let mut text = data_encoding::BASE32_NOPAD.encode(bytes).to_ascii_lowercase();
    text.truncate(len);
    text
}

/// The organisation's token: 8 characters of base32 (40 bits), unguessable without the register's
/// secret, in lowercase so it survives plus-addressing and case-folding mail systems.
pub fn org_token(secret: &[u8], process: &str, org: &str) -> String {
    base32(&digest(secret, "token", &format!("{process}\0{org}")), 8)
}

/// The Message-ID for a key: readable, and unique across installations through the hash.
/// Returned without angle brackets, as lettre wants it.
pub fn message_id(secret: &[u8], key: &IdempotencyKey, domain: &str) -> String {
    let hash = base32(&digest(secret, "message-id", &key.as_string()), 10);
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    format!(
        "{}.{}.{}.{}.r{}.{}@{}",
        clean(&key.process),
        clean(&key.kind),
        clean(&key.org),
        clean(&key.event),
        key.revision,
        hash,
        domain
    )
}

/// The event part of the key of a calendar object: the meeting, the person (a digest of their
/// address, which the key should not spell out) and the how-manieth object they get for it.
pub fn calendar_key_event(event: &str, address: &str, round: u32) -> String {
    let hash = Sha256::digest(address.as_bytes());
    format!("{event}-{}-{round}", data_encoding::HEXLOWER.encode(&hash[..4]))
}

/// Whether a key (as stored) is of mail that incoming mail causes and that goes to someone new: a
/// confirmation, or a person's first calendar object for a meeting.
pub fn is_caused_by_mail(key: &str) -> bool {
    let parts: Vec<&str> = key.split('/').collect();
    match parts.as_slice() {
        [_, "confirmation", ..] => true,
        [_, "calendar", .., event, _revision] => event.ends_with("-1"),
        _ => false,
    }
}

/// `local+process-token@domain`: the plus-address that carries the token back in a reply.
pub fn plus_address(address: &lettre::Address, process: &str, token: &str) -> lettre::Address {
    let local = format!("{}+{}-{}", address.user(), process, token);
    // The parts come from a valid address and a token of [a-z2-7], so this cannot fail; fall back
    // to the plain address if it ever did.
    lettre::Address::new(local, address.domain()).unwrap_or_else(|_| address.clone())
}

/// The subject tag with the token filled in.
pub fn subject_tag(template: &str, token: &str) -> String {
    template.replace("{token}", token)
}

/// A short stable hash of an address, for keys.
pub fn address_hash(address: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(address.to_lowercase().as_bytes())[..4])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(org: &str, revision: u32) -> IdempotencyKey {
        IdempotencyKey {
            process: "ogp5".into(),
            kind: "invitation".into(),
            org: org.into(),
            event: "kickoff".into(),
            revision,
        }
    }

    #[test]
    fn tokens_are_stable_short_and_distinct() {
        let secret = b"0123456789abcdef";
        let aid = org_token(secret, "ogp5", "aid");
        assert_eq!(aid, org_token(secret, "ogp5", "aid"));
        assert_eq!(aid.len(), 8);
        assert!(
            aid.chars()
                .all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c))
        );
        assert_ne!(aid, org_token(secret, "ogp5", "bfd"));
        assert_ne!(aid, org_token(b"another-secret!!", "ogp5", "aid"));
    }

    #[test]
    fn message_ids_follow_the_key() {
        let secret = b"0123456789abcdef";
        let first = message_id(secret, &key("aid", 1), "kdd.dep.no");
        assert!(first.starts_with("ogp5.invitation.aid.kickoff.r1."), "{first}");
        assert!(first.ends_with("@kdd.dep.no"));
        assert_eq!(first, message_id(secret, &key("aid", 1), "kdd.dep.no"));
        assert_ne!(first, message_id(secret, &key("aid", 2), "kdd.dep.no"));
        // An NGO known by its address keeps a valid left-hand side.
        let ngo = message_id(secret, &key("someone@gmail.com", 1), "kdd.dep.no");
        assert_eq!(ngo.matches('@').count(), 1, "{ngo}");
    }

    #[test]
    fn mail_caused_by_mail_is_a_confirmation_or_a_first_calendar_object() {
        let calendar = |round| IdempotencyKey {
            process: "ogp5".into(),
            kind: "calendar".into(),
            org: "aid".into(),
            event: calendar_key_event("kickoff", "lise.berg@aid.dep.no", round),
            revision: 3,
        };
        assert!(is_caused_by_mail(&calendar(1).as_string()));
        assert!(!is_caused_by_mail(&calendar(2).as_string()));
        assert!(!is_caused_by_mail(&calendar(11).as_string()));
        assert!(is_caused_by_mail("ogp5/confirmation/aid/0a1b2c/r1"));
        assert!(!is_caused_by_mail(&key("aid", 1).as_string()));
        assert!(!is_caused_by_mail("ogp5/reminder/aid/contact-1/r1"));
    }

    #[test]
    fn the_plus_address_carries_process_and_token() {
        let address: lettre::Address = "tom-arne.nygaard@kdd.dep.no".parse().unwrap();
        assert_eq!(
            plus_address(&address, "ogp5", "abcd2345").to_string(),
            "tom-arne.nygaard+ogp5-abcd2345@kdd.dep.no"
        );
        assert_eq!(subject_tag("[OGP5:{token}]", "abcd2345"), "[OGP5:abcd2345]");
    }
}
