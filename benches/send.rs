//! The send benchmark: 10,000 personalised invitations through the test Postfix, against
//! Postfix's own load generator `smtp-source` with the same message size and concurrency, in the
//! same run. Reports samskap's send rate as a share of smtp-source's, the template rendering rate
//! on one core, and samskap's peak memory.
//!
//!     scripts/install-mail-rig && cargo bench --bench send [-- --messages N --connections C]
//!
//! Not a test: it asserts nothing about speed, it measures.

#[path = "../tests/rig/mod.rs"]
mod rig;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use samskap::config::{Config, Lang};

struct Options {
    messages: usize,
    connections: usize,
}

fn options() -> Options {
    let mut options = Options {
        messages: 10_000,
        connections: 4,
    };
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--messages" => options.messages = args[i + 1].parse().expect("--messages N"),
            "--connections" => options.connections = args[i + 1].parse().expect("--connections N"),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    options
}

/// The ogp5 config with `n` NGOs at the benchmark's domain (which the rig accepts and discards),
/// sending by plain SMTP to the rig's port 25 equivalent, as smtp-source does.
fn config(n: usize, smtp_port: u16, connections: usize) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = std::fs::read_to_string(root.join("config/ogp5.toml"))
        .unwrap()
        .replace(
            "templates = \"../mail-templates\"",
            &format!("templates = {:?}", root.join("mail-templates").display().to_string()),
        )
        .replace(
            "[transport]\nkind = \"maildir\"\n",
            &format!(
                "[transport]\nkind = \"smtp\"\n[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\ntls = \"none\"\nconnections = {connections}\nrate = \"unlimited\"\n[retry]\nwait_in_command = \"0\"\n"
            ),
        );
    // Only the NGOs: the ministries' domains are not the benchmark's.
    let start = text.find("[[organisations]]").unwrap();
    text.truncate(start);
    text = text.replace("letter_copy = [\"smk\"]", "letter_copy = []");
    for i in 0..n {
        text.push_str(&format!(
            "[[organisations]]\nid = \"ngo{i:05}\"\nkind = \"ngo\"\nname = \"Frivillig organisasjon nr. {i}\"\naddress = \"post{i:05}@bench.test\"\ndomains = []\nlang = \"{}\"\n",
            if i % 3 == 0 { "en" } else { "nb" }
        ));
    }
    text
}

/// Renders every invitation on this thread; returns messages per second and the mean size.
fn render_rate(config_path: &Path) -> (f64, usize) {
    let config = Config::load(config_path).unwrap_or_else(|e| panic!("{e}"));
    let secret = [7u8; 16];
    let date = "2022-06-15T08:00:00Z".parse().unwrap();
    let start = Instant::now();
    let mut bytes = 0;
    for org in &config.organisations {
        let lang = if org.lang == Lang::En { Lang::En } else { Lang::Nb };
        let draft = samskap::outbox::invitation::draft(&config, org, &secret, lang, date).unwrap();
        bytes += draft.composed.bytes.len();
    }
    let elapsed = start.elapsed().as_secs_f64();
    (
        config.organisations.len() as f64 / elapsed,
        bytes / config.organisations.len(),
    )
}

struct SamskapRun {
    /// From start to "sending": loading, rendering and enqueueing every invitation.
    enqueue: Duration,
    /// From "sending" to exit: the SMTP conversation for every message.
    send: Duration,
    peak_rss_kb: i64,
    /// User and system CPU time of the whole run.
    cpu: Duration,
}

