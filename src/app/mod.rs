//! The commands: each turns the parsed command line into calls on the stages and prints what a
//! coordinator or an operator needs to see. `main.rs` only sets up logging and calls [`run`].
//!
//! Commands that only read (`status`, `export`, `plan`, `preview`, `review list|show`,
//! `poll status`, `report preview`, `check`) work beside anything. Commands that write take the
//! data directory's lock ([`crate::data`]); while the daemon holds it, they hand their work to the
//! daemon instead ([`writing`]), and `run` refuses to start twice.

mod over_time;
mod writing;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::cli::{Cli, Command, ExportWhat, FormatArg, LangArg, PartArg, PreviewWhat, ReviewWhat, SendWhat};
use crate::clock::Clock;
use crate::config::{Config, ConfigError, Lang, OrgKind, Transport as TransportConfig};
use crate::data::{DataDir, DataError};
use crate::ops::{Request, io};
use crate::outbox;
use crate::outbox::invitation;
use crate::report;
use crate::shutdown;
use crate::transport::{SmtpTransport, Transport};

pub use crate::ops::AppError;
pub use writing::command_line;

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
        tracing::info!(now = %clock.now(), "rehearsal: acting as if it were --now");
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
                return send_dry_run(&config, &data, &org, &clock);
            }
            let then = if queue_only {
                writing::Then::Nothing
            } else {
                writing::Then::Invitations(org.clone())
            };
            writing::write(
                &config,
                &data,
                &clock,
                Request::SendInvitations { orgs: org },
                then,
            )
            .await
        }
        Command::Send {
            what: SendWhat::Calendar,
        } => {
            let config = Config::load(&cli.config)?;
            writing::write(&config, &data, &clock, Request::SendCalendar, writing::Then::Send).await
        }
        Command::Run { once } => {
            let config = Arc::new(Config::load(&cli.config)?);
            let lock = match data.lock(&command_line(), !once) {
                Ok(lock) => lock,
                Err(DataError::Held(holder)) => {
                    let advice = match (holder.daemon, once) {
                        (true, false) => format!(
                            "It is running already; to start it again, stop it first (`systemctl stop samskap`, or `kill {}`).",
                            holder.pid
                        ),
                        (true, true) => "The daemon already does everything `run --once` would; `samskap status` shows where things stand.".to_string(),
                        (false, _) => "Wait for that command to finish, then start this again.".to_string(),
                    };
                    return Err(AppError::Busy { holder, advice });
                }
                Err(e) => return Err(e.into()),
            };
            let (trigger, listener) = shutdown::channel();
            if !once {
                shutdown::on_signals(trigger.clone());
            }
            crate::daemon::run(config, &data, &lock, clock, once, listener).await
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
            // The daemon may be the one to read them: it needs paths that hold from anywhere.
            let mut absolute = Vec::new();
            for path in paths {
                absolute.push(std::path::absolute(&path).map_err(io(format!("find {}", path.display())))?);
            }
            writing::write(
                &config,
                &data,
                &clock,
                Request::Ingest { paths: absolute },
                writing::Then::Nothing,
            )
            .await
        }
        Command::Review { what } => {
            let config = Config::load(&cli.config)?;
            match what.unwrap_or(ReviewWhat::List { all: false }) {
                ReviewWhat::Apply { ids } => {
                    writing::write(
                        &config,
                        &data,
                        &clock,
                        Request::Review { ids, apply: true },
                        writing::Then::Send,
                    )
                    .await
                }
                ReviewWhat::Dismiss { ids } => {
                    writing::write(
                        &config,
                        &data,
                        &clock,
                        Request::Review { ids, apply: false },
                        writing::Then::Nothing,
                    )
                    .await
                }
                ReviewWhat::List { all } => review_list(&data, all),
                ReviewWhat::Show { id } => review_show(&data, id),
            }
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

/// `review list`: the items, open ones or all.
fn review_list(data: &DataDir, all: bool) -> Result<(), AppError> {
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

/// `review show ID`: one item with its message and what applying it would change.
fn review_show(data: &DataDir, id: i64) -> Result<(), AppError> {
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
            out.push_str(&format!("  - {}\n", action));
        }
    }
    out.push_str("\n--- the message ---\n");
    out.push_str(item.text.as_deref().unwrap_or(""));
    out.push('\n');
    stdout(&out)
}

