//! No credential in any log at any level: the real binary, with `SAMSKAP_LOG=trace`, logs in to
//! the real Dovecot (IMAP LOGIN, AUTHENTICATE PLAIN, XOAUTH2) and the real Postfix (SMTP AUTH
//! PLAIN, LOGIN, XOAUTH2), sends and reads; neither the password nor the token, nor any base64
//! form of them, appears in what it printed.

mod rig;
mod support;

use rig::MailRig;
use support::*;

const PASSWORD_ENV: &str = "SAMSKAP_TEST_PASSWORD";
/// The coordinator's password in these tests: a word no log line has for another reason.
const DISTINCT_PASSWORD: &str = "Kvitveis-7f3q-Lerkefugl";

fn start_rig() -> MailRig {
    let mut users: Vec<String> = MINISTRIES.iter().map(|m| postmottak(m)).collect();
    users.push(COORDINATOR.to_string());
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    let rig = MailRig::start(&refs);
    // The rig gives every mailbox one password, a common word; the coordinator gets one that
    // can be looked for. Dovecot reads its passwd-file again when it changes, and Postfix asks
    // Dovecot for SMTP AUTH.
    let users_file = rig.root.join("dovecot/users");
    let text = std::fs::read_to_string(&users_file).unwrap();
    let coordinator = format!("{COORDINATOR}:{{PLAIN}}{}::::::", rig::PASSWORD);
    assert!(text.contains(&coordinator), "{text}");
    std::fs::write(
        &users_file,
        text.replace(
            &coordinator,
            &format!("{COORDINATOR}:{{PLAIN}}{DISTINCT_PASSWORD}::::::"),
        ),
    )
    .unwrap();
    rig
}

/// Every way `secret` can show in a log: as it is, and base64-encoded inside anything, at each
/// of the three offsets a base64 encoder can meet it at (the characters that depend only on the
/// secret's own bytes).
fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_string()];
    for offset in 0..3 {
        let mut bytes = vec![0u8; offset];
        bytes.extend_from_slice(secret.as_bytes());
        let encoded = data_encoding::BASE64.encode(&bytes);
        // Characters before the secret starts, and the last group (padding, the next byte) are
        // not the secret's alone.
        let skip = (offset * 4).div_ceil(3);
        let keep = (offset + secret.len()) / 3 * 4;
        out.push(encoded[skip..keep].to_string());
    }
    out
}

/// Runs `args` with every log level on and checks the output for `secrets`.
fn run_traced(ws: &Workspace, args: &[&str], code: i32, secrets: &[&str]) -> Run {
    let run = ws
        .command(args)
        // Everything, and the wire libraries by name as well: no directive may lift the cap.
        .env("SAMSKAP_LOG", "trace,async_imap=trace,lettre=trace,rustls=trace")
        .output()
        .expect("cannot run samskap");
    let run = Run {
        code: run.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&run.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&run.stderr).into_owned(),
    }
    .expect(code);
    for secret in secrets {
        for form in forms(secret) {
            for (name, text) in [("stderr", &run.stderr), ("stdout", &run.stdout)] {
                if let Some(line) = text.lines().find(|l| l.contains(&form)) {
                    panic!("{args:?} printed a credential ({form:?}) on {name}:\n{line}");
                }
            }
        }
    }
    // The log really was that verbose, so the check above could have found something (samskap
    // says at DEBUG which libraries it keeps quiet).
    assert!(
        run.stderr.contains("DEBUG"),
        "no debug output from {args:?}:\n{}",
        run.stderr
    );
    run
}

/// The ogp5 process on the rig, both servers logged in to as the coordinator with `auth`
/// (the TOML lines of the secret and mechanism, the same for SMTP and IMAP).
fn workspace(rig: &MailRig, auth: &str) -> Workspace {
    let transport = format!(
        "{}\n{}\n[retry]\ninitial = \"1m\"\nwait_in_command = \"0\"\n",
        rig.smtp_config(COORDINATOR, PASSWORD_ENV),
        rig.imap_config(COORDINATOR, PASSWORD_ENV)
    );
    let password = format!("password = {{ env = \"{PASSWORD_ENV}\" }}");
    let config = with_transport(&ogp5_toml(), &transport).replace(&password, auth);
    assert_eq!(config.matches(auth).count(), 2, "{config}");
    let mut ws = Workspace::new(&config);
    ws.env.push((PASSWORD_ENV.into(), DISTINCT_PASSWORD.into()));
    ws
}

/// Logs in to both servers (`check --connect`), sends the invitations (SMTP AUTH on every pooled
/// connection, IMAP APPEND to Sent) and reads the inbox (`run --once`), all traced.
fn exercise(rig: &MailRig, ws: &Workspace, secrets: &[&str]) {
    let run = run_traced(ws, &["check", "--connect"], 0, secrets);
    assert_eq!(run.stdout.matches(": ok").count(), 2, "{}", run.stdout);
    run_traced(ws, &["--now", SEND_TIME, "send", "invitations"], 0, secrets);
    rig.wait_for_empty_queue();
    assert_eq!(rig.messages(COORDINATOR, "Sent").len() % 15, 0);
    run_traced(
        ws,
        &["--now", "2022-06-16T09:00:00+02:00", "run", "--once"],
        0,
        secrets,
    );
}

#[test]
fn no_password_in_a_trace_log_with_imap_authenticate_plain_and_smtp_auth_plain() {
    let rig = start_rig();
    let ws = workspace(
        &rig,
        &format!("auth = \"plain\"\npassword = {{ env = \"{PASSWORD_ENV}\" }}"),
    );
    let sasl = format!("\0{COORDINATOR}\0{DISTINCT_PASSWORD}");
    exercise(&rig, &ws, &[DISTINCT_PASSWORD, &sasl]);
}

#[test]
fn no_password_in_a_trace_log_with_imap_login_and_smtp_auth_login() {
    let rig = start_rig();
    let ws = workspace(
        &rig,
        &format!("auth = \"login\"\npassword = {{ env = \"{PASSWORD_ENV}\" }}"),
    );
    exercise(&rig, &ws, &[DISTINCT_PASSWORD]);
}

#[test]
fn no_token_in_a_trace_log_with_xoauth2() {
    let rig = start_rig();
    let token = rig.oauth2_token(COORDINATOR);
    let ws = workspace(
        &rig,
        &format!("auth = \"xoauth2\"\noauth2_token = {{ env = \"{PASSWORD_ENV}\" }}"),
    );
    let mut ws = ws;
    ws.env = vec![(PASSWORD_ENV.into(), token.clone())];
    // The JWT's signature is the part that must not leak; the whole token and the SASL string
    // are looked for too.
    let signature = token.rsplit('.').next().unwrap().to_string();
    let sasl = format!("user={COORDINATOR}\x01auth=Bearer {token}\x01\x01");
    exercise(&rig, &ws, &[&token, &signature, &sasl]);
}
