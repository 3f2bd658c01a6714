//! samskap runs the mail side of a consultation process for the person who coordinates it:
//! invitations sent exactly once, replies read into a register, reminders, reports.
//!
//! # Layout
//!
//! The modules are the stages of a pipeline, passing values, never connections.
//!
//! - [`config`]: the process as the coordinator describes it (TOML), validated in two stages,
//!   every problem reported at once with its key; [`templates`] compiles the mail templates.
//! - Outbound: [`outbox`] decides what to send, renders it ([`outbox::letter`],
//!   [`outbox::compose`]), writes it to the register under an idempotency key
//!   ([`ident`]) before anything leaves, then drains what is due
//!   ([`outbox::dispatch`]) → [`transport`]: SMTP with a pool and a rate limit, or a local
//!   Maildir; a copy to the coordinator's Sent folder over IMAP.
//! - Inbound: [`inbox`] reads the coordinator's IMAP folder, the local Maildir or files →
//!   [`understand`] reads a message's bytes into what it means (class, the person's
//!   own text, facts, references), purely.
//!   → [`decide`] turns it into changes (or a review item), applied by the register.
//! - Over time: [`standing`] reads where the process stands (its dates, a snapshot of who is
//!   invited, registered, away, bounced, asked; the rules of who is reminded,
//!   [`standing::targets`]); [`calendar`] keeps attendees' calendars in step (iMIP), [`poll`]
//!   chooses the follow-up meeting's date by e-mail, [`report`] tells the coordinator; over them
//!   [`schedule`], the one orchestrator, says when (moments from the config,
//!   [`config::when`]), does each once, and tells the timeline ([`schedule::plan`]).
//! - [`register`]: the SQLite database that remembers everything, behind one handle.
//! - [`report`]: `status`, `export`, and the weekly status e-mail ([`report::weekly`]).
//! - Running: [`ops`] (what a coordinator can ask that changes the register, done the same way
//!   by a command or by the daemon on a command's behalf, and the sending set up as configured),
//!   [`daemon`] (`samskap run`), [`app`] (the commands, which hand their work to a running
//!   daemon), [`cli`] (the flags); [`data`] (the data directory: private, with one writer at a
//!   time by its lock).
//! - Infrastructure: [`clock`] (injected time), [`shutdown`], [`net`] (TLS, IMAP sessions),
//!   [`progress`] (a bar on a terminal), [`failpoint`] (crash points for the kill -9 tests).
//!
//! # Floors
//!
//! A module uses only modules on lower floors, never one beside it or above it: what two
//! modules of one floor both need moves down. `tests/floors.rs` holds the code to this table.
//!
//! | floor | modules |
//! |---|---|
//! | 14 | app |
//! | 13 | daemon, cli |
//! | 12 | ops |
//! | 11 | data |
//! | 10 | schedule |
//! | 9 | calendar, poll, report |
//! | 8 | standing |
//! | 7 | inbox |
//! | 6 | outbox |
//! | 5 | transport |
//! | 4 | register |
//! | 3 | decide |
//! | 2 | understand, net |
//! | 1 | config |
//! | 0 | clock, failpoint, shutdown, progress, templates, ident |

pub mod app;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod daemon;
pub mod data;
pub mod decide;
pub mod failpoint;
pub mod ident;
pub mod inbox;
pub mod net;
pub mod ops;
pub mod outbox;
pub mod poll;
pub mod progress;
pub mod register;
pub mod report;
pub mod schedule;
pub mod shutdown;
pub mod standing;
pub mod templates;
pub mod transport;
pub mod understand;
