//! Messages in files: the local Maildir `DATA/inbox` (the embedded default, no server needed) and
//! the `.eml` files or Maildirs given to `samskap ingest`.
//!
//! Files have no IMAP UID; each gets a stable number from its Maildir name (so a message a mail
//! client moved from new/ to cur/ is still the same) or, for loose files, from its bytes.

use std::path::{Path, PathBuf};

use std::io::{BufRead, Read};

use sha2::{Digest, Sha256};

use super::{HEADER_MAX, Incoming};
use crate::register::inbound::Location;

/// A message waiting in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMessage {
    pub location: Location,
    pub path: PathBuf,
}

/// A stable positive number for `text`.
fn number(text: &[u8]) -> i64 {
    let hash = Sha256::digest(text);
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&hash[..8]);
    (u64::from_be_bytes(bytes) >> 1) as i64
}

/// Whether `dir` is a Maildir (has cur/ and new/).
pub fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() && dir.join("new").is_dir()
}

/// The messages of the Maildir `dir`, as `mailbox`, oldest name first.
pub fn maildir(dir: &Path, mailbox: &str) -> std::io::Result<Vec<FileMessage>> {
    let mut out = Vec::new();
    for sub in ["new", "cur"] {
        let entries = match std::fs::read_dir(dir.join(sub)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            // The unique part, before the flags a client adds (":2,S").
            let unique = name.split(':').next().unwrap_or(&name).to_string();
            out.push(FileMessage {
                location: Location {
                    mailbox: mailbox.to_string(),
                    uidvalidity: 1,
                    uid: number(unique.as_bytes()),
                },
                path,
            });
        }
    }
    out.sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
    Ok(out)
}

/// The messages in `paths`: files, folders of files, and Maildirs, for `samskap ingest`.
pub fn collect(paths: &[PathBuf]) -> std::io::Result<Vec<FileMessage>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            if is_maildir(path) {
                out.extend(maildir(path, &format!("maildir:{}", path.display()))?);
            } else {
                let mut files: Vec<PathBuf> = Vec::new();
                walk(path, &mut files)?;
                files.sort();
                for file in files {
                    // A folder may hold other files beside the mail (notes, expected results).
                    if looks_like_mail(&file) {
                        out.push(loose(file)?);
                    }
                }
            }
        } else {
            out.push(loose(path.clone())?);
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if is_maildir(&path) {
                out.extend(maildir(&path, "ingest")?.into_iter().map(|m| m.path));
            } else {
                walk(&path, out)?;
            }
        } else if path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether a file starts like a message: a header line ("Name: value"), or mbox's "From ".
/// Only its start is read.
fn looks_like_mail(path: &Path) -> bool {
    let mut bytes = Vec::new();
    let Ok(_) = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut bytes)) else {
        return false;
    };
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let first_line = bytes[start..].split(|b| *b == b'\n').next().unwrap_or(&[]);
    let line = String::from_utf8_lossy(first_line);
    if line.starts_with("From ") {
        return true;
    }
    line.split_once(':').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.len() < 80
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

fn loose(path: PathBuf) -> std::io::Result<FileMessage> {
    // Hashed as it is read, so a file of any size takes no more memory than the buffer.
    let mut file = std::fs::File::open(&path)?;
    let mut hash = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hash.update(&buffer[..n]);
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    Ok(FileMessage {
        location: Location {
            mailbox: "ingest".into(),
            uidvalidity: 1,
            uid: (u64::from_be_bytes(bytes) >> 1) as i64,
        },
        path,
    })
}

/// Reads the message in the file at `path`: whole, or, when the file is bigger than `limit`
/// bytes, only its header (up to [`HEADER_MAX`]), looked at before anything is read.
pub fn read(path: &Path, limit: u64) -> std::io::Result<Incoming> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size <= limit {
        let mut raw = Vec::with_capacity(size as usize);
        file.take(limit + 1).read_to_end(&mut raw)?;
        // It grew meanwhile beyond the limit: read as too big, like any other.
        if raw.len() as u64 <= limit {
            return Ok(Incoming::Whole(raw));
        }
    }
    let mut reader = std::io::BufReader::new(std::fs::File::open(path)?.take(HEADER_MAX));
    let mut header = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        header.extend_from_slice(&line);
        if line == b"\n" || line == b"\r\n" {
            break;
        }
    }
    Ok(Incoming::TooBig {
        header,
        size: Some(size.max(limit + 1)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_moved_from_new_to_cur_keeps_its_number() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["new", "cur", "tmp"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        std::fs::write(dir.path().join("new/1655280000.M1P2.host"), "Subject: a\r\n\r\nx").unwrap();
        let before = maildir(dir.path(), "maildir:inbox").unwrap();
        std::fs::rename(
            dir.path().join("new/1655280000.M1P2.host"),
            dir.path().join("cur/1655280000.M1P2.host:2,S"),
        )
        .unwrap();
        let after = maildir(dir.path(), "maildir:inbox").unwrap();
        assert_eq!(before.len(), 1);
        assert_eq!(before[0].location, after[0].location);
    }

    #[test]
    fn ingest_takes_files_folders_and_maildirs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("loose/deeper")).unwrap();
        std::fs::write(dir.path().join("loose/a.eml"), "Subject: a\r\n\r\na").unwrap();
        std::fs::write(dir.path().join("loose/deeper/b.eml"), "Subject: b\r\n\r\nb").unwrap();
        std::fs::write(dir.path().join("c.eml"), "Subject: c\r\n\r\nc").unwrap();
        std::fs::write(dir.path().join("loose/expected.json"), "{\"class\": \"reply\"}").unwrap();
        let found = collect(&[dir.path().join("loose"), dir.path().join("c.eml")]).unwrap();
        assert_eq!(found.len(), 3);
        // The same bytes are the same message wherever they lie.
        std::fs::write(dir.path().join("copy.eml"), "Subject: c\r\n\r\nc").unwrap();
        let copy = collect(&[dir.path().join("copy.eml")]).unwrap();
        assert_eq!(copy[0].location, found[2].location);
    }
}
