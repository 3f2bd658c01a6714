//! Reply understanding scored on third-party corpora (in `tests/corpus/`, each with its licence):
//! reply text against the expected text of three reply parsers' test suites, bounces against
//! sisimai's labels, and every file of every corpus read without a panic. Scores are printed and
//! written to `target/corpus-scores.txt`; each test fails if its score falls below where it stands.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use samskap::understand::{self, Class, Context, quote};

fn corpus(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(path)
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn no_space(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn record(name: &str, passed: usize, total: usize, misses: &[String]) {
    let line = format!(
        "{name}: {passed}/{total} ({:.1}%)",
        100.0 * passed as f64 / total.max(1) as f64
    );
    eprintln!("{line}");
    for miss in misses.iter().take(40) {
        eprintln!("  miss: {miss}");
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/corpus-scores.txt");
    let mut all: BTreeMap<String, String> = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(": ").map(|(k, v)| (k.to_string(), v.to_string())))
        .collect();
    all.insert(name.to_string(), line[name.len() + 2..].to_string());
    let mut text = String::new();
    for (k, v) in all {
        let _ = writeln!(text, "{k}: {v}");
    }
    let _ = std::fs::write(path, text);
}

/// Decodes a JSON string literal as the expectation files write them.
fn json_string(literal: &str) -> Option<String> {
    serde_json::from_str::<String>(literal).ok()
}

/// The text a reply parser keeps, in crisp's convention: the new text with its signature.
fn body_and_signature(split: &quote::Split) -> String {
    if split.signature.is_empty() {
        split.body.clone()
    } else {
        format!("{}\n\n{}", split.body, split.signature)
    }
}

#[test]
fn crisp_reply_texts() {
    let expected = std::fs::read_to_string(corpus("email-reply-parser-crisp/EXPECTED.tsv")).unwrap();
    let common =
        std::fs::read_to_string(corpus("email-reply-parser-crisp/COMMON_FIRST_FRAGMENT.txt")).unwrap();
    let (mut passed, mut total, mut misses) = (0, 0, Vec::new());
    for line in expected.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 || !(cols[1] == "fragments[0]" || cols[1] == "getVisibleText()") {
            continue;
        }
        let want = if cols[2] == "<COMMON_FIRST_FRAGMENT>" {
            common.clone()
        } else {
            let Some(s) = json_string(cols[2]) else { continue };
            s
        };
        let text = std::fs::read_to_string(corpus(&format!(
            "email-reply-parser-crisp/fixtures/{}.txt",
            cols[0]
        )))
        .unwrap();
        let split = quote::split(&text);
        let got = body_and_signature(&split);
        total += 1;
        // Parsers differ on whether a closing ("Regards, John") belongs to the text: either counts.
        if squash(&got) == squash(&want) || squash(&split.body) == squash(&want) {
            passed += 1;
        } else {
            misses.push(format!(
                "{}: got {:?}",
                cols[0],
                got.chars().take(100).collect::<String>()
            ));
        }
    }
    record(
        "crisp reply text (fragment 0 / visible text)",
        passed,
        total,
        &misses,
    );
    assert!(total > 40);
    assert!(passed * 100 >= total * 95, "crisp score fell to {passed}/{total}");
}

#[test]
fn github_reply_texts() {
    let expected = std::fs::read_to_string(corpus("email_reply_parser-github/EXPECTED.tsv")).unwrap();
    let (mut passed, mut total, mut misses) = (0, 0, Vec::new());
    for line in expected.lines().filter(|l| !l.starts_with('#')) {
        let Some((file, expectation)) = line.split_once('\t') else {
            continue;
        };
        let text =
            std::fs::read_to_string(corpus(&format!("email_reply_parser-github/emails/{file}"))).unwrap();
        let split = quote::split(&text);
        // Visible text in github's convention hides the signature and the client footer.
        let check = if let Some(rest) = expectation.strip_prefix("visible == ") {
            let literal = rest.split("  (").next().unwrap_or(rest).trim();
            json_string(literal).map(|want| squash(&split.body) == squash(&want))
        } else if let Some(rest) = expectation.split("fragment0 starts \"").nth(1) {
            let prefix = rest.split('"').next().unwrap_or("").replace("\\n", "\n");
            Some(body_and_signature(&split).starts_with(prefix.as_str()))
        } else if let Some(rest) = expectation.split("fragment0 contains \"").nth(1) {
            let needle = rest.split('"').next().unwrap_or("");
            Some(body_and_signature(&split).contains(needle))
        } else {
            None
        };
        let Some(ok) = check else { continue };
        total += 1;
        if ok {
            passed += 1;
        } else {
            misses.push(format!(
                "{file}: got {:?}",
                split.body.chars().take(100).collect::<String>()
            ));
        }
    }
    record("github reply text", passed, total, &misses);
    assert!(total >= 10);
    assert!(
        passed * 100 >= total * 95,
        "github score fell to {passed}/{total}"
    );
}

#[test]
fn talon_reply_texts() {
    let ctx = Context::default();
    let (mut passed, mut total, mut misses) = (0, 0, Vec::new());
    let dir = corpus("talon/standard_replies");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    files.sort();
    for path in files {
        let raw = std::fs::read(&path).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let want = std::fs::read_to_string(dir.join(format!("{stem}_reply_text")))
            .unwrap_or_else(|_| "Hello".into());
        let got = match understand::understand(&raw, &ctx).class {
            Class::Reply { split, .. } => split.visible(),
            other => format!("<{}>", other.name()),
        };
        total += 1;
        if squash(&got) == squash(&want) {
            passed += 1;
        } else {
            misses.push(format!(
                "{stem}: got {:?}",
                got.chars().take(100).collect::<String>()
            ));
        }
    }
    let html_dir = corpus("talon/html_replies");
    let mut html_files: Vec<PathBuf> = std::fs::read_dir(&html_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    html_files.sort();
    for path in html_files {
        let html = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned());
        let split = quote::split(&understand::html::to_text(&html));
        total += 1;
        if no_space(&split.visible()) == no_space("Hi. I am fine.\n\nThanks,\nAlex") {
            passed += 1;
        } else {
            misses.push(format!(
                "{}: got {:?}",
                path.display(),
                split.visible().chars().take(100).collect::<String>()
            ));
        }
    }
    record(
        "talon reply text (standard and HTML replies)",
        passed,
        total,
        &misses,
    );
    assert!(total >= 20);
    assert!(passed * 100 >= total * 95, "talon score fell to {passed}/{total}");
}

/// One labelled bounce: the first recipient's expected status, reason and hardness.
struct Label {
    status: String,
    reason: String,
    hard: bool,
}

fn sisimai_labels() -> BTreeMap<String, Label> {
    let mut labels = BTreeMap::new();
    for file in ["expected-go-sisimai.tsv", "expected-rb-sisimai-fallback.tsv"] {
        let text = std::fs::read_to_string(corpus(&format!("sisimai-set-of-emails/{file}"))).unwrap();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.len() < 7 || cols[1] != "1" || cols[6] != "yes" {
                continue;
            }
            labels.entry(cols[0].to_string()).or_insert(Label {
                status: cols[2].to_string(),
                reason: cols[4].to_string(),
                hard: cols[5] == "true",
            });
        }
    }
    labels
}

