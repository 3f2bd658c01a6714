//! The transport stage: hands finished messages to the world. SMTP (with a pool and a rate limit)
//! or a local Maildir; optionally a copy of each sent message in the coordinator's Sent folder.
//!
//! A transport only moves bytes. Deciding what to send and remembering what was sent is the
//! outbox's job.

pub mod maildir;
pub mod ratelimit;
pub mod sent_copy;
pub mod smtp;

use std::fmt;
use std::future::Future;

use lettre::address::Envelope;

pub use maildir::MaildirTransport;
pub use smtp::SmtpTransport;

/// Whether a failure may go away by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// 4xx, a dropped connection, a timeout: try again later.
    Transient,
    /// 5xx or a message that cannot be sent as it is: do not try again.
    Permanent,
}

/// What a failure concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// This message: its recipient, its content.
    Message,
    /// The way to the server (cannot connect, TLS, login, "421 service not available", a full
    /// disk): every other message would fail the same way, and none of them is to blame.
    Connection,
}

/// A message that did not go out, with the server's words.
#[derive(Debug, Clone, thiserror::Error)]
pub struct SendError {
    pub severity: Severity,
    pub scope: Scope,
    /// The SMTP reply code, when the server gave one.
    pub code: Option<u16>,
    pub message: String,
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.code {
            Some(code) => write!(f, "{code} {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl SendError {
    /// Whether trying again later may succeed.
    pub fn is_transient(&self) -> bool {
        self.severity == Severity::Transient
    }

    /// Whether the failure is final.
    pub fn is_permanent(&self) -> bool {
        self.severity == Severity::Permanent
    }

    /// Whether the failure is the connection's, not the message's.
    pub fn is_connection(&self) -> bool {
        self.scope == Scope::Connection
    }

    /// A permanent failure of this message (an address that does not parse, say).
    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError {
            severity: Severity::Permanent,
            scope: Scope::Message,
            code: None,
            message: message.into(),
        }
    }

    /// A transient failure of this message without a reply code.
    pub fn transient(message: impl Into<String>) -> SendError {
        SendError {
            severity: Severity::Transient,
            scope: Scope::Message,
            code: None,
            message: message.into(),
        }
    }

    /// The way to the server failed.
    pub fn connection(severity: Severity, message: impl Into<String>) -> SendError {
        SendError {
            severity,
            scope: Scope::Connection,
            code: None,
            message: message.into(),
        }
    }

    /// The same error, as the connection's.
    pub fn of_connection(mut self) -> SendError {
        self.scope = Scope::Connection;
        self
    }
}

/// Something that delivers messages.
pub trait Transport: Send + Sync + 'static {
    /// Delivers `bytes` to the envelope's recipients; on success, the server's answer.
    fn send(
        &self,
        envelope: &Envelope,
        bytes: &[u8],
    ) -> impl Future<Output = Result<String, SendError>> + Send;

    /// Where messages go, for logs ("smtp mail.kdd.dep.no:587 (starttls)").
    fn describe(&self) -> String;

    /// Says goodbye to the server on connections kept open; sending again reconnects.
    fn close(&self) -> impl Future<Output = ()> + Send {
        async {}
    }
}

/// The configured transport.
pub enum AnyTransport {
    Smtp(Box<SmtpTransport>),
    Maildir(MaildirTransport),
}

impl Transport for AnyTransport {
    async fn send(&self, envelope: &Envelope, bytes: &[u8]) -> Result<String, SendError> {
        match self {
            AnyTransport::Smtp(t) => t.send(envelope, bytes).await,
            AnyTransport::Maildir(t) => t.send(envelope, bytes).await,
        }
    }

    fn describe(&self) -> String {
        match self {
            AnyTransport::Smtp(t) => t.describe(),
            AnyTransport::Maildir(t) => t.describe(),
        }
    }

    async fn close(&self) {
        match self {
            AnyTransport::Smtp(t) => t.close().await,
            AnyTransport::Maildir(t) => t.close().await,
        }
    }
}
