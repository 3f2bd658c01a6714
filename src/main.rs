//! The `samskap` binary: parses the command line, sets up logging, runs the command, and maps
//! the outcome to an exit status (0 ok, 1 runtime failure, 2 bad usage or config).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing::Level;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// mimalloc: the reading of a message makes many small strings, and it allocates them faster
/// than the system's allocator (`cargo bench --bench understand`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Libraries that log what goes over the wire below INFO: async-imap traces every command it
/// writes, LOGIN's password and AUTHENTICATE's base64 answer (PLAIN password, XOAUTH2 token)
/// among them, and every message it reads; lettre and rustls can do the same when built so.
/// Their debug and trace output is never written, whatever SAMSKAP_LOG says.
const WIRE_LOGGERS: &[&str] = &["async_imap", "imap_proto", "lettre", "rustls", "tokio_rustls"];

/// Whether an event is one of those wire libraries' chatter below INFO.
fn wire_trace(target: &str, level: Level) -> bool {
    level > Level::INFO
        && WIRE_LOGGERS.iter().any(|crate_name| {
            target == *crate_name
                || target
                    .strip_prefix(crate_name)
                    .is_some_and(|rest| rest.starts_with("::"))
        })
}

fn main() -> ExitCode {
    let cli = samskap::cli::Cli::parse();
    let default = match (cli.quiet, cli.verbose) {
        (true, _) => "warn",
        (_, 0) => "info",
        (_, 1) => "samskap=debug,info",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("SAMSKAP_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::registry()
        .with(filter)
        // A filter of its own, after SAMSKAP_LOG's, so that no directive can lift it.
        .with(filter_fn(|meta| !wire_trace(meta.target(), *meta.level())))
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(samskap::progress::LogWriter)
                .with_timer(samskap::progress::LocalTime)
                .with_target(false)
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .init();
    tracing::debug!(
        capped = ?WIRE_LOGGERS,
        "these libraries log at INFO and above only, whatever SAMSKAP_LOG says: below, they write the wire, credentials included"
    );
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(samskap::app::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_libraries_are_capped_at_info_and_nothing_else_is() {
        assert!(wire_trace("async_imap::imap_stream", Level::TRACE));
        assert!(wire_trace("lettre", Level::DEBUG));
        assert!(!wire_trace("async_imap::client", Level::INFO));
        assert!(!wire_trace("async_imap::client", Level::WARN));
        assert!(!wire_trace("async_imapx", Level::TRACE));
        assert!(!wire_trace("samskap::inbox", Level::TRACE));
    }
}
