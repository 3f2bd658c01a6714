//! The consultation process as the coordinator describes it, read from TOML in two stages: the
//! raw file (`raw`), then a validated [`Config`] whose values are known to be usable. Every problem
//! is reported at once, each with its file, line and key.

pub mod raw;
pub mod schedule;
pub mod secret;
pub mod text;
pub mod units;
pub mod when;
pub mod words;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use lettre::Address;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::templates::Templates;
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

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// The key, as a path ("organisations[3] (kud).address").
    pub key: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything wrong with a configuration.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ConfigError {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{} has {n} problem{}:",
            self.path.display(),
            if n == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

/// Collects problems while the config is read.
struct Ctx<'a> {
    file: &'a Path,
    source: &'a str,
    /// Where each line after the first starts, to turn offsets into line numbers quickly.
    line_starts: Vec<usize>,
    problems: Vec<Problem>,
    /// The file with the span of every key, to give an unknown key its own line: read on first
    /// need (`None` inside when the file cannot be read that way).
    spans: Option<Option<toml::de::DeTable<'a>>>,
}

impl<'a> Ctx<'a> {
    fn problem(&mut self, line: Option<usize>, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.to_path_buf(),
            line,
            key: key.into(),
            message: message.into(),
        });
    }

    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|start| *start <= offset) + 1
    }

    /// One section read in stage 1; a failure becomes a problem and `None`.
    fn item<T: DeserializeOwned>(
        &mut self,
        spanned: toml::Spanned<Lenient<T>>,
        key: &str,
    ) -> Option<(T, usize)> {
        self.item_at(spanned, key, &[Step::Key(key.to_string())])
    }

    /// One section or array item read in stage 1, found at `at` in the file. A failure becomes a
    /// problem and `None`; each unknown key becomes a problem of its own, on its own line, and the
    /// item is kept, so that what refers to it is not reported as broken too.
    fn item_at<T: DeserializeOwned>(
        &mut self,
        spanned: toml::Spanned<Lenient<T>>,
        key: &str,
        at: &[Step],
    ) -> Option<(T, usize)> {
        let line = self.line_of(spanned.span().start);
        let (read, unknown) = match spanned.into_inner() {
            Lenient::Read { value, unknown, .. } => (Ok(value), unknown),
            Lenient::Bad { message, unknown, .. } => (Err(message), unknown),
        };
        let mut meant = Vec::new();
        for path in unknown {
            let mut full = at.to_vec();
            full.extend(path.iter().cloned());
            let key_line = self.line_of_key(&full).unwrap_or(line);
            let (message, near) = unknown_key_message::<T>(&path);
            meant.extend(near);
            self.problem(Some(key_line), format!("{key}.{}", path_text(&path)), message);
        }
        match read {
            Ok(value) => Some((value, line)),
            Err(message) => {
                // "missing field `address`" says nothing new after "unknown key `adress` (did
                // you mean `address`?)".
                let said = meant
                    .iter()
                    .any(|near| message == format!("missing field `{near}`"));
                if !said {
                    self.problem(Some(line), key, message);
                }
                None
            }
        }
    }

    /// The line of the key at `path` (or of the array item, for an index), read from the file's
    /// own spans; parsed once, and only when an unknown key needs it.
    fn line_of_key(&mut self, path: &[Step]) -> Option<usize> {
        if self.spans.is_none() {
            self.spans = Some(
                toml::de::DeTable::parse(self.source)
                    .ok()
                    .map(toml::Spanned::into_inner),
            );
        }
        let mut table = self.spans.as_ref()?.as_ref()?;
        let mut array: Option<&[toml::Spanned<toml::de::DeValue<'_>>]> = None;
        let mut found = None;
        for step in path {
            let value = match step {
                Step::Key(k) => {
                    let (name, value) = table.iter().find(|(name, _)| name.get_ref() == k)?;
                    found = Some(name.span().start);
                    value
                }
                Step::Index(i) => {
                    let value = array?.get(*i)?;
                    found = Some(value.span().start);
                    value
                }
            };
            match value.get_ref() {
                toml::de::DeValue::Table(t) => {
                    table = t;
                    array = None;
                }
                toml::de::DeValue::Array(a) => array = Some(a),
                _ => array = None,
            }
        }
        found.map(|offset| self.line_of(offset))
    }
    fn address(&mut self, line: usize, key: &str, text: &str) -> Option<Address> {
        match text.trim().parse::<Address>() {
            Ok(address) => Some(address),
            Err(e) => {
                self.problem(
                    Some(line),
                    key,
                    format!("{text:?} is not an e-mail address ({e})"),
                );
                None
            }
        }
    }

    fn duration(&mut self, line: usize, key: &str, text: Option<&str>, default: Duration) -> Duration {
        match text.map(units::parse_duration) {
            None => default,
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                self.problem(Some(line), key, e);
                default
            }
        }
    }
}

