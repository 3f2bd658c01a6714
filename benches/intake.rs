//! The intake benchmark, on the test Postfix and Dovecot:
//!
//! 1. latency: with `samskap run` waiting in IMAP IDLE on the coordinator's inbox, replies are
//!    delivered one at a time straight into Dovecot over LMTP; for each, the time from Dovecot's
//!    "stored" to the reply's row in the register (polled every millisecond);
//! 2. a full mailbox: 10,000 messages (every corpus file and reply fixture over and over, each
//!    with its own Message-ID) delivered into a mailbox, then `samskap run --once` takes them all
//!    in over IMAP from a fresh register: wall time, CPU time and peak memory; and the same
//!    messages as files through `samskap ingest`, for the local path;
//! 3. big messages: a few messages of 50 MB (over the 25 MB limit: recorded by their header, for
//!    review) and of 24 MB (just under it: read whole, one at a time) among small replies, taken
//!    in by `samskap run --once` over IMAP and by `samskap ingest` as files: peak memory, which
//!    must stay under 100 MB whatever the mailbox holds.
//!
//! ```text
//! scripts/install-mail-rig && cargo bench --bench intake [-- --messages N --replies K]
//! cargo bench --bench intake -- --only big [--big N --near K]
//! ```
//!
//! Not a test: it asserts only that every message arrived, and measures.

mod common;
#[path = "../tests/rig/mod.rs"]
mod rig;
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use rig::{Lmtp, MailRig, PASSWORD};
use support::{COORDINATOR, MINISTRIES, SEND_TIME, Workspace, ogp5_toml, postmottak, with_transport};

const PASSWORD_ENV: &str = "SAMSKAP_BENCH_PASSWORD";
const BULK_USER: &str = "arkiv@kdd.dep.no";
const BIG_USER: &str = "stor@kdd.dep.no";
/// When the replies are read: three days after the invitations.
const READ_TIME: &str = "2022-06-18T12:00:00+02:00";

/// Every message file of the test corpus and the reply fixtures.
fn corpus_messages() -> Vec<Vec<u8>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
                continue;
            }
            let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
            let extension = path.extension().unwrap_or_default().to_string_lossy().to_string();
            let message = match extension.as_str() {
                "json" | "tsv" | "md" => false,
                "txt" => path.to_string_lossy().contains("/fixtures/"),
                _ => !name.contains("LICENSE") && !name.starts_with("COPYING"),
            };
            if message {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("tests/corpus"), &mut files);
    walk(&root.join("tests/fixtures/replies"), &mut files);
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// `raw` with its own Message-ID headers taken out and `id` put first.
fn with_message_id(raw: &[u8], id: &str) -> Vec<u8> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len());
    let mut out = format!("Message-ID: <{id}>\r\n").into_bytes();
    let mut skipping = false;
    for line in raw[..end].split_inclusive(|b| *b == b'\n') {
        let continuation = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if !continuation {
            skipping = line.len() >= 11 && line[..11].eq_ignore_ascii_case(b"message-id:");
        }
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out.extend_from_slice(&raw[end..]);
    out
}

/// A reply from a ministry as people write it, with a Message-ID of its own and the verdict of
/// KDD's MX, which the config trusts.
fn reply(i: usize) -> (String, Vec<u8>) {
    let id = format!("latency-{i}@aid.dep.no");
    let raw = format!(
        "Authentication-Results: mx.kdd.dep.no; dmarc=pass header.from=aid.dep.no\r\nFrom: Lise Berg <lise.berg@aid.dep.no>\r\nTo: {COORDINATOR}\r\nSubject: SV: Invitasjon til samskapingsmøte\r\nMessage-ID: <{id}>\r\nDate: Sat, 18 Jun 2022 12:00:00 +0200\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHei,\r\n\r\nAID melder på {n} personer til møtet 23. juni.\r\n\r\nMvh\r\nLise Berg\r\n",
        n = i % 3 + 1
    );
    (id, raw.into_bytes())
}

/// Whether the register has taken in the message `id`.
fn registered(db: &rusqlite::Connection, id: &str) -> bool {
    db.query_row("SELECT 1 FROM messages_seen WHERE message_id = ?1", [id], |_| {
        Ok(())
    })
    .is_ok()
}

