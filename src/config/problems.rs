//! Problems found while the config is read: each with its file, line and key, collected so that
//! every one is reported at once, and the lenient reading that lets a section be checked on its own.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::Address;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::units;

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// The key, as a path ("organisations[3] (kud).address").
    pub key: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything wrong with a configuration.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ConfigError {
    pub path: PathBuf,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{} has {n} problem{}:",
            self.path.display(),
            if n == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        Ok(())
    }
}

/// Collects problems while the config is read.
pub(super) struct Ctx<'a> {
    pub(super) file: &'a Path,
    pub(super) source: &'a str,
    /// Where each line after the first starts, to turn offsets into line numbers quickly.
    pub(super) line_starts: Vec<usize>,
    pub(super) problems: Vec<Problem>,
    /// The file with the span of every key, to give an unknown key its own line: read on first
    /// need (`None` inside when the file cannot be read that way).
    pub(super) spans: Option<Option<toml::de::DeTable<'a>>>,
}

impl<'a> Ctx<'a> {
    pub(super) fn problem(
        &mut self,
        line: Option<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            file: self.file.to_path_buf(),
            line,
            key: key.into(),
            message: message.into(),
        });
    }

    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|start| *start <= offset) + 1
    }

    /// One section read in stage 1; a failure becomes a problem and `None`.
    pub(super) fn item<T: DeserializeOwned>(
        &mut self,
        spanned: toml::Spanned<Lenient<T>>,
        key: &str,
    ) -> Option<(T, usize)> {
        self.item_at(spanned, key, &[Step::Key(key.to_string())])
    }

    /// One section or array item read in stage 1, found at `at` in the file. A failure becomes a
    /// problem and `None`; each unknown key becomes a problem of its own, on its own line, and the
    /// item is kept, so that what refers to it is not reported as broken too.
    pub(super) fn item_at<T: DeserializeOwned>(
        &mut self,
        spanned: toml::Spanned<Lenient<T>>,
        key: &str,
        at: &[Step],
    ) -> Option<(T, usize)> {
        let line = self.line_of(spanned.span().start);
        let (read, unknown) = match spanned.into_inner() {
            Lenient::Read { value, unknown, .. } => (Ok(value), unknown),
            Lenient::Bad { message, unknown, .. } => (Err(message), unknown),
        };
        let mut meant = Vec::new();
        for path in unknown {
            let mut full = at.to_vec();
            full.extend(path.iter().cloned());
            let key_line = self.line_of_key(&full).unwrap_or(line);
            let (message, near) = unknown_key_message::<T>(&path);
            meant.extend(near);
            self.problem(Some(key_line), format!("{key}.{}", path_text(&path)), message);
        }
        match read {
            Ok(value) => Some((value, line)),
            Err(message) => {
                // "missing field `address`" says nothing new after "unknown key `adress` (did
                // you mean `address`?)".
                let said = meant
                    .iter()
                    .any(|near| message == format!("missing field `{near}`"));
                if !said {
                    self.problem(Some(line), key, message);
                }
                None
            }
        }
    }

    /// The line of the key at `path` (or of the array item, for an index), read from the file's
    /// own spans; parsed once, and only when an unknown key needs it.
    pub(super) fn line_of_key(&mut self, path: &[Step]) -> Option<usize> {
        if self.spans.is_none() {
            self.spans = Some(
                toml::de::DeTable::parse(self.source)
                    .ok()
                    .map(toml::Spanned::into_inner),
            );
        }
        let mut table = self.spans.as_ref()?.as_ref()?;
        let mut array: Option<&[toml::Spanned<toml::de::DeValue<'_>>]> = None;
        let mut found = None;
        for step in path {
            let value = match step {
                Step::Key(k) => {
                    let (name, value) = table.iter().find(|(name, _)| name.get_ref() == k)?;
                    found = Some(name.span().start);
                    value
                }
                Step::Index(i) => {
                    let value = array?.get(*i)?;
                    found = Some(value.span().start);
                    value
                }
            };
            match value.get_ref() {
                toml::de::DeValue::Table(t) => {
                    table = t;
                    array = None;
                }
                toml::de::DeValue::Array(a) => array = Some(a),
                _ => array = None,
            }
        }
        found.map(|offset| self.line_of(offset))
    }
    pub(super) fn address(&mut self, line: usize, key: &str, text: &str) -> Option<Address> {
        match text.trim().parse::<Address>() {
            Ok(address) => Some(address),
            Err(e) => {
                self.problem(
                    Some(line),
                    key,
                    format!("{text:?} is not an e-mail address ({e})"),
                );
                None
            }
        }
    }

    pub(super) fn duration(
        &mut self,
        line: usize,
        key: &str,
        text: Option<&str>,
        default: Duration,
    ) -> Duration {
        match text.map(units::parse_duration) {
            None => default,
            Some(Ok(d)) => d,
            Some(Err(e)) => {
                self.problem(Some(line), key, e);
                default
            }
        }
    }
}

