//! End to end through a real mail system: the real binary sends through Postfix (submission,
//! STARTTLS, AUTH), Postfix delivers to Dovecot over LMTP, and the tests read every mailbox back
//! over IMAP (TLS, verified against the rig's CA).

mod rig;
mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use rig::{MailRig, PASSWORD};
use samskap::config::{Auth, AuthMechanism, ImapConfig, Secret, TlsMode};
use support::*;

const PASSWORD_ENV: &str = "SAMSKAP_TEST_PASSWORD";

fn users(extra: &[&str]) -> Vec<String> {
    let mut users: Vec<String> = MINISTRIES.iter().map(|m| postmottak(m)).collect();
    users.push(COORDINATOR.to_string());
    users.extend(extra.iter().map(|s| s.to_string()));
    users
}

fn start_rig(extra: &[&str]) -> MailRig {
    let users = users(extra);
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    MailRig::start(&refs)
}

/// The ogp5 process sending through the rig as the coordinator, with copies to Sent.
fn workspace(rig: &MailRig, config: &str) -> Workspace {
    let transport = format!(
        "{}\n{}\n[retry]\ninitial = \"1m\"\nwait_in_command = \"0\"\n",
        rig.smtp_config(COORDINATOR, PASSWORD_ENV),
        rig.imap_config(COORDINATOR, PASSWORD_ENV)
    );
    let mut ws = Workspace::new(&with_transport(config, &transport));
    ws.env.push((PASSWORD_ENV.into(), PASSWORD.into()));
    ws
}

/// Every message in `user`'s `folder`, fetched over IMAPS with samskap's own IMAP client.
fn fetch(rig: &MailRig, user: &str, folder: &str) -> Vec<Vec<u8>> {
    let config = ImapConfig {
        host: "localhost".into(),
        port: rig.imaps_port,
        tls: TlsMode::Implicit,
        ca_file: Some(rig.ca_file.clone()),
        auth: Auth {
            user: user.into(),
            mechanism: AuthMechanism::Plain,
            secret: Secret::Command(vec!["echo".into(), PASSWORD.into()]),
            place: Default::default(),
        },
        sent_folder: None,
        sent_copies: samskap::config::SentCopies::Samskap,
        timeout: Duration::from_secs(20),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut session = samskap::net::imap::connect(&config)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mailbox = session.examine(folder).await.unwrap();
        let mut out = Vec::new();
        if mailbox.exists > 0 {
            let mut fetches = session.fetch("1:*", "BODY.PEEK[]").await.unwrap();
            while let Some(fetch) = fetches.next().await {
                out.push(fetch.unwrap().body().unwrap_or_default().to_vec());
            }
        }
        drop(session.logout().await);
        out
    })
}

fn header(raw: &[u8], name: &str) -> String {
    mail_parser::MessageParser::default()
        .parse(raw)
        .and_then(|m| m.header_raw(name).map(|v| v.trim().to_string()))
        .unwrap_or_default()
}

