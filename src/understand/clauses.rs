//! Splitting what a person wrote into sentences and clauses, each a byte span into their text,
//! so that whatever is read from a clause can say which words it came from.
//!
//! A sentence ends at ".", "!" or "?" before a space (not the period of a date or an
//! abbreviation: "29. august", "kl. 13", "5.9. har vi"), at a blank line, and at a line end
//! unless the line is a long one wrapped in mid-sentence ([`soft_breaks`]). Inside a sentence, clauses part at
//! ";", at ", ", at a spaced dash (not one between dates: "29. august – 2. september") and
//! before "men"/"but"; each clause says what joined it to the one before, so a reader can put
//! a list split at its commas back together ("1, 2 eller 4").

/// What joins a clause to the one before it in its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joint {
    /// The first clause of a sentence.
    Start,
    /// ", ": a list or a second clause; the reader decides.
    Comma,
    Semicolon,
    /// " – " or " - ".
    Dash,
    /// "men", "but", "however": what follows qualifies what came before.
    Contrast,
}

/// One clause: `text[start..end]`, without the punctuation that ends or joins it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clause {
    pub start: usize,
    pub end: usize,
    /// Which sentence (from 0) it belongs to.
    pub sentence: usize,
    pub joint: Joint,
    /// It ends its sentence with a question mark.
    pub question: bool,
}

impl Clause {
    /// The clause's words.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Abbreviations whose period ends no sentence, whatever follows ("kl. 13", "bl.a. Kari").
const ABBREVIATIONS: &[&str] = &[
    "kl", "nr", "ca", "evt", "jf", "jfr", "ref", "tlf", "mob", "dvs", "bl.a", "f.eks", "mht", "ifm", "vs",
    "st", "ev", "pkt", "alt", "tel", "e.g", "i.e", "etc", "approx", "mr", "mrs", "ms", "dr", "mvh", "pr",
    "avd", "dept", "inkl", "ekskl", "t.o.m", "f.o.m", "o.l", "m.m", "m.fl", "m.v", "ang", "iht", "pga",
    "vedr", "osv", "stk", "kap", "sr", "adm", "dir",
];

/// Abbreviated months and weekdays: no sentence ends before the digit or the word that goes on
/// with them ("31. aug. passer", "fre. 2.9"); before a capital one may.
const DATE_ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "des", "dec", "man",
    "tir", "tirs", "ons", "tor", "tors", "fre", "lør", "søn", "mon", "tue", "tues", "wed", "thu", "thur",
    "thurs", "fri", "sat", "sun",
];

/// Whether the period at `at` of `text` (followed by a space, a line end or the end) ends a
/// sentence: not after an abbreviation or a lone letter ("kl. 13", "Ola H. Berg"), not after a
/// day's number that goes on ("29. august", "5.9. har vi"); after any other word it does, also
/// before a word in lower case ("2.9 passer for oss. mandagene har vi ledermøte"), since many
/// write without capitals. The one rule of the reply reader and the poll reader.
pub fn period_ends_sentence(text: &str, at: usize) -> bool {
    let after = text[at + 1..].trim_start_matches([' ', '\t']);
    let Some(next) = after.chars().next().filter(|c| *c != '\n' && *c != '\r') else {
        return true;
    };
    let word: String = text[..at]
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let word = word.trim_matches('.').to_lowercase();
    if word.is_empty() {
        return true;
    }
    // "den 23. Navnene ettersender jeg": a day's number ends the sentence before a capital
    // that is no month ("23. juni", "23. June" go on).
    if word.chars().all(|c| c.is_ascii_digit() || c == '.') {
        let next_word = after.split_whitespace().next().unwrap_or("");
        return next.is_uppercase() && !super::dates::is_month_name(next_word);
    }
    if ABBREVIATIONS.contains(&word.as_str())
        || (word.chars().count() == 1 && word.chars().all(char::is_alphabetic))
    {
        return false;
    }
    if DATE_ABBREVIATIONS.contains(&word.as_str()) {
        return next.is_uppercase();
    }
    true
}

