//! A real mail system on loopback for the tests: Postfix (SMTP, submission with STARTTLS and AUTH,
//! implicit TLS) delivering over LMTP to Dovecot (IMAP, IMAPS), each run as root from the config
//! files beside this one, on free ports, with a throwaway CA. Installed by
//! `scripts/install-mail-rig` (apt-get); started by [`MailRig::start`], stopped on drop.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The password of every mailbox in the rig.
pub const PASSWORD: &str = "secret";

/// The key Dovecot checks XOAUTH2 bearer tokens (JWTs, HS256) with.
const OAUTH2_KEY: &[u8] = b"samskap-rig-oauth2-signing-key!!";

/// A running Postfix and Dovecot.
pub struct MailRig {
    pub root: PathBuf,
    /// Plain SMTP: trusted from loopback, no AUTH needed.
    pub smtp_port: u16,
    /// Submission: STARTTLS and AUTH required.
    pub submission_port: u16,
    /// Submissions: implicit TLS and AUTH required.
    pub submissions_port: u16,
    pub imap_port: u16,
    pub imaps_port: u16,
    pub lmtp_port: u16,
    /// The CA that signed the servers' certificate.
    pub ca_file: PathBuf,
    /// Held so no other rig takes these ports.
    _ports: Vec<std::fs::File>,
    _dir: tempfile::TempDir,
}

/// Ports for one rig, each held for the rig's life by an exclusive lock on a file under
/// `/tmp/samskap-rig-ports`, so rigs started at once by other test binaries or other checkouts
/// never pick the same one. They lie below the kernel's ephemeral range: a port found free by
/// binding `:0` and released could be taken, before Postfix binds it, by another rig or by the
/// source port of any outgoing connection (it happened on a fresh machine's first run).
pub fn lease_ports(n: usize) -> (Vec<u16>, Vec<std::fs::File>) {
    use std::os::fd::AsRawFd;
    let dir = Path::new("/tmp/samskap-rig-ports");
    std::fs::create_dir_all(dir).expect("cannot create /tmp/samskap-rig-ports");
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| t.split_whitespace().next().and_then(|p| p.parse::<u16>().ok()))
        .unwrap_or(32768);
    let (low, high) = (20000u16, ephemeral_low.max(20000 + 1000));
    let span = u32::from(high - low);
    // Start where this process's id says, so parallel rigs rarely try the same ports first.
    let start = std::process::id() * 7 % span;
    let (mut ports, mut leases) = (Vec::new(), Vec::new());
    for offset in 0..span {
        if ports.len() == n {
            break;
        }
        let port = low + ((start + offset) % span) as u16;
        let Ok(file) = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(port.to_string()))
        else {
            continue;
        };
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            continue;
        }
        if TcpListener::bind(("127.0.0.1", port)).is_err() {
            continue;
        }
        ports.push(port);
        leases.push(file);
    }
    assert_eq!(ports.len(), n, "no {n} free ports between {low} and {high}");
    (ports, leases)
}

