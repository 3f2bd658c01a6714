//! Calendar messages (iMIP, RFC 6047): a `text/calendar` part with a METHOD. Recognised here and
//! read far enough to say what it is (REPLY, COUNTER, REQUEST, CANCEL), whose answer it carries
//! (ATTENDEE with PARTSTAT) and for which event (UID); the calendar stage acts on it.

use mail_parser::{Message, MimeHeaders};
use serde::Serialize;

/// A calendar message's essentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarMessage {
    /// REQUEST, REPLY, COUNTER, CANCEL, PUBLISH, …
    pub method: String,
    pub uid: Option<String>,
    pub summary: Option<String>,
    /// Each attendee's address and answer (ACCEPTED, DECLINED, TENTATIVE, DELEGATED, …).
    pub answers: Vec<(String, String)>,
}

/// The calendar object of `message`, if it carries one.
pub fn find(message: &Message<'_>) -> Option<CalendarMessage> {
    for part in &message.parts {
        let Some(ct) = part.content_type() else { continue };
        let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
        let is_calendar = (ct.ctype().eq_ignore_ascii_case("text") && sub == "calendar")
            || (ct.ctype().eq_ignore_ascii_case("application") && (sub == "ics" || sub == "calendar"));
        if !is_calendar {
            continue;
        }
        let text = String::from_utf8_lossy(part.contents()).into_owned();
        if let Some(found) = parse(&text, ct.attribute("method")) {
            return Some(found);
        }
    }
    None
}

/// Reads the essentials of an iCalendar text; `method` from the MIME type when the text lacks it.
pub fn parse(text: &str, method: Option<&str>) -> Option<CalendarMessage> {
    // Unfold continuation lines (RFC 5545 3.1).
    let unfolded = text
        .replace("\r\n ", "")
        .replace("\r\n\t", "")
        .replace("\n ", "")
        .replace("\n\t", "");
    if !unfolded.to_ascii_uppercase().contains("BEGIN:VCALENDAR") {
        return None;
    }
    let mut found = CalendarMessage {
        method: method.unwrap_or("").to_ascii_uppercase(),
        uid: None,
        summary: None,
        answers: Vec::new(),
    };
    for line in unfolded.lines() {
        let Some((name_params, value)) = line.split_once(':') else {
            continue;
        };
        let mut params = name_params.split(';');
        let name = params.next().unwrap_or("").trim().to_ascii_uppercase();
        match name.as_str() {
            "METHOD" if found.method.is_empty() => found.method = value.trim().to_ascii_uppercase(),
            "UID" if found.uid.is_none() => found.uid = Some(value.trim().to_string()),
            "SUMMARY" if found.summary.is_none() => found.summary = Some(value.trim().to_string()),
            "ATTENDEE" => {
                let partstat = params
                    .filter_map(|p| p.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("PARTSTAT"))
                    .map(|(_, v)| v.trim().to_ascii_uppercase())
                    .unwrap_or_else(|| "NEEDS-ACTION".into());
                let address = value.trim();
                let address = address
                    .strip_prefix("mailto:")
                    .or_else(|| address.strip_prefix("MAILTO:"))
                    .or_else(|| {
                        address
                            .get(..7)
                            .filter(|p| p.eq_ignore_ascii_case("mailto:"))
                            .map(|_| &address[7..])
                    })
                    .unwrap_or(address);
                found.answers.push((address.to_ascii_lowercase(), partstat));
            }
            _ => {}
        }
    }
    (!found.method.is_empty()).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outlook_acceptance_is_a_reply_with_its_answer() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED;CN=Kari\r\n Nordmann:mailto:kari@aid.dep.no\r\nUID:ogp5-kickoff@kdd.dep.no\r\nSUMMARY:Godtatt: Samskapingsmøte\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let found = parse(ics, None).unwrap();
        assert_eq!(found.method, "REPLY");
        assert_eq!(found.uid.as_deref(), Some("ogp5-kickoff@kdd.dep.no"));
        assert_eq!(
            found.answers,
            [("kari@aid.dep.no".to_string(), "ACCEPTED".to_string())]
        );
    }

    #[test]
    fn text_that_is_not_a_calendar_is_none() {
        assert!(parse("METHOD:REPLY", None).is_none());
        assert!(parse("BEGIN:VCALENDAR\nEND:VCALENDAR", None).is_none());
    }
}