/// One section or array item, read on its own: a failure is kept as its message instead of
/// failing the whole file, so that every bad item is reported. The TOML value of an item lives
/// only while that item is read, which keeps a config of thousands of organisations small.
pub(super) enum Lenient<T> {
    Read {
        value: T,
        /// The item's `id`, to name it in the problems of its unknown keys.
        id: Option<String>,
        /// Keys the raw struct does not know, each as its path inside the item: reported, and
        /// the rest of the item read as usual.
        unknown: Vec<Vec<Step>>,
    },
    Bad {
        /// The item's `id`, to name it in the problem.
        id: Option<String>,
        message: String,
        /// Unknown keys met before the failure: often the cause ("adress" for "address").
        unknown: Vec<Vec<Step>>,
    },
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(deserializer)?;
        let id = value.get("id").and_then(|v| v.as_str()).map(str::to_string);
        let mut unknown = Vec::new();
        let read = serde_ignored::deserialize(value, |path| unknown.push(steps(&path)));
        Ok(match read {
            Ok(value) => Lenient::Read { value, id, unknown },
            Err(e) => Lenient::Bad {
                id,
                message: e.message().trim().to_string(),
                unknown,
            },
        })
    }
}

impl<T> Lenient<T> {
    pub(super) fn id(&self) -> Option<&str> {
        match self {
            Lenient::Read { id, .. } | Lenient::Bad { id, .. } => id.as_deref(),
        }
    }
}

/// One step of a key's path in the file: a table's key or an array's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    Key(String),
    Index(usize),
}

/// A path as serde_ignored gives it, as steps (the `Option` and newtype layers are no keys).
pub(super) fn steps(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    let mut out = Vec::new();
    let mut at = path;
    loop {
        match at {
            serde_ignored::Path::Root => break,
            serde_ignored::Path::Seq { parent, index } => {
                out.push(Step::Index(*index));
                at = parent;
            }
            serde_ignored::Path::Map { parent, key } => {
                out.push(Step::Key(key.clone()));
                at = parent;
            }
            serde_ignored::Path::Some { parent }
            | serde_ignored::Path::NewtypeStruct { parent }
            | serde_ignored::Path::NewtypeVariant { parent } => at = parent,
        }
    }
    out.reverse();
    out
}

/// A path as the coordinator writes it: `name.fr`, `candidates[1].room`.
pub(super) fn path_text(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// What to say about an unknown key: that it is not read, the known key it most likely meant,
/// and, for a key of the item itself, every key that is known there; and that likely key.
pub(super) fn unknown_key_message<T: DeserializeOwned>(path: &[Step]) -> (String, Option<&'static str>) {
    let name = match path.last() {
        Some(Step::Key(k)) => k.as_str(),
        _ => "",
    };
    let mut message = format!("unknown key `{name}`: samskap does not read it");
    let mut meant = None;
    if path.len() == 1 {
        let known = fields_of::<T>();
        meant = known
            .iter()
            .copied()
            .filter(|k| edit_distance(k, name) <= 2)
            .min_by_key(|k| edit_distance(k, name));
        if let Some(near) = meant {
            message.push_str(&format!(" (did you mean `{near}`?)"));
        }
        if !known.is_empty() {
            message.push_str(&format!("; known here: {}", known.join(", ")));
        }
    }
    (message, meant)
}

/// The field names of the struct `T` deserializes into, as its derive hands them to a
/// deserializer (empty when `T` is not a struct): so the list of known keys is the struct itself.
pub(super) fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    use serde::de::{Error as _, Visitor};
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(Self::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(Self::Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// Levenshtein distance, for "did you mean".
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

pub(super) type Section<T> = Option<toml::Spanned<Lenient<T>>>;
pub(super) type Items<T> = Option<Vec<toml::Spanned<Lenient<T>>>>;
