//! Fuzz target: any bytes as an incoming message, through the whole understanding pipeline
//! (MIME, classification, bounces, calendar, quotes, facts).
//!
//! A panic anywhere in samskap aborts the run, as libFuzzer wants. A panic inside mail-parser
//! (its `debug_assert!`s, on in fuzz builds, are reachable by hostile MIME: see
//! `tests/fixtures/hostile/`) is let through to `understand`'s own guard, which must turn it into
//! an unreadable message; that is checked here too.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use samskap::understand::{Class, Context, understand};

static CONTEXT: LazyLock<Context> = LazyLock::new(|| {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../config/ogp5.toml");
    let config = samskap::config::Config::load(std::path::Path::new(path)).expect("config/ogp5.toml loads");
    Context::from_config(&config)
});

fuzz_target!(
    init: {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_parser = info.location().is_some_and(|l| l.file().contains("mail-parser"));
            if !in_parser {
                abort(info);
            }
        }));
        LazyLock::force(&CONTEXT);
    },
    |raw: &[u8]| {
        let understood = understand(raw, &CONTEXT);
        if understood.problems.iter().any(|p| p == "panic") {
            assert!(matches!(understood.class, Class::Unreadable { .. }));
        }
        // What the register would be told must serialise too.
        let _ = serde_json::to_string(&understood);
    }
);
