//! Spaces sends evenly to stay under a server's limit (Exchange Online: 30 a minute per mailbox).
//! Uses tokio's clock, so tests can pause time instead of waiting.

use std::time::Duration;

use tokio::time::Instant;

use crate::config::Rate;

/// Hands out send slots no closer together than the configured interval.
///
/// Waiting for a slot reserves nothing ([`RateLimiter::ready`]); a slot is used only when
/// [`RateLimiter::take`] says so. A sender can therefore wait for a slot and for other things
/// at once (a finished send to record, shutdown) and give up the wait without losing a slot.
#[derive(Debug)]
pub struct RateLimiter {
    interval: Option<Duration>,
    /// The earliest moment the next slot may start.
    next: Option<Instant>,
}

impl RateLimiter {
    /// A limiter for `rate`.
    pub fn new(rate: Rate) -> RateLimiter {
        RateLimiter {
            interval: rate.interval(),
            next: None,
        }
    }

    /// Waits until a slot is free. Cancel-safe.
    pub async fn ready(&self) {
        if let Some(at) = self.next {
            tokio::time::sleep_until(at).await;
        }
    }

    /// Uses the slot that is free now.
    pub fn take(&mut self) {
        let Some(interval) = self.interval else { return };
        let now = Instant::now();
        let slot = self.next.filter(|t| *t > now).unwrap_or(now);
        self.next = Some(slot + interval);
    }

    /// Waits for the next slot and uses it.
    pub async fn wait(&mut self) {
        self.ready().await;
        self.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn thirty_a_minute_means_one_every_two_seconds() {
        let mut limiter = RateLimiter::new(Rate::Limited {
            count: 30,
            per: Duration::from_secs(60),
        });
        let start = Instant::now();
        for _ in 0..4 {
            limiter.wait().await;
        }
        // The first slot is immediate, the fourth six seconds later.
        assert_eq!(start.elapsed(), Duration::from_secs(6));
    }

    #[tokio::test(start_paused = true)]
    async fn unlimited_never_waits() {
        let mut limiter = RateLimiter::new(Rate::Unlimited);
        let start = Instant::now();
        for _ in 0..100 {
            limiter.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_given_up_keeps_the_slot() {
        let mut limiter = RateLimiter::new(Rate::Limited {
            count: 1,
            per: Duration::from_secs(10),
        });
        let start = Instant::now();
        limiter.wait().await;
        // Something else comes first: the wait for the second slot is dropped at 3 s.
        tokio::select! {
            _ = limiter.ready() => panic!("the slot came too early"),
            _ = tokio::time::sleep(Duration::from_secs(3)) => {}
        }
        limiter.wait().await;
        assert_eq!(start.elapsed(), Duration::from_secs(10));
    }
}
