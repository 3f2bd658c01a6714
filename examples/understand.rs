//! Prints what samskap understands of each message file given: for looking at corpus cases.
fn main() {
    let ctx = samskap::understand::Context::default();
    for path in std::env::args().skip(1) {
        let raw = std::fs::read(&path).expect("readable file");
        let understood = samskap::understand::understand(&raw, &ctx);
        println!(
            "=== {path}\n{}",
            serde_json::to_string_pretty(&understood).unwrap_or_default()
        );
    }
}
