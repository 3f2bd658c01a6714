//! Replies as ministries and NGOs write them (Outlook and Gmail in bokmål, iPhone, HTML-only,
//! Latin-1, English, forwarded invitations, out-of-office, bounces, look-alike domains): each
//! `tests/fixtures/replies/NAME.eml` is read into a fresh register that has sent the ogp5
//! invitations, and what the register then holds must equal `NAME.json`. A mismatch writes
//! `NAME.failed` beside it with what was found.

mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use samskap::config::Config;
use samskap::register::Register;
use samskap::register::inbound::Location;
use serde_json::{Value, json};
use support::FIXTURE_SECRET;

fn config() -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
    Config::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn t(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// A register as it stands after the invitations of 15 June went out.
fn register_after_invitations(config: &Config) -> Register {
    let mut register = Register::open_in_memory().unwrap();
    register
        .set_meta("secret", &data_encoding::HEXLOWER.encode(FIXTURE_SECRET))
        .unwrap();
    samskap::outbox::enqueue_invitations(config, &mut register, &[], t("2022-06-15T08:00:00Z")).unwrap();
    let ids = register
        .due_ids(t("2022-06-15T08:00:00Z"), 100, &HashSet::new())
        .unwrap();
    for id in ids {
        register.begin_attempt(id, t("2022-06-15T08:00:00Z")).unwrap();
        register
            .mark_sent(id, t("2022-06-15T08:00:01Z"), "250 2.0.0 Ok", false)
            .unwrap();
    }
    register
}

/// What the register holds about one processed message, as JSON.
fn outcome(
    register: &Register,
    processed: &samskap::inbox::Processed,
    understood: &samskap::understand::Understood,
) -> Value {
    let org = processed.org.clone();
    let registrations: serde_json::Map<String, Value> = register
        .registrations()
        .unwrap()
        .into_iter()
        .filter(|r| Some(&r.org_id) == org.as_ref())
        .map(|r| {
            (
                r.event_id.clone(),
                json!({"status": r.status, "count": r.attendee_count, "late": r.late, "attendees": r.attendees}),
            )
        })
        .collect();
    let contact = register
        .contacts()
        .unwrap()
        .into_iter()
        .find(|c| Some(&c.org_id) == org.as_ref())
        .map(|c| json!({"name": c.name, "email": c.email, "phone": c.phone}));
    let new_org = register
        .organisations()
        .unwrap()
        .into_iter()
        .find(|o| o.source == "mail" && Some(&o.id) == org.as_ref())
        .map(|o| json!({"id": o.id, "name": o.name, "referred_by": o.referred_by, "domains": o.domains}));
    let review: Vec<String> = register
        .review_items(true)
        .unwrap()
        .into_iter()
        .map(|r| r.reason)
        .collect();
    let bounce = register
        .invitation_states()
        .unwrap()
        .into_iter()
        .find(|(_, s)| s.bounced_at.is_some())
        .map(|(org, s)| json!({"org": org, "status": s.bounce_status, "hard": s.bounce_permanent}));
    let confirmations = register.outbox_counts(Some("confirmation")).unwrap();
    let text = match &understood.class {
        samskap::understand::Class::Reply { split, .. } => Value::String(split.body.clone()),
        _ => Value::Null,
    };
    let auto_returns = match &understood.class {
        samskap::understand::Class::AutoReply(a) => json!(a.returns_on.map(|d| d.to_string())),
        _ => Value::Null,
    };
    json!({
        "class": processed.class,
        "outcome": processed.outcome,
        "org": org,
        "registrations": registrations,
        "contact": contact,
        "new_organisation": new_org,
        "review": review,
        "bounce": bounce,
        "auto_reply_returns_on": auto_returns,
        "confirmation": confirmations.queued > 0,
        "text": text,
    })
}

#[test]
fn every_reply_fixture_reads_as_expected() {
    let config = config();
    let ctx = samskap::understand::Context::from_config(&config);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replies");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    fixtures.sort();
    let mut failures = Vec::new();
    for path in &fixtures {
        let raw = std::fs::read(path).unwrap();
        let mut register = register_after_invitations(&config);
        let location = Location {
            mailbox: "fixture".into(),
            uidvalidity: 1,
            uid: 1,
        };
        let understood = samskap::understand::understand(&raw, &ctx);
        let processed = samskap::inbox::record(
            &mut register,
            &config,
            &location,
            &understood,
            &raw,
            t("2022-06-25T12:00:00Z"),
        )
        .unwrap();
        let actual = outcome(&register, &processed, &understood);
        let expected_path = path.with_extension("json");
        let failed_path = path.with_extension("failed");
        let expected: Option<Value> = std::fs::read_to_string(&expected_path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        if expected.as_ref() == Some(&actual) {
            let _ = std::fs::remove_file(&failed_path);
        } else {
            std::fs::write(
                &failed_path,
                serde_json::to_string_pretty(&actual).unwrap() + "\n",
            )
            .unwrap();
            failures.push(path.file_name().unwrap().to_string_lossy().to_string());
        }
        // Reading the same message again changes nothing.
        let again = samskap::inbox::record(
            &mut register,
            &config,
            &location,
            &understood,
            &raw,
            t("2022-06-26T12:00:00Z"),
        )
        .unwrap();
        assert_eq!(again.recorded, samskap::register::inbound::Recorded::AlreadySeen);
        assert_eq!(
            outcome(&register, &processed, &understood),
            actual,
            "{}: a second read changed the register",
            path.display()
        );
    }
    assert!(fixtures.len() >= 15, "only {} fixtures", fixtures.len());
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ (see the .failed files): {failures:?}",
        failures.len(),
        fixtures.len()
    );
}
