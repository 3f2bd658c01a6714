//! Calendar messages (iMIP, RFC 6047): a `text/calendar` part with a METHOD. Recognised here and
//! read far enough to say what it is (REPLY, COUNTER, REQUEST, CANCEL), whose answer it carries
//! (ATTENDEE with PARTSTAT, and DELEGATED-TO when it was passed on) and for which event (UID);
//! the decide stage acts on it. Outlook's answers also come without the object, only as a subject
//! ("Godtatt: …", "Accepted: …"): [`answer_in_subject`] reads those.

use mail_parser::{Message, MessagePart, MimeHeaders};
use serde::Serialize;

/// A calendar message's essentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarMessage {
    /// REQUEST, REPLY, COUNTER, CANCEL, PUBLISH, …
    pub method: String,
    pub uid: Option<String>,
    pub summary: Option<String>,
    /// Each attendee's answer.
    pub answers: Vec<CalendarAnswer>,
}

/// One ATTENDEE of a calendar message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarAnswer {
    /// Lowercase address, without `mailto:`.
    pub address: String,
    /// CN, when given.
    pub name: Option<String>,
    /// ACCEPTED, DECLINED, TENTATIVE, DELEGATED, NEEDS-ACTION, …
    pub partstat: String,
    /// DELEGATED-TO: whom the attendee passed the invitation to.
    pub delegated_to: Option<String>,
}

/// The calendar object of `message`, if it carries one.
pub fn find(message: &Message<'_>) -> Option<CalendarMessage> {
    for part in &message.parts {
        let Some(ct) = part.content_type().filter(|_| is_calendar(part)) else {
            continue;
        };
        let text = String::from_utf8_lossy(part.contents()).into_owned();
        if let Some(found) = parse(&text, ct.attribute("method")) {
            return Some(found);
        }
    }
    None
}

/// Whether `part` is an iCalendar object (`text/calendar`, `application/ics`).
pub fn is_calendar(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
        (ct.ctype().eq_ignore_ascii_case("text") && sub == "calendar")
            || (ct.ctype().eq_ignore_ascii_case("application") && (sub == "ics" || sub == "calendar"))
    })
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
        let halves = split_outside_quotes(line, ':', 1);
        let [name_params, value] = halves[..] else {
            continue;
        };
        let mut params = split_outside_quotes(name_params, ';', usize::MAX).into_iter();
        let name = params.next().unwrap_or("").trim().to_ascii_uppercase();
        match name.as_str() {
            // The object's own METHOD wins over the MIME parameter (they should agree).
            "METHOD" if !value.trim().is_empty() => found.method = value.trim().to_ascii_uppercase(),
            "UID" if found.uid.is_none() => found.uid = Some(value.trim().to_string()),
            "SUMMARY" if found.summary.is_none() => found.summary = Some(value.trim().to_string()),
            "ATTENDEE" => {
                let params: Vec<(String, String)> = params
                    .filter_map(|p| p.split_once('='))
                    .map(|(k, v)| {
                        (
                            k.trim().to_ascii_uppercase(),
                            v.trim().trim_matches('"').to_string(),
                        )
                    })
                    .collect();
                let param = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
                found.answers.push(CalendarAnswer {
                    address: without_mailto(value),
                    name: param("CN").filter(|n| !n.is_empty()),
                    partstat: param("PARTSTAT")
                        .map(|p| p.to_ascii_uppercase())
                        .unwrap_or_else(|| "NEEDS-ACTION".into()),
                    // The first delegate is enough: an invitation passed to several is rare.
                    delegated_to: param("DELEGATED-TO")
                        .and_then(|d| d.split(',').next().map(without_mailto))
                        .filter(|d| d.contains('@')),
                });
            }
            _ => {}
        }
    }
    (!found.method.is_empty()).then_some(found)
}

