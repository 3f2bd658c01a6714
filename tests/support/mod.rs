//! Runs the real `samskap` binary in a fresh folder with a config made from `config/ogp5.toml`,
//! as a coordinator would, and reads back what it says.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The letter's date, 10:00 in Oslo: the moment the invitations go out in these tests.
pub const SEND_TIME: &str = "2022-06-15T10:00:00+02:00";

/// A working folder with a config and a data directory.
pub struct Workspace {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub data: PathBuf,
    /// Environment variables for every run (passwords for the test servers).
    pub env: Vec<(String, String)>,
}

/// What a run of the binary printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics with everything printed unless the run exited with `code`.
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit status\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Standard output as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.stdout))
    }
}

/// The repository's `config/ogp5.toml`, with its templates path made absolute so the copy works
/// from any folder.
pub fn ogp5_toml() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("config/ogp5.toml"))
        .unwrap()
        .replace(
            "templates = \"../mail-templates\"",
            &format!(
                "templates = {:?}",
                root.join("mail-templates").display().to_string()
            ),
        )
}

/// Replaces the `[transport]` section of the ogp5 config with `transport` (TOML).
pub fn with_transport(config: &str, transport: &str) -> String {
    config.replace("[transport]\nkind = \"maildir\"\n", transport)
}

impl Workspace {
    /// A workspace whose config is `config`.
    pub fn new(config: &str) -> Workspace {
        let dir = tempfile::Builder::new()
            .prefix("samskap-test-")
            .tempdir()
            .unwrap();
        let path = dir.path().join("samskap.toml");
        std::fs::write(&path, config).unwrap();
        Workspace {
            config: path,
            data: dir.path().join("var"),
            dir,
            env: Vec::new(),
        }
    }

    /// A workspace with the ogp5 config as it is (Maildir transport).
    pub fn ogp5() -> Workspace {
        Workspace::new(&ogp5_toml())
    }

    /// Rewrites the config.
    pub fn write_config(&self, config: &str) {
        std::fs::write(&self.config, config).unwrap();
    }

    /// The command, ready to run with `args` after the global flags.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_samskap"));
        cmd.arg("--config")
            .arg(&self.config)
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("SAMSKAP_CONFIG")
            .env_remove("SAMSKAP_DATA_DIR")
            .env_remove("SAMSKAP_FAILPOINT")
            .env("SAMSKAP_LOG", "samskap=info")
            .stdin(Stdio::null());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs to the end.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().expect("cannot run samskap"))
    }

    /// Each organisation's invitation status, as `status --json` says, in its order.
    pub fn invitation_statuses(&self) -> Vec<(String, String)> {
        let status = self.run(&["status", "--json"]).expect(0).json();
        status["organisations"]
            .as_array()
            .expect("organisations")
            .iter()
            .map(|o| {
                (
                    o["id"].as_str().unwrap_or_default().to_string(),
                    o["invitation"]["status"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    /// Whether every invitation has `status`.
    pub fn all_invitations_are(&self, status: &str) -> bool {
        self.invitation_statuses().iter().all(|(_, s)| s == status)
    }

    /// The files the Maildir transport wrote.
    pub fn outbox_files(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(self.data.join("outbox").join(sub)) {
                for entry in entries.flatten() {
                    out.push(std::fs::read(entry.path()).unwrap());
                }
            }
        }
        out
    }
}

impl Workspace {
    /// Starts `samskap run` at `now`, its log in `daemon.log`.
    pub fn start_daemon(&self, now: &str) -> Child {
        self.command(&["--now", now, "run"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(self.dir.path().join("daemon.log")).unwrap())
            .spawn()
            .unwrap()
    }

    /// What the daemon has logged so far.
    pub fn daemon_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("daemon.log")).unwrap_or_default()
    }

    /// Waits until the daemon's log says `needle` at least `count` times; returns the log.
    pub fn wait_for_log(&self, needle: &str, count: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let log = self.daemon_log();
            if log.matches(needle).count() >= count {
                return log;
            }
            assert!(
                Instant::now() < deadline,
                "waited 60 s for {count} × {needle:?} in the log:\n{log}"
            );
            // Waiting for another process: there is no event to wait on.
            #[allow(clippy::disallowed_methods)]
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the daemon with SIGTERM; panics unless it stops cleanly.
    pub fn stop_daemon(&self, mut child: Child) {
        // SAFETY: kill with a valid pid of our own child has no memory-safety preconditions.
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM);
        }
        let status = child.wait().unwrap();
        let log = self.daemon_log();
        assert!(
            status.success(),
            "the daemon did not stop cleanly ({status:?}):\n{log}"
        );
        assert!(log.contains("samskap stopped"), "{log}");
    }
}

/// Waits until process `pid` is stopped (SIGSTOP at a failpoint).
pub fn wait_until_stopped(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // The state is the field after the command name in parentheses.
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .unwrap_or("");
        if state == "T" {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "process {pid} never reached its failpoint ({stat})"
        );
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The reply fixtures' tokens and Message-IDs were made with this secret.
pub const FIXTURE_SECRET: &[u8] = b"samskap-fixture!";

/// A reply fixture in `tests/fixtures/replies`.
pub fn reply_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replies")
        .join(name)
}

impl Workspace {
    /// Gives the register the fixtures' secret, so their tokens are this process's own.
    pub fn give_fixture_secret(&self) {
        std::fs::create_dir_all(&self.data).unwrap();
        let mut register = samskap::register::Register::open(&self.data.join("samskap.db")).unwrap();
        register
            .set_meta("secret", &data_encoding::HEXLOWER.encode(FIXTURE_SECRET))
            .unwrap();
    }

    /// This workspace after the invitations of 15 June went out, with the fixtures' secret.
    pub fn invitations_sent(self) -> Workspace {
        self.give_fixture_secret();
        self.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
        self
    }
}

/// The 15 ministries' addresses, in the letter's order.
pub const MINISTRIES: [&str; 15] = [
    "aid", "bfd", "fin", "fd", "hod", "jd", "kld", "kud", "kd", "lmd", "nfd", "oed", "sd", "smk", "ud",
];

/// A ministry's official address.
pub fn postmottak(id: &str) -> String {
    format!("postmottak@{id}.dep.no")
}

/// The coordinator's address.
pub const COORDINATOR: &str = "tom-arne.nygaard@kdd.dep.no";

/// The Message-ID header of a raw message, without angle brackets.
pub fn message_id(raw: &[u8]) -> String {
    mail_parser::MessageParser::default()
        .parse_headers(raw)
        .and_then(|m| m.message_id().map(str::to_string))
        .unwrap_or_default()
}
