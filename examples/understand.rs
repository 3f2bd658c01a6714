//! Prints what samskap understands of each message file given, with the process of
//! `config/ogp5.toml` (or the file in SAMSKAP_CONFIG): for looking at corpus cases.
//!
//!     cargo run --example understand -- FILE.eml...
fn main() {
    let config_path = std::env::var("SAMSKAP_CONFIG").unwrap_or_else(|_| "config/ogp5.toml".into());
    let config =
        samskap::config::Config::load(std::path::Path::new(&config_path)).unwrap_or_else(|e| panic!("{e}"));
    let ctx = samskap::understand::Context::from_config(&config);
    for path in std::env::args().skip(1) {
        let raw = std::fs::read(&path).expect("readable file");
        let understood = samskap::understand::understand(&raw, &ctx);
        println!(
            "=== {path}\n{}",
            serde_json::to_string_pretty(&understood).unwrap_or_default()
        );
    }
}
