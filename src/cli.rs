//! The command line, as clap parses it: raw flags only. `app` turns them into actions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Runs the mail side of a consultation process: sends the invitations, reads the replies into a
/// register, reminds and reports.
#[derive(Debug, Parser)]
#[command(name = "samskap", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    /// The process's configuration file.
    #[arg(
        long,
        short = 'c',
        env = "SAMSKAP_CONFIG",
        default_value = "samskap.toml",
        global = true
    )]
    pub config: PathBuf,

    /// Where the register, the Maildirs and everything else the program writes are kept.
    #[arg(long, env = "SAMSKAP_DATA_DIR", default_value = "var", global = true)]
    pub data_dir: PathBuf,

    /// Act as if it were this moment (RFC 3339, e.g. 2022-06-15T10:00:00+02:00): for rehearsals
    /// and tests. Time moves on from there.
    #[arg(long, value_name = "RFC3339", global = true)]
    pub now: Option<String>,

    /// More log output (-v: debug, -vv: trace).
    #[arg(long, short = 'v', action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Only warnings and errors in the log.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

const AFTER_HELP: &str = "\
Exit status: 0 when all went well, 1 on a runtime failure (a server that cannot be reached, mail \
that could not be sent, another samskap writing to the data directory), 2 on bad usage or a \
broken configuration.

One process writes to a data directory at a time. While `samskap run` is running, the commands \
that write (send, ingest, review apply|dismiss, poll send|close, report send) hand their work to \
it and print its answer; the commands that only read work beside anything.

Logs go to standard error; set SAMSKAP_LOG (e.g. SAMSKAP_LOG=samskap=debug) for finer control. \
SAMSKAP_BUSY_TIMEOUT (default 10s) is how long a write waits for another program holding the \
register.";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Checks the configuration and templates; lists every problem with its file and key.
    Check {
        /// Also connect and log in to the configured SMTP and IMAP servers.
        #[arg(long)]
        connect: bool,
    },
    /// Shows a message as it would be sent, without sending anything.
    Preview {
        #[command(subcommand)]
        what: PreviewWhat,
    },
    /// Sends messages now.
    Send {
        #[command(subcommand)]
        what: SendWhat,
    },
    /// Runs the daemon: reads every reply into the register and sends what falls due, until
    /// SIGINT or SIGTERM.
    ///
    /// Replies are read from the IMAP inbox (`[imap]`, with IDLE) or, without one, from the local
    /// Maildir DATA/inbox; each becomes a register entry or a review item. What falls due: the
    /// invitations at `invitation.send_at`, confirmations, calendar invitations and updates,
    /// reminders, the date poll and its close, the weekly status, retries. `samskap plan` shows
    /// what is coming.
    Run {
        /// Read the inbox once and do everything due now, then exit (for cron-style deployments
        /// and tests).
        #[arg(long)]
        once: bool,
    },
    /// Shows where every organisation stands.
    Status {
        /// Machine-readable output, a stable interface for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Writes the register out for a spreadsheet or a script.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Reads saved messages (.eml files, folders of them, or Maildirs) as if they had arrived.
    Ingest {
        /// Files or folders to read.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Settles what the daemon would not decide alone.
    Review {
        #[command(subcommand)]
        what: Option<ReviewWhat>,
    },
    /// Shows what the daemon will do from --now on, when and to whom: reminders, the date poll,
    /// weekly statuses, meetings. Nothing is sent.
    Plan {
        /// Up to this date (YYYY-MM-DD, or RFC 3339); default 120 days ahead.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
    },
    /// The date poll for the meeting whose date is still open.
    Poll {
        #[command(subcommand)]
        what: PollWhat,
    },
    /// The weekly status e-mail to the coordinator.
    Report {
        #[command(subcommand)]
        what: ReportWhat,
    },
}

#[derive(Debug, Subcommand)]
pub enum PollWhat {
    /// The tally so far: who answered, and how many each slot suits.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Sends the poll now to everyone who should be asked and has not been.
    Send,
    /// Closes the poll now: chooses the slot that suits most (most yes, then fewest no, then
    /// most maybe, then the earliest), tells everyone asked and sends the calendar invitations.
    Close,
    /// Closes the poll now with the slot you choose (its number in `poll status`): to settle a
    /// tie, or when the date was decided otherwise. Tells everyone asked, sends the calendar
    /// invitations.
    Choose {
        /// The slot's number, from 1.
        number: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportWhat {
    /// Sends the weekly status now.
    Send,
    /// Shows the weekly status as it stands, without sending.
    Preview,
}

#[derive(Debug, Subcommand)]
pub enum ReviewWhat {
    /// The open items (with --all, the settled ones too).
    List {
        #[arg(long)]
        all: bool,
    },
    /// One item with the message it is about and what it would change.
    Show { id: i64 },
    /// Makes the changes the items propose.
    Apply {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Closes the items without changing anything.
    Dismiss {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PreviewWhat {
    /// The invitation to one organisation.
    Invitation(PreviewArgs),
    /// A reminder of the config (by its id) as one organisation would get it.
    Reminder {
        /// The reminder's id in `[[reminders]]`.
        id: String,
        #[command(flatten)]
        args: PreviewArgs,
    },
    /// The date poll as one organisation would get it.
    Poll(PreviewArgs),
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The organisation (default: the first in the config).
    #[arg(long, value_name = "ID")]
    pub org: Option<String>,
    /// The language (default: the organisation's).
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Which part to show.
    #[arg(long, value_enum, default_value = "text")]
    pub part: PartArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Nb,
    En,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PartArg {
    /// The main headers and the text part.
    Text,
    /// The HTML part alone.
    Html,
    /// The whole message as it would be sent (RFC 5322).
    Eml,
}

#[derive(Debug, Subcommand)]
pub enum SendWhat {
    /// The calendar invitations: to every registered attendee who has none yet, updates after a
    /// change of time or room, cancellations; `run` does the same on every round.
    Calendar,
    /// The invitations: each organisation gets one, exactly once, however often this runs.
    Invitations {
        /// Only this organisation (may be repeated).
        #[arg(long, value_name = "ID")]
        org: Vec<String>,
        /// Show what would be sent; send and record nothing.
        #[arg(long, conflicts_with = "queue_only")]
        dry_run: bool,
        /// Put them in the outbox (rendered, with their Message-IDs) without sending; `run`
        /// sends them. `status` shows them as pending meanwhile.
        #[arg(long)]
        queue_only: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// Every organisation with its invitation's state.
    Organisations {
        #[arg(long, value_enum, default_value = "csv")]
        format: FormatArg,
    },
    /// Who registered for which event, with attendees.
    Registrations {
        #[arg(long, value_enum, default_value = "csv")]
        format: FormatArg,
    },
    /// Each organisation's contact person.
    Contacts {
        #[arg(long, value_enum, default_value = "csv")]
        format: FormatArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Csv,
    Json,
}
