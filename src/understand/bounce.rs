//! Delivery reports: the standard kind (RFC 3464, `multipart/report; report-type=delivery-status`)
//! and the many that are not (Exchange, Gmail, Office 365, qmail, Exim, Sendmail in their own
//! words). What matters to the coordinator is who could not be reached, with which status, and
//! whether the address is dead ("hard": unknown user, unknown domain, moved) or the failure may pass
//! (full mailbox, a filter, a delay).

use mail_parser::{Message, MimeHeaders, PartType};
use std::sync::LazyLock;

use super::lexicon::Lexicon;

/// One recipient a report is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Failed {
    pub address: String,
    /// Enhanced status code ("5.1.1"), when given.
    pub status: Option<String>,
    /// SMTP reply code (550), when given.
    pub code: Option<u16>,
    /// The address cannot receive mail: unknown user or domain, moved away.
    pub hard: bool,
    /// What the remote server said, shortened.
    pub diagnostic: String,
}

/// What kind of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Delivery failed.
    Failure,
    /// Delivery is delayed and still being tried.
    Delay,
    /// Delivered (a positive notice some servers send).
    Delivered,
}

/// A delivery report understood.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Bounce {
    pub kind: ReportKind,
    pub recipients: Vec<Failed>,
    /// The Message-ID of the message that bounced, when the report carries it.
    pub original_message_id: Option<String>,
}

/// Phrases that say the address does not exist (or no longer does).
const HARD: &[&str] = &[
    "user unknown",
    "unknown user",
    "unknown recipient",
    "recipient unknown",
    "no such user",
    "no such recipient",
    "no such mailbox",
    "no such person",
    "no mailbox here",
    "mailbox not found",
    "mailbox does not exist",
    "mailbox unavailable or not local",
    "does not exist",
    "doesn't exist",
    "not exist",
    "recipient not found",
    "recipnotfound",
    "address not found",
    "addressee unknown",
    "invalid recipient",
    "invalid mailbox",
    "not a valid mailbox",
    "not our customer",
    "unrouteable address",
    "unroutable address",
    "user not found",
    "account does not exist",
    "account has been deleted",
    "no longer active",
    "no longer available",
    "user doesn't have",
    "couldn't be found",
    "could not be found",
    "host not found",
    "host unknown",
    "domain not found",
    "unknown domain",
    "no such domain",
    "domain does not exist",
    "nxdomain",
    "name service error",
    "host or domain name not found",
    "has moved",
    "address has changed",
    "null mx",
    "does not accept mail",
    "not listed in",
    "not recognized",
    "wasn't found",
    "wasn’t found",
    "not exist any longer",
    "not recognised",
    "no mailbox here",
    "unknown or illegal user",
    "illegal user",
    "not listed in domino",
    "no such address",
    "bad destination mailbox",
    "destination mailbox",
    "invalid address",
    "address is invalid",
    "unknown address",
    "brukeren finnes ikke",
    "finnes ikke",
    "ukjent mottaker",
    "ukjent bruker",
];

/// Phrases that say the failure is about something else than the address existing.
const SOFT: &[&str] = &[
    "mailbox full",
    "mailbox is full",
    "over quota",
    "quota exceeded",
    "exceeded storage",
    "insufficient system storage",
    "try again later",
    "temporarily",
    "delayed",
    "will be retried",
    "still being retried",
    "will retry",
    "spam",
    "blocked",
    "blacklist",
    "blocklist",
    "policy violation",
    "rejected for policy",
    "policy reasons",
    "too many",
    "rate limit",
    "content rejected",
    "content filter",
    "message content",
    "virus",
    "message size",
    "too large",
    "timeout",
    "timed out",
    "connection refused",
    "relay denied",
    "relaying denied",
    "relay access denied",
    "not permitted to relay",
    "authentication required",
    "dmarc",
    "spf check",
    "sender verify",
    "suspended",
    "disabled",
    "inactive",
    "greylist",
];

/// Local parts of addresses that send delivery reports.
const REPORTERS: &[&str] = &[
    "mailer-daemon",
    "postmaster",
    "post_master",
    "mail-daemon",
    "mailerdaemon",
    "maildaemon",
    "mdaemon",
    "mailer",
];

