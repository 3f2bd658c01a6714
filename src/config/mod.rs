//! The consultation process as the coordinator describes it, read from TOML in two stages: the
//! raw file (`raw`), then a validated [`Config`] whose values are known to be usable. Every problem
//! is reported at once, each with its file, line and key.
//!
//! This file holds the checked types; `problems` collects what is wrong (and reads each section
//! leniently, so one bad key does not hide the next), `parse` checks the process, people,
//! meetings and organisations, `servers` the transport, IMAP, inbox and retry sections, and
//! `schedule` the reminders, report and poll.

mod parse;
mod problems;
pub mod raw;
pub mod schedule;
pub mod secret;
mod servers;
pub mod text;
pub mod units;
pub mod when;
pub mod words;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use lettre::Address;

use crate::templates::Templates;
pub use problems::{ConfigError, Problem};
use problems::{Ctx, Items, Section, Step};
pub use schedule::{PollConfig, Reminder, ReminderKind, ReportConfig, ScheduleConfig};
pub use secret::{Secret, SecretValue};
pub use text::Text;
pub use units::Rate;

/// A language samskap writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Norwegian bokmål.
    Nb,
    /// English.
    En,
}

impl Lang {
    /// The code used in config, templates and `Content-Language`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::En => "en",
        }
    }

    /// Reads "nb" or "en" (also "no" and "nn", which a coordinator may write for Norwegian).
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "nb" | "no" | "nn" | "nb-no" => Some(Lang::Nb),
            "en" | "en-gb" | "en-us" => Some(Lang::En),
            _ => None,
        }
    }
}

impl Text {
    fn from_raw(raw: raw::RawText) -> Text {
        let en = raw.en.unwrap_or_else(|| raw.nb.clone());
        Text { nb: raw.nb, en }
    }
}

/// The whole validated configuration.
pub struct Config {
    /// The file it was read from.
    pub path: PathBuf,
    /// A digest of the file's text: tells whether two processes read the same configuration
    /// (a command handing work to the daemon must see what the daemon sees).
    pub digest: String,
    pub process: Process,
    pub organiser: Organiser,
    pub coordinator: Person,
    pub signatory: Person,
    pub themes: Vec<Theme>,
    pub events: Vec<Event>,
    pub deadlines: Vec<Deadline>,
    pub replies: Replies,
    pub invitation: InvitationPlan,
    pub organisations: Vec<Organisation>,
    pub transport: Transport,
    pub imap: Option<ImapConfig>,
    pub inbox: InboxConfig,
    pub calendar: CalendarConfig,
    pub schedule: ScheduleConfig,
    pub retry: RetryPolicy,
    pub templates: Templates,
}

/// Calendar invitations (iMIP).
#[derive(Debug, Clone)]
pub struct CalendarConfig {
    /// Whether registered attendees get calendar invitations for meetings with a fixed time.
    pub invitations: bool,
    /// The addresses that are a shared mailbox (a registry's `postmottak@`, where every message
    /// is filed as a case document), not a person's: a calendar object never goes there. Each is
    /// an address, or one with `*` for its local part or its domain (`postmottak@*`). `None`:
    /// the organisations' own addresses.
    pub shared_mailboxes: Option<Vec<String>>,
}

impl Default for CalendarConfig {
    fn default() -> Self {
        CalendarConfig {
            invitations: true,
            shared_mailboxes: None,
        }
    }
}

/// How the inbox is read and what is trusted in it.
#[derive(Debug, Clone)]
pub struct InboxConfig {
    /// The IMAP folder replies arrive in.
    pub folder: String,
    /// Servers whose `Authentication-Results` headers count (the coordinator's own MX).
    pub trusted_authserv_ids: Vec<String>,
    /// Whether the `Authentication-Results` that the coordinator's Exchange Online tenant writes
    /// on arrival counts (it names no server, so it cannot be in `trusted_authserv_ids`).
    pub trust_exchange_online: bool,
    /// What a message with no `Authentication-Results` at all becomes, when servers are trusted.
    pub without_verdict: WithoutVerdict,
    /// The most people with an address one message may register; above it the whole message
    /// goes to review, so that no message can make samskap mail a crowd.
    pub people_per_message: usize,
    /// How many confirmations and first calendar invitations one organisation's messages may
    /// cause in a period; the rest wait (invitations) or are left out (confirmations).
    pub mail_per_organisation: Rate,
    /// A keyword set on each processed message; none leaves the mailbox untouched.
    pub processed_keyword: Option<String>,
    /// A folder each processed message is moved to; none leaves it where it is.
    pub move_to: Option<String>,
    /// How often to look for new mail when the server cannot push (IDLE).
    pub poll_interval: Duration,
    /// How long one IDLE lasts before it is renewed (servers drop it after 30 minutes).
    pub idle_timeout: Duration,
    /// Whether senders get a confirmation of what was recorded.
    pub confirmations: bool,
    /// A message bigger than this (bytes) is not read: it is recorded by its header and set
    /// aside for review, so that no mailbox can make samskap use more memory than it has.
    pub max_message_size: u64,
}

