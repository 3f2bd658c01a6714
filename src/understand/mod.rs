//! The understand stage: a message's bytes in, what it means out, with no I/O. Never panics on
//! hostile input: what cannot be read is reported as data.
//!
//! 1. Classify: delivery report ([`bounce`]), automatic reply ([`autoreply`]), calendar message
//!    ([`calendar`]), a notice nobody needs to act on, or a person's reply.
//! 2. For a reply, keep what the person wrote now ([`quote`]; HTML through [`html`]).
//! 3. Read the facts ([`reading`]: who comes, declines or withdraws, for which meeting, the
//!    contact person with [`phone`] numbers and [`dates`], each with the words it came from; the
//!    types in [`facts`]).
//! 4. Collect what attributes it to an organisation (tokens, In-Reply-To, References, sender) and
//!    what the receiving server said about its authenticity; deciding is the register's job.

pub mod authres;
pub mod autoreply;
pub mod bounce;
pub mod calendar;
pub mod clauses;
pub mod dates;
pub mod facts;
pub mod fingerprint;
pub mod html;
mod lexicon;
pub mod phone;
pub mod poll_answer;
pub mod quote;
pub mod reading;

use chrono::{DateTime, NaiveDate, Utc};
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

use lexicon::Lexicon;

use crate::config::Lang;
pub use authres::{AuthHeader, AuthResult};
pub use facts::{Facts, Sender};

/// What kind of message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum Class {
    /// Could not be parsed as mail at all.
    Unreadable {
        reason: String,
    },
    /// Our own message (a copy that came back in).
    Own,
    Bounce(bounce::Bounce),
    AutoReply(autoreply::AutoReply),
    Calendar(calendar::CalendarMessage),
    /// A person's reply, taken apart and read.
    Reply {
        split: quote::Split,
        facts: Facts,
    },
    /// Nothing to act on: read receipts, spam complaints, mailing lists.
    Notice {
        what: String,
    },
}

impl Class {
    /// The short name stored with the message.
    pub fn name(&self) -> &'static str {
        match self {
            Class::Unreadable { .. } => "unreadable",
            Class::Own => "own",
            Class::Bounce(_) => "bounce",
            Class::AutoReply(_) => "auto_reply",
            Class::Calendar(_) => "calendar",
            Class::Reply { .. } => "reply",
            Class::Notice { .. } => "notice",
        }
    }
}

/// Where a token was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// A recipient address: the reply went to that organisation's plus-address.
    Recipient,
    /// The subject tag.
    Subject,
    /// The text, usually a forwarded invitation quoted in it.
    Body,
}

/// What ties a message to an organisation or to one of our messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Refs {
    pub tokens: Vec<(String, TokenSource)>,
    /// Message-IDs from In-Reply-To and References.
    pub replied_to: Vec<String>,
    /// We are in its Cc and not in its To: it is written to others, we read along.
    pub copied_only: bool,
}

/// A message understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Understood {
    /// Its Message-ID, or a digest of its bytes when it has none.
    pub message_id: String,
    pub from: Option<Sender>,
    pub date: Option<DateTime<Utc>>,
    pub subject: String,
    pub lang: Lang,
    #[serde(flatten)]
    pub class: Class,
    pub refs: Refs,
    /// Its `Authentication-Results` headers, the topmost first.
    pub auth: Vec<AuthHeader>,
    /// Problems met while reading, kept as data.
    pub problems: Vec<String>,
    /// The names of the files attached (not a calendar object, a forwarded message or an image
    /// shown in the text): an answer may stand in one.
    pub attachments: Vec<String>,
}

/// What understanding needs to know about the process; built once from the config.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub reading: facts::Context,
    /// The process id in plus-addresses ("ogp5").
    pub process: String,
    /// The subject tag around the token: ("[OGP5:", "]").
    pub tag: Option<(String, String)>,
    /// Subjects we sent, lowercase, to tell a reply's own words from ours.
    pub our_subjects: Vec<String>,
}