/// Subjects of delivery reports.
const SUBJECTS: &[&str] = &[
    "undeliver",
    "undelivered",
    "delivery status notification",
    "delivery failure",
    "delivery failed",
    "failure notice",
    "returned mail",
    "mail delivery failed",
    "mail delivery failure",
    "delivery has failed",
    "could not be delivered",
    "not delivered",
    "non-delivery",
    "nondeliverable",
    "delivery notification",
    "mail system error",
    "warning: could not send",
    "delayed mail",
    "delivery delayed",
    "ikke levert",
    "kan ikke leveres",
    "kunne ikke leveres",
    "levering mislyktes",
    "returned to sender",
    "unzustellbar",
    "non remis",
    "mail could not",
    "message not delivered",
    "message delivery failed",
    "unable to deliver",
    "mail failure",
    "delivery status",
    "delayed",
    "mail error",
    "error notification",
    "failure delivery",
    "permanent error",
    "rejected",
    "returned mail",
];

/// Whether the message looks like a delivery report at all: a report part, or a report's sender
/// with a report's subject, status codes or the returned message attached.
pub fn looks_like_report(message: &Message<'_>) -> bool {
    if report_type(message).is_some_and(|t| t == "delivery-status")
        || has_part(message, "message", &["delivery-status", "global-delivery-status"])
    {
        return true;
    }
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("")
        .to_ascii_lowercase();
    let local = from.split('@').next().unwrap_or("");
    let display = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.name())
        .unwrap_or("")
        .to_lowercase();
    let null_sender = message
        .header_raw("Return-Path")
        .is_some_and(|r| r.trim().trim_matches(|c| c == '<' || c == '>').trim().is_empty());
    let reporter = REPORTERS.iter().any(|r| local == *r || local.starts_with(r))
        || display.contains("mail delivery")
        || display.contains("mailer-daemon")
        || display.contains("postmaster")
        || display.contains("system administrator");
    let subject = super::head(message.subject().unwrap_or(""), 1024).to_lowercase();
    let bounce_subject = SUBJECTS.iter().any(|s| subject.contains(s));
    let returned =
        has_part(message, "message", &["rfc822", "global"]) || has_part(message, "text", &["rfc822-headers"]);
    // The costly evidence, the text of every part, only when the cheap evidence leaves it open.
    if reporter && (returned || bounce_subject) || null_sender && bounce_subject {
        return true;
    }
    if !(reporter || null_sender || bounce_subject && returned) {
        return false;
    }
    let text = all_text(message);
    let failure_words = || returned && FAILURE_WORDS.any_substring(&text);
    ((reporter || null_sender) && (has_status_code(&text) || failure_words()))
        || (bounce_subject && failure_words())
}

/// Words of a failed delivery, in a report of any case.
static FAILURE_WORDS: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::ascii_case_insensitive(&[
        HARD,
        &[
            "could not be delivered",
            "undeliverable",
            "delivery has failed",
            "permanent error",
            "not delivered",
        ],
    ])
});

fn has_part(message: &Message<'_>, ctype: &str, subtypes: &[&str]) -> bool {
    message.parts.iter().any(|part| {
        part.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case(ctype)
                && ct
                    .subtype()
                    .is_some_and(|s| subtypes.iter().any(|x| s.eq_ignore_ascii_case(x)))
        })
    })
}

/// The `report-type` of a multipart/report message.
pub fn report_type(message: &Message<'_>) -> Option<String> {
    message.parts.iter().find_map(|part| {
        let ct = part.content_type()?;
        (ct.ctype().eq_ignore_ascii_case("multipart")
            && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report")))
        .then(|| ct.attribute("report-type").unwrap_or("").to_ascii_lowercase())
    })
}

fn has_status_code(text: &str) -> bool {
    status_code_at(text.as_bytes(), 0).is_some()
}

/// Enhanced status codes ("5.1.1") in text, in order.
fn status_codes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some((start, end)) = status_code_at(text.as_bytes(), from) {
        out.push(text[start..end].to_string());
        from = end;
    }
    out
}

