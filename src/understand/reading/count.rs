//! Counts of people in what someone wrote: "vi blir tre", "2 personer", "to stk", "we will be two",
//! "bare én", "alene", "et par" — with the numbers of phones and dates left out.

use chrono::NaiveDate;

use super::super::{dates, phone};

const UNIT_WORDS: &[&str] = &[
    "person",
    "personer",
    "stk",
    "stykker",
    "deltaker",
    "deltakere",
    "deltager",
    "deltagere",
    "representant",
    "representanter",
    "fra oss",
    "av oss",
    "people",
    "persons",
    "participant",
    "participants",
    "attendee",
    "attendees",
    "representative",
    "representatives",
    "delegate",
    "delegates",
    "of us",
    "colleagues",
    "kolleger",
];

/// Whether `needle` occurs in `hay` as a whole word or phrase.
fn has(hay: &str, needle: &str) -> bool {
    find_word(hay, needle).is_some()
}

fn find_word(hay: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = hay[from..].find(needle) {
        let start = from + p;
        let end = start + needle.len();
        let before_ok = hay[..start].chars().last().is_none_or(|c| !c.is_alphanumeric());
        let after_ok =
            needle.ends_with(' ') || hay[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(start);
        }
        from = start + needle.len().max(1);
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

fn number_word(word: &str) -> Option<u32> {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    if let Ok(n) = w.parse::<u32>() {
        return (1..=30).contains(&n).then_some(n);
    }
    super::super::lexicon::number_word(w)
}

/// Whether a count stands in the four words after one of `verbs` ("vi blir nok bare to",
/// "HOD blir tre", "det blir bare meg", "we will be two"): "To av oss sitter i Trondheim, og det blir mye reising"
/// counts no one who comes.
pub fn counted_after(lower: &str, verbs: &[&str]) -> bool {
    let words: Vec<&str> = lower.split_whitespace().collect();
    verbs.iter().any(|verb| {
        let verb: Vec<&str> = verb.split_whitespace().collect();
        (0..words.len()).any(|i| {
            words.len() >= i + verb.len()
                && words[i..i + verb.len()]
                    .iter()
                    .zip(&verb)
                    .all(|(w, v)| w.trim_matches(|c: char| !c.is_alphanumeric()) == *v)
                && {
                    let window: Vec<&str> = words[i + verb.len()..].iter().take(4).copied().collect();
                    window.iter().take(3).any(|w| number_word(w).is_some())
                        || count_in(&window.join(" ")).is_some()
                }
        })
    })
}

/// "vi blir tre", "2 personer", "to stk", "we will be two", "bare én", "alene".
pub fn count_in(clause: &str) -> Option<u32> {
    // Telephone numbers hold digits that are not counts.
    let mut without_phones = clause.to_string();
    if clause.bytes().any(|b| b.is_ascii_digit()) {
        for found in phone::find_all(clause).iter().rev() {
            without_phones.replace_range(found.start..found.end, " ");
        }
        // Dates hold numbers that are not counts either ("møtet 23. juni").
        let reference = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        let mut spans: Vec<(usize, usize)> = dates::find_all(&without_phones, reference)
            .iter()
            .map(|d| (d.start, d.end))
            .collect();
        spans.sort();
        for (start, end) in spans.into_iter().rev() {
            if without_phones.is_char_boundary(start) && without_phones.is_char_boundary(end) {
                without_phones.replace_range(start..end, " ");
            }
        }
    }
    let lower = without_phones.to_lowercase();
    if has(&lower, "alene") || has(&lower, "alone") || has(&lower, "bare meg") || has(&lower, "only me") {
        return Some(1);
    }
    if has(&lower, "et par")
        || has(&lower, "eit par")
        || has(&lower, "a couple of")
        || has(&lower, "a couple")
    {
        return Some(2);
    }
    let words: Vec<&str> = lower.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if w.starts_with('+') || w.contains('@') {
            continue;
        }
        let Some(n) = number_word(w) else { continue };
        let rest = words[i + 1..]
            .iter()
            .take(3)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let unit = UNIT_WORDS.iter().any(|u| {
            rest.starts_with(u)
                || rest
                    .split_whitespace()
                    .nth(1)
                    .is_some_and(|second| second.starts_with(u))
        });
        // The verb right before the number, or with "med", the subject or an adverb between
        // ("stiller med fire", "blir vi tre", "blir trolig to").
        let before = words[..i]
            .iter()
            .rev()
            .take(3)
            .copied()
            .filter(|b| !["med", "with", "vi", "we", "me"].contains(b) && !super::is_light_adverb(b))
            .take(1)
            .collect::<Vec<_>>();
        let stated = before.iter().any(|b| {
            [
                "blir",
                "vert",
                "ble",
                "blei",
                "vart",
                "er",
                "kommer",
                "kjem",
                "stiller",
                "deltar",
                "deltek",
                "sender",
                "be",
                "are",
                "bare",
                "kun",
                "only",
                "totalt",
                "til sammen",
                "sammen",
            ]
            .contains(&b.trim_matches(|c: char| !c.is_alphanumeric()))
        });
        // "en"/"ett"/"to" are also ordinary words: only a count next to a unit or a verb of coming.
        let ambiguous =
            ["en", "ei", "ett", "to", "one", "ni"].contains(&w.trim_matches(|c: char| !c.is_alphanumeric()));
        let clause_end = i + 1 == words.len()
            || w.ends_with(['.', ',', '!', ':', ';'])
            || words[i + 1].ends_with(['.', ',', '!']);
        // "blir to", "stiller med to": after a Norwegian verb "to" is two, never the English word.
        let norwegian_verb = before.iter().any(|b| {
            [
                "blir", "vert", "stiller", "er", "kommer", "kjem", "deltar", "deltek", "bare", "kun", "berre",
            ]
            .contains(&b.trim_matches(|c: char| !c.is_alphanumeric()))
        });
        let two = w.trim_matches(|c: char| !c.is_alphanumeric()) == "to";
        if unit || (stated && (!ambiguous || clause_end || w.contains('é') || (two && norwegian_verb))) {
            return Some(n);
        }
    }
    None
}
