//! Builds the bytes of an outgoing message (RFC 5322, multipart/alternative text and HTML),
//! deterministic for a given Message-ID and date: the MIME boundary comes from the Message-ID, so
//! the same message rendered twice is byte for byte the same.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::Address;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message, MultiPart, SinglePart};
use sha2::{Digest, Sha256};

use crate::config::Lang;

/// What a message says and to whom, before it becomes bytes.
#[derive(Debug, Clone)]
pub struct Letter {
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub to: Vec<Mailbox>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub lang: Lang,
    /// Without angle brackets.
    pub message_id: String,
    pub date: DateTime<Utc>,
    /// MAIL FROM: where bounces go.
    pub envelope_from: Address,
    /// Extra headers, name and value.
    pub headers: Vec<(String, String)>,
    /// An iCalendar object (iMIP): the method (REQUEST, CANCEL) and the text. It goes last in
    /// the multipart/alternative, as `text/calendar; method=…`, which is what makes Outlook,
    /// Google and Apple Mail show the meeting with its answer buttons.
    pub calendar: Option<(String, String)>,
    /// Files: inline ones (a chart the HTML shows as `cid:ID`) and attached ones (a CSV).
    pub attachments: Vec<Attachment>,
}

/// A file carried by a message.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// Shown inside the HTML as `cid:ID` rather than attached.
    pub inline_id: Option<String>,
}

/// A message ready for the outbox.
#[derive(Debug, Clone)]
pub struct Composed {
    pub message_id: String,
    pub subject: String,
    pub envelope_from: Address,
    pub recipients: Vec<Address>,
    pub bytes: Vec<u8>,
}

/// A message that could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the message {message_id}: {reason}")]
pub struct ComposeError {
    message_id: String,
    reason: String,
}

impl ComposeError {
    /// The message `message_id` cannot be built, for `reason`.
    pub fn new(message_id: &str, reason: String) -> ComposeError {
        ComposeError {
            message_id: message_id.into(),
            reason,
        }
    }
}

fn boundary(message_id: &str) -> String {
    let hash = Sha256::digest(message_id.as_bytes());
    format!("=_samskap_{}", data_encoding::HEXLOWER.encode(&hash[..12]))
}