/// The first enhanced status code at or after `from`: class 2, 4 or 5, then up to three digits
/// twice, not inside a longer dotted number.
fn status_code_at(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let mut i = from;
    while i + 5 <= bytes.len() {
        // Every code has a dot second: look for dots, then check what is around them.
        let dot = i + 1 + memchr::memchr(b'.', &bytes[i + 1..])?;
        i = dot - 1;
        let c = bytes[i];
        let boundary = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
        if boundary && (c == b'2' || c == b'4' || c == b'5') {
            let a = dot + 1;
            let mut j = a;
            while j < bytes.len() && bytes[j].is_ascii_digit() && j - a < 3 {
                j += 1;
            }
            if j > a && j < bytes.len() && bytes[j] == b'.' {
                let b = j + 1;
                let mut k = b;
                while k < bytes.len() && bytes[k].is_ascii_digit() && k - b < 3 {
                    k += 1;
                }
                let ends = k >= bytes.len() || !(bytes[k].is_ascii_alphanumeric() || bytes[k] == b'.');
                if k > b && ends {
                    return Some((i, k));
                }
            }
        }
        i = dot + 1;
    }
    None
}

/// SMTP reply codes (550, 452) that start a server's answer in text ("550 5.1.1", "550-5.1.1").
fn reply_codes(text: &str) -> Vec<u16> {
    let mut out = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, '#' | '(' | ')' | ';' | ',')) {
        let bytes = word.as_bytes();
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let after = bytes.get(digits).copied();
        if digits == 3
            && (bytes[0] == b'4' || bytes[0] == b'5')
            && after.is_none_or(|c| c == b'-' || c == b':' || c == b'.' && word.len() == 4)
            && let Ok(code) = word[..3].parse()
        {
            out.push(code);
        }
    }
    out
}

/// All the text of a message: text parts, HTML parts as text, and report parts.
pub fn all_text(message: &Message<'_>) -> String {
    let mut out = String::new();
    for part in &message.parts {
        match &part.body {
            PartType::Text(text) => {
                out.push_str(text);
                out.push('\n');
            }
            PartType::Html(html) => {
                out.push_str(&super::html::to_text(html));
                out.push('\n');
            }
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                let is_report = part.content_type().is_some_and(|ct| {
                    ct.ctype().eq_ignore_ascii_case("message") || ct.ctype().eq_ignore_ascii_case("text")
                });
                if is_report {
                    out.push_str(&String::from_utf8_lossy(bytes));
                    out.push('\n');
                }
            }
            PartType::Message(inner) => {
                // The returned message's headers only: its body is our own text.
                let raw = inner.raw_message();
                let end = find_header_end(raw);
                out.push_str(&String::from_utf8_lossy(&raw[..end]));
                out.push('\n');
            }
            PartType::Multipart(_) => {}
        }
    }
    out
}

fn find_header_end(raw: &[u8]) -> usize {
    raw.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len())
}