/// `text` split at `sep` where it is not inside double quotes, at most `splits` times.
fn split_outside_quotes(text: &str, sep: char, splits: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted && out.len() < splits {
            out.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out
}

/// `mailto:Kari@AID.dep.no` → `kari@aid.dep.no`.
fn without_mailto(value: &str) -> String {
    let v = value.trim().trim_matches('"');
    let v = match v.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("mailto:") => &v[7..],
        _ => v,
    };
    v.to_ascii_lowercase()
}

/// Subject prefixes of calendar answers sent without the object, and the PARTSTAT each means.
/// Outlook writes them in the sender's language; the longer forms come first.
const ANSWER_PREFIXES: &[(&str, &str)] = &[
    ("foreløpig godtatt:", "TENTATIVE"),
    ("tentatively accepted:", "TENTATIVE"),
    ("tentative:", "TENTATIVE"),
    ("foreløpig:", "TENTATIVE"),
    ("godtatt:", "ACCEPTED"),
    ("akseptert:", "ACCEPTED"),
    ("accepted:", "ACCEPTED"),
    ("avslått:", "DECLINED"),
    ("avvist:", "DECLINED"),
    ("declined:", "DECLINED"),
];

/// An answer that only the subject carries: "Godtatt: Samskapingsmøte om handlingsplan 5" gives
/// (ACCEPTED, the meeting's summary).
pub fn answer_in_subject(subject: &str) -> Option<(&'static str, String)> {
    let s = subject.trim_start();
    ANSWER_PREFIXES.iter().find_map(|(prefix, partstat)| {
        let head = s.get(..prefix.len())?;
        head.to_lowercase()
            .eq(prefix)
            .then(|| (*partstat, s[prefix.len()..].trim().to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outlook_acceptance_is_a_reply_with_its_answer() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED;CN=Kari N\r\n ordmann:mailto:kari@aid.dep.no\r\nUID:ogp5-kickoff@kdd.dep.no\r\nSUMMARY:Godtatt: Samskapingsmøte\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let found = parse(ics, None).unwrap();
        assert_eq!(found.method, "REPLY");
        assert_eq!(found.uid.as_deref(), Some("ogp5-kickoff@kdd.dep.no"));
        assert_eq!(
            found.answers,
            [CalendarAnswer {
                address: "kari@aid.dep.no".into(),
                name: Some("Kari Nordmann".into()),
                partstat: "ACCEPTED".into(),
                delegated_to: None,
            }]
        );
    }

    #[test]
    fn a_delegation_names_the_delegate() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:ogp5-kickoff@kdd.dep.no\r\nATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:Per.Olsen@kld.dep.no\":mailto:kari@kld.dep.no\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let found = parse(ics, None).unwrap();
        assert_eq!(found.answers[0].partstat, "DELEGATED");
        assert_eq!(
            found.answers[0].delegated_to.as_deref(),
            Some("per.olsen@kld.dep.no")
        );
    }

    #[test]
    fn outlook_answers_in_the_subject_alone() {
        assert_eq!(
            answer_in_subject("Godtatt: Samskapingsmøte om handlingsplan 5"),
            Some(("ACCEPTED", "Samskapingsmøte om handlingsplan 5".to_string()))
        );
        assert_eq!(answer_in_subject("Avslått: Møte").map(|a| a.0), Some("DECLINED"));
        assert_eq!(
            answer_in_subject("Foreløpig godtatt: Møte").map(|a| a.0),
            Some("TENTATIVE")
        );
        assert_eq!(
            answer_in_subject("Tentative: Meeting").map(|a| a.0),
            Some("TENTATIVE")
        );
        assert_eq!(
            answer_in_subject("ACCEPTED: Meeting").map(|a| a.0),
            Some("ACCEPTED")
        );
        assert_eq!(answer_in_subject("SV: Godtatt møtetid"), None);
        assert_eq!(answer_in_subject("Påmelding"), None);
    }

    #[test]
    fn text_that_is_not_a_calendar_is_none() {
        assert!(parse("METHOD:REPLY", None).is_none());
        assert!(parse("BEGIN:VCALENDAR\nEND:VCALENDAR", None).is_none());
    }
}
