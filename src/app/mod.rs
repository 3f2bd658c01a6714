//! The commands: each turns the parsed command line into calls on the stages and prints what a
//! coordinator or an operator needs to see. `main.rs` only sets up logging and calls [`run`].

mod over_time;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::{info, warn};

use crate::cli::{Cli, Command, ExportWhat, FormatArg, LangArg, PartArg, PreviewWhat, ReviewWhat, SendWhat};
use crate::clock::Clock;
use crate::config::{Config, ConfigError, Lang, OrgKind, Transport as TransportConfig};
use crate::outbox::dispatch::{Dispatcher, DrainReport, Until};
use crate::outbox::invitation::{self, DraftError};
use crate::outbox::{self, EnqueueError};
use crate::register::{Register, RegisterError, RegisterHandle};
use crate::report;
use crate::shutdown;
use crate::transport::sent_copy::{self, CopyError};
use crate::transport::smtp::SmtpSetupError;
use crate::transport::{AnyTransport, MaildirTransport, SmtpTransport, Transport};

/// Why a command did not succeed; [`AppError::exit_code`] maps it to the exit status.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The command line was wrong.
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Register(#[from] RegisterError),
    #[error(transparent)]
    Enqueue(#[from] EnqueueError),
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Calendar(#[from] crate::calendar::CalendarError),
    #[error(transparent)]
    Schedule(#[from] crate::schedule::ScheduleError),
    #[error(transparent)]
    Smtp(#[from] SmtpSetupError),
    #[error(transparent)]
    SentCopy(#[from] CopyError),
    #[error("cannot {what}: {source}")]
    Io { what: String, source: std::io::Error },
    /// The command ran, but not everything it was asked to do is done.
    #[error("{0}")]
    Incomplete(String),
}

impl AppError {
    /// 2 for bad usage or config, 1 for everything that went wrong at run time.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Usage(_) | AppError::Config(_) => 2,
            _ => 1,
        }
    }
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> AppError {
    let what = what.into();
    move |source| AppError::Io { what, source }
}

/// Where things live under the data directory.
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The data directory at `root`.
    pub fn new(root: &Path) -> DataDir {
        DataDir {
            root: root.to_path_buf(),
        }
    }

    /// The register's database file.
    pub fn register(&self) -> PathBuf {
        self.root.join("samskap.db")
    }

    /// The Maildir of the embedded transport.
    pub fn outbox(&self) -> PathBuf {
        self.root.join("outbox")
    }

    /// The Maildir read as the inbox when no IMAP server is configured.
    pub fn inbox(&self) -> PathBuf {
        self.root.join("inbox")
    }

    /// Creates the directory and opens (creating) the register.
    pub fn open_register(&self) -> Result<Register, AppError> {
        std::fs::create_dir_all(&self.root)
            .map_err(io(format!("create the data directory {}", self.root.display())))?;
        Ok(Register::open(&self.register())?)
    }

    /// Opens the register if it exists, else an empty one in memory; never writes to disk.
    pub fn peek_register(&self) -> Result<Register, AppError> {
        if self.register().exists() {
            Ok(Register::open(&self.register())?)
        } else {
            Ok(Register::open_in_memory()?)
        }
    }
}

/// Runs the command line.
pub async fn run(cli: Cli) -> Result<(), AppError> {
    let clock = match &cli.now {
        None => Clock::System,
        Some(text) => {
            let anchor = DateTime::parse_from_rfc3339(text).map_err(|e| {
                AppError::Usage(format!(
                    "--now {text:?} is not an RFC 3339 time ({e}); write e.g. 2022-06-15T10:00:00+02:00"
                ))
            })?;
            Clock::starting_at(anchor.with_timezone(&Utc))
        }
    };
    if clock.is_rehearsal() {
        info!(now = %clock.now(), "rehearsal: acting as if it were --now");
    }
    let data = DataDir::new(&cli.data_dir);
    match cli.command {
        Command::Check { connect } => check(&cli.config, &data, connect, &clock).await,
        Command::Preview { what } => {
            let config = Config::load(&cli.config)?;
            let (kind, args) = match what {
                PreviewWhat::Invitation(args) => (Previewed::Invitation, args),
                PreviewWhat::Reminder { id, args } => (Previewed::Reminder(id), args),
                PreviewWhat::Poll(args) => (Previewed::Poll, args),
            };
            preview(
                &config,
                &data,
                kind,
                args.org.as_deref(),
                args.lang,
                args.part,
                &clock,
            )
        }
        Command::Send {
            what:
                SendWhat::Invitations {
                    org,
                    dry_run,
                    queue_only,
                },
        } => {
            let config = Config::load(&cli.config)?;
            outbox::select(&config, &org).map_err(|e| AppError::Usage(e.to_string()))?;
            if dry_run {
                send_dry_run(&config, &data, &org, &clock)
            } else {
                send_invitations(&config, &data, &org, &clock, queue_only).await
            }
        }
        Command::Send {
            what: SendWhat::Calendar,
        } => {
            let config = Config::load(&cli.config)?;
            send_calendar(&config, &data, &clock).await
        }
        Command::Run { once } => {
            let config = Arc::new(Config::load(&cli.config)?);
            let (trigger, listener) = shutdown::channel();
            if !once {
                shutdown::on_signals(trigger.clone());
            }
            crate::daemon::run(config, &data, clock, once, listener).await
        }
        Command::Status { json } => {
            let config = Config::load(&cli.config)?;
            status(&config, &data, json)
        }
        Command::Export { what } => {
            let _config = Config::load(&cli.config)?;
            export(&data, what)
        }
        Command::Ingest { paths } => {
            let config = Config::load(&cli.config)?;
            ingest(&config, &data, &paths, &clock)
        }
        Command::Review { what } => {
            let _config = Config::load(&cli.config)?;
            review(&data, what.unwrap_or(ReviewWhat::List { all: false }), &clock)
        }
        Command::Plan { until, json } => {
            let config = Config::load(&cli.config)?;
            over_time::plan(&config, &data, &clock, until.as_deref(), json)
        }
        Command::Poll { what } => {
            let config = Config::load(&cli.config)?;
            over_time::poll(&config, &data, &clock, what).await
        }
        Command::Report { what } => {
            let config = Config::load(&cli.config)?;
            over_time::report(&config, &data, &clock, what).await
        }
    }
}

/// Opens the register for `config`'s process and brings its organisations up to date.
pub fn prepare_register(config: &Config, data: &DataDir, now: DateTime<Utc>) -> Result<Register, AppError> {
    let mut register = data.open_register()?;
    register.claim_process(&config.process.id)?;
    let secret = register.secret()?;
    register.sync_organisations(&invitation::org_sync(config, &secret), now)?;
    Ok(register)
}

fn ingest(config: &Config, data: &DataDir, paths: &[PathBuf], clock: &Clock) -> Result<(), AppError> {
    for path in paths {
        if !path.exists() {
            return Err(AppError::Usage(format!("{} does not exist", path.display())));
        }
    }
    let messages = crate::inbox::files::collect(paths).map_err(io("read the messages to ingest"))?;
    let mut register = prepare_register(config, data, clock.now())?;
    let ctx = crate::understand::Context::from_config(config);
    let mut tally = crate::inbox::Tally::default();
    for message in &messages {
        // A file bigger than the limit is known by its header only, whatever its size.
        let incoming = crate::inbox::files::read(&message.path, config.inbox.max_message_size)
            .map_err(io(format!("read {}", message.path.display())))?;
        let processed = crate::inbox::process_incoming(
            &mut register,
            config,
            &ctx,
            &message.location,
            &incoming,
            clock.now(),
        )?;
        tally.add(&processed);
    }
    stdout(&format!(
        "Read {} message(s): {} applied, {} to review, {} recorded, {} not about the process; {} read before, {} duplicates.\n",
        tally.read,
        tally.applied,
        tally.review,
        tally.recorded,
        tally.ignored,
        tally.already_seen,
        tally.duplicates
    ))?;
    if tally.review > 0 {
        stdout("See `samskap review` for what needs a person.\n")?;
    }
    Ok(())
}

fn describe_action(action: &crate::decide::Action) -> String {
    use crate::decide::Action;
    match action {
        Action::CreateNgo {
            id,
            address,
            referred_by,
            ..
        } => format!(
            "add the organisation {id} <{address}>{}",
            referred_by
                .as_ref()
                .map(|r| format!(", referred by {r}"))
                .unwrap_or_default()
        ),
        Action::SetRegistration {
            org,
            event,
            status,
            attendees,
            count,
            late,
            replace,
        } => {
            let people: Vec<String> = attendees
                .iter()
                .map(|a| {
                    format!(
                        "{}{}",
                        a.name.clone().unwrap_or_default(),
                        a.email.as_ref().map(|e| format!(" <{e}>")).unwrap_or_default()
                    )
                })
                .collect();
            format!(
                "{org}: {status} for {event}{}{}{}{}",
                count.map(|c| format!(", {c} coming")).unwrap_or_default(),
                if people.is_empty() {
                    String::new()
                } else {
                    format!(": {}", people.join(", "))
                },
                if *late { " (late)" } else { "" },
                if *replace {
                    " (replacing the earlier answer)"
                } else {
                    ""
                }
            )
        }
        Action::SetAttendance {
            org,
            event,
            person,
            answer,
            delegate,
            late,
        } => format!(
            "{org}: {} {answer} {event}{}{}",
            person
                .email
                .clone()
                .or_else(|| person.name.clone())
                .unwrap_or_default(),
            delegate
                .as_ref()
                .and_then(|d| d.email.clone())
                .map(|d| format!(" to {d}"))
                .unwrap_or_default(),
            if *late { " (late)" } else { "" }
        ),
        Action::PollAnswer {
            org,
            event,
            address,
            yes,
            no,
        } => format!("{org}: {address} answers the {event} poll: suits {yes:?}, not {no:?}"),
        Action::SetContact {
            org,
            name,
            email,
            phone,
        } => format!(
            "{org}: contact person {}",
            [name.clone(), email.clone(), phone.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Action::Bounce {
            recipient,
            status,
            hard,
            ..
        } => format!(
            "bounce of {recipient} {} ({})",
            status.clone().unwrap_or_default(),
            if *hard { "address dead" } else { "may pass" }
        ),
        Action::AutoReply {
            address, returns_on, ..
        } => format!(
            "automatic reply from {address}{}",
            returns_on.map(|d| format!(", back {d}")).unwrap_or_default()
        ),
        Action::Review { reason, .. } => format!("review: {reason}"),
        Action::Confirm { to, .. } => format!("confirm to {to}"),
    }
}

fn review(data: &DataDir, what: ReviewWhat, clock: &Clock) -> Result<(), AppError> {
    match what {
        ReviewWhat::List { all } => {
            let register = data.peek_register()?;
            let items = register.review_items(all)?;
            if items.is_empty() {
                return stdout("Nothing to review.\n");
            }
            let mut out = String::new();
            for item in items {
                out.push_str(&format!(
                    "#{:<4} {:<8} {:<16} {}\n      from {} – {}\n",
                    item.id,
                    item.status,
                    item.org_id.as_deref().unwrap_or("-"),
                    item.reason,
                    item.sender.as_deref().unwrap_or("?"),
                    item.subject.as_deref().unwrap_or("")
                ));
            }
            out.push_str("`samskap review show ID` shows one; `review apply ID` makes its changes; `review dismiss ID` closes it.\n");
            stdout(&out)
        }
        ReviewWhat::Show { id } => {
            let register = data.peek_register()?;
            let Some(item) = register.review_item(id)? else {
                return Err(AppError::Usage(format!("there is no review item {id}")));
            };
            let mut out = format!(
                "Review item #{} ({}), {}\nOrganisation: {}\nWhy: {}\nFrom: {}\nSubject: {}\nMessage-ID: {}\n",
                item.id,
                item.status,
                item.created_at,
                item.org_id.as_deref().unwrap_or("-"),
                item.reason,
                item.sender.as_deref().unwrap_or("?"),
                item.subject.as_deref().unwrap_or(""),
                item.message_id.as_deref().unwrap_or("-")
            );
            if item.proposal.is_empty() {
                out.push_str("\nApplying it changes nothing; it is for a person to answer.\n");
            } else {
                out.push_str("\nApplying it would:\n");
                for action in &item.proposal {
                    out.push_str(&format!("  - {}\n", describe_action(action)));
                }
            }
            out.push_str("\n--- the message ---\n");
            out.push_str(item.text.as_deref().unwrap_or(""));
            out.push('\n');
            stdout(&out)
        }
        ReviewWhat::Apply { ids } => settle(data, &ids, true, clock),
        ReviewWhat::Dismiss { ids } => settle(data, &ids, false, clock),
    }
}

fn settle(data: &DataDir, ids: &[i64], apply: bool, clock: &Clock) -> Result<(), AppError> {
    let mut register = data.open_register()?;
    let mut out = String::new();
    for id in ids {
        let item = register.settle_review(*id, apply, clock.now())?;
        out.push_str(&format!("#{id}: {}\n", item.status));
        for action in item.proposal.iter().filter(|_| apply) {
            out.push_str(&format!("  - {}\n", describe_action(action)));
        }
    }
    stdout(&out)
}

fn stdout(text: &str) -> Result<(), AppError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(io("write to standard output"))
}

async fn check(path: &Path, data: &DataDir, connect: bool, clock: &Clock) -> Result<(), AppError> {
    let config = Config::load(path)?;
    let mut problems = Vec::new();
    // Render every invitation once: a template that compiles can still fail on real data.
    let register = data.peek_register()?;
    let secret = if register.path().exists() {
        register
            .meta("secret")?
            .and_then(|hex| data_encoding::HEXLOWER.decode(hex.as_bytes()).ok())
    } else {
        None
    }
    .unwrap_or_else(|| vec![0; 16]);
    let now = clock.now();
    for org in &config.organisations {
        for lang in [Lang::Nb, Lang::En] {
            if let Err(e) = invitation::draft(&config, org, &secret, lang, now) {
                problems.push(e.to_string());
            }
        }
    }
    problems.extend(over_time::draft_everything(&config, &secret, now));
    let mut problems: Vec<crate::config::Problem> = problems
        .into_iter()
        .map(|message| config.problem_at(&Default::default(), message))
        .collect();
    for auth in config.secrets() {
        if let Err(e) = auth.secret.check_available() {
            problems.push(config.problem_at(&auth.place, e));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Config(ConfigError {
            path: config.path.clone(),
            problems,
        }));
    }
    let ministries = config
        .organisations
        .iter()
        .filter(|o| o.kind == OrgKind::Ministry)
        .count();
    let transport = match &config.transport {
        TransportConfig::Maildir => format!("maildir {}", data.outbox().display()),
        TransportConfig::Smtp(s) => format!("smtp {}:{} ({})", s.host, s.port, s.tls.as_str()),
    };
    stdout(&format!(
        "{} is valid: process {}, {} organisations ({} ministries, {} NGOs), {} events, {} deadlines, {} reminders{}{}; {} invitations and a sample of every other message rendered; mail goes by {}.\n",
        config.path.display(),
        config.process.id,
        config.organisations.len(),
        ministries,
        config.organisations.len() - ministries,
        config.events.len(),
        config.deadlines.len(),
        config.schedule.reminders.len(),
        config
            .schedule
            .poll
            .as_ref()
            .map(|p| format!(", a date poll for {}", p.event))
            .unwrap_or_default(),
        match &config.schedule.report {
            Some(r) => match &r.timing {
                crate::schedule::when::Timing::Cron { text, .. } => format!(", a weekly status ({text})"),
                _ => ", a weekly status".into(),
            },
            None => String::new(),
        },
        config.organisations.len() * 2,
        transport
    ))?;
    if connect {
        check_connections(&config).await?;
    }
    Ok(())
}

async fn check_connections(config: &Config) -> Result<(), AppError> {
    let mut failed = Vec::new();
    match &config.transport {
        TransportConfig::Maildir => stdout("smtp: not used (the maildir transport needs no server)\n")?,
        TransportConfig::Smtp(smtp) => match SmtpTransport::new(smtp).await {
            Ok(transport) => match transport.check().await {
                Ok(()) => stdout(&format!("{}: ok\n", transport.describe()))?,
                Err(e) => {
                    stdout(&format!("{}: FAILED: {e}\n", transport.describe()))?;
                    failed.push("smtp");
                }
            },
            Err(e) => {
                stdout(&format!("smtp: FAILED: {e}\n"))?;
                failed.push("smtp");
            }
        },
    }
    match &config.imap {
        None => stdout("imap: not configured\n")?,
        Some(imap) => {
            let label = format!(
                "imap {}:{} ({}) as {}",
                imap.host,
                imap.port,
                imap.tls.as_str(),
                imap.auth.user
            );
            match crate::net::imap::connect(imap).await {
                Ok(mut session) => {
                    let mut line = format!("{label}: ok");
                    if let Some(folder) = &imap.sent_folder {
                        match session.select(folder).await {
                            Ok(mailbox) => line.push_str(&format!(
                                "; Sent folder {folder:?} has {} messages",
                                mailbox.exists
                            )),
                            Err(e) => {
                                line.push_str(&format!("; FAILED to open the Sent folder {folder:?}: {e}"));
                                failed.push("imap sent folder");
                            }
                        }
                    }
                    let _ = session.logout().await;
                    stdout(&format!("{line}\n"))?;
                }
                Err(e) => {
                    stdout(&format!("{label}: FAILED: {e}\n"))?;
                    failed.push("imap");
                }
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(AppError::Incomplete(format!("cannot use: {}", failed.join(", "))))
    }
}

/// What `preview` shows.
enum Previewed {
    Invitation,
    Reminder(String),
    Poll,
}

fn preview(
    config: &Config,
    data: &DataDir,
    kind: Previewed,
    org: Option<&str>,
    lang: Option<LangArg>,
    part: PartArg,
    clock: &Clock,
) -> Result<(), AppError> {
    let org = match org {
        Some(id) => config.organisation(id).ok_or_else(|| {
            AppError::Usage(format!(
                "no organisation in {} has the id {id:?}",
                config.path.display()
            ))
        })?,
        None => config
            .organisations
            .first()
            .ok_or_else(|| AppError::Usage("the config lists no organisations".into()))?,
    };
    let lang = match lang {
        Some(LangArg::Nb) => Lang::Nb,
        Some(LangArg::En) => Lang::En,
        None => org.lang,
    };
    let mut register = data.peek_register()?;
    // A register on disk is only read: its secret gives the real tokens; without one the tokens
    // shown are examples.
    let secret = match register.meta("secret")? {
        Some(hex) => data_encoding::HEXLOWER.decode(hex.as_bytes()).unwrap_or_default(),
        None => register.secret()?,
    };
    let now = clock.now();
    let target = crate::schedule::targets::Target {
        org_id: org.id.clone(),
        org_name: match lang {
            Lang::En => org.name_en.clone().unwrap_or_else(|| org.name.clone()),
            Lang::Nb => org.name.clone(),
        },
        address: org.address.to_string(),
        name: None,
        lang,
        note: None,
    };
    let (bytes, message_id) = match kind {
        Previewed::Invitation => {
            let draft = invitation::draft(config, org, &secret, lang, now)?;
            (draft.composed.bytes, draft.composed.message_id)
        }
        Previewed::Reminder(id) => {
            let reminder = config
                .schedule
                .reminders
                .iter()
                .find(|r| r.id == id)
                .ok_or_else(|| {
                    let ids: Vec<&str> = config.schedule.reminders.iter().map(|r| r.id.as_str()).collect();
                    AppError::Usage(format!(
                        "no reminder has the id {id:?} (there are: {})",
                        ids.join(", ")
                    ))
                })?;
            let dates = crate::schedule::Dates::read(config, &register)?;
            let m = crate::schedule::reminder::compose(config, &secret, &dates, reminder, now, &target, now)?;
            (m.body, m.message_id)
        }
        Previewed::Poll => {
            if crate::poll::candidates(config).is_none() {
                return Err(AppError::Usage("there is no [poll] in the config".into()));
            }
            let m = crate::poll::compose(config, &secret, &target, crate::poll::KIND, None, now)?;
            (m.body, m.message_id)
        }
    };
    let draft_bytes = bytes;
    let parsed = mail_parser::MessageParser::default()
        .parse(&draft_bytes)
        .ok_or_else(|| AppError::Incomplete("the composed message does not parse".into()))?;
    let text = match part {
        PartArg::Eml => String::from_utf8_lossy(&draft_bytes).into_owned(),
        PartArg::Html => parsed.body_html(0).map(|h| h.into_owned()).unwrap_or_default(),
        PartArg::Text => {
            let address = |list: Option<&mail_parser::Address<'_>>| {
                list.and_then(|a| a.first())
                    .map(|a| match (a.name(), a.address()) {
                        (Some(n), Some(e)) => format!("{n} <{e}>"),
                        (None, Some(e)) => e.to_string(),
                        _ => String::new(),
                    })
                    .unwrap_or_default()
            };
            format!(
                "From: {}\nTo: {}\nReply-To: {}\nSubject: {}\nMessage-ID: <{}>\nContent-Language: {}\n\n{}",
                address(parsed.from()),
                address(parsed.to()),
                address(parsed.reply_to()),
                parsed.subject().unwrap_or(""),
                message_id,
                lang.code(),
                parsed.body_text(0).unwrap_or_default()
            )
        }
    };
    stdout(&text)
}

fn send_dry_run(
    config: &Config,
    data: &DataDir,
    selection: &[String],
    clock: &Clock,
) -> Result<(), AppError> {
    let orgs = outbox::select(config, selection)?;
    let register = data.peek_register()?;
    let keys: Vec<String> = orgs
        .iter()
        .map(|o| invitation::key(config, &o.id).as_string())
        .collect();
    let known = register.outbox_status(&keys)?;
    let secret = vec![0u8; 16];
    let mut would = Vec::new();
    let mut out = String::new();
    for (org, key) in orgs.iter().zip(&keys) {
        match known.get(key) {
            Some(status) => out.push_str(&format!(
                "  {:8} {} ({}): already in the outbox, {}\n",
                "skip",
                org.id,
                org.address,
                status.as_str()
            )),
            None => {
                // Render for real so a template failure shows now, not during the send.
                invitation::draft(config, org, &secret, org.lang, clock.now())?;
                out.push_str(&format!(
                    "  {:8} {} ({}), in {}\n",
                    "send",
                    org.id,
                    org.address,
                    org.lang.code()
                ));
                would.push(org.id.clone());
            }
        }
    }
    stdout(&format!(
        "Dry run: {} invitation(s) would be sent, {} already in the outbox; nothing was sent or recorded.\n{out}",
        would.len(),
        orgs.len() - would.len()
    ))
}

/// Builds the configured transport.
pub async fn transport(config: &Config, data: &DataDir) -> Result<AnyTransport, AppError> {
    Ok(match &config.transport {
        TransportConfig::Maildir => AnyTransport::Maildir(
            MaildirTransport::open(&data.outbox())
                .map_err(io(format!("create the Maildir {}", data.outbox().display())))?,
        ),
        TransportConfig::Smtp(smtp) => AnyTransport::Smtp(Box::new(SmtpTransport::new(smtp).await?)),
    })
}

/// The dispatcher for the configured transport.
pub fn dispatcher(
    config: &Config,
    register: RegisterHandle,
    transport: AnyTransport,
    clock: Clock,
    progress: indicatif::ProgressBar,
) -> Dispatcher<AnyTransport> {
    let (rate, concurrency) = match &config.transport {
        TransportConfig::Smtp(s) => (s.rate, s.connections as usize),
        TransportConfig::Maildir => (crate::config::Rate::Unlimited, 1),
    };
    let copy_to_sent = matches!(config.transport, TransportConfig::Smtp(_))
        && config.imap.as_ref().is_some_and(|i| i.sent_folder.is_some());
    Dispatcher {
        register,
        transport: Arc::new(transport),
        clock,
        retry: config.retry,
        rate,
        concurrency,
        copy_to_sent,
        progress,
    }
}

/// Copies what was sent to the Sent folder, if configured; a failure is logged, the copies stay
/// pending for the next run.
pub async fn copy_to_sent(config: &Config, register: &RegisterHandle) -> Option<CopyError> {
    let imap = config.imap.as_ref()?;
    let folder = imap.sent_folder.as_deref()?;
    match sent_copy::copy_pending(imap, folder, register).await {
        Ok(report) => {
            if report.appended + report.present > 0 {
                info!(
                    appended = report.appended,
                    already_there = report.present,
                    folder,
                    "Sent folder up to date"
                );
            }
            None
        }
        Err(e) => {
            warn!(error = %e, "copies to the Sent folder are left for the next run");
            Some(e)
        }
    }
}

async fn send_invitations(
    config: &Config,
    data: &DataDir,
    selection: &[String],
    clock: &Clock,
    queue_only: bool,
) -> Result<(), AppError> {
    let mut register = data.open_register()?;
    let enqueued = outbox::enqueue_invitations(config, &mut register, selection, clock.now())?;
    info!(
        new = enqueued.new.len(),
        already = enqueued.existing.len(),
        "invitations in the outbox"
    );
    if queue_only {
        return stdout(&format!(
            "Invitations: {} put in the outbox, {} there already; `samskap run` sends them.\n",
            enqueued.new.len(),
            enqueued.existing.len()
        ));
    }
    let handle = RegisterHandle::new(register);
    let (report, copy_error) = drain_now(config, data, clock, &handle).await?;
    let summary = summarise(config, &handle, selection, &report).await;
    drop(handle);
    let (text, complete) = summary?;
    stdout(&text)?;
    if report.interrupted {
        return Err(AppError::Incomplete(
            "interrupted: the rest stays in the outbox; run `samskap send invitations` again to continue"
                .into(),
        ));
    }
    if let Some(e) = copy_error {
        return Err(e.into());
    }
    if complete {
        Ok(())
    } else {
        Err(AppError::Incomplete(
            "not every invitation was sent: see above".into(),
        ))
    }
}

/// `send calendar`: brings the calendar invitations up to date, then sends what is due.
async fn send_calendar(config: &Config, data: &DataDir, clock: &Clock) -> Result<(), AppError> {
    let mut register = prepare_register(config, data, clock.now())?;
    let report = crate::calendar::sync(config, &mut register, clock.now())?;
    for q in &report.queued {
        info!(org = %q.org, event = %q.event, method = q.method, to = %q.address, "calendar object put in the outbox");
    }
    let mut text = format!(
        "Calendar: {} object{} put in the outbox",
        report.queued.len(),
        if report.queued.len() == 1 { "" } else { "s" }
    );
    if !report.queued.is_empty() {
        text.push(':');
        for q in &report.queued {
            text.push_str(&format!(
                "\n  {}: {} to {} ({})",
                q.event, q.method, q.address, q.org
            ));
        }
    }
    send_due(config, data, clock, register, text).await
}

/// Sends what is due in the outbox now, with a progress bar on a terminal, until it is sent or
/// has failed (waiting `retry.wait_in_command` for retries) or SIGINT; then copies to Sent.
async fn drain_now(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    handle: &RegisterHandle,
) -> Result<(DrainReport, Option<CopyError>), AppError> {
    let due_now = {
        let now = clock.now();
        handle.call(move |r| r.count_due(now)).await?
    };
    let transport = transport(config, data).await?;
    info!(transport = %transport.describe(), due = due_now, "sending");
    let bar = crate::progress::bar(due_now, "sending");
    let dispatcher = dispatcher(config, handle.clone(), transport, *clock, bar.clone());
    let (trigger, mut listener) = shutdown::channel();
    shutdown::on_signals(trigger);
    let report = dispatcher
        .drain(
            Until::Settled {
                wait: config.retry.wait_in_command,
            },
            &mut listener,
        )
        .await;
    crate::progress::finish(&bar);
    let report = report?;
    let copy_error = copy_to_sent(config, handle).await;
    Ok((report, copy_error))
}

/// Sends everything due in `register`'s outbox now, then prints `summary` and how the sending
/// went; an error when not everything went.
pub(crate) async fn send_due(
    config: &Config,
    data: &DataDir,
    clock: &Clock,
    register: Register,
    summary: String,
) -> Result<(), AppError> {
    let handle = RegisterHandle::new(register);
    let (drained, copy_error) = drain_now(config, data, clock, &handle).await?;
    drop(handle);
    let mut text = summary;
    text.push_str(&format!(
        "\nSent {}, failed {}, waiting for a retry {}.\n",
        drained.sent, drained.failed, drained.retrying
    ));
    stdout(&text)?;
    if let Some(e) = copy_error {
        return Err(e.into());
    }
    if drained.failed > 0 || drained.retrying > 0 || drained.interrupted {
        return Err(AppError::Incomplete(
            "not everything due was sent: see above".into(),
        ));
    }
    Ok(())
}

/// The summary of a send for the selected organisations, and whether all of them are sent.
async fn summarise(
    config: &Config,
    register: &RegisterHandle,
    selection: &[String],
    report: &DrainReport,
) -> Result<(String, bool), AppError> {
    let states = register.call(|r| r.invitation_states()).await?;
    let orgs = outbox::select(config, selection)?;
    let mut sent = 0;
    let mut pending = Vec::new();
    let mut failed = Vec::new();
    for org in &orgs {
        match states
            .get(&org.id)
            .map(|s| report::status::invitation_word(Some(s)))
        {
            Some("sent") => sent += 1,
            Some("failed") | Some("bounced") => {
                let error = states
                    .get(&org.id)
                    .and_then(|s| s.error.clone())
                    .unwrap_or_default();
                failed.push(format!("  failed   {} ({}): {error}", org.id, org.address));
            }
            _ => {
                let error = states
                    .get(&org.id)
                    .and_then(|s| s.error.clone())
                    .unwrap_or_default();
                pending.push(format!("  waiting  {} ({}): {error}", org.id, org.address));
            }
        }
    }
    let mut text = format!(
        "Invitations: {} of {} sent ({} just now{}), {} failed, {} waiting to be retried.\n",
        sent,
        orgs.len(),
        report.sent,
        if report.resumed > 0 {
            format!(", {} of them resumed after an interruption", report.resumed)
        } else {
            String::new()
        },
        failed.len(),
        pending.len()
    );
    for line in failed.iter().chain(&pending) {
        text.push_str(line);
        text.push('\n');
    }
    if let Some(error) = &report.connection_error {
        text.push_str(&format!(
            "The mail server could not be used: {error}\nNothing was lost or marked failed.\n"
        ));
    }
    if !pending.is_empty() {
        text.push_str(
            "Waiting invitations are sent by `samskap run` (or this command again) when they fall due.\n",
        );
    }
    Ok((text, failed.is_empty() && pending.is_empty()))
}

fn status(config: &Config, data: &DataDir, json: bool) -> Result<(), AppError> {
    let register = data.peek_register()?;
    // Organisations added to the config since the last send are shown too, as pending.
    let listed: Vec<(String, String, String)> = config
        .organisations
        .iter()
        .map(|o| (o.id.clone(), o.name.clone(), o.kind.as_str().to_string()))
        .collect();
    let mut status = report::status::build(&register, &config.process.id, &listed)?;
    status.event_ids = config.events.iter().map(|e| e.id.clone()).collect();
    if let Some((event, slots)) = crate::poll::candidates(config) {
        let answers = register.poll_answers(event)?;
        let result = register.poll_result(event)?;
        status.poll = Some(report::status::PollStatus {
            event: event.to_string(),
            answers: answers.len(),
            tally: crate::poll::tally(&answers, slots.len()).counts,
            chosen: result.as_ref().map(|r| r.chosen),
            closed_at: result.map(|r| r.closed_at.to_rfc3339()),
        });
    }
    if json {
        let mut text =
            serde_json::to_string_pretty(&status).map_err(|e| AppError::Incomplete(e.to_string()))?;
        text.push('\n');
        stdout(&text)
    } else {
        let title = format!(
            "{} – {}",
            config.process.id.to_uppercase(),
            config.process.name.nb
        );
        stdout(&status.to_text(&title, config.process.timezone))
    }
}

fn export(data: &DataDir, what: ExportWhat) -> Result<(), AppError> {
    let register = data.peek_register()?;
    fn write<T: serde::Serialize>(rows: &[T], format: FormatArg) -> Result<String, AppError> {
        Ok(match format {
            FormatArg::Json => {
                let mut text =
                    serde_json::to_string_pretty(rows).map_err(|e| AppError::Incomplete(e.to_string()))?;
                text.push('\n');
                text
            }
            FormatArg::Csv => {
                report::export::to_csv(rows).map_err(|e| AppError::Incomplete(e.to_string()))?
            }
        })
    }
    let text = match what {
        ExportWhat::Organisations { format } => write(&report::export::organisations(&register)?, format)?,
        ExportWhat::Registrations { format } => write(&report::export::registrations(&register)?, format)?,
        ExportWhat::Contacts { format } => write(&report::export::contacts(&register)?, format)?,
    };
    stdout(&text)
}