#[test]
fn the_fifteen_invitations_arrive_once_each_with_token_language_and_both_parts() {
    let rig = start_rig(&[]);
    let ws = workspace(&rig, &ogp5_toml());
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]);
    assert_eq!(
        run.code,
        0,
        "{}\n{}\n{}",
        run.stdout,
        run.stderr,
        rig.postfix_log()
    );
    assert!(
        run.stdout.contains("15 of 15 sent (15 just now)"),
        "{}",
        run.stdout
    );
    rig.wait_for_empty_queue();

    let status = ws.run(&["status", "--json"]).expect(0).json();
    let sent_ids: BTreeMap<String, String> = status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_string(),
                o["invitation"]["message_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut tokens = Vec::new();
    for id in MINISTRIES {
        let inbox = fetch(&rig, &postmottak(id), "INBOX");
        assert_eq!(inbox.len(), 1, "{id} got {} messages", inbox.len());
        let message = mail_parser::MessageParser::default().parse(&inbox[0]).unwrap();
        assert_eq!(message.message_id(), Some(sent_ids[id].as_str()));
        assert_eq!(
            message.to().unwrap().first().unwrap().address(),
            Some(postmottak(id).as_str())
        );
        assert_eq!(header(&inbox[0], "Content-Language"), "nb");
        // The token comes back three ways: the Reply-To plus-address, the subject tag, the header.
        let reply_to = message
            .reply_to()
            .unwrap()
            .first()
            .unwrap()
            .address()
            .unwrap()
            .to_string();
        let token = reply_to
            .strip_prefix("tom-arne.nygaard+ogp5-")
            .and_then(|rest| rest.strip_suffix("@kdd.dep.no"))
            .unwrap_or_else(|| panic!("{reply_to}"))
            .to_string();
        let subject = message.subject().unwrap();
        assert!(
            subject.starts_with("Open Government Partnership (OGP) Handlingsplan 5"),
            "{subject}"
        );
        assert!(subject.ends_with(&format!("[OGP5:{token}]")), "{subject}");
        assert_eq!(header(&inbox[0], "X-Samskap-Ref"), format!("ogp5:{token}"));
        // The envelope sender carries the token too, so a bounce names the ministry.
        assert_eq!(header(&inbox[0], "Return-Path"), format!("<{reply_to}>"));
        let text = message.body_text(0).unwrap();
        let html = message.body_html(0).unwrap();
        assert!(
            text.contains(
                "Påmelding til møtet bes sendt til tom-arne.nygaard@kdd.dep.no innen\r\ntirsdag 21. juni"
            ),
            "{id}: {text}"
        );
        assert!(text.contains("TIL VIDERESENDING"));
        assert!(html.contains("<h2") && html.contains("Videreformidling og kontaktpersoner"));
        tokens.push(token);
    }
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 15, "every ministry has its own token");

    // A copy of each in the coordinator's Sent folder, and nothing in the inbox.
    let sent = fetch(&rig, COORDINATOR, "Sent");
    let mut copies: Vec<String> = sent.iter().map(|m| message_id(m)).collect();
    copies.sort();
    let mut expected: Vec<String> = sent_ids.values().cloned().collect();
    expected.sort();
    assert_eq!(copies, expected);
    assert!(fetch(&rig, COORDINATOR, "INBOX").is_empty());

    // Again: nothing new anywhere.
    let run = ws.run(&["send", "invitations"]).expect(0);
    assert!(run.stdout.contains("(0 just now)"), "{}", run.stdout);
    ws.run(&["run", "--once"]).expect(0);
    rig.wait_for_empty_queue();
    for id in MINISTRIES {
        assert_eq!(rig.messages(&postmottak(id), "").len(), 1, "{id}");
    }
    assert_eq!(rig.messages(COORDINATOR, "Sent").len(), 15);
}

#[test]
fn a_refused_recipient_is_recorded_with_the_server_s_words_and_not_retried() {
    let rig = start_rig(&[]);
    // An NGO whose address the server does not know.
    let config = format!(
        "{}\n[[organisations]]\nid = \"ukjent.aid.dep.no\"\nkind = \"ngo\"\nname = \"Ukjent\"\naddress = \"ingen@aid.dep.no\"\ndomains = []\n",
        ogp5_toml()
    );
    let ws = workspace(&rig, &config);
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(1);
    assert!(run.stdout.contains("15 of 16 sent"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("failed   ukjent.aid.dep.no (ingen@aid.dep.no): 550 5.1.1"),
        "{}",
        run.stdout
    );
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let ngo = status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "ukjent.aid.dep.no")
        .unwrap()
        .clone();
    assert_eq!(ngo["invitation"]["status"], "failed");
    assert!(
        ngo["invitation"]["error"]
            .as_str()
            .unwrap()
            .contains("User unknown"),
        "{ngo}"
    );
    // A later round does not try again.
    let before = rig.postfix_log().matches("ingen@aid.dep.no").count();
    ws.run(&["--now", "2022-06-15T12:00:00+02:00", "run", "--once"])
        .expect(0);
    assert_eq!(rig.postfix_log().matches("ingen@aid.dep.no").count(), before);
}

#[test]
fn a_4xx_answer_is_retried_later_and_delivered_once() {
    let rig = start_rig(&[]);
    rig.refuse(&postmottak("fin"), "450 4.2.0 Mailbox temporarily unavailable");
    let ws = workspace(&rig, &ogp5_toml());
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(1);
    assert!(run.stdout.contains("14 of 15 sent"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("waiting  fin (postmottak@fin.dep.no): 450 4.2.0"),
        "{}",
        run.stdout
    );
    let status = ws.run(&["status", "--json"]).expect(0).json();
    let fin = status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "fin")
        .unwrap()
        .clone();
    assert_eq!(fin["invitation"]["status"], "pending");

    // Before the retry is due, the daemon leaves it alone; after, it sends it.
    ws.run(&["--now", "2022-06-15T10:00:30+02:00", "run", "--once"])
        .expect(0);
    rig.accept_all();
    ws.run(&["--now", "2022-06-15T10:00:40+02:00", "run", "--once"])
        .expect(0);
    assert_eq!(
        ws.run(&["status", "--json"]).expect(0).json()["organisations"][2]["invitation"]["status"],
        "pending"
    );
    ws.run(&["--now", "2022-06-15T10:05:00+02:00", "run", "--once"])
        .expect(0);
    rig.wait_for_empty_queue();
    let status = ws.run(&["status", "--json"]).expect(0).json();
    assert_eq!(status["organisations"][2]["id"], "fin");
    assert_eq!(status["organisations"][2]["invitation"]["status"], "sent");
    for id in MINISTRIES {
        assert_eq!(rig.messages(&postmottak(id), "").len(), 1, "{id}");
    }
}

