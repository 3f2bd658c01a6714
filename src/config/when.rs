//! Moments in the config, as a coordinator says them: "2 days before registration at 09:00",
//! "1 day after kickoff at 10:00", "kickoff", "2022-06-30T09:00", and repeats ("every 3 days
//! until followup") or cron expressions. Pure: an anchor (a deadline, a meeting, the poll) is
//! looked up through [`Anchors`], so a meeting whose date the poll chooses later works the same.

use std::time::Duration;

use chrono::{DateTime, Days, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A moment, fixed or relative to a named date of the process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// A local date and time, converted once.
    Fixed(DateTime<Utc>),
    /// `days`/`hours` before (negative) or after an anchor; at a local time of that day if given.
    Relative {
        anchor: String,
        days: i64,
        hours: i64,
        time: Option<NaiveTime>,
    },
}

/// The process's named dates: deadlines (their due moment), meetings (their start), the poll
/// (its deadline). None when not known yet (a meeting whose date is still open).
pub trait Anchors {
    fn anchor(&self, name: &str) -> Option<DateTime<Utc>>;
}

impl When {
    /// Reads a moment; `tz` is the process's time zone.
    pub fn parse(text: &str, tz: Tz) -> Result<When, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty".into());
        }
        if t.as_bytes()[0].is_ascii_digit()
            && let Some(fixed) = parse_local(t, tz)
        {
            return Ok(When::Fixed(fixed?));
        }
        let words: Vec<&str> = t.split_whitespace().collect();
        let (days, hours, rest) = match words.as_slice() {
            [n, unit, dir @ ("before" | "after"), rest @ ..] => {
                let n: i64 = n.parse().map_err(|_| format!("{t:?}: {n:?} is not a number"))?;
                let sign = if *dir == "before" { -1 } else { 1 };
                match *unit {
                    "day" | "days" => (sign * n, 0, rest),
                    "week" | "weeks" => (sign * n * 7, 0, rest),
                    "hour" | "hours" => (0, sign * n, rest),
                    other => {
                        return Err(format!(
                            "{t:?}: unknown unit {other:?} (use days, weeks or hours)"
                        ));
                    }
                }
            }
            rest => (0, 0, rest),
        };
        let (anchor, time) = match rest {
            [anchor] => (*anchor, None),
            [anchor, "at", time] => {
                let time = NaiveTime::parse_from_str(time, "%H:%M")
                    .map_err(|_| format!("{t:?}: {time:?} is not a time like 09:00"))?;
                if hours != 0 {
                    return Err(format!("{t:?}: \"at\" goes with days or weeks, not hours"));
                }
                (*anchor, Some(time))
            }
            _ => {
                return Err(format!(
                    "{t:?} is not a moment (write e.g. \"2 days before registration at 09:00\", \
                     \"kickoff\" or \"2022-06-30T09:00\")"
                ));
            }
        };
        if !anchor
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "{t:?}: {anchor:?} is not the id of a deadline or meeting"
            ));
        }
        Ok(When::Relative {
            anchor: anchor.to_string(),
            days,
            hours,
            time,
        })
    }

    /// The anchor this moment depends on, if any.
    pub fn anchor(&self) -> Option<&str> {
        match self {
            When::Fixed(_) => None,
            When::Relative { anchor, .. } => Some(anchor),
        }
    }

    /// The moment, once its anchor is known.
    pub fn resolve(&self, anchors: &dyn Anchors, tz: Tz) -> Option<DateTime<Utc>> {
        match self {
            When::Fixed(t) => Some(*t),
            When::Relative {
                anchor,
                days,
                hours,
                time,
            } => {
                let base = anchors.anchor(anchor)?;
                let shifted = base + chrono::Duration::hours(*hours);
                let local = shifted.with_timezone(&tz);
                let date = if *days >= 0 {
                    local.date_naive().checked_add_days(Days::new(*days as u64))?
                } else {
                    local
                        .date_naive()
                        .checked_sub_days(Days::new(days.unsigned_abs()))?
                };
                let time = time.unwrap_or_else(|| local.time());
                local_to_utc(date.and_time(time), tz)
            }
        }
    }
}

