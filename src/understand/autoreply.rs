//! Automatic replies: out-of-office and other machine answers (RFC 3834 `Auto-Submitted`,
//! `X-Autoreply`, Exchange's `X-Auto-Response-Suppress`, `Precedence`), and the words of
//! "Automatisk svar", "Fraværsmelding", "Ute av kontoret", "Out of office", "Automatic reply".
//! An out-of-office that says when its writer is back ("til og med 1. juli") gives that day, so
//! reminders can wait for it.

use chrono::NaiveDate;
use mail_parser::Message;

use super::dates;

/// Subjects of automatic replies, lowercased.
const SUBJECTS: &[&str] = &[
    "automatisk svar",
    "autosvar",
    "auto-svar",
    "fraværsmelding",
    "fravær",
    "ute av kontoret",
    "ikke på kontoret",
    "ferie",
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "autoreply",
    "auto-reply",
    "autoresponse",
    "auto response",
    "auto:",
    // A records office's receipt: "Kvittering: …".
    "kvittering",
    "mottakskvittering",
    "away from",
    "on vacation",
    "on leave",
    "abwesenheitsnotiz",
    "automatische antwort",
    "frånvaro",
    "automatiskt svar",
    "réponse automatique",
    "absence",
];

/// Words in the body of an out-of-office.
const BODY: &[&str] = &[
    "er ute av kontoret",
    "er på ferie",
    "er borte",
    "er fraværende",
    "har ferie",
    "er i permisjon",
    "er tilbake",
    "tilbake på kontoret",
    "begrenset tilgang til e-post",
    "leser ikke e-post",
    "jeg er ikke på kontoret",
    "out of the office",
    "out of office",
    "on annual leave",
    "on vacation",
    "on holiday",
    "limited access to e-mail",
    "limited access to email",
    "i will be back",
    "i am away",
    "i'm away",
    "i will return",
    // A records office's receipt.
    "er mottatt og vil bli",
    "vil bli registrert og fordelt",
    "vil bli journalført",
    "har mottatt din henvendelse",
    "har mottatt e-posten din",
    "har mottatt eposten din",
    "har mottatt din e-post",
    "vurdert for journalføring",
    "du trenger ikke sende e-posten på nytt",
    "takk for din henvendelse",
    "we have received your",
    "your message has been received",
];

/// Words only a machine writes of itself: they decide alone, in the message's own part (above
/// any quote), as a records office's receipt says them ("automatisk generert", "kan ikke besvares").
const MACHINE: &[&str] = &[
    "automatisk generert",
    "automatisk generert e-post",
    "automatisk utsendt",
    "automatisk melding",
    "automatisk kvittering",
    "kan ikke besvares",
    "denne e-posten kan ikke besvares",
    "ikke svar på denne e-posten",
    "vennligst ikke svar på denne",
    "automatically generated",
    "this is an automated message",
    "this is an automatic message",
    "do not reply to this e-mail",
    "do not reply to this email",
    "please do not reply to this",
];

/// The message's own part: what stands above the first quoted line or quote header.
fn own_part(text: &str) -> &str {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('>')
            || t.starts_with("Fra:")
            || t.starts_with("From:")
            || t.starts_with("-----")
            || t.starts_with("________________")
        {
            break;
        }
        at += line.len();
    }
    &text[..at]
}

/// What an automatic reply says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AutoReply {
    /// The first day its writer is back, when it says.
    pub returns_on: Option<NaiveDate>,
    /// What gave it away.
    pub signal: String,
}