pub(crate) fn stdout(text: &str) -> Result<(), AppError> {
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
    let drafted = over_time::draft_everything(&config, &secret, now);
    problems.extend(drafted.problems);
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
                crate::config::when::Timing::Cron { text, .. } => format!(", a weekly status ({text})"),
                _ => ", a weekly status".into(),
            },
            None => String::new(),
        },
        config.organisations.len() * 2,
        transport
    ))?;
    let capitals = drafted.capitals.iter().map(|c| c.to_string());
    for warning in check_warnings(&config).into_iter().chain(capitals) {
        eprintln!("{}: warning: {warning}", config.path.display());
    }
    if connect {
        check_connections(&config).await?;
    }
    Ok(())
}

/// What is valid but unsafe, for `check` to say.
fn check_warnings(config: &Config) -> Vec<String> {
    let mut warnings: Vec<String> = config
        .secrets()
        .into_iter()
        .filter_map(|auth| {
            auth.secret.exposure().map(|w| match auth.place.line {
                Some(line) => format!("line {line}: {}: {w}", auth.place.key),
                None => format!("{}: {w}", auth.place.key),
            })
        })
        .collect();
    if !crate::decide::authority::configured(&config.inbox) {
        warnings.push(
            "inbox: neither trusted_authserv_ids nor trust_exchange_online is set, so authority rests on the From header alone: anyone who writes \"From: someone@fin.dep.no\" changes FIN's record. Name the authserv-id of the server that receives the coordinator's mail, or set trust_exchange_online = true (README, \"Whose word counts\")."
                .into(),
        );
    }
    warnings
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
    // The register's own secret, made now before the first send: the token shown is the one
    // that will be sent.
    let secret = data.secret("samskap preview")?;
    let register = data.peek_register()?;
    let now = clock.now();
    let target = crate::standing::targets::Target {
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
            let dates = crate::standing::Dates::read(config, &register)?;
            let m = crate::schedule::reminder::compose(config, &secret, &dates, reminder, now, &target, now)?;
            (m.body, m.message_id)
        }
        Previewed::Poll => {
            if config.poll_candidates().is_none() {
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
    let plans = outbox::plan_invitations(config, &register, &orgs)?;
    // The drafts are rendered only to find a template that fails; none is shown, so no token
    // made from this secret is ever seen, and the dry run writes nothing.
    let secret = vec![0u8; 16];
    let mut would = Vec::new();
    let mut out = String::new();
    for (org, plan) in orgs.iter().zip(plans) {
        match plan {
            outbox::Planned::Existing(status) => out.push_str(&format!(
                "  {:8} {} ({}): already in the outbox, {}\n",
                "skip",
                org.id,
                org.address,
                status.as_str()
            )),
            outbox::Planned::New { key, bounced } => {
                // Render for real so a template failure shows now, not during the send.
                invitation::draft_keyed(config, org, &secret, org.lang, clock.now(), key)?;
                out.push_str(&format!(
                    "  {:8} {} ({}), in {}{}\n",
                    if bounced.is_some() { "again" } else { "send" },
                    org.id,
                    org.address,
                    org.lang.code(),
                    bounced
                        .map(|b| format!(": the invitation bounced at {b}"))
                        .unwrap_or_default()
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
    status.writer = data.holder().map(|h| report::status::Writer {
        pid: h.pid,
        command: h.command,
        daemon: h.daemon,
    });
    if let Some((event, slots)) = config.poll_candidates() {
        let answers = register.poll_answers(event)?;
        let result = register.poll_result(event)?;
        status.poll = Some(report::status::PollStatus {
            event: event.to_string(),
            asked: crate::poll::asked(&register)?.len(),
            answers: answers.len(),
            tally: crate::poll::tally(&answers, slots.len()).counts,
            maybe: crate::poll::tally(&answers, slots.len()).maybe,
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
