//! The send benchmark: 10,000 personalised invitations through the test Postfix, against
//! Postfix's own load generator `smtp-source` with the same message size and concurrency, in the
//! same run. Reports samskap's send rate as a share of smtp-source's, the template rendering rate
//! on one core, and samskap's peak memory.
//!
//!     scripts/install-mail-rig && cargo bench --bench send [-- --messages N --connections C]
//!
//! Not a test: it asserts nothing about speed, it measures.

mod common;
#[path = "../tests/rig/mod.rs"]
mod rig;

use common::{busy, run_samskap};

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use samskap::config::{Config, Lang};

struct Options {
    messages: usize,
    connections: usize,
}

fn options() -> Options {
    let number = |name: &str, default: usize| {
        common::flag(name).map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name} N")))
    };
    Options {
        messages: number("--messages", 10_000),
        connections: number("--connections", 4),
    }
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

/// Renders every invitation on this thread; returns messages per second, the mean size, and one
/// of them (for smtp-source to send the same).
fn render_rate(config_path: &Path) -> (f64, usize, Vec<u8>) {
    let config = Config::load(config_path).unwrap_or_else(|e| panic!("{e}"));
    let secret = [7u8; 16];
    let date = "2022-06-15T08:00:00Z".parse().unwrap();
    let start = Instant::now();
    let mut bytes = 0;
    let mut sample = Vec::new();
    for org in &config.organisations {
        let lang = if org.lang == Lang::En { Lang::En } else { Lang::Nb };
        let draft = samskap::outbox::invitation::draft(&config, org, &secret, lang, date).unwrap();
        bytes += draft.composed.bytes.len();
        if sample.is_empty() && org.id.starts_with("ngo") {
            sample = draft.composed.bytes;
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    (
        config.organisations.len() as f64 / elapsed,
        bytes / config.organisations.len(),
        sample,
    )
}

/// smtp-source sending `messages` copies of the message in `file` (an invitation as samskap
/// renders it), each to a different recipient at the benchmark's domain (`-N`), over
/// `connections` sessions: the same work for Postfix as samskap's run.
fn run_smtp_source(port: u16, messages: usize, connections: usize, file: &Path) -> Duration {
    let start = Instant::now();
    let output = Command::new("smtp-source")
        .args(["-s", &connections.to_string()])
        .args(["-m", &messages.to_string()])
        .arg("-F")
        .arg(file)
        .arg("-N")
        .args(["-f", "tom-arne.nygaard@kdd.dep.no", "-t", "post@bench.test"])
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
    if !common::asked("send") {
        return;
    }
    let options = options();
    let n = options.messages;
    let rig = rig::MailRig::start(&["tom-arne.nygaard@kdd.dep.no"]);
    let work = tempfile::tempdir().unwrap();
    let config_path = work.path().join("bench.toml");
    std::fs::write(&config_path, config(n, rig.smtp_port, options.connections)).unwrap();

    let (render_per_sec, size, sample) = render_rate(&config_path);
    eprintln!("rendering: {render_per_sec:.0} invitations/s on one core, mean size {size} bytes");
    // smtp-source ends each line of the file with CRLF itself.
    let sample_path = work.path().join("invitation.eml");
    std::fs::write(
        &sample_path,
        String::from_utf8_lossy(&sample).replace("\r\n", "\n"),
    )
    .unwrap();

    let machine = busy();
    let source_before = run_smtp_source(rig.smtp_port, n, options.connections, &sample_path);
    rig.wait_for_empty_queue();
    let machine_source = busy() - machine;
    let data = work.path().join("var");
    let queued = run_samskap(
        &config_path,
        &data,
        "2022-06-15T10:00:00+02:00",
        &["send", "invitations", "--queue-only"],
        &[],
    );
    let machine = busy();
    let sent = run_samskap(
        &config_path,
        &data,
        "2022-06-15T10:01:00+02:00",
        &["run", "--once"],
        &[],
    );
    rig.wait_for_empty_queue();
    let machine_samskap = busy() - machine;
    let status = Command::new(env!("CARGO_BIN_EXE_samskap"))
        .arg("--config")
        .arg(&config_path)
        .arg("--data-dir")
        .arg(&data)
        .arg("status")
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&status.stdout)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(
        summary.contains(&format!("{n} sent")),
        "not everything was sent: {summary}"
    );
    rig.wait_for_empty_queue();
    let source_after = run_smtp_source(rig.smtp_port, n, options.connections, &sample_path);
    rig.wait_for_empty_queue();

    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    let source_best = rate(source_before).max(rate(source_after));
    let report = format!(
        "send benchmark: {n} invitations, {} connections, {size} bytes each, into the test Postfix\n\
         smtp-source (-F one of the invitations, -N a recipient each): {:.0} msg/s (before), {:.0} msg/s (after)\n\
         samskap run --once:    {:.0} msg/s ({:.2} s wall, {:.0} µs CPU a message), peak RSS {:.1} MB\n\
         ratio samskap/smtp-source (best of the two): {:.2}\n\
         samskap send --queue-only (render and enqueue all): {:.2} s, {:.0} invitations/s, peak RSS {:.1} MB\n\
         rendering alone, in process: {render_per_sec:.0} invitations/s on one core\n\
         machine CPU a message (all processes, Postfix included): smtp-source run {:.0} µs, samskap run {:.0} µs \
         of which samskap itself {:.0} µs, Postfix and the kernel {:.0} µs\n",
        options.connections,
        rate(source_before),
        rate(source_after),
        rate(sent.wall),
        sent.wall.as_secs_f64(),
        sent.cpu.as_secs_f64() * 1e6 / n as f64,
        sent.peak_rss_kb as f64 / 1024.0,
        rate(sent.wall) / source_best,
        queued.wall.as_secs_f64(),
        rate(queued.wall),
        queued.peak_rss_kb as f64 / 1024.0,
        machine_source.as_secs_f64() * 1e6 / n as f64,
        machine_samskap.as_secs_f64() * 1e6 / n as f64,
        sent.cpu.as_secs_f64() * 1e6 / n as f64,
        (machine_samskap.saturating_sub(sent.cpu)).as_secs_f64() * 1e6 / n as f64,
    );
    print!("{report}");
    let _ = std::fs::write(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-send.txt"),
        &report,
    );
}