/// Whether `message` is an automatic reply; headers first, then subject, then the words.
pub fn detect(message: &Message<'_>, text: &str) -> Option<String> {
    if let Some(value) = message.header_raw("Auto-Submitted") {
        let v = value.trim().to_ascii_lowercase();
        if !v.is_empty() && !v.starts_with("no") {
            return Some(format!("Auto-Submitted: {v}"));
        }
    }
    for header in ["X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply"] {
        if message.header_raw(header).is_some() {
            return Some(header.to_string());
        }
    }
    if let Some(value) = message.header_raw("Precedence") {
        let v = value.trim().to_ascii_lowercase();
        if v == "auto_reply" || v == "junk" {
            return Some(format!("Precedence: {v}"));
        }
    }
    let own = own_part(text).to_lowercase();
    if let Some(m) = MACHINE.iter().find(|m| own.contains(*m)) {
        return Some(format!("\"{m}\""));
    }
    let subject = super::head(message.subject().unwrap_or(""), 1024).to_lowercase();
    let subject_signal = SUBJECTS.iter().find(|s| subject.contains(*s));
    let suppress = message.header_raw("X-Auto-Response-Suppress").is_some();
    match (subject_signal, suppress) {
        (Some(s), _) if subject.starts_with(s) || subject.contains(&format!("{s}:")) => {
            return Some(format!("subject \"{s}\""));
        }
        (Some(s), true) => return Some(format!("subject \"{s}\" with X-Auto-Response-Suppress")),
        (None, false) => return None,
        _ => {}
    }
    // The body decides only with a signal elsewhere: people write "out of office" too.
    let body = text.to_lowercase();
    let body_signal = BODY.iter().find(|s| body.contains(*s));
    match (subject_signal, suppress, body_signal) {
        (Some(s), _, Some(b)) => Some(format!("subject \"{s}\" and \"{b}\"")),
        (None, true, Some(b)) => Some(format!("X-Auto-Response-Suppress and \"{b}\"")),
        _ => None,
    }
}

