//! Reading a date-poll answer as people write it: "1 og 3 passer", "alle unntatt fredag",
//! "29. august passer ikke", "Begge datoene i september går fint", "any of them works except
//! the 31st". Pure: the candidates are given as local dates, numbered from 1.
//!
//! Each clause names candidates (by number, by date, by weekday, or "all", minus those after
//! "unntatt"/"except") and says yes or no (no when negated). A later clause wins over an earlier
//! one for the same candidate.

use chrono::{Datelike, NaiveDate, Weekday};

/// What one person said about the candidates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollAnswer {
    /// Candidate numbers (from 1) that suit, ascending.
    pub yes: Vec<usize>,
    /// Candidate numbers that do not.
    pub no: Vec<usize>,
}

impl PollAnswer {
    pub fn is_empty(&self) -> bool {
        self.yes.is_empty() && self.no.is_empty()
    }
}

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("mandag", Weekday::Mon),
    ("monday", Weekday::Mon),
    ("tirsdag", Weekday::Tue),
    ("tuesday", Weekday::Tue),
    ("onsdag", Weekday::Wed),
    ("wednesday", Weekday::Wed),
    ("torsdag", Weekday::Thu),
    ("thursday", Weekday::Thu),
    ("fredag", Weekday::Fri),
    ("friday", Weekday::Fri),
    ("mandager", Weekday::Mon),
    ("mondays", Weekday::Mon),
    ("tirsdager", Weekday::Tue),
    ("tuesdays", Weekday::Tue),
    ("onsdager", Weekday::Wed),
    ("wednesdays", Weekday::Wed),
    ("torsdager", Weekday::Thu),
    ("thursdays", Weekday::Thu),
    ("fredager", Weekday::Fri),
    ("fridays", Weekday::Fri),
];

/// Words that name every candidate ("ingen" and "none" too: every one, negatively).
const ALL: &[&str] = &[
    "ingen",
    "none",
    "neither",
    "alle",
    "alt",
    "samtlige",
    "begge",
    "hvilken som helst",
    "hvilket som helst",
    "all",
    "any",
    "both",
    "either",
    "every",
];

const EXCEPT: &[&str] = &[
    "med unntak av",
    "unntatt",
    "untatt",
    "bortsett fra",
    "utenom",
    "except",
    "but not",
    "other than",
    "apart from",
];

const NEGATIVE: &[&str] = &[
    "ikke",
    "ikkje",
    "ingen",
    "dessverre",
    "umulig",
    "opptatt",
    "not",
    "n't",
    "cannot",
    "unable",
    "none",
    "neither",
    "busy",
    "unfortunately",
    "dårlig",
    "vanskelig",
    "badly",
    "difficult",
    "poorly",
];

const POSITIVE: &[&str] = &[
    "passer",
    "går fint",
    "går bra",
    "fungerer",
    "kan vi",
    "kan jeg",
    "kan komme",
    "kommer",
    "ok",
    "fint",
    "suit",
    "suits",
    "work",
    "works",
    "fine",
    "good",
    "can make",
    "can do",
    "available",
    "prefer",
    "foretrekker",
    "helst",
    "best",
];

/// Reads `text` for answers about `candidates` (their local dates, in order).
pub fn read(text: &str, candidates: &[NaiveDate]) -> PollAnswer {
    let mut verdict: Vec<Option<bool>> = vec![None; candidates.len()];
    for clause in clauses(text) {
        let lower = clause.to_lowercase();
        let (named, except_part) = split_except(&lower);
        let mut refs = references(named, candidates);
        // "alle", "any", "ingen": every candidate, unless some are named ("both 1 and 3").
        let all = refs.is_empty() && ALL.iter().any(|w| has_word(named, w));
        if all {
            refs = (0..candidates.len()).collect();
        }
        let excepted = except_part.map(|e| references(e, candidates)).unwrap_or_default();
        if refs.is_empty() && excepted.is_empty() {
            continue;
        }
        let negative = NEGATIVE.iter().any(|w| has_word(named, w)) || named.contains("n't");
        let positive = POSITIVE.iter().any(|w| has_word(named, w));
        // A clause that only names candidates ("1 og 3.") is an answer too: yes.
        let yes = !negative || (all && !excepted.is_empty() && positive);
        for i in &refs {
            if !excepted.contains(i) {
                verdict[*i] = Some(yes);
            }
        }
        for i in excepted {
            verdict[i] = Some(!yes);
        }
    }
    let mut answer = PollAnswer::default();
    for (i, v) in verdict.into_iter().enumerate() {
        match v {
            Some(true) => answer.yes.push(i + 1),
            Some(false) => answer.no.push(i + 1),
            None => {}
        }
    }
    answer
}

