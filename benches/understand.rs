//! The understanding benchmark: messages understood per second on one core over every corpus file
//! and fixture, and beside it, in the same run, the Python reply parsers talon, mail-parser-reply
//! and email-reply-parser on the same files (installed into `target/bench-venv` from PyPI).
//!
//!     cargo bench --bench understand
//!
//! samskap's number is the whole pipeline (MIME, classification, quotes, facts); the Python
//! parsers' is MIME (the standard library) and quote removal only.

mod common;

/// The allocator of the `samskap` binary, so that the reading is measured as it runs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every message file under `dir`: not the expected results (.json, .tsv), licences and notes
/// (.md, and .txt outside the fixture folders, where .txt files are messages).
fn every_file(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            every_file(&path, out);
            continue;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        let extension = path.extension().unwrap_or_default().to_string_lossy().to_string();
        let in_fixtures = path.to_string_lossy().contains("/fixtures/");
        let message = match extension.as_str() {
            "json" | "tsv" | "md" => false,
            "txt" => in_fixtures,
            _ => !name.contains("LICENSE") && !name.starts_with("COPYING"),
        };
        if message {
            out.push(path);
        }
    }
}

/// The CPU time this thread has used.
fn thread_cpu() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn python() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = root.join("target/bench-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .ok()?
            .success();
        if !made {
            return None;
        }
    }
    let installed = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "-q",
            "talon",
            "email-reply-parser",
            "mail-parser-reply",
        ])
        .status()
        .ok()?
        .success();
    installed.then_some(python)
}

fn main() {
    if !common::asked("understand") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    every_file(&root.join("tests/corpus"), &mut files);
    every_file(&root.join("tests/fixtures/replies"), &mut files);
    files.sort();
    // `SAMSKAP_BENCH_FILES=TEXT`: only the files whose path holds TEXT (for profiling one kind).
    if let Ok(only) = std::env::var("SAMSKAP_BENCH_FILES") {
        files.retain(|p| p.to_string_lossy().contains(&only));
    }
    let raws: Vec<Vec<u8>> = files.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let bytes: usize = raws.iter().map(Vec::len).sum();
    let config =
        samskap::config::Config::load(&root.join("config/ogp5.toml")).unwrap_or_else(|e| panic!("{e}"));
    let ctx = samskap::understand::Context::from_config(&config);

    // Warm up, then as many passes as fit in five seconds. Each pass is timed by the CPU time of
    // this thread, and the median pass counts: the machine is shared (other builds, helpers), and
    // wall time then measures the neighbours as much as the reader.
    for raw in &raws {
        std::hint::black_box(samskap::understand::understand(raw, &ctx));
    }
    let start = Instant::now();
    let mut passes: Vec<f64> = Vec::new();
    while start.elapsed() < Duration::from_secs(5) || passes.len() < 5 {
        let cpu = thread_cpu();
        for raw in &raws {
            std::hint::black_box(samskap::understand::understand(raw, &ctx));
        }
        passes.push(raws.len() as f64 / (thread_cpu() - cpu).as_secs_f64());
    }
    let ours = median(&mut passes);
    // `SAMSKAP_BENCH_SLOWEST=N`: the N files that take longest, with their share of a pass (for
    // finding where the time goes; not part of the figures).
    if let Some(n) = std::env::var("SAMSKAP_BENCH_SLOWEST")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let mut each: Vec<(f64, &PathBuf)> = raws
            .iter()
            .zip(&files)
            .map(|(raw, path)| {
                let cpu = thread_cpu();
                for _ in 0..20 {
                    std::hint::black_box(samskap::understand::understand(raw, &ctx));
                }
                ((thread_cpu() - cpu).as_secs_f64() / 20.0, path)
            })
            .collect();
        let total: f64 = each.iter().map(|(t, _)| t).sum();
        each.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (t, path) in each.iter().take(n) {
            let shown = path.strip_prefix(root).unwrap_or(path);
            println!(
                "{:>8.1} µs {:>5.2}% {}",
                t * 1e6,
                100.0 * t / total,
                shown.display()
            );
        }
    }
    let mut report = format!(
        "understand benchmark: {} files ({:.1} MB: every corpus file and reply fixture), one core\n\
         samskap understand (MIME, classification, quotes, facts): {ours:.0} messages/s \
         (median of {} passes, per second of CPU time)\n",
        raws.len(),
        bytes as f64 / 1e6,
        passes.len()
    );
    // `SAMSKAP_BENCH_ONLY_OURS=1`: no Python parsers (for profiling samskap alone).
    let python = match std::env::var_os("SAMSKAP_BENCH_ONLY_OURS") {
        Some(_) => None,
        None => python(),
    };
    match python {
        Some(python) => {
            let mut child = Command::new(&python)
                .arg(root.join("benches/reply_parsers.py"))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("python");
            {
                let mut stdin = child.stdin.take().unwrap();
                for path in &files {
                    let _ = writeln!(stdin, "{}", path.display());
                }
            }
            let output = child.wait_with_output().unwrap();
            let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
            for (name, rate) in results.as_object().into_iter().flatten() {
                let rate = rate.as_f64().unwrap_or(0.0);
                report.push_str(&format!(
                    "{name} (Python, MIME and quotes only): {rate:.0} messages/s; samskap is {:.0}x\n",
                    ours / rate.max(1e-9)
                ));
            }
        }
        None if std::env::var_os("SAMSKAP_BENCH_ONLY_OURS").is_some() => {
            report.push_str("Python reply parsers: not run (SAMSKAP_BENCH_ONLY_OURS)\n")
        }
        None => report.push_str("Python reply parsers: could not be installed (no network to PyPI?)\n"),
    }
    print!("{report}");
    let _ = std::fs::write(root.join("target/bench-understand.txt"), &report);
}