/// What a message that carries no `Authentication-Results` header at all becomes when servers
/// are trusted. A message from outside always carries the verdict of the server that received it
/// (it writes one on every message, and a sender cannot remove it); one without any verdict came
/// by another way: from inside the coordinator's own mail system (the ministries share theirs), or
/// past a server that writes none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithoutVerdict {
    /// Goes to review: nothing shows who sent it.
    Review,
    /// Is taken as from its From address (mail from inside the coordinator's own mail system).
    /// A verdict that fails, or one written only by a server that is not trusted, still goes to
    /// review.
    Accept,
}

impl Default for InboxConfig {
    fn default() -> Self {
        InboxConfig {
            folder: "INBOX".into(),
            trusted_authserv_ids: Vec::new(),
            trust_exchange_online: false,
            without_verdict: WithoutVerdict::Review,
            people_per_message: 20,
            mail_per_organisation: Rate::Limited {
                count: 50,
                per: Duration::from_secs(86_400),
            },
            processed_keyword: None,
            move_to: None,
            poll_interval: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(25 * 60),
            confirmations: true,
            max_message_size: 25_000_000,
        }
    }
}

/// What the process is.
#[derive(Debug, Clone)]
pub struct Process {
    /// Short stable id ("ogp5"): part of every idempotency key and Message-ID.
    pub id: String,
    pub name: Text,
    /// The case number of the letter ("22/4554-4").
    pub reference: Option<String>,
    /// The letter's date.
    pub date: Option<NaiveDate>,
    pub timezone: Tz,
}

/// Who runs the process.
#[derive(Debug, Clone)]
pub struct Organiser {
    pub name: Text,
    pub short: String,
    pub department: Option<Text>,
    pub postal_address: Option<String>,
    pub visiting_address: Option<String>,
    pub email: Option<Address>,
    pub phone: Option<String>,
    pub web: Option<String>,
}

/// The coordinator or the signatory.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub title: Option<Text>,
    pub email: Option<Address>,
    pub phone: Option<String>,
    /// Signed "e.f." (etter fullmakt).
    pub by_authority: bool,
}

/// A theme of the letter (a–g).
#[derive(Debug, Clone)]
pub struct Theme {
    pub id: String,
    pub text: Text,
}

/// A start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// When an event takes place: fixed, or still open with candidate slots.
#[derive(Debug, Clone)]
pub enum EventTime {
    Fixed(Slot),
    Open {
        /// In words, for letters ("i månedsskiftet august/september").
        when: Option<Text>,
        candidates: Vec<Slot>,
    },
}

/// A meeting of the process.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable id ("kickoff", "followup").
    pub id: String,
    /// Its title, as on a heading or a calendar entry ("Samskapingsmøte om handlingsplan 5").
    pub name: Text,
    /// The meeting as a word inside a sentence, indefinite ("samskapingsmøte", "co-creation
    /// meeting"); the name when the config gives none.
    pub short: Text,
    /// The same, definite ("samskapingsmøtet", "the co-creation meeting"); the name when the
    /// config gives none.
    pub definite: Text,
    pub time: EventTime,
    pub location: Option<Text>,
    /// How replies name it besides its name and date, lowercase.
    pub aliases: Vec<String>,
    /// Called off: calendar invitations are cancelled.
    pub cancelled: bool,
}

impl Event {
    /// When it is, in words, while its date is open ("i månedsskiftet august/september 2022").
    pub fn when_text(&self, lang: Lang) -> String {
        match &self.time {
            EventTime::Open { when: Some(w), .. } => w.get(lang).to_string(),
            _ => String::new(),
        }
    }

    /// The candidate slots of a meeting whose date is still open.
    pub fn candidates(&self) -> &[Slot] {
        match &self.time {
            EventTime::Open { candidates, .. } => candidates,
            EventTime::Fixed(_) => &[],
        }
    }

    /// The time, when it is fixed.
    pub fn slot(&self) -> Option<Slot> {
        match &self.time {
            EventTime::Fixed(slot) => Some(*slot),
            EventTime::Open { .. } => None,
        }
    }
}

/// What a deadline is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeadlineKind {
    /// Registration for an event.
    Registration { event: String },
    /// Appointing a contact person.
    ContactPerson,
}

/// A date by which something is owed.
#[derive(Debug, Clone)]
pub struct Deadline {
    pub id: String,
    pub kind: DeadlineKind,
    pub due: DateTime<Utc>,
}