/// Sentences and lines, and parts joined by ";" or " men "/" but ".
fn clauses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('>') {
            continue;
        }
        for sentence in split_sentences(line) {
            // ASCII lowercase keeps every byte where it was, so its offsets hold in `sentence`.
            let lower = sentence.to_ascii_lowercase();
            let mut start = 0;
            while let Some((i, sep)) = [" men ", " but ", "; "]
                .iter()
                .filter_map(|sep| lower[start..].find(sep).map(|i| (i, sep.len())))
                .min()
            {
                out.push(sentence[start..start + i].to_string());
                start += i + sep;
            }
            out.push(sentence[start..].to_string());
        }
    }
    out
}

/// Splits at ". ", "! ", "? " where the period does not end a day number ("29. august").
fn split_sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut start = 0;
    for i in 0..bytes.len() {
        let end = matches!(bytes[i], b'.' | b'!' | b'?')
            && bytes.get(i + 1).is_none_or(|b| *b == b' ')
            && !(bytes[i] == b'.' && i > 0 && bytes[i - 1].is_ascii_digit());
        if end {
            out.push(&line[start..i]);
            start = i + 1;
        }
    }
    out.push(&line[start..]);
    out
}

fn split_except(lower: &str) -> (&str, Option<&str>) {
    for e in EXCEPT {
        if let Some(i) = find_word(lower, e) {
            return (&lower[..i], Some(&lower[i + e.len()..]));
        }
    }
    (lower, None)
}

