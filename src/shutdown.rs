//! Shutdown as a value passed to every loop: a trigger on one side, listeners on the other.
//!
//! Loops check it only at safe points (between two messages, never inside a send or a database
//! transaction), so stopping never leaves half-done work behind.

use tokio::sync::watch;

/// Fires the shutdown once; every [`Shutdown`] made from it sees it.
#[derive(Debug, Clone)]
pub struct ShutdownTrigger {
    tx: std::sync::Arc<watch::Sender<bool>>,
}

/// Listens for shutdown.
#[derive(Debug, Clone)]
pub struct Shutdown {
    rx: watch::Receiver<bool>,
}

/// A trigger and its first listener.
pub fn channel() -> (ShutdownTrigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (
        ShutdownTrigger {
            tx: std::sync::Arc::new(tx),
        },
        Shutdown { rx },
    )
}

impl ShutdownTrigger {
    /// Asks everyone to stop at their next safe point.
    pub fn fire(&self) {
        let _ = self.tx.send(true);
    }

    /// Another listener.
    pub fn subscribe(&self) -> Shutdown {
        Shutdown {
            rx: self.tx.subscribe(),
        }
    }
}

impl Shutdown {
    /// A listener that never fires: for one-shot commands and tests.
    pub fn never() -> Shutdown {
        let (tx, rx) = watch::channel(false);
        // Keep the sender alive for the life of the program so `recv` waits forever instead of
        // returning at once because the channel closed.
        std::mem::forget(tx);
        Shutdown { rx }
    }

    /// Whether shutdown was asked for.
    pub fn is_shutdown(&self) -> bool {
        *self.rx.borrow()
    }

    /// Waits until shutdown is asked for.
    pub async fn recv(&mut self) {
        // An error means the trigger was dropped, which only happens when the program ends.
        let _ = self.rx.wait_for(|stop| *stop).await;
    }
}

/// Fires `trigger` on SIGINT or SIGTERM, the signals systemd and a terminal send.
pub fn on_signals(trigger: ShutdownTrigger) {
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for SIGTERM; only SIGINT stops cleanly");
                    let _ = ctrl_c.await;
                    trigger.fire();
                    return;
                }
            };
            tokio::select! {
                _ = ctrl_c => tracing::info!("SIGINT received: finishing the message in hand, then stopping"),
                _ = term.recv() => tracing::info!("SIGTERM received: finishing the message in hand, then stopping"),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
        trigger.fire();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_listener_sees_the_trigger() {
        let (trigger, mut first) = channel();
        let mut second = trigger.subscribe();
        assert!(!first.is_shutdown());
        trigger.fire();
        first.recv().await;
        second.recv().await;
        assert!(first.is_shutdown() && second.is_shutdown());
    }
}
