//! Named crash points, so the kill -9 tests can stop the real binary at the exact moments that
//! matter (after the SMTP server said 250 and before the register knows it, say).
//!
//! `SAMSKAP_FAILPOINT=NAME:N` makes the process send itself SIGKILL the N-th time it reaches
//! `hit(NAME)`; `NAME:N:stop` sends SIGSTOP instead, freezing it there until a SIGCONT (so a test
//! can break a server under it at that moment). `NAME:N:error` makes the N-th [`fails`]`(NAME)`
//! say yes, for a failure that is not a crash (a register that stops working). Unset, a hit
//! costs one atomic load. It changes nothing else and is meant for tests.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

struct Armed {
    name: String,
    at: u64,
    /// SIGKILL, SIGSTOP for "stop", or 0 for "error".
    signal: i32,
    count: AtomicU64,
}

fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let spec = std::env::var("SAMSKAP_FAILPOINT").ok()?;
            let mut parts = spec.split(':');
            let name = parts.next()?.to_string();
            let at = parts.next().unwrap_or("1").parse().ok()?;
            let signal = match parts.next() {
                Some("stop") => libc::SIGSTOP,
                Some("error") => 0,
                _ => libc::SIGKILL,
            };
            Some(Armed {
                name,
                at,
                signal,
                count: AtomicU64::new(0),
            })
        })
        .as_ref()
}

/// Marks a crash point; kills the process here if the environment asks for it.
pub fn hit(name: &str) {
    let Some(armed) = armed() else { return };
    if armed.name != name || armed.signal == 0 {
        return;
    }
    if armed.count.fetch_add(1, Ordering::SeqCst) + 1 == armed.at {
        eprintln!("failpoint {name}:{} reached: signalling this process", armed.at);
        // SAFETY: getpid and kill have no memory-safety preconditions.
        unsafe {
            libc::kill(libc::getpid(), armed.signal);
        }
    }
}

/// Marks a point that can be made to fail; whether it fails this time.
pub fn fails(name: &str) -> bool {
    let Some(armed) = armed() else { return false };
    if armed.name != name || armed.signal != 0 {
        return false;
    }
    let failing = armed.count.fetch_add(1, Ordering::SeqCst) + 1 == armed.at;
    if failing {
        eprintln!("failpoint {name}:{} reached: failing here", armed.at);
    }
    failing
}
