//! The mail templates: Jinja files in `mail-templates/`, compiled once, rendered with auto-escaping
//! for HTML. Errors name the file and the line.

use std::fmt;
use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};

/// Every template the program renders, compiled.
pub struct Templates {
    env: Environment<'static>,
    /// Where they were read from, so errors can name the file as the coordinator sees it.
    dir: PathBuf,
}

/// A template that failed to compile or render, with its place.
#[derive(Debug, Clone, thiserror::Error)]
pub struct TemplateError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// The templates the program cannot work without, by name.
pub const REQUIRED: &[&str] = &[
    "invitation.nb.subject.j2",
    "invitation.nb.txt.j2",
    "invitation.nb.html.j2",
    "invitation.en.subject.j2",
    "invitation.en.txt.j2",
    "invitation.en.html.j2",
    "confirmation.nb.subject.j2",
    "confirmation.nb.txt.j2",
    "confirmation.en.subject.j2",
    "confirmation.en.txt.j2",
    "calendar.nb.subject.j2",
    "calendar.nb.txt.j2",
    "calendar.nb.html.j2",
    "calendar.en.subject.j2",
    "calendar.en.txt.j2",
    "calendar.en.html.j2",
    "reminder.nb.subject.j2",
    "reminder.nb.txt.j2",
    "reminder.en.subject.j2",
    "reminder.en.txt.j2",
    "poll.nb.subject.j2",
    "poll.nb.txt.j2",
    "poll.en.subject.j2",
    "poll.en.txt.j2",
    "poll-result.nb.subject.j2",
    "poll-result.nb.txt.j2",
    "poll-result.en.subject.j2",
    "poll-result.en.txt.j2",
    "report.nb.subject.j2",
    "report.nb.txt.j2",
    "report.nb.html.j2",
];

impl Templates {
    /// Compiles every `*.j2` file in `dir`; reports every broken or missing one.
    pub fn load(dir: &Path) -> Result<Templates, Vec<TemplateError>> {
        let mut errors = Vec::new();
        let mut env = Environment::new();
        // A misspelt variable must be an error, not an empty gap in a letter to a ministry.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // {{ count(n, "kontaktperson", "kontaktpersoner") }}: "1 kontaktperson", "3 kontaktpersoner",
        // by the language's plural rules (CLDR, through ICU4X), not by a test for 1.
        env.add_function(
            "count",
            |n: i64, one: String, other: String, lang: Option<String>| {
                let lang = lang.unwrap_or_else(|| "nb".into());
                format!("{n} {}", if plural_is_one(n, &lang) { one } else { other })
            },
        );
        // {{ plural(n, "deltaker", "deltakere") }}: the word alone, for a number shown apart.
        env.add_function(
            "plural",
            |n: i64, one: String, other: String, lang: Option<String>| {
                let lang = lang.unwrap_or_else(|| "nb".into());
                if plural_is_one(n, &lang) { one } else { other }
            },
        );
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                return Err(vec![TemplateError {
                    file: dir.to_path_buf(),
                    line: None,
                    message: format!("cannot read the template folder: {e}"),
                }]);
            }
        };
        let mut names = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !name.ends_with(".j2") {
                continue;
            }
            let name = name.to_string();
            match std::fs::read_to_string(&path) {
                Ok(source) => {
                    if let Err(e) = env.add_template_owned(name.clone(), source) {
                        errors.push(from_minijinja(dir, &e));
                    } else {
                        names.push(name);
                    }
                }
                Err(e) => errors.push(TemplateError {
                    file: path.clone(),
                    line: None,
                    message: format!("cannot read: {e}"),
                }),
            }
        }
        for required in REQUIRED {
            if !names.iter().any(|n| n == required) && !errors.iter().any(|e| e.file.ends_with(required)) {
                errors.push(TemplateError {
                    file: dir.join(required),
                    line: None,
                    message: "this template is missing".into(),
                });
            }
        }
        if errors.is_empty() {
            Ok(Templates {
                env,
                dir: dir.to_path_buf(),
            })
        } else {
            errors.sort_by(|a, b| a.file.cmp(&b.file));
            Err(errors)
        }
    }

    /// Renders the template `name` with `context`.
    pub fn render(&self, name: &str, context: &minijinja::Value) -> Result<String, TemplateError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| from_minijinja(&self.dir, &e))?;
        template
            .render(context)
            .map_err(|e| from_minijinja(&self.dir, &e))
    }

    /// The folder the templates came from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Whether `n` takes the singular in `lang` ("nb", "en"), by the CLDR's cardinal plural rules.
/// Any language but bokmål counts as English.
pub fn plural_is_one(n: i64, lang: &str) -> bool {
    use icu_plurals::{PluralCategory, PluralRules};
    // The rules of the two languages the process writes, made once per thread (they are not
    // Sync).
    thread_local! {
        static RULES: [Option<PluralRules>; 2] =
            [icu_locale_core::locale!("nb"), icu_locale_core::locale!("en")]
                .map(|locale| PluralRules::try_new(locale.into(), Default::default()).ok());
    }
    RULES.with(|rules| match &rules[if lang == "nb" { 0 } else { 1 }] {
        Some(rules) => rules.category_for(n) == PluralCategory::One,
        None => n == 1,
    })
}

