//! Understands every file given, `SAMSKAP_PASSES` times (default 1): a helper for profiling with perf.
//! `SAMSKAP_DUMP=1` prints what each file was understood as, to compare the reading before and
//! after a change that should change nothing (a speed-up).
fn main() {
    let config = samskap::config::Config::load(std::path::Path::new("config/ogp5.toml")).unwrap();
    let ctx = samskap::understand::Context::from_config(&config);
    let passes: usize = std::env::var("SAMSKAP_PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let raws: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    if std::env::var_os("SAMSKAP_DUMP").is_some() {
        for (path, raw) in paths.iter().zip(&raws) {
            println!("{path}\n{:?}", samskap::understand::understand(raw, &ctx));
        }
        return;
    }
    let start = std::time::Instant::now();
    for _ in 0..passes {
        for raw in &raws {
            std::hint::black_box(samskap::understand::understand(raw, &ctx));
        }
    }
    let n = raws.len() * passes;
    eprintln!("{n} messages, {:.0}/s", n as f64 / start.elapsed().as_secs_f64());
}
