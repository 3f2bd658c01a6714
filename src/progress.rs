//! Progress on long sends: a bar on a terminal, nothing otherwise (the log lines say the same),
//! and a log writer that lifts the bar out of the way while a line is written.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// A progress bar for `total` messages: drawn on standard error when it is a terminal.
pub fn bar(total: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() || total == 0 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_string());
    if let Ok(mut active) = ACTIVE.lock() {
        *active = Some(bar.clone());
    }
    bar
}

/// Removes the bar once the work is done.
pub fn finish(bar: &ProgressBar) {
    bar.finish_and_clear();
    if let Ok(mut active) = ACTIVE.lock() {
        *active = None;
    }
}

/// Standard error for tracing, aware of the progress bar.
pub struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let active = ACTIVE.lock().ok().and_then(|a| a.clone());
        match active {
            Some(bar) => bar.suspend(|| std::io::stderr().write_all(buf))?,
            None => std::io::stderr().write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogWriter {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> LogWriter {
        LogWriter
    }
}

/// The time on each log line: the machine's local time with its offset from UTC, as the
/// person reading the log lives it (`2022-06-15 10:00:01 +02:00`), to the second.
pub struct LocalTime;

impl tracing_subscriber::fmt::time::FormatTime for LocalTime {
    fn format_time(&self, w: &mut tracing_subscriber::fmt::format::Writer<'_>) -> std::fmt::Result {
        // A log line's own time, not a fact of the process: the wall clock is right here.
        #[allow(clippy::disallowed_methods)]
        let now = chrono::Local::now();
        write!(w, "{}", local_stamp(now.fixed_offset()))
    }
}

/// How a log line writes a moment.
pub fn local_stamp(at: chrono::DateTime<chrono::FixedOffset>) -> String {
    at.format("%Y-%m-%d %H:%M:%S %:z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_gives_local_time_with_its_offset() {
        let at = chrono::DateTime::parse_from_rfc3339("2022-06-15T08:00:01Z")
            .unwrap()
            .with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap());
        assert_eq!(local_stamp(at), "2022-06-15 10:00:01 +02:00");
    }
}
