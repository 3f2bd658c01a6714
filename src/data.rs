//! The data directory: where the register, the Maildirs and the lock live. It is private to the
//! account samskap runs as (the folder 0700, every file 0600, whatever the umask: the register
//! holds people's names, addresses and phone numbers), and it has one writer at a time.
//!
//! One writer: every command that changes the register holds an exclusive `flock` on
//! `DATA/samskap.lock` for its whole life. The kernel releases it however the holder ends (kill
//! -9 included), so a lock is never stale. The file also says who holds it (PID, command line,
//! whether it is the daemon), so a second writer can name the process in its way. Without this,
//! two `send invitations` at once each took the other's messages in flight for an interrupted
//! run and sent them again.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::register::{Register, RegisterError};

/// Where things live under the data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

/// The data directory could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot {what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// Another process writes to this data directory.
    #[error("{0}")]
    Held(Holder),
    #[error(transparent)]
    Register(#[from] RegisterError),
    #[error("{var}: {reason}")]
    Environment { var: &'static str, reason: String },
}

/// How long a write to the register waits for another program that holds it (a backup, an
/// `sqlite3` shell) before it counts as busy: `SAMSKAP_BUSY_TIMEOUT` ("10s", "500ms"), else 10 s.
/// A busy register is not an error for the daemon, which tries again with backoff.
pub fn busy_timeout() -> Result<std::time::Duration, DataError> {
    const VAR: &str = "SAMSKAP_BUSY_TIMEOUT";
    match std::env::var(VAR) {
        Err(_) => Ok(std::time::Duration::from_secs(10)),
        Ok(text) => crate::config::units::parse_duration(&text).map_err(|reason| DataError::Environment {
            var: VAR,
            reason: format!("{reason} (write e.g. \"10s\" or \"500ms\")"),
        }),
    }
}

fn io_error<'p>(what: &'static str, path: &'p Path) -> impl FnOnce(std::io::Error) -> DataError + 'p {
    move |source| DataError::Io {
        what,
        path: path.to_path_buf(),
        source,
    }
}

/// Who holds the lock, as it wrote itself into the lock file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Holder {
    pub pid: u32,
    /// Its command line, as typed.
    pub command: String,
    /// Whether it is `samskap run` (which takes requests from other commands).
    pub daemon: bool,
    /// The data directory, for the message.
    #[serde(default)]
    pub data_dir: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pid == 0 {
            return write!(
                f,
                "the data directory {} is in use by another samskap process",
                self.data_dir
            );
        }
        write!(
            f,
            "the data directory {} is in use by {} (PID {}): `{}`",
            self.data_dir,
            if self.daemon {
                "the samskap daemon"
            } else {
                "another samskap command"
            },
            self.pid,
            self.command
        )
    }
}

/// The exclusive right to write to the data directory, until dropped (or the process ends).
#[derive(Debug)]
pub struct Lock {
    /// Kept open: the lock lives as long as this descriptor.
    _file: File,
    /// Who we are, as written into what we hold ("sending" rows of the outbox): unique to this
    /// process's hold of the lock.
    pub owner: String,
    pub holder: Holder,
}

impl DataDir {
    /// The data directory at `root`.
    pub fn new(root: &Path) -> DataDir {
        DataDir {
            root: root.to_path_buf(),
        }
    }

    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
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

    /// The lock file.
    pub fn lock_file(&self) -> PathBuf {
        self.root.join("samskap.lock")
    }

    /// Creates the folder (0700); an existing one open to others is closed to them.
    pub fn create(&self) -> Result<(), DataError> {
        private_dir(&self.root)
    }

    /// Takes the lock for `command` (its command line) or says who has it. Never waits.
    pub fn lock(&self, command: &str, daemon: bool) -> Result<Lock, DataError> {
        self.create()?;
        let path = self.lock_file();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(io_error("open the lock file", &path))?;
        let mut attempt = 0;
        // SAFETY: flock on a descriptor we own; LOCK_NB never blocks.
        while unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let error = std::io::Error::last_os_error();
            if error.raw_os_error() != Some(libc::EWOULDBLOCK) {
                return Err(DataError::Io {
                    what: "lock",
                    path,
                    source: error,
                });
            }
            // Held: by a writer, or for a few microseconds by a reader asking who the writer
            // is ([`DataDir::holder`]). A moment's patience tells the two apart.
            attempt += 1;
            if attempt == 5 {
                return Err(DataError::Held(self.named_holder()));
            }
            // Another process holds it; there is no event to wait on.
            #[allow(clippy::disallowed_methods)]
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let holder = Holder {
            pid: std::process::id(),
            command: command.to_string(),
            daemon,
            data_dir: self.root.display().to_string(),
        };
        let text = serde_json::to_string(&holder).unwrap_or_default();
        file.set_len(0)
            .and_then(|_| file.rewind())
            .and_then(|_| file.write_all(text.as_bytes()))
            .and_then(|_| file.flush())
            .map_err(io_error("write the lock file", &path))?;
        let mut nonce = [0u8; 6];
        // Without randomness the PID alone still tells this hold from a dead one's in practice.
        let _ = getrandom::fill(&mut nonce);
        Ok(Lock {
            _file: file,
            owner: format!("{}-{}", holder.pid, data_encoding::HEXLOWER.encode(&nonce)),
            holder,
        })
    }