/// Polls the register every millisecond until it has `id`; the time it took, or None after 30 s.
fn time_to_register(db: &rusqlite::Connection, id: &str, since: Instant) -> Option<Duration> {
    while since.elapsed() < Duration::from_secs(30) {
        if registered(db, id) {
            return Some(since.elapsed());
        }
        // Watching another process: polling is the only way to see its commit.
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(Duration::from_millis(1));
    }
    None
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// The ogp5 process reading `user`'s mailbox over IMAP, sending through the rig, no
/// confirmations (the senders of the corpus have no mailboxes).
fn workspace(rig: &MailRig, user: &str) -> Workspace {
    let transport = format!(
        "{}\n{}\n[retry]\ninitial = \"1m\"\nwait_in_command = \"0\"\n",
        rig.smtp_config(COORDINATOR, PASSWORD_ENV),
        rig.imap_config(user, PASSWORD_ENV)
    );
    let config =
        with_transport(&ogp5_toml(), &transport).replace("confirmations = true ", "confirmations = false ");
    let mut ws = Workspace::new(&config);
    ws.env.push((PASSWORD_ENV.into(), PASSWORD.into()));
    ws
}

fn latency(rig: &MailRig, replies: usize) -> String {
    let ws = workspace(rig, COORDINATOR);
    ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    rig.wait_for_empty_queue();
    let mut daemon = ws
        .command(&["--now", READ_TIME, "run"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot start samskap run");
    let mut lmtp = Lmtp::connect(rig);
    let db = rusqlite::Connection::open_with_flags(
        ws.data.join("samskap.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("the register");
    // The first reply waits for the daemon to start and take in the mailbox: not counted.
    let (id, raw) = reply(0);
    lmtp.deliver("lise.berg@aid.dep.no", COORDINATOR, &raw);
    time_to_register(&db, &id, Instant::now()).expect("the daemon never took in the first reply");
    let mut times = Vec::new();
    for i in 1..=replies {
        let (id, raw) = reply(i);
        lmtp.deliver("lise.berg@aid.dep.no", COORDINATOR, &raw);
        let delivered = Instant::now();
        let took = time_to_register(&db, &id, delivered)
            .unwrap_or_else(|| panic!("reply {i} never reached the register"));
        times.push(took);
    }
    let _ = daemon.kill();
    let _ = daemon.wait();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "latency, Dovecot stored -> register (IMAP IDLE, {} replies one at a time): median {:.0} ms, p90 {:.0} ms, min {:.0} ms, max {:.0} ms\n",
        times.len(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.9)),
        ms(times[0]),
        ms(times[times.len() - 1]),
    )
}

fn full_mailbox(rig: &MailRig, n: usize) -> String {
    let corpus = corpus_messages();
    let messages: Vec<Vec<u8>> = (0..n)
        .map(|i| with_message_id(&corpus[i % corpus.len()], &format!("bulk-{i}@bench.test")))
        .collect();
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let start = Instant::now();
    let mut lmtp = Lmtp::connect(rig);
    for raw in &messages {
        lmtp.deliver("bench@bench.test", BULK_USER, raw);
    }
    let filling = start.elapsed();

    let ws = workspace(rig, BULK_USER);
    let env = [(PASSWORD_ENV, PASSWORD)];
    let imap = common::run_samskap(&ws.config, &ws.data, READ_TIME, &["run", "--once"], &env);
    let db = rusqlite::Connection::open(ws.data.join("samskap.db")).unwrap();
    let seen: i64 = db
        .query_row("SELECT count(*) FROM messages_seen", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        seen as usize, n,
        "every message of the mailbox is in the register"
    );

    // The same messages as files, through `ingest`, into a fresh register.
    let files = tempfile::tempdir().unwrap();
    for (i, raw) in messages.iter().enumerate() {
        std::fs::write(files.path().join(format!("{i:05}.eml")), raw).unwrap();
    }
    let local = Workspace::new(&ogp5_toml().replace("confirmations = true ", "confirmations = false "));
    let path = files.path().to_string_lossy().to_string();
    let ingest = common::run_samskap(&local.config, &local.data, READ_TIME, &["ingest", &path], &[]);

    let line = |what: &str, m: &common::Measured| {
        format!(
            "{what}: {:.1} s ({:.0} messages/s), CPU {:.1} s, peak RSS {:.1} MB\n",
            m.wall.as_secs_f64(),
            n as f64 / m.wall.as_secs_f64(),
            m.cpu.as_secs_f64(),
            m.peak_rss_kb as f64 / 1024.0
        )
    };
    format!(
        "full mailbox: {n} messages, {:.0} MB (filled over LMTP in {:.1} s)\n{}{}",
        bytes as f64 / 1e6,
        filling.as_secs_f64(),
        line("  samskap run --once over IMAP, fresh register", &imap),
        line("  samskap ingest of the same files", &ingest),
    )
}

/// A message from KLD of about `size` bytes: a line of text and a PDF attachment (base64).
fn big_message(i: usize, size: usize) -> (String, Vec<u8>) {
    let id = format!("big-{i}@kld.dep.no");
    let head = format!(
        "From: Kari Nordmann <kari.nordmann@kld.dep.no>\r\nTo: {COORDINATOR}\r\nSubject: Innspill med vedlegg {i}\r\nMessage-ID: <{id}>\r\nDate: Sat, 18 Jun 2022 12:00:00 +0200\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nInnspillet vårt er vedlagt.\r\n--b\r\nContent-Type: application/pdf; name=\"innspill.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    );
    // 76 characters and CRLF a line: 78 bytes per 57 of attachment.
    let lines = size.saturating_sub(head.len() + 8) / 78;
    let blob: Vec<u8> = (0..57 * lines).map(|n| (n * 31 % 256) as u8).collect();
    let encoded = data_encoding::BASE64.encode(&blob);
    let mut raw = Vec::with_capacity(size + 100);
    raw.extend_from_slice(head.as_bytes());
    for chunk in encoded.as_bytes().chunks(76) {
        raw.extend_from_slice(chunk);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"--b--\r\n");
    (id, raw)
}

fn big_messages(rig: &MailRig, big: usize, near: usize) -> String {
    let mut messages: Vec<Vec<u8>> = Vec::new();
    for i in 0..big {
        messages.push(big_message(i, 50_000_000).1);
        messages.push(reply(10_000 + i).1);
    }
    for i in 0..near {
        messages.push(big_message(big + i, 24_000_000).1);
        messages.push(reply(20_000 + i).1);
    }
    let bytes: usize = messages.iter().map(Vec::len).sum();
    let mut lmtp = Lmtp::connect(rig);
    for raw in &messages {
        lmtp.deliver("kari.nordmann@kld.dep.no", BIG_USER, raw);
    }
    let ws = workspace(rig, BIG_USER);
    let env = [(PASSWORD_ENV, PASSWORD)];
    let total = messages.len();
    let check = |data: &Path| {
        let db = rusqlite::Connection::open(data.join("samskap.db")).unwrap();
        let count = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            count("SELECT count(*) FROM messages_seen") as usize,
            total,
            "every message of the mailbox is in the register"
        );
        assert_eq!(
            count("SELECT count(*) FROM review_items WHERE reason LIKE 'Too big to read%'") as usize,
            big,
            "each message over the limit waits for review"
        );
    };
    let imap = common::run_samskap(&ws.config, &ws.data, READ_TIME, &["run", "--once"], &env);
    check(&ws.data);
    let files = tempfile::tempdir().unwrap();
    for (i, raw) in messages.iter().enumerate() {
        std::fs::write(files.path().join(format!("{i:05}.eml")), raw).unwrap();
    }
    drop(messages);
    let local = Workspace::new(&ogp5_toml().replace("confirmations = true ", "confirmations = false "));
    let path = files.path().to_string_lossy().to_string();
    let ingest = common::run_samskap(&local.config, &local.data, READ_TIME, &["ingest", &path], &[]);
    check(&local.data);
    let line = |what: &str, m: &common::Measured| {
        format!(
            "{what}: {:.1} s, CPU {:.1} s, peak RSS {:.1} MB\n",
            m.wall.as_secs_f64(),
            m.cpu.as_secs_f64(),
            m.peak_rss_kb as f64 / 1024.0
        )
    };
    format!(
        "big messages: {big} of 50 MB (over the 25 MB limit), {near} of 24 MB, each beside a small reply; {:.0} MB in all\n{}{}",
        bytes as f64 / 1e6,
        line("  samskap run --once over IMAP, fresh register", &imap),
        line("  samskap ingest of the same files", &ingest),
    )
}

fn main() {
    if !common::asked("intake") {
        return;
    }
    let number = |name: &str, default: usize| {
        common::flag(name).map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name} N")))
    };
    let messages = number("--messages", 10_000);
    let replies = number("--replies", 100);
    let big = number("--big", 4);
    let near = number("--near", 2);
    let only = common::flag("--only");
    let part = |name: &str| only.as_deref().is_none_or(|o| o == name);
    // Mailboxes for the ministries too, so the invitations are delivered and the queue empties.
    let mut users: Vec<String> = MINISTRIES.iter().map(|m| postmottak(m)).collect();
    users.extend([
        COORDINATOR.to_string(),
        BULK_USER.to_string(),
        BIG_USER.to_string(),
    ]);
    let rig = MailRig::start(&users.iter().map(String::as_str).collect::<Vec<_>>());
    let mut report = String::from("intake benchmark\n");
    if part("latency") {
        report.push_str(&latency(&rig, replies));
        eprint!("{report}");
    }
    if part("full") {
        report.push_str(&full_mailbox(&rig, messages));
    }
    if part("big") {
        report.push_str(&big_messages(&rig, big, near));
    }
    print!("{report}");
    let _ = std::fs::write(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-intake.txt"),
        &report,
    );
}