fn run(cmd: &mut Command) {
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        output.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs a command that starts a daemon: its output goes to `log` (a daemon keeps any pipe open
/// for ever), and a failure panics with that output, `server_log`, and what `diagnose` prints.
fn start_daemon(cmd: &mut Command, log: &Path, server_log: &Path, diagnose: Option<&mut Command>) {
    let out = std::fs::File::create(log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
    let err = out.try_clone().unwrap();
    let status = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    if status.success() {
        return;
    }
    let diagnosis = diagnose
        .and_then(|d| d.stdin(Stdio::null()).output().ok())
        .map(|o| {
            format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        })
        .unwrap_or_default();
    panic!(
        "{cmd:?} failed ({status}):\n{}\n--- {} ---\n{}\n--- diagnosis ---\n{diagnosis}",
        std::fs::read_to_string(log).unwrap_or_default(),
        server_log.display(),
        std::fs::read_to_string(server_log).unwrap_or_default()
    );
}

fn wait_for_port(port: u16, what: &str, server_log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start listening on port {port}:\n{}",
            std::fs::read_to_string(server_log).unwrap_or_default()
        );
        // Waiting for another process to come up: there is no event to wait on.
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn chown(path: &Path, owner: &str) {
    run(Command::new("chown").arg(owner).arg(path));
}

impl MailRig {
    /// Starts a rig that has a mailbox for each of `users` (full addresses); their domains are
    /// delivered locally.
    pub fn start(users: &[&str]) -> MailRig {
        for program in ["postfix", "dovecot", "openssl"] {
            assert!(
                Path::new("/usr/sbin").join(program).exists() || which(program),
                "{program} is not installed: run scripts/install-mail-rig (the test command does)"
            );
        }
        let dir = tempfile::Builder::new()
            .prefix("samskap-rig-")
            .tempdir()
            .expect("no temp dir");
        let root = dir.path().to_path_buf();
        // The mail processes run as other users and must reach their folders.
        run(Command::new("chmod").arg("755").arg(&root));
        let (ports, leases) = lease_ports(6);
        let rig = MailRig {
            root: root.clone(),
            smtp_port: ports[0],
            submission_port: ports[1],
            submissions_port: ports[2],
            imap_port: ports[3],
            imaps_port: ports[4],
            lmtp_port: ports[5],
            ca_file: root.join("tls/ca.crt"),
            _ports: leases,
            _dir: dir,
        };
        rig.make_certificates();
        rig.write_configs(users);
        rig.start_dovecot();
        rig.start_postfix();
        rig
    }

    fn make_certificates(&self) {
        let tls = self.root.join("tls");
        std::fs::create_dir_all(&tls).unwrap();
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        // A CA and a server certificate signed by it: rustls refuses a self-signed certificate
        // that is its own CA.
        run(Command::new("openssl")
            .current_dir(&tls)
            .args(["req", "-x509"])
            .args(ec)
            .args([
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "3650",
                "-subj",
                "/CN=samskap test CA",
            ]));
        run(Command::new("openssl")
            .current_dir(&tls)
            .arg("req")
            .args(ec)
            .args([
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ]));
        std::fs::write(
            tls.join("ext.cnf"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(Command::new("openssl").current_dir(&tls).args([
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "3650",
            "-extfile",
            "ext.cnf",
        ]));
        run(Command::new("chmod").arg("644").arg(tls.join("server.key")));
    }

    fn fill(&self, template: &str, domains: &str) -> String {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/rig")
                .join(template),
        )
        .unwrap_or_else(|e| panic!("cannot read tests/rig/{template}: {e}"));
        text.replace("@ROOT@", &self.root.display().to_string())
            .replace("@NAME@", &self.smtp_port.to_string())
            .replace("@DOMAINS@", domains)
            .replace("@SMTP_PORT@", &self.smtp_port.to_string())
            .replace("@SUBMISSION_PORT@", &self.submission_port.to_string())
            .replace("@SUBMISSIONS_PORT@", &self.submissions_port.to_string())
            .replace("@IMAP_PORT@", &self.imap_port.to_string())
            .replace("@IMAPS_PORT@", &self.imaps_port.to_string())
            .replace("@LMTP_PORT@", &self.lmtp_port.to_string())
    }

    fn write_configs(&self, users: &[&str]) {
        let postfix = self.root.join("postfix");
        let queue = postfix.join("queue");
        let data = postfix.join("data");
        for d in [
            &postfix,
            &queue,
            &data,
            &self.root.join("dovecot/run"),
            &self.root.join("dovecot/state"),
        ] {
            std::fs::create_dir_all(d).unwrap();
        }
        let mail = self.root.join("mail");
        std::fs::create_dir_all(&mail).unwrap();
        chown(&mail, "5000:5000");
        chown(&data, "postfix");
        run(Command::new("chmod").arg("700").arg(&data));
        // The queue's own folders, made here so `postfix start` can skip its slow checks.
        for sub in [
            "active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private",
            "saved", "trace", "pid",
        ] {
            let d = queue.join(sub);
            std::fs::create_dir_all(&d).unwrap();
            if sub != "pid" {
                chown(&d, "postfix");
                run(Command::new("chmod").arg("700").arg(&d));
            }
        }
        for (sub, mode) in [("maildrop", "730"), ("public", "710")] {
            let d = queue.join(sub);
            std::fs::create_dir_all(&d).unwrap();
            chown(&d, "postfix:postdrop");
            run(Command::new("chmod").arg(mode).arg(&d));
        }
        std::fs::write(queue.join("quick-start"), "").unwrap();

        let mut domains: BTreeMap<String, ()> = BTreeMap::new();
        let mut vmailbox = String::new();
        let mut passwd = String::new();
        for user in users {
            let domain = user
                .split_once('@')
                .map(|(_, d)| d)
                .expect("users are full addresses");
            domains.insert(domain.to_string(), ());
            vmailbox.push_str(&format!("{user} x\n"));
            passwd.push_str(&format!("{user}:{{PLAIN}}{PASSWORD}::::::\n"));
        }
        let domain_list: Vec<String> = domains.into_keys().collect();
        std::fs::write(
            postfix.join("main.cf"),
            self.fill("main.cf.in", &domain_list.join(" ")),
        )
        .unwrap();
        std::fs::write(postfix.join("master.cf"), self.fill("master.cf.in", "")).unwrap();
        std::fs::write(postfix.join("vmailbox"), vmailbox).unwrap();
        std::fs::write(postfix.join("access"), "").unwrap();
        std::fs::write(postfix.join("sender_bcc"), "").unwrap();
        // The benchmark's recipients are accepted and thrown away.
        std::fs::write(postfix.join("transport"), "bench.test discard:\n").unwrap();
        let users_file = self.root.join("dovecot/users");
        std::fs::write(&users_file, passwd).unwrap();
        chown(&users_file, "root:dovecot");
        run(Command::new("chmod").arg("640").arg(&users_file));
        std::fs::write(
            self.root.join("dovecot/dovecot.conf"),
            self.fill("dovecot.conf.in", ""),
        )
        .unwrap();
        // Local validation of bearer tokens: the key is looked up as shared/<azp>/<alg>/<kid>.
        let keys = self.root.join("dovecot/keys");
        std::fs::create_dir_all(keys.join("default/HS256")).unwrap();
        std::fs::write(
            keys.join("default/HS256/default"),
            data_encoding::BASE64.encode(OAUTH2_KEY),
        )
        .unwrap();
        std::fs::write(
            self.root.join("dovecot/oauth2.conf"),
            format!(
                "introspection_mode = local\nlocal_validation_key_dict = fs:posix:prefix={}/\nusername_attribute = sub\n",
                keys.display()
            ),
        )
        .unwrap();
        run(Command::new("chmod").args(["-R", "a+rX"]).arg(&keys));
        // Postfix waits for config files younger than a second; these are not.
        run(Command::new("touch")
            .args(["-d", "-1 min"])
            .arg(postfix.join("main.cf"))
            .arg(postfix.join("master.cf"))
            .arg(postfix.join("vmailbox"))
            .arg(postfix.join("access"))
            .arg(postfix.join("sender_bcc"))
            .arg(postfix.join("transport")));
    }

    fn postfix_dir(&self) -> PathBuf {
        self.root.join("postfix")
    }

    fn dovecot_conf(&self) -> PathBuf {
        self.root.join("dovecot/dovecot.conf")
    }

    /// Starts Dovecot (again).
    pub fn start_dovecot(&self) {
        let log = self.root.join("dovecot/dovecot.log");
        start_daemon(
            Command::new("dovecot").arg("-c").arg(self.dovecot_conf()),
            &self.root.join("dovecot/start.log"),
            &log,
            None,
        );
        wait_for_port(self.imap_port, "dovecot", &log);
        wait_for_port(self.lmtp_port, "dovecot lmtp", &log);
    }

    /// Stops Dovecot and waits until it is gone.
    pub fn stop_dovecot(&self) {
        self.signal_dovecot("-TERM");
    }

    /// Kills Dovecot's master at once (kill -9), as a crash would.
    pub fn kill_dovecot(&self) {
        self.signal_dovecot("-KILL");
    }

    fn signal_dovecot(&self, signal: &str) {
        let pid_file = self.root.join("dovecot/run/master.pid");
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            // The master and every process it started (they share its process group), as when
            // the server itself goes down.
            let _ = Command::new("kill")
                .arg(signal)
                .arg("--")
                .arg(format!("-{}", pid.trim()))
                .stderr(Stdio::null())
                .status();
            if let Ok(pid) = pid.trim().parse::<u32>() {
                wait_until_gone(pid);
                wait_until_group_gone(pid);
            }
            let _ = std::fs::remove_file(&pid_file);
            wait_until_closed(self.imap_port);
            wait_until_closed(self.lmtp_port);
        }
    }

    /// Starts Postfix (again).
    pub fn start_postfix(&self) {
        let log = self.postfix_dir().join("maillog");
        start_daemon(
            Command::new("postfix")
                .arg("-c")
                .arg(self.postfix_dir())
                .arg("start"),
            &self.root.join("postfix-start.log"),
            &log,
            // Postfix says what is wrong only to syslog, or to a terminal: give it one.
            Some(
                Command::new("script")
                    .arg("-qc")
                    .arg(format!("postfix -c {} check", self.postfix_dir().display()))
                    .arg("/dev/null"),
            ),
        );
        wait_for_port(self.smtp_port, "postfix", &log);
        wait_for_port(self.submission_port, "postfix submission", &log);
    }

    /// Stops Postfix and waits until its master is gone.
    pub fn stop_postfix(&self) {
        self.postfix_down("stop");
    }

    fn postfix_down(&self, how: &str) {
        let pid = std::fs::read_to_string(self.postfix_dir().join("queue/pid/master.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok())
            .filter(|pid| Path::new(&format!("/proc/{pid}/cwd")).exists());
        if pid.is_none() {
            return;
        }
        let _ = Command::new("postfix")
            .arg("-c")
            .arg(self.postfix_dir())
            .arg(how)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if let Some(pid) = pid {
            wait_until_gone(pid);
        }
        wait_until_closed(self.smtp_port);
    }

    /// Makes Postfix answer `reply` (e.g. "450 4.2.0 try again later") to mail for `address`.
    pub fn refuse(&self, address: &str, reply: &str) {
        let access = self.postfix_dir().join("access");
        let mut text = std::fs::read_to_string(&access).unwrap_or_default();
        text.push_str(&format!("{address} {reply}\n"));
        std::fs::write(&access, text).unwrap();
        self.reload_map(&access);
    }

    /// Makes Postfix file a copy of everything `sender` submits in their Sent folder, as
    /// Exchange Online does with mail submitted over SMTP.
    pub fn file_sent_copies(&self, sender: &str) {
        let (local, domain) = sender.split_once('@').expect("a full address");
        let map = self.postfix_dir().join("sender_bcc");
        std::fs::write(&map, format!("{sender} {local}+Sent@{domain}\n")).unwrap();
        self.reload_map(&map);
    }

    /// Makes Postfix read a map file it was just given.
    fn reload_map(&self, map: &Path) {
        // Postfix waits for map files younger than a second; this one is not.
        run(Command::new("touch").args(["-d", "-1 min"]).arg(map));
        run(Command::new("postfix")
            .arg("-c")
            .arg(self.postfix_dir())
            .arg("reload")
            .stdout(Stdio::null())
            .stderr(Stdio::null()));
    }

    /// Forgets every refusal set with [`MailRig::refuse`].
    pub fn accept_all(&self) {
        let access = self.postfix_dir().join("access");
        std::fs::write(&access, "").unwrap();
        self.reload_map(&access);
    }

    /// Waits until Postfix has handed everything on (delivered or bounced).
    pub fn wait_for_empty_queue(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let output = Command::new("postqueue")
                .arg("-c")
                .arg(self.postfix_dir())
                .arg("-j")
                .output()
                .expect("cannot run postqueue");
            if output.stdout.iter().all(|b| b.is_ascii_whitespace()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "postfix still holds mail after 60 s:\n{}",
                String::from_utf8_lossy(&output.stdout)
            );
            #[allow(clippy::disallowed_methods)]
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every message in `user`'s folder (`""` for the inbox, or e.g. `"Sent"`), read from disk,
    /// in file-name order, which is not always the order they came in.
    pub fn messages(&self, user: &str, folder: &str) -> Vec<Vec<u8>> {
        let (local, domain) = user.split_once('@').expect("a full address");
        let mut dir = self.root.join("mail").join(domain).join(local).join("Maildir");
        if !folder.is_empty() {
            dir = dir.join(format!(".{folder}"));
        }
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            if let Ok(entries) = std::fs::read_dir(dir.join(sub)) {
                let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                paths.sort();
                for path in paths {
                    out.push(std::fs::read(path).unwrap());
                }
            }
        }
        out
    }

    /// Hands `raw` to Postfix on its SMTP port, from `from` to `to`, as any sender's server would.
    pub fn submit(&self, from: &str, to: &str, raw: &[u8]) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            use lettre::AsyncTransport;
            let transport =
                lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::builder_dangerous("127.0.0.1")
                    .port(self.smtp_port)
                    .build();
            let envelope =
                lettre::address::Envelope::new(Some(from.parse().unwrap()), vec![to.parse().unwrap()])
                    .unwrap();
            transport
                .send_raw(&envelope, raw)
                .await
                .unwrap_or_else(|e| panic!("delivery to {to} failed: {e}"));
        });
    }

    /// The Postfix log, for failure messages.
    pub fn postfix_log(&self) -> String {
        std::fs::read_to_string(self.postfix_dir().join("maillog")).unwrap_or_default()
    }

    /// A bearer token for `user` that the rig's Dovecot accepts over XOAUTH2 (for IMAP, and for
    /// SMTP AUTH through Postfix, which asks Dovecot): a JWT signed with the rig's key, valid until
    /// 2100.
    pub fn oauth2_token(&self, user: &str) -> String {
        use sha2::{Digest, Sha256};
        let b64 = |bytes: &[u8]| data_encoding::BASE64URL_NOPAD.encode(bytes);
        let header = b64(br#"{"typ":"JWT","alg":"HS256"}"#);
        let claims = b64(format!(r#"{{"sub":"{user}","exp":4102444800}}"#).as_bytes());
        let signed = format!("{header}.{claims}");
        // HMAC-SHA256 (RFC 2104) with a key shorter than the block.
        let mut key = [0u8; 64];
        key[..OAUTH2_KEY.len()].copy_from_slice(OAUTH2_KEY);
        let pad = |byte: u8| key.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(signed.as_bytes())
            .finalize();
        let mac = Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize();
        format!("{signed}.{}", b64(&mac))
    }

    /// The TOML for samskap to send through the submission port with STARTTLS and AUTH as `user`,
    /// with the password in the environment variable `password_env`.
    pub fn smtp_config(&self, user: &str, password_env: &str) -> String {
        format!(
            "[transport]\nkind = \"smtp\"\n\n[smtp]\nhost = \"localhost\"\nport = {}\ntls = \"starttls\"\nca_file = {:?}\nuser = \"{user}\"\npassword = {{ env = \"{password_env}\" }}\nrate = \"unlimited\"\nconnections = 2\ntimeout = \"20s\"\n",
            self.submission_port,
            self.ca_file.display().to_string()
        )
    }

    /// The TOML for samskap's IMAP access (implicit TLS) as `user`, copying sent mail to Sent.
    pub fn imap_config(&self, user: &str, password_env: &str) -> String {
        format!(
            "[imap]\nhost = \"localhost\"\nport = {}\ntls = \"implicit\"\nca_file = {:?}\nuser = \"{user}\"\npassword = {{ env = \"{password_env}\" }}\nsent_folder = \"Sent\"\ntimeout = \"20s\"\n",
            self.imaps_port,
            self.ca_file.display().to_string()
        )
    }
}

fn wait_until_closed(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_ok() && Instant::now() < deadline {
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until no live process is left in the process group `pgid`.
fn wait_until_group_gone(pgid: u32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let alive = std::fs::read_dir("/proc")
            .into_iter()
            .flatten()
            .flatten()
            .any(|entry| {
                let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
                let Some((_, rest)) = stat.rsplit_once(')') else {
                    return false;
                };
                let fields: Vec<&str> = rest.split_whitespace().collect();
                // state, ppid, pgrp
                fields.len() > 2 && fields[2] == pgid.to_string() && fields[0] != "Z"
            });
        if !alive {
            return;
        }
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn wait_until_gone(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        // A zombie has no cwd link: it is gone for our purposes.
        if std::fs::read_link(format!("/proc/{pid}/cwd")).is_err() {
            return;
        }
        #[allow(clippy::disallowed_methods)]
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn which(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

impl Drop for MailRig {
    fn drop(&mut self) {
        // Nothing of the rig is needed any more: stop at once.
        self.postfix_down("abort");
        self.kill_dovecot();
    }
}

/// A connection to Dovecot's LMTP service: delivers straight into mailboxes, so "delivered" is
/// the moment Dovecot has the message (Postfix's queue and LMTP client left out).
pub struct Lmtp {
    reader: std::io::BufReader<TcpStream>,
    writer: TcpStream,
}

impl Lmtp {
    /// Connects to the rig's LMTP port and greets it.
    pub fn connect(rig: &MailRig) -> Lmtp {
        let stream = TcpStream::connect(("127.0.0.1", rig.lmtp_port)).expect("LMTP connect");
        stream.set_nodelay(true).ok();
        let mut lmtp = Lmtp {
            reader: std::io::BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        };
        lmtp.expect("greeting", '2');
        lmtp.command("LHLO bench.test", '2');
        lmtp
    }

    /// Reads one (possibly multi-line) reply; panics unless it starts with `class`.
    fn expect(&mut self, what: &str, class: char) {
        use std::io::BufRead;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).expect("LMTP read");
            assert!(line.starts_with(class), "LMTP {what}: {line}");
            if line.as_bytes().get(3) != Some(&b'-') {
                return;
            }
        }
    }

    fn command(&mut self, line: &str, class: char) {
        use std::io::Write;
        write!(self.writer, "{line}\r\n").expect("LMTP write");
        self.expect(line, class);
    }

    /// Delivers `raw` to the mailbox of `to`; returns when Dovecot has said it is stored.
    pub fn deliver(&mut self, from: &str, to: &str, raw: &[u8]) {
        use std::io::Write;
        self.command(&format!("MAIL FROM:<{from}>"), '2');
        self.command(&format!("RCPT TO:<{to}>"), '2');
        self.command("DATA", '3');
        let mut data = Vec::with_capacity(raw.len() + 64);
        for line in raw.split_inclusive(|b| *b == b'\n') {
            let line = line.strip_suffix(b"\n").unwrap_or(line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.starts_with(b".") {
                data.push(b'.');
            }
            data.extend_from_slice(line);
            data.extend_from_slice(b"\r\n");
        }
        data.extend_from_slice(b".\r\n");
        self.writer.write_all(&data).expect("LMTP data");
        // One reply per recipient: one recipient.
        self.expect("end of data", '2');
    }
}
