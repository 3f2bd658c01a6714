//! Dates as people write them in Norwegian and English mail: "1. juli", "01.07.2022", "1.7.",
//! "tirsdag 21. juni", "July 1st", "4 July", "1/7". The year, when left out, is the first one that
//! puts the date on or after a reference day (the message's own date).

use chrono::{Datelike, NaiveDate};

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

/// Whether `word` names a month ("juni", "June", "sept.").
pub fn is_month_name(word: &str) -> bool {
    month(word.trim_end_matches([',', ':'])).is_some()
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

    #[test]
    fn a_month_long_past_means_next_year() {
        assert_eq!(
            find_all("2. januar", day(2022, 12, 20)).first().map(|f| f.date),
            Some(day(2023, 1, 2))
        );
    }
}