/// A local date-time ("2022-06-30T09:00", "2022-06-30 09:00", "2022-06-30" = midnight) in `tz`;
/// None when the text is not of that shape at all.
fn parse_local(text: &str, tz: Tz) -> Option<Result<DateTime<Utc>, String>> {
    let formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"];
    for f in formats {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, f) {
            return Some(local_to_utc(naive, tz).ok_or_else(|| format!("{text:?} does not exist in {tz}")));
        }
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(
            local_to_utc(date.and_time(NaiveTime::MIN), tz)
                .ok_or_else(|| format!("{text:?} does not exist in {tz}")),
        );
    }
    text.contains('-')
        .then(|| Err(format!("{text:?} is not a date and time like 2022-06-30T09:00")))
}

/// A local time in `tz` as UTC; in the hour that is skipped in spring, the moment after it.
pub fn local_to_utc(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        chrono::LocalResult::None => tz
            .from_local_datetime(&(naive + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.with_timezone(&Utc)),
    }
}

/// When a scheduled action happens.
#[derive(Debug, Clone)]
pub enum Timing {
    /// Once at `at`; again every `every` while before `until`, if set.
    At {
        at: When,
        every: Option<Duration>,
        until: Option<When>,
    },
    /// At every moment of a cron expression (in the process's time zone), between `from` (or
    /// when samskap first saw the schedule) and `until`.
    Cron {
        schedule: Box<cron::Schedule>,
        text: String,
        from: Option<When>,
        until: Option<When>,
    },
}

/// At most this many moments of one schedule are looked at in one go.
pub const MAX_OCCURRENCES: usize = 1000;

impl Timing {
    /// Reads a cron expression: the crate's 6- or 7-field form ("0 0 8 * * Mon"), or the common
    /// 5-field one ("0 8 * * Mon"), given seconds 0.
    pub fn parse_cron(text: &str) -> Result<cron::Schedule, String> {
        let fields = text.split_whitespace().count();
        let full = if fields == 5 {
            format!("0 {text}")
        } else {
            text.to_string()
        };
        full.parse::<cron::Schedule>()
            .map_err(|e| format!("{text:?} is not a cron expression ({e})"))
    }

    /// The moments in (`after`, `until`], in order. `since` is the lower bound of a cron schedule
    /// without `from`.
    pub fn occurrences(
        &self,
        anchors: &dyn Anchors,
        tz: Tz,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        match self {
            Timing::At {
                at,
                every,
                until: stop,
            } => {
                let Some(first) = at.resolve(anchors, tz) else {
                    return out;
                };
                let stop = stop.as_ref().and_then(|s| s.resolve(anchors, tz));
                let mut t = first;
                loop {
                    if t > until || stop.is_some_and(|s| t >= s) || out.len() >= MAX_OCCURRENCES {
                        break;
                    }
                    if t > after {
                        out.push(t);
                    }
                    let Some(step) = every.and_then(|e| chrono::Duration::from_std(e).ok()) else {
                        break;
                    };
                    if step <= chrono::Duration::zero() {
                        break;
                    }
                    t += step;
                }
            }
            Timing::Cron {
                schedule,
                from,
                until: stop,
                ..
            } => {
                let start = match from {
                    Some(f) => match f.resolve(anchors, tz) {
                        Some(f) => f,
                        None => return out,
                    },
                    None => since,
                };
                let stop = stop.as_ref().and_then(|s| s.resolve(anchors, tz));
                // The iterator yields moments strictly after its start.
                let begin = after.max(start - chrono::Duration::seconds(1));
                for t in schedule.after(&begin.with_timezone(&tz)) {
                    let t = t.with_timezone(&Utc);
                    if t > until || stop.is_some_and(|s| t >= s) || out.len() >= MAX_OCCURRENCES {
                        break;
                    }
                    out.push(t);
                }
            }
        }
        out
    }

