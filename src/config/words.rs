//! The process's dates and times in the reader's words: "torsdag 23. juni 2022 kl. 09.00–12.00",
//! "Thursday 23 June 2022 09:00–12:00", in the process's time zone.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Weekday};
use chrono_tz::Tz;

use super::{Config, Lang, Slot};

const WEEKDAYS_NB: [&str; 7] = [
    "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag",
];
const WEEKDAYS_EN: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS_NB: [&str; 12] = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A weekday's name: "mandag", "Monday".
pub fn weekday(day: Weekday, lang: Lang) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::Nb => WEEKDAYS_NB[i],
        Lang::En => WEEKDAYS_EN[i],
    }
}

fn month(date: NaiveDate, lang: Lang) -> &'static str {
    let i = date.month0() as usize;
    match lang {
        Lang::Nb => MONTHS_NB[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// "23. juni" / "23 June".
pub fn day_month(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Nb => format!("{}. {}", date.day(), month(date, lang)),
        Lang::En => format!("{} {}", date.day(), month(date, lang)),
    }
}

/// "15. juni 2022" / "15 June 2022".
pub fn date(date: NaiveDate, lang: Lang) -> String {
    format!("{} {}", day_month(date, lang), date.year())
}

/// "torsdag 23. juni 2022" / "Thursday 23 June 2022".
pub fn long_date(d: NaiveDate, lang: Lang) -> String {
    format!("{} {}", weekday(d.weekday(), lang), date(d, lang))
}

/// "tirsdag 21. juni" / "Tuesday 21 June".
pub fn weekday_day_month(d: NaiveDate, lang: Lang) -> String {
    format!("{} {}", weekday(d.weekday(), lang), day_month(d, lang))
}

/// "09.00" / "09:00".
pub fn time(t: DateTime<Tz>, lang: Lang) -> String {
    match lang {
        Lang::Nb => format!("{:02}.{:02}", t.hour(), t.minute()),
        Lang::En => format!("{:02}:{:02}", t.hour(), t.minute()),
    }
}

/// A meeting slot in words: "torsdag 23. juni 2022 kl. 09.00–12.00".
pub fn slot(s: Slot, tz: Tz, lang: Lang) -> String {
    let start = s.start.with_timezone(&tz);
    let end = s.end.with_timezone(&tz);
    let at = match lang {
        Lang::Nb => "kl. ",
        Lang::En => "",
    };
    format!(
        "{} {at}{}–{}",
        long_date(start.date_naive(), lang),
        time(start, lang),
        time(end, lang)
    )
}

/// The poll's candidates in words, numbered: "1. mandag 29. august 2022 kl. 13.00–15.00".
pub fn slot_lines(config: &Config, lang: Lang) -> Vec<String> {
    config
        .poll_candidates()
        .map(|(_, slots)| {
            slots
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {}", i + 1, slot(*s, config.process.timezone, lang)))
                .collect()
        })
        .unwrap_or_default()
}

/// A registration's state in words: "påmeldt", "not attending".
pub fn answer(status: &str, lang: Lang) -> &'static str {
    match (status, lang) {
        ("registered", Lang::Nb) => "påmeldt",
        ("declined", Lang::Nb) => "avmeldt (kommer ikke)",
        ("tentative", Lang::Nb) => "foreløpig påmeldt",
        ("registered", Lang::En) => "registered",
        ("declined", Lang::En) => "not attending",
        _ => match lang {
            Lang::Nb => "foreløpig påmeldt",
            Lang::En => "tentatively registered",
        },
    }
}

/// An invitation's state ("sent", "bounced", "failed", "pending") in bokmål: "sendt", "i retur".
pub fn invitation_nb(state: &str) -> &'static str {
    match state {
        "sent" => "sendt",
        "bounced" => "i retur",
        "failed" => "feilet",
        _ => "venter",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn dates_read_as_people_write_them() {
        let d = NaiveDate::from_ymd_opt(2022, 6, 21).unwrap();
        assert_eq!(weekday_day_month(d, Lang::Nb), "tirsdag 21. juni");
        assert_eq!(weekday_day_month(d, Lang::En), "Tuesday 21 June");
        assert_eq!(long_date(d, Lang::Nb), "tirsdag 21. juni 2022");
        assert_eq!(date(d, Lang::En), "21 June 2022");
    }

    #[test]
    fn a_slot_is_given_in_local_time() {
        let tz = chrono_tz::Europe::Oslo;
        let s = Slot {
            start: tz
                .with_ymd_and_hms(2022, 6, 23, 9, 0, 0)
                .unwrap()
                .with_timezone(&Utc),
            end: tz
                .with_ymd_and_hms(2022, 6, 23, 12, 0, 0)
                .unwrap()
                .with_timezone(&Utc),
        };
        assert_eq!(slot(s, tz, Lang::Nb), "torsdag 23. juni 2022 kl. 09.00–12.00");
        assert_eq!(slot(s, tz, Lang::En), "Thursday 23 June 2022 09:00–12:00");
    }
}