/// Where replies go and how they are tied back to an organisation.
#[derive(Debug, Clone)]
pub struct Replies {
    /// The coordinator's address that replies reach.
    pub address: Address,
    /// Put the organisation's token in the Reply-To address (`local+ogp5-TOKEN@domain`).
    pub plus_token: bool,
    /// A tag with `{token}` added to every subject ("[OGP5:{token}]"), or none.
    pub subject_tag: Option<String>,
    /// Put the token in the envelope sender too, so bounces name the organisation.
    pub envelope_token: bool,
}

/// How and when the invitations go out.
#[derive(Debug, Clone)]
pub struct InvitationPlan {
    /// The event the invitation is for.
    pub event: String,
    /// Bumped only to send a new version to everyone.
    pub revision: u32,
    /// The daemon sends at this moment; without it, only `send invitations` sends.
    pub send_at: Option<DateTime<Utc>>,
    /// How late a daemon that was down may still do the scheduled send.
    pub send_grace: Duration,
    /// Organisations named under "Kopi" on the letter.
    pub letter_copy: Vec<String>,
}

/// The kind of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    Ministry,
    Ngo,
}

impl OrgKind {
    /// As stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Ministry => "ministry",
            OrgKind::Ngo => "ngo",
        }
    }

    /// The inverse of [`OrgKind::as_str`].
    pub fn parse(text: &str) -> Option<OrgKind> {
        match text {
            "ministry" => Some(OrgKind::Ministry),
            "ngo" => Some(OrgKind::Ngo),
            _ => None,
        }
    }
}

/// An invited organisation.
#[derive(Debug, Clone)]
pub struct Organisation {
    /// Stable id ("aid"; for NGOs that join later, their mail domain).
    pub id: String,
    pub kind: OrgKind,
    pub name: String,
    pub name_en: Option<String>,
    pub lang: Lang,
    /// The official address invitations go to.
    pub address: Address,
    /// Mail domains that belong to it: who may speak for it.
    pub domains: Vec<String>,
    pub postal_address: Option<String>,
}

impl Organisation {
    /// Its name in `lang`.
    pub fn name_in(&self, lang: Lang) -> &str {
        match (lang, &self.name_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.name,
        }
    }
}

/// How mail leaves.
// One per process, read once: the size of the SMTP variant costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Transport {
    /// Written to `DATA/outbox` as a Maildir: the default, needs no server.
    Maildir,
    Smtp(SmtpConfig),
}

/// Encryption of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS (submission, port 587; IMAP 143).
    StartTls,
    /// TLS from the first byte (port 465; IMAPS 993).
    Implicit,
    /// No encryption: only allowed to a server on this machine.
    None,
}

impl TlsMode {
    fn parse(text: &str) -> Option<TlsMode> {
        match text {
            "starttls" => Some(TlsMode::StartTls),
            "implicit" | "tls" => Some(TlsMode::Implicit),
            "none" => Some(TlsMode::None),
            _ => None,
        }
    }

    /// As written in config.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::StartTls => "starttls",
            TlsMode::Implicit => "implicit",
            TlsMode::None => "none",
        }
    }
}

/// How to prove who we are to a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMechanism {
    Plain,
    Login,
    /// OAuth 2 bearer token (Exchange Online, Gmail).
    XOAuth2,
}

/// Credentials for a server.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: String,
    pub mechanism: AuthMechanism,
    /// The password, or the OAuth token for XOAUTH2.
    pub secret: Secret,
    /// Where the secret's source is written, for a problem found only later (`check` finds the
    /// environment variable unset).
    pub place: Place,
}

/// A key of the config file and the line it is on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// As a path ("smtp.password").
    pub key: String,
    pub line: Option<usize>,
}

/// The SMTP submission server.
#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// An extra CA to trust besides the system's, for a private or test server.
    pub ca_file: Option<PathBuf>,
    pub auth: Option<Auth>,
    /// Connections kept open at once.
    pub connections: u32,
    pub rate: Rate,
    pub timeout: Duration,
    pub hello_name: Option<String>,
}

/// The coordinator's IMAP mailbox.
#[derive(Debug, Clone)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub ca_file: Option<PathBuf>,
    pub auth: Auth,
    /// The coordinator's Sent folder: where a copy of every sent message is, and where a
    /// message whose sending was interrupted is looked for before it is sent again. None: no
    /// copies, no looking.
    pub sent_folder: Option<String>,
    /// Who puts the copies there.
    pub sent_copies: SentCopies,
    pub timeout: Duration,
}

/// Who puts a copy of each sent message in the Sent folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SentCopies {
    /// samskap appends one over IMAP after sending (most servers).
    Samskap,
    /// The server files what is submitted over SMTP itself (Exchange Online does); samskap only
    /// looks there.
    Server,
}

