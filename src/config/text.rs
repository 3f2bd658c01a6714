//! A text in bokmål and English: the config's names and the words samskap writes for a person
//! (a review item's reason), so that each reader gets their own language.

use serde::{Deserialize, Serialize};

use super::Lang;

/// A text in bokmål and English; English falls back to bokmål where none was given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    pub nb: String,
    pub en: String,
}

/// A [`Text`] from two format strings, the bokmål first: `words!("{n} svar", "{n} answers")`.
#[macro_export]
macro_rules! words {
    ($nb:literal, $en:literal $(,)?) => {
        $crate::config::Text::new(format!($nb), format!($en))
    };
}

impl Text {
    pub fn new(nb: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            nb: nb.into(),
            en: en.into(),
        }
    }

    /// Words that read the same in both languages: a quote, an address, a reason from a library.
    pub fn same(words: impl Into<String>) -> Text {
        let words = words.into();
        Text {
            nb: words.clone(),
            en: words,
        }
    }

    /// What was written, under a label per language: `et forbehold: «… hvis vi får plass»`.
    pub fn quoting(nb: &str, en: &str, words: &str) -> Text {
        let words = words.trim();
        Text {
            nb: format!("{nb}: «{words}»"),
            en: format!("{en}: «{words}»"),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Nb => &self.nb,
            Lang::En => &self.en,
        }
    }

    /// `parts` one after the other, `sep` between, in each language.
    pub fn join(parts: &[Text], sep: &str) -> Text {
        let one = |lang: Lang| parts.iter().map(|p| p.get(lang)).collect::<Vec<_>>().join(sep);
        Text {
            nb: one(Lang::Nb),
            en: one(Lang::En),
        }
    }

    /// This text put into a sentence per language: `f(lang, text)`.
    pub fn within(&self, f: impl Fn(Lang, &str) -> String) -> Text {
        Text {
            nb: f(Lang::Nb, &self.nb),
            en: f(Lang::En, &self.en),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_written_once_per_language_and_joined_per_language() {
        let n = 2;
        let a = crate::words!("{n} svar", "{n} answers");
        let b = Text::same("«1 passer»");
        let joined = Text::join(&[a, b], "; ");
        assert_eq!(joined.get(Lang::Nb), "2 svar; «1 passer»");
        assert_eq!(joined.get(Lang::En), "2 answers; «1 passer»");
        let framed = joined.within(|lang, t| match lang {
            Lang::Nb => format!("usikkert: {t}"),
            Lang::En => format!("uncertain: {t}"),
        });
        assert_eq!(framed.nb, "usikkert: 2 svar; «1 passer»");
        let quoted = Text::quoting("et forbehold", "a condition", " hvis vi får plass ");
        assert_eq!(quoted.get(Lang::Nb), "et forbehold: «hvis vi får plass»");
        assert_eq!(quoted.get(Lang::En), "a condition: «hvis vi får plass»");
    }
}