/// One section or array item, read on its own: a failure is kept as its message instead of
/// failing the whole file, so that every bad item is reported. The TOML value of an item lives
/// only while that item is read, which keeps a config of thousands of organisations small.
enum Lenient<T> {
    Read {
        value: T,
        /// The item's `id`, to name it in the problems of its unknown keys.
        id: Option<String>,
        /// Keys the raw struct does not know, each as its path inside the item: reported, and
        /// the rest of the item read as usual.
        unknown: Vec<Vec<Step>>,
    },
    Bad {
        /// The item's `id`, to name it in the problem.
        id: Option<String>,
        message: String,
        /// Unknown keys met before the failure: often the cause ("adress" for "address").
        unknown: Vec<Vec<Step>>,
    },
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        let id = value.get("id").and_then(|v| v.as_str()).map(str::to_string);
        let mut unknown = Vec::new();
        let read = serde_ignored::deserialize(value, |path| unknown.push(steps(&path)));
        Ok(match read {
            Ok(value) => Lenient::Read { value, id, unknown },
            Err(e) => Lenient::Bad {
                id,
                message: e.message().trim().to_string(),
                unknown,
            },
        })
    }
}

impl<T> Lenient<T> {
    fn id(&self) -> Option<&str> {
        match self {
            Lenient::Read { id, .. } | Lenient::Bad { id, .. } => id.as_deref(),
        }
    }
}

