//! Fuzz target: any text through the pure text stages on their own (HTML to text, quote and
//! signature splitting, the reading of who comes, dates, telephone numbers, date-poll answers, calendar
//! objects, and the config's moments), where MIME would not reach.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use samskap::understand::{self, Context, facts, html, quote, reading};

static CONTEXT: LazyLock<Context> = LazyLock::new(|| {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/ogp5.toml");
    let config = samskap::config::Config::load(std::path::Path::new(path)).expect("config/ogp5.toml loads");
    Context::from_config(&config)
});

fuzz_target!(|text: &str| {
    let plain = html::to_text(text);
    let split = quote::split(text);
    let sender = facts::Sender {
        name: Some("Kari Nordmann".into()),
        address: "kari.nordmann@kld.dep.no".into(),
    };
    let _ = reading::read(
        &reading::Input {
            body: &split.body,
            signature: &split.signature,
            subject: text,
            sender: &sender,
            cc: std::slice::from_ref(&sender),
            quoted: &split.quoted,
            today: chrono::NaiveDate::from_ymd_opt(2022, 6, 16),
        },
        &CONTEXT.reading,
    );
    let _ = understand::own_subject_words(text, &CONTEXT);
    let _ = understand::language(&plain);
    let _ = understand::dates::find_all(text, chrono::NaiveDate::from_ymd_opt(2022, 6, 15).unwrap());
    let _ = understand::phone::find_all(text);
    let _ = understand::poll_answer::read(text, &CANDIDATES);
    let _ = understand::poll_answer::read_message(
        understand::poll_answer::Message {
            body: &split.body,
            quoted: &split.quoted,
            subject: text,
        },
        &CANDIDATES,
        false,
    );
    let _ = understand::calendar::parse(text, None);
    let _ = understand::calendar::answer_in_subject(text);
    let _ = samskap::schedule::when::When::parse(text, chrono_tz::Europe::Oslo);
    let _ = samskap::schedule::when::Timing::parse_cron(text);
});

/// The ogp5 follow-up meeting's candidate slots.
static CANDIDATES: LazyLock<Vec<understand::poll_answer::Candidate>> = LazyLock::new(|| {
    [(8, 29, 13), (8, 31, 9), (9, 2, 9), (9, 5, 13)]
        .iter()
        .filter_map(|(m, d, h)| chrono::NaiveDate::from_ymd_opt(2022, *m, *d)?.and_hms_opt(*h, 0, 0))
        .map(|start| understand::poll_answer::Candidate {
            start,
            end: start + chrono::Duration::hours(2),
        })
        .collect()
});