/// Words that open a clause which qualifies the one before.
const CONTRAST: &[&str] = &["men", "but", "however", "though", "although", "derimot"];

/// Lines at least this long that end without punctuation were probably wrapped by the client.
const WRAPPED_LINE: usize = 60;

/// The widest a client wraps plain text: longer lines were written as they stand.
const WIDEST_WRAP: usize = 100;

/// Words a sentence does not end on: prepositions, conjunctions, articles.
const JOINING_WORDS: &[&str] = &[
    "og", "eller", "med", "til", "for", "på", "av", "fra", "frå", "om", "som", "at", "samt", "enn", "i",
    "hos", "ved", "saman", "sammen", "and", "or", "with", "to", "of", "the", "a", "an", "from", "by", "at",
    "in", "on",
];

/// The line ends in `text` that the mail client put in, not the writer: where a long line was
/// wrapped in mid-sentence ("Min kollega Sander Lien⏎(sander.lien@hod.dep.no) kommer"), as
/// byte offsets of the `\n`.
///
/// A line was wrapped when the next line's first word would not have fitted on it: the text's
/// widest line (up to [`WIDEST_WRAP`]) gives the width it was wrapped at. Or when a long line
/// stops without punctuation and the sentence goes on in lower case. Never before a list item
/// or after a list head (":"), never between two lines that both give an address or both hold a
/// tab (rows of a list or a table).
pub fn soft_breaks(text: &str) -> Vec<usize> {
    // Each line with the offset of the '\n' that ends it.
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .scan(0, |at, line| {
            *at += line.len() + 1;
            Some((*at - 1, line))
        })
        .collect();
    let width = lines
        .iter()
        .map(|(_, l)| l.trim_end().chars().count())
        .filter(|n| *n <= WIDEST_WRAP)
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for pair in lines.windows(2) {
        let ((end, line), (_, next)) = (pair[0], pair[1]);
        let line = line.trim_end();
        let next = next.trim();
        let len = line.chars().count();
        let Some(first) = next.split_whitespace().next() else {
            continue;
        };
        let item = first.starts_with(['-', '*', '•', '–', '>'])
            || (first.len() <= 3
                && first.ends_with(['.', ')'])
                && first[..first.len() - 1].bytes().all(|b| b.is_ascii_digit()));
        // Two lines that each give an address are rows, unless the first ends mid-list
        // ("Omar Farah (omar.farah@aid.dep.no) og⏎Live Brattli (…)").
        let mid_list = line.ends_with(',')
            || line.rsplit(' ').next().is_some_and(|w| {
                ["og", "and", "samt", "&", "eller", "or"].contains(&w.to_lowercase().as_str())
            });
        let rows = (line.contains('@') && next.contains('@') && !mid_list)
            || line.contains('\t')
            || next.contains('\t');
        if line.is_empty() || line.ends_with(':') || item || rows {
            continue;
        }
        let too_long_for_the_next_word =
            width >= 50 && len <= width && len * 5 >= width * 3 && len + 1 + first.chars().count() > width;
        let goes_on_in_lower_case = len >= WRAPPED_LINE
            && !line.ends_with(['.', '!', '?', ';'])
            && first.chars().next().is_some_and(char::is_lowercase);
        // "Eg kjem sjølv, saman med⏎Ragnhild Vatne": no sentence ends on such a word.
        let last = line.rsplit(' ').next().unwrap_or("").to_lowercase();
        let ends_on_a_joining_word = len >= 30 && JOINING_WORDS.contains(&last.as_str());
        if too_long_for_the_next_word || goes_on_in_lower_case || ends_on_a_joining_word {
            out.push(end);
        }
    }
    out
}

