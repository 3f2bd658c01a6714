//! Reading a date-poll answer as people write it: which of the candidate slots suit, which do
//! not and which might, each with the words it was read from. Pure: the candidates are given
//! as local start and end times, numbered from 1.
//!
//! A person names slots by number ("1 og 3"), date ("29. august", "5.9."), a run of dates
//! ("29. august–2. september"), weekday ("fredag", "the two Mondays"), week ("uke 35",
//! "første uka i september"), month ("begge datoene i september"), part of the day ("bare
//! formiddager"), or as a share of them ("alle", "ingen", "alle unntatt fredag", "resten",
//! "the other three dates"). Each clause ([`super::clauses`]) that names slots says something
//! of them: yes, no (a negation, or a predicate that is one: "passer dårlig", "is difficult",
//! "er bortreist", "har vi møter"), maybe (a reservation: "kanskje", "om nødvendig", "if need
//! be", "foreløpig … med forbehold", "helst ikke"), or nothing that can be read.
//!
//! The rules that keep a wrong fact out:
//! - a slot named in words that say nothing readable, a count that does not match ("de tre
//!   andre" when two are left), a weekday that is not the date's, two statements about one slot
//!   that contradict each other without a correction ("likevel") are doubts: the whole answer
//!   goes to a person;
//! - questions, conditions and dates that are not slots are remarks: the answer is recorded and
//!   a person looks at the rest;
//! - the poll asked which slots suit, so an answer that offers some slots and says nothing of
//!   the others answers those with no ([`PollAnswer::implied`]); a preference ("helst om
//!   formiddagen") makes the offered slots it does not fit a maybe, never a no.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use super::clauses::{self, Clause, Joint};
use super::dates;
use crate::config::words::weekday;
use crate::config::{Lang, Text};
use crate::words;

/// A candidate slot, in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Candidate {
    pub fn date(&self) -> NaiveDate {
        self.start.date()
    }
}

/// What a person said of a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Said {
    Yes,
    No,
    Maybe,
}

/// Which text a fact was read from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// What the person wrote now (the reply without quote and signature).
    #[default]
    Body,
    /// Their words written between the lines of the quoted poll.
    Quoted,
    Subject,
}

/// The words one fact was read from: `start..end` are byte offsets into the text `source`
/// names; `text` is those words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// The candidate, from 1.
    pub slot: usize,
    pub said: Said,
    #[serde(default)]
    pub source: Source,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// What one person said about the candidates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollAnswer {
    /// Candidate numbers (from 1) that suit, ascending.
    pub yes: Vec<usize>,
    /// Candidate numbers that do not (the implied ones included).
    pub no: Vec<usize>,
    /// Candidate numbers offered with a reservation.
    pub maybe: Vec<usize>,
    /// Those of `no` that are no only because the answer offered other slots and left these out.
    pub implied: Vec<usize>,
    /// For each slot of yes, no and maybe not implied: the words it was read from.
    pub evidence: Vec<Evidence>,
    /// It corrects an earlier answer ("likevel", "rettelse", "after all").
    pub correction: bool,
    /// Why the reading is not certain: a person must settle it before anything is recorded.
    pub doubts: Vec<Text>,
    /// What a person should see though the answer can be recorded: questions, conditions,
    /// dates proposed that are not slots.
    pub remarks: Vec<Text>,
}

impl PollAnswer {
    /// Whether it says nothing of any slot.
    pub fn is_empty(&self) -> bool {
        self.yes.is_empty() && self.no.is_empty() && self.maybe.is_empty()
    }

    /// Whether there is anything at all for the poll: facts, doubts or remarks.
    pub fn says_anything(&self) -> bool {
        !self.is_empty() || !self.doubts.is_empty() || !self.remarks.is_empty()
    }
}

/// The texts of one message.
#[derive(Debug, Clone, Copy, Default)]
pub struct Message<'a> {
    pub body: &'a str,
    /// The quoted part, read for answers written between the lines of the poll ("" for none).
    pub quoted: &'a str,
    /// Read only when the rest gives no answer.
    pub subject: &'a str,
}

/// Reads `text` alone, bare numbers naming candidates.
pub fn read(text: &str, candidates: &[Candidate]) -> PollAnswer {
    read_message(
        Message {
            body: text,
            ..Message::default()
        },
        candidates,
        true,
    )
}

/// Reads a message's answer about `candidates`. `numbers`: whether a bare number names a
/// candidate, as it does in a reply to the poll, which asked for them.
pub fn read_message(message: Message<'_>, candidates: &[Candidate], numbers: bool) -> PollAnswer {
    let candidates = &candidates[..candidates.len().min(MAX_CANDIDATES)];
    let mut reader = Reader::new(candidates, numbers);
    reader.read_text(message.body, Source::Body, None);
    if !message.quoted.is_empty() {
        reader.read_inline(message.quoted);
    }
    if reader.entries.iter().all(Option::is_none) && reader.doubts.is_empty() {
        let subject = own_subject(message.subject);
        let mut quiet = Reader::new(candidates, numbers);
        quiet.in_subject = true;
        quiet.read_text(&subject.0, Source::Subject, None);
        if quiet.entries.iter().any(Option::is_some) {
            // Offsets into the subject as received, not into its trimmed part.
            for e in quiet.entries.iter_mut().flatten() {
                e.start += subject.1;
                e.end += subject.1;
            }
            reader = quiet;
        }
    }
    reader.finish()
}

/// The part of a subject that is the person's: without "SV:"/"Re:" and the subject tag.
fn own_subject(subject: &str) -> (String, usize) {
    // Everything after the last "]" of a tag, or the whole subject without its prefixes.
    match subject.rfind(']') {
        Some(i) if i + 1 < subject.len() => (subject[i + 1..].to_string(), i + 1),
        _ => (subject.to_string(), 0),
    }
}

/// Candidates are a bit each.
const MAX_CANDIDATES: usize = 64;

type Slots = u64;

fn bit(i: usize) -> Slots {
    1 << i
}

fn each(s: Slots, n: usize) -> impl Iterator<Item = usize> {
    (0..n).filter(move |i| s & bit(*i) != 0)
}

// ---------------------------------------------------------------------------------------------
// Words

/// Negations. "n't" is matched as an ending.
const NEGATORS: &[&str] = &[
    "ikke", "ikkje", "inte", "not", "never", "aldri", "nei", "no", "cannot", "verken", "hverken", "nor",
];

/// Quantifiers that name every slot, negatively.
const NONE: &[&str] = &["ingen", "inga", "ingi", "none", "neither"];

/// Words after which "begge", "alle", "both", "all" count people: "vi kommer begge".
const PEOPLE_QUANTIFIED: &[&str] = &[
    "vi", "me", "dere", "de", "dei", "oss", "we", "us", "they", "kommer", "kjem", "deltar", "deltek",
    "stiller", "come", "attend", "will",
];

/// Quantifiers that name every slot.
const ALL: &[&str] = &[
    "alle",
    "anything",
    "any day",
    "any date",
    "any time",
    "anytime",
    "alt",
    "samtlige",
    "begge",
    "hvilken som helst",
    "hvilket som helst",
    "kva som helst",
    "kven som helst",
    "all",
    "any",
    "both",
    "either",
    "every",
    "whichever",
];

/// What is said of the slots named: they suit.
const POSITIVE: &[&str] = &[
    "passer",
    "passar",
    "passe",
    "høver",
    "går",
    "gå",
    "gjeng",
    "fungerer",
    "fungerar",
    "funker",
    "funkar",
    "kan",
    "klarer",
    "klarar",
    "rekker",
    "kommer",
    "kjem",
    "deltar",
    "stiller",
    "ok",
    "okay",
    "oki",
    "greit",
    "grei",
    "fint",
    "fin",
    "bra",
    "flott",
    "supert",
    "perfekt",
    "topp",
    "ja",
    "jepp",
    "gjerne",
    "mulig",
    "mulige",
    "mogleg",
    "moglege",
    "mogeleg",
    "mogelege",
    "mulighet",
    "anledning",
    "aktuelt",
    "aktuell",
    "aktuelle",
    "ledig",
    "ledige",
    "best",
    "beste",
    "yes",
    "yep",
    "yeah",
    "suit",
    "suits",
    "suitable",
    "work",
    "works",
    "working",
    "fine",
    "good",
    "great",
    "perfect",
    "available",
    "free",
    "can",
    "could",
    "attend",
    "come",
    "possible",
    "preferred",
    "no problem",
    "not a problem",
    "ikke noe problem",
    "ikkje noko problem",
    "ingen problem",
    "inga problem",
    // "1 passer ikke, men 2 gjør det": the predicate before, said again.
    "gjør det",
    "gjer det",
    "does",
];

/// A preference: what it names suits best; what it does not is still possible.
const PREFERENCE: &[&str] = &[
    "helst",
    "aller helst",
    "foretrekker",
    "føretrekk",
    "prefer",
    "preferably",
    "ideally",
    "ideelt sett",
];

/// Predicates that are a no by themselves.
const NEGATIVE: &[&str] = &[
    "dårlig",
    "dårleg",
    "dårlige",
    "dårlege",
    "vanskelig",
    "vanskeleg",
    // Plural, of weekdays: "Måndagane er vanskelege", "mandagene er vanskelige".
    "vanskelige",
    "vanskelege",
    "umulig",
    "umogleg",
    "umulige",
    "umoglege",
    "uaktuell",
    "uaktuelle",
    "not an option",
    "opptatt",
    "oppteken",
    "opptekne",
    "oppteke",
    "bortreist",
    "borte",
    "fraværende",
    "fråverande",
    "på reise",
    "på ferie",
    "kolliderer",
    "kolliderar",
    "kollisjon",
    "problematisk",
    "vrient",
    "tungt",
    "busy",
    "occupied",
    "away",
    "travelling",
    "traveling",
    "on holiday",
    "on vacation",
    "on leave",
    "unavailable",
    "impossible",
    "difficult",
    "tricky",
    "tough",
    "hard",
    "badly",
    "poorly",
    "bad",
    "clash",
    "clashes",
    "conflict",
    "conflicts",
    "unable",
    "uaktuelt",
    "uaktuell",
    "uaktuelle",
    "out of the question",
    // What fills the time: "har forelesninger på ettermiddagen", "mandagene har vi ledermøte".
    "forelesning",
    "forelesninger",
    "forelesingar",
    "undervisning",
    "undervising",
    "ledermøte",
    "ledermøter",
    "leiarmøte",
    "styremøte",
    "styremøter",
    "permisjon",
    "lectures",
    "teaching",
    "board meeting",
    "ruled out",
    "are out",
    "is out",
];

/// Regret: it goes with a no ("vi kan dessverre ikke"), and is one when nothing positive is said
/// ("dessverre ikke 2.9." / "2.9., dessverre"), but it is no negation of its own: "dessverre
/// ikke" is no double negative.
const SORRY: &[&str] = &[
    "dessverre",
    "diverre",
    "beklageligvis",
    "unfortunately",
    "sadly",
    "regrettably",
];

/// Words that soften a negative predicate into a reservation ("litt vanskelig").
const HEDGES: &[&str] = &[
    "litt", "noe", "noko", "lite", "a bit", "a little", "somewhat", "slightly", "kind of", "rather",
];

/// A reservation: the slot is offered, but not freely.
const MAYBE: &[&str] = &[
    // The last resort: "berre dersom de ikkje finn noko anna", "vil helst unngå".
    "bare hvis",
    "bare dersom",
    "berre dersom",
    "berre viss",
    "kun hvis",
    "only if",
    "hvis dere ikke finner",
    "dersom dere ikke finner",
    "dersom de ikkje finn",
    "viss de ikkje finn",
    "if nothing else",
    "helst unngå",
    "helst slippe",
    "prefer to avoid",
    "rather avoid",
    "would rather not",
    "kanskje",
    "kan hende",
    "kan henda",
    "muligens",
    "moglegvis",
    "eventuelt",
    "evt",
    "om nødvendig",
    "hvis nødvendig",
    "dersom nødvendig",
    "om naudsynt",
    "viss naudsynt",
    "om det er nødvendig",
    "hvis det er nødvendig",
    "dersom det er nødvendig",
    "om det er naudsynt",
    "viss det er naudsynt",
    "dersom det er naudsynt",
    "om det må til",
    "hvis det må til",
    "dersom det må til",
    "viss det må til",
    "om det trengs",
    "hvis det trengs",
    "om vi må",
    "hvis vi må",
    "om me må",
    "i verste fall",
    "i nødsfall",
    "nødløsning",
    "som reserve",
    "reserve",
    "andrevalg",
    "helst ikke",
    "helst ikkje",
    "ikke ideelt",
    "ikkje ideelt",
    "ikke optimalt",
    "mindre gunstig",
    "foreløpig",
    "førebels",
    "med forbehold",
    "forbehold",
    "med atterhald",
    "atterhald",
    "trolig",
    "truleg",
    "sannsynligvis",
    "sannsynlegvis",
    "usikker",
    "usikkert",
    "ikke sikker",
    "ikkje sikker",
    "ikke sikkert",
    "avhengig av",
    "avhenger",
    "maybe",
    "perhaps",
    "possibly",
    "if need be",
    "if necessary",
    "if needed",
    "if required",
    "if we must",
    "if we have to",
    "if i must",
    "if i have to",
    "at a pinch",
    "in a pinch",
    "worst case",
    "as a backup",
    "backup",
    "second choice",
    "preferably not",
    "rather not",
    "ideally not",
    "not ideal",
    "less ideal",
    "tentatively",
    "tentative",
    "provisionally",
    "provisional",
    "probably",
    "likely",
    "uncertain",
    "unsure",
    "not sure",
    "depends",
    "depending",
    "subject to",
];

/// A condition: the slot is offered if something else holds, which a person must judge.
const CONDITION: &[&str] = &[
    "hvis",
    "dersom",
    "viss",
    "forutsatt",
    "så lenge",
    "med mindre",
    "if",
    "provided",
    "providing",
    "as long as",
    "so long as",
    "unless",
];

/// Words that leave a slot open for now.
const OPEN: &[&str] = &[
    "vet ikke",
    "vet ikkje",
    "veit ikkje",
    "vet ennå ikke",
    "kommer tilbake",
    "kjem tilbake",
    "gir beskjed",
    "gi beskjed",
    "sjekker",
    "må sjekke",
    "ikke avklart",
    "uavklart",
    "don't know",
    "do not know",
    "get back",
    "let you know",
    "need to check",
    "will check",
    "not yet",
    "ikke ennå",
    "ennå ikke",
    "enda ikke",
    "ikke enda",
    // "I am not sure yet about 5 September": not a maybe, an answer to come.
    "not sure yet",
    "not yet sure",
    "usikker ennå",
    "usikre ennå",
    "ennå usikker",
    "ennå usikre",
    "usikker enno",
    "enno usikker",
];

/// Words that make the named slots the only ones.
const ONLY: &[&str] = &["bare", "kun", "berre", "only", "just", "utelukkende", "solely"];

/// Words after which the slots named are the exceptions.
const EXCEPT: &[&str] = &[
    "med unntak av",
    "unntatt",
    "untatt",
    "bortsett fra",
    "bortsett frå",
    "med unnatak av",
    "unnateke",
    "excluding",
    "utenom",
    "utanom",
    "except",
    "excepting",
    "but not",
    "other than",
    "apart from",
    "aside from",
    "annet enn",
    "andre enn",
    "anna enn",
];

/// Words that correct an earlier answer.
const CORRECTION: &[&str] = &[
    "likevel",
    "allikevel",
    "alikevel",
    "rettelse",
    "korrigering",
    "korreksjon",
    "glem forrige",
    "glem det",
    "ombestemt",
    "after all",
    "correction",
    "actually",
    "i meant",
    "mente",
];

/// The slots not named so far.
const REST: &[&str] = &[
    "resten",
    "de andre",
    "dei andre",
    "alle andre",
    "de øvrige",
    "dei øvrige",
    "øvrige",
    "ellers",
    "elles",
    "the rest",
    "the others",
    "the other",
    "all other",
    "all the other",
    "the remaining",
    "otherwise",
];

/// A whole answer in one word ("Ja", "Kanskje – …"): what follows it explains.
const ANSWER_WORDS: &[&str] = &[
    "ja", "nei", "kanskje", "yes", "no", "maybe", "ok", "jepp", "nope", "yep",
];

/// What else a clause that only lists slots may hold.
const LIST_WORDS: &[&str] = &[
    // A conclusion: "Vi foretrekker formiddag, så 2 eller 3".
    "så",
    "so",
    "altså",
    "derfor",
    "of",
    "them",
    "dem",
    "av",
    "og",
    "and",
    "eller",
    "or",
    "samt",
    "både",
    "enten",
    "nr",
    "nummer",
    "alternativ",
    "alternativene",
    "alternativ",
    "option",
    "options",
    "forslag",
    "forslagene",
    "tidspunkt",
    "tidspunktene",
    "dato",
    "datoene",
    "datoane",
    "date",
    "dates",
    "datoer",
    "alternativer",
    "alternativa",
    "tidspunkter",
    "tidspunkta",
    "forslaga",
    "slot",
    "slots",
    "number",
    "numbers",
    "for",
    "oss",
    "meg",
    "us",
    "me",
    "den",
    "the",
    "i",
    "in",
    "på",
    "on",
    "om",
    "ja",
    "yes",
    "ok",
    "hei",
    "hi",
    "svar",
    "answer",
];

