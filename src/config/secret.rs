//! Where a password or token comes from: an environment variable, a file, or a command's output.
//! Never the config file itself.

use std::fmt;
use std::path::{Path, PathBuf};

use super::raw::RawSecret;

/// The source of a secret, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    /// `{ env = "SAMSKAP_SMTP_PASSWORD" }`
    Env(String),
    /// `{ file = "/run/credentials/samskap/smtp" }`, relative to the config file.
    File(PathBuf),
    /// `{ command = ["pass", "show", "kdd/smtp"] }`: the first line of its standard output.
    Command(Vec<String>),
}

/// A secret's value; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    /// The secret itself, for the one place that hands it to a server.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(…)")
    }
}

/// A secret that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the secret from {source_desc}: {reason}")]
pub struct SecretError {
    source_desc: String,
    reason: String,
}

impl Secret {
    /// Reads a secret's source from the config. A plain string is refused: it would put the secret
    /// in the file.
    pub fn from_value(value: &toml::Value, base: &Path) -> Result<Secret, String> {
        if value.is_str() {
            return Err(
                "a secret must not be written in the config file; use { env = \"VAR\" }, \
                 { file = \"PATH\" } or { command = [\"PROGRAM\", \"ARG\"] }"
                    .into(),
            );
        }
        let raw: RawSecret = value.clone().try_into().map_err(|e: toml::de::Error| {
            format!(
                "{} (write {{ env = \"VAR\" }}, {{ file = \"PATH\" }} or {{ command = [...] }})",
                e.message().trim()
            )
        })?;
        match (raw.env, raw.file, raw.command) {
            (Some(var), None, None) if !var.is_empty() => Ok(Secret::Env(var)),
            (None, Some(file), None) if !file.is_empty() => Ok(Secret::File(base.join(file))),
            (None, None, Some(cmd)) if !cmd.is_empty() && !cmd[0].is_empty() => Ok(Secret::Command(cmd)),
            _ => Err("give exactly one of env, file or command, not empty".into()),
        }
    }

    /// Says where the secret comes from, for messages.
    pub fn describe(&self) -> String {
        match self {
            Secret::Env(var) => format!("environment variable {var}"),
            Secret::File(path) => format!("file {}", path.display()),
            Secret::Command(cmd) => format!("command `{}`", cmd.join(" ")),
        }
    }

    /// Checks, without running anything, that the secret can be had: the variable is set, the file
    /// readable. A command is only run when the secret is needed.
    pub fn check_available(&self) -> Result<(), String> {
        match self {
            Secret::Env(var) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(()),
                _ => Err(format!("environment variable {var} is not set")),
            },
            Secret::File(path) => std::fs::metadata(path)
                .map(|_| ())
                .map_err(|e| format!("cannot read {}: {e}", path.display())),
            Secret::Command(_) => Ok(()),
        }
    }

    /// Fetches the secret's value.
    pub async fn resolve(&self) -> Result<SecretValue, SecretError> {
        let fail = |reason: String| SecretError {
            source_desc: self.describe(),
            reason,
        };
        let value = match self {
            Secret::Env(var) => std::env::var(var).map_err(|_| fail("it is not set".into()))?,
            Secret::File(path) => tokio::fs::read_to_string(path)
                .await
                .map_err(|e| fail(e.to_string()))?,
            Secret::Command(cmd) => {
                let output = tokio::process::Command::new(&cmd[0])
                    .args(&cmd[1..])
                    .stdin(std::process::Stdio::null())
                    .output()
                    .await
                    .map_err(|e| fail(e.to_string()))?;
                if !output.status.success() {
                    return Err(fail(format!(
                        "it exited with {}: {}",
                        output.status,
                        String::from_utf8_lossy(&output.stderr).trim()
                    )));
                }
                String::from_utf8(output.stdout).map_err(|_| fail("its output is not UTF-8".into()))?
            }
        };
        // Files and commands end their secret with a newline that is not part of it.
        let value = value.lines().next().unwrap_or("").to_string();
        if value.is_empty() {
            return Err(fail("it is empty".into()));
        }
        Ok(SecretValue(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> toml::Value {
        let table: toml::Table = toml::from_str(&format!("x = {text}")).unwrap();
        table["x"].clone()
    }

    #[test]
    fn a_password_written_in_the_file_is_refused() {
        let err = Secret::from_value(&value("\"hunter2\""), Path::new("/etc")).unwrap_err();
        assert!(err.contains("must not be written in the config file"), "{err}");
    }

    #[test]
    fn exactly_one_source_is_allowed() {
        assert_eq!(
            Secret::from_value(&value("{ env = \"PW\" }"), Path::new("/etc")).unwrap(),
            Secret::Env("PW".into())
        );
        assert_eq!(
            Secret::from_value(&value("{ file = \"pw.txt\" }"), Path::new("/etc")).unwrap(),
            Secret::File(PathBuf::from("/etc/pw.txt"))
        );
        assert!(Secret::from_value(&value("{ env = \"PW\", file = \"x\" }"), Path::new("/")).is_err());
        assert!(Secret::from_value(&value("{ vault = \"x\" }"), Path::new("/")).is_err());
    }

    #[tokio::test]
    async fn a_command_secret_is_its_first_output_line() {
        let secret = Secret::Command(vec!["printf".into(), "s3cret\\nignored\\n".into()]);
        assert_eq!(secret.resolve().await.unwrap().expose(), "s3cret");
        let failing = Secret::Command(vec!["false".into()]);
        let err = failing.resolve().await.unwrap_err().to_string();
        assert!(err.contains("command `false`"), "{err}");
    }

    #[test]
    fn the_value_never_shows_in_debug_output() {
        assert_eq!(format!("{:?}", SecretValue("pw".into())), "SecretValue(…)");
    }
}

impl Secret {
    /// Why the secret's source is open to others, if it is: a file that other accounts on the
    /// machine may read (or write, to swap in their own token).
    pub fn exposure(&self) -> Option<String> {
        use std::os::unix::fs::PermissionsExt;
        let Secret::File(path) = self else {
            return None;
        };
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        (mode & 0o077 != 0).then(|| {
            format!(
                "the secret file {} can be read by other accounts on this machine (mode {:o}); \
                 make it private with `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            )
        })
    }
}

#[cfg(test)]
mod exposure_tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_secret_file_others_can_read_is_named_with_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smtp-password");
        std::fs::write(&path, "secret\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let secret = Secret::File(path.clone());
        let warning = secret.exposure().unwrap();
        assert!(
            warning.contains("mode 644") && warning.contains("chmod 600"),
            "{warning}"
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(secret.exposure(), None);
        assert_eq!(Secret::Env("X".into()).exposure(), None);
    }
}