/// The per-recipient blocks of a delivery-status part.
fn dsn_fields(message: &Message<'_>) -> Vec<Vec<(String, String)>> {
    let mut blocks = Vec::new();
    for part in &message.parts {
        let Some(ct) = part.content_type() else { continue };
        let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
        if !(ct.ctype().eq_ignore_ascii_case("message")
            && (sub == "delivery-status" || sub == "global-delivery-status"))
        {
            continue;
        }
        let raw = &message.raw_message;
        let start = part.raw_body_offset() as usize;
        let end = (part.raw_end_offset() as usize).min(raw.len());
        let text = if start < end {
            String::from_utf8_lossy(&raw[start..end]).into_owned()
        } else {
            String::from_utf8_lossy(part.contents()).into_owned()
        };
        let mut block: Vec<(String, String)> = Vec::new();
        for line in text.replace("\r\n", "\n").lines() {
            if line.trim().is_empty() {
                if !block.is_empty() {
                    blocks.push(std::mem::take(&mut block));
                }
                continue;
            }
            if line.starts_with(' ') || line.starts_with('\t') {
                if let Some(last) = block.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(line.trim());
                }
                continue;
            }
            if let Some((name, value)) = line.split_once(':') {
                block.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        if !block.is_empty() {
            blocks.push(block);
        }
    }
    blocks
}

fn address_of(field: &str) -> String {
    // "rfc822; kari@aid.dep.no" or "<kari@aid.dep.no>"
    let value = field.split_once(';').map(|(_, v)| v).unwrap_or(field);
    value
        .trim()
        .trim_matches(|c| c == '<' || c == '>' || c == '"')
        .trim()
        .to_ascii_lowercase()
}

fn shorten(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(300).collect()
}

/// Whether the evidence says the address is dead: the words of a full, disabled or filtered
/// mailbox win over a status code, since servers use 5.1.1 loosely.
fn is_hard(status: Option<&str>, evidence: &str) -> bool {
    const DATA_PHASE: &[&str] = &[
        "end of data command",
        "after end of data",
        "in reply to data command",
        "smtp command data",
        "after data command",
    ];
    const FULL_OR_DISABLED: &[&str] = &[
        "mailbox full",
        "mailbox is full",
        "over quota",
        "quota",
        "exceeded storage",
        "disabled",
        "suspended",
        "inactive",
        "locked",
    ];
    const STRONG_HARD: &[&str] = &[
        "user unknown",
        "unknown user",
        "no such user",
        "does not exist",
        "recipnotfound",
        "address not found",
        "host not found",
        "domain not found",
        "unknown recipient",
        "no mailbox here",
        "not recognized",
    ];
    const DATA: u32 = 1;
    const FULL: u32 = 2;
    const HARD_WORD: u32 = 4;
    const SOFT_WORD: u32 = 8;
    const STRONG: u32 = 16;
    const HOST: u32 = 32;
    const NOT_FOUND: u32 = 64;
    static WORDS: LazyLock<Lexicon> = LazyLock::new(|| {
        Lexicon::ascii_case_insensitive(&[
            DATA_PHASE,
            FULL_OR_DISABLED,
            HARD,
            SOFT,
            STRONG_HARD,
            &["host "],
            &[" not found"],
        ])
    });
    let class = status.and_then(|s| s.chars().next());
    if class == Some('4') || class == Some('2') {
        return false;
    }
    let found = WORDS.substrings_in(evidence);
    // Refused after the message was sent (DATA): a filter's verdict more than the address's.
    if found & DATA != 0 {
        return false;
    }
    if found & FULL != 0 {
        return false;
    }
    let hard_word = found & HARD_WORD != 0 || found & (HOST | NOT_FOUND) == HOST | NOT_FOUND;
    let hard_status = matches!(status, Some("5.1.1" | "5.1.2" | "5.1.6" | "5.1.10" | "5.4.4"));
    let soft_word = found & SOFT_WORD != 0;
    if hard_status && !soft_word {
        return true;
    }
    hard_word && (!soft_word || found & STRONG != 0)
}

/// Addresses in text, lowercased.
pub fn addresses_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let separator = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | '[' | ']' | '"' | '\'' | ',' | ';' | ':' | '='
            )
    };
    for raw in text.split(separator) {
        if !raw.contains('@') {
            continue;
        }
        let candidate = raw.trim_matches(|c: char| c == '.' || c == '-');
        let candidate = candidate.strip_prefix("mailto").unwrap_or(candidate);
        if let Some((local, domain)) = candidate.split_once('@')
            && !local.is_empty()
            && domain.contains('.')
            && !domain.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "._+-=!#$%&*/?^`{|}~".contains(c))
        {
            let address = format!("{}@{}", local, domain).to_lowercase();
            if !out.contains(&address) {
                out.push(address);
            }
        }
    }
    out
}