#[test]
fn sisimai_bounces() {
    let ctx = Context::default();
    let labels = sisimai_labels();
    let (mut detected, mut to_detect, mut hard_agree, mut hard_total, mut status_agree, mut status_total) =
        (0, 0, 0, 0, 0, 0);
    let mut misses = Vec::new();
    let mut returned_id = 0;
    for (file, label) in &labels {
        let raw = std::fs::read(corpus(&format!("sisimai-set-of-emails/maildir-bsd/{file}"))).unwrap();
        let understood = understand::understand(&raw, &ctx);
        match label.reason.as_str() {
            // Not failures: complaints, out-of-office answers, positive notices.
            "feedback" | "vacation" | "delivered" => continue,
            _ => {}
        }
        to_detect += 1;
        let Class::Bounce(bounce) = &understood.class else {
            misses.push(format!(
                "{file}: read as {} ({})",
                understood.class.name(),
                label.reason
            ));
            continue;
        };
        detected += 1;
        if bounce.original_message_id.is_some() {
            returned_id += 1;
        }
        let ours_hard = bounce.recipients.iter().any(|r| r.hard);
        hard_total += 1;
        if ours_hard == label.hard {
            hard_agree += 1;
        } else {
            misses.push(format!(
                "{file}: hard={ours_hard}, label {} ({}, {})",
                label.hard, label.reason, label.status
            ));
        }
        if !label.status.is_empty() {
            status_total += 1;
            let ours = bounce
                .recipients
                .first()
                .and_then(|r| r.status.clone())
                .unwrap_or_default();
            // Classes and subjects agree ("5.1.1"); sisimai's own detail codes (5.0.9xx) count by class.
            let same = ours == label.status
                || (label.status.contains(".0.9") && ours.get(..1) == label.status.get(..1));
            if same {
                status_agree += 1;
            }
        }
    }
    record(
        "sisimai bounces detected as delivery reports",
        detected,
        to_detect,
        &[],
    );
    record(
        "sisimai bounces, hard/soft agreement",
        hard_agree,
        hard_total,
        &misses,
    );
    record(
        "sisimai bounces, status code agreement",
        status_agree,
        status_total,
        &[],
    );
    // A bounce counts only when it returns our message's Message-ID: how many reports can be
    // attributed that way at all.
    record(
        "sisimai bounces returning the original Message-ID",
        returned_id,
        detected,
        &[],
    );
    assert!(to_detect > 500);
    assert!(
        detected * 100 >= to_detect * 97,
        "detection fell to {detected}/{to_detect}"
    );
    assert!(
        hard_agree * 100 >= hard_total * 85,
        "hard/soft agreement fell to {hard_agree}/{hard_total}"
    );
    assert!(
        returned_id * 1000 >= detected * 870,
        "reports whose original Message-ID is read fell to {returned_id}/{detected}"
    );
}