impl Context {
    /// Builds the context from a validated config.
    pub fn from_config(config: &crate::config::Config) -> Context {
        let mut own_addresses = vec![config.replies.address.to_string().to_lowercase()];
        for a in [
            config.coordinator.email.as_ref(),
            config.organiser.email.as_ref(),
            config.signatory.email.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            own_addresses.push(a.to_string().to_lowercase());
        }
        let own_phones = [
            config.coordinator.phone.as_deref(),
            config.organiser.phone.as_deref(),
            config.signatory.phone.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter_map(phone::normalize)
        .collect();
        let mut org_words: Vec<String> = Vec::new();
        for o in &config.organisations {
            // The id is the acronym the organisation goes by ("AID", "KLD").
            org_words.push(o.id.to_lowercase());
            org_words.push(o.name.to_lowercase());
            if let Some(en) = &o.name_en {
                org_words.push(en.to_lowercase());
            }
        }
        org_words.push(config.organiser.name.nb.to_lowercase());
        org_words.push(config.organiser.name.en.to_lowercase());
        let tz = config.process.timezone;
        let events = config
            .events
            .iter()
            .map(|e| {
                let days = match &e.time {
                    crate::config::EventTime::Fixed(slot) => vec![slot.start.with_timezone(&tz).date_naive()],
                    crate::config::EventTime::Open { candidates, .. } => candidates
                        .iter()
                        .map(|c| c.start.with_timezone(&tz).date_naive())
                        .collect(),
                };
                let mut aliases: Vec<String> = e.aliases.iter().map(|a| a.to_lowercase()).collect();
                aliases.push(e.name.nb.to_lowercase());
                aliases.push(e.name.en.to_lowercase());
                facts::EventRef {
                    id: e.id.clone(),
                    aliases,
                    days,
                }
            })
            .collect();
        let tag = config.replies.subject_tag.as_deref().and_then(|t| {
            let (before, after) = t.split_once("{token}")?;
            Some((before.to_ascii_lowercase(), after.to_ascii_lowercase()))
        });
        let reply = &config.replies.address;
        let mut our_subjects = Vec::new();
        for lang in [Lang::Nb, Lang::En] {
            our_subjects.push(config.process.name.get(lang).to_lowercase());
        }
        Context {
            reading: facts::Context {
                events,
                default_event: config.invitation.event.clone(),
                own_addresses,
                reply_address: Some((reply.user().to_lowercase(), reply.domain().to_lowercase())),
                own_phones,
                own_names: [config.coordinator.name.clone(), config.signatory.name.clone()]
                    .into_iter()
                    .filter(|n| !n.is_empty())
                    .collect(),
                org_words,
            },
            process: config.process.id.to_lowercase(),
            tag,
            our_subjects,
        }
    }
}

fn digest_id(raw: &[u8]) -> String {
    let hash = Sha256::digest(raw);
    format!(
        "sha256-{}@samskap.invalid",
        data_encoding::HEXLOWER.encode(&hash[..16])
    )
}

fn sender(message: &Message<'_>) -> Option<Sender> {
    let address = message.from()?.first()?;
    Some(Sender {
        name: address
            .name()
            .map(|n| n.trim().trim_matches('"').to_string())
            .filter(|n| !n.is_empty() && !n.contains('@')),
        address: address.address()?.trim().to_ascii_lowercase(),
    })
}

/// The people of the Cc and To headers, with their names.
fn copied(message: &Message<'_>) -> Vec<Sender> {
    let mut out = Vec::new();
    for list in [message.cc(), message.to()].into_iter().flatten() {
        for a in list.iter() {
            if let Some(address) = a.address() {
                out.push(Sender {
                    name: a
                        .name()
                        .map(|n| n.trim().trim_matches('"').to_string())
                        .filter(|n| !n.is_empty() && !n.contains('@')),
                    address: address.trim().to_ascii_lowercase(),
                });
            }
        }
    }
    out
}

/// The person's own text: the first text/plain body, else the HTML one made text (quotes marked).
/// A table of people in the HTML that the plain text flattened to one cell a line (as Outlook
/// writes it) is read from the HTML, where its rows are still rows.
fn person_text(message: &Message<'_>) -> String {
    let mut text = None;
    let mut html = None;
    for id in message.text_body.iter().chain(message.html_body.iter()) {
        let Some(part) = message.parts.get(*id as usize) else {
            continue;
        };
        match &part.body {
            PartType::Text(t) if text.is_none() && !t.trim().is_empty() => {
                text = Some(head(t, PERSON_TEXT_LIMIT));
            }
            PartType::Html(h) if html.is_none() => html = Some(head(h, 4 * PERSON_TEXT_LIMIT)),
            _ => {}
        }
    }
    let from_html = |h: &str| head(&html::to_text(h), PERSON_TEXT_LIMIT).to_string();
    match (text, html) {
        (Some(t), Some(h)) if !t.contains('\t') && has_table(h) => {
            let rendered = from_html(h);
            if html::rows_with_an_address(&rendered) >= 2 {
                rendered
            } else {
                t.to_string()
            }
        }
        (Some(t), _) => t.to_string(),
        (None, Some(h)) => from_html(h),
        (None, None) => String::new(),
    }
}

/// Whether an HTML text holds a table (tags in any case).
fn has_table(html: &str) -> bool {
    html.as_bytes()
        .windows(6)
        .any(|w| w[0] == b'<' && w[1..].eq_ignore_ascii_case(b"table"))
}

/// How much of a message's text is read as what a person wrote: people write replies at the top,
/// and what goes on for more than this is a document or a log, not an answer to an invitation.
/// Bounds the work a hostile or giant message can cause.
const PERSON_TEXT_LIMIT: usize = 64 * 1024;

/// The first `limit` bytes of `text`, or a little less to end on a character.
fn head(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The subject with reply prefixes, our tag and our own words taken away: what is left is what the
/// person wrote there.
pub fn own_subject_words(subject: &str, ctx: &Context) -> String {
    const PREFIXES: [&str; 13] = [
        "sv:", "re:", "svar:", "vs:", "fw:", "fwd:", "aw:", "wg:", "antw:", "tr:", "rv:", "vb:", "ang:",
    ];
    let mut rest = subject.trim();
    while let Some(p) = PREFIXES.iter().find(|p| {
        rest.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    }) {
        rest = rest[p.len()..].trim_start();
    }
    let mut s = rest.to_string();
    if let Some((before, after)) = &ctx.tag {
        // The tag is ASCII: ASCII case folding keeps every offset.
        let lower = s.to_ascii_lowercase();
        if let Some(start) = lower.find(before.as_str()) {
            let rest = &lower[start + before.len()..];
            let end = if after.is_empty() {
                rest.find(' ').unwrap_or(rest.len())
            } else {
                rest.find(after.as_str())
                    .map(|e| e + after.len())
                    .unwrap_or(rest.len())
            };
            let cut_end = start + before.len() + end;
            s = format!("{}{}", &s[..start], &s[cut_end.min(s.len())..])
                .trim()
                .to_string();
        }
    }
    let lower = s.to_lowercase();
    if ctx.our_subjects.iter().any(|o| o.starts_with(&lower)) {
        return String::new();
    }
    // "… invitasjon til samskapingsmøte 23. juni – Vibeke Moen, LMD, kommer": what the writer
    // added after our subject is theirs.
    let ours = ctx
        .our_subjects
        .iter()
        .filter(|o| lower.starts_with(o.as_str()))
        .map(|o| o.len())
        .max();
    if let Some(len) = ours {
        return s
            .get(len..)
            .filter(|_| s[..len].to_lowercase() == lower[..len])
            .unwrap_or("")
            .trim_start_matches(|c: char| c.is_whitespace() || "-–—,:;".contains(c))
            .trim()
            .to_string();
    }
    s
}

/// Tokens in `text`: our plus-addresses and subject tags.
fn tokens_in(
    text: impl AsRef<[u8]>,
    ctx: &Context,
    source: TokenSource,
    out: &mut Vec<(String, TokenSource)>,
) {
    let text = text.as_ref();
    // Markers and tokens are ASCII: they are looked for in the bytes, without a copy, and a
    // marker is found in any case by its first byte in either case.
    let mut push = |token: &[u8]| {
        let t: String = token
            .iter()
            .map(u8::to_ascii_lowercase)
            .take_while(|c| c.is_ascii_lowercase() || (b'2'..=b'7').contains(c))
            .map(char::from)
            .collect();
        if t.len() == 8 && !out.iter().any(|(x, s)| *x == t && *s == source) {
            out.push((t, source));
        }
    };
    // Where `marker` (lower case) stands in `text`, in any case: the offsets just after it.
    let after_each = |marker: &[u8]| -> Vec<usize> {
        let Some(&first) = marker.first() else {
            return Vec::new();
        };
        memchr::memchr2_iter(first, first.to_ascii_uppercase(), text)
            .filter(|&at| {
                text.get(at..at + marker.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(marker))
            })
            .map(|at| at + marker.len())
            .collect()
    };
    if let Some((local, domain)) = &ctx.reading.reply_address {
        let marker = format!("{local}+{}-", ctx.process).to_ascii_lowercase();
        let at_domain = format!("@{domain}");
        for start in after_each(marker.as_bytes()) {
            let rest = &text[start..];
            if rest
                .get(8..8 + at_domain.len())
                .is_some_and(|after| after.eq_ignore_ascii_case(at_domain.as_bytes()))
            {
                push(&rest[..8]);
            }
        }
    }
    if let Some((before, _)) = &ctx.tag
        && !before.is_empty()
    {
        for start in after_each(before.to_ascii_lowercase().as_bytes()) {
            push(&text[start..]);
        }
    }
}

fn message_ids(value: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    match value {
        mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
        mail_parser::HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// A guess of the language a person wrote in, for answering them in it.
pub fn language(text: &str) -> Lang {
    // Bokmål's words take the low bits, English's the high ones.
    const NB: [&str; 15] = [
        " og ", " ikke ", " vi ", " jeg ", " på ", " til ", " med ", " er ", " kommer ", " hilsen", "å", "ø",
        "æ", " deltar", " møtet",
    ];
    const EN: [&str; 12] = [
        " and ", " not ", " we ", " the ", " will ", " to ", " with ", " is ", " regards", " attend",
        " meeting", " our ",
    ];
    // Matched in any case without lowercasing the text: ASCII case is folded by the automaton,
    // and the three Norwegian letters are listed in both cases.
    static WORDS: LazyLock<Lexicon> = LazyLock::new(|| {
        let upper = |letter: &str| match letter {
            "å" => Some("Å"),
            "ø" => Some("Ø"),
            "æ" => Some("Æ"),
            _ => None,
        };
        let both: Vec<Vec<&str>> = NB
            .iter()
            .chain(EN.iter())
            .map(|w| std::iter::once(*w).chain(upper(w)).collect())
            .collect();
        let lists: Vec<&[&str]> = both.iter().map(Vec::as_slice).collect();
        Lexicon::ascii_case_insensitive(&lists)
    });
    // The first few thousand characters say it as well as the whole.
    let framed = format!(" {} ", head(text, 4096));
    let found = WORDS.substrings_in(&framed);
    let nb = (found & ((1 << NB.len()) - 1)).count_ones();
    let en = (found >> NB.len()).count_ones();
    if en > nb { Lang::En } else { Lang::Nb }
}

/// The MIME parser, reading only the headers whose structure is used (addresses, dates, ids,
/// MIME); every other header stays raw text, read with `header_raw` when needed. `Received`
/// headers, many and long in bounces, are never taken apart.
static PARSER: LazyLock<MessageParser> = LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .with_date_headers()
        .with_address_headers()
        .with_message_ids()
        .header_text(mail_parser::HeaderName::Subject)
        .default_header_raw()
});

/// Understands one message. Never panics; whatever cannot be read is said in the result.
///
/// A panic while reading (a bug here or in the MIME parser, which has assertions that hostile
/// input can reach) is caught: the message becomes unreadable, for review, and the daemon goes on.
pub fn understand(raw: &[u8], ctx: &Context) -> Understood {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(raw, ctx))).unwrap_or_else(|_| {
        unreadable(
            raw,
            "reading it failed inside samskap or its MIME parser (a bug; the panic is in the log)",
            "panic",
        )
    })
}

