//! Injected wall-clock time: the system clock, or a rehearsal clock started at `--now`.
//!
//! Logic never reads the wall clock itself; it asks a [`Clock`]. Rehearsals and tests pass
//! `--now 2022-06-15T10:00:00+02:00` and the program behaves as if it were that instant, with time
//! moving on from there at the normal pace (so a daemon started with `--now` still sees its
//! retries fall due).

use chrono::{DateTime, Utc};

/// Where "now" comes from.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// The operating system's clock.
    System,
    /// Starts at `anchor` when the program starts and advances with tokio's monotonic clock, so a
    /// paused tokio clock in tests also pauses this one.
    Rehearsal {
        anchor: DateTime<Utc>,
        started: tokio::time::Instant,
    },
    /// Never moves: for pure unit tests.
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// A rehearsal clock that reads `anchor` now.
    pub fn starting_at(anchor: DateTime<Utc>) -> Clock {
        Clock::Rehearsal {
            anchor,
            started: tokio::time::Instant::now(),
        }
    }

    /// The current instant according to this clock.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            // The one place the wall clock is read.
            #[allow(clippy::disallowed_methods)]
            Clock::System => Utc::now(),
            Clock::Rehearsal { anchor, started } => {
                let elapsed = started.elapsed();
                *anchor + chrono::Duration::from_std(elapsed).unwrap_or(chrono::Duration::zero())
            }
            Clock::Fixed(t) => *t,
        }
    }

    /// Whether this clock is a rehearsal (`--now`), which logs mention so nobody mistakes a
    /// rehearsal for the real thing.
    pub fn is_rehearsal(&self) -> bool {
        !matches!(self, Clock::System)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn rehearsal_clock_starts_at_its_anchor_and_moves_with_tokio_time() {
        let anchor: DateTime<Utc> = "2022-06-15T08:00:00Z".parse().unwrap();
        let clock = Clock::starting_at(anchor);
        assert_eq!(clock.now(), anchor);
        tokio::time::advance(std::time::Duration::from_secs(90)).await;
        assert_eq!(clock.now(), anchor + chrono::Duration::seconds(90));
    }

    #[test]
    fn fixed_clock_never_moves() {
        let t: DateTime<Utc> = "2022-06-21T21:59:59Z".parse().unwrap();
        assert_eq!(Clock::Fixed(t).now(), t);
        assert!(Clock::Fixed(t).is_rehearsal());
        assert!(!Clock::System.is_rehearsal());
    }
}