/// Nouns after a number that make it a count, not a slot.
const COUNTED: &[&str] = &[
    "personer",
    "person",
    "pers",
    "stk",
    "stykker",
    "deltakere",
    "deltagere",
    "deltakarar",
    "people",
    "persons",
    "participants",
    "timer",
    "time",
    "hours",
    "hour",
    "minutter",
    "min",
    "minutes",
    "dager",
    "dagar",
    "days",
    "uker",
    "veker",
    "weeks",
    "kr",
    "prosent",
    "percent",
];

/// Words between two slot references that narrow one by the other ("mandagene i september").
const NARROWING: &[&str] = &[
    "i", "in", "on", "den", "the", "om", "på", "at", "kl", "of", "av", "klokka",
];

const WEEK_WORDS: &[&str] = &["uke", "uka", "uken", "veke", "veka", "week", "wk", "u"];

const ORDINALS: &[(&str, i32)] = &[
    ("første", 1),
    ("fyrste", 1),
    ("first", 1),
    ("andre", 2),
    ("second", 2),
    ("tredje", 3),
    ("third", 3),
    ("fjerde", 4),
    ("fourth", 4),
    ("siste", -1),
    ("last", -1),
];

/// Nouns after an ordinal that make it a slot's number ("det andre forslaget").
const SLOT_NOUNS: &[&str] = &[
    "forslag",
    "forslaget",
    "alternativ",
    "alternativet",
    "tidspunkt",
    "tidspunktet",
    "dato",
    "datoen",
    "option",
    "date",
    "slot",
    "one",
];

/// Short forms of weekdays, read only right before a date ("fre. 2.9.").
const WEEKDAY_ABBREVIATIONS: &[(&str, Weekday)] = &[
    ("man", Weekday::Mon),
    ("mon", Weekday::Mon),
    ("tir", Weekday::Tue),
    ("tirs", Weekday::Tue),
    ("tue", Weekday::Tue),
    ("tues", Weekday::Tue),
    ("ons", Weekday::Wed),
    ("wed", Weekday::Wed),
    ("tor", Weekday::Thu),
    ("tors", Weekday::Thu),
    ("thu", Weekday::Thu),
    ("thur", Weekday::Thu),
    ("thurs", Weekday::Thu),
    ("fre", Weekday::Fri),
    ("fri", Weekday::Fri),
];

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone)]
struct Tok {
    start: usize,
    end: usize,
    /// Lower case; an apostrophe is "'".
    low: String,
    num: bool,
    punct: bool,
}

fn tokenize(text: &str, from: usize, to: usize) -> Vec<Tok> {
    let mut out = Vec::new();
    let s = &text[from..to];
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                let apostrophe = (d == '\'' || d == '’')
                    && s[j + d.len_utf8()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphabetic);
                if d.is_alphanumeric() || apostrophe {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &s[i..end];
            out.push(Tok {
                start: from + i,
                end: from + end,
                low: word.to_lowercase().replace('’', "'"),
                num: word.bytes().all(|b| b.is_ascii_digit()),
                punct: false,
            });
        } else if !c.is_whitespace() {
            out.push(Tok {
                start: from + i,
                end: from + i + c.len_utf8(),
                low: c.to_string(),
                num: false,
                punct: true,
            });
        }
    }
    out
}

/// Where `phrase` (words separated by spaces) starts among the words of `toks[from..]`, and the
/// index after it.
fn find_phrase(toks: &[Tok], phrase: &str, from: usize) -> Option<(usize, usize)> {
    // Without allocating: this runs for every phrase of every list on every clause.
    let (first, rest) = phrase.split_once(' ').unwrap_or((phrase, ""));
    (from..toks.len()).find_map(|k| {
        if toks[k].low != first {
            return None;
        }
        let mut j = k + 1;
        for w in rest.split(' ').filter(|w| !w.is_empty()) {
            if toks.get(j)?.low != w {
                return None;
            }
            j += 1;
        }
        Some((k, j))
    })
}

fn has_any(toks: &[Tok], list: &[&str]) -> bool {
    list.iter().any(|p| find_phrase(toks, p, 0).is_some())
}

/// Every match of the phrases of `list` in `toks`, as token ranges.
fn all_matches(toks: &[Tok], list: &[&str]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for p in list {
        let mut from = 0;
        while let Some((a, b)) = find_phrase(toks, p, from) {
            out.push((a, b));
            from = a + 1;
        }
    }
    out
}

/// The count a word names: a number ([`super::lexicon::number_word`]), or "begge"/"both".
fn number_word(word: &str) -> Option<usize> {
    match word {
        "begge" | "both" => Some(2),
        _ => super::lexicon::number_word(word).map(|n| n as usize),
    }
}

/// Whether `text` names a day, a week or a number the way poll answers name slots ("den 31.",
/// "mandagene", "uke 35", "2 og 4"): a statement that does is about the poll, not about coming.
pub fn names_a_slot(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.bytes().any(|b| b.is_ascii_digit())
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| dates::weekday_word(w).is_some() || ["uke", "uka", "veke", "veka", "week"].contains(&w))
}

// ---------------------------------------------------------------------------------------------
// Mentions: the slots a clause names

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One slot by its number, date or ordinal.
    Specific,
    /// Slots by weekday, week, month, part of day, time, a run of dates.
    General,
    /// "alle", "any".
    All,
    /// "ingen", "none": every slot, negatively.
    None,
    /// "resten", "the other three".
    Rest,
}

#[derive(Debug, Clone)]
struct Mention {
    /// Token indices.
    from: usize,
    to: usize,
    slots: Slots,
    kind: Kind,
    /// The count it says it names ("de tre andre", "both").
    count: Option<usize>,
}

/// What one clause says.
#[derive(Debug, Default, Clone)]
struct Reading {
    main: Slots,
    except: Slots,
    /// Whether the main slots were named one by one.
    specific: bool,
    /// Whether it names slots by something other than "all"/"none" (a weekday, a date).
    named: bool,
    said: Option<Said>,
    /// Names slots but says nothing readable of them.
    unknown: bool,
    open: bool,
    only: bool,
    preference: bool,
    /// Some slot is named one by one (a number, a date) beside whatever else it names.
    names_one: bool,
    condition: bool,
    answer_word: bool,
    /// Dates named that are not slots, in words.
    outside: Vec<String>,
    doubts: Vec<Text>,
    /// A time of day that bounds the slots ("først fra kl. 10", "until 11:00"): the window, in
    /// minutes after midnight, from and until.
    bound: Option<(u32, u32)>,
}

struct Entry {
    said: Said,
    specific: bool,
    sentence: usize,
    source: Source,
    start: usize,
    end: usize,
    /// From the words of a clause before it ("passer dårlig, men kan om nødvendig").
    inherited: bool,
}

struct Reader<'c> {
    candidates: &'c [Candidate],
    numbers: bool,
    entries: Vec<Option<Entry>>,
    /// Slots named so far, whatever was said of them: "resten" is the others.
    named: Slots,
    /// Slots made a maybe by a preference said before any slot was offered ("Vi foretrekker
    /// formiddag"): the slots named next are the choice it led to ("så 2 eller 3"), and those
    /// left out are an implied no.
    preferred_against: Slots,
    open: Slots,
    /// Slots named with nothing readable said of them, with the words.
    unknown: Vec<(usize, String)>,
    /// Some slots were offered (yes or maybe) in plain words, not as a preference.
    offered: bool,
    /// Slots made no by "bare"/"only": said, not implied.
    only_no: Slots,
    correction: bool,
    in_subject: bool,
    doubts: Vec<Text>,
    remarks: Vec<Text>,
    sentence_base: usize,
}

