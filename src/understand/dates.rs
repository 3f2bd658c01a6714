//! Dates as people write them in Norwegian and English mail: "1. juli", "01.07.2022", "1.7.",
//! "tirsdag 21. juni", "July 1st", "4 July", "1/7". The year, when left out, is the first one that
//! puts the date on or after a reference day (the message's own date).

use chrono::{Datelike, NaiveDate, Weekday};

const MONTHS: &[(&str, u32)] = &[
    ("januar", 1),
    ("january", 1),
    ("jan", 1),
    ("februar", 2),
    ("february", 2),
    ("feb", 2),
    ("mars", 3),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("mai", 5),
    ("may", 5),
    ("juni", 6),
    ("june", 6),
    ("jun", 6),
    ("juli", 7),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("oktober", 10),
    ("october", 10),
    ("okt", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("desember", 12),
    ("december", 12),
    ("des", 12),
    ("dec", 12),
];

/// A date found in text, with where it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub date: NaiveDate,
    pub start: usize,
    pub end: usize,
}

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    MONTHS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(w))
        .map(|(_, m)| *m)
}

fn day_number(word: &str) -> Option<u32> {
    let w = word.trim_end_matches(['.', ',']);
    let w = w
        .strip_suffix("st")
        .or_else(|| w.strip_suffix("nd"))
        .or_else(|| w.strip_suffix("rd"))
        .or_else(|| w.strip_suffix("th"))
        .unwrap_or(w);
    let d: u32 = w.parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn year_number(word: &str) -> Option<i32> {
    let w = word.trim_end_matches(['.', ',']);
    (w.len() == 4)
        .then(|| w.parse().ok())
        .flatten()
        .filter(|y| (1990..2100).contains(y))
}

/// The date with `day` and `month`, in `year` or, without one, the first year that puts it on or
/// after `reference`.
fn resolve(day: u32, month: u32, year: Option<i32>, reference: NaiveDate) -> Option<NaiveDate> {
    match year {
        Some(y) => NaiveDate::from_ymd_opt(y, month, day),
        None => {
            let this = NaiveDate::from_ymd_opt(reference.year(), month, day)?;
            if this + chrono::Duration::days(30) >= reference {
                Some(this)
            } else {
                NaiveDate::from_ymd_opt(reference.year() + 1, month, day)
            }
        }
    }
}

/// Every date in `text`, in order.
pub fn find_all(text: &str, reference: NaiveDate) -> Vec<FoundDate> {
    // Every way of writing a date has the day in digits.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    // Words with their byte offsets.
    let mut words: Vec<(usize, usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let part = c.is_alphanumeric() || c == '.' || c == '/' || c == '-';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, i, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, text.len(), &text[s..]));
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < words.len() {
        let (s, e, w) = words[k];
        // Numeric: 01.07.2022, 1.7., 1.7, 1/7, 2022-07-01
        if let Some(date) = numeric(w, reference) {
            out.push(FoundDate {
                date,
                start: s,
                end: e,
            });
            k += 1;
            continue;
        }
        // "1. juli [2022]" / "4 July"
        if let Some(d) = day_number(w)
            && let Some((_, me, mw)) = words.get(k + 1).copied()
            && let Some(m) = month(mw)
        {
            let year = words.get(k + 2).and_then(|(_, _, y)| year_number(y));
            let end = if year.is_some() { words[k + 2].1 } else { me };
            if let Some(date) = resolve(d, m, year, reference) {
                out.push(FoundDate { date, start: s, end });
                k += if year.is_some() { 3 } else { 2 };
                continue;
            }
        }
        // "July 1st [2022]" / "4th of July"
        if let Some(m) = month(w)
            && w.len() > 2
            && let Some((_, de, dw)) = words.get(k + 1).copied()
            && let Some(d) = day_number(dw)
        {
            let year = words.get(k + 2).and_then(|(_, _, y)| year_number(y));
            let end = if year.is_some() { words[k + 2].1 } else { de };
            if let Some(date) = resolve(d, m, year, reference) {
                out.push(FoundDate { date, start: s, end });
                k += if year.is_some() { 3 } else { 2 };
                continue;
            }
        }
        if let (Some(d), Some((_, _, of)), Some((_, me, mw))) = (
            day_number(w),
            words.get(k + 1).copied(),
            words.get(k + 2).copied(),
        ) && of.eq_ignore_ascii_case("of")
            && let Some(m) = month(mw)
            && let Some(date) = resolve(d, m, None, reference)
        {
            out.push(FoundDate {
                date,
                start: s,
                end: me,
            });
            k += 3;
            continue;
        }
        k += 1;
    }
    out
}

