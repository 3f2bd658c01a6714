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
///
/// The run is measured from a small helper process (this benchmark binary started again with
/// `--measure`): a process's peak memory counts what its parent held when it was forked, and the
/// benchmark holds all its test mail. Every benchmark's `main` calls [`serve_measure`] first.
pub fn run_samskap(
    config_path: &Path,
    data: &Path,
    now: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Measured {
    let mut command = Command::new(std::env::current_exe().expect("the benchmark binary"));
    command
        .arg("--measure")
        .arg(env!("CARGO_BIN_EXE_samskap"))
        .arg("--config")
        .arg(config_path)
        .arg("--data-dir")
        .arg(data)
        .args(["--now", now])
        .args(args)
        .env("SAMSKAP_LOG", "samskap=info")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().expect("cannot start the measuring helper");
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<u64> = text.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    let [wall_us, cpu_us, rss_kb, code] = numbers[..] else {
        panic!("the measuring helper said {text:?}")
    };
    assert_eq!(code, 0, "samskap {args:?} failed");
    Measured {
        wall: Duration::from_micros(wall_us),
        cpu: Duration::from_micros(cpu_us),
        peak_rss_kb: rss_kb as i64,
    }
}

/// When started as `BENCH --measure PROGRAM ARGS...`: runs the program, prints its wall time and
/// CPU time in microseconds, its peak RSS in KB and its exit code, and exits.
pub fn serve_measure() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some("--measure") {
        return;
    }
    let start = Instant::now();
    let child = Command::new(&args[2])
        .args(&args[3..])
        .stdout(Stdio::null())
        .spawn()
        .expect("cannot start the measured program");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    // Reaped by wait4 above; the handle must not wait again.
    std::mem::forget(child);
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    println!(
        "{} {} {} {code}",
        wall.as_micros(),
        micros(usage.ru_utime) + micros(usage.ru_stime),
        usage.ru_maxrss
    );
    std::process::exit(0);
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
    serve_measure();
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
