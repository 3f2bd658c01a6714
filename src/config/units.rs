//! Small value syntaxes used in the config: durations ("90s", "2m", "1h30m", "3d"), sizes
//! ("25 MB"), sending rates ("30/min"), and local dates and times in the process's time zone.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::time::Duration;

/// Parses "90s", "2m", "1h30m", "3d", "250ms", or "0".
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    if rest.is_empty() {
        return Err("empty duration".into());
    }
    while !rest.is_empty() {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(format!(
                "{text:?} is not a duration (write e.g. \"90s\", \"2m\", \"1h30m\", \"3d\")"
            ));
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("{text:?}: number too large"))?;
        rest = &rest[digits..];
        let unit_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let step = match unit {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" | "min" => Duration::from_secs(number * 60),
            "h" => Duration::from_secs(number * 3600),
            "d" => Duration::from_secs(number * 86_400),
            _ => {
                return Err(format!("{text:?}: unknown unit {unit:?} (use ms, s, m, h or d)"));
            }
        };
        total += step;
    }
    Ok(total)
}

/// Parses a size in bytes: "25 MB", "500kB", "2 MiB", "1 GB", or a plain number of bytes. MB is a
/// million bytes, MiB 2^20 (as Outlook counts, nearly the same).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .count();
    let (number, unit) = text.split_at(digits);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size (write e.g. \"25 MB\" or \"500 kB\")"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" | "bytes" => 1.0,
        "kb" => 1e3,
        "kib" => 1024.0,
        "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "{text:?}: unknown unit {other:?} (use B, kB, MB, GB, KiB, MiB or GiB)"
            ));
        }
    };
    let bytes = number * factor;
    if !bytes.is_finite() || bytes > u64::MAX as f64 {
        return Err(format!("{text:?} is too large"));
    }
    Ok(bytes.round() as u64)
}

/// How fast the SMTP transport may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rate {
    /// As fast as the server takes them.
    Unlimited,
    /// At most `count` messages in every `per`, evenly spaced.
    Limited { count: u32, per: Duration },
}

impl Rate {
    /// The gap between two messages, or none.
    pub fn interval(&self) -> Option<Duration> {
        match self {
            Rate::Unlimited => None,
            Rate::Limited { count, per } => Some(*per / (*count).max(1)),
        }
    }
}

/// Parses "30/min", "1/s", "500/h", "10/2s" or "unlimited".
pub fn parse_rate(text: &str) -> Result<Rate, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("unlimited") {
        return Ok(Rate::Unlimited);
    }
    let (count, per) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not a rate (write e.g. \"30/min\" or \"unlimited\")"))?;
    let count: u32 = count
        .trim()
        .parse()
        .map_err(|_| format!("{text:?}: {count:?} is not a whole number"))?;
    if count == 0 {
        return Err(format!("{text:?}: a rate of zero would never send anything"));
    }
    let per = per.trim();
    let per = match per {
        "s" | "sec" | "second" => Duration::from_secs(1),
        "min" | "m" | "minute" => Duration::from_secs(60),
        "h" | "hour" => Duration::from_secs(3600),
        "d" | "day" => Duration::from_secs(86_400),
        other => parse_duration(other)?,
    };
    if per.is_zero() {
        return Err(format!("{text:?}: the period must be longer than zero"));
    }
    Ok(Rate::Limited { count, per })
}

/// A moment written in local time of the process's zone: "2022-06-23T09:00", "2022-06-23 09:00",
/// or with an explicit offset ("2022-06-23T09:00:00+02:00").
pub fn parse_local_datetime(text: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let formats = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
    ];
    for format in formats {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return local_to_utc(naive, tz)
                .ok_or_else(|| format!("{text:?} does not exist in {tz} (clocks changed)"));
        }
    }
    Err(format!(
        "{text:?} is not a date and time (write e.g. \"2022-06-23T09:00\")"
    ))
}

/// A due date: a date alone means the end of that day (23:59:59) in the process's zone, which is
/// what "innen tirsdag 21. juni" means to the people who read it.
pub fn parse_due(text: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    if let Ok(date) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        let end = date.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
        return local_to_utc(end, tz).ok_or_else(|| format!("{text:?} has no end of day in {tz}"));
    }
    parse_local_datetime(text, tz)
        .map_err(|_| format!("{text:?} is not a date or a date and time (write e.g. \"2022-06-21\")"))
}

/// A plain date, "2022-06-15".
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date (write e.g. \"2022-06-15\")"))
}

fn local_to_utc(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    // An ambiguous time (autumn clock change) takes the earlier instant.
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_combine_units() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("3d"), Ok(Duration::from_secs(3 * 86_400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5 weeks").is_err());
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("25 MB"), Ok(25_000_000));
        assert_eq!(parse_size("500kB"), Ok(500_000));
        assert_eq!(parse_size("2 MiB"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_size("1.5 GB"), Ok(1_500_000_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("big").is_err());
        assert!(parse_size("25 MO").is_err());
    }

    #[test]
    fn rates_are_spaced_evenly() {
        let rate = parse_rate("30/min").unwrap();
        assert_eq!(rate.interval(), Some(Duration::from_secs(2)));
        assert_eq!(parse_rate("unlimited").unwrap().interval(), None);
        assert!(parse_rate("0/min").is_err());
        assert!(parse_rate("fast").is_err());
        assert_eq!(
            parse_rate("10/2s").unwrap().interval(),
            Some(Duration::from_millis(200))
        );
    }

    #[test]
    fn a_due_date_alone_is_the_end_of_that_day_in_oslo() {
        let due = parse_due("2022-06-21", chrono_tz::Europe::Oslo).unwrap();
        // Summer time in Oslo is UTC+2.
        assert_eq!(due.to_rfc3339(), "2022-06-21T21:59:59+00:00");
    }

    #[test]
    fn local_times_are_read_in_the_process_zone() {
        let t = parse_local_datetime("2022-06-23T09:00", chrono_tz::Europe::Oslo).unwrap();
        assert_eq!(t.to_rfc3339(), "2022-06-23T07:00:00+00:00");
        let winter = parse_local_datetime("2022-12-01 09:00", chrono_tz::Europe::Oslo).unwrap();
        assert_eq!(winter.to_rfc3339(), "2022-12-01T08:00:00+00:00");
        assert!(parse_local_datetime("23. juni", chrono_tz::Europe::Oslo).is_err());
        // 02:30 on the last Sunday of March does not exist in Oslo.
        assert!(parse_local_datetime("2022-03-27T02:30", chrono_tz::Europe::Oslo).is_err());
    }
}