impl<'c> Reader<'c> {
    fn new(candidates: &'c [Candidate], numbers: bool) -> Reader<'c> {
        Reader {
            candidates,
            numbers,
            entries: candidates.iter().map(|_| None).collect(),
            named: 0,
            preferred_against: 0,
            open: 0,
            unknown: Vec::new(),
            offered: false,
            only_no: 0,
            correction: false,
            in_subject: false,
            doubts: Vec::new(),
            remarks: Vec::new(),
            sentence_base: 0,
        }
    }

    fn n(&self) -> usize {
        self.candidates.len()
    }

    fn all(&self) -> Slots {
        if self.n() >= 64 {
            u64::MAX
        } else {
            bit(self.n()) - 1
        }
    }

    fn reference(&self) -> NaiveDate {
        self.candidates
            .iter()
            .map(Candidate::date)
            .min()
            .unwrap_or_default()
            - chrono::Duration::days(60)
    }

    /// The slots in the week after the week of the last of `before`.
    fn week_after(&self, before: Slots) -> Slots {
        let Some(last) = each(before, self.n()).map(|i| self.candidates[i].date()).max() else {
            return 0;
        };
        let monday = last - chrono::Duration::days(last.weekday().num_days_from_monday() as i64);
        let (from, to) = (
            monday + chrono::Duration::days(7),
            monday + chrono::Duration::days(13),
        );
        (0..self.n())
            .filter(|&i| (from..=to).contains(&self.candidates[i].date()))
            .fold(0, |s, i| s | bit(i))
    }

    /// Reads `text`; `context` is the slot the text is written under (an inline answer).
    fn read_text(&mut self, text: &str, source: Source, context: Option<Slots>) {
        let spans = dates::find_spans(text, self.reference());
        let clauses = clauses::split(text);
        let clauses = merge_lists(text, clauses);
        let clauses = split_at_a_colon(text, split_at_the_rest(text, clauses));
        let mut previous: Option<(usize, Slots)> = None;
        // The slots the clause before named by their day: its exception when it had one ("all
        // but Friday 2 September").
        let mut named_before: Option<(usize, Slots)> = None;
        let mut locked: Option<usize> = None;
        let mut context_said: Option<usize> = None;
        let mut said_alone: Option<(usize, Said)> = None;
        for (k, clause) in clauses.iter().enumerate() {
            let toks = tokenize(text, clause.start, clause.end);
            let words = clause.text(text).trim();
            // The spans are in order of their start: the clause's are a run of them.
            let first = spans.partition_point(|s| s.start < clause.start);
            let date_spans: Vec<&dates::DateSpan> = spans[first..]
                .iter()
                .take_while(|s| s.start < clause.end)
                .collect();
            let mut reading = self.read_clause(&toks, &date_spans, text);
            let sentence = self.sentence_base + clause.sentence;
            if has_any(&toks, CORRECTION) {
                self.correction = true;
            }
            // A sentence opened by a whole answer ("Kanskje – Jan er bortreist, men jeg kan"):
            // what follows in it explains, unless it names slots of its own.
            // A reservation in contrast ("[Ja, men helst ikke]" under a slot) still softens it.
            let softens = clause.joint == Joint::Contrast
                && context.is_some()
                && (reading.said == Some(Said::Maybe) || reading.bound.is_some());
            if locked == Some(clause.sentence) && reading.main == 0 && reading.except == 0 && !softens {
                continue;
            }
            // "Wednesday only if need be, as we have a board meeting that morning": the morning
            // of the slot just named, not every morning.
            // "any of the times works except Friday 2 September – we have a delegation visit
            // that day": the day named, the exception.
            if let Some((s, before)) = named_before
                && s == clause.sentence
                && !(reading.specific && reading.main != 0)
                && reading.except == 0
                && demonstrative_time(&toks)
            {
                reading.main = before;
                reading.specific = true;
            }
            // "Hele uke 35 går fint, men ikke uka etter": the week after the slots said before.
            if reading.main == 0
                && reading.except == 0
                && let Some((_, before)) = previous
                && week_after(&toks)
            {
                reading.main = self.week_after(before);
                reading.specific = true;
            }
            let mut inherited = false;
            let mut from_context = false;
            if reading.main == 0 && reading.except == 0 && reading.outside.is_empty() {
                if let Some(slots) = context {
                    // Under a slot, as in running text: after the sentence's answer, only a
                    // contrast ("men bare før lunsj") says more of the slot; the rest explains
                    // ("Går, men helst ikke – vi har styremøte kvelden før").
                    // A reservation after it says more too ("Kan gå, om det må til").
                    if context_said != Some(clause.sentence)
                        || clause.joint == Joint::Contrast
                        || reading.said == Some(Said::Maybe)
                    {
                        reading.main = slots;
                        reading.specific = true;
                        from_context = true;
                        // "Helst ikke, men kan gå" under a slot: the turn is read against the
                        // reservation before it, as in running text.
                        inherited = clause.joint == Joint::Contrast && context_said == Some(clause.sentence);
                    }
                } else if let Some((s, slots)) = previous
                    && s == clause.sentence
                    && clause.joint == Joint::Contrast
                {
                    reading.main = slots;
                    reading.specific = true;
                    inherited = true;
                }
            }
            // "I uke 36 starter eksamen, så den mandagen faller bort": the weekday of the slots
            // just named.
            if let Some((s, before)) = previous
                && s == clause.sentence
                && reading.main & before != 0
                && reading.main & !before != 0
                && toks.windows(2).any(|w| {
                    matches!(
                        w[0].low.as_str(),
                        "den" | "denne" | "that" | "this" | "samme" | "same"
                    ) && dates::weekday_word(&w[1].low).is_some()
                })
            {
                reading.main &= before;
            }
            // "Det som passer for oss, er mandag 29. august og …": what was said before the slots,
            // in the same sentence, is said of them.
            // Not a no before "only" ("Jeg er på reise, så bare 2. og 5. sept. …"): what the
            // only names is then the exception, and the clause's own word must say so.
            if reading.main != 0
                && reading.said.is_none()
                && !reading.open
                && let Some((s, said)) = said_alone
                && s == clause.sentence
                && !(said == Said::No && has_any(&toks, ONLY))
            {
                reading.said = Some(said);
                reading.unknown = false;
            }
            // Not a condition ("If we can choose, Monday 29 August is our preference").
            if reading.main == 0 && reading.except == 0 && !clause.question {
                said_alone = reading
                    .said
                    .filter(|_| !reading.condition && !has_any(&toks, CONDITION))
                    .map(|said| (clause.sentence, said));
            }
            if reading.answer_word && k + 1 < clauses.len() && clauses[k + 1].sentence == clause.sentence {
                locked = Some(clause.sentence);
            }
            for d in std::mem::take(&mut reading.doubts) {
                self.doubts.push(d.within(|_, d| format!("{d}: «{words}»")));
            }
            // "Alternativ⇥Tidspunkt⇥Passer for HOD?": a table's header, not a question.
            if clause.question && !words.contains('\t') {
                if !self.in_subject {
                    let outside = reading.outside.join(", ");
                    self.remarks
                        .push(match (reading.main != 0, reading.outside.is_empty()) {
                            (_, false) => words!(
                                "spør om {outside}, som ikke er blant tidspunktene: «{words}»",
                                "asks about {outside}, not among the slots: «{words}»"
                            ),
                            (true, _) => Text::quoting(
                                "et spørsmål om tidspunktene",
                                "a question about the slots",
                                words,
                            ),
                            _ => Text::quoting("et spørsmål", "a question", words),
                        });
                }
                continue;
            }
            if !reading.outside.is_empty() && matches!(reading.said, Some(Said::Yes | Said::Maybe)) {
                let outside = reading.outside.join(", ");
                self.remarks.push(words!(
                    "foreslår {outside}, som ikke er blant tidspunktene: «{words}»",
                    "proposes {outside}, not among the slots: «{words}»"
                ));
            }
            if reading.condition && reading.main != 0 && !self.in_subject {
                self.remarks
                    .push(Text::quoting("et forbehold", "a condition", words));
            }
            let slots = reading.main | reading.except;
            if slots != 0 {
                previous = Some((clause.sentence, reading.main));
                let named = if reading.except != 0 {
                    reading.except
                } else {
                    reading.main
                };
                named_before = Some((clause.sentence, named));
            }
            if from_context && reading.said.is_some() {
                context_said = Some(clause.sentence);
            }
            // "Nr. 4 er jeg usikker på – må sjekke og kommer tilbake om den": an answer to come,
            // in the sentence that was unsure of a slot, leaves the slot open.
            if reading.open
                && reading.said.is_none()
                && reading.main == 0
                && reading.except == 0
                && let Some((s, before)) = previous
                && s == clause.sentence
            {
                let unsure = |e: &Option<Entry>| {
                    e.as_ref()
                        .is_some_and(|e| e.said == Said::Maybe && e.sentence == sentence)
                };
                let opened: Slots = each(before, self.n())
                    .filter(|&i| unsure(&self.entries[i]))
                    .fold(0, |acc, i| acc | bit(i));
                if opened != 0 {
                    for i in each(opened, self.n()) {
                        self.entries[i] = None;
                    }
                    self.open |= opened;
                    continue;
                }
            }
            if let Some(window) = reading.bound
                && reading.main != 0
            {
                self.apply_bound(reading, window, sentence, source, clause, text, inherited);
                continue;
            }
            self.apply(&reading, sentence, source, clause, text, inherited);
        }
        self.sentence_base += clauses.last().map(|c| c.sentence + 1).unwrap_or(0);
    }

    /// What one clause says of which slots.
    fn read_clause(&self, toks: &[Tok], spans: &[&dates::DateSpan], text: &str) -> Reading {
        let mut r = Reading::default();
        let mut used = vec![false; toks.len()];
        let mut mentions = self.mentions(toks, spans, text, &mut used, &mut r);
        mentions.sort_by_key(|m| m.from);
        // The exception: what follows "unntatt"/"except".
        let except_at = EXCEPT
            .iter()
            .filter_map(|p| find_phrase(toks, p, 0))
            .min_by_key(|(a, _)| *a)
            .or_else(|| {
                // "any date but Monday", "all but 2": "but" after "all" is "except".
                let k = toks.iter().position(|t| t.low == "but")?;
                mentions
                    .iter()
                    .any(|m| m.kind == Kind::All && m.to <= k)
                    .then_some((k, k + 1))
            });
        let (before, after): (Vec<Mention>, Vec<Mention>) = match except_at {
            Some((a, _)) => mentions.into_iter().partition(|m| m.from < a),
            None => (mentions, Vec::new()),
        };
        r.except = self.combine(&after, toks, &mut r.doubts).0;
        let (main, specific, kinds) = self.combine(&before, toks, &mut r.doubts);
        r.main = main;
        r.specific = specific;
        r.named = kinds
            .iter()
            .any(|k| matches!(k, Kind::Specific | Kind::General | Kind::Rest));
        r.names_one = kinds.contains(&Kind::Specific);
        let none = kinds.contains(&Kind::None);
        if r.main == 0 && r.except != 0 && except_at.is_some() {
            // "Alle unntatt fredag" with "alle" found; "unntatt fredag" alone: every other.
            r.main = self.all() & !r.except;
        }
        // What is said.
        let phrases = |list: &[&str]| all_matches(toks, list);
        let covered = |ranges: &[(usize, usize)], k: usize| ranges.iter().any(|(a, b)| (*a..*b).contains(&k));
        let mut maybe = phrases(MAYBE);
        // A limit of the time ("bare til kl. 11", "må gå før kl. 11") that is read as a window
        // is said by the window, slot by slot.
        maybe.extend(
            reservations(toks)
                .into_iter()
                .filter(|&(a, b)| r.bound.is_none() || !(a..(b + 2).min(toks.len())).any(|k| used[k])),
        );
        let positive_phrases = phrases(POSITIVE);
        let negative = phrases(NEGATIVE);
        let hedged = negative
            .iter()
            .any(|(a, _)| HEDGES.iter().any(|h| phrase_ends_at(toks, h, *a)));
        let open = phrases(OPEN);
        // A reservation inside an answer to come is that answer ("not sure yet").
        maybe.retain(|(a, b)| !open.iter().any(|(c, d)| c <= a && b <= d));
        let negator = toks.iter().enumerate().any(|(k, t)| {
            (NEGATORS.contains(&t.low.as_str()) || t.low.ends_with("n't"))
                && !covered(&maybe, k)
                && !covered(&positive_phrases, k)
                && !covered(&open, k)
                && !used[k]
        });
        let sorry = has_any(toks, SORRY);
        let positive = positive_phrases.iter().any(|(a, b)| (*a..*b).all(|k| !used[k]));
        let busy = busy(toks);
        let negative = (!negative.is_empty() && !hedged) || busy;
        r.preference = has_any(toks, PREFERENCE);
        r.condition = has_any(toks, CONDITION) && maybe.is_empty();
        // "berre dersom …" is a last resort, not "only".
        r.only = all_matches(toks, ONLY).iter().any(|(a, _)| !covered(&maybe, *a));
        r.open = !open.is_empty();
        let words: Vec<&Tok> = toks.iter().filter(|t| !t.punct).collect();
        r.answer_word = words.len() <= 2
            && !words.is_empty()
            && ANSWER_WORDS.contains(&words[0].low.as_str())
            && r.main == 0;
        // "Alle unntatt fredag", "bare 2", "helst 3": a list with the words that shape it.
        let quantifiers: Vec<(usize, usize)> = [EXCEPT, ONLY, PREFERENCE]
            .iter()
            .flat_map(|list| phrases(list))
            .collect();
        let bare = !toks.is_empty()
            && toks.iter().enumerate().all(|(k, t)| {
                used[k] || t.punct || LIST_WORDS.contains(&t.low.as_str()) || covered(&quantifiers, k)
            });
        r.said = if !maybe.is_empty() || hedged {
            Some(Said::Maybe)
        } else if negator && negative {
            // "ikke vanskelig", "not busy": a double negative is read by a person.
            if r.main != 0 {
                r.doubts.push(Text::new(
                    "en nektelse av noe negativt",
                    "a negation of a negative",
                ));
            }
            None
        } else if negative || negator || none || (sorry && !positive) {
            Some(Said::No)
        } else if r.open {
            None
        } else if positive && r.condition {
            Some(Said::Maybe)
        } else if positive || bare || (r.preference && r.main != 0) {
            // "helst om formiddagen": a preference says yes to what it names.
            Some(Said::Yes)
        } else {
            None
        };
        // Slots named (one by one, or by weekday, week, part of day) with nothing readable said
        // of them: left alone they would become an implied no.
        if r.said.is_none() && !r.open && (r.specific || r.named) && r.main != 0 {
            r.unknown = true;
        }
        r
    }

    /// The slot references in a clause; marks their tokens used.
    fn mentions(
        &self,
        toks: &[Tok],
        spans: &[&dates::DateSpan],
        text: &str,
        used: &mut [bool],
        r: &mut Reading,
    ) -> Vec<Mention> {
        let n = self.n();
        let mut out: Vec<Mention> = Vec::new();
        let covering = |s: usize, e: usize| -> (usize, usize) {
            let from = toks.iter().position(|t| t.end > s).unwrap_or(toks.len());
            let to = toks
                .iter()
                .rposition(|t| t.start < e)
                .map(|k| k + 1)
                .unwrap_or(from);
            (from, to.max(from))
        };
        // Dates and runs of dates.
        for span in spans {
            let (from, to) = covering(span.start, span.end);
            let mut first = span.first;
            let mut last = span.last;
            // "etter 31. august", "fra og med 2. september", "before 5 September"; the weekday
            // of the date between them ("fra og med onsdag 31. august") changes nothing.
            let before: Vec<&str> = toks[..from]
                .iter()
                .rev()
                .skip_while(|t| {
                    dates::weekday_word(&t.low).is_some() || t.low == "den" || t.punct && t.low == ","
                })
                .take(3)
                .map(|t| t.low.as_str())
                .collect();
            let one = first == last;
            if one {
                match before.as_slice() {
                    ["etter", ..] | ["after", ..] => {
                        first = first.succ_opt().unwrap_or(first);
                        last = NaiveDate::MAX;
                    }
                    ["før", ..] | ["before", ..] => {
                        last = last.pred_opt().unwrap_or(last);
                        first = NaiveDate::MIN;
                    }
                    ["med", "og", "fra" | "frå", ..]
                    | ["fra", ..]
                    | ["frå", ..]
                    | ["from", ..]
                    | ["f", ..]
                    | ["tidligst", ..]
                    | ["earliest", ..] => last = NaiveDate::MAX,
                    ["med", "og", "til", ..]
                    | ["til", "fram" | "frem" | "helt", ..]
                    | ["inntil", ..]
                    | ["senest", ..]
                    | ["latest", ..]
                    | ["until", ..]
                    | ["till", ..] => first = NaiveDate::MIN,
                    // "på ferie til 1. september": away until then ("flytte til 1. september"
                    // is a day proposed, not a span).
                    ["til", ..] if busy(toks) => first = NaiveDate::MIN,
                    _ => {}
                }
            }
            let slots = self.on_dates(first, last);
            let mut from = from;
            // A weekday right before a date ("mandag 29. august", "fre. 2.9."): the same day, or a slip.
            let mut k = from;
            while k > 0
                && (toks[k - 1].punct && toks[k - 1].low == ","
                    || toks[k - 1].low == "den"
                    || toks[k - 1].low == "the"
                    || toks[k - 1].low == ".")
            {
                k -= 1;
            }
            if k > 0 {
                let w = &toks[k - 1].low;
                let day = dates::weekday_word(w).map(|(d, _)| d).or_else(|| {
                    WEEKDAY_ABBREVIATIONS
                        .iter()
                        .find(|(a, _)| a == w)
                        .map(|(_, d)| *d)
                });
                if let Some(day) = day {
                    if one && span.first.weekday() != day {
                        let date = span.first.format("%-d.%-m.");
                        let nb = weekday(span.first.weekday(), Lang::Nb);
                        let en = weekday(span.first.weekday(), Lang::En);
                        r.doubts.push(words!(
                            "{date} er en {nb}, ikke den ukedagen som står",
                            "{date} is a {en}, not the weekday written"
                        ));
                    }
                    from = k - 1;
                }
            }
            for u in used.iter_mut().take(to).skip(from) {
                *u = true;
            }
            if slots == 0 {
                if span.first >= self.reference() + chrono::Duration::days(45) {
                    r.outside.push(if one {
                        span.first.format("%-d.%-m.").to_string()
                    } else {
                        format!(
                            "{}–{}",
                            span.first.format("%-d.%-m."),
                            span.last.format("%-d.%-m.")
                        )
                    });
                }
                continue;
            }
            out.push(Mention {
                from,
                to,
                slots,
                kind: if one && slots.count_ones() == 1 {
                    Kind::Specific
                } else {
                    Kind::General
                },
                count: None,
            });
        }
        // Weeks: "uke 35", "uke 35 og 36", "første uka i september", "the first week of September".
        for k in 0..toks.len() {
            if used[k] || !WEEK_WORDS.contains(&toks[k].low.as_str()) {
                continue;
            }
            // "uke 35", "uke nr. 35", "week 35-36".
            let mut j = k + 1;
            while j < toks.len() && matches!(toks[j].low.as_str(), "nr" | "." | "no") {
                j += 1;
            }
            let mut weeks = Vec::new();
            let mut end = j;
            while j < toks.len() && toks[j].num {
                let Ok(w) = toks[j].low.parse::<u32>() else { break };
                if !(1..=53).contains(&w) {
                    break;
                }
                weeks.push(w);
                end = j + 1;
                // "35 og 36", "35/36", "35-36".
                if j + 2 < toks.len()
                    && matches!(
                        toks[j + 1].low.as_str(),
                        "og" | "and" | "/" | "," | "eller" | "or" | "-" | "–"
                    )
                    && toks[j + 2].num
                {
                    let range = matches!(toks[j + 1].low.as_str(), "-" | "–");
                    if range && let (Some(a), Ok(b)) = (weeks.last().copied(), toks[j + 2].low.parse::<u32>())
                    {
                        weeks.extend((a + 1)..b);
                    }
                    j += 2;
                } else {
                    break;
                }
            }
            if !weeks.is_empty() && toks[k].low != "u"
                || (toks[k].low == "u" && weeks.len() == 1 && toks[k].end == toks[k + 1].start)
            {
                let slots = self
                    .candidates
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| weeks.contains(&c.date().iso_week().week()))
                    .fold(0, |s, (i, _)| s | bit(i));
                for u in used.iter_mut().take(end).skip(k) {
                    *u = true;
                }
                if slots == 0 {
                    r.outside.push(format!(
                        "uke {}",
                        weeks.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
                    ));
                    continue;
                }
                out.push(Mention {
                    from: k,
                    to: end,
                    slots,
                    kind: Kind::General,
                    count: None,
                });
                continue;
            }
            // "første uka i september", "siste uke i august", "the first week of September".
            let ordinal = k.checked_sub(1).and_then(|p| {
                let w = toks[p].low.as_str();
                ORDINALS
                    .iter()
                    .find(|(o, _)| *o == w)
                    .map(|(_, n)| (p, *n))
                    .or_else(|| {
                        // "1. uke i september"
                        (p >= 1 && w == "." && toks[p - 1].num)
                            .then(|| (p - 1, toks[p - 1].low.parse().unwrap_or(0)))
                    })
            });
            if let Some((p, nth)) = ordinal
                && toks
                    .get(k + 1)
                    .is_some_and(|t| matches!(t.low.as_str(), "i" | "in" | "of" | "av"))
                && let Some(month) = toks.get(k + 2).and_then(|t| dates::month_named(&t.low))
            {
                let from = if p > 0 && matches!(toks[p - 1].low.as_str(), "den" | "the") {
                    p - 1
                } else {
                    p
                };
                let year = self.year_of_month(month);
                let Some(first_day) = NaiveDate::from_ymd_opt(year, month, 1) else {
                    continue;
                };
                let days_in = days_in_month(first_day);
                let (a, b) = if nth > 0 {
                    let a = 1 + 7 * (nth as u32 - 1);
                    (a, (a + 6).min(days_in))
                } else {
                    (days_in - 6, days_in)
                };
                let (Some(first), Some(last)) = (
                    NaiveDate::from_ymd_opt(year, month, a),
                    NaiveDate::from_ymd_opt(year, month, b),
                ) else {
                    continue;
                };
                for u in used.iter_mut().take(k + 3).skip(from) {
                    *u = true;
                }
                let slots = self.on_dates(first, last);
                if slots == 0 {
                    r.outside.push(format!(
                        "{}–{}",
                        first.format("%-d.%-m."),
                        last.format("%-d.%-m.")
                    ));
                    continue;
                }
                out.push(Mention {
                    from,
                    to: k + 3,
                    slots,
                    kind: Kind::General,
                    count: None,
                });
            }
        }
        // Parts of a month that do not say which days.
        for (k, t) in toks.iter().enumerate() {
            if used[k] {
                continue;
            }
            let vague = matches!(
                t.low.as_str(),
                "begynnelsen"
                    | "starten"
                    | "slutten"
                    | "enden"
                    | "midten"
                    | "early"
                    | "late"
                    | "mid"
                    | "beginning"
                    | "end"
                    | "tidlig"
                    | "sent"
            );
            let month_at = |j: usize| toks.get(j).and_then(|t| dates::month_named(&t.low));
            let m = month_at(k + 1).or_else(|| {
                toks.get(k + 1)
                    .filter(|t| matches!(t.low.as_str(), "av" | "of" | "i" | "in"))
                    .and_then(|_| month_at(k + 2))
            });
            if vague && let Some(month) = m {
                let to = if month_at(k + 1).is_some() { k + 2 } else { k + 3 };
                // Its first ten days, its middle, its last ten: a slot clearly inside or outside
                // is named or not; one within two days of the edge is for a person.
                let year = self.year_of_month(month);
                let length = NaiveDate::from_ymd_opt(year, month, 1).map_or(30, days_in_month);
                let (from, until) = match t.low.as_str() {
                    "begynnelsen" | "starten" | "early" | "beginning" | "tidlig" => (1, 10),
                    "midten" | "mid" => (11, 20),
                    _ => (length.saturating_sub(9), length),
                };
                let mut slots = 0;
                let mut near_edge = false;
                for (i, c) in self.candidates.iter().enumerate() {
                    let d = c.date();
                    if d.month() != month {
                        continue;
                    }
                    let day = d.day();
                    if (from..=until).contains(&day) {
                        slots |= bit(i);
                    }
                    let edge = |e: u32| day.abs_diff(e) <= 2;
                    near_edge |= (from > 1 && edge(from)) || (until < length && edge(until));
                }
                // "ettermiddagene i slutten av august og begynnelsen av september": a part of the
                // day or a weekday beside it shapes it in ways a person reads.
                let shaped = toks.iter().any(|t| {
                    let w = t.low.as_str();
                    dates::weekday_word(w).is_some()
                        || [
                            "formiddag",
                            "ettermiddag",
                            "føremiddag",
                            "morning",
                            "afternoon",
                            "morgen",
                            "kveld",
                        ]
                        .iter()
                        .any(|p| w.starts_with(p))
                });
                if near_edge || shaped {
                    let quote = &text[t.start..toks[(to - 1).min(toks.len() - 1)].end];
                    r.doubts.push(words!(
                        "«{quote}» sier ikke hvilke dager",
                        "«{quote}» does not say which days"
                    ));
                } else {
                    out.push(Mention {
                        from: k,
                        to,
                        slots,
                        kind: Kind::General,
                        count: None,
                    });
                }
                for u in used.iter_mut().take(to).skip(k) {
                    *u = true;
                }
            }
        }
        // Months: "i september", "in August", "september-datoene", "augustdatoene".
        for (k, t) in toks.iter().enumerate() {
            if used[k] {
                continue;
            }
            let compound = ["datoene", "datoane", "datoen", "møtet"]
                .iter()
                .find_map(|suffix| t.low.strip_suffix(suffix).and_then(dates::month_named));
            let month = dates::month_named(&t.low).filter(|_| {
                let prev = k.checked_sub(1).map(|p| toks[p].low.as_str()).unwrap_or("");
                let next = toks.get(k + 1).map(|t| t.low.as_str()).unwrap_or("");
                let after_dash = toks.get(k + 2).map(|t| t.low.as_str()).unwrap_or("");
                matches!(prev, "i" | "in" | "during" | "av" | "of" | "the" | "for")
                    || matches!(next, "datoene" | "datoane" | "dates" | "dagene" | "dagane")
                    || (next == "-" && matches!(after_dash, "datoene" | "datoane" | "dates" | "møtet"))
            });
            let Some(month) = month.or(compound) else { continue };
            used[k] = true;
            let slots = self
                .candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| c.date().month() == month)
                .fold(0, |s, (i, _)| s | bit(i));
            if slots == 0 {
                continue;
            }
            out.push(Mention {
                from: k,
                to: k + 1,
                slots,
                kind: Kind::General,
                count: None,
            });
        }
        // Weekdays.
        for (k, t) in toks.iter().enumerate() {
            if used[k] {
                continue;
            }
            let Some((day, plural)) = dates::weekday_word(&t.low) else {
                continue;
            };
            used[k] = true;
            let slots = self
                .candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| c.date().weekday() == day)
                .fold(0, |s, (i, _)| s | bit(i));
            let count = k
                .checked_sub(1)
                .and_then(|p| number_word(&toks[p].low))
                .filter(|_| plural);
            if slots == 0 {
                continue;
            }
            out.push(Mention {
                from: k,
                to: k + 1,
                slots,
                kind: Kind::General,
                count,
            });
        }
        // Parts of the day.
        for (k, t) in toks.iter().enumerate() {
            if used[k] {
                continue;
            }
            let w = t.low.as_str();
            let next = toks.get(k + 1).map(|t| t.low.as_str()).unwrap_or("");
            let morning = w.starts_with("formiddag")
                || w.starts_with("føremiddag")
                || w.starts_with("morning")
                || matches!(w, "morgenen" | "morgonen" | "morgener" | "morgenene")
                || (w == "før" && matches!(next, "lunsj" | "lunch" | "tolv"))
                || (w == "before" && matches!(next, "lunch" | "noon"));
            let afternoon = w.starts_with("ettermiddag")
                || w.starts_with("afternoon")
                || (w == "etter" && matches!(next, "lunsj" | "lunch"))
                || (w == "after" && matches!(next, "lunch" | "noon"));
            if !(morning || afternoon) {
                continue;
            }
            let two = matches!(w, "før" | "etter" | "before" | "after");
            used[k] = true;
            if two {
                used[k + 1] = true;
            }
            let slots = self
                .candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| (c.start.hour() < 12) == morning)
                .fold(0, |s, (i, _)| s | bit(i));
            out.push(Mention {
                from: k,
                to: k + 1 + usize::from(two),
                slots,
                kind: Kind::General,
                count: None,
            });
        }
        // A bound on the time of day: "først fra kl. 10", "må gå før kl. 10.30", "from 10:00".
        for k in 1..toks.len() {
            if used[k] || used[k - 1] {
                continue;
            }
            let from = matches!(
                toks[k - 1].low.as_str(),
                "fra" | "frå" | "etter" | "tidligst" | "from" | "after"
            );
            let until = matches!(toks[k - 1].low.as_str(), "til" | "før" | "senest" | "until" | "till" | "before")
                // "må gå kl. 10.30": leaving then.
                || (matches!(toks[k - 1].low.as_str(), "gå" | "dra" | "leave")
                    && matches!(toks[k].low.as_str(), "kl" | "klokka" | "klokken"));
            if !(from || until) {
                continue;
            }
            let clock = matches!(toks[k].low.as_str(), "kl" | "klokka" | "klokken");
            let mut j = if clock { k + 1 } else { k };
            if clock && toks.get(j).is_some_and(|t| t.low == ".") {
                j += 1;
            }
            let Some(hour) = toks
                .get(j)
                .filter(|t| t.num)
                .and_then(|t| t.low.parse::<u32>().ok())
            else {
                continue;
            };
            let mut end = j + 1;
            let mut minute = 0;
            if toks.get(end).is_some_and(|t| t.low == "." || t.low == ":")
                && let Some(m) = toks.get(end + 1).filter(|t| t.num && t.low.len() == 2)
            {
                minute = m.low.parse::<u32>().unwrap_or(0);
                end += 2;
            }
            // Without "kl.", a time is a time only as "10:00", "10.30" or "10am" (not "fra 29.").
            let am_pm = toks
                .get(end)
                .is_some_and(|t| matches!(t.low.as_str(), "am" | "pm"));
            if !(clock || am_pm || end == j + 3 && toks[j + 1].low == ":") {
                continue;
            }
            let hour = if am_pm && toks[end].low == "pm" && hour < 12 {
                hour + 12
            } else {
                hour
            };
            end += usize::from(am_pm);
            if hour > 23 || minute > 59 {
                continue;
            }
            let at = hour * 60 + minute;
            let (lo, hi) = r.bound.unwrap_or((0, 24 * 60));
            r.bound = Some(if from { (at.max(lo), hi) } else { (lo, at.min(hi)) });
            for u in used.iter_mut().take(end).skip(k - 1) {
                *u = true;
            }
        }
        // Times: "kl. 9", "kl. 13.00–15.00", "13:00".
        for k in 0..toks.len() {
            if used[k] || !matches!(toks[k].low.as_str(), "kl" | "klokka" | "klokken" | "at") {
                continue;
            }
            let mut j = k + 1;
            if toks.get(j).is_some_and(|t| t.low == ".") {
                j += 1;
            }
            let Some(hour) = toks
                .get(j)
                .filter(|t| t.num)
                .and_then(|t| t.low.parse::<u32>().ok())
            else {
                continue;
            };
            if hour > 23 {
                continue;
            }
            let mut end = j + 1;
            if toks.get(end).is_some_and(|t| t.low == "." || t.low == ":")
                && toks.get(end + 1).is_some_and(|t| t.num)
            {
                end += 2;
            }
            // "13.00–15.00": the end of the time.
            if toks.get(end).is_some_and(|t| matches!(t.low.as_str(), "-" | "–"))
                && toks.get(end + 1).is_some_and(|t| t.num)
            {
                end += 2;
                if toks.get(end).is_some_and(|t| t.low == "." || t.low == ":")
                    && toks.get(end + 1).is_some_and(|t| t.num)
                {
                    end += 2;
                }
            }
            for u in used.iter_mut().take(end).skip(k) {
                *u = true;
            }
            let slots = self
                .candidates
                .iter()
                .enumerate()
                .filter(|(_, c)| c.start.hour() == hour)
                .fold(0, |s, (i, _)| s | bit(i));
            if toks[k].low == "at" && slots == 0 {
                continue;
            }
            out.push(Mention {
                from: k,
                to: end,
                slots,
                kind: Kind::General,
                count: None,
            });
        }
        // Ordinals with a slot noun: "det andre forslaget", "the last option".
        for k in 0..toks.len() {
            if used[k] {
                continue;
            }
            let Some((_, nth)) = ORDINALS.iter().find(|(o, _)| *o == toks[k].low) else {
                continue;
            };
            if !toks
                .get(k + 1)
                .is_some_and(|t| SLOT_NOUNS.contains(&t.low.as_str()))
            {
                continue;
            }
            let i = if *nth > 0 {
                *nth as usize - 1
            } else {
                n.saturating_sub(1)
            };
            if i < n {
                used[k] = true;
                used[k + 1] = true;
                out.push(Mention {
                    from: k,
                    to: k + 2,
                    slots: bit(i),
                    kind: Kind::Specific,
                    count: None,
                });
            }
        }
        // Numbers: "1 og 3", "nr. 2", "1-3", "the 31st", "den 2.", "29.".
        for k in 0..toks.len() {
            if used[k] {
                continue;
            }
            let t = &toks[k];
            let prev = k.checked_sub(1).map(|p| toks[p].low.as_str()).unwrap_or("");
            let prev2 = k.checked_sub(2).map(|p| toks[p].low.as_str()).unwrap_or("");
            let labelled = matches!(
                prev,
                "nr" | "nummer" | "alternativ" | "option" | "forslag" | "tidspunkt" | "#" | "no"
            ) || (prev == "." && matches!(prev2, "nr" | "no"));
            // "31st", "2nd".
            if let Some(digits) = ["st", "nd", "rd", "th"]
                .iter()
                .find_map(|s| t.low.strip_suffix(s))
                && let Ok(day) = digits.parse::<u32>()
            {
                used[k] = true;
                self.day_mention(day, k, k + 1, &mut out, r);
                continue;
            }
            // "alternativ to", "option three": a number in words after its label.
            if labelled
                && !t.num
                && let Some(value) = number_word(&t.low)
                && (1..=n).contains(&value)
            {
                used[k] = true;
                out.push(Mention {
                    from: k,
                    to: k + 1,
                    slots: bit(value - 1),
                    kind: Kind::Specific,
                    count: None,
                });
                continue;
            }
            if !t.num || t.low.len() > 2 {
                continue;
            }
            let Ok(value) = t.low.parse::<usize>() else {
                continue;
            };
            let next = toks.get(k + 1).map(|t| t.low.as_str()).unwrap_or("");
            let next2 = toks.get(k + 2).map(|t| t.low.as_str()).unwrap_or("");
            let time = matches!(prev, "kl" | "klokka" | "klokken" | "ca" | "tlf" | "rom" | "room")
                || (prev == "." && matches!(prev2, "kl" | "ca"))
                || (next == ":" && toks.get(k + 2).is_some_and(|t| t.num))
                || (next == "."
                    && toks
                        .get(k + 2)
                        .is_some_and(|t| t.num && t.start == toks[k + 1].end));
            let counted = COUNTED.contains(&next)
                || (matches!(next, "av") && matches!(next2, "oss" | "dere"))
                || (next == "of" && next2 == "us")
                || matches!(prev, "blir" | "are");
            if time || counted {
                continue;
            }
            let dotted = next == "." && toks.get(k + 1).is_some_and(|d| d.start == t.end);
            // "fredag 2." is the second, not option 2: a day's number after its weekday.
            let day_article =
                matches!(prev, "den" | "the") || dates::weekday_word(prev).is_some_and(|(_, plural)| !plural);
            if (dotted && value > n) || day_article || (value > n && (13..=31).contains(&value)) {
                used[k] = true;
                self.day_mention(value as u32, k, k + 1, &mut out, r);
                continue;
            }
            if !(self.numbers || labelled) || value == 0 || value > n {
                continue;
            }
            used[k] = true;
            // "1-3": a run of numbers.
            if matches!(next, "-" | "–")
                && let Some(last) = toks
                    .get(k + 2)
                    .filter(|t| t.num)
                    .and_then(|t| t.low.parse::<usize>().ok())
                && last > value
                && last <= n
            {
                used[k + 1] = true;
                used[k + 2] = true;
                let slots = ((value - 1)..last).fold(0, |s, i| s | bit(i));
                out.push(Mention {
                    from: k,
                    to: k + 3,
                    slots,
                    kind: Kind::General,
                    count: None,
                });
                continue;
            }
            out.push(Mention {
                from: k,
                to: k + 1,
                slots: bit(value - 1),
                kind: Kind::Specific,
                count: None,
            });
        }
        // The others, all of them, none of them.
        let mut rest = all_matches(toks, REST);
        // "de tre andre", "dei to andre", "the two others": a count inside the phrase.
        for k in 0..toks.len().saturating_sub(2) {
            if matches!(toks[k].low.as_str(), "de" | "dei" | "the")
                && number_word(&toks[k + 1].low).is_some()
                && matches!(
                    toks[k + 2].low.as_str(),
                    "andre" | "other" | "others" | "øvrige" | "remaining"
                )
            {
                rest.push((k, k + 3));
            }
        }
        rest.sort_unstable();
        for (a, b) in rest {
            if (a..b).any(|k| used[k]) {
                continue;
            }
            // "ellers"/"otherwise" beside a slot named ("Helst 3, ellers 2") is "or else", not
            // "the others".
            if b == a + 1
                && matches!(toks[a].low.as_str(), "ellers" | "elles" | "otherwise")
                && !out.is_empty()
            {
                used[a] = true;
                continue;
            }
            // "den andre" is "the second"; "de andre" the others.
            for u in used.iter_mut().take(b).skip(a) {
                *u = true;
            }
            let mut count = None;
            let mut from = a;
            // "de tre andre", "the other three", "dei to andre".
            for j in [a + 1, b].into_iter().chain(a.checked_sub(1)) {
                if let Some(c) = toks.get(j).and_then(|t| number_word(&t.low)) {
                    count = Some(c);
                    used[j] = true;
                    from = from.min(j);
                }
            }
            out.push(Mention {
                from,
                to: b,
                slots: self.all() & !self.named,
                kind: Kind::Rest,
                count,
            });
        }
        // "ingen problem", "ikke noe problem": a positive phrase, not "none of them".
        let positive = all_matches(toks, POSITIVE);
        for (list, kind) in [(NONE, Kind::None), (ALL, Kind::All)] {
            for (a, b) in all_matches(toks, list) {
                if (a..b).any(|k| used[k] || positive.iter().any(|(p, q)| (*p..*q).contains(&k))) {
                    continue;
                }
                // "Håvard og jeg kommer begge", "vi kommer alle", "both of us": people, not slots.
                let before = a.checked_sub(1).map(|k| toks[k].low.as_str()).unwrap_or("");
                let after: Vec<&str> = toks[b..].iter().take(2).map(|t| t.low.as_str()).collect();
                // "after all", "at all", "first of all", "alt i alt", "alt vel": idioms, no slots.
                let idiom = matches!((before, toks[a].low.as_str()), ("after" | "at" | "of", "all"))
                    || matches!(
                        (toks[a].low.as_str(), &after[..]),
                        ("alt", ["i", "alt", ..] | ["vel", ..])
                    );
                if idiom
                    || PEOPLE_QUANTIFIED.contains(&before)
                    || matches!(after[..], ["of", "us", ..] | ["av", "oss", ..])
                {
                    continue;
                }
                for u in used.iter_mut().take(b).skip(a) {
                    *u = true;
                }
                let count = match toks[a].low.as_str() {
                    "begge" | "both" => Some(2),
                    _ => toks.get(b).and_then(|t| number_word(&t.low)).filter(|c| *c > 2),
                };
                out.push(Mention {
                    from: a,
                    to: b,
                    slots: self.all(),
                    kind,
                    count,
                });
            }
        }
        out
    }

    /// A day of the month named without its month ("the 31st", "den 2."): the candidate on it.
    fn day_mention(&self, day: u32, from: usize, to: usize, out: &mut Vec<Mention>, r: &mut Reading) {
        let slots = self
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.date().day() == day)
            .fold(0, |s, (i, _)| s | bit(i));
        match slots.count_ones() {
            0 => {}
            1 => out.push(Mention {
                from,
                to,
                slots,
                kind: Kind::Specific,
                count: None,
            }),
            _ => r
                .doubts
                .push(words!("den {day}. i hvilken måned", "the {day}. of which month")),
        }
    }

    /// The slots between two dates, both included.
    fn on_dates(&self, first: NaiveDate, last: NaiveDate) -> Slots {
        self.candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.date() >= first && c.date() <= last)
            .fold(0, |s, (i, _)| s | bit(i))
    }

    fn year_of_month(&self, month: u32) -> i32 {
        self.candidates
            .iter()
            .find(|c| c.date().month() == month)
            .or(self.candidates.first())
            .map(|c| c.date().year())
            .unwrap_or(2000)
    }

    /// The slots a clause's mentions name together: those side by side narrow each other
    /// ("mandagene i september"), the others add up ("1, 2 og 4"). Returns the slots, whether
    /// they were named one by one, and the kinds of mention.
    fn combine(
        &self,
        mentions: &[Mention],
        toks: &[Tok],
        doubts: &mut Vec<Text>,
    ) -> (Slots, bool, Vec<Kind>) {
        let mut groups: Vec<(Slots, bool, usize, Kind)> = Vec::new();
        let mut kinds = Vec::new();
        let mut last_to = None;
        for m in mentions {
            kinds.push(m.kind);
            // "begge datoene i september": a quantifier's count is of what the clause names.
            if let Some(c) = m.count.filter(|_| !matches!(m.kind, Kind::All | Kind::None)) {
                let has = m.slots.count_ones() as usize;
                if c != has {
                    doubts.push(words!(
                        "sier {c}, og {has} tidspunkter passer til det",
                        "says {c}, and {has} slots fit"
                    ));
                }
            }
            let narrows = last_to.is_some_and(|to: usize| {
                to <= m.from
                    && toks[to..m.from]
                        .iter()
                        .all(|t| NARROWING.contains(&t.low.as_str()) || t.low == "." || t.low == "-")
            }) && !matches!(m.kind, Kind::All | Kind::None | Kind::Rest);
            let prev_quantifier = groups.last().is_some_and(|_| {
                mentions
                    .iter()
                    .rfind(|p| Some(p.to) == last_to)
                    .is_some_and(|p| matches!(p.kind, Kind::All | Kind::None | Kind::Rest))
            });
            match groups.last_mut() {
                Some((slots, specific, _, _)) if narrows && !prev_quantifier => {
                    let narrowed = *slots & m.slots;
                    if narrowed == 0 {
                        doubts.push(Text::new(
                            "nevner ting som ikke er ett og samme tidspunkt",
                            "names things that are not one slot",
                        ));
                    }
                    *slots = narrowed;
                    *specific = *specific || m.kind == Kind::Specific;
                }
                _ => groups.push((m.slots, m.kind == Kind::Specific, m.from, m.kind)),
            }
            last_to = Some(m.to);
        }
        // "alle"/"ingen" with slots named beside them: those slots, as their mentions narrow
        // each other ("both 1 and 3", "ingen av mandagene", "Måndag 29. og onsdag 31. august
        // passar begge"); alone: every slot.
        let quantified = groups.iter().any(|g| matches!(g.3, Kind::All | Kind::None));
        let named: Slots = groups
            .iter()
            .filter(|g| !matches!(g.3, Kind::All | Kind::None))
            .fold(0, |s, g| s | g.0);
        let named_any = groups
            .iter()
            .any(|g| matches!(g.3, Kind::Specific | Kind::General | Kind::Rest));
        let slots = if quantified && named_any {
            named
        } else {
            groups.iter().fold(0, |s, g| s | g.0)
        };
        for m in mentions
            .iter()
            .filter(|m| matches!(m.kind, Kind::All | Kind::None))
        {
            if let Some(c) = m.count
                && c != slots.count_ones() as usize
            {
                let has = slots.count_ones();
                doubts.push(words!(
                    "sier {c}, og {has} tidspunkter passer til det",
                    "says {c}, and {has} slots fit"
                ));
            }
        }
        let specific = !groups.is_empty() && groups.iter().all(|g| g.1);
        (slots, specific, kinds)
    }

    /// Records what a clause said.
    fn apply(
        &mut self,
        r: &Reading,
        sentence: usize,
        source: Source,
        clause: &Clause,
        text: &str,
        inherited: bool,
    ) {
        let (start, end) = (clause.start, clause.end);
        let slots = r.main | r.except;
        if slots == 0 {
            return;
        }
        self.named |= slots;
        if r.unknown {
            for i in each(r.main, self.n()) {
                self.unknown.push((i, text[start..end].trim().to_string()));
            }
            return;
        }
        if r.open && r.said.is_none() {
            self.open |= r.main;
            return;
        }
        let Some(mut said) = r.said else { return };
        // "not ideal, but possible", "passer dårlig, men går": a yes after a reservation about
        // the same slots is a reservation.
        if inherited
            && said == Said::Yes
            && each(r.main, self.n()).any(|i| {
                self.entries[i]
                    .as_ref()
                    .is_some_and(|e| e.sentence == sentence && matches!(e.said, Said::No | Said::Maybe))
            })
        {
            said = Said::Maybe;
        }
        let entry = |said: Said, specific: bool| Entry {
            said,
            specific,
            sentence,
            source,
            start,
            end,
            inherited,
        };
        // A preference for a kind of slot ("helst om formiddagen", "mornings are best"): of the
        // slots offered so far (or all), those it does not fit are a maybe.
        let toks = tokenize(text, start, end);
        let best = find_phrase(&toks, "best", 0).is_some() || find_phrase(&toks, "beste", 0).is_some();
        // "Fredag er best for oss": a day preferred is the choice among the slots said; the
        // others keep their answer (a kind of slot, "helst formiddag", makes the rest a maybe).
        let names_one = r.names_one
            || toks
                .iter()
                .any(|t| dates::weekday_word(&t.low).is_some_and(|(_, plural)| !plural));
        if said == Said::Yes && (r.preference || best) && !r.specific && r.except == 0 {
            let offered: Slots = self
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.as_ref().is_some_and(|e| e.said == Said::Yes))
                .fold(0, |s, (i, _)| s | bit(i));
            let scope = if offered == 0 { self.all() } else { offered };
            for i in each(scope, self.n()) {
                let fits = r.main & bit(i) != 0;
                // "Vi foretrekker formiddag, så 2 eller 3": the slots named are the choice;
                // the others are left out, not a maybe.
                if fits || !names_one {
                    self.set(i, entry(if fits { Said::Yes } else { Said::Maybe }, false), true);
                }
            }
            if offered == 0 {
                self.offered = true;
                if !names_one {
                    self.preferred_against = scope & !r.main;
                }
            }
            return;
        }
        if said == Said::Yes && r.main != 0 && !r.preference && self.preferred_against != 0 {
            for i in each(self.preferred_against & !r.main, self.n()) {
                if self.entries[i].as_ref().is_some_and(|e| e.said == Said::Maybe) {
                    self.entries[i] = None;
                }
            }
            self.preferred_against = 0;
        }
        for i in each(r.main & !r.except, self.n()) {
            self.set(i, entry(said, r.specific), false);
        }
        if r.except != 0 {
            let other = match said {
                Said::Yes => Some(Said::No),
                Said::No => Some(Said::Yes),
                Said::Maybe => None,
            };
            match other {
                Some(o) => {
                    for i in each(r.except, self.n()) {
                        self.set(i, entry(o, true), false);
                    }
                }
                None => self.doubts.push(Text::quoting(
                    "et unntak fra et kanskje",
                    "an exception to a maybe",
                    &text[start..end],
                )),
            }
        }
        // "Hos oss er det bare onsdag 31. august som ikke går": the others do.
        if r.only && said == Said::No && r.except == 0 {
            let others = self.all() & !r.main;
            for i in each(others, self.n()) {
                self.set(i, entry(Said::Yes, false), false);
            }
            self.offered = true;
        }
        if r.only && matches!(said, Said::Yes | Said::Maybe) {
            let others = self.all() & !r.main;
            for i in each(others, self.n()) {
                self.set(i, entry(Said::No, false), false);
            }
            self.only_no |= others;
        }
        if matches!(said, Said::Yes | Said::Maybe) && !(r.preference && r.specific && !r.only) {
            self.offered = true;
        }
    }

    /// A clause that bounds the time of day ("men først fra kl. 10"): of its slots, one the
    /// window covers is as said, one it covers in part a maybe, one outside it a no. A bound in
    /// a no ("passer ikke før kl. 10") is read by a person.
    #[allow(clippy::too_many_arguments)]
    fn apply_bound(
        &mut self,
        reading: Reading,
        (lo, hi): (u32, u32),
        sentence: usize,
        source: Source,
        clause: &Clause,
        text: &str,
        inherited: bool,
    ) {
        let said = match reading.said {
            None | Some(Said::Yes) => Said::Yes,
            Some(Said::Maybe) => Said::Maybe,
            Some(Said::No) => {
                self.doubts.push(Text::quoting(
                    "et tidspunkt på dagen i et nei",
                    "a time of day in a no",
                    &text[clause.start..clause.end],
                ));
                return;
            }
        };
        let minutes = |t: NaiveDateTime| t.hour() * 60 + t.minute();
        let (mut whole, mut part, mut none) = (0, 0, 0);
        for i in each(reading.main, self.n()) {
            let c = self.candidates[i];
            let (s, e) = (minutes(c.start), minutes(c.end));
            if lo <= s && e <= hi {
                whole |= bit(i);
            } else if lo < e && s < hi {
                part |= bit(i);
            } else {
                none |= bit(i);
            }
        }
        for (slots, said) in [(whole, said), (part, Said::Maybe), (none, Said::No)] {
            if slots != 0 {
                let r = Reading {
                    main: slots,
                    except: 0,
                    said: Some(said),
                    only: false,
                    ..reading.clone()
                };
                // The window is said of the slots, not left to an earlier yes: it refines it.
                self.apply(&r, sentence, source, clause, text, inherited && said == Said::Yes);
            }
        }
    }

    /// Records `new` for slot `i`, unless it contradicts what was said before without a
    /// correction: then a person decides.
    fn set(&mut self, i: usize, new: Entry, refine: bool) {
        let Some(old) = &self.entries[i] else {
            self.entries[i] = Some(new);
            return;
        };
        if old.said == new.said {
            // Keep the more specific words.
            if new.specific && !old.specific {
                self.entries[i] = Some(new);
            }
            return;
        }
        let flip = matches!(
            (old.said, new.said),
            (Said::Yes, Said::No) | (Said::No, Said::Yes)
        );
        let later_wins = refine
            || self.correction
            || (!old.specific && new.specific)
            || (new.sentence == old.sentence && !(new.inherited && flip))
            || (!flip && (!old.specific || new.specific));
        if later_wins {
            self.entries[i] = Some(new);
        } else {
            let n = i + 1;
            let (a, b) = (said_word(old.said, Lang::Nb), said_word(new.said, Lang::Nb));
            let (c, d) = (said_word(old.said, Lang::En), said_word(new.said, Lang::En));
            self.doubts.push(words!(
                "tidspunkt {n} er både {a} og {b}",
                "slot {n} is both {c} and {d}"
            ));
        }
    }

    /// Answers written between the lines of the quoted poll: on a slot's own line
    /// ("2. onsdag 31. august kl. 09.00–11.00   [PGS: passer]") or on the lines under it that
    /// are not quoted ("> 2. onsdag …" then "Kanskje").
    fn read_inline(&mut self, quoted: &str) {
        let mut current: Option<(usize, usize)> = None; // (slot, its quote depth)
        let mut offset = 0;
        let mut headers = 0;
        let mut after_header = false;
        // Outlook quotes with no marks ("-----Original Message-----" and the text as it was): a
        // line the person put right under a slot's line is the answer to it ("[ES] Ja"), since
        // the poll's own slot lines follow each other with nothing between.
        let unmarked = !quoted.lines().any(|l| l.trim_start().starts_with('>'));
        for line in quoted.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let content = line.trim_end_matches(['\r', '\n']);
            let depth = content
                .chars()
                .take_while(|c| *c == '>' || *c == ' ')
                .filter(|c| *c == '>')
                .count();
            let inner = content.trim_start_matches(['>', ' ', '\t']);
            let inner_start = start + (content.len() - inner.len());
            // Only the message quoted first: a deeper one was answered before.
            // "-----Original Message-----" and the "From:" under it are one header.
            if is_quote_header(inner) {
                if !after_header {
                    headers += 1;
                }
                after_header = true;
                if headers > 1 {
                    break;
                }
                continue;
            }
            after_header = false;
            if let Some((slot, rest)) = self.slot_line(inner) {
                current = Some((slot, depth));
                let rest_start = inner_start + rest;
                let (a, b) = annotation(quoted, rest_start, inner_start + inner.len());
                if a < b {
                    self.read_text_span(quoted, a, b, Source::Quoted, bit(slot));
                }
                continue;
            }
            match current {
                Some((slot, d)) if (d > 0 || unmarked) && depth == 0 && !inner.trim().is_empty() => {
                    self.read_text_span(
                        quoted,
                        inner_start,
                        inner_start + inner.len(),
                        Source::Quoted,
                        bit(slot),
                    );
                }
                Some((_, d)) if depth >= d && d > 0 => current = None,
                // Unmarked, a blank line ends what was written under the slot.
                Some((_, 0)) if unmarked => current = None,
                Some(_) if inner.trim().is_empty() && depth == 0 => {}
                _ => current = None,
            }
        }
    }

    /// Reads `text[from..to]` as an answer about `slots`.
    fn read_text_span(&mut self, text: &str, from: usize, to: usize, source: Source, slots: Slots) {
        // Read as text of its own; offsets are moved back into `text`.
        let part = &text[from..to];
        let before = self
            .entries
            .iter()
            .map(|e| e.as_ref().map(|e| (e.start, e.end)))
            .collect::<Vec<_>>();
        self.read_text(part, source, Some(slots));
        for (e, b) in self.entries.iter_mut().zip(before) {
            if let Some(e) = e
                && Some((e.start, e.end)) != b
                && e.source == source
                && e.end <= part.len()
                && b.is_none_or(|b| b != (e.start, e.end))
            {
                e.start += from;
                e.end += from;
            }
        }
    }

    /// Whether `line` is one of the poll's slot lines ("2. onsdag 31. august kl. 09.00–11.00"):
    /// the slot, and where what follows its date and time starts.
    fn slot_line(&self, line: &str) -> Option<(usize, usize)> {
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        // "2. onsdag 31. august", "2) …", and "2  onsdag 31. august" as a list in columns.
        if digits == 0 || digits > 2 || !line[digits..].starts_with(['.', ')', ':', ' ', '\t']) {
            return None;
        }
        let number: usize = line[..digits].parse().ok()?;
        let slot = number.checked_sub(1).filter(|s| *s < self.n())?;
        let spans = dates::find_spans(line, self.reference());
        let span = spans
            .iter()
            .find(|s| s.first == s.last && s.first == self.candidates[slot].date())?;
        Some((slot, skip_time(line, span.end)))
    }

    fn finish(self) -> PollAnswer {
        let mut answer = PollAnswer {
            correction: self.correction,
            doubts: self.doubts,
            remarks: self.remarks,
            ..PollAnswer::default()
        };
        for (i, words) in &self.unknown {
            if self.entries[*i].is_none() {
                answer.doubts.push({
                    let n = i + 1;
                    words!(
                        "sier ikke noe som kan leses om tidspunkt {n}: «{words}»",
                        "says nothing readable of slot {n}: «{words}»"
                    )
                });
            }
        }
        for (i, e) in self.entries.iter().enumerate() {
            match e {
                Some(e) => {
                    match e.said {
                        Said::Yes => answer.yes.push(i + 1),
                        Said::No => answer.no.push(i + 1),
                        Said::Maybe => answer.maybe.push(i + 1),
                    }
                    answer.evidence.push(Evidence {
                        slot: i + 1,
                        said: e.said,
                        source: e.source,
                        start: e.start,
                        end: e.end,
                        text: String::new(),
                    });
                }
                None if self.offered
                    && self.open & bit(i) == 0
                    && !self.unknown.iter().any(|(u, _)| *u == i) =>
                {
                    answer.no.push(i + 1);
                    answer.implied.push(i + 1);
                }
                None => {}
            }
        }
        answer.no.sort_unstable();
        answer
    }
}