#[test]
fn what_is_not_a_bounce_is_not_read_as_one() {
    let ctx = Context::default();
    let dir = corpus("sisimai-set-of-emails/maildir-not");
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let raw = std::fs::read(entry.path()).unwrap();
        let understood = understand::understand(&raw, &ctx);
        assert!(
            !matches!(understood.class, Class::Bounce(_)),
            "{}: read as a bounce",
            entry.path().display()
        );
    }
}

fn every_file(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            every_file(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_file_of_every_corpus_is_read_without_a_panic() {
    let mut files = Vec::new();
    every_file(&corpus(""), &mut files);
    files.sort();
    let ctx = Context::default();
    let mut panicked = Vec::new();
    let mut classes: BTreeMap<&'static str, usize> = BTreeMap::new();
    for path in &files {
        let raw = std::fs::read(path).unwrap();
        match std::panic::catch_unwind(|| understand::understand(&raw, &ctx)) {
            Ok(understood) => *classes.entry(understood.class.name()).or_default() += 1,
            Err(_) => panicked.push(path.display().to_string()),
        }
    }
    eprintln!("{} files read: {classes:?}", files.len());
    record(
        "corpus files read without a panic",
        files.len() - panicked.len(),
        files.len(),
        &panicked,
    );
    assert!(files.len() > 1000);
    assert!(panicked.is_empty(), "panicked on {panicked:?}");
}

#[test]
fn flanker_bounces_and_notices() {
    let ctx = Context::default();
    let read =
        |p: &str| understand::understand(&std::fs::read(corpus(&format!("flanker/{p}"))).unwrap(), &ctx);
    for file in [
        "bounce/zed.eml",
        "bounce/office365.eml",
        "bounce/mailbox-full.eml",
        "bounce/gmail-no-dns.eml",
        "bounce/gmail-invalid-address.eml",
    ] {
        assert!(
            matches!(read(file).class, Class::Bounce(_)),
            "{file}: {:?}",
            read(file).class.name()
        );
    }
    match read("bounce/mailbox-full.eml").class {
        Class::Bounce(b) => assert!(
            b.recipients.iter().all(|r| !r.hard),
            "a full mailbox is not a dead address"
        ),
        _ => unreachable!(),
    }
    match read("bounce/no-mx.eml").class {
        Class::Bounce(b) => assert_eq!(b.kind, understand::bounce::ReportKind::Delay),
        other => panic!("no-mx: {}", other.name()),
    }
    for file in [
        "complaints/aol.eml",
        "complaints/yahoo.eml",
        "disposition-notification.eml",
    ] {
        assert!(
            matches!(read(file).class, Class::Notice { .. }),
            "{file}: {}",
            read(file).class.name()
        );
    }
    assert!(!matches!(read("signed.eml").class, Class::Bounce(_)));
}

#[test]
fn itip_objects_are_calendar_messages_with_their_answers() {
    let text = std::fs::read_to_string(corpus("ical/libical/incoming.ics")).unwrap();
    let mut seen = 0;
    for object in text.split("BEGIN:VCALENDAR").skip(1) {
        let ics = format!("BEGIN:VCALENDAR{object}");
        let expect = ics
            .lines()
            .find_map(|l| l.strip_prefix("X-LIC-EXPECT:"))
            .unwrap_or("")
            .trim()
            .to_string();
        let Some(cal) = understand::calendar::parse(&ics, None) else {
            panic!("not read: {expect}");
        };
        seen += 1;
        let partstats: Vec<&str> = cal.answers.iter().map(|a| a.partstat.as_str()).collect();
        // OBSOLETE is an old REQUEST (a lower SEQUENCE than the organiser's).
        let method = match expect.split('-').next().unwrap_or("") {
            "OBSOLETE" => "REQUEST",
            m => m,
        };
        assert_eq!(cal.method, method, "{expect}");
        match expect.as_str() {
            "REPLY-ACCEPT" | "REPLY-CRASHER-ACCEPT" => assert_eq!(partstats, ["ACCEPTED"], "{expect}"),
            "REPLY-DECLINE" | "REPLY-CRASHER-DECLINE" => assert_eq!(partstats, ["DECLINED"], "{expect}"),
            "REPLY-DELEGATE" => {
                assert_eq!(partstats, ["DELEGATED"]);
                assert_eq!(cal.answers[0].address, "b@example.com");
                assert_eq!(cal.answers[0].delegated_to.as_deref(), Some("c@example.com"));
            }
            _ => {}
        }
        if method != "PUBLISH" {
            let uid = cal.uid.as_deref().unwrap_or("");
            assert!(
                uid.starts_with("calsrv.example.com-87397019873"),
                "{expect}: {uid}"
            );
        }
    }
    assert!(seen >= 10);
}