/// Where one of `names`, put into `text`, stands inside a sentence with its capital letter
/// ("velkommen til Samskapingsmøte om …"): after a word or a comma on the same line. At the
/// start of a line, or after a colon, a full stop or a dash (a label, a heading, a list, a
/// subject's "Påminnelse: …"), the capital is right. Each finding is the words around it.
pub fn capital_inside_sentence(text: &str, names: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for name in names {
        for (at, _) in text.match_indices(name.as_str()) {
            let before = text[..at].trim_end_matches([' ', '\t', '\u{a0}']);
            let inside = before
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == ',');
            if !inside {
                continue;
            }
            let start = before
                .char_indices()
                .rev()
                .filter(|(_, c)| c.is_whitespace())
                .nth(1)
                .map(|(i, c)| i + c.len_utf8())
                .unwrap_or(0)
                .max(before.rfind('\n').map(|i| i + 1).unwrap_or(0));
            found.push(text[start..at + name.len()].to_string());
        }
    }
    found
}

fn from_minijinja(dir: &Path, error: &minijinja::Error) -> TemplateError {
    let mut message = error
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| error.kind().to_string());
    // Errors raised inside an included template or a filter keep their cause in the chain.
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    TemplateError {
        file: dir.join(error.name().unwrap_or("?")),
        line: error.line(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_takes_the_singular_or_the_plural_by_the_language_s_rules() {
        let dir = folder(&[(
            "t.j2",
            "{{ count(1, \"sak venter\", \"saker venter\") }}; {{ count(0, \"kontaktperson\", \"kontaktpersoner\") }}; {{ count(3, \"item\", \"items\", \"en\") }}",
        )]);
        let templates = Templates::load(dir.path()).unwrap();
        let text = templates.render("t.j2", &minijinja::Value::UNDEFINED).unwrap();
        assert_eq!(text, "1 sak venter; 0 kontaktpersoner; 3 items");
    }

    #[test]
    fn a_title_inside_a_sentence_is_found_and_one_on_a_label_or_a_line_of_its_own_is_not() {
        let names = ["Samskapingsmøte om handlingsplan 5".to_string()];
        let text = "Hei Kari,\n\nvelkommen til Samskapingsmøte om handlingsplan 5 torsdag.\n\n  Samskapingsmøte om handlingsplan 5\n  Møte: Samskapingsmøte om handlingsplan 5\nSe også. Samskapingsmøte om handlingsplan 5 blir";
        assert_eq!(
            capital_inside_sentence(text, &names),
            ["velkommen til Samskapingsmøte om handlingsplan 5"]
        );
        assert!(capital_inside_sentence("Påminnelse: Samskapingsmøte om handlingsplan 5", &names).is_empty());
        assert_eq!(
            capital_inside_sentence("Fra UD, Samskapingsmøte om handlingsplan 5", &names),
            ["Fra UD, Samskapingsmøte om handlingsplan 5"]
        );
    }

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for name in REQUIRED {
            std::fs::write(dir.path().join(name), "ok").unwrap();
        }
        for (name, body) in files {
            std::fs::write(dir.path().join(name), body).unwrap();
        }
        dir
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let dir = folder(&[("invitation.nb.txt.j2", "Hei\n\n{% if org %}\nno end")]);
        let errors = Templates::load(dir.path()).err().unwrap();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].file.ends_with("invitation.nb.txt.j2"));
        assert!(errors[0].line.is_some(), "{}", errors[0]);
    }

    #[test]
    fn every_missing_template_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("invitation.nb.txt.j2"), "x").unwrap();
        let errors = Templates::load(dir.path()).err().unwrap();
        assert_eq!(errors.len(), REQUIRED.len() - 1);
    }

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let dir = folder(&[
            ("invitation.nb.html.j2", "<p>{{ name }}</p>"),
            ("invitation.nb.txt.j2", "{{ name }}"),
        ]);
        let templates = Templates::load(dir.path()).unwrap();
        let ctx = minijinja::context! { name => "Barne- & familiedepartementet <BFD>" };
        assert_eq!(
            templates.render("invitation.nb.html.j2", &ctx).unwrap(),
            "<p>Barne- &amp; familiedepartementet &lt;BFD&gt;</p>"
        );
        assert_eq!(
            templates.render("invitation.nb.txt.j2", &ctx).unwrap(),
            "Barne- & familiedepartementet <BFD>"
        );
    }

    #[test]
    fn an_undefined_variable_is_an_error_with_its_line() {
        let dir = folder(&[("invitation.en.txt.j2", "Dear\n{{ org.nmae }}\n")]);
        let templates = Templates::load(dir.path()).unwrap();
        let ctx = minijinja::context! { org => minijinja::context! { name => "x" } };
        let err = templates.render("invitation.en.txt.j2", &ctx).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
    }
}