/// Fills in the words of each piece of evidence from the texts it was read from.
pub fn quote_evidence(answer: &mut PollAnswer, message: Message<'_>) {
    for e in &mut answer.evidence {
        let text = match e.source {
            Source::Body => message.body,
            Source::Quoted => message.quoted,
            Source::Subject => message.subject,
        };
        e.text = text.get(e.start..e.end).unwrap_or("").trim().to_string();
    }
}

/// Puts back together a list that the clause splitter cut at its commas: a piece that says
/// nothing (no verb, no reservation, no negation) belongs with its neighbour ("Nr. 1, 2 eller 4",
/// "Fredag 2. september, onsdag 31. august og mandag 5. september passer").
fn merge_lists(text: &str, clauses: Vec<Clause>) -> Vec<Clause> {
    let says = |c: &Clause| {
        let toks = tokenize(text, c.start, c.end);
        has_any(&toks, POSITIVE)
            || has_any(&toks, NEGATIVE)
            || has_any(&toks, MAYBE)
            || has_any(&toks, OPEN)
            || has_any(&toks, PREFERENCE)
            || toks
                .iter()
                .any(|t| NEGATORS.contains(&t.low.as_str()) || t.low.ends_with("n't"))
            || has_any(&toks, NONE)
    };
    // "1 - ja, 2 - nei, 3 - kanskje": a slot and, after a dash, what is said of it are one item;
    // paired first, so that no answer slides onto the next slot.
    let mut paired: Vec<Clause> = Vec::new();
    for c in clauses {
        if c.joint == Joint::Dash
            && says(&c)
            && let Some(prev) = paired.last_mut()
            && prev.sentence == c.sentence
            && !says(prev)
            && listish(text, prev)
        {
            prev.end = c.end;
            prev.question = c.question;
            continue;
        }
        paired.push(c);
    }
    let mut out: Vec<Clause> = Vec::new();
    let mut carry: Option<Clause> = None;
    for c in paired {
        let mut c = c;
        if let Some(mut held) = carry.take() {
            // "Any date but Monday 29 August is fine": "but" after "all" is "except", one clause.
            let all_but = c.joint == Joint::Contrast
                && text[c.start..].to_lowercase().starts_with("but ")
                && text[held.end..c.start].trim().is_empty()
                && has_any(&tokenize(text, held.start, held.end), ALL);
            if held.sentence == c.sentence && (c.joint == Joint::Comma || all_but) {
                held.end = c.end;
                held.question = c.question;
                c = held;
            } else {
                out.push(held);
            }
        }
        if c.joint == Joint::Comma
            && !says(&c)
            && listish(text, &c)
            && let Some(prev) = out.last_mut()
            && prev.sentence == c.sentence
        {
            prev.end = c.end;
            prev.question = c.question;
            continue;
        }
        // Only a piece that is a list of slots waits for its predicate: one with words the
        // reader does not know ("Afternoons are out for us") is read alone, not given the
        // predicate of the next.
        if !says(&c) && c.joint == Joint::Start && listish(text, &c) {
            carry = Some(c);
            continue;
        }
        out.push(c);
    }
    out.extend(carry);
    out
}

