//! The confirmation a sender gets after their reply changed the register: what was recorded, in
//! their language, so a misreading surfaces at once. Marked `Auto-Submitted: auto-replied`
//! (RFC 3834), threaded to their message, and never sent to automatic mail (the decide stage only
//! asks for it after a person's reply).

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::invitation::DraftError;
use super::mailing::{self, Mailing, Named};
use crate::config::{Config, Lang};
use crate::decide::Action;
use crate::register::NewMessage;

/// The outbox kind of a confirmation.
pub const KIND: &str = crate::ident::kind::CONFIRMATION;

#[derive(Serialize)]
struct Ctx<'a> {
    org: Named<'a>,
    lines: &'a [String],
}

/// What a confirmation answers.
pub struct Answering<'a> {
    pub org_id: &'a str,
    pub org_name: &'a str,
    pub to: &'a str,
    pub lang: Lang,
    /// The Message-ID of the reply being confirmed.
    pub their_message_id: &'a str,
    /// The decision's actions: what was recorded.
    pub recorded: &'a [Action],
}

/// Composes the confirmation of `answering`, dated `now`.
pub fn compose(
    config: &Config,
    secret: &[u8],
    answering: &Answering<'_>,
    now: DateTime<Utc>,
) -> Result<NewMessage, DraftError> {
    let lines = lines(answering.recorded, config, answering.lang);
    let hash = Sha256::digest(answering.their_message_id.as_bytes());
    let their = format!("<{}>", answering.their_message_id);
    mailing::compose(
        config,
        secret,
        Mailing {
            headers: vec![
                ("Auto-Submitted".into(), "auto-replied".into()),
                ("In-Reply-To".into(), their.clone()),
                ("References".into(), their),
            ],
            ..Mailing::plain(
                KIND,
                Some(answering.org_id),
                data_encoding::HEXLOWER.encode(&hash[..6]),
                None,
                mailing::recipient(None, answering.to)?,
                answering.lang,
                now,
            )
        },
        &Ctx {
            org: Named {
                name: answering.org_name,
            },
            lines: &lines,
        },
        now,
    )
}

/// `text` cut at a word to at most `max` characters, with "…" where it was cut.
fn shortened(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end())
}