/// Reads a delivery report; `text` is its [`all_text`], `own` are our own addresses (never the
/// failed recipient).
pub fn parse(message: &Message<'_>, text: &str, own: &[String]) -> Bounce {
    let mut recipients = Vec::new();
    let mut kind = ReportKind::Failure;
    let blocks = dsn_fields(message);
    for block in &blocks {
        let get = |name: &str| block.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        let Some(recipient) = get("final-recipient").or_else(|| get("original-recipient")) else {
            continue;
        };
        let address = address_of(&recipient);
        let action = get("action").unwrap_or_default().to_ascii_lowercase();
        let status = get("status").and_then(|s| status_codes(&s).into_iter().next());
        let diagnostic = get("diagnostic-code")
            .map(|d| d.split_once(';').map(|(_, v)| v.to_string()).unwrap_or(d))
            .unwrap_or_default();
        if action.starts_with("delayed") {
            kind = ReportKind::Delay;
        } else if action.starts_with("delivered")
            || action.starts_with("relayed")
            || action.starts_with("expanded")
        {
            kind = ReportKind::Delivered;
        }
        let code = reply_codes(&diagnostic).into_iter().next();
        // The server's own words for this recipient; the report's prose only when it gave none.
        let evidence = if diagnostic.trim().is_empty() {
            relevant_lines(text, &address)
        } else {
            diagnostic.clone()
        };
        let status = status.or_else(|| status_codes(&diagnostic).into_iter().next());
        recipients.push(Failed {
            hard: kind == ReportKind::Failure && is_hard(status.as_deref(), &evidence),
            address,
            status,
            code,
            diagnostic: shorten(&diagnostic),
        });
    }
    if recipients.is_empty() {
        // A report in words: find the failed address and what was said about it.
        static DELAYED: LazyLock<Lexicon> = LazyLock::new(|| {
            Lexicon::ascii_case_insensitive(&[&[
                "delayed",
                "still being retried",
                "will continue",
                "will retry",
                "not yet been delivered",
            ]])
        });
        if DELAYED.any_substring(text) {
            kind = ReportKind::Delay;
        }
        let reporter = message
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or("")
            .to_ascii_lowercase();
        let original_headers = message_header_block_addresses(message);
        let candidates: Vec<String> = addresses_in(text)
            .into_iter()
            .filter(|a| *a != reporter && !own.contains(a) && !original_headers.0.contains(a))
            .filter(|a| !REPORTERS.iter().any(|r| a.starts_with(r)))
            .collect();
        // Prefer the original message's recipients when the report names them.
        let chosen: Vec<String> = if original_headers.1.iter().any(|a| candidates.contains(a)) {
            original_headers
                .1
                .iter()
                .filter(|a| candidates.contains(a))
                .cloned()
                .collect()
        } else if !original_headers.1.is_empty() && candidates.is_empty() {
            original_headers.1.clone()
        } else {
            candidates.into_iter().take(1).collect()
        };
        for address in chosen {
            let evidence = relevant_lines(text, &address);
            let evidence = if evidence.trim().is_empty() {
                text.to_string()
            } else {
                evidence
            };
            let status = status_codes(&evidence)
                .into_iter()
                .next()
                .or_else(|| status_codes(text).into_iter().next());
            let code = reply_codes(&evidence)
                .into_iter()
                .next()
                .or_else(|| reply_codes(text).into_iter().next());
            let status = status.or_else(|| code.map(|c| format!("{}.0.0", c / 100)));
            recipients.push(Failed {
                hard: kind == ReportKind::Failure && is_hard(status.as_deref(), text),
                address,
                status,
                code,
                diagnostic: shorten(&evidence),
            });
        }
    }
    Bounce {
        kind,
        recipients,
        original_message_id: original_message_id(message, text),
    }
}

/// The lines of `text` around each mention of `address`: where servers say what went wrong.
fn relevant_lines(text: &str, address: &str) -> String {
    // ASCII case folding keeps the lines of both texts the same.
    let lower = text.to_ascii_lowercase();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lower.lines().enumerate() {
        if line.contains(address) {
            out.extend_from_slice(&lines[i..lines.len().min(i + 6)]);
        }
    }
    out.join("\n")
}