/// Whether a piece holds only what names slots and joins them: numbers, dates, weekdays,
/// weeks, months, parts of the day, quantifiers and list words.
/// "2 og 4 funker ikke for oss resten ok": written without a comma, "resten" after a clause that
/// says something of its slots opens a clause of its own.
fn split_at_the_rest(text: &str, clauses: Vec<Clause>) -> Vec<Clause> {
    const JOINERS: &[&str] = &[
        "og", "and", "eller", "or", "enn", "than", "unntatt", "except", "alle", "all",
    ];
    let mut out = Vec::with_capacity(clauses.len());
    for c in clauses {
        let toks = tokenize(text, c.start, c.end);
        let at = all_matches(&toks, REST).into_iter().map(|(a, _)| a).find(|&a| {
            a > 0
                && !toks[a - 1].punct
                && !JOINERS.contains(&toks[a - 1].low.as_str())
                && a + 1 < toks.len()
                && (has_any(&toks[..a], NEGATORS)
                    || has_any(&toks[..a], NEGATIVE)
                    || has_any(&toks[..a], POSITIVE))
        });
        match at {
            Some(a) => split_clause(&mut out, c, toks[a - 1].end, toks[a].start),
            None => out.push(c),
        }
    }
    out
}

/// "Gro er på ferie: ettermiddagene passer": a colon after a statement of its own (a verb
/// before it) opens a clause that says its own thing. A label before a colon ("2: ja",
/// "Mandag 29.8.: passer") stays with what follows.
fn split_at_a_colon(text: &str, clauses: Vec<Clause>) -> Vec<Clause> {
    const VERBS: &[&str] = &[
        "er",
        "har",
        "blir",
        "skal",
        "var",
        "is",
        "are",
        "am",
        "has",
        "have",
        "will",
        "svarer",
        "answer",
        "answering",
        "replying",
        "gjelder",
    ];
    let mut out = Vec::with_capacity(clauses.len());
    for c in clauses {
        let words = c.text(text);
        let at = words.find(": ").filter(|&at| {
            let before = tokenize(text, c.start, c.start + at);
            let after = tokenize(text, c.start + at + 2, c.end);
            before.len() >= 3
                && !after.is_empty()
                && before.iter().any(|t| VERBS.contains(&t.low.as_str()))
                && !before.iter().any(|t| t.num)
        });
        match at {
            Some(at) => split_clause(&mut out, c, c.start + at, c.start + at + 2),
            None => out.push(c),
        }
    }
    out
}

