//! Sending what is in the outbox, as configured: the transport, the dispatcher with the pool's
//! size and the rate limit, the Sent folder to look in after an interrupted attempt, and the
//! copies to it.

use std::sync::Arc;

use tracing::{info, warn};

use super::{AppError, io};
use crate::clock::Clock;
use crate::config::{Config, Transport as TransportConfig};
use crate::data::DataDir;
use crate::outbox::dispatch::Dispatcher;
use crate::register::RegisterHandle;
use crate::transport::sent_copy::{self, CopyError, SentFolder};
use crate::transport::{AnyTransport, MaildirTransport, SmtpTransport};

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

/// The coordinator's Sent folder, whenever there is an `[imap]` section (the one it names, or
/// the one the server marks as such): where a message whose sending was interrupted is looked
/// for before it is sent again.
pub fn sent_folder(config: &Config) -> Option<Arc<SentFolder>> {
    if !matches!(config.transport, TransportConfig::Smtp(_)) {
        return None;
    }
    let imap = config.imap.as_ref()?;
    Some(Arc::new(SentFolder::new(imap, imap.sent_folder.as_deref())))
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
    let sent_folder = sent_folder(config);
    let server_files_copies = config
        .imap
        .as_ref()
        .is_some_and(|i| i.sent_copies == crate::config::SentCopies::Server);
    Dispatcher {
        register,
        transport: Arc::new(transport),
        clock,
        retry: config.retry,
        rate,
        concurrency,
        // Copies are appended only over SMTP, to a folder the config names.
        copy_to_sent: sent_folder.is_some()
            && config.imap.as_ref().is_some_and(|i| i.sent_folder.is_some())
            && !server_files_copies,
        sent_folder,
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
