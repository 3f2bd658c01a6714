//! What the benchmarks share: running the samskap binary to the end while measuring its wall
//! time, CPU time and peak memory, and the machine's busy CPU time.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A finished run of the binary: how long it took and what it used.
pub struct Measured {
    pub wall: Duration,
    pub cpu: Duration,
    pub peak_rss_kb: i64,
}

/// Runs samskap at `now` with `args` to the end, its log (at info, as in production) thrown away;
/// `env` adds environment variables (passwords).
pub fn run_samskap(
    config_path: &Path,
    data: &Path,
    now: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Measured {
    let start = Instant::now();
    let mut command = Command::new(env!("CARGO_BIN_EXE_samskap"));
    command
        .arg("--config")
        .arg(config_path)
        .arg("--data-dir")
        .arg(data)
        .args(["--now", now])
        .args(args)
        .env("SAMSKAP_LOG", "samskap=info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let child = command.spawn().expect("cannot start samskap");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "samskap {args:?} failed"
    );
    // Reaped by wait4 above; the handle must not wait again.
    std::mem::forget(child);
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Measured {
        wall,
        cpu: Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime)),
        peak_rss_kb: usage.ru_maxrss,
    }
}

/// CPU time the whole machine has spent busy (all cores), from /proc/stat.
pub fn busy() -> Duration {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: everything but idle and iowait.
    let busy: u64 = fields
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, v)| v)
        .sum();
    // SAFETY: sysconf has no preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_micros(busy * 1_000_000 / ticks)
}

/// Whether `cargo bench` asked for this benchmark (it passes `--bench`; `cargo test --benches`
/// passes nothing, and then the benchmark says how to run it and does nothing).
pub fn asked(name: &str) -> bool {
    let asked = std::env::args().any(|a| a == "--bench");
    if !asked {
        eprintln!("{name} benchmark: run it with `cargo bench --bench {name}`");
    }
    asked
}

/// The value after `--flag` on the command line, if given.
pub fn flag(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}