/// The first day back, read from the reply's words; `reference` is the reply's date.
pub fn return_date(text: &str, reference: NaiveDate) -> Option<NaiveDate> {
    let lower = text.to_lowercase();
    // Words before a date that say how to read it: back on that day, or away through it.
    const BACK_ON: &[&str] = &[
        "tilbake",
        "igjen",
        "back",
        "return",
        "returning",
        "kontoret fra",
        "from",
        "fra og med",
        "f.o.m",
    ];
    const AWAY_THROUGH: &[&str] = &[
        "til og med",
        "t.o.m",
        "tom.",
        "frem til",
        "fram til",
        "inntil",
        "til",
        "until",
        "till",
        "through",
        "to",
    ];
    let found = dates::find_all(&lower, reference);
    let mut best: Option<NaiveDate> = None;
    for date in found {
        if date.date < reference {
            continue;
        }
        let before = &lower[lower.floor_char_boundary(date.start.saturating_sub(40))..date.start];
        let before = before.trim_end();
        // The last cue before the date decides.
        let back = BACK_ON.iter().filter_map(|c| before.rfind(c).map(|p| (p, true)));
        let away = AWAY_THROUGH.iter().filter_map(|c| {
            before
                .rfind(c)
                .filter(|p| {
                    // whole words only ("til" in "tilbake" is not "til")
                    let end = p + c.len();
                    before[end..].chars().next().is_none_or(|ch| !ch.is_alphabetic())
                        && before[..*p].chars().last().is_none_or(|ch| !ch.is_alphabetic())
                })
                .map(|p| (p, false))
        });
        let cue = back.chain(away).max_by_key(|(p, _)| *p);
        let day = match cue {
            Some((_, true)) => Some(date.date),
            Some((_, false)) => date.date.succ_opt(),
            None => None,
        };
        if let Some(day) = day {
            // The latest day mentioned is when they are surely back.
            best = Some(best.map_or(day, |b| b.max(day)));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, m, d).unwrap()
    }

    #[test]
    fn the_words_before_a_date_may_start_inside_a_letter_of_several_bytes() {
        // Found by fuzzing: 40 bytes before the date fell inside an "ø".
        let text = format!("{} til 1. juli", "ø".repeat(45));
        assert_eq!(return_date(&text, day(6, 16)), Some(day(7, 2)));
    }

    #[test]
    fn away_through_a_day_means_back_the_day_after() {
        assert_eq!(
            return_date("Jeg er på ferie til og med 1. juli.", day(6, 16)),
            Some(day(7, 2))
        );
        assert_eq!(
            return_date("Fraværende t.o.m. 01.07.2022", day(6, 16)),
            Some(day(7, 2))
        );
        assert_eq!(
            return_date("I am out of the office until July 1st.", day(6, 16)),
            Some(day(7, 2))
        );
    }

    #[test]
    fn back_on_a_day_means_that_day() {
        assert_eq!(
            return_date("Jeg er tilbake mandag 4. juli.", day(6, 16)),
            Some(day(7, 4))
        );
        assert_eq!(
            return_date("I will be back on 4 July.", day(6, 16)),
            Some(day(7, 4))
        );
        assert_eq!(
            return_date("Jeg er borte fra 20. juni og tilbake 4. juli", day(6, 16)),
            Some(day(7, 4))
        );
    }

    #[test]
    fn no_date_no_return_day() {
        assert_eq!(
            return_date("Jeg har begrenset tilgang til e-post.", day(6, 16)),
            None
        );
    }

    #[test]
    fn headers_and_subjects_give_automatic_replies_away() {
        let parse = |raw: &str| {
            mail_parser::MessageParser::default()
                .parse(raw.as_bytes())
                .unwrap()
                .into_owned()
        };
        let m = parse("Subject: Re: x\r\nAuto-Submitted: auto-replied\r\n\r\nhei");
        assert!(detect(&m, "hei").is_some());
        let m = parse("Subject: Automatisk svar: Invitasjon\r\n\r\nJeg er på ferie");
        assert!(detect(&m, "Jeg er på ferie").is_some());
        let m = parse(
            "Subject: SV: Invitasjon\r\nAuto-Submitted: no\r\n\r\nVi kommer, men jeg har ferie etterpå",
        );
        assert!(detect(&m, "Vi kommer, men jeg har ferie etterpå").is_none());
    }

    #[test]
    fn a_records_office_receipt_says_it_is_a_machine_and_a_quoted_one_does_not_count() {
        let parse = |raw: &str| {
            mail_parser::MessageParser::default()
                .parse(raw.as_bytes())
                .unwrap()
                .into_owned()
        };
        let receipt = "Takk for din henvendelse. Vi bekrefter at e-posten er mottatt og vil bli journalført.\n\nDette er en automatisk generert e-post som ikke kan besvares.";
        let m = parse(&format!("Subject: Mottatt: Invitasjon\r\n\r\n{receipt}"));
        assert!(detect(&m, receipt).is_some());
        // A person answering above such a receipt is a person.
        let reply = format!("Vi kommer to stykker.\n\nFra: Postmottak KD\n{receipt}");
        let m = parse(&format!("Subject: SV: Mottatt: Invitasjon\r\n\r\n{reply}"));
        assert!(detect(&m, &reply).is_none());
        // One that says it only in words, with Exchange's header that suppresses replies.
        let receipt = "Takk for din henvendelse til Statsministerens kontor.\n\nE-posten er mottatt og vil bli registrert og fordelt i løpet av to virkedager.";
        let m = parse(&format!(
            "Subject: Mottatt: Invitasjon\r\nX-Auto-Response-Suppress: All\r\n\r\n{receipt}"
        ));
        assert!(detect(&m, receipt).is_some());
        // A receipt under its own subject, with no header at all.
        let receipt = "Kunnskapsdepartementet har mottatt e-posten din.\n\nHenvendelser blir vurdert for journalføring etter arkivloven.";
        let m = parse(&format!("Subject: Kvittering: Invitasjon\r\n\r\n{receipt}"));
        assert!(detect(&m, receipt).is_some());
    }
}
