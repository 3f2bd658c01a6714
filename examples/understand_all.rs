//! Understands every file given, `SAMSKAP_PASSES` times (default 1): a helper for profiling with perf.
fn main() {
    let config = samskap::config::Config::load(std::path::Path::new("config/ogp5.toml")).unwrap();
    let ctx = samskap::understand::Context::from_config(&config);
    let passes: usize = std::env::var("SAMSKAP_PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let raws: Vec<Vec<u8>> = std::env::args()
        .skip(1)
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    let start = std::time::Instant::now();
    for _ in 0..passes {
        for raw in &raws {
            std::hint::black_box(samskap::understand::understand(raw, &ctx));
        }
    }
    let n = raws.len() * passes;
    eprintln!("{n} messages, {:.0}/s", n as f64 / start.elapsed().as_secs_f64());
}