/// Pushes `c` as two clauses: up to `end`, and from `start` on, joined as by a comma.
fn split_clause(out: &mut Vec<Clause>, c: Clause, end: usize, start: usize) {
    out.push(Clause { end, ..c });
    out.push(Clause {
        start,
        joint: Joint::Comma,
        ..c
    });
}

fn listish(text: &str, c: &Clause) -> bool {
    tokenize(text, c.start, c.end).iter().all(|t| {
        let w = t.low.as_str();
        t.num
            || t.punct
            || LIST_WORDS.contains(&w)
            || WEEK_WORDS.contains(&w)
            || ALL.contains(&w)
            || NONE.contains(&w)
            || ONLY.contains(&w)
            || EXCEPT.contains(&w)
            || ORDINALS.iter().any(|(o, _)| *o == w)
            || SLOT_NOUNS.contains(&w)
            || number_word(w).is_some()
            || dates::weekday_word(w).is_some()
            || WEEKDAY_ABBREVIATIONS.iter().any(|(a, _)| *a == w)
            || dates::month_named(w).is_some()
            || ["st", "nd", "rd", "th"].iter().any(|s| {
                w.strip_suffix(s)
                    .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            })
            || [
                "formiddag",
                "føremiddag",
                "ettermiddag",
                "morning",
                "afternoon",
                "morgen",
            ]
            .iter()
            .any(|p| w.starts_with(p))
            || matches!(
                w,
                "kl" | "klokka"
                    | "til"
                    | "fra"
                    | "from"
                    | "to"
                    | "hele"
                    | "whole"
                    | "andre"
                    | "other"
                    | "others"
                    | "resten"
                    | "rest"
                    | "de"
                    | "dei"
                    | "datoen"
                    | "dagene"
                    | "dagane"
                    | "days"
                    | "day"
            )
    })
}

/// Whether the phrase `phrase` ends right before token `at`.
fn phrase_ends_at(toks: &[Tok], phrase: &str, at: usize) -> bool {
    let words: Vec<&str> = phrase.split(' ').collect();
    at >= words.len()
        && toks[at - words.len()..at]
            .iter()
            .zip(&words)
            .all(|(t, w)| t.low == *w)
}

/// "har vi statsbudsjettmøter", "we have a conference", "er på samling": taken that day.
/// Reservations written in more words than a list holds, as token ranges: the last resort ("om
/// det ikkje finst noko betre", "if there is nothing better", "hvis vi ikke finner noe annet")
/// and a limit on the time ("men bare til kl. 10.30", "only until 10:30", "må gå kl. 10").
fn reservations(toks: &[Tok]) -> Vec<(usize, usize)> {
    const IF: &[&str] = &["om", "hvis", "dersom", "viss", "if", "unless"];
    const OTHER: &[&str] = &[
        "bedre",
        "betre",
        "annet",
        "anna",
        "andre",
        "else",
        "better",
        "other",
        "alternativ",
    ];
    const LIMIT: &[&str] = &[
        "til", "until", "till", "før", "before", "fra", "from", "etter", "after",
    ];
    const ONLY_WORDS: &[&str] = &["bare", "kun", "berre", "only", "just"];
    const LEAVE: &[&str] = &[
        "må gå",
        "må dra",
        "må gå fra",
        "have to leave",
        "must leave",
        "need to leave",
    ];
    let mut out = Vec::new();
    let words: Vec<usize> = (0..toks.len())
        .filter(|&k| !toks[k].punct || toks[k].low == ".")
        .collect();
    for (w, &k) in words.iter().enumerate() {
        let low = toks[k].low.as_str();
        if IF.contains(&low) {
            let ahead = &words[w + 1..(w + 7).min(words.len())];
            let negated = ahead
                .iter()
                .position(|&j| NEGATORS.contains(&toks[j].low.as_str()) || toks[j].low.ends_with("n't"));
            if let Some(n) = negated
                && let Some(o) = ahead[n..]
                    .iter()
                    .position(|&j| OTHER.contains(&toks[j].low.as_str()))
            {
                out.push((k, ahead[n + o] + 1));
            }
        }
        if ONLY_WORDS.contains(&low)
            && let Some(&l) = words.get(w + 1)
            && LIMIT.contains(&toks[l].low.as_str())
            && words[w + 2..(w + 4).min(words.len())]
                .iter()
                .any(|&j| toks[j].num || toks[j].low == "kl")
        {
            out.push((k, l + 1));
        }
    }
    out.extend(all_matches(toks, LEAVE).into_iter().filter(|&(_, b)| {
        toks[b..(b + 3).min(toks.len())]
            .iter()
            .any(|t| t.num || t.low == "kl" || t.low == "at")
    }));
    out
}

fn busy(toks: &[Tok]) -> bool {
    const VERBS: &[&str] = &["har", "have", "has", "skal", "er", "are", "am", "is", "blir"];
    const EVENTS: &[&str] = &[
        "møte",
        "møter",
        "møtet",
        "møta",
        "samling",
        "samlinga",
        "seminar",
        "konferanse",
        "kurs",
        "fagdag",
        "planleggingsdag",
        "studietur",
        "eksamen",
        "reise",
        "ferie",
        "fri",
        "permisjon",
        "arrangement",
        // "har vi besøk av Stortingets komité", "er i høring på Stortinget".
        "besøk",
        "høring",
        "delegasjon",
        "meeting",
        "meetings",
        "conference",
        "seminar",
        "workshop",
        "trip",
        "course",
        "holiday",
        "vacation",
        "visit",
        "visitors",
        "delegation",
        "hearing",
    ];
    let verb = toks.iter().any(|t| VERBS.contains(&t.low.as_str()));
    let event = toks.iter().any(|t| {
        EVENTS
            .iter()
            .any(|e| t.low == *e || (t.low.len() > e.len() + 3 && t.low.ends_with(e)))
    });
    // "møtet passer", "kan ha møtet": an event that is the meeting itself is no conflict.
    verb && event && !toks.iter().any(|t| POSITIVE.contains(&t.low.as_str()))
}

/// After a slot line's date: skips its time ("kl. 09.00–11.00") and returns where the rest starts.
fn skip_time(line: &str, from: usize) -> usize {
    let bytes = line.as_bytes();
    let mut i = from;
    let skip_ws = |mut i: usize| {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b',') {
            i += 1;
        }
        i
    };
    let digits = |mut i: usize| {
        let s = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        (i > s).then_some(i)
    };
    let time = |i: usize| -> Option<usize> {
        let mut j = digits(i)?;
        if j < bytes.len()
            && matches!(bytes[j], b'.' | b':')
            && let Some(k) = digits(j + 1)
        {
            j = k;
        }
        Some(j)
    };
    i = skip_ws(i);
    if line[i..].starts_with("kl") {
        i += 2;
        if line[i..].starts_with('.') {
            i += 1;
        }
        i = skip_ws(i);
    }
    if let Some(j) = time(i) {
        i = j;
        let k = skip_ws(i);
        let dash = ["–", "—", "-"].iter().find(|d| line[k..].starts_with(**d));
        if let Some(d) = dash
            && let Some(j) = time(skip_ws(k + d.len()))
        {
            i = j;
        }
    } else {
        i = from;
    }
    i
}

/// The words of an annotation at `text[from..to]`, without brackets and the writer's initials
/// ("[PGS: passer ikke]" is "passer ikke").
fn annotation(text: &str, from: usize, to: usize) -> (usize, usize) {
    let mut s = &text[from..to];
    let mut start = from;
    let trim = |s: &str, start: &mut usize| -> String {
        let t = s.trim_start_matches([' ', '\t', '-', '–', '—', ':', '=', '>', '[', '(', '<', '*']);
        *start += s.len() - t.len();
        t.trim_end_matches([' ', '\t', ']', ')', '>', '*']).to_string()
    };
    let t = trim(s, &mut start);
    s = &text[start..start + t.len()];
    // Initials: two to four capitals and a colon.
    let initials = s.chars().take_while(|c| c.is_uppercase()).count();
    if (2..=4).contains(&initials) {
        let after: String = s.chars().skip(initials).take(1).collect();
        if after == ":" {
            let cut = s
                .char_indices()
                .nth(initials + 1)
                .map(|(i, _)| i)
                .unwrap_or(s.len());
            start += cut;
            s = &s[cut..];
            let lead = s.len() - s.trim_start().len();
            start += lead;
            s = s.trim_start();
        }
    }
    if !s.chars().any(char::is_alphabetic) {
        return (from, from);
    }
    (start, start + s.len())
}

/// A line that opens a quoted message: "Fra: …", "From: …", "… skrev …:", "-----Original …".
/// "that morning", "den formiddagen", "same day", "samme dag": the time of the slot just named.
fn demonstrative_time(toks: &[Tok]) -> bool {
    toks.windows(2).any(|w| {
        matches!(w[0].low.as_str(), "that" | "same" | "den" | "samme" | "sama")
            && matches!(
                w[1].low.as_str(),
                "morning" | "afternoon" | "day" | "formiddagen" | "ettermiddagen" | "dagen" | "dag"
            )
    })
}

/// "uka etter", "veka etter", "the week after", "uken etterpå": a week told from the one before.
fn week_after(toks: &[Tok]) -> bool {
    toks.windows(2).any(|w| {
        matches!(w[0].low.as_str(), "uka" | "uken" | "veka" | "veke" | "week")
            && matches!(w[1].low.as_str(), "etter" | "etterpå" | "after" | "following")
    }) || toks
        .windows(3)
        .any(|w| w[0].low == "the" && matches!(w[1].low.as_str(), "following" | "next") && w[2].low == "week")
}

fn is_quote_header(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    l.starts_with("fra:")
        || l.starts_with("from:")
        || l.starts_with("frå:")
        || l.starts_with("-----")
        || l.starts_with("________________")
        || ((l.contains(" skrev ") || l.contains(" wrote") || l.contains(" skreiv ")) && l.ends_with(':'))
}

fn days_in_month(first: NaiveDate) -> u32 {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map(|n| (n - first).num_days() as u32).unwrap_or(30)
}

