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
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(root.join(sub))?;
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
        let mut file = std::fs::File::create(&tmp)?;
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