/// What `recorded` (a decision's actions) changed, in the sender's language, one line per change,
/// each with the words it was read from.
pub fn lines(recorded: &[Action], config: &Config, lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    for action in recorded {
        match action {
            Action::SetRegistration {
                event,
                status,
                attendees,
                count,
                late,
                evidence,
                ..
            } => {
                let name = config
                    .event(event)
                    .map(|e| e.name.get(lang).to_string())
                    .unwrap_or_else(|| event.clone());
                let status_word = crate::config::words::answer(status, lang);
                let people: Vec<String> = attendees
                    .iter()
                    .map(|a| match (&a.name, &a.email) {
                        (Some(n), Some(e)) => format!("{n} <{e}>"),
                        (Some(n), None) => n.clone(),
                        (None, Some(e)) => e.clone(),
                        (None, None) => String::new(),
                    })
                    .filter(|p| !p.is_empty())
                    .collect();
                let mut line = format!("{name}: {status_word}");
                let n = count.map(|c| c as usize).unwrap_or(0).max(people.len());
                if n > 0 {
                    line.push_str(&match lang {
                        Lang::Nb => format!(", {n} {}", if n == 1 { "deltaker" } else { "deltakere" }),
                        Lang::En => format!(", {n} {}", if n == 1 { "participant" } else { "participants" }),
                    });
                }
                if !people.is_empty() {
                    line.push_str(&format!(" ({})", people.join(", ")));
                }
                if *late {
                    line.push_str(match lang {
                        Lang::Nb => " – mottatt etter fristen",
                        Lang::En => " – received after the deadline",
                    });
                }
                // The words it was read from, so that a misreading shows at once.
                let quoted: Vec<String> = evidence
                    .iter()
                    .take(2)
                    .map(|e| format!("«{}»", shortened(&e.text, 100)))
                    .collect();
                if !quoted.is_empty() {
                    line.push_str(&format!(" ({})", quoted.join(" ")));
                }
                lines.push(line);
            }
            Action::SetContact {
                name, email, phone, ..
            } => {
                let parts: Vec<String> = [name.clone(), email.clone(), phone.clone()]
                    .into_iter()
                    .flatten()
                    .collect();
                lines.push(format!(
                    "{}: {}",
                    match lang {
                        Lang::Nb => "Kontaktperson",
                        Lang::En => "Contact person",
                    },
                    parts.join(", ")
                ));
            }
            Action::PollAnswer {
                yes,
                no,
                maybe,
                evidence,
                ..
            } => {
                let slots = crate::config::words::slot_lines(config, lang);
                // Each slot with the words it was read from, so that a misreading shows at once;
                // slots read from the same words share the quote.
                let list = |numbers: &[usize]| -> String {
                    let mut parts: Vec<(String, String)> = Vec::new();
                    for n in numbers {
                        let Some(line) = slots.get(n.wrapping_sub(1)) else {
                            continue;
                        };
                        let why = match evidence.iter().find(|e| e.slot == *n && !e.text.is_empty()) {
                            Some(e) => format!("«{}»", e.text),
                            None if evidence.is_empty() => String::new(),
                            // An implied no, or what an earlier answer said and this one
                            // leaves as it was.
                            None => match (lang, no.contains(n)) {
                                (Lang::Nb, true) => "ikke blant dem du nevnte".into(),
                                (Lang::En, true) => "not among those you named".into(),
                                (Lang::Nb, false) => "som du svarte før".into(),
                                (Lang::En, false) => "as you answered before".into(),
                            },
                        };
                        match parts.last_mut() {
                            Some((lines, w)) if *w == why => {
                                lines.push_str("; ");
                                lines.push_str(line);
                            }
                            _ => parts.push((line.clone(), why)),
                        }
                    }
                    parts
                        .into_iter()
                        .map(|(lines, why)| {
                            if why.is_empty() {
                                lines
                            } else {
                                format!("{lines} ({why})")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                let (suits, not, might) = match lang {
                    Lang::Nb => ("Passer", "Passer ikke", "Passer kanskje"),
                    Lang::En => ("Suits you", "Does not suit you", "Might suit you"),
                };
                if !yes.is_empty() {
                    lines.push(format!("{suits}: {}", list(yes)));
                }
                if !maybe.is_empty() {
                    lines.push(format!("{might}: {}", list(maybe)));
                }
                if !no.is_empty() {
                    lines.push(format!("{not}: {}", list(no)));
                }
            }
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::understand::facts::{Attendee, Evidence};
    use crate::understand::poll_answer::{self, Said, Source};

    fn config() -> Config {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
        Config::load(&path).unwrap()
    }

    fn said(slot: usize, said: Said, text: &str) -> poll_answer::Evidence {
        poll_answer::Evidence {
            slot,
            said,
            source: Source::default(),
            start: 0,
            end: text.len(),
            text: text.into(),
        }
    }

    fn poll(yes: &[usize], no: &[usize], maybe: &[usize], evidence: Vec<poll_answer::Evidence>) -> Action {
        Action::PollAnswer {
            org: "aid".into(),
            event: "followup".into(),
            address: "lise.berg@aid.dep.no".into(),
            yes: yes.to_vec(),
            no: no.to_vec(),
            maybe: maybe.to_vec(),
            evidence,
        }
    }

    #[test]
    fn a_poll_answer_is_confirmed_as_written_suits_first_then_maybe_then_not_each_with_its_words() {
        let answer = poll(
            &[2, 4],
            &[1],
            &[3],
            vec![
                said(1, Said::No, "29. august går ikke"),
                said(2, Said::Yes, "31. august og 5. september passer fint"),
                said(4, Said::Yes, "31. august og 5. september passer fint"),
                said(3, Said::Maybe, "2. september er jeg usikker på"),
            ],
        );
        let lines = lines(&[answer], &config(), Lang::Nb);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].starts_with("Passer: 2. onsdag 31. august"), "{lines:?}");
        assert!(lines[1].starts_with("Passer kanskje: 3."), "{lines:?}");
        assert_eq!(
            lines[2],
            "Passer ikke: 1. mandag 29. august 2022 kl. 13.00–15.00 («29. august går ikke»)"
        );
        // Slots read from the same words share the quote.
        assert_eq!(
            lines[0]
                .matches("«31. august og 5. september passer fint»")
                .count(),
            1
        );
    }

    #[test]
    fn a_slot_this_answer_did_not_speak_of_says_why_it_stands() {
        // A correction of slot 3 only: 1 suits as answered before, 2 and 4 are left out.
        let answer = poll(
            &[1],
            &[2, 3, 4],
            &[],
            vec![said(3, Said::No, "3 passer likevel ikke")],
        );
        let nb = lines(std::slice::from_ref(&answer), &config(), Lang::Nb).join("\n");
        assert!(nb.contains("(som du svarte før)"), "{nb}");
        assert!(nb.contains("(«3 passer likevel ikke»)"), "{nb}");
        assert!(nb.contains("(ikke blant dem du nevnte)"), "{nb}");
        let en = lines(&[answer], &config(), Lang::En).join("\n");
        assert!(en.contains("Does not suit you: "), "{en}");
        assert!(en.contains("(as you answered before)"), "{en}");
    }

    #[test]
    fn a_registration_is_confirmed_with_its_people_and_the_words_it_was_read_from() {
        let words = "Fra AID kommer jeg og Ola Hansen (ola.hansen@aid.dep.no) på møtet 23. juni.";
        let registration = Action::SetRegistration {
            org: "aid".into(),
            event: "kickoff".into(),
            status: "registered".into(),
            attendees: vec![
                Attendee {
                    name: Some("Lise Berg".into()),
                    email: Some("lise.berg@aid.dep.no".into()),
                },
                Attendee {
                    name: Some("Ola Hansen".into()),
                    email: Some("ola.hansen@aid.dep.no".into()),
                },
            ],
            count: None,
            late: true,
            replace: false,
            withdrawn: Vec::new(),
            evidence: vec![Evidence {
                start: 0,
                end: words.len(),
                text: words.into(),
            }],
        };
        let contact = Action::SetContact {
            org: "aid".into(),
            name: Some("Ola Hansen".into()),
            email: None,
            phone: Some("+4722248700".into()),
        };
        let review = Action::Review {
            org: Some("aid".into()),
            reason: crate::config::Text::same("a question to answer"),
            proposal: Vec::new(),
        };
        let lines = lines(&[registration, review, contact], &config(), Lang::Nb);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("Samskapingsmøte om handlingsplan 5: påmeldt, 2 deltakere (Lise Berg <lise.berg@aid.dep.no>, Ola Hansen <ola.hansen@aid.dep.no>) – mottatt etter fristen"),
            "{lines:?}"
        );
        assert!(lines[0].ends_with(&format!("(«{words}»)")), "{lines:?}");
        assert_eq!(lines[1], "Kontaktperson: Ola Hansen, +4722248700");
    }

    #[test]
    fn a_long_quote_is_cut_at_a_word() {
        assert_eq!(shortened("en to tre fire", 9), "en to…");
        assert_eq!(shortened("  kort  ", 9), "kort");
    }
}