fn said_word(said: Said, lang: Lang) -> &'static str {
    match (said, lang) {
        (Said::Yes, Lang::Nb) => "ja",
        (Said::No, Lang::Nb) => "nei",
        (Said::Maybe, Lang::Nb) => "kanskje",
        (Said::Yes, Lang::En) => "yes",
        (Said::No, Lang::En) => "no",
        (Said::Maybe, Lang::En) => "maybe",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ogp5 slots: Mon 29 Aug 13-15, Wed 31 Aug 09-11, Fri 2 Sep 09-11, Mon 5 Sep 13-15.
    fn candidates() -> Vec<Candidate> {
        [(8, 29, 13), (8, 31, 9), (9, 2, 9), (9, 5, 13)]
            .iter()
            .map(|(m, d, h)| {
                let start = NaiveDate::from_ymd_opt(2022, *m, *d)
                    .unwrap()
                    .and_hms_opt(*h, 0, 0)
                    .unwrap();
                Candidate {
                    start,
                    end: start + chrono::Duration::hours(2),
                }
            })
            .collect()
    }

    /// (yes, no, maybe) of a certain reading; panics on a doubt.
    fn answer(text: &str) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
        let a = read(text, &candidates());
        assert!(a.doubts.is_empty(), "{text:?}: doubts {:?}", a.doubts);
        (a.yes, a.no, a.maybe)
    }

    fn doubted(text: &str) -> bool {
        !read(text, &candidates()).doubts.is_empty()
    }

    type Y = Vec<usize>;
    fn ynm(y: &[usize], n: &[usize], m: &[usize]) -> (Y, Y, Y) {
        (y.to_vec(), n.to_vec(), m.to_vec())
    }

    #[test]
    fn answers_written_the_ways_of_holdout_27() {
        // "that day" after an exception is the day excepted, not every slot.
        assert_eq!(
            answer(
                "For the MFA, any of the proposed times works except Friday 2 September – we have a delegation visit that day."
            ),
            ynm(&[1, 2, 4], &[3], &[])
        );
        // A clause that names its own day keeps it.
        let a = read(
            "Any of the proposed times works except Friday 2 September, and Monday 29 August is the same day as our board meeting, so that one is difficult.",
            &candidates(),
        );
        assert!(!a.yes.contains(&1), "{a:?}");
    }

    #[test]
    fn answers_written_the_ways_of_holdout_16_and_17() {
        // Away until a day: the slots up to it do not suit; "aktuelle" is a yes.
        assert_eq!(
            answer(
                "Jeg er på ferie til 1. september, så bare fredag 2. og mandag 5. sept. er aktuelle for meg."
            ),
            ynm(&[3, 4], &[1, 2], &[])
        );
        assert_eq!(
            answer("Jeg er på ferie til 1. september."),
            ynm(&[], &[1, 2], &[])
        );
        // A no before "only", and a word for the only ones that is not known: no guess.
        assert!(doubted(
            "Jeg er på reise, så bare fredag 2. og mandag 5. sept. er tingeling for meg."
        ));
        // A colon after a statement opens a clause of its own.
        assert_eq!(
            answer("Svarer for Gro Smedsrud, som er på ferie: ettermiddagene passer, formiddagene ikke."),
            ynm(&[1, 4], &[2, 3], &[])
        );
    }

    #[test]
    fn a_time_of_day_that_bounds_a_slot_makes_it_a_maybe_or_a_no() {
        // 2 September is 09–11: from ten covers half of it.
        assert_eq!(
            answer("Vi kan fredag 2. september, men først fra kl. 10. De andre dagene passer ikke for oss."),
            ynm(&[], &[1, 2, 4], &[3])
        );
        // 29 August is 13–15, 5 September 13–15: after twelve covers them both.
        assert_eq!(
            answer("Begge mandagene går, men bare etter kl. 12."),
            ynm(&[1, 4], &[2, 3], &[])
        );
        // Before eleven covers the morning slots and none of the afternoon ones.
        assert_eq!(
            answer("Alle datoene passer, men jeg må gå før kl. 11.00."),
            ynm(&[2, 3], &[1, 4], &[])
        );
        // "fra 29." is a date, not a time.
        assert_eq!(answer("Alt fra 31. august passer."), ynm(&[2, 3, 4], &[1], &[]));
    }

    #[test]
    fn the_rest_after_a_no_written_without_punctuation() {
        assert_eq!(
            answer("2 og 4 funker ikke for oss resten ok"),
            ynm(&[1, 3], &[2, 4], &[])
        );
        assert_eq!(
            answer("2 og 4 funker ikke for oss, resten går fint"),
            ynm(&[1, 3], &[2, 4], &[])
        );
    }

    #[test]
    fn answers_written_the_ways_of_holdout_14() {
        // A cleft: what suits, then the slots.
        assert_eq!(
            answer(
                "Rettelse: fredag 2. september går likevel ikke. Det som passer for oss, er mandag 29. august og mandag 5. september."
            ),
            ynm(&[1, 4], &[2, 3], &[])
        );
        // A part of a month.
        assert_eq!(
            answer(
                "Anything in the first week of September works for us – so Friday the 2nd or Monday the 5th. The end of August is tricky: our board meets on the 30th."
            ),
            ynm(&[3, 4], &[1, 2], &[])
        );
        // "den mandagen": the Monday of the week just named.
        assert_eq!(
            answer(
                "Hele uke 35 er grei for oss. I uke 36 starter eksamensperioden, så den mandagen faller dessverre bort."
            ),
            ynm(&[1, 2, 3], &[4], &[])
        );
        // Nynorsk weekdays before dates.
        assert_eq!(
            answer(
                "Måndag 29. og onsdag 31. august passar begge fint for oss. Fredag 2. september kan gå om det må til, men 5. september er uaktuelt."
            ),
            ynm(&[1, 2], &[4], &[3])
        );
        // A day of the department's own.
        assert_eq!(
            answer(
                "Kristine er på ferie, så jeg svarer for oss: vi kan 1, 2 og 4. Fredag 2. september har hele avdelingen fagdag på Lillestrøm."
            ),
            ynm(&[1, 2, 4], &[3], &[])
        );
    }

    #[test]
    fn only_one_that_does_not_suit_makes_the_others_suit() {
        assert_eq!(
            answer("Hos oss er det bare onsdag 31. august som ikke går."),
            ynm(&[1, 3, 4], &[2], &[])
        );
    }

    #[test]
    fn answers_written_the_ways_of_holdout_15() {
        // A slot left open, not a maybe.
        assert_eq!(
            answer(
                "Slots 2 and 3 both work for us. Monday 29 August is not possible. I am not sure yet about 5 September; I will get back to you on that one."
            ),
            ynm(&[2, 3], &[1], &[])
        );
        // Afternoons in the end of August and the beginning of September: for a person.
        assert!(doubted(
            "Vi kan bare på formiddagen – ettermiddagene i slutten av august og begynnelsen av september er fulle av budsjettmøter."
        ));
    }

    #[test]
    fn numbers_that_suit_and_the_others_are_no() {
        assert_eq!(answer("1 og 3 passer for oss."), ynm(&[1, 3], &[2, 4], &[]));
        assert_eq!(answer("Alternativ 2 og 4 går fint."), ynm(&[2, 4], &[1, 3], &[]));
        assert_eq!(answer("Nr. 1, 2 eller 4"), ynm(&[1, 2, 4], &[3], &[]));
        assert_eq!(answer("Options 1 and 3 work for us."), ynm(&[1, 3], &[2, 4], &[]));
        assert_eq!(answer("Vi kan 31. august."), ynm(&[2], &[1, 3, 4], &[]));
    }

    #[test]
    fn a_sentence_written_without_its_capital_says_its_own_slots() {
        // Regression: "mandagene" went on the sentence before, and both Mondays were a yes.
        assert_eq!(
            answer("31.8 og 2.9 passer for oss. mandagene har vi fast ledermøte"),
            ynm(&[2, 3], &[1, 4], &[])
        );
        assert_eq!(
            answer("1 og 2 passer fint. 4 om det må til. fredagen er jeg bortreist"),
            ynm(&[1, 2], &[3], &[4])
        );
    }

    #[test]
    fn what_fills_the_time_is_a_no_and_if_necessary_a_maybe() {
        assert_eq!(
            answer(
                "Onsdag passar best. Fredag 2. september kan gå om det er naudsynt. Måndagane kan vi ikkje."
            ),
            ynm(&[2], &[1, 4], &[3])
        );
        assert_eq!(
            answer("vi kan onsdag og fredag, har forelesninger på ettermiddagen"),
            ynm(&[2, 3], &[1, 4], &[])
        );
    }

    #[test]
    fn not_coming_to_the_meeting_after_all_answers_no_slot() {
        // Regression: "after all" was every slot, and the decline a no to each.
        let a = read(
            "I'm sorry to say that we will not be able to take part in the follow-up meeting after all.",
            &candidates(),
        );
        assert!(a.yes.is_empty() && a.no.is_empty() && a.maybe.is_empty(), "{a:?}");
    }

    #[test]
    fn a_day_s_number_after_its_weekday_is_the_date_not_the_option() {
        assert_eq!(
            answer("Mandagane passar. Onsdag 31. og fredag 2. kolliderer med andre møte."),
            ynm(&[1, 4], &[2, 3], &[])
        );
    }

    #[test]
    fn that_morning_is_the_morning_of_the_slot_just_named() {
        assert_eq!(
            answer(
                "Monday 29 August and Friday 2 September both work for us. Wednesday 31 August only if need be, as we have a board meeting that morning which could perhaps be moved. 5 September is not possible."
            ),
            ynm(&[1, 3], &[4], &[2])
        );
    }

    #[test]
    fn an_option_named_in_words() {
        assert_eq!(
            answer("Bare alternativ to passer for meg."),
            ynm(&[2], &[1, 3, 4], &[])
        );
        assert_eq!(answer("Option three works."), ynm(&[3], &[1, 2, 4], &[]));
    }

    #[test]
    fn the_week_after_is_told_from_the_week_said_before() {
        assert_eq!(
            answer("Hele uke 35 går fint hos oss, men ikke uka etter."),
            ynm(&[1, 2, 3], &[4], &[])
        );
    }

    #[test]
    fn implied_no_is_marked_as_implied() {
        let a = read("1 og 3 passer for oss.", &candidates());
        assert_eq!(a.implied, [2, 4]);
        // What is said of every slot leaves nothing to imply.
        let a = read("1 passer, 2 passer ikke.", &candidates());
        assert_eq!(
            (a.yes, a.no.clone(), a.implied),
            (vec![1], vec![2, 3, 4], vec![3, 4])
        );
    }

    #[test]
    fn a_slot_left_open_is_not_a_no() {
        assert_eq!(answer("1 passer. 3 vet vi ikke ennå."), ynm(&[1], &[2, 4], &[]));
    }

    #[test]
    fn all_but_some() {
        assert_eq!(answer("Alle unntatt fredag."), ynm(&[1, 2, 4], &[3], &[]));
        assert_eq!(answer("Alle datoene passer"), ynm(&[1, 2, 3, 4], &[], &[]));
        assert_eq!(answer("Alle datoene går for oss."), ynm(&[1, 2, 3, 4], &[], &[]));
        assert_eq!(
            answer("Any of them works except the 31st."),
            ynm(&[1, 3, 4], &[2], &[])
        );
        assert_eq!(
            answer("Vi kan alle dager bortsett fra mandager"),
            ynm(&[2, 3], &[1, 4], &[])
        );
        assert_eq!(answer("Alt untatt 29.08 passer"), ynm(&[2, 3, 4], &[1], &[]));
    }

    #[test]
    fn negations_in_bokmal_nynorsk_and_english() {
        assert_eq!(answer("29. august passer ikke."), ynm(&[], &[1], &[]));
        assert_eq!(answer("31. august passer dårlig."), ynm(&[], &[2], &[]));
        assert_eq!(answer("Måndag 29. august går ikkje."), ynm(&[], &[1], &[]));
        assert_eq!(
            answer("Onsdag 31. august passar dårleg for oss."),
            ynm(&[], &[2], &[])
        );
        assert_eq!(answer("Option 1 does not work."), ynm(&[], &[1], &[]));
        assert_eq!(answer("1 doesn't work for us."), ynm(&[], &[1], &[]));
        assert_eq!(answer("Vi kan dessverre ikke 2.9."), ynm(&[], &[3], &[]));
        assert_eq!(answer("Ingen av datoene passer."), ynm(&[], &[1, 2, 3, 4], &[]));
        assert_eq!(
            answer("Ingen av de fire tidspunktene passer dessverre for OED."),
            ynm(&[], &[1, 2, 3, 4], &[])
        );
        assert_eq!(
            answer(
                "Ingen av de fire tidspunktene passer dessverre for OED: 29. og 31. august er vi på ledersamling, og 2. og 5. september har vi besøk av Stortingets energi- og miljøkomité."
            ),
            ynm(&[], &[1, 2, 3, 4], &[])
        );
        assert_eq!(
            answer("None of the dates work for us."),
            ynm(&[], &[1, 2, 3, 4], &[])
        );
        assert_eq!(
            answer("Vi kan ikke på mandager, ellers går det fint."),
            ynm(&[2, 3], &[1, 4], &[])
        );
    }

    #[test]
    fn a_difficult_weekday_and_being_away_are_no() {
        assert_eq!(
            answer("Mondays are difficult for us, the rest is fine."),
            ynm(&[2, 3], &[1, 4], &[])
        );
        assert_eq!(
            answer("Fredag er vanskelig. Resten går fint."),
            ynm(&[1, 2, 4], &[3], &[])
        );
        assert_eq!(
            answer("Jeg er bortreist 29. og 31. august, men de to andre passer."),
            ynm(&[3, 4], &[1, 2], &[])
        );
        assert_eq!(
            answer("I am away on 2 and 5 September; 29 and 31 August are fine."),
            ynm(&[1, 2], &[3, 4], &[])
        );
    }

    #[test]
    fn dates_written_every_way() {
        assert_eq!(answer("Vi kan 31.08 og 5/9."), ynm(&[2, 4], &[1, 3], &[]));
        assert_eq!(
            answer("August 29 or September 5 works for us."),
            ynm(&[1, 4], &[2, 3], &[])
        );
        assert_eq!(
            answer("Mandag 29.8.2022 passer best."),
            ynm(&[1], &[2, 3, 4], &[])
        );
        assert_eq!(
            answer("29. august passer ikke, men 31. august går fint. 5. september kan vi også."),
            ynm(&[2, 4], &[1, 3], &[])
        );
    }

    #[test]
    fn ranges_weeks_and_months() {
        assert_eq!(
            answer("29. august–2. september passer."),
            ynm(&[1, 2, 3], &[4], &[])
        );
        assert_eq!(answer("Vi kan hele uke 35."), ynm(&[1, 2, 3], &[4], &[]));
        assert_eq!(answer("Uke 36 passer ikke."), ynm(&[], &[4], &[]));
        assert_eq!(
            answer("Begge datoene i september går fint."),
            ynm(&[3, 4], &[1, 2], &[])
        );
        assert_eq!(
            answer("The first week of September works."),
            ynm(&[3, 4], &[1, 2], &[])
        );
    }

    #[test]
    fn the_two_mondays_and_the_other_three() {
        assert_eq!(answer("The two Mondays work for us."), ynm(&[1, 4], &[2, 3], &[]));
        assert_eq!(answer("De to mandagene passer ikke."), ynm(&[], &[1, 4], &[]));
        assert_eq!(
            answer("1 doesn't work, but the other three dates are fine."),
            ynm(&[2, 3, 4], &[1], &[])
        );
        assert_eq!(
            answer("Vi kan ikke 29.8. Resten er ok."),
            ynm(&[2, 3, 4], &[1], &[])
        );
        assert_eq!(
            answer(
                "Måndag 5. september passar best for oss. Onsdag 31. august kan gå om det må til. Dei andre datoane passar ikkje."
            ),
            ynm(&[4], &[1, 3], &[2])
        );
    }

    #[test]
    fn a_count_that_does_not_fit_is_a_doubt() {
        // Two are left after slot 1, not three.
        assert!(doubted("1 og 2 passer ikke, men de tre andre går fint."));
    }

    #[test]
    fn parts_of_the_day() {
        assert_eq!(answer("Only mornings work for us."), ynm(&[2, 3], &[1, 4], &[]));
        assert_eq!(answer("Vi kan bare formiddager."), ynm(&[2, 3], &[1, 4], &[]));
        assert_eq!(answer("Ettermiddagene passer ikke."), ynm(&[], &[1, 4], &[]));
    }

    #[test]
    fn a_preference_is_a_maybe_for_what_it_does_not_fit_never_a_no() {
        assert_eq!(
            answer("Vi kan bare første uka i september, helst om formiddagen."),
            ynm(&[3], &[1, 2], &[4])
        );
        assert_eq!(
            answer("Alle passer, helst om formiddagen."),
            ynm(&[2, 3], &[], &[1, 4])
        );
        assert_eq!(
            answer("Fredag 2. september passer best, men onsdag 31. august går også."),
            ynm(&[2, 3], &[1, 4], &[])
        );
        // A day preferred among the slots that suit: the others still suit.
        assert_eq!(
            answer(
                "Vi i LMD kan berre på formiddagen, så det blir dei to dagane med møte 09–11. Fredag er best for oss."
            ),
            ynm(&[2, 3], &[1, 4], &[])
        );
    }

    #[test]
    fn unsure_of_a_slot_and_coming_back_to_it_leaves_it_open() {
        let a = read(
            "1 og 2 passer for JD. 3 går ikke. Nr. 4 er jeg usikker på – må sjekke med avdelingsdirektøren og kommer tilbake om den.",
            &candidates(),
        );
        assert_eq!((a.yes, a.no, a.maybe), ynm(&[1, 2], &[3], &[]));
        // Unsure, and nothing more said: a reservation.
        assert_eq!(
            answer("1 og 2 passer. Nr. 4 er jeg usikker på."),
            ynm(&[1, 2], &[3], &[4])
        );
    }

    #[test]
    fn a_reservation_then_a_yes_under_a_quoted_slot_is_a_reservation() {
        let quoted = "> Hvilke passer?\n>\n> 1. mandag 29. august kl. 13–15\nJa\n> 2. onsdag 31. august kl. 09–11\nNei, da er vi på avdelingssamling\n> 3. fredag 2. september kl. 09–11\nHelst ikke, men kan gå\n> 4. mandag 5. september kl. 13–15\nJa\n>\n> Svar gjerne kort.\n";
        let a = read_message(
            Message {
                body: "Hei, svarer i teksten under.",
                quoted,
                subject: "",
            },
            &candidates(),
            true,
        );
        assert_eq!((a.yes, a.no, a.maybe), (vec![1, 4], vec![2], vec![3]));
    }

    #[test]
    fn a_preference_followed_by_the_slots_it_leads_to_leaves_the_others_out() {
        assert_eq!(
            answer("Vi foretrekker formiddag, så 2 eller 3. Nr. 1 kan gå om nødvendig."),
            ynm(&[2, 3], &[4], &[1])
        );
        assert_eq!(
            answer("Vi foretrekker formiddag. Så 2 eller 3."),
            ynm(&[2, 3], &[1, 4], &[])
        );
        assert_eq!(answer("Vi foretrekker formiddag."), ynm(&[2, 3], &[], &[1, 4]));
    }

    #[test]
    fn both_or_all_of_the_people_who_come_are_no_slots() {
        assert_eq!(
            answer("1 og 3 passer. Håvard og jeg kommer begge på oppfølgingsmøtet."),
            ynm(&[1, 3], &[2, 4], &[])
        );
        assert_eq!(
            answer("2 suits us, and we will both attend."),
            ynm(&[2], &[1, 3, 4], &[])
        );
    }

    #[test]
    fn weekdays_in_the_plural_that_are_difficult_are_a_no() {
        assert_eq!(
            answer("Måndagane er vanskelege, elles går det fint."),
            ynm(&[2, 3], &[1, 4], &[])
        );
        assert_eq!(answer("Mandagene er vanskelige for oss."), ynm(&[], &[1, 4], &[]));
        assert_eq!(answer("Mandagene er ikke aktuelle."), ynm(&[], &[1, 4], &[]));
    }

    #[test]
    fn a_last_resort_is_a_maybe_and_not_an_only() {
        assert_eq!(
            answer("Eg kan alle dagane, men 3 berre dersom de ikkje finn noko anna som passar."),
            ynm(&[1, 2, 4], &[], &[3])
        );
        assert_eq!(
            answer("1 og 2 går fint for meg, 4 vil jeg helst unngå."),
            ynm(&[1, 2], &[3], &[4])
        );
    }

    #[test]
    fn from_a_date_on_with_its_weekday_between() {
        assert_eq!(
            answer("Alt fra og med onsdag 31. august passer for LMD. 29.8 er vi dessverre bortreist."),
            ynm(&[2, 3, 4], &[1], &[])
        );
        // Nynorsk "frå og med" (holdout-20).
        assert_eq!(
            answer("Alt frå og med 31. august passar for oss, men helst ikkje måndag 5. september."),
            ynm(&[2, 3], &[1], &[4])
        );
    }

    #[test]
    fn reservations_are_maybe() {
        assert_eq!(answer("Kanskje 2."), ynm(&[], &[1, 3, 4], &[2]));
        assert_eq!(
            answer("Options 2 and 3 work for me. 4 is possible if need be, 1 doesn't work."),
            ynm(&[2, 3], &[1], &[4])
        );
        assert_eq!(
            answer("Foreløpig kan vi 29. og 31. august, men det er med forbehold til jeg har sjekket."),
            ynm(&[], &[3, 4], &[1, 2])
        );
        assert_eq!(answer("1 passer, 3 helst ikke."), ynm(&[1], &[2, 4], &[3]));
        assert_eq!(
            answer("3 går, men helst ikke – vi har styremøte kvelden før."),
            ynm(&[], &[1, 2, 4], &[3])
        );
        // Nynorsk's word for a reservation.
        assert_eq!(
            answer(
                "1 passar. 4 kan gå, men med atterhald om at budsjettet er levert. 2 og 3 er eg bortreist."
            ),
            ynm(&[1], &[2, 3], &[4])
        );
        assert_eq!(
            answer("31. august passer dårlig, men kan om nødvendig."),
            ynm(&[], &[1, 3, 4], &[2])
        );
        assert_eq!(
            answer("Fredag er litt vanskelig, men 1 passer."),
            ynm(&[1], &[2, 4], &[3])
        );
    }

    #[test]
    fn good_bad_and_uncertain_slots_are_never_inverted() {
        assert_eq!(
            answer("1 og 4 passer, 2 passer ikke, og 3 er usikkert."),
            ynm(&[1, 4], &[2], &[3])
        );
        assert_eq!(
            answer("29. august går ikke. 31. august og 5. september passer fint. 2. september kanskje."),
            ynm(&[2, 4], &[1], &[3])
        );
        assert_eq!(
            answer(
                "Monday 29 August is bad, Wednesday 31 August is good, Friday 2 September maybe, Monday 5 September no."
            ),
            ynm(&[2], &[1, 4], &[3])
        );
    }

    #[test]
    fn a_correction_wins_and_a_contradiction_is_a_doubt() {
        assert_eq!(
            answer("1 passer. Beklager, 1 passer likevel ikke, men 2 gjør det."),
            ynm(&[2], &[1, 3, 4], &[])
        );
        assert!(!read("1 passer.", &candidates()).correction);
        assert!(read("Rettelse: 2 passer likevel.", &candidates()).correction);
        assert!(doubted("1 passer. 1 passer ikke."));
    }

    #[test]
    fn a_question_is_a_remark_and_the_answer_stands() {
        let a = read(
            "Ingen av forslagene passer, dessverre. Er det mulig å se på 7. eller 8. september?",
            &candidates(),
        );
        assert_eq!((a.yes.clone(), a.no.clone()), (vec![], vec![1, 2, 3, 4]));
        assert!(a.doubts.is_empty(), "{:?}", a.doubts);
        assert_eq!(a.remarks.len(), 1, "{:?}", a.remarks);
        let a = read("2 passer. Blir det servert lunsj?", &candidates());
        assert_eq!(a.yes, [2]);
        assert_eq!(a.remarks.len(), 1);
    }

    #[test]
    fn times_and_counts_are_not_slot_numbers() {
        assert_eq!(
            answer("Møtet kl. 9 den 31. august passer fint"),
            ynm(&[2], &[1, 3, 4], &[])
        );
        assert_eq!(
            answer("Vi blir 3 personer, 2 passer."),
            ynm(&[2], &[1, 3, 4], &[])
        );
        assert!(read("Takk for invitasjonen.", &candidates()).is_empty());
    }

    #[test]
    fn a_weekday_that_is_not_the_date_s_is_a_doubt() {
        assert!(doubted("Tirsdag 29. august passer."));
    }

    #[test]
    fn quoted_text_is_not_an_answer() {
        let a = read_message(
            Message {
                body: "2 passer.",
                quoted: "> 1. mandag 29. august\n> 3. fredag 2. september",
                subject: "",
            },
            &candidates(),
            true,
        );
        assert_eq!((a.yes, a.no), (vec![2], vec![1, 3, 4]));
    }

    #[test]
    fn answers_written_under_the_slots_of_a_poll_quoted_without_marks() {
        let quoted = "-----Original Message-----\nFrom: Tom Arne Nygaard <tom-arne.nygaard@kdd.dep.no>\nSubject: Hvilken dato passer?\n\nVi har fire mulige tidspunkter:\n\n1. mandag 29. august kl. 13–15\n[ES] Nei, kolliderer med budsjettkonferansen.\n2. onsdag 31. august kl. 09–11\n[ES] Ja\n3. fredag 2. september kl. 09–11\n[ES] Kanskje – avhenger av reiseplanen\n4. mandag 5. september kl. 13–15\n[ES] Ja\n\nSvar på denne e-posten med de tidspunktene som passer for dere, for eksempel «2 og 4».\n";
        let a = read_message(
            Message {
                body: "Hei, svar inline under.",
                quoted,
                subject: "",
            },
            &candidates(),
            true,
        );
        assert_eq!((a.yes, a.no, a.maybe), (vec![2, 4], vec![1], vec![3]));
        // The poll quoted as it was, with nothing written under its slots, answers nothing.
        let untouched = "-----Original Message-----\nFrom: Tom Arne Nygaard\n\n1. mandag 29. august kl. 13–15\n2. onsdag 31. august kl. 09–11\n\nSvar på denne e-posten, for eksempel «2 og 4».\n";
        let a = read_message(
            Message {
                body: "Se over.",
                quoted: untouched,
                subject: "",
            },
            &candidates(),
            true,
        );
        assert!(a.yes.is_empty() && a.no.is_empty() && a.maybe.is_empty(), "{a:?}");
    }

    #[test]
    fn answers_written_between_the_lines_of_the_poll() {
        let quoted = "> Disse tidspunktene er aktuelle:\n>\n>   1. mandag 29. august kl. 13.00–15.00\nJa\n>   2. onsdag 31. august kl. 09.00–11.00\nKanskje – Jan er bortreist, men jeg kan\n>   3. fredag 2. september kl. 09.00–11.00\nJa\n>   4. mandag 5. september kl. 13.00–15.00\nNei\n>\n> Svar på denne e-posten\n";
        let a = read_message(
            Message {
                body: "Hei, svar under!",
                quoted,
                subject: "",
            },
            &candidates(),
            true,
        );
        assert_eq!(
            (a.yes.clone(), a.no.clone(), a.maybe.clone()),
            (vec![1, 3], vec![4], vec![2]),
            "{a:?}"
        );
        // The slots as a list in columns ("1  mandag 29. august"), answers under them after
        // blank lines.
        let quoted = "> Hvilke av disse tidspunktene passer for dere?\n>\n>   1  mandag 29. august kl. 13–15\n\nNei, da er vi på Arendalsuka.\n\n>   2  onsdag 31. august kl. 09–11\n\nJa.\n\n>   3  fredag 2. september kl. 09–11\n\nGår, men helst ikke – vi har styremøte kvelden før.\n\n>   4  mandag 5. september kl. 13–15\n\nPasser fint.\n\n> Svar med numrene som passer (for eksempel «2 og 4»)\n";
        let a = read_message(
            Message {
                body: "Gro",
                quoted,
                subject: "",
            },
            &candidates(),
            true,
        );
        assert_eq!(
            (a.yes.clone(), a.no.clone(), a.maybe.clone()),
            (vec![2, 4], vec![1], vec![3]),
            "{a:?}"
        );
        let quoted = "  1. mandag 29. august kl. 13.00–15.00   [PGS: passer ikke]\n  2. onsdag 31. august kl. 09.00–11.00   [PGS: passer]\n  3. fredag 2. september kl. 09.00–11.00   [PGS: passer dårlig, men kan om nødvendig]\n  4. mandag 5. september kl. 13.00–15.00   [PGS: nei]\n";
        let a = read_message(
            Message {
                body: "Svar i teksten under.",
                quoted,
                subject: "",
            },
            &candidates(),
            true,
        );
        assert_eq!(
            (a.yes.clone(), a.no.clone(), a.maybe.clone()),
            (vec![2], vec![1, 4], vec![3]),
            "{a:?}"
        );
    }

    #[test]
    fn the_subject_is_read_when_the_body_says_nothing() {
        let subject = "SV: Hvilken dato passer? [OGP5:abc] – alle passer for JD";
        let mut a = read_message(
            Message {
                body: "Mari Fjeld",
                quoted: "",
                subject,
            },
            &candidates(),
            true,
        );
        assert_eq!(a.yes, [1, 2, 3, 4]);
        quote_evidence(
            &mut a,
            Message {
                body: "",
                quoted: "",
                subject,
            },
        );
        assert_eq!(a.evidence[0].text, "– alle passer for JD");
    }

    #[test]
    fn evidence_is_the_words_each_slot_was_read_from() {
        let text = "29. august passer ikke, men 31. august går fint.";
        let mut a = read(text, &candidates());
        quote_evidence(
            &mut a,
            Message {
                body: text,
                ..Message::default()
            },
        );
        let words: Vec<(usize, Said, &str)> = a
            .evidence
            .iter()
            .map(|e| (e.slot, e.said, e.text.as_str()))
            .collect();
        assert_eq!(
            words,
            [
                (1, Said::No, "29. august passer ikke"),
                (2, Said::Yes, "men 31. august går fint")
            ]
        );
        for e in &a.evidence {
            assert_eq!(&text[e.start..e.end].trim(), &e.text);
        }
    }

    #[test]
    fn answers_after_a_dash_or_a_colon_stay_with_their_slot() {
        // Read shifted by one: "1" alone, then "ja, 2", "nei, 3"…
        assert_eq!(
            answer("1 - ja, 2 - nei, 3 - kanskje, 4 - ja"),
            ynm(&[1, 4], &[2], &[3])
        );
        assert_eq!(
            answer("1: ja, 2: nei, 3: kanskje, 4: ja"),
            ynm(&[1, 4], &[2], &[3])
        );
        assert_eq!(
            answer("Ja til 1 og 3, nei til 2 og 4."),
            ynm(&[1, 3], &[2, 4], &[])
        );
    }

    #[test]
    fn a_piece_with_words_not_understood_is_not_given_the_next_piece_s_predicate() {
        // Was all four yes: "Afternoons are out for us" took "mornings work".
        assert_eq!(
            answer("Afternoons are out for us, mornings work."),
            ynm(&[2, 3], &[1, 4], &[])
        );
        assert!(doubted("Mondays are brilliant, and Friday works."));
        assert!(doubted("Afternoons are splendid for us, mornings work."));
    }

    #[test]
    fn the_forms_people_write_in_nynorsk_and_english() {
        assert_eq!(
            answer("Måndag 29. august går ikkje, men onsdag passar fint."),
            ynm(&[2], &[1, 3, 4], &[])
        );
        assert_eq!(
            answer("Eg er bortreist 2. og 5. september. Dei andre passar."),
            ynm(&[1, 2], &[3, 4], &[])
        );
        assert_eq!(answer("Veke 35 passar."), ynm(&[1, 2, 3], &[4], &[]));
        assert_eq!(
            answer("Bare formiddagar passar for oss."),
            ynm(&[2, 3], &[1, 4], &[])
        );
        assert_eq!(answer("Ingen av dei passar."), ynm(&[], &[1, 2, 3, 4], &[]));
        assert_eq!(
            answer("1 won't work, 2 and 4 are fine."),
            ynm(&[2, 4], &[1, 3], &[])
        );
        assert_eq!(
            answer("I can't make the 29th, but the 31st works."),
            ynm(&[2], &[1, 3, 4], &[])
        );
        assert_eq!(answer("We cannot do Mondays."), ynm(&[], &[1, 4], &[]));
        assert_eq!(
            answer("Wednesday is difficult for me; Friday is fine."),
            ynm(&[3], &[1, 2, 4], &[])
        );
        assert_eq!(
            answer("Between 29 August and 2 September we are away."),
            ynm(&[], &[1, 2, 3], &[])
        );
        assert_eq!(answer("Preferably mornings."), ynm(&[2, 3], &[], &[1, 4]));
        assert_eq!(answer("Helst formiddag."), ynm(&[2, 3], &[], &[1, 4]));
        assert_eq!(answer("Jeg har ferie hele uke 35."), ynm(&[], &[1, 2, 3], &[]));
        assert_eq!(
            answer("Vi kan alle dager, men helst ikke mandag."),
            ynm(&[2, 3], &[], &[1, 4])
        );
    }

    #[test]
    fn all_other_than_and_no_problem_are_not_inverted() {
        // Each was read the other way round: the Mondays yes, 1 and 2 no, every slot yes.
        assert_eq!(answer("Alt annet enn mandag går."), ynm(&[2, 3], &[1, 4], &[]));
        assert_eq!(answer("Alle andre enn 2 passer."), ynm(&[1, 3, 4], &[2], &[]));
        assert_eq!(answer("Ingen problem med 1 og 2."), ynm(&[1, 2], &[3, 4], &[]));
        assert_eq!(answer("Helst 3, ellers 2."), ynm(&[2, 3], &[1, 4], &[]));
    }

    #[test]
    fn all_but_in_english_is_an_exception() {
        // Was every slot yes: "Any date" alone, then "but Monday 29 August is fine".
        assert_eq!(
            answer("Any date but Monday 29 August is fine."),
            ynm(&[2, 3, 4], &[1], &[])
        );
        assert_eq!(answer("All but 2 work for us."), ynm(&[1, 3, 4], &[2], &[]));
        assert_eq!(answer("All of them except 1 and 4."), ynm(&[2, 3], &[1, 4], &[]));
    }

    #[test]
    fn a_yes_after_a_reservation_about_the_same_slots_is_a_maybe() {
        assert_eq!(
            answer("Mondays are not ideal but possible."),
            ynm(&[], &[2, 3], &[1, 4])
        );
        // A yes about other slots is a yes.
        assert_eq!(answer("1 passer dårlig, men 2 går."), ynm(&[2], &[1, 3, 4], &[]));
    }

    #[test]
    fn the_answers_the_old_reader_got_right_still_hold() {
        assert_eq!(answer("Either 1 or 3 is fine."), ynm(&[1, 3], &[2, 4], &[]));
        assert_eq!(answer("Both 1 and 3 work for us."), ynm(&[1, 3], &[2, 4], &[]));
        assert_eq!(answer("Kun fredag passer."), ynm(&[3], &[1, 2, 4], &[]));
        assert_eq!(
            answer("31. august passer dårlig, men 5. september går fint."),
            ynm(&[4], &[1, 2, 3], &[])
        );
    }

    #[test]
    fn letters_that_change_length_in_lower_case_do_not_shift_the_spans() {
        assert_eq!(
            answer("İİİ 1 passer men 2 passer ikke"),
            ynm(&[1], &[2, 3, 4], &[])
        );
    }

    #[test]
    fn the_exceptions_in_nynorsk_and_english_are_no() {
        assert_eq!(
            answer("Vi kan alle dagane bortsett frå måndagane."),
            ynm(&[2, 3], &[1, 4], &[])
        );
        assert_eq!(
            answer("Any of them, excluding the Mondays."),
            ynm(&[2, 3], &[1, 4], &[])
        );
    }

    #[test]
    fn slots_in_the_plural_head_a_list_of_numbers() {
        assert_eq!(
            answer("Slots 2, 3 and 4 all work for us. Slot 1 (29 August) is possible if need be."),
            ynm(&[2, 3, 4], &[], &[1])
        );
        assert_eq!(
            answer("Tidspunkter 1, 2 og 4 passer."),
            ynm(&[1, 2, 4], &[3], &[])
        );
    }

    #[test]
    fn all_possible_is_yes_and_a_preference_against_some_makes_them_maybe() {
        assert_eq!(
            answer("Alle fire er mulige for oss."),
            ynm(&[1, 2, 3, 4], &[], &[])
        );
        assert_eq!(
            answer("Alle fire er mulige for oss, men helst ikke mandagene."),
            ynm(&[2, 3], &[], &[1, 4])
        );
    }

    #[test]
    fn anything_but_one_is_yes_to_the_others() {
        assert_eq!(
            answer("Anything but Friday 2 September works for NRC."),
            ynm(&[1, 2, 4], &[3], &[])
        );
    }

    #[test]
    fn a_later_date_before_an_earlier_one_is_no_run_of_dates() {
        assert_eq!(
            answer(
                "Av ettermiddagene passer bare 5. september – 29. august er vi på kommunalpolitisk toppmøte."
            ),
            ynm(&[4], &[1, 2, 3], &[])
        );
    }

    #[test]
    fn a_last_resort_and_a_limit_on_the_time_are_reservations() {
        assert_eq!(
            answer("1 og 4 er uaktuelle for OED. 2 passar godt, og 3 kan gå om det ikkje finst noko betre."),
            ynm(&[2], &[1, 4], &[3])
        );
        assert_eq!(
            answer(
                "1\t29.08 kl. 13–15\tPasser ikke\n2\t31.08 kl. 09–11\tPasser\n3\t02.09 kl. 09–11\tKan gå, men bare til kl. 10.30\n4\t05.09 kl. 13–15\tPasser"
            ),
            ynm(&[2, 4], &[1], &[3])
        );
        assert_eq!(
            answer("2 passer, men jeg må gå kl. 10."),
            ynm(&[], &[1, 3, 4], &[2])
        );
        assert_eq!(
            answer("Slot 3 works if there is nothing better."),
            ynm(&[], &[1, 2, 4], &[3])
        );
    }
}
