//! The configuration as written: serde structs that mirror the TOML file, nothing checked yet.
//!
//! A misspelt key is an error, not a silent default, but it does not make its item unreadable:
//! the structs accept unknown keys and `config::Lenient` collects each one (with serde_ignored)
//! and reports it with its line, so an event with one stray key is still known to the deadlines
//! and reminders that name it. Each section and each array item is deserialized on its own (see
//! `config::load`), so one bad item does not hide the problems of the others. A secret's source
//! (`RawSecret`) is read apart, from a value, and still refuses unknown keys outright.

use serde::Deserialize;

/// A text in Norwegian bokmål, and in English where the process needs both.
#[derive(Debug, Clone, Deserialize)]
pub struct RawText {
    pub nb: String,
    pub en: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawProcess {
    pub id: String,
    pub name: RawText,
    pub reference: Option<String>,
    pub date: Option<String>,
    pub timezone: Option<String>,
    pub templates: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawOrganiser {
    pub name: RawText,
    pub short: String,
    pub department: Option<RawText>,
    pub postal_address: Option<String>,
    pub visiting_address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub web: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawPerson {
    pub name: String,
    pub title: Option<RawText>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Only for the signatory: signed "e.f." (etter fullmakt), by authority.
    pub by_authority: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct RawTheme {
    pub id: String,
    pub nb: String,
    pub en: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawSlot {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Deserialize)]
pub struct RawEvent {
    pub id: String,
    pub name: RawText,
    /// The meeting as a word inside a sentence, indefinite ("samskapingsmøte").
    pub short: Option<RawText>,
    /// The same, definite ("samskapingsmøtet", "the co-creation meeting").
    pub definite: Option<RawText>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Said in words while the date is open ("i månedsskiftet august/september").
    pub when: Option<RawText>,
    pub candidates: Option<Vec<RawSlot>>,
    pub location: Option<RawText>,
    /// How replies name it besides its name and date ("oppfølgingsmøtet").
    pub aliases: Option<Vec<String>>,
    /// Called off: everyone invited by calendar gets a cancellation.
    pub cancelled: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct RawDeadline {
    pub id: String,
    pub what: String,
    pub event: Option<String>,
    pub due: String,
}

#[derive(Debug, Deserialize)]
pub struct RawReplies {
    pub address: Option<String>,
    pub plus_token: Option<bool>,
    pub subject_tag: Option<String>,
    pub envelope_token: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct RawInvitation {
    pub event: String,
    pub revision: Option<u32>,
    pub send_at: Option<String>,
    pub send_grace: Option<String>,
    pub letter_copy: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct RawOrganisation {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub name_en: Option<String>,
    pub lang: Option<String>,
    pub address: String,
    pub domains: Option<Vec<String>>,
    pub postal_address: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawTransport {
    pub kind: String,
}

#[derive(Debug, Deserialize)]
pub struct RawSmtp {
    pub host: String,
    pub port: Option<u16>,
    pub tls: Option<String>,
    pub ca_file: Option<String>,
    pub auth: Option<String>,
    pub user: Option<String>,
    pub password: Option<toml::Value>,
    pub oauth2_token: Option<toml::Value>,
    pub connections: Option<u32>,
    pub rate: Option<String>,
    pub timeout: Option<String>,
    pub hello_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawImap {
    pub host: String,
    pub port: Option<u16>,
    pub tls: Option<String>,
    pub ca_file: Option<String>,
    pub auth: Option<String>,
    pub user: String,
    pub password: Option<toml::Value>,
    pub oauth2_token: Option<toml::Value>,
    pub sent_folder: Option<String>,
    pub sent_copies: Option<String>,
    pub timeout: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawRetry {
    pub initial: Option<String>,
    pub max: Option<String>,
    pub give_up_after: Option<String>,
    pub wait_in_command: Option<String>,
}

/// A secret's source as written: exactly one of the three.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSecret {
    pub env: Option<String>,
    pub file: Option<String>,
    pub command: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct RawInbox {
    pub folder: Option<String>,
    pub trusted_authserv_ids: Option<Vec<String>>,
    pub trust_exchange_online: Option<bool>,
    pub without_verdict: Option<String>,
    pub people_per_message: Option<usize>,
    pub mail_per_organisation: Option<String>,
    pub processed_keyword: Option<String>,
    pub move_to: Option<String>,
    pub poll_interval: Option<String>,
    pub idle_timeout: Option<String>,
    pub confirmations: Option<bool>,
    pub max_message_size: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RawCalendar {
    pub invitations: Option<bool>,
    pub shared_mailboxes: Option<Vec<String>>,
}
