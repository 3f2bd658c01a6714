//! Only the ministry changes the ministry's record, and no stranger makes samskap send mail:
//! hostile messages delivered through the real Postfix into Dovecot and read by `run --once`
//! over IMAP, each test named after the hole it closes (issue 7, "Authority").

mod rig;
mod support;

use rig::{MailRig, PASSWORD};
use support::*;

const PASSWORD_ENV: &str = "SAMSKAP_TEST_PASSWORD";

/// A moment after the invitations went out and before any reminder.
const READ_TIME: &str = "2022-06-16T12:00:00+02:00";

fn start_rig(extra: &[&str]) -> MailRig {
    let mut users: Vec<String> = MINISTRIES.iter().map(|m| postmottak(m)).collect();
    users.push(COORDINATOR.to_string());
    users.extend(extra.iter().map(|u| u.to_string()));
    let refs: Vec<&str> = users.iter().map(String::as_str).collect();
    MailRig::start(&refs)
}

/// The ogp5 process (which trusts mx.kdd.dep.no) reading the coordinator's mailbox on the rig,
/// its invitations sent.
fn workspace(rig: &MailRig) -> Workspace {
    let transport = format!(
        "{}\n{}\n[retry]\ninitial = \"1m\"\nwait_in_command = \"0\"\n",
        rig.smtp_config(COORDINATOR, PASSWORD_ENV),
        rig.imap_config(COORDINATOR, PASSWORD_ENV)
    );
    let mut ws = Workspace::new(&with_transport(&ogp5_toml(), &transport));
    ws.env.push((PASSWORD_ENV.into(), PASSWORD.into()));
    let ws = ws.invitations_sent();
    rig.wait_for_empty_queue();
    ws
}

/// The coordinator's plus-address for `org` with the fixtures' secret.
fn plus(org: &str) -> String {
    let token = samskap::ident::org_token(FIXTURE_SECRET, "ogp5", org);
    format!("tom-arne.nygaard+ogp5-{token}@kdd.dep.no")
}

fn read_inbox(ws: &Workspace, rig: &MailRig, now: &str) {
    ws.run(&["--now", now, "run", "--once"]).expect(0);
    rig.wait_for_empty_queue();
}

fn status(ws: &Workspace) -> serde_json::Value {
    ws.run(&["status", "--json"]).expect(0).json()
}