fn unreadable(raw: &[u8], reason: &str, problem: &str) -> Understood {
    Understood {
        message_id: digest_id(raw),
        from: None,
        date: None,
        subject: String::new(),
        lang: Lang::Nb,
        class: Class::Unreadable {
            reason: reason.into(),
        },
        refs: Refs::default(),
        auth: Vec::new(),
        problems: vec![problem.into()],
        attachments: Vec::new(),
    }
}

/// [`understand`] without the guard against panics.
fn read(raw: &[u8], ctx: &Context) -> Understood {
    let Some(message) = PARSER.parse(raw) else {
        return unreadable(
            raw,
            "not an e-mail message (no headers could be read)",
            "unparseable",
        );
    };
    let mut problems = Vec::new();
    let message_id = match message.message_id() {
        Some(id) if !id.trim().is_empty() => id.trim().to_string(),
        _ => {
            problems.push("no Message-ID: identified by a digest of its bytes".into());
            digest_id(raw)
        }
    };
    let from = sender(&message);
    if from.is_none() {
        problems.push("no readable From address".into());
    }
    let date = message
        .date()
        .and_then(|d| DateTime::parse_from_rfc3339(&d.to_rfc3339()).ok())
        .map(|d| d.with_timezone(&Utc));
    let subject = message.subject().unwrap_or("").to_string();

    let mut refs = Refs::default();
    const RECIPIENT_HEADERS: [&str; 7] = [
        "To",
        "Cc",
        "Delivered-To",
        "X-Original-To",
        "Envelope-To",
        "X-Envelope-To",
        "Resent-To",
    ];
    let mut recipients: Vec<(usize, &str)> = message
        .headers_raw()
        .filter_map(|(name, value)| {
            RECIPIENT_HEADERS
                .iter()
                .position(|h| name.eq_ignore_ascii_case(h))
                .map(|at| (at, value))
        })
        .collect();
    // In the order of the list above, as the tokens were always gathered.
    recipients.sort_by_key(|(at, _)| *at);
    for (_, value) in recipients {
        tokens_in(value, ctx, TokenSource::Recipient, &mut refs.tokens);
    }
    tokens_in(&subject, ctx, TokenSource::Subject, &mut refs.tokens);
    refs.replied_to.extend(message_ids(message.in_reply_to()));
    refs.replied_to.extend(message_ids(message.references()));
    refs.replied_to.dedup();
    let ours = |list: Option<&mail_parser::Address<'_>>| {
        list.is_some_and(|l| {
            l.iter().any(|a| {
                a.address()
                    .is_some_and(|x| reading::people::is_own_address(x.trim(), &ctx.reading))
            })
        })
    };
    refs.copied_only = ours(message.cc()) && message.to().is_some() && !ours(message.to());

    let own_from = from
        .as_ref()
        .is_some_and(|f| ctx.reading.own_addresses.contains(&f.address));
    let auth = authres::read(message.headers_raw());
    let text = person_text(&message);
    let lang = language(&text);
    let reference: NaiveDate = date.map(|d| d.date_naive()).unwrap_or_default();

    let class = if message.header_raw("X-Samskap-Ref").is_some() && own_from {
        Class::Own
    } else {
        match bounce::report_type(&message).as_deref() {
            Some("feedback-report") => Class::Notice {
                what: "a spam complaint (feedback report)".into(),
            },
            Some("disposition-notification") => Class::Notice {
                what: "a read receipt".into(),
            },
            _ if bounce::looks_like_report(&message) => {
                let report_text = bounce::all_text(&message);
                let report = bounce::parse(&message, &report_text, &ctx.reading.own_addresses);
                // The bounce's body quotes our invitation: its token tells whose it was.
                tokens_in(&report_text, ctx, TokenSource::Body, &mut refs.tokens);
                if let Some(id) = &report.original_message_id {
                    refs.replied_to.push(id.clone());
                }
                Class::Bounce(report)
            }
            _ => {
                if let Some(mut cal) = calendar::find(&message) {
                    // "Johansen Maria" as the person writes it.
                    for answer in &mut cal.answers {
                        answer.name = answer.name.as_deref().map(reading::people::readable_name);
                    }
                    Class::Calendar(cal)
                } else if let (Some((partstat, summary)), Some(sender)) =
                    (calendar::answer_in_subject(head(&subject, 1024)), &from)
                {
                    // Outlook's answer without the calendar object: the subject says it all.
                    Class::Calendar(calendar::CalendarMessage {
                        method: "REPLY".into(),
                        uid: None,
                        summary: Some(summary),
                        answers: vec![calendar::CalendarAnswer {
                            address: sender.address.to_lowercase(),
                            name: sender.name.as_deref().map(reading::people::readable_name),
                            partstat: partstat.into(),
                            delegated_to: None,
                        }],
                    })
                } else if let Some(recalled) = recall_of(head(&subject, 1024), &text) {
                    Class::Notice {
                        what: format!("a recall of the message «{recalled}»"),
                    }
                } else if let Some(signal) = autoreply::detect(&message, &text) {
                    Class::AutoReply(autoreply::AutoReply {
                        returns_on: autoreply::return_date(&text, reference),
                        signal,
                    })
                } else if message.header_raw("List-Id").is_some()
                    || message
                        .header_raw("Precedence")
                        .is_some_and(|p| ["bulk", "list"].contains(&p.trim().to_ascii_lowercase().as_str()))
                {
                    Class::Notice {
                        what: "mailing list or bulk mail".into(),
                    }
                } else {
                    let split = quote::split(&text);
                    tokens_in(&split.quoted, ctx, TokenSource::Body, &mut refs.tokens);
                    tokens_in(&split.body, ctx, TokenSource::Body, &mut refs.tokens);
                    // A forwarded invitation may come as an attachment.
                    for part in &message.parts {
                        if let PartType::Message(inner) = &part.body {
                            let raw = inner.raw_message();
                            tokens_in(
                                &raw[..raw.len().min(PERSON_TEXT_LIMIT)],
                                ctx,
                                TokenSource::Body,
                                &mut refs.tokens,
                            );
                        }
                    }
                    let sender = from.clone().unwrap_or_default();
                    let subject_words = own_subject_words(head(&subject, 1024), ctx);
                    let cc = copied(&message);
                    let facts = reading::read(
                        &reading::Input {
                            body: &split.body,
                            signature: &split.signature,
                            subject: &subject_words,
                            sender: &sender,
                            cc: &cc,
                            quoted: &split.quoted,
                            today: date.map(|d| d.date_naive()),
                        },
                        &ctx.reading,
                    );
                    Class::Reply { split, facts }
                }
            }
        }
    };
    let attachments = files_attached(&message);
    Understood {
        message_id,
        from,
        date,
        subject,
        lang,
        class,
        refs,
        auth,
        problems,
        attachments,
    }
}