fn numeric(word: &str, reference: NaiveDate) -> Option<NaiveDate> {
    let w = word.trim_end_matches([',']);
    if let Ok(date) = NaiveDate::parse_from_str(w, "%Y-%m-%d") {
        return Some(date);
    }
    // "5/9." at the end of a sentence: the period is the sentence's.
    let (w, sep) = if w.contains('/') {
        (w.trim_end_matches('.'), '/')
    } else if w.contains('.') {
        (w, '.')
    } else {
        return None;
    };
    let parts: Vec<&str> = w.trim_end_matches(sep).split(sep).collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let d: u32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    // "09.00" is a time, not 9 January.
    if parts.len() == 2 && sep == '.' && parts[1].len() == 2 && parts[1].starts_with('0') && m == 0 {
        return None;
    }
    if parts.len() == 2 && sep == '.' && (parts[0].len() > 2 || parts[1].len() > 2) {
        return None;
    }
    let year = match parts.get(2) {
        Some(y) if y.len() == 4 => Some(y.parse().ok()?),
        Some(y) if y.len() == 2 => Some(2000 + y.parse::<i32>().ok()?),
        Some(_) => return None,
        None => None,
    };
    if !(1..=31).contains(&d) || !(1..=12).contains(&m) {
        return None;
    }
    resolve(d, m, year, reference)
}

/// The month a word names in full ("august", "September", "sept."), not by the three-letter
/// abbreviations that are words too ("mar", "des", "may").
pub fn month_named(word: &str) -> Option<u32> {
    let w = word.trim_end_matches(['.', ',']);
    MONTHS
        .iter()
        .find(|(name, _)| (name.len() >= 4 || *name == "mai") && name.eq_ignore_ascii_case(w))
        .map(|(_, m)| *m)
}

/// Whether `word` names a month in full ([`month_named`]).
pub fn is_month_name(word: &str) -> bool {
    month_named(word).is_some()
}

/// A date or a run of days as written, with where it stands: `first == last` for one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateSpan {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub start: usize,
    pub end: usize,
}

/// Every date and range of dates in `text`, in order: what [`find_all`] finds, and days written
/// before a date without its month ("29. og 31. august" is two dates), ranges ("29.–31. august",
/// "29. august–2. september", "fra 29. august til 2. september", "between 29 August and 2
/// September", "29.8.-2.9.").
pub fn find_spans(text: &str, reference: NaiveDate) -> Vec<DateSpan> {
    let found = find_all(text, reference);
    let mut spans: Vec<DateSpan> = Vec::new();
    for f in &found {
        // Days before it that borrow its month, nearest first.
        let mut elided: Vec<(usize, usize, u32, bool)> = Vec::new();
        let mut cursor = f.start;
        // A day without its period borrows the month of a date written the same way, the
        // English "2 and 5 September"; "2 og 31. august" is a number and a date.
        let undotted = {
            let written = &text[f.start..f.end];
            let digits = written.len() - written.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            digits > 0 && written[digits..].starts_with(' ')
        };
        while let Some((sep_start, range)) = separator_before(text, cursor) {
            let Some((day_start, day_end, day, dotted)) = day_before(text, sep_start) else {
                break;
            };
            if !(dotted || range || undotted) || spans.last().is_some_and(|s| s.end > day_start) {
                break;
            }
            elided.push((day_start, day_end, day, range));
            cursor = day_start;
            if range {
                break;
            }
        }
        for (s, e, day, range) in elided.into_iter().rev() {
            let Some(date) = NaiveDate::from_ymd_opt(f.date.year(), f.date.month(), day) else {
                continue;
            };
            if range && date <= f.date {
                spans.push(DateSpan {
                    first: date,
                    last: f.date,
                    start: s,
                    end: f.end,
                });
            } else if !range {
                spans.push(DateSpan {
                    first: date,
                    last: date,
                    start: s,
                    end: e,
                });
            }
        }
        if spans.last().is_some_and(|s| s.end == f.end) {
            continue;
        }
        spans.push(DateSpan {
            first: f.date,
            last: f.date,
            start: f.start,
            end: f.end,
        });
    }
    spans.extend(hyphenated(text, reference));
    spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    spans.dedup_by(|b, a| b.start < a.end);
    // Two dates joined as a range: "29. august – 2. september", "fra … til …", "mellom … og …".
    let mut out: Vec<DateSpan> = Vec::new();
    for s in spans {
        if let Some(prev) = out.last_mut() {
            let gap = text[prev.end..s.start].trim().to_lowercase();
            let before = text[..prev.start].trim_end().to_lowercase();
            let between = before.ends_with("mellom") || before.ends_with("between");
            let joined = matches!(
                gap.as_str(),
                "-" | "–" | "—" | "til" | "to" | "until" | "till" | "through" | "t.o.m." | "til og med"
            ) || (between && matches!(gap.as_str(), "og" | "and"));
            if joined && prev.first <= s.last {
                prev.last = s.last;
                prev.end = s.end;
                continue;
            }
        }
        out.push(s);
    }
    out
}