fn org(status: &serde_json::Value, id: &str) -> serde_json::Value {
    status["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id)
        .cloned()
        .unwrap_or_default()
}

fn review_reasons(status: &serde_json::Value) -> Vec<String> {
    status["review"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// How many messages of `kind` the outbox holds.
fn outbox_count(ws: &Workspace, kind: &str) -> i64 {
    let conn = rusqlite::Connection::open(ws.data.join("samskap.db")).unwrap();
    conn.query_row("SELECT COUNT(*) FROM outbox WHERE kind = ?1", [kind], |r| {
        r.get(0)
    })
    .unwrap()
}

#[test]
fn a_ministry_s_from_without_a_trusted_verdict_does_not_change_its_contact() {
    let rig = start_rig(&["lise.berg@fin.dep.no"]);
    let ws = workspace(&rig);
    // A mailbox whose server writes a verdict on everything: none at all is no verdict.
    let strict = std::fs::read_to_string(&ws.config)
        .unwrap()
        .replace("without_verdict = \"accept\"", "without_verdict = \"review\"");
    ws.write_config(&strict);
    // FIN's token in the To, FIN's colleague in the From, and no word from KDD's MX: the
    // message came some other way, or the MX wrote nothing. Then the same with a pass written
    // by a server that is not trusted.
    for (n, header) in [
        "",
        "Authentication-Results: mx.evil.example; spf=pass smtp.mailfrom=fin.dep.no; dkim=pass header.d=fin.dep.no; dmarc=pass header.from=fin.dep.no\r\n",
    ]
    .iter()
    .enumerate()
    {
        let raw = format!(
            "{header}From: Lise Berg <lise.berg@fin.dep.no>\r\nTo: {to}\r\nSubject: SV: Invitasjon [OGP5:{token}]\r\nDate: Thu, 16 Jun 2022 10:0{n}:00 +0200\r\nMessage-ID: <forged-{n}@evil.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHei,\r\n\r\nNy kontaktperson for FIN er Mallory Hansen, mallory@evil.example, 400 00 000.\r\n\r\nHilsen Lise\r\n",
            to = plus("fin"),
            token = samskap::ident::org_token(FIXTURE_SECRET, "ogp5", "fin"),
        );
        rig.submit("mallory@evil.example", &plus("fin"), raw.as_bytes());
    }
    rig.wait_for_empty_queue();
    read_inbox(&ws, &rig, READ_TIME);
    let s = status(&ws);
    assert_eq!(org(&s, "fin")["contact"], serde_json::Value::Null, "{s:#}");
    let reasons = review_reasons(&s);
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].contains("no Authentication-Results from a trusted server (mx.kdd.dep.no)"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("not trusted (mx.evil.example)"),
        "{reasons:?}"
    );
    // Nobody was told anything was recorded.
    assert!(rig.messages("lise.berg@fin.dep.no", "").is_empty());
    assert_eq!(outbox_count(&ws, "confirmation"), 0);
}

/// With `without_verdict = "accept"` (the ministries' mail arrives from inside the shared mail
/// system, without a verdict), the forged message above is still set aside: it names a contact
/// outside FIN's domains; and a pass written by a server that is not trusted is still no pass.
#[test]
fn mail_without_any_verdict_taken_as_internal_still_cannot_make_a_stranger_the_contact() {
    let rig = start_rig(&["lise.berg@fin.dep.no"]);
    let ws = workspace(&rig);
    let raw = format!(
        "From: Lise Berg <lise.berg@fin.dep.no>\r\nTo: {to}\r\nSubject: SV: Invitasjon\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\nMessage-ID: <forged@evil.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHei,\r\n\r\nNy kontaktperson for FIN er Mallory Hansen, mallory@evil.example, 400 00 000.\r\n\r\nHilsen Lise\r\n",
        to = plus("fin"),
    );
    rig.submit("mallory@evil.example", &plus("fin"), raw.as_bytes());
    // FIN's own colleague, from inside: taken as FIN's word.
    let own = format!(
        "From: Lise Berg <lise.berg@fin.dep.no>\r\nTo: {to}\r\nSubject: SV: Invitasjon\r\nDate: Thu, 16 Jun 2022 10:05:00 +0200\r\nMessage-ID: <own@fin.dep.no>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHei,\r\n\r\nJeg er kontaktperson for FIN, tlf. 915 55 321.\r\n\r\nHilsen Lise Berg\r\n",
        to = plus("fin"),
    );
    rig.submit("lise.berg@fin.dep.no", &plus("fin"), own.as_bytes());
    rig.wait_for_empty_queue();
    read_inbox(&ws, &rig, READ_TIME);
    let s = status(&ws);
    let reasons = review_reasons(&s);
    assert!(
        reasons.iter().any(|r| r.contains("mallory@evil.example")),
        "{reasons:?}"
    );
    assert_eq!(
        org(&s, "fin")["contact"]["email"],
        "lise.berg@fin.dep.no",
        "{s:#}"
    );
    assert_eq!(org(&s, "fin")["contact"]["phone"], "+4791555321", "{s:#}");
}

#[test]
fn a_stranger_s_registration_of_500_people_at_50_domains_makes_samskap_send_nothing() {
    let rig = start_rig(&["eve@stranger.example"]);
    let ws = workspace(&rig);
    let people: String = (0..500)
        .map(|i| format!("- Person {i} <person{i}@domain{}.example>\r\n", i % 50))
        .collect();
    // The stranger's own domain may well pass every check: it is theirs.
    let raw = format!(
        "Authentication-Results: mx.kdd.dep.no; dkim=pass header.d=stranger.example; spf=pass smtp.mailfrom=stranger.example; dmarc=pass header.from=stranger.example\r\nFrom: Eve <eve@stranger.example>\r\nTo: {to}\r\nSubject: Påmelding samskapingsmøte 23. juni\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\nMessage-ID: <crowd@stranger.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVi fikk invitasjonen videresendt og melder på disse til samskapingsmøtet 23. juni:\r\n{people}\r\nMed vennlig hilsen\r\nEve\r\n",
        to = plus("aid")
    );
    rig.submit("eve@stranger.example", &plus("aid"), raw.as_bytes());
    rig.wait_for_empty_queue();
    read_inbox(&ws, &rig, READ_TIME);
    ws.run(&["--now", READ_TIME, "send", "calendar"]).expect(0);
    rig.wait_for_empty_queue();
    assert_eq!(outbox_count(&ws, "calendar"), 0);
    assert_eq!(outbox_count(&ws, "confirmation"), 0);
    let s = status(&ws);
    let reasons = review_reasons(&s);
    assert!(
        reasons.iter().any(|r| r.contains("names 500 people")),
        "{reasons:?}"
    );
    assert!(rig.messages("eve@stranger.example", "").is_empty());
}

#[test]
fn a_forged_delivery_report_with_sd_s_token_leaves_sd_in_the_next_reminder() {
    let rig = start_rig(&[]);
    let ws = workspace(&rig);
    let token = samskap::ident::org_token(FIXTURE_SECRET, "ogp5", "sd");
    // A stranger's report in Postfix's own shape, carrying SD's token where a real one quotes the
    // invitation, and a Message-ID made to look like ours.
    let forged = format!(
        "From: MAILER-DAEMON@mx.evil.example (Mail Delivery System)\r\nTo: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\nMessage-ID: <forged-dsn@mx.evil.example>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n<postmottak@sd.dep.no>: host mx.sd.dep.no said: 550 5.1.1 User unknown\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.evil.example\r\n\r\nFinal-Recipient: rfc822; postmottak@sd.dep.no\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <postmottak@sd.dep.no>: User unknown\r\n\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nTo: Samferdselsdepartementet <postmottak@sd.dep.no>\r\nSubject: Open Government Partnership (OGP) Handlingsplan 5 [OGP5:{token}]\r\nMessage-ID: <ogp5.invitation.sd.kickoff.r1.aaaaaaaaaa@kdd.dep.no>\r\nReply-To: {to}\r\n\r\n--B--\r\n",
        to = plus("sd")
    );
    rig.submit("mailer-daemon@mx.evil.example", &plus("sd"), forged.as_bytes());
    // A real report about SMK, returning our invitation's headers, still counts.
    let genuine = std::fs::read(reply_fixture("smk-bounce.eml")).unwrap();
    rig.submit("mailer-daemon@mx.kdd.dep.no", &plus("smk"), &genuine);
    rig.wait_for_empty_queue();
    read_inbox(&ws, &rig, READ_TIME);
    let s = status(&ws);
    assert_eq!(
        org(&s, "sd")["invitation"]["status"],
        "sent",
        "{:#}",
        org(&s, "sd")
    );
    assert_eq!(org(&s, "sd")["bounces"], serde_json::json!([]));
    assert_eq!(org(&s, "smk")["invitation"]["status"], "bounced");
    let reasons = review_reasons(&s);
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("postmottak@sd.dep.no") && r.contains("names no message samskap sent")),
        "{reasons:?}"
    );
    // The registration reminder on Monday morning goes to SD's address like to every other
    // ministry that has not answered.
    let before = rig.messages("postmottak@sd.dep.no", "").len();
    read_inbox(&ws, &rig, "2022-06-20T09:00:00+02:00");
    assert_eq!(rig.messages("postmottak@sd.dep.no", "").len(), before + 1);
}