/// The sender (0) and recipients (1) of the returned message, from its headers in the report.
fn message_header_block_addresses(message: &Message<'_>) -> (Vec<String>, Vec<String>) {
    let mut from = Vec::new();
    let mut to = Vec::new();
    for part in &message.parts {
        if let PartType::Message(inner) = &part.body {
            for a in inner.from().into_iter().flat_map(|a| a.iter()) {
                if let Some(addr) = a.address() {
                    from.push(addr.to_ascii_lowercase());
                }
            }
            for a in inner.to().into_iter().flat_map(|a| a.iter()) {
                if let Some(addr) = a.address() {
                    to.push(addr.to_ascii_lowercase());
                }
            }
        }
    }
    (from, to)
}

/// The Message-ID of the returned message: from its attached headers, or a "Message-ID:" line.
fn original_message_id(message: &Message<'_>, text: &str) -> Option<String> {
    for part in &message.parts {
        if let PartType::Message(inner) = &part.body
            && let Some(id) = inner.message_id()
        {
            return Some(id.to_string());
        }
    }
    let own = message.message_id().unwrap_or("");
    for line in text.lines() {
        let lower = line.trim_start().to_ascii_lowercase();
        if lower.starts_with("message-id:") || lower.starts_with("original-message-id:") {
            let value = line.split_once(':').map(|(_, v)| v).unwrap_or("");
            let id = value.trim().trim_matches(|c| c == '<' || c == '>').trim();
            if !id.is_empty() && id != own {
                return Some(id.to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_raw(raw: &str) -> Bounce {
        let message = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .unwrap();
        assert!(looks_like_report(&message));
        parse(
            &message,
            &all_text(&message),
            &["tom-arne.nygaard@kdd.dep.no".into()],
        )
    }

    #[test]
    fn a_postfix_report_names_the_dead_address() {
        let raw = "From: MAILER-DAEMON@mx.kdd.dep.no (Mail Delivery System)\r\nTo: tom-arne.nygaard+ogp5-abcd2345@kdd.dep.no\r\nSubject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not\r\nbe delivered.\r\n\r\n<ingen@aid.dep.no>: host mx.aid.dep.no said: 550 5.1.1 <ingen@aid.dep.no>: Recipient address rejected: User unknown\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.kdd.dep.no\r\n\r\nFinal-Recipient: rfc822; ingen@aid.dep.no\r\nOriginal-Recipient: rfc822;ingen@aid.dep.no\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <ingen@aid.dep.no>: Recipient address\r\n    rejected: User unknown in virtual mailbox table\r\n\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <ogp5.invitation.aid.kickoff.r1.xyz@kdd.dep.no>\r\nSubject: Invitasjon\r\n\r\n--B--\r\n";
        let bounce = parse_raw(raw);
        assert_eq!(bounce.kind, ReportKind::Failure);
        assert_eq!(bounce.recipients.len(), 1);
        let r = &bounce.recipients[0];
        assert_eq!(r.address, "ingen@aid.dep.no");
        assert_eq!(r.status.as_deref(), Some("5.1.1"));
        assert_eq!(r.code, Some(550));
        assert!(r.hard);
        assert_eq!(
            bounce.original_message_id.as_deref(),
            Some("ogp5.invitation.aid.kickoff.r1.xyz@kdd.dep.no")
        );
    }

    #[test]
    fn a_full_mailbox_is_not_a_dead_address() {
        let raw = "From: postmaster@aid.dep.no\r\nSubject: Undeliverable: Invitasjon\r\nContent-Type: text/plain\r\n\r\nDelivery has failed to these recipients:\r\n\r\nkari@aid.dep.no\r\n552 5.2.2 Mailbox full; quota exceeded\r\n";
        let bounce = parse_raw(raw);
        assert_eq!(bounce.recipients[0].address, "kari@aid.dep.no");
        assert_eq!(bounce.recipients[0].status.as_deref(), Some("5.2.2"));
        assert!(!bounce.recipients[0].hard);
    }

    #[test]
    fn status_codes_are_found_but_not_inside_versions_or_addresses() {
        assert_eq!(
            status_codes("said: 550 5.1.1 unknown; see 4.4.7 and v1.5.1.2"),
            ["5.1.1", "4.4.7"]
        );
        assert_eq!(reply_codes("host said: 550-5.1.1 The email account"), [550]);
    }
}