/// `text` with its [`soft_breaks`] made spaces: the same length, so every offset into it is an
/// offset into `text`.
pub fn unwrapped(text: &str) -> std::borrow::Cow<'_, str> {
    let breaks = soft_breaks(text);
    if breaks.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for at in breaks {
        bytes[at] = b' ';
        if at > 0 && bytes[at - 1] == b'\r' {
            bytes[at - 1] = b' ';
        }
    }
    // Only ASCII line ends were replaced by ASCII spaces.
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
}

/// The sentences of `text`, as byte spans without their closing punctuation, and whether each
/// ends with a question mark.
pub fn sentences(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let push = |s: usize, e: usize, question: bool, out: &mut Vec<(usize, usize, bool)>| {
        let (s, e) = trim(text, s, e);
        if s < e {
            out.push((s, e, question));
        }
    };
    let soft = soft_breaks(text);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'.' | b'!' | b'?' => {
                let next = bytes.get(i + 1).copied();
                let at_space = next.is_none_or(|n| n == b' ' || n == b'\t' || n == b'\r' || n == b'\n');
                if at_space && (b != b'.' || period_ends_sentence(text, i)) {
                    push(start, i, b == b'?', &mut out);
                    // "?!", "..." and the like close one sentence.
                    start = i + 1;
                }
                i += 1;
            }
            b'\n' => {
                if soft.binary_search(&i).is_err() {
                    push(start, i, false, &mut out);
                    start = i + 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    push(start, text.len(), false, &mut out);
    out
}

fn trim(text: &str, mut s: usize, mut e: usize) -> (usize, usize) {
    let t = &text[s..e];
    let lead = t.len() - t.trim_start().len();
    s += lead;
    let t = &text[s..e];
    e = s + t.trim_end().len();
    (s, e)
}

/// The clauses of `text`, in order.
pub fn split(text: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    for (n, (s, e, question)) in sentences(text).into_iter().enumerate() {
        let sentence = &text[s..e];
        let mut pieces: Vec<(usize, usize, Joint)> = Vec::new();
        let mut from = 0;
        let mut joint = Joint::Start;
        let mut i = 0;
        let bytes = sentence.as_bytes();
        while i < bytes.len() {
            let rest = &sentence[i..];
            let cut = if rest.starts_with("; ") || rest.starts_with(";\n") {
                Some((1, Joint::Semicolon))
            } else if rest.starts_with(", ") || rest.starts_with(",\n") {
                Some((1, Joint::Comma))
            } else if let Some(len) = spaced_dash(sentence, i) {
                Some((len, Joint::Dash))
            } else if i > 0
                && bytes[i - 1] == b' '
                && CONTRAST.iter().any(|w| starts_with_word(rest, w))
                && !sentence[..i].trim_end().ends_with(',')
            {
                Some((0, Joint::Contrast))
            } else {
                None
            };
            match cut {
                Some((len, next)) => {
                    pieces.push((from, i, joint));
                    from = i + len;
                    joint = next;
                    i += len.max(1);
                }
                None => i += rest.chars().next().map(char::len_utf8).unwrap_or(1),
            }
        }
        pieces.push((from, sentence.len(), joint));
        let last = pieces.len() - 1;
        for (k, (ps, pe, mut joint)) in pieces.into_iter().enumerate() {
            let (cs, ce) = trim(text, s + ps, s + pe);
            // ", men" and ", but": the comma is only punctuation before a contrast.
            if joint == Joint::Comma && CONTRAST.iter().any(|w| starts_with_word(&text[cs..ce], w)) {
                joint = Joint::Contrast;
            }
            if cs < ce {
                out.push(Clause {
                    start: cs,
                    end: ce,
                    sentence: n,
                    joint,
                    question: question && k == last,
                });
            }
        }
    }
    out
}

/// The length of a dash with spaces around it at `i` (" – "), unless it joins two dates or
/// numbers ("29. august – 2. september", "13 - 15").
fn spaced_dash(sentence: &str, i: usize) -> Option<usize> {
    let rest = &sentence[i..];
    // Asked at every byte of every sentence: the cheap test first.
    if !rest.starts_with(' ') {
        return None;
    }
    let dash = ["–", "—", "-"]
        .iter()
        .find(|d| rest.starts_with(&format!(" {d} ")))?;
    let after = &rest[dash.len() + 2..];
    if after
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
    {
        let before = sentence[..i].trim_end();
        if before
            .split_whitespace()
            .next_back()
            .is_some_and(|w| w.chars().any(|c| c.is_ascii_digit()) || super::dates::is_month_name(w))
        {
            // A run of dates ("29. august – 2. september") is one; a later date before an
            // earlier one ("bare 5. september – 29. august er vi bortreist") ends a clause.
            let reference = chrono::NaiveDate::from_ymd_opt(2001, 1, 1).unwrap_or_default();
            let run = super::dates::find_spans(sentence, reference)
                .iter()
                .any(|s| s.start < i && i < s.end);
            let dates_around = super::dates::find_all(sentence, reference).len() >= 2;
            if run || !dates_around {
                return None;
            }
        }
    }
    Some(dash.len() + 2)
}

fn starts_with_word(text: &str, word: &str) -> bool {
    let lower: String = text
        .chars()
        .take(word.chars().count() + 1)
        .collect::<String>()
        .to_lowercase();
    lower.starts_with(word)
        && lower[word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(&str, Joint)> {
        split(text).iter().map(|c| (c.text(text), c.joint)).collect()
    }

    #[test]
    fn sentences_end_at_their_punctuation_not_at_a_date_s() {
        let text = "Vi kan ikke 29.8. Resten er ok. 29. august passer, 5.9. har vi møter!";
        let s: Vec<&str> = sentences(text).iter().map(|(s, e, _)| &text[*s..*e]).collect();
        assert_eq!(
            s,
            [
                "Vi kan ikke 29.8",
                "Resten er ok",
                "29. august passer, 5.9. har vi møter"
            ]
        );
    }

    #[test]
    fn abbreviations_do_not_end_a_sentence() {
        let text = "Møtet kl. 9 passer. Nr. 2 går også. Ca. 3 personer.";
        let s: Vec<&str> = sentences(text).iter().map(|(s, e, _)| &text[*s..*e]).collect();
        assert_eq!(s, ["Møtet kl. 9 passer", "Nr. 2 går også", "Ca. 3 personer"]);
    }

    #[test]
    fn a_sentence_in_lower_case_after_a_period_is_a_sentence_of_its_own() {
        let text = "31.8 og 2.9 passer for oss. mandagene har vi fast ledermøte";
        let s: Vec<&str> = sentences(text).iter().map(|(s, e, _)| &text[*s..*e]).collect();
        assert_eq!(
            s,
            ["31.8 og 2.9 passer for oss", "mandagene har vi fast ledermøte"]
        );
        // Not after a number, an abbreviation or a month cut short.
        for text in [
            "vi kan 29. august",
            "vi er tre, bl.a. kari",
            "31. aug. passer best",
            "fre. 2.9 går",
        ] {
            assert_eq!(sentences(text).len(), 1, "{text}");
        }
    }

    #[test]
    fn clauses_part_at_commas_dashes_and_contrasts() {
        assert_eq!(
            texts("4 is possible if need be, 1 doesn't work."),
            [
                ("4 is possible if need be", Joint::Start),
                ("1 doesn't work", Joint::Comma)
            ]
        );
        assert_eq!(
            texts("passer dårlig, men kan om nødvendig"),
            [
                ("passer dårlig", Joint::Start),
                ("men kan om nødvendig", Joint::Contrast)
            ]
        );
        assert_eq!(
            texts("Fredag passer best men onsdag går også"),
            [
                ("Fredag passer best", Joint::Start),
                ("men onsdag går også", Joint::Contrast)
            ]
        );
        assert_eq!(
            texts("Kanskje – Jan er bortreist; jeg kan"),
            [
                ("Kanskje", Joint::Start),
                ("Jan er bortreist", Joint::Dash),
                ("jeg kan", Joint::Semicolon)
            ]
        );
    }

    #[test]
    fn a_dash_between_dates_is_a_range_not_a_clause_break() {
        assert_eq!(
            texts("29. august – 2. september passer"),
            [("29. august – 2. september passer", Joint::Start)]
        );
        assert_eq!(texts("kl. 13 - 15 går"), [("kl. 13 - 15 går", Joint::Start)]);
    }

    #[test]
    fn a_question_is_marked_on_the_clause_that_asks_it() {
        let c = split("Ingen passer, dessverre. Er det mulig å se på 7. eller 8. september?");
        assert_eq!(c.len(), 3);
        assert!(!c[0].question && !c[1].question && c[2].question);
        assert_eq!(c[2].sentence, 1);
    }

    #[test]
    fn a_wrapped_line_goes_on_and_a_short_one_ends() {
        let text = "Vi har sett på forslagene og kan dessverre ikke delta den dagen som er\nnevnt først, men\n31. august går fint\nHilsen Kari";
        let c: Vec<&str> = split(text).iter().map(|c| c.text(text)).collect();
        assert_eq!(
            c,
            [
                "Vi har sett på forslagene og kan dessverre ikke delta den dagen som er\nnevnt først",
                "men",
                "31. august går fint",
                "Hilsen Kari"
            ]
        );
    }

    #[test]
    fn a_line_wrapped_before_a_long_word_goes_on_whatever_its_case() {
        let text = "Jeg får dessverre ikke kommet likevel. Min kollega Sander Lien\n(sander.lien@hod.dep.no) kommer i stedet for meg.\n\nMari";
        assert_eq!(
            unwrapped(text),
            "Jeg får dessverre ikke kommet likevel. Min kollega Sander Lien (sander.lien@hod.dep.no) kommer i stedet for meg.\n\nMari"
        );
        let text = "FD melder på Kjetil Brekke (kjetil.brekke@fd.dep.no). Han er også vår\nKontaktperson i OGP-arbeidet, tlf. 23 09 71 45.";
        assert_eq!(soft_breaks(text), [text.find('\n').unwrap()]);
        let text = "Fra AID møter undertegnede, Omar Farah (omar.farah@aid.dep.no) og\nLive Brattli (live.brattli@aid.dep.no) på samskapingsmøtet.";
        assert_eq!(soft_breaks(text), [text.find('\n').unwrap()]);
        let text = "Vi har fått invitasjonen vidaresendt frå Kultur- og likestillingsdepartementet\nog vil gjerne vere med på samskapingsmøtet. Eg kjem sjølv, saman med\nRagnhild Vatne (ragnhild.vatne@nm.no).";
        assert_eq!(soft_breaks(text).len(), 2);
    }

    #[test]
    fn short_lines_list_items_and_rows_keep_their_line_ends() {
        for text in [
            "Hei Tom Arne,\nJeg kommer.\nMvh Per",
            "Vi melder på disse til møtet 23. juni, med adresse og telefon til hver:\nOla Hansen",
            "Vi melder på disse til møtet 23. juni, med adresse og telefon til hver\n- Ola Hansen",
            "Ola Hansen, seniorrådgiver, ola.hansen@aid.dep.no, 22 24 00 00 og mer\nKari Li, kari.li@aid.dep.no",
            "Navn\tE-post\tTelefon og mer tekst for å gjøre linjen lang nok her\nOla\tola@aid.dep.no",
        ] {
            assert_eq!(soft_breaks(text), Vec::<usize>::new(), "{text:?}");
        }
    }

    #[test]
    fn spans_are_byte_offsets_into_the_text_whatever_its_letters() {
        let text = "İİ Måndag passar, men ikkje fredag.";
        for c in split(text) {
            assert!(text.is_char_boundary(c.start) && text.is_char_boundary(c.end));
        }
        assert_eq!(
            texts(text),
            [
                ("İİ Måndag passar", Joint::Start),
                ("men ikkje fredag", Joint::Contrast)
            ]
        );
    }
}
