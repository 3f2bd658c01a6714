//! A copy of every sent message in the coordinator's Sent folder, over IMAP, exactly once: the
//! folder is searched for the Message-ID before each APPEND, so a crash between the APPEND and
//! its record in the register never leaves two copies (nor a copy beside the one a server such
//! as Exchange Online files itself). The same search tells, after a crash, whether a message
//! whose sending was interrupted reached the server ([`SentFolder::holds`]).

use futures::StreamExt;
use tracing::{info, warn};

use crate::config::ImapConfig;
use crate::net::imap::{self, ImapError};
use crate::register::{RegisterError, RegisterHandle};

/// What a round of copying did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CopyReport {
    pub appended: u64,
    /// Found in the folder already (a previous run appended it, then stopped).
    pub present: u64,
}

/// Copying stopped.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error("imap: cannot {step} in {folder}: {reason}")]
    Folder {
        step: &'static str,
        folder: String,
        reason: String,
    },
    #[error(transparent)]
    Register(#[from] RegisterError),
}

/// The coordinator's Sent folder, to look in: the one the config names, or else the one the
/// server marks `\Sent` (RFC 6154), which Exchange Online's "Sent Items" and most servers' are.
#[derive(Debug, Clone)]
pub struct SentFolder {
    imap: ImapConfig,
    folder: Option<String>,
}

impl SentFolder {
    /// The folder `folder` of the IMAP account `imap`, or its `\Sent` folder.
    pub fn new(imap: &ImapConfig, folder: Option<&str>) -> SentFolder {
        SentFolder {
            imap: imap.clone(),
            folder: folder.map(str::to_string),
        }
    }

    /// Its name, for logs.
    pub fn name(&self) -> &str {
        self.folder.as_deref().unwrap_or("\\Sent")
    }

    /// Whether the folder holds a message with this Message-ID (without angle brackets). Opens
    /// the folder read-only, on a connection of its own: it is asked rarely, after a crash.
    pub async fn holds(&self, message_id: &str) -> Result<bool, CopyError> {
        let fail = |step: &'static str, folder: &str, e: async_imap::error::Error| CopyError::Folder {
            step,
            folder: folder.to_string(),
            reason: e.to_string(),
        };
        let mut session = imap::connect(&self.imap).await?;
        let folder = match &self.folder {
            Some(folder) => folder.clone(),
            None => {
                let mut found = None;
                {
                    let mut names = session
                        .list(Some(""), Some("*"))
                        .await
                        .map_err(|e| fail("list the folders", "*", e))?;
                    while let Some(name) = names.next().await {
                        let name = name.map_err(|e| fail("list the folders", "*", e))?;
                        if name
                            .attributes()
                            .iter()
                            .any(|a| matches!(a, async_imap::types::NameAttribute::Sent))
                        {
                            found = Some(name.name().to_string());
                        }
                    }
                }
                found.ok_or_else(|| CopyError::Folder {
                    step: "find",
                    folder: "\\Sent".into(),
                    reason: "the server marks no folder as the Sent folder; name it in [imap] sent_folder"
                        .into(),
                })?
            }
        };
        session
            .examine(&folder)
            .await
            .map_err(|e| fail("open the folder", &folder, e))?;
        let query = format!("HEADER Message-ID {}", imap::quote(&format!("<{message_id}>")));
        let found = session
            .uid_search(&query)
            .await
            .map_err(|e| fail("search", &folder, e))?;
        let _ = session.logout().await;
        Ok(!found.is_empty())
    }
}

/// Appends the copies the register says are pending. Stops at the first IMAP failure, leaving the
/// rest pending for the next round.
pub async fn copy_pending(
    imap_config: &ImapConfig,
    folder: &str,
    register: &RegisterHandle,
) -> Result<CopyReport, CopyError> {
    let mut report = CopyReport::default();
    let first = register.call(|r| r.pending_copies(1)).await?;
    if first.is_empty() {
        return Ok(report);
    }
    let fail = |step: &'static str, e: async_imap::error::Error| CopyError::Folder {
        step,
        folder: folder.to_string(),
        reason: e.to_string(),
    };
    let mut session = imap::connect(imap_config).await?;
    session
        .select(folder)
        .await
        .map_err(|e| fail("select the folder", e))?;
    loop {
        let batch = register.call(|r| r.pending_copies(50)).await?;
        if batch.is_empty() {
            break;
        }
        for copy in batch {
            let query = format!(
                "HEADER Message-ID {}",
                imap::quote(&format!("<{}>", copy.message_id))
            );
            let found = session.uid_search(&query).await.map_err(|e| fail("search", e))?;
            if found.is_empty() {
                session
                    .append(folder, Some("(\\Seen)"), None, &copy.body)
                    .await
                    .map_err(|e| fail("append", e))?;
                crate::failpoint::hit("after-sent-copy");
                report.appended += 1;
                info!(org = copy.org_id.as_deref().unwrap_or("-"), message_id = %copy.message_id, folder, "copy put in the Sent folder");
            } else {
                report.present += 1;
            }
            let id = copy.id;
            register.call(move |r| r.mark_copied(id)).await?;
        }
    }
    if let Err(e) = session.logout().await {
        warn!(error = %e, "imap logout after copying to the Sent folder failed");
    }
    Ok(report)
}