/// The separator that ends `text[..at]`: (where it starts, whether it makes a range).
fn separator_before(text: &str, at: usize) -> Option<(usize, bool)> {
    let t = text[..at].trim_end();
    for (sep, range) in [(",", false), ("&", false), ("-", true), ("–", true), ("—", true)] {
        if let Some(rest) = t.strip_suffix(sep) {
            return Some((rest.len(), range));
        }
    }
    let word_start = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map(|(i, _)| i)?;
    let word = t[word_start..].to_lowercase();
    match word.as_str() {
        "og" | "and" | "eller" | "or" => Some((word_start, false)),
        "til" | "to" => Some((word_start, true)),
        _ => None,
    }
}

/// A day number that ends `text[..at]` ("29.", "29"): (start, end, day, with a period).
fn day_before(text: &str, at: usize) -> Option<(usize, usize, u32, bool)> {
    let t = text[..at].trim_end();
    let (body, dotted) = match t.strip_suffix('.') {
        Some(b) => (b, true),
        None => (t, false),
    };
    let digits = body.len() - body.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let start = body.len() - digits;
    // A whole word: not the end of "13.00", "22/4554" or "ogp5".
    if body[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '/' | ':' | '-'))
    {
        return None;
    }
    // "nr. 1 og 31. august", "kl. 9 og": not days.
    let word_before = body[..start]
        .trim_end()
        .trim_end_matches('.')
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    if matches!(
        word_before.as_str(),
        "nr" | "kl" | "klokka" | "nummer" | "alternativ" | "option"
    ) {
        return None;
    }
    let day: u32 = body[start..].parse().ok()?;
    (1..=31).contains(&day).then_some((start, t.len(), day, dotted))
}

/// Ranges written as one word: "29.-31.8.", "29.8.-2.9.", "29/8-2/9".
fn hyphenated(text: &str, reference: NaiveDate) -> Vec<DateSpan> {
    let mut out = Vec::new();
    let mut start = None;
    let mut words = Vec::new();
    for (i, c) in text.char_indices() {
        let part = c.is_alphanumeric() || c == '.' || c == '/' || c == '-';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    for (s, e) in words {
        let word = &text[s..e];
        let Some((left, right)) = word.split_once('-') else {
            continue;
        };
        let Some(last) = numeric(right, reference) else {
            continue;
        };
        let first = numeric(left, reference).or_else(|| {
            let day: u32 = left.trim_end_matches('.').parse().ok()?;
            NaiveDate::from_ymd_opt(last.year(), last.month(), day)
        });
        if let Some(first) = first.filter(|f| *f <= last) {
            out.push(DateSpan {
                first,
                last,
                start: s,
                end: e,
            });
        }
    }
    out
}

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("mandag", Weekday::Mon),
    ("måndag", Weekday::Mon),
    ("monday", Weekday::Mon),
    ("tirsdag", Weekday::Tue),
    ("tysdag", Weekday::Tue),
    ("tuesday", Weekday::Tue),
    ("onsdag", Weekday::Wed),
    ("wednesday", Weekday::Wed),
    ("torsdag", Weekday::Thu),
    ("thursday", Weekday::Thu),
    ("fredag", Weekday::Fri),
    ("friday", Weekday::Fri),
    ("lørdag", Weekday::Sat),
    ("laurdag", Weekday::Sat),
    ("saturday", Weekday::Sat),
    ("søndag", Weekday::Sun),
    ("sundag", Weekday::Sun),
    ("sunday", Weekday::Sun),
];