/// Regression: one recipient answered with 421 and the whole campaign stopped (each run sent 2
/// to 6 of 515, then deferred everything). A 421 in the middle of a message ends that connection
/// and defers that message; the others go on over a fresh connection.
#[test]
fn a_421_for_one_recipient_defers_that_message_only() {
    let rig = start_rig(&[]);
    // Early in the letter's order, so that most messages come after it.
    rig.refuse(
        &postmottak("bfd"),
        "421 4.7.0 Try again later, closing connection",
    );
    let ws = workspace(&rig, &ogp5_toml());
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(1);
    assert!(run.stdout.contains("14 of 15 sent"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("waiting  bfd (postmottak@bfd.dep.no): 421 4.7.0"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("could not be used"),
        "the server as a whole was blamed:\n{}",
        run.stdout
    );
    rig.wait_for_empty_queue();
    for id in MINISTRIES.iter().filter(|id| **id != "bfd") {
        assert_eq!(rig.messages(&postmottak(id), "").len(), 1, "{id}");
    }
    // It goes at its retry, once.
    rig.accept_all();
    ws.run(&["--now", "2022-06-15T10:05:00+02:00", "run", "--once"])
        .expect(0);
    rig.wait_for_empty_queue();
    assert_eq!(rig.messages(&postmottak("bfd"), "").len(), 1);
}

#[test]
fn a_server_that_is_down_gets_every_invitation_later_exactly_once() {
    let rig = start_rig(&[]);
    rig.stop_postfix();
    let ws = workspace(&rig, &ogp5_toml());
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(1);
    assert!(run.stdout.contains("0 of 15 sent"), "{}", run.stdout);
    rig.start_postfix();
    ws.run(&["--now", "2022-06-15T11:00:00+02:00", "run", "--once"])
        .expect(0);
    rig.wait_for_empty_queue();
    for id in MINISTRIES {
        assert_eq!(rig.messages(&postmottak(id), "").len(), 1, "{id}");
    }
    assert_eq!(rig.messages(COORDINATOR, "Sent").len(), 15);
}

#[test]
fn check_connect_logs_in_to_both_servers_and_names_what_fails() {
    let rig = start_rig(&[]);
    let ws = workspace(&rig, &ogp5_toml());
    let run = ws.run(&["check", "--connect"]).expect(0);
    assert!(
        run.stdout.contains(&format!(
            "smtp localhost:{} (starttls) as {COORDINATOR}: ok",
            rig.submission_port
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Sent folder \"Sent\" has 0 messages"),
        "{}",
        run.stdout
    );

    // Implicit TLS on the submissions port works the same.
    let implicit = std::fs::read_to_string(&ws.config).unwrap().replace(
        &format!("port = {}\ntls = \"starttls\"", rig.submission_port),
        &format!("port = {}\ntls = \"implicit\"", rig.submissions_port),
    );
    ws.write_config(&implicit);
    ws.run(&["check", "--connect"]).expect(0);

    // A wrong password fails with the server named.
    let mut wrong = workspace(&rig, &ogp5_toml());
    wrong.env = vec![(PASSWORD_ENV.into(), "wrong".into())];
    let run = wrong.run(&["check", "--connect"]).expect(1);
    assert!(
        run.stdout.contains("smtp localhost") && run.stdout.contains("FAILED"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("imap localhost:{}", rig.imaps_port)),
        "{}",
        run.stdout
    );

    // A server certificate from a CA nobody trusts is refused.
    let untrusted = std::fs::read_to_string(&ws.config).unwrap().replace(
        &format!("ca_file = {:?}\n", rig.ca_file.display().to_string()),
        "",
    );
    ws.write_config(&untrusted);
    let run = ws.run(&["check", "--connect"]).expect(1);
    assert!(
        run.stdout.to_lowercase().contains("certificate") || run.stdout.contains("tls"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_missing_password_variable_is_a_config_problem() {
    let rig = start_rig(&[]);
    let mut ws = workspace(&rig, &ogp5_toml());
    ws.env.clear();
    let run = ws.run(&["check"]).expect(2);
    assert!(
        run.stderr
            .contains(&format!("environment variable {PASSWORD_ENV} is not set")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_wrong_password_fails_no_invitation_and_the_right_one_sends_them_all() {
    let rig = start_rig(&[]);
    let mut ws = workspace(&rig, &ogp5_toml());
    ws.env = vec![(PASSWORD_ENV.into(), "wrong".into())];
    let run = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(1);
    assert!(run.stdout.contains("0 of 15 sent"), "{}", run.stdout);
    assert!(
        run.stdout.contains("The mail server could not be used") && run.stdout.contains("535"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("check the configuration"), "{}", run.stderr);
    // One login per connection was tried (two at once), not one per invitation.
    let logins = rig.postfix_log().matches("authentication failed").count();
    assert!(
        (1..=2).contains(&logins),
        "{logins} logins:\n{}",
        rig.postfix_log()
    );
    assert!(ws.all_invitations_are("pending"));

    ws.env = vec![(PASSWORD_ENV.into(), PASSWORD.into())];
    ws.run(&["--now", "2022-06-15T10:30:00+02:00", "run", "--once"])
        .expect(0);
    rig.wait_for_empty_queue();
    for id in MINISTRIES {
        assert_eq!(rig.messages(&postmottak(id), "").len(), 1, "{id}");
    }
}

#[test]
fn imap_with_starttls_and_login_works_too() {
    let rig = start_rig(&[]);
    let ws = workspace(&rig, &ogp5_toml());
    let config = std::fs::read_to_string(&ws.config).unwrap().replace(
        &format!("port = {}\ntls = \"implicit\"", rig.imaps_port),
        &format!("port = {}\ntls = \"starttls\"\nauth = \"login\"", rig.imap_port),
    );
    ws.write_config(&config);
    let run = ws.run(&["check", "--connect"]).expect(0);
    assert!(
        run.stdout
            .contains(&format!("imap localhost:{} (starttls)", rig.imap_port)),
        "{}",
        run.stdout
    );
}

#[test]
fn xoauth2_with_a_token_from_a_command_logs_in_to_smtp_and_imap() {
    let rig = start_rig(&[]);
    let ws = workspace(&rig, &ogp5_toml());
    let token_file = ws.dir.path().join("token");
    std::fs::write(&token_file, format!("{}\n", rig.oauth2_token(COORDINATOR))).unwrap();
    // Both servers asked for XOAUTH2, the token read by a command as an OAuth helper would print it.
    let oauth = format!(
        "auth = \"xoauth2\"\noauth2_token = {{ command = [\"cat\", {:?}] }}",
        token_file.display().to_string()
    );
    let password = format!("password = {{ env = \"{PASSWORD_ENV}\" }}");
    let config = std::fs::read_to_string(&ws.config)
        .unwrap()
        .replace(&password, &oauth);
    assert_eq!(config.matches("auth = \"xoauth2\"").count(), 2, "{config}");
    ws.write_config(&config);
    let run = ws.run(&["check", "--connect"]).expect(0);
    for server in ["smtp", "imap"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with(&format!("{server} localhost:"))
                    && l.contains(&format!("as {COORDINATOR}: ok"))),
            "{}",
            run.stdout
        );
    }
    let sent = ws.run(&["--now", SEND_TIME, "send", "invitations"]).expect(0);
    rig.wait_for_empty_queue();
    assert_eq!(
        rig.messages(&postmottak("kld"), "").len(),
        1,
        "{}\n{}",
        sent.stderr,
        rig.postfix_log()
    );
    assert_eq!(rig.messages(COORDINATOR, "Sent").len(), 15);

    // A token signed by someone else is refused, and the error says where.
    let forged = rig.oauth2_token(COORDINATOR).replace('.', ".x");
    std::fs::write(&token_file, forged).unwrap();
    let run = ws.run(&["check", "--connect"]).expect(1);
    assert!(
        run.stdout
            .contains("refused the OAuth2 token of tom-arne.nygaard@kdd.dep.no (XOAUTH2)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("cannot log in"), "{}", run.stdout);
}

/// Regression: the first `scripts/test` on a fresh machine failed once with `postfix start`
/// and an empty message. The rig took ports by binding `:0` and letting them go, so another rig
/// started at once, or any outgoing connection's source port, could take one before Postfix
/// bound it. Ports are now leased: held for the rig's life and below the ephemeral range.
#[test]
fn rig_ports_are_held_while_leased_and_never_ephemeral() {
    let ephemeral_low: u16 = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|t| t.split_whitespace().next().and_then(|p| p.parse().ok()))
        .unwrap_or(32768);
    let (first, held) = rig::lease_ports(6);
    let (second, _held_too) = rig::lease_ports(6);
    for port in first.iter().chain(&second) {
        assert!(*port < ephemeral_low, "port {port} is in the ephemeral range");
    }
    assert!(
        first.iter().all(|p| !second.contains(p)),
        "two leases share a port: {first:?} {second:?}"
    );
    drop(held);
    // Once given back, a port can be leased again.
    let (third, _) = rig::lease_ports(6);
    assert_eq!(third.len(), 6);
}