    /// Who holds the lock, which is held: a holder writes who it is right after taking the
    /// lock, so a second writer that comes in between waits a moment for the name.
    fn named_holder(&self) -> Holder {
        let unknown = Holder {
            pid: 0,
            command: String::new(),
            daemon: false,
            data_dir: self.root.display().to_string(),
        };
        for _ in 0..100 {
            match self.holder() {
                Some(holder) if holder.pid != 0 => return holder,
                // Let go meanwhile: say so rather than name no one.
                None => return unknown,
                Some(_) => {
                    // Waiting for another process to write a few bytes: no event to wait on.
                    #[allow(clippy::disallowed_methods)]
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
        }
        unknown
    }

    /// Who holds the lock now, if anyone does.
    pub fn holder(&self) -> Option<Holder> {
        let path = self.lock_file();
        let mut file = File::open(&path).ok()?;
        // A lock we can take is held by no one.
        // SAFETY: flock on a descriptor we own; LOCK_NB never blocks.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_SH | libc::LOCK_NB) } == 0 {
            return None;
        }
        let mut text = String::new();
        file.read_to_string(&mut text).ok()?;
        let mut holder: Holder = serde_json::from_str(&text).unwrap_or(Holder {
            pid: 0,
            command: String::new(),
            daemon: false,
            data_dir: String::new(),
        });
        holder.data_dir = self.root.display().to_string();
        Some(holder)
    }

    /// Creates the folder and opens (creating) the register, private to this account. The
    /// caller holds the lock.
    pub fn open_register(&self) -> Result<Register, DataError> {
        self.create()?;
        let path = self.register();
        // Made here, 0600, before SQLite creates it 0644 minus the umask; its journal files
        // (WAL, SHM) take the database file's mode.
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(io_error("create the register", &path))?;
        let register = Register::open(&path)?;
        register.set_busy_timeout(busy_timeout()?)?;
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                private_file(&file)?;
            }
        }
        Ok(register)
    }

    /// The register's secret, made now if there is none yet, so that the tokens and
    /// Message-IDs a preview or a dry run shows are those the first send then uses. Making it
    /// creates the register; while another process holds the lock, it has made the register
    /// (or is making it), and the secret is read from there.
    pub fn secret(&self, command: &str) -> Result<Vec<u8>, DataError> {
        if !self.register().exists()
            && let Ok(_lock) = self.lock(command, false)
        {
            return Ok(self.open_register()?.secret()?);
        }
        Ok(self.peek_register()?.secret()?)
    }

    /// Opens the register if it exists, else an empty one in memory; never creates anything.
    pub fn peek_register(&self) -> Result<Register, DataError> {
        if self.register().exists() {
            let register = Register::open(&self.register())?;
            register.set_busy_timeout(busy_timeout()?)?;
            Ok(register)
        } else {
            Ok(Register::open_in_memory()?)
        }
    }
}

/// Creates `path` and its missing parents as folders only this account can open; an existing
/// one that others could open is closed to them.
pub fn private_dir(path: &Path) -> Result<(), DataError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(io_error("create the folder", path))?;
    let meta = std::fs::metadata(path).map_err(io_error("read the folder", path))?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
            .map_err(io_error("make private the folder", path))?;
    }
    Ok(())
}

/// Makes `path` readable and writable by this account only.
pub fn private_file(path: &Path) -> Result<(), DataError> {
    let meta = std::fs::metadata(path).map_err(io_error("read", path))?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(io_error("make private", path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_told_who_holds_the_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(&dir.path().join("var"));
        let first = data.lock("samskap send invitations", false).unwrap();
        let Err(DataError::Held(holder)) = data.lock("samskap review apply 3", false) else {
            panic!("a second lock was given");
        };
        assert_eq!(holder.pid, std::process::id());
        assert_eq!(holder.command, "samskap send invitations");
        assert!(!holder.daemon);
        assert!(
            holder.to_string().contains("`samskap send invitations`"),
            "{holder}"
        );
        assert_eq!(data.holder(), Some(holder));
        drop(first);
        // Released: the next one gets it, and no one is said to hold it meanwhile.
        assert_eq!(data.holder(), None);
        let again = data.lock("samskap run", true).unwrap();
        assert!(again.holder.daemon);
    }

    #[test]
    fn two_holds_of_the_lock_have_different_owners() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path());
        let first = data.lock("a", false).unwrap().owner;
        let second = data.lock("b", false).unwrap().owner;
        assert_ne!(first, second);
    }

    /// Regression: the data directory was 755 and the register 644 (777 and 666 under umask
    /// 000), so anyone on the machine could read every name, address and phone number.
    #[test]
    fn the_data_directory_and_register_are_private_whatever_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("var");
        // SAFETY: umask only changes this process's file creation mask; restored below. The
        // other tests of this binary create files too, which is harmless under 000.
        let old = unsafe { libc::umask(0) };
        let data = DataDir::new(&root);
        let register = data.open_register().map(|mut r| r.set_meta("x", "1").map(|_| r));
        let lock = data.lock("test", false);
        unsafe { libc::umask(old) };
        // Kept open: the WAL and SHM files exist while a connection does.
        let _register = register.unwrap().unwrap();
        let _lock = lock.unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        for name in ["samskap.db", "samskap.db-wal", "samskap.db-shm", "samskap.lock"] {
            let path = root.join(name);
            assert!(path.exists(), "{name} missing");
            assert_eq!(mode(&path), 0o600, "{name}");
        }
    }

    #[test]
    fn an_existing_open_data_directory_is_closed_to_others() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("var");
        std::fs::create_dir(&root).unwrap();
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(root.join("samskap.db"), b"").unwrap();
        std::fs::set_permissions(root.join("samskap.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
        DataDir::new(&root).open_register().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&root.join("samskap.db")), 0o600);
    }
}
