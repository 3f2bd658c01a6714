//! Word lists searched in one pass: an Aho-Corasick automaton over several lists at once, with
//! whole-word matching, so a clause is read once instead of once per phrase.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Numbers written as words, bokmål, nynorsk and English, one to ten: the count of people a
/// reply gives and the count of slots a poll answer names read the same words.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("én", 1),
    ("en", 1),
    ("ei", 1),
    ("ein", 1),
    ("ett", 1),
    ("eitt", 1),
    ("one", 1),
    ("to", 2),
    ("two", 2),
    ("tre", 3),
    ("three", 3),
    ("fire", 4),
    ("four", 4),
    ("fem", 5),
    ("five", 5),
    ("seks", 6),
    ("six", 6),
    ("sju", 7),
    ("syv", 7),
    ("seven", 7),
    ("åtte", 8),
    ("eight", 8),
    ("ni", 9),
    ("nine", 9),
    ("ti", 10),
    ("ten", 10),
];

/// Whether a word starts at `at` in `hay`: at its start, or after a character that is no
/// letter or digit.
fn starts_a_word(hay: &str, at: usize) -> bool {
    hay[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
}

/// The number a lower-case word names ("tre", "three"), if it is one of [`NUMBER_WORDS`].
pub fn number_word(word: &str) -> Option<u32> {
    NUMBER_WORDS.iter().find(|(w, _)| *w == word).map(|(_, n)| *n)
}

/// Several word lists, each a bit in the answer of [`Lexicon::words_in`].
pub struct Lexicon {
    automaton: AhoCorasick,
    /// For each pattern: the bit of the list it came from, and whether it may end inside a word
    /// (a phrase written with a trailing space, or one like "n't").
    kinds: Vec<(u32, bool)>,
    /// Built for replacing (leftmost-longest, non-overlapping) rather than for finding every list.
    leftmost: bool,
}

impl Lexicon {
    /// A lexicon of `lists`, the n-th list answering with bit `1 << n`. Patterns are lower-case and
    /// matched against lower-case text.
    pub fn new(lists: &[&[&str]]) -> Lexicon {
        Self::build(lists, false, false)
    }

    /// Phrases to blank out with [`Lexicon::blank_out`], the longest first where two overlap.
    pub fn phrases(list: &[&str]) -> Lexicon {
        Self::build(&[list], false, true)
    }

    /// A lexicon of ASCII phrases matched in text of any case (for headers and reports, which need
    /// no Unicode case folding).
    pub fn ascii_case_insensitive(lists: &[&[&str]]) -> Lexicon {
        Self::build(lists, true, false)
    }

    fn build(lists: &[&[&str]], ascii_case_insensitive: bool, leftmost: bool) -> Lexicon {
        let mut patterns = Vec::new();
        let mut kinds = Vec::new();
        for (n, list) in lists.iter().enumerate() {
            for pattern in *list {
                patterns.push(*pattern);
                kinds.push((1u32 << n, pattern.ends_with(' ')));
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(if leftmost {
                MatchKind::LeftmostLongest
            } else {
                MatchKind::Standard
            })
            .ascii_case_insensitive(ascii_case_insensitive)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .unwrap_or_else(|e| panic!("word lists must compile: {e}"));
        Lexicon {
            automaton,
            kinds,
            leftmost,
        }
    }

    /// The lists (as bits) with a phrase that occurs in `hay` as a whole word or phrase.
    pub fn words_in(&self, hay: &str) -> u32 {
        debug_assert!(!self.leftmost, "a lexicon for blanking out finds no lists");
        let mut found = 0;
        for m in self.automaton.find_overlapping_iter(hay) {
            let (bit, open_end) = self.kinds[m.pattern().as_usize()];
            if found & bit != 0 {
                continue;
            }
            let before_ok = starts_a_word(hay, m.start());
            let after_ok = open_end || hay[m.end()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            if before_ok && after_ok {
                found |= bit;
            }
        }
        found
    }

    /// The lists (as bits) with a phrase that occurs anywhere in `hay`, inside words too.
    pub fn substrings_in(&self, hay: &str) -> u32 {
        debug_assert!(!self.leftmost, "a lexicon for blanking out finds no lists");
        let mut found = 0;
        for m in self.automaton.find_overlapping_iter(hay) {
            found |= self.kinds[m.pattern().as_usize()].0;
        }
        found
    }

    /// Whether any phrase occurs anywhere in `hay`.
    pub fn any_substring(&self, hay: &str) -> bool {
        self.automaton.is_match(hay)
    }

    /// Every occurrence of every phrase, inside words too, as (start, the phrase's index in the
    /// lists): those of one phrase do not overlap each other, as `str::match_indices` finds them.
    pub fn occurrences(&self, hay: &str) -> Vec<(usize, usize)> {
        debug_assert!(!self.leftmost, "a lexicon for blanking out finds no occurrences");
        let mut ends = vec![0usize; self.kinds.len()];
        let mut out = Vec::new();
        for m in self.automaton.find_overlapping_iter(hay) {
            let pattern = m.pattern().as_usize();
            if m.start() < ends[pattern] {
                continue;
            }
            ends[pattern] = m.end();
            out.push((m.start(), pattern));
        }
        out
    }

    /// The first position where any phrase starts, inside words too.
    pub fn first_substring(&self, hay: &str) -> Option<usize> {
        if self.leftmost {
            // Leftmost matching finds the earliest start first.
            return self.automaton.find_iter(hay).next().map(|m| m.start());
        }
        self.automaton.find_overlapping_iter(hay).map(|m| m.start()).min()
    }

    /// The first position where a phrase starts at the start of a word ("om vi kan" in "spør om
    /// vi kan", not in "dersom vi kan").
    pub fn first_at_word(&self, hay: &str) -> Option<usize> {
        let at_word = |m: &aho_corasick::Match| starts_a_word(hay, m.start());
        if self.leftmost {
            return self.automaton.find_iter(hay).find(at_word).map(|m| m.start());
        }
        self.automaton
            .find_overlapping_iter(hay)
            .filter(at_word)
            .map(|m| m.start())
            .min()
    }

    /// `hay` with every phrase replaced by one space (a lexicon made by [`Lexicon::phrases`]).
    pub fn blank_out(&self, hay: &str) -> String {
        self.replace_all(hay, " ")
    }

    /// `hay` with every phrase replaced by `with` (a lexicon made by [`Lexicon::phrases`]).
    pub fn replace_all(&self, hay: &str, with: &str) -> String {
        debug_assert!(self.leftmost, "replace with a lexicon made by Lexicon::phrases");
        let mut out = String::with_capacity(hay.len());
        let mut last = 0;
        for m in self.automaton.find_iter(hay) {
            out.push_str(&hay[last..m.start()]);
            out.push_str(with);
            last = m.end();
        }
        out.push_str(&hay[last..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_whole_words_only_and_say_which_list() {
        let lexicon = Lexicon::new(&[&["kommer", "blir med"], &["ikke", "n't"], &["bare en "]]);
        assert_eq!(lexicon.words_in("vi kommer"), 0b001);
        assert_eq!(lexicon.words_in("vi kommer ikke"), 0b011);
        assert_eq!(lexicon.words_in("velkommeren"), 0);
        assert_eq!(lexicon.words_in("ikkevold"), 0);
        assert_eq!(lexicon.words_in("vi blir bare en person"), 0b100);
        assert_eq!(lexicon.words_in("vi blir med."), 0b001);
        assert_eq!(lexicon.substrings_in("don't"), 0b010);
        assert_eq!(lexicon.words_in("don't"), 0, "n't is inside a word");
    }

    #[test]
    fn occurrences_are_those_match_indices_finds_for_each_phrase() {
        let phrases = [" men ", ", men ", " – "];
        let lexicon = Lexicon::new(&[&phrases]);
        for text in ["ja, men men nei", "a men men men b", "x – – y, men z", "ingen"] {
            let mut found = lexicon.occurrences(text);
            found.sort_unstable();
            let mut expected: Vec<(usize, usize)> = phrases
                .iter()
                .enumerate()
                .flat_map(|(i, p)| text.match_indices(p).map(move |(at, _)| (at, i)))
                .collect();
            expected.sort_unstable();
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn blanking_out_replaces_every_phrase_once() {
        let lexicon = Lexicon::phrases(&["kommer tilbake", "tilbake med"]);
        assert_eq!(lexicon.blank_out("vi kommer tilbake med navn"), "vi   med navn");
        assert_eq!(lexicon.blank_out("ingenting"), "ingenting");
    }

    #[test]
    fn ascii_case_insensitive_lexicons_ignore_case() {
        let lexicon = Lexicon::ascii_case_insensitive(&[&["user unknown"]]);
        assert!(lexicon.any_substring("550 User Unknown"));
        assert_eq!(lexicon.first_substring("x User unknown"), Some(2));
    }
}
