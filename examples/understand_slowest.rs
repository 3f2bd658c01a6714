//! Prints the files that take longest to understand: a helper for profiling.
fn main() {
    let config = samskap::config::Config::load(std::path::Path::new("config/ogp5.toml")).unwrap();
    let ctx = samskap::understand::Context::from_config(&config);
    let mut times = Vec::new();
    let mut total = 0.0;
    for path in std::env::args().skip(1) {
        let raw = std::fs::read(&path).unwrap();
        let start = std::time::Instant::now();
        for _ in 0..20 {
            std::hint::black_box(samskap::understand::understand(&raw, &ctx));
        }
        let t = start.elapsed().as_secs_f64() / 20.0;
        total += t;
        times.push((t, raw.len(), path));
    }
    times.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (t, len, path) in times.iter().take(25) {
        println!("{:8.1} µs {:8} B {path}", t * 1e6, len);
    }
    println!("total {:.1} ms for {} files", total * 1e3, times.len());
}
