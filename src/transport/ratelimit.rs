//! Spaces sends evenly to stay under a server's limit (Exchange Online: 30 a minute per mailbox).
//! Uses tokio's clock, so tests can pause time instead of waiting.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::config::Rate;

/// Hands out send slots no closer together than the configured interval.
#[derive(Clone)]
pub struct RateLimiter {
    interval: Option<Duration>,
    /// The earliest moment the next slot may start.
    next: Arc<Mutex<Option<Instant>>>,
}

impl RateLimiter {
    /// A limiter for `rate`.
    pub fn new(rate: Rate) -> RateLimiter {
        RateLimiter {
            interval: rate.interval(),
            next: Arc::new(Mutex::new(None)),
        }
    }

    /// Waits for the next slot.
    pub async fn wait(&self) {
        let Some(interval) = self.interval else { return };
        let slot = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let slot = match *next {
                Some(t) if t > now => t,
                _ => now,
            };
            *next = Some(slot + interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn thirty_a_minute_means_one_every_two_seconds() {
        let limiter = RateLimiter::new(Rate::Limited {
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
        let limiter = RateLimiter::new(Rate::Unlimited);
        let start = Instant::now();
        for _ in 0..100 {
            limiter.wait().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