/// The candidates a piece of text names: dates as people write them ("29. august", "29.8",
/// "August 29"), "the 31st", weekdays ("fredag", "mandager"), and bare numbers ("1", "nr. 3",
/// "alternativ 2").
fn references(text: &str, candidates: &[NaiveDate]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let add = |i: usize, out: &mut Vec<usize>| {
        if !out.contains(&i) {
            out.push(i);
        }
    };
    // Dates, read the way replies are read everywhere else; then what they took is blanked so
    // their day numbers are not read again as candidate numbers.
    let found = match candidates.iter().min() {
        Some(first) => crate::understand::dates::find_all(text, *first),
        None => Vec::new(),
    };
    let mut rest = text.to_string();
    for f in &found {
        for (i, c) in candidates.iter().enumerate() {
            if c.day() == f.date.day() && c.month() == f.date.month() {
                add(i, &mut out);
            }
        }
        rest.replace_range(f.start..f.end, &" ".repeat(f.end - f.start));
    }
    // Weekdays, unless they only name a date's day ("mandag 29.8.").
    for (word, day) in WEEKDAYS {
        let Some(at) = find_word(text, word) else { continue };
        let after = at + word.len();
        if found.iter().any(|f| f.start >= after && f.start <= after + 2) {
            continue;
        }
        for (i, c) in candidates.iter().enumerate() {
            if c.weekday() == *day {
                add(i, &mut out);
            }
        }
    }
    let tokens: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|t| !t.is_empty())
        .collect();
    for (k, raw) in tokens.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| tokens[p]).unwrap_or("");
        let digits: String = raw.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() || digits.len() > 2 || raw.contains(':') || prev == "kl." || prev == "kl" {
            continue;
        }
        let Ok(n) = digits.parse::<u32>() else { continue };
        let ordinal = ["st", "nd", "rd", "th"].iter().any(|s| raw.ends_with(s));
        let dotted = raw.ends_with('.');
        // "the 31st", "den 31." (more than there are candidates): a day of the month.
        if ordinal || (dotted && n as usize > candidates.len()) {
            for (i, c) in candidates.iter().enumerate() {
                if c.day() == n {
                    add(i, &mut out);
                }
            }
            continue;
        }
        // A bare number is a candidate's number.
        if n >= 1 && (n as usize) <= candidates.len() {
            add(n as usize - 1, &mut out);
        }
    }
    out.sort_unstable();
    out
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric()) {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

fn has_word(text: &str, word: &str) -> bool {
    find_word(text, word).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ogp5 candidates: Mon 29 Aug, Wed 31 Aug, Fri 2 Sep, Mon 5 Sep 2022.
    fn candidates() -> Vec<NaiveDate> {
        [(8, 29), (8, 31), (9, 2), (9, 5)]
            .iter()
            .map(|(m, d)| NaiveDate::from_ymd_opt(2022, *m, *d).unwrap())
            .collect()
    }

    fn answer(text: &str) -> (Vec<usize>, Vec<usize>) {
        let a = read(text, &candidates());
        (a.yes, a.no)
    }

    #[test]
    fn numbers_that_suit() {
        assert_eq!(answer("1 og 3 passer for oss."), (vec![1, 3], vec![]));
        assert_eq!(answer("Alternativ 2 og 4 går fint."), (vec![2, 4], vec![]));
        assert_eq!(answer("Nr. 1, 2 eller 4"), (vec![1, 2, 4], vec![]));
        assert_eq!(answer("Options 1 and 3 work for us."), (vec![1, 3], vec![]));
    }

    #[test]
    fn all_but_some() {
        assert_eq!(answer("Alle unntatt fredag passer."), (vec![1, 2, 4], vec![3]));
        assert_eq!(answer("Alle datoene passer"), (vec![1, 2, 3, 4], vec![]));
        assert_eq!(
            answer("Any of them works except the 31st."),
            (vec![1, 3, 4], vec![2])
        );
        assert_eq!(
            answer("Vi kan alle dager bortsett fra mandager"),
            (vec![2, 3], vec![1, 4])
        );
    }

    #[test]
    fn dates_that_do_not_suit() {
        assert_eq!(answer("29. august passer ikke."), (vec![], vec![1]));
        assert_eq!(answer("Vi kan dessverre ikke 2.9."), (vec![], vec![3]));
        assert_eq!(
            answer("31. august passer dårlig, men 5. september går fint."),
            (vec![4], vec![2])
        );
        assert_eq!(answer("Ingen av datoene passer."), (vec![], vec![1, 2, 3, 4]));
    }

    #[test]
    fn naming_some_is_not_naming_all() {
        assert_eq!(answer("Either 1 or 3 is fine."), (vec![1, 3], vec![]));
        assert_eq!(answer("Both 1 and 3 work for us."), (vec![1, 3], vec![]));
        assert_eq!(answer("Alt untatt 29.08 passer"), (vec![2, 3, 4], vec![1]));
        assert_eq!(answer("Kun fredag passer."), (vec![3], vec![]));
    }

    #[test]
    fn dates_written_every_way() {
        assert_eq!(answer("Vi kan 31.08 og 5/9."), (vec![2, 4], vec![]));
        assert_eq!(
            answer("August 29 or September 5 works for us."),
            (vec![1, 4], vec![])
        );
        assert_eq!(answer("Mandag 29.8.2022 passer best."), (vec![1], vec![]));
    }

    #[test]
    fn later_clauses_win_and_times_are_not_numbers() {
        assert_eq!(
            answer("1 passer. Beklager, 1 passer likevel ikke, men 2 gjør det."),
            (vec![2], vec![1])
        );
        assert_eq!(
            answer("Møtet kl. 9 den 31. august passer fint"),
            (vec![2], vec![])
        );
        assert_eq!(answer("Takk for invitasjonen."), (vec![], vec![]));
    }

    #[test]
    fn letters_that_change_length_in_lower_case_do_not_shift_the_clauses() {
        // "İ" is two bytes, its lower case three.
        assert_eq!(answer("İİİ 1 passer men 2 passer ikke"), (vec![1], vec![2]));
        assert_eq!(
            answer("1 passer men 2 passer ikke men 3 passer"),
            (vec![1, 3], vec![2])
        );
    }

    #[test]
    fn quoted_text_is_not_an_answer() {
        assert_eq!(
            answer("2 passer.\n> 1. Mandag 29. august\n> 3. Fredag 2. september"),
            (vec![2], vec![])
        );
    }
}
