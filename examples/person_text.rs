//! Prints the person's own text of each message file given, as samskap splits it (body,
//! signature), for reading corpus cases while working on the understanding of replies.
fn main() {
    let config = samskap::config::Config::load(std::path::Path::new("config/ogp5.toml")).unwrap();
    let ctx = samskap::understand::Context::from_config(&config);
    for path in std::env::args().skip(1) {
        let raw = std::fs::read(&path).expect("readable file");
        let understood = samskap::understand::understand(&raw, &ctx);
        println!("=== {path}");
        if let Some(from) = &understood.from {
            println!(
                "From: {:?} <{}>  Subject: {}",
                from.name, from.address, understood.subject
            );
        }
        match &understood.class {
            samskap::understand::Class::Reply { split, facts } => {
                println!("--- body\n{}\n--- signature\n{}", split.body, split.signature);
                if std::env::var("SAMSKAP_QUOTED").is_ok() {
                    println!("--- quoted\n{}", split.quoted);
                }
                println!("--- facts {}", serde_json::to_string(facts).unwrap_or_default());
            }
            other => println!("--- {}", other.name()),
        }
    }
}
