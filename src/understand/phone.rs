//! Telephone numbers as people write them ("22 24 49 71", "917 23 456", "+47 917 23 456",
//! "0047 22244971", "tlf. 22-24-49-71", "+44 (0)20 7946 0958"), normalised to E.164 with Norway
//! as the country when none is given.

/// A number found in text: where it was and its E.164 form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub e164: String,
    /// Byte offsets of the number in the text.
    pub start: usize,
    pub end: usize,
}

/// Normalises one written number to E.164, or `None` if it is not a telephone number.
pub fn normalize(written: &str) -> Option<String> {
    let t = written.trim();
    let (international, rest) = if let Some(rest) = t.strip_prefix('+') {
        (true, rest)
    } else if let Some(rest) = t.strip_prefix("00") {
        (true, rest)
    } else {
        (false, t)
    };
    // "(0)" is a trunk prefix written inside international numbers: drop it.
    let rest = rest.replace("(0)", "");
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if rest
        .chars()
        .any(|c| !(c.is_ascii_digit() || " -.()/\u{a0}".contains(c)))
    {
        return None;
    }
    if international {
        if let Some(national) = digits.strip_prefix("47") {
            return norwegian(national);
        }
        return (8..=15).contains(&digits.len()).then(|| format!("+{digits}"));
    }
    norwegian(&digits)
}

/// A Norwegian national number: eight digits, not starting with 0 or 1.
fn norwegian(digits: &str) -> Option<String> {
    (digits.len() == 8 && !digits.starts_with('0') && !digits.starts_with('1'))
        .then(|| format!("+47{digits}"))
}

/// Every telephone number in `text`, in order.
pub fn find_all(text: &str) -> Vec<Found> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts = c == b'+' || c.is_ascii_digit();
        // A number does not start in the middle of a word, a date or an address.
        let boundary = i == 0 || {
            let p = bytes[i - 1];
            !(p.is_ascii_alphanumeric()
                || p == b'.'
                || p == b'/'
                || p == b'@'
                || p == b'-'
                || p == b':'
                || p == b'_')
        };
        if !(starts && boundary) {
            i += 1;
            continue;
        }
        // Take digits and the separators people put between them.
        let mut end = i + 1;
        let mut digits = usize::from(c.is_ascii_digit());
        while end < bytes.len() {
            let b = bytes[end];
            if b.is_ascii_digit() {
                digits += 1;
                end += 1;
            } else if (b == b' ' || b == b'-' || b == b'.' || b == b'(' || b == b')')
                && bytes
                    .get(end + 1)
                    .is_some_and(|n| n.is_ascii_digit() || *n == b'(' || *n == b'0')
                && digits < 15
            {
                end += 1;
            } else {
                break;
            }
        }
        // Trailing separators are not part of the number.
        while end > i && !bytes[end - 1].is_ascii_digit() {
            end -= 1;
        }
        let followed_ok = end >= bytes.len() || {
            let n = bytes[end];
            !(n.is_ascii_alphanumeric()
                || n == b'@'
                || n == b'_'
                || n == b'/'
                || (n == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
        };
        if followed_ok && (8..=18).contains(&digits) {
            let written = &text[i..end];
            if !looks_like_date_or_time(written)
                && let Some(e164) = normalize(written)
            {
                out.push(Found { e164, start: i, end });
                i = end;
                continue;
            }
        }
        i = end.max(i + 1);
    }
    out
}

/// Dates ("15.06.2022", "2022-06-15") and time spans ("09.00-12.00") are not numbers to call.
fn looks_like_date_or_time(written: &str) -> bool {
    let parts: Vec<&str> = written
        .split(['.', '-', '/', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    let is_date = |p: &[&str]| {
        p.len() == 3
            && ((p[0].len() <= 2 && p[1].len() <= 2 && (p[2].len() == 4 || p[2].len() == 2))
                || (p[0].len() == 4 && p[1].len() <= 2 && p[2].len() <= 2))
            && p.iter().all(|x| x.parse::<u32>().is_ok())
    };
    is_date(&parts)
        || (written.contains('.') && parts.len() == 4 && parts.iter().all(|p| p.len() == 2) && {
            // "09.00-12.00": hours and minutes.
            parts
                .iter()
                .map(|p| p.parse::<u32>().unwrap_or(99))
                .enumerate()
                .all(|(k, v)| if k % 2 == 0 { v < 24 } else { v < 60 })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_numbers_in_every_usual_form() {
        for written in [
            "22 24 49 71",
            "22244971",
            "+47 22 24 49 71",
            "0047 22 24 49 71",
            "+4722244971",
            "22-24-49-71",
            "22.24.49.71",
        ] {
            assert_eq!(normalize(written).as_deref(), Some("+4722244971"), "{written}");
        }
        assert_eq!(normalize("917 23 456").as_deref(), Some("+4791723456"));
        assert_eq!(normalize("+47 917 23 456").as_deref(), Some("+4791723456"));
    }

    #[test]
    fn foreign_numbers_keep_their_country() {
        assert_eq!(normalize("+44 (0)20 7946 0958").as_deref(), Some("+442079460958"));
        assert_eq!(normalize("+46 8 123 456 78").as_deref(), Some("+46812345678"));
    }

    #[test]
    fn what_is_not_a_phone_number_is_refused() {
        for written in ["1234", "01234567", "22 24 49", "22/4554-4", "abc"] {
            assert_eq!(normalize(written), None, "{written}");
        }
    }

    #[test]
    fn numbers_are_found_in_running_text_but_not_dates_or_references() {
        let text = "Kontakt: Kari, tlf. 917 23 456 / 22 24 12 34. Vår ref. 22/4554-4, møtet 23.06.2022 kl. 09.00-12.00. Org.nr. 972 417 858";
        let found: Vec<String> = find_all(text).into_iter().map(|f| f.e164).collect();
        assert_eq!(found, ["+4791723456", "+4722241234"]);
    }

    #[test]
    fn numbers_in_addresses_are_not_phones() {
        assert!(find_all("kari.22244971@aid.dep.no").is_empty());
        assert!(find_all("https://example.org/22244971").is_empty());
    }
}