/// When to try a failed send again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The first wait; each next one doubles.
    pub initial: Duration,
    /// The longest wait.
    pub max: Duration,
    /// After this long since the first try, a transient failure becomes final.
    pub give_up_after: Duration,
    /// How long `send invitations` itself keeps retrying before it leaves the rest to the daemon.
    pub wait_in_command: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            initial: Duration::from_secs(30),
            max: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(3 * 86_400),
            wait_in_command: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt number `attempts + 1`, given `attempts` failed ones.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(20));
        self.initial.saturating_mul(factor).min(self.max)
    }
}

/// Public webmail domains: an address there says nothing about which organisation it speaks for.
pub const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.no",
    "outlook.com",
    "live.com",
    "live.no",
    "msn.com",
    "yahoo.com",
    "yahoo.no",
    "icloud.com",
    "me.com",
    "online.no",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "aol.com",
];

impl Config {
    /// Reads and validates the configuration at `path`, compiling its templates.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let fail = |message: String| ConfigError {
            path: path.to_path_buf(),
            problems: vec![Problem {
                file: path.to_path_buf(),
                line: None,
                key: String::new(),
                message,
            }],
        };
        let source = std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read: {e}")))?;
        Config::from_source(path, &source)
    }

    /// Validates a configuration given as text; `path` locates relative paths and names the file.
    pub fn from_source(path: &Path, source: &str) -> Result<Config, ConfigError> {
        let mut cx = Ctx {
            file: path,
            source,
            line_starts: source.match_indices('\n').map(|(i, _)| i + 1).collect(),
            problems: Vec::new(),
            spans: None,
        };
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let result = parse::parse(&mut cx, &base);
        match result {
            Some(config) if cx.problems.is_empty() => Ok(config),
            _ => Err(ConfigError {
                path: path.to_path_buf(),
                problems: cx.problems,
            }),
        }
    }

    /// The event with `id`.
    pub fn event(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }

    /// The date poll's meeting and its candidate slots, if there is a poll.
    pub fn poll_candidates(&self) -> Option<(&str, &[Slot])> {
        let poll = self.schedule.poll.as_ref()?;
        let event = self.event(&poll.event)?;
        Some((&event.id, event.candidates()))
    }

    /// Whether `address` is a shared mailbox, where a calendar object must not go
    /// (`[calendar] shared_mailboxes`; by default, the organisations' own addresses).
    pub fn is_shared_mailbox(&self, address: &str) -> bool {
        let address = address.trim().to_lowercase();
        match &self.calendar.shared_mailboxes {
            None => self
                .organisations
                .iter()
                .any(|o| o.address.to_string().eq_ignore_ascii_case(&address)),
            Some(patterns) => patterns.iter().any(|p| mailbox_matches(p, &address)),
        }
    }

    /// The organisation with `id`.
    pub fn organisation(&self, id: &str) -> Option<&Organisation> {
        self.organisations.iter().find(|o| o.id == id)
    }

    /// The registration deadline for `event`, if one is set.
    pub fn registration_deadline(&self, event: &str) -> Option<&Deadline> {
        self.deadlines
            .iter()
            .find(|d| matches!(&d.kind, DeadlineKind::Registration { event: e } if e == event))
    }

    /// The deadline for appointing a contact person, if one is set.
    pub fn contact_deadline(&self) -> Option<&Deadline> {
        self.deadlines
            .iter()
            .find(|d| d.kind == DeadlineKind::ContactPerson)
    }

    /// The credentials the config refers to, each with where it is written, for `check`.
    pub fn secrets(&self) -> Vec<&Auth> {
        let mut secrets = Vec::new();
        if let Transport::Smtp(smtp) = &self.transport
            && let Some(auth) = &smtp.auth
        {
            secrets.push(auth);
        }
        if let Some(imap) = &self.imap {
            secrets.push(&imap.auth);
        }
        secrets
    }

    /// A problem with this config found after it was read, at `place`.
    pub fn problem_at(&self, place: &Place, message: impl Into<String>) -> Problem {
        Problem {
            file: self.path.clone(),
            line: place.line,
            key: place.key.clone(),
            message: message.into(),
        }
    }
}

/// Whether the lowercased `address` is the shared mailbox `pattern` (lowercased, checked).
fn mailbox_matches(pattern: &str, address: &str) -> bool {
    let (Some((p_local, p_domain)), Some((local, domain))) =
        (pattern.split_once('@'), address.rsplit_once('@'))
    else {
        return false;
    };
    (p_local == "*" || p_local == local) && (p_domain == "*" || p_domain == domain)
}

#[cfg(test)]
mod tests;
