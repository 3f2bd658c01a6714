//! One owner for the register's connection: a thread that holds it and runs the jobs other tasks
//! send it, one at a time. Async tasks never block on SQLite and never share the handle.

use std::sync::mpsc;
use std::thread::JoinHandle;

use super::{Register, RegisterError};

type Job = Box<dyn FnOnce(&mut Register) + Send>;

/// Talks to the register's owner thread. Cheap to clone; the thread ends when the last handle is
/// dropped, after finishing the jobs already sent.
#[derive(Clone)]
pub struct RegisterHandle {
    tx: mpsc::Sender<Job>,
}

/// The owner thread, to wait for at shutdown.
pub struct RegisterThread {
    join: JoinHandle<()>,
}

impl RegisterThread {
    /// Waits until every job is done and the connection closed.
    pub fn join(self) {
        let _ = self.join.join();
    }
}

impl RegisterHandle {
    /// Moves `register` to its own thread.
    pub fn spawn(mut register: Register) -> (RegisterHandle, RegisterThread) {
        let (tx, rx) = mpsc::channel::<Job>();
        let join = std::thread::Builder::new()
            .name("register".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    job(&mut register);
                }
            })
            .expect("the operating system refused a thread for the register");
        (RegisterHandle { tx }, RegisterThread { join })
    }

    /// Runs `f` on the register and returns its result.
    pub async fn call<T, F>(&self, f: F) -> Result<T, RegisterError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Register) -> Result<T, RegisterError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.tx
            .send(Box::new(move |register| {
                let _ = reply.send(f(register));
            }))
            .map_err(|_| RegisterError::Gone)?;
        answer.await.map_err(|_| RegisterError::Gone)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_on_the_owner_thread_in_order() {
        let (handle, thread) = RegisterHandle::spawn(Register::open_in_memory().unwrap());
        handle.call(|r| r.set_meta("a", "1")).await.unwrap();
        handle.call(|r| r.set_meta("a", "2")).await.unwrap();
        let value = handle.call(|r| r.meta("a")).await.unwrap();
        assert_eq!(value.as_deref(), Some("2"));
        drop(handle);
        thread.join();
    }
}