/// One step of a key's path in the file: a table's key or an array's index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A path as serde_ignored gives it, as steps (the `Option` and newtype layers are no keys).
fn steps(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    let mut out = Vec::new();
    let mut at = path;
    loop {
        match at {
            serde_ignored::Path::Root => break,
            serde_ignored::Path::Seq { parent, index } => {
                out.push(Step::Index(*index));
                at = parent;
            }
            serde_ignored::Path::Map { parent, key } => {
                out.push(Step::Key(key.clone()));
                at = parent;
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => at = parent,
        }
    }
    out.reverse();
    out
}

/// A path as the coordinator writes it: `name.fr`, `candidates[1].room`.
fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// What to say about an unknown key: that it is not read, the known key it most likely meant,
/// and, for a key of the item itself, every key that is known there; and that likely key.
fn unknown_key_message<T: DeserializeOwned>(path: &[Step]) -> (String, Option<&'static str>) {
    let name = match path.last() {
        Some(Step::Key(k)) => k.as_str(),
        _ => "",
    };
    let mut message = format!("unknown key `{name}`: samskap does not read it");
    let mut meant = None;
    if path.len() == 1 {
        let known = fields_of::<T>();
        meant = known
            .iter()
            .copied()
            .filter(|k| edit_distance(k, name) <= 2)
            .min_by_key(|k| edit_distance(k, name));
        if let Some(near) = meant {
            message.push_str(&format!(" (did you mean `{near}`?)"));
        }
        if !known.is_empty() {
            message.push_str(&format!("; known here: {}", known.join(", ")));
        }
    }
    (message, meant)
}

/// The field names of the struct `T` deserializes into, as its derive hands them to a
/// deserializer (empty when `T` is not a struct): so the list of known keys is the struct itself.
fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{Error as _, Visitor};
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(Self::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(Self::Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

type Section<T> = Option<toml::Spanned<Lenient<T>>>;
type Items<T> = Option<Vec<toml::Spanned<Lenient<T>>>>;

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

fn is_local_host(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]")
}

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
        let result = parse(&mut cx, &base);
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

fn parse(cx: &mut Ctx<'_>, base: &Path) -> Option<Config> {
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

/// Whether the lowercased `address` is the shared mailbox `pattern` (lowercased, checked).
fn mailbox_matches(pattern: &str, address: &str) -> bool {
    let (Some((p_local, p_domain)), Some((local, domain))) =
        (pattern.split_once('@'), address.rsplit_once('@'))
    else {
        return false;
    };
    (p_local == "*" || p_local == local) && (p_domain == "*" || p_domain == domain)
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

fn validate_tls(
    cx: &mut Ctx<'_>,
    line: usize,
    key: &str,
    tls: Option<&str>,
    host: &str,
    default: TlsMode,
) -> TlsMode {
    let mode = match tls {
        None => default,
        Some(text) => TlsMode::parse(text).unwrap_or_else(|| {
            cx.problem(
                Some(line),
                format!("{key}.tls"),
                format!("{text:?} is not \"starttls\", \"implicit\" or \"none\""),
            );
            default
        }),
    };
    if mode == TlsMode::None && !is_local_host(host) {
        cx.problem(
            Some(line),
            format!("{key}.tls"),
            format!(
                "\"none\" would send the password in clear text to {host}; it is only allowed to this machine"
            ),
        );
    }
    mode
}

fn validate_ca(cx: &mut Ctx<'_>, line: usize, key: &str, ca: Option<&str>, base: &Path) -> Option<PathBuf> {
    let path = base.join(ca?);
    if !path.is_file() {
        cx.problem(
            Some(line),
            format!("{key}.ca_file"),
            format!("{} is not a readable file", path.display()),
        );
    }
    Some(path)
}

#[allow(clippy::too_many_arguments)]
fn validate_auth(
    cx: &mut Ctx<'_>,
    line: usize,
    key: &str,
    mechanism: Option<&str>,
    user: Option<&str>,
    password: Option<&toml::Value>,
    token: Option<&toml::Value>,
    base: &Path,
) -> Option<Auth> {
    let mechanism = match mechanism {
        None if token.is_some() => AuthMechanism::XOAuth2,
        None | Some("plain") => AuthMechanism::Plain,
        Some("login") => AuthMechanism::Login,
        Some("xoauth2") => AuthMechanism::XOAuth2,
        Some(other) => {
            cx.problem(
                Some(line),
                format!("{key}.auth"),
                format!("{other:?} is not \"plain\", \"login\" or \"xoauth2\""),
            );
            return None;
        }
    };
    let user = match user {
        Some(u) if !u.is_empty() => u.to_string(),
        _ => {
            if password.is_some() || token.is_some() {
                cx.problem(
                    Some(line),
                    format!("{key}.user"),
                    "a user name is needed with a password or token",
                );
            }
            return None;
        }
    };
    let (secret_key, value) = match mechanism {
        AuthMechanism::XOAuth2 => ("oauth2_token", token),
        _ => ("password", password),
    };
    let Some(value) = value else {
        cx.problem(
            Some(line),
            format!("{key}.{secret_key}"),
            format!("{secret_key} is needed to log in as {user}"),
        );
        return None;
    };
    let secret_line = cx
        .line_of_key(&[Step::Key(key.to_string()), Step::Key(secret_key.to_string())])
        .unwrap_or(line);
    match Secret::from_value(value, base) {
        Ok(secret) => Some(Auth {
            user,
            mechanism,
            secret,
            place: Place {
                key: format!("{key}.{secret_key}"),
                line: Some(secret_line),
            },
        }),
        Err(e) => {
            cx.problem(Some(secret_line), format!("{key}.{secret_key}"), e);
            None
        }
    }
}

fn validate_transport(
    cx: &mut Ctx<'_>,
    transport: Option<(raw::RawTransport, usize)>,
    smtp: Option<(raw::RawSmtp, usize)>,
    base: &Path,
) -> Option<Transport> {
    let kind = transport
        .as_ref()
        .map(|(t, _)| t.kind.as_str())
        .unwrap_or("maildir");
    let line = transport.as_ref().map(|(_, l)| *l);
    match kind {
        "maildir" => Some(Transport::Maildir),
        "smtp" => {
            let Some((s, line)) = smtp else {
                cx.problem(
                    line,
                    "smtp",
                    "transport.kind is \"smtp\" but the [smtp] section is missing",
                );
                return None;
            };
            let tls = validate_tls(cx, line, "smtp", s.tls.as_deref(), &s.host, TlsMode::StartTls);
            let port = s.port.unwrap_or(match tls {
                TlsMode::StartTls => 587,
                TlsMode::Implicit => 465,
                TlsMode::None => 25,
            });
            let ca_file = validate_ca(cx, line, "smtp", s.ca_file.as_deref(), base);
            let auth = validate_auth(
                cx,
                line,
                "smtp",
                s.auth.as_deref(),
                s.user.as_deref(),
                s.password.as_ref(),
                s.oauth2_token.as_ref(),
                base,
            );
            let connections = s.connections.unwrap_or(2);
            if connections == 0 || connections > 64 {
                cx.problem(Some(line), "smtp.connections", "must be between 1 and 64");
            }
            // Exchange Online takes 30 messages a minute per mailbox; the default stays under it.
            let rate = match s.rate.as_deref().map(units::parse_rate) {
                None => Rate::Limited {
                    count: 20,
                    per: Duration::from_secs(60),
                },
                Some(Ok(r)) => r,
                Some(Err(e)) => {
                    cx.problem(Some(line), "smtp.rate", e);
                    Rate::Unlimited
                }
            };
            let timeout = cx.duration(
                line,
                "smtp.timeout",
                s.timeout.as_deref(),
                Duration::from_secs(60),
            );
            if s.host.trim().is_empty() {
                cx.problem(Some(line), "smtp.host", "a host name is needed");
            }
            Some(Transport::Smtp(SmtpConfig {
                host: s.host,
                port,
                tls,
                ca_file,
                auth,
                connections: connections.clamp(1, 64),
                rate,
                timeout,
                hello_name: s.hello_name,
            }))
        }
        other => {
            cx.problem(
                line,
                "transport.kind",
                format!("{other:?} is not \"maildir\" or \"smtp\""),
            );
            None
        }
    }
}

fn validate_imap(cx: &mut Ctx<'_>, i: raw::RawImap, line: usize, base: &Path) -> Option<ImapConfig> {
    let tls = validate_tls(cx, line, "imap", i.tls.as_deref(), &i.host, TlsMode::Implicit);
    let port = i.port.unwrap_or(match tls {
        TlsMode::Implicit => 993,
        _ => 143,
    });
    let ca_file = validate_ca(cx, line, "imap", i.ca_file.as_deref(), base);
    let timeout = cx.duration(
        line,
        "imap.timeout",
        i.timeout.as_deref(),
        Duration::from_secs(60),
    );
    let auth = validate_auth(
        cx,
        line,
        "imap",
        i.auth.as_deref(),
        Some(&i.user),
        i.password.as_ref(),
        i.oauth2_token.as_ref(),
        base,
    );
    if auth.is_none() && i.password.is_none() && i.oauth2_token.is_none() {
        cx.problem(
            Some(line),
            "imap.password",
            "a password or oauth2_token is needed to log in",
        );
    }
    let sent_copies = match i.sent_copies.as_deref() {
        None | Some("samskap") => SentCopies::Samskap,
        Some("server") => SentCopies::Server,
        Some(other) => {
            cx.problem(
                Some(line),
                "imap.sent_copies",
                format!("{other:?} is not a choice: \"samskap\" (samskap appends a copy) or \"server\" (the server files what is sent, as Exchange Online does)"),
            );
            SentCopies::Samskap
        }
    };
    Some(ImapConfig {
        host: i.host,
        port,
        tls,
        ca_file,
        auth: auth?,
        sent_folder: i.sent_folder.filter(|f| !f.is_empty()),
        sent_copies,
        timeout,
    })
}

fn validate_inbox(cx: &mut Ctx<'_>, i: raw::RawInbox, line: usize) -> InboxConfig {
    let d = InboxConfig::default();
    let poll_interval = cx.duration(
        line,
        "inbox.poll_interval",
        i.poll_interval.as_deref(),
        d.poll_interval,
    );
    let idle_timeout = cx.duration(
        line,
        "inbox.idle_timeout",
        i.idle_timeout.as_deref(),
        d.idle_timeout,
    );
    if idle_timeout > Duration::from_secs(29 * 60) {
        cx.problem(
            Some(line),
            "inbox.idle_timeout",
            "must be under 29 minutes: servers end IDLE after 30 (RFC 2177)",
        );
    }
    if poll_interval.is_zero() {
        cx.problem(Some(line), "inbox.poll_interval", "must be longer than zero");
    }
    if let (Some(_), Some(_)) = (&i.processed_keyword, &i.move_to) {
        cx.problem(
            Some(line),
            "inbox.move_to",
            "give processed_keyword or move_to, not both",
        );
    }
    if let Some(k) = &i.processed_keyword
        && (k.is_empty() || k.chars().any(|c| c.is_whitespace() || "(){%*\"\\]".contains(c)))
    {
        cx.problem(
            Some(line),
            "inbox.processed_keyword",
            format!("{k:?} is not an IMAP keyword (no spaces or brackets)"),
        );
    }
    if i.people_per_message == Some(0) {
        cx.problem(
            Some(line),
            "inbox.people_per_message",
            "must be at least 1 (a message naming one person with an address would go to review)",
        );
    }
    let mail_per_organisation = match i.mail_per_organisation.as_deref().map(units::parse_rate) {
        None => d.mail_per_organisation,
        Some(Ok(rate)) => rate,
        Some(Err(e)) => {
            cx.problem(Some(line), "inbox.mail_per_organisation", e);
            d.mail_per_organisation
        }
    };
    let max_message_size = match i.max_message_size.as_deref().map(units::parse_size) {
        None => d.max_message_size,
        Some(Ok(size)) if size >= 1024 => size,
        Some(Ok(_)) => {
            cx.problem(
                Some(line),
                "inbox.max_message_size",
                "must be at least 1 kB: every message would be set aside",
            );
            d.max_message_size
        }
        Some(Err(e)) => {
            cx.problem(Some(line), "inbox.max_message_size", e);
            d.max_message_size
        }
    };
    let without_verdict = match i.without_verdict.as_deref() {
        None | Some("review") => d.without_verdict,
        Some("accept") => WithoutVerdict::Accept,
        Some(other) => {
            cx.problem(
                Some(line),
                "inbox.without_verdict",
                format!(
                    "{other:?} is not a choice: \"review\" (a message with no Authentication-Results waits for a person) or \"accept\" (it is mail from inside the coordinator's own mail system)"
                ),
            );
            d.without_verdict
        }
    };
    InboxConfig {
        folder: i.folder.unwrap_or(d.folder),
        trusted_authserv_ids: i.trusted_authserv_ids.unwrap_or_default(),
        trust_exchange_online: i.trust_exchange_online.unwrap_or(d.trust_exchange_online),
        without_verdict,
        people_per_message: i.people_per_message.unwrap_or(d.people_per_message),
        mail_per_organisation,
        processed_keyword: i.processed_keyword,
        move_to: i.move_to,
        poll_interval,
        idle_timeout,
        confirmations: i.confirmations.unwrap_or(true),
        max_message_size,
    }
}

fn validate_retry(cx: &mut Ctx<'_>, r: raw::RawRetry, line: usize) -> RetryPolicy {
    let d = RetryPolicy::default();
    let policy = RetryPolicy {
        initial: cx.duration(line, "retry.initial", r.initial.as_deref(), d.initial),
        max: cx.duration(line, "retry.max", r.max.as_deref(), d.max),
        give_up_after: cx.duration(
            line,
            "retry.give_up_after",
            r.give_up_after.as_deref(),
            d.give_up_after,
        ),
        wait_in_command: cx.duration(
            line,
            "retry.wait_in_command",
            r.wait_in_command.as_deref(),
            d.wait_in_command,
        ),
    };
    if policy.max < policy.initial {
        cx.problem(Some(line), "retry.max", "must not be shorter than retry.initial");
    }
    policy
}

#[cfg(test)]
mod tests;