/// Builds `letter` into bytes.
pub fn build(letter: &Letter) -> Result<Composed, ComposeError> {
    let fail = |reason: String| ComposeError {
        message_id: letter.message_id.clone(),
        reason,
    };
    let mut builder = Message::builder()
        .from(letter.from.clone())
        .subject(letter.subject.clone())
        .message_id(Some(format!("<{}>", letter.message_id)))
        .date(SystemTime::from(letter.date))
        .user_agent(format!("samskap/{}", env!("CARGO_PKG_VERSION")));
    if let Some(reply_to) = &letter.reply_to {
        builder = builder.reply_to(reply_to.clone());
    }
    for to in &letter.to {
        builder = builder.to(to.clone());
    }
    let mut headers = vec![("Content-Language".to_string(), letter.lang.code().to_string())];
    headers.extend(letter.headers.iter().cloned());
    for (name, value) in headers {
        let name = HeaderName::new_from_ascii(name.clone())
            .map_err(|_| fail(format!("bad header name {name:?}")))?;
        builder = builder.raw_header(HeaderValue::new(name, value));
    }
    let recipients: Vec<Address> = letter.to.iter().map(|m| m.email.clone()).collect();
    let envelope = lettre::address::Envelope::new(Some(letter.envelope_from.clone()), recipients.clone())
        .map_err(|e| fail(e.to_string()))?;
    builder = builder.envelope(envelope);
    let bound = boundary(&letter.message_id);
    let attachment = |a: &Attachment| -> Result<SinglePart, ComposeError> {
        let content_type =
            ContentType::parse(&a.content_type).map_err(|e| fail(format!("{}: {e}", a.filename)))?;
        Ok(match &a.inline_id {
            Some(id) => {
                lettre::message::Attachment::new_inline(id.clone()).body(a.bytes.clone(), content_type)
            }
            None => lettre::message::Attachment::new(a.filename.clone()).body(a.bytes.clone(), content_type),
        })
    };
    let html_part = |html: &String| -> Result<MultiPart, ComposeError> {
        // The HTML with the images it shows, as multipart/related.
        let mut related = MultiPart::related()
            .boundary(format!("{bound}_r"))
            .singlepart(SinglePart::html(html.clone()));
        for a in letter.attachments.iter().filter(|a| a.inline_id.is_some()) {
            related = related.singlepart(attachment(a)?);
        }
        Ok(related)
    };
    let has_inline = letter.attachments.iter().any(|a| a.inline_id.is_some());
    let files: Vec<&Attachment> = letter
        .attachments
        .iter()
        .filter(|a| a.inline_id.is_none())
        .collect();
    let body: Option<MultiPart> = match (&letter.html, &letter.calendar) {
        (None, None) => None,
        (html, calendar) => {
            let mut parts = MultiPart::alternative()
                .boundary(bound.clone())
                .singlepart(SinglePart::plain(letter.text.clone()));
            if let Some(html) = html {
                parts = if has_inline {
                    parts.multipart(html_part(html)?)
                } else {
                    parts.singlepart(SinglePart::html(html.clone()))
                };
            }
            if let Some((method, ics)) = calendar {
                let content_type =
                    ContentType::parse(&format!("text/calendar; method={method}; charset=utf-8"))
                        .map_err(|e| fail(format!("calendar part: {e}")))?;
                parts = parts.singlepart(
                    SinglePart::builder()
                        .header(content_type)
                        .header(ContentTransferEncoding::Base64)
                        .body(ics.clone()),
                );
            }
            Some(parts)
        }
    };
    let message = if files.is_empty() {
        match body {
            None => builder.singlepart(SinglePart::plain(letter.text.clone())),
            Some(parts) => builder.multipart(parts),
        }
    } else {
        let mixed = MultiPart::mixed().boundary(format!("{bound}_m"));
        let mut mixed = match body {
            None => mixed.singlepart(SinglePart::plain(letter.text.clone())),
            Some(parts) => mixed.multipart(parts),
        };
        for a in files {
            mixed = mixed.singlepart(attachment(a)?);
        }
        builder.multipart(mixed)
    }
    .map_err(|e| fail(e.to_string()))?;
    Ok(Composed {
        message_id: letter.message_id.clone(),
        subject: letter.subject.clone(),
        envelope_from: letter.envelope_from.clone(),
        recipients,
        bytes: message.formatted(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter() -> Letter {
        Letter {
            from: "Tom Arne Nygaard <tom-arne.nygaard@kdd.dep.no>".parse().unwrap(),
            reply_to: Some(
                "Tom Arne Nygaard <tom-arne.nygaard+ogp5-abcd2345@kdd.dep.no>"
                    .parse()
                    .unwrap(),
            ),
            to: vec![
                "Arbeids- og inkluderingsdepartementet <postmottak@aid.dep.no>"
                    .parse()
                    .unwrap(),
            ],
            subject: "Open Government Partnership (OGP) Handlingsplan 5 – invitasjon [OGP5:abcd2345]".into(),
            text: "Hei,\nvelkommen til møtet.\n".into(),
            html: Some("<p>Hei, velkommen til møtet.</p>".into()),
            lang: Lang::Nb,
            message_id: "ogp5.invitation.aid.kickoff.r1.xyz@kdd.dep.no".into(),
            date: "2022-06-15T08:00:00Z".parse().unwrap(),
            envelope_from: "tom-arne.nygaard+ogp5-abcd2345@kdd.dep.no".parse().unwrap(),
            headers: vec![("X-Samskap-Ref".into(), "OGP5:abcd2345".into())],
            calendar: None,
            attachments: Vec::new(),
        }
    }

    #[test]
    fn an_inline_image_sits_with_the_html_and_a_file_is_attached() {
        use mail_parser::MimeHeaders;
        let mut with_files = letter();
        with_files.html = Some("<p><img src=\"cid:chart\"></p>".into());
        with_files.attachments = vec![
            Attachment {
                filename: "chart.png".into(),
                content_type: "image/png".into(),
                bytes: vec![0x89, b'P', b'N', b'G'],
                inline_id: Some("chart".into()),
            },
            Attachment {
                filename: "register.csv".into(),
                content_type: "text/csv; charset=utf-8".into(),
                bytes: b"id,name\naid,AID\n".to_vec(),
                inline_id: None,
            },
        ];
        let composed = build(&with_files).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&composed.bytes)
            .unwrap();
        assert_eq!(
            parsed.root_part().content_type().unwrap().subtype(),
            Some("mixed")
        );
        assert!(parsed.body_text(0).unwrap().contains("velkommen"));
        assert!(parsed.body_html(0).unwrap().contains("cid:chart"));
        let csv = parsed
            .attachments()
            .find(|a| a.attachment_name() == Some("register.csv"))
            .unwrap();
        assert_eq!(csv.contents(), b"id,name\naid,AID\n");
        let png = parsed
            .parts
            .iter()
            .find(|p| p.content_type().is_some_and(|c| c.ctype() == "image"))
            .unwrap();
        assert_eq!(png.content_id(), Some("chart"));
    }

    #[test]
    fn the_same_letter_gives_the_same_bytes() {
        let a = build(&letter()).unwrap();
        let b = build(&letter()).unwrap();
        assert_eq!(a.bytes, b.bytes);
    }

    #[test]
    fn the_message_carries_its_identity_and_both_parts() {
        let composed = build(&letter()).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&composed.bytes)
            .unwrap();
        assert_eq!(
            parsed.message_id(),
            Some("ogp5.invitation.aid.kickoff.r1.xyz@kdd.dep.no")
        );
        assert_eq!(parsed.subject(), Some(letter().subject.as_str()));
        assert_eq!(parsed.date().unwrap().to_rfc3339(), "2022-06-15T08:00:00Z");
        assert_eq!(
            parsed.body_text(0).unwrap().replace("\r\n", "\n").trim_end(),
            "Hei,\nvelkommen til møtet."
        );
        assert!(parsed.body_html(0).unwrap().contains("<p>Hei"));
        assert_eq!(
            parsed.reply_to().unwrap().first().unwrap().address(),
            Some("tom-arne.nygaard+ogp5-abcd2345@kdd.dep.no")
        );
        assert_eq!(parsed.header_raw("Content-Language").map(str::trim), Some("nb"));
        assert_eq!(
            parsed.header_raw("X-Samskap-Ref").map(str::trim),
            Some("OGP5:abcd2345")
        );
        assert_eq!(composed.recipients[0].to_string(), "postmottak@aid.dep.no");
    }

    #[test]
    fn a_calendar_object_is_the_last_alternative_with_its_method() {
        use mail_parser::MimeHeaders;
        let mut with_calendar = letter();
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n";
        with_calendar.calendar = Some(("REQUEST".into(), ics.into()));
        let composed = build(&with_calendar).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&composed.bytes)
            .unwrap();
        let root = parsed.root_part().content_type().unwrap();
        assert_eq!(root.subtype(), Some("alternative"));
        let last = parsed.parts.last().unwrap();
        let ct = last.content_type().unwrap();
        assert_eq!((ct.ctype(), ct.subtype()), ("text", Some("calendar")));
        assert_eq!(ct.attribute("method"), Some("REQUEST"));
        assert_eq!(last.text_contents(), Some(ics));
    }
}
