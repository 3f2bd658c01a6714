//! One owner for the register's connection: async tasks hand it jobs, which run one at a time, so
//! no two ever touch the connection at once.
//!
//! Short jobs (a message's state, a lookup: tens of microseconds in WAL mode) run right where they
//! are called: handing each to another thread would cost more than the job, and sending does
//! several per message. Long jobs (rendering and enqueueing a whole mailing) go to tokio's
//! blocking pool with [`RegisterHandle::call_blocking`] so they never stall the runtime.

use std::sync::{Arc, Mutex};

use super::{Register, RegisterError};

/// Talks to the register. Cheap to clone; the connection closes when the last clone is dropped.
#[derive(Clone)]
pub struct RegisterHandle {
    register: Arc<Mutex<Register>>,
}

impl RegisterHandle {
    /// Takes ownership of `register`.
    pub fn new(register: Register) -> RegisterHandle {
        RegisterHandle {
            register: Arc::new(Mutex::new(register)),
        }
    }

    /// Runs the short job `f` on the register and returns its result.
    pub async fn call<T, F>(&self, f: F) -> Result<T, RegisterError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Register) -> Result<T, RegisterError> + Send + 'static,
    {
        // A job that panicked poisons the lock; the connection itself is still consistent
        // (SQLite rolled back the open transaction), so carry on with it.
        let mut guard = self
            .register
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// Runs the long job `f` on tokio's blocking pool and returns its result.
    pub async fn call_blocking<T, F>(&self, f: F) -> Result<T, RegisterError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Register) -> Result<T, RegisterError> + Send + 'static,
    {
        let register = Arc::clone(&self.register);
        tokio::task::spawn_blocking(move || {
            // A job that panicked poisons the lock; the connection itself is still consistent
            // (SQLite rolled back the open transaction), so carry on with it.
            let mut guard = register.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|_| RegisterError::Gone)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_in_order_on_one_connection() {
        let handle = RegisterHandle::new(Register::open_in_memory().unwrap());
        handle.call(|r| r.set_meta("a", "1")).await.unwrap();
        handle.call(|r| r.set_meta("a", "2")).await.unwrap();
        let value = handle.call(|r| r.meta("a")).await.unwrap();
        assert_eq!(value.as_deref(), Some("2"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_paused_clock_does_not_run_ahead_while_the_register_works() {
        let handle = RegisterHandle::new(Register::open_in_memory().unwrap());
        let before = tokio::time::Instant::now();
        let sleeper = tokio::spawn(tokio::time::sleep(std::time::Duration::from_secs(3600)));
        for i in 0..20 {
            handle
                .call(move |r| r.set_meta("n", &i.to_string()))
                .await
                .unwrap();
        }
        assert!(before.elapsed() < std::time::Duration::from_secs(1));
        sleeper.abort();
    }
}