/// The names of the files attached to `message` that a person would open: not a calendar
/// object, a forwarded message, or an image shown in the text (a signature's logo).
fn files_attached(message: &Message<'_>) -> Vec<String> {
    message
        .attachments()
        .filter(|part| {
            let inline_image = part
                .content_type()
                .is_some_and(|c| c.ctype().eq_ignore_ascii_case("image"))
                && part.content_id().is_some();
            !(calendar::is_calendar(part) || inline_image || matches!(part.body, PartType::Message(_)))
        })
        .map(|part| part.attachment_name().unwrap_or("uten navn").to_string())
        .collect()
}

/// The subject of the message an Outlook recall asks to take back: "Tilbakekall: SV: …" with
/// "… ønsker å tilbakekalle meldingen «…»", "Recall: …" with "… would like to recall the
/// message, …". Both the subject's word and the body's sentence, so that a reply about a recall
/// is no recall.
fn recall_of(subject: &str, text: &str) -> Option<String> {
    const PREFIXES: &[&str] = &[
        "tilbakekall:",
        "tilbakekalling:",
        "recall:",
        "återkallelse:",
        "tilbagekald:",
    ];
    const SAYS: &[&str] = &[
        "ønsker å tilbakekalle",
        "ønskjer å kalle tilbake",
        "vil tilbakekalle",
        "would like to recall",
        "wants to recall",
        "vill återkalla",
        "vil gerne tilbagekalde",
    ];
    let lower = subject.trim().to_lowercase();
    let prefix = PREFIXES.iter().find(|p| lower.starts_with(*p))?;
    let body = text.chars().take(2000).collect::<String>().to_lowercase();
    SAYS.iter()
        .any(|w| body.contains(w))
        .then(|| subject.trim()[prefix.len()..].trim().to_string())
}

#[cfg(test)]
mod tests;