/// A weekday's name, and whether it is in the plural: "mandag", "mandagen"; "mandagene",
/// "måndagane", "mondays" (the readers of replies and of poll answers share it).
pub fn weekday_word(word: &str) -> Option<(Weekday, bool)> {
    // "mandag", "mandagen"; plurals "mandager", "mandagene", "måndagar", "måndagane", "mondays".
    for (name, day) in WEEKDAYS {
        if let Some(rest) = word.strip_prefix(name) {
            match rest {
                "" | "en" => return Some((*day, false)),
                "er" | "ene" | "ar" | "ane" | "s" => return Some((*day, true)),
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dates(text: &str) -> Vec<NaiveDate> {
        find_all(text, day(2022, 6, 16))
            .into_iter()
            .map(|f| f.date)
            .collect()
    }

    #[test]
    fn norwegian_dates() {
        assert_eq!(dates("til og med 1. juli"), [day(2022, 7, 1)]);
        assert_eq!(dates("tilbake mandag 4. juli 2022"), [day(2022, 7, 4)]);
        assert_eq!(dates("t.o.m. 01.07.2022"), [day(2022, 7, 1)]);
        assert_eq!(dates("fra 1.7. til 15.7."), [day(2022, 7, 1), day(2022, 7, 15)]);
        assert_eq!(dates("møtet 23. juni"), [day(2022, 6, 23)]);
    }

    #[test]
    fn english_dates() {
        assert_eq!(dates("back on July 4th"), [day(2022, 7, 4)]);
        assert_eq!(dates("returning 4 July 2022"), [day(2022, 7, 4)]);
        assert_eq!(dates("until the 1st of August"), [day(2022, 8, 1)]);
    }

    #[test]
    fn times_and_references_are_not_dates() {
        assert!(dates("kl. 09.00-12.00").is_empty());
        assert!(dates("ref. 22/4554-4").is_empty());
        assert!(dates("32.13.2022").is_empty());
    }

    fn spans(text: &str) -> Vec<(NaiveDate, NaiveDate, &str)> {
        find_spans(text, day(2022, 6, 27))
            .into_iter()
            .map(|s| (s.first, s.last, &text[s.start..s.end]))
            .collect()
    }

    #[test]
    fn days_that_borrow_the_month_of_the_date_after_them() {
        let (a29, a30, a31) = (day(2022, 8, 29), day(2022, 8, 30), day(2022, 8, 31));
        assert_eq!(
            spans("foreløpig kan vi 29. og 31. august"),
            [(a29, a29, "29."), (a31, a31, "31. august")]
        );
        assert_eq!(
            spans("29., 30. eller 31. august"),
            [(a29, a29, "29."), (a30, a30, "30."), (a31, a31, "31. august")]
        );
        // A number without its period is not a day: "nr. 1 og 31. august", "2 og 31. august".
        assert_eq!(spans("nr. 1 og 31. august"), [(a31, a31, "31. august")]);
        assert_eq!(spans("2 og 31. august"), [(a31, a31, "31. august")]);
        // Written the English way, without periods, a day borrows the month of the date after it.
        let (s2, s5) = (day(2022, 9, 2), day(2022, 9, 5));
        assert_eq!(
            spans("2 and 5 September"),
            [(s2, s2, "2"), (s5, s5, "5 September")]
        );
    }

    #[test]
    fn ranges_of_dates() {
        let (a29, a31, s2) = (day(2022, 8, 29), day(2022, 8, 31), day(2022, 9, 2));
        assert_eq!(spans("29.–31. august"), [(a29, a31, "29.–31. august")]);
        assert_eq!(
            spans("29. august–2. september"),
            [(a29, s2, "29. august–2. september")]
        );
        assert_eq!(
            spans("29. august – 2. september"),
            [(a29, s2, "29. august – 2. september")]
        );
        assert_eq!(
            spans("fra 29. august til 2. september"),
            [(a29, s2, "29. august til 2. september")]
        );
        assert_eq!(
            spans("between 29 August and 2 September"),
            [(a29, s2, "29 August and 2 September")]
        );
        assert_eq!(spans("29.8.-2.9."), [(a29, s2, "29.8.-2.9.")]);
        assert_eq!(spans("29.-31.8."), [(a29, a31, "29.-31.8.")]);
        // A list is not a range.
        assert_eq!(
            spans("29. august og 2. september"),
            [(a29, a29, "29. august"), (s2, s2, "2. september")]
        );
        assert!(spans("kl. 13.00–15.00").is_empty());
    }

    #[test]
    fn a_month_long_past_means_next_year() {
        assert_eq!(
            find_all("2. januar", day(2022, 12, 20)).first().map(|f| f.date),
            Some(day(2023, 1, 2))
        );
    }
}