    /// Every anchor this timing names.
    pub fn anchors(&self) -> Vec<&str> {
        match self {
            Timing::At { at, until, .. } => [Some(at), until.as_ref()]
                .into_iter()
                .flatten()
                .filter_map(When::anchor)
                .collect(),
            Timing::Cron { from, until, .. } => [from.as_ref(), until.as_ref()]
                .into_iter()
                .flatten()
                .filter_map(When::anchor)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const OSLO: Tz = chrono_tz::Europe::Oslo;

    struct Dates(HashMap<&'static str, DateTime<Utc>>);

    impl Anchors for Dates {
        fn anchor(&self, name: &str) -> Option<DateTime<Utc>> {
            self.0.get(name).copied()
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn dates() -> Dates {
        Dates(HashMap::from([
            // The end of Tuesday 21 June 2022 in Oslo.
            ("registration", t("2022-06-21T23:59:59+02:00")),
            ("kickoff", t("2022-06-23T09:00:00+02:00")),
        ]))
    }

    fn at(text: &str) -> Option<DateTime<Utc>> {
        When::parse(text, OSLO).unwrap().resolve(&dates(), OSLO)
    }

    #[test]
    fn days_before_a_deadline_at_a_local_time() {
        assert_eq!(
            at("2 days before registration at 09:00"),
            Some(t("2022-06-19T09:00:00+02:00"))
        );
        assert_eq!(
            at("1 day before kickoff at 14:00"),
            Some(t("2022-06-22T14:00:00+02:00"))
        );
        assert_eq!(
            at("1 week after kickoff at 10:00"),
            Some(t("2022-06-30T10:00:00+02:00"))
        );
    }

    #[test]
    fn an_anchor_alone_or_hours_from_it() {
        assert_eq!(at("kickoff"), Some(t("2022-06-23T09:00:00+02:00")));
        assert_eq!(at("3 hours after kickoff"), Some(t("2022-06-23T12:00:00+02:00")));
    }

    #[test]
    fn a_fixed_local_moment_in_winter_and_summer() {
        assert_eq!(at("2022-06-30T09:00"), Some(t("2022-06-30T07:00:00Z")));
        assert_eq!(at("2022-11-30 09:00"), Some(t("2022-11-30T08:00:00Z")));
    }

    #[test]
    fn a_local_time_keeps_across_a_change_to_winter_time() {
        let d = Dates(HashMap::from([("m", t("2022-11-01T09:00:00+01:00"))]));
        let w = When::parse("7 days before m at 09:00", OSLO).unwrap();
        // 25 October is still summer time: 09:00 there is 07:00 UTC.
        assert_eq!(w.resolve(&d, OSLO), Some(t("2022-10-25T07:00:00Z")));
    }

    #[test]
    fn an_unknown_anchor_resolves_to_nothing_yet() {
        assert_eq!(at("1 day before followup at 09:00"), None);
    }

    #[test]
    fn bad_moments_say_what_is_wrong() {
        for (text, says) in [
            ("2 fortnights before kickoff", "unknown unit"),
            ("x days before kickoff", "not a number"),
            ("2 days before kickoff at 9", "not a time"),
            ("3 hours before kickoff at 09:00", "\"at\" goes with days"),
            ("2022-13-01T09:00", "not a date"),
            ("before kickoff please", "not a moment"),
        ] {
            let e = When::parse(text, OSLO).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    #[test]
    fn a_repeat_runs_until_its_end() {
        let timing = Timing::At {
            at: When::parse("2 days before registration at 09:00", OSLO).unwrap(),
            every: Some(Duration::from_secs(86_400)),
            until: Some(When::parse("kickoff", OSLO).unwrap()),
        };
        let all = timing.occurrences(
            &dates(),
            OSLO,
            t("2022-01-01T00:00:00Z"),
            t("2023-01-01T00:00:00Z"),
            t("2022-01-01T00:00:00Z"),
        );
        assert_eq!(
            all,
            [
                t("2022-06-19T09:00:00+02:00"),
                t("2022-06-20T09:00:00+02:00"),
                t("2022-06-21T09:00:00+02:00"),
                t("2022-06-22T09:00:00+02:00"),
            ]
        );
        // Only what falls after `after`.
        let later = timing.occurrences(
            &dates(),
            OSLO,
            t("2022-06-20T07:00:00Z"),
            t("2023-01-01T00:00:00Z"),
            t("2022-01-01T00:00:00Z"),
        );
        assert_eq!(later.len(), 2);
    }

    #[test]
    fn cron_every_monday_at_eight_in_oslo() {
        let timing = Timing::Cron {
            schedule: Box::new(Timing::parse_cron("0 8 * * Mon").unwrap()),
            text: "0 8 * * Mon".into(),
            from: Some(When::parse("2022-06-15", OSLO).unwrap()),
            until: Some(When::parse("2022-07-05", OSLO).unwrap()),
        };
        let all = timing.occurrences(
            &dates(),
            OSLO,
            t("2022-01-01T00:00:00Z"),
            t("2023-01-01T00:00:00Z"),
            t("2022-01-01T00:00:00Z"),
        );
        assert_eq!(
            all,
            [
                t("2022-06-20T08:00:00+02:00"),
                t("2022-06-27T08:00:00+02:00"),
                t("2022-07-04T08:00:00+02:00"),
            ]
        );
        assert!(Timing::parse_cron("every monday").is_err());
    }
}
