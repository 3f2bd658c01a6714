//! Reads each argument as a date-poll answer to the four slots of `config/ogp5.toml` and prints
//! what it says (yes, no, maybe, doubts, remarks), for trying phrasings while working on the
//! poll's reading.
fn main() {
    let candidates: Vec<samskap::understand::poll_answer::Candidate> =
        [(8, 29, 13), (8, 31, 9), (9, 2, 9), (9, 5, 13)]
            .iter()
            .map(|(m, d, h)| {
                let start = chrono::NaiveDate::from_ymd_opt(2022, *m, *d)
                    .unwrap()
                    .and_hms_opt(*h, 0, 0)
                    .unwrap();
                samskap::understand::poll_answer::Candidate {
                    start,
                    end: start + chrono::Duration::hours(2),
                }
            })
            .collect();
    for text in std::env::args().skip(1) {
        let a = samskap::understand::poll_answer::read(&text, &candidates);
        println!(
            "{text:?}\n  yes {:?} no {:?} maybe {:?} doubts {:?} remarks {:?}",
            a.yes, a.no, a.maybe, a.doubts, a.remarks
        );
    }
}