fn run_samskap(config_path: &Path, data: &Path) -> SamskapRun {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_samskap"))
        .arg("--config")
        .arg(config_path)
        .arg("--data-dir")
        .arg(data)
        .args(["--now", "2022-06-15T10:00:00+02:00", "send", "invitations"])
        .env("SAMSKAP_LOG", "samskap=info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start samskap");
    let pid = child.id() as libc::pid_t;
    let stderr = child.stderr.take().unwrap();
    let mut sending_at = None;
    let mut sent = 0usize;
    let mut last = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap_or_default();
        if sending_at.is_none() && line.contains(" sending ") {
            sending_at = Some(Instant::now());
        }
        if line.contains(" sent ") {
            sent += 1;
        }
        last = line;
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; the pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let end = Instant::now();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "samskap failed: {last}"
    );
    let sending_at = sending_at.expect("samskap never started sending");
    assert!(sent > 0);
    std::mem::forget(child);
    SamskapRun {
        enqueue: sending_at - start,
        send: end - sending_at,
        peak_rss_kb: usage.ru_maxrss,
        cpu: Duration::from_micros(
            (usage.ru_utime.tv_sec * 1_000_000
                + usage.ru_utime.tv_usec
                + usage.ru_stime.tv_sec * 1_000_000
                + usage.ru_stime.tv_usec) as u64,
        ),
    }
}

fn run_smtp_source(port: u16, messages: usize, connections: usize, size: usize) -> Duration {
    let start = Instant::now();
    let output = Command::new("smtp-source")
        .args(["-s", &connections.to_string()])
        .args(["-m", &messages.to_string()])
        .args(["-l", &size.to_string()])
        .arg("-d")
        .args(["-f", "tom-arne.nygaard@kdd.dep.no", "-t", "post00000@bench.test"])
        .arg(format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .output()
        .expect("cannot run smtp-source (scripts/install-mail-rig installs it)");
    assert!(
        output.status.success(),
        "smtp-source failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    start.elapsed()
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would pass nothing: run only when asked.
    if !std::env::args().any(|a| a == "--bench") {
        eprintln!("send benchmark: run it with `cargo bench --bench send`");
        return;
    }
    let options = options();
    let n = options.messages;
    let rig = rig::MailRig::start(&["tom-arne.nygaard@kdd.dep.no"]);
    let work = tempfile::tempdir().unwrap();
    let config_path = work.path().join("bench.toml");
    std::fs::write(&config_path, config(n, rig.smtp_port, options.connections)).unwrap();

    let (render_per_sec, size) = render_rate(&config_path);
    eprintln!("rendering: {render_per_sec:.0} invitations/s on one core, mean size {size} bytes");

    let source_before = run_smtp_source(rig.smtp_port, n, options.connections, size);
    rig.wait_for_empty_queue();
    let samskap = run_samskap(&config_path, &work.path().join("var"));
    rig.wait_for_empty_queue();
    let source_after = run_smtp_source(rig.smtp_port, n, options.connections, size);
    rig.wait_for_empty_queue();

    let source_rate = |d: Duration| n as f64 / d.as_secs_f64();
    let source_best = source_rate(source_before).max(source_rate(source_after));
    let samskap_rate = n as f64 / samskap.send.as_secs_f64();
    let report = format!(
        "send benchmark: {n} invitations, {} connections, {size} bytes each, into the test Postfix\n\
         smtp-source:  {:.0} msg/s (before), {:.0} msg/s (after)\n\
         samskap send: {samskap_rate:.0} msg/s over SMTP ({:.2} s), after {:.2} s rendering and enqueueing all {n}\n\
         ratio samskap/smtp-source (best): {:.2}\n\
         rendering alone: {render_per_sec:.0} invitations/s on one core\n\
         samskap peak RSS: {:.1} MB; CPU {:.2} s in all ({:.0} µs a message)\n",
        options.connections,
        source_rate(source_before),
        source_rate(source_after),
        samskap.send.as_secs_f64(),
        samskap.enqueue.as_secs_f64(),
        samskap_rate / source_best,
        samskap.peak_rss_kb as f64 / 1024.0,
        samskap.cpu.as_secs_f64(),
        samskap.cpu.as_secs_f64() * 1e6 / n as f64,
    );
    print!("{report}");
    let _ = std::fs::write(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-send.txt"),
        &report,
    );
}
