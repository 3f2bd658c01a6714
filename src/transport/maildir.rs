//! The embedded default transport: each outgoing message becomes a file in `DATA/outbox`, a
//! standard Maildir any mail client can open. Needs no server.
//!
//! The file name comes from the Message-ID, so writing the same message twice (after a crash)
//! leaves one file, not two.

use std::io::Write;
use std::path::{Path, PathBuf};

use lettre::address::Envelope;
use sha2::{Digest, Sha256};

use super::{SendError, Transport};

/// Writes messages into a Maildir.
pub struct MaildirTransport {
    root: PathBuf,
}

impl MaildirTransport {
    /// A Maildir at `root`, created with its `tmp`, `new` and `cur` folders if missing.
    pub fn open(root: &Path) -> std::io::Result<MaildirTransport> {
        use std::os::unix::fs::DirBuilderExt;
        // Private to this account, whatever the umask: the messages name people.
        for sub in ["tmp", "new", "cur"] {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(root.join(sub))?;
        }
        Ok(MaildirTransport {
            root: root.to_path_buf(),
        })
    }

    /// The Maildir's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn write(&self, envelope: &Envelope, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let message_id = mail_parser::MessageParser::new()
            .parse_headers(bytes)
            .and_then(|m| m.message_id().map(str::to_string))
            .unwrap_or_default();
        let hash = Sha256::digest(if message_id.is_empty() {
            bytes
        } else {
            message_id.as_bytes()
        });
        let name = format!("samskap.{}", data_encoding::HEXLOWER.encode(&hash[..12]));
        // A mail client that read the message moved it to cur/ with flags after a colon: it is
        // delivered already.
        if let Ok(entries) = std::fs::read_dir(self.root.join("cur")) {
            for entry in entries.flatten() {
                if entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{name}:"))
                {
                    return Ok(entry.path());
                }
            }
        }
        let tmp = self.root.join("tmp").join(&name);
        let new = self.root.join("new").join(&name);
        let mut file = {
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?
        };
        if let Some(from) = envelope.from() {
            write!(file, "Return-Path: <{from}>\r\n")?;
        }
        let to: Vec<String> = envelope.to().iter().map(|a| a.to_string()).collect();
        write!(file, "X-Envelope-To: {}\r\n", to.join(", "))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, &new)?;
        Ok(new)
    }
}

impl Transport for MaildirTransport {
    async fn send(&self, envelope: &Envelope, bytes: &[u8]) -> Result<String, SendError> {
        // Small synchronous file writes: cheaper than a thread hop for each.
        match self.write(envelope, bytes) {
            Ok(path) => Ok(format!("written to {}", path.display())),
            Err(e) => Err(SendError::connection(
                super::Severity::Transient,
                format!("cannot write to the Maildir {}: {e}", self.root.display()),
            )),
        }
    }

    fn describe(&self) -> String {
        format!("maildir {}", self.root.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Envelope {
        Envelope::new(
            Some("tom-arne.nygaard@kdd.dep.no".parse().unwrap()),
            vec!["postmottak@aid.dep.no".parse().unwrap()],
        )
        .unwrap()
    }

    #[tokio::test]
    async fn the_same_message_written_twice_is_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let maildir = MaildirTransport::open(&dir.path().join("outbox")).unwrap();
        let message = b"Message-ID: <a@kdd.dep.no>\r\nSubject: hei\r\n\r\nhei\r\n";
        maildir.send(&envelope(), message).await.unwrap();
        maildir.send(&envelope(), message).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(maildir.root().join("new")).unwrap().collect();
        assert_eq!(files.len(), 1);
        let other = b"Message-ID: <b@kdd.dep.no>\r\nSubject: hei\r\n\r\nhei\r\n";
        maildir.send(&envelope(), other).await.unwrap();
        assert_eq!(std::fs::read_dir(maildir.root().join("new")).unwrap().count(), 2);
    }

    /// Regression: the outbox's messages were 644 (666 under umask 000): anyone on the machine
    /// could read every invitation and confirmation.
    #[tokio::test]
    async fn the_messages_are_private_to_this_account() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let maildir = MaildirTransport::open(&dir.path().join("outbox")).unwrap();
        maildir
            .send(&envelope(), b"Message-ID: <p@kdd.dep.no>\r\n\r\nhei\r\n")
            .await
            .unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        for sub in ["tmp", "new", "cur"] {
            assert_eq!(mode(&maildir.root().join(sub)), 0o700, "{sub}");
        }
        for file in std::fs::read_dir(maildir.root().join("new")).unwrap() {
            assert_eq!(mode(&file.unwrap().path()), 0o600);
        }
    }

    #[tokio::test]
    async fn a_message_already_read_is_not_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let maildir = MaildirTransport::open(dir.path()).unwrap();
        let message = b"Message-ID: <a@kdd.dep.no>\r\n\r\nhei\r\n";
        maildir.send(&envelope(), message).await.unwrap();
        let file = std::fs::read_dir(dir.path().join("new"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let read = dir
            .path()
            .join("cur")
            .join(format!("{}:2,S", file.file_name().to_string_lossy()));
        std::fs::rename(file.path(), read).unwrap();
        maildir.send(&envelope(), message).await.unwrap();
        assert_eq!(std::fs::read_dir(dir.path().join("new")).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn the_file_records_the_envelope() {
        let dir = tempfile::tempdir().unwrap();
        let maildir = MaildirTransport::open(dir.path()).unwrap();
        maildir
            .send(&envelope(), b"Message-ID: <c@x>\r\n\r\nhei\r\n")
            .await
            .unwrap();
        let file = std::fs::read_dir(dir.path().join("new"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        let text = std::fs::read_to_string(file.path()).unwrap();
        assert!(text.starts_with(
            "Return-Path: <tom-arne.nygaard@kdd.dep.no>\r\nX-Envelope-To: postmottak@aid.dep.no\r\n"
        ));
    }
}
