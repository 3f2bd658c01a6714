//! What a reply says, in facts the register can take: for each event, registered, declined or
//! tentative, with attendees (names, addresses) or a bare count; a contact person (name, address,
//! E.164 phone); whether it corrects an earlier answer; questions that need a person; and doubts
//! that should send it to review rather than into the register.
//!
//! Works clause by clause on the text the person wrote now, with Norwegian and English cue words
//! and negation, rather than with a pattern per expected reply: replies are written in a thousand
//! ways, but they say "kommer"/"deltar"/"attend" or "ikke"/"not" somewhere.

use chrono::NaiveDate;
use serde::Serialize;

use super::lexicon::Lexicon;
use super::{dates, phone};
use std::sync::LazyLock;

/// Whether an organisation comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    Registered,
    Declined,
    Tentative,
}

impl Intent {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Registered => "registered",
            Intent::Declined => "declined",
            Intent::Tentative => "tentative",
        }
    }
}

/// Someone who comes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Attendee {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// The answer for one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub event: String,
    pub intent: Intent,
    pub attendees: Vec<Attendee>,
    /// "Vi blir tre": a count without (all the) names.
    pub count: Option<u32>,
}

/// A contact person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    /// "Jeg er kontaktperson": the sender appoints themselves.
    pub is_sender: bool,
}

/// Everything read from a reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub answers: Vec<Answer>,
    pub contact: Option<Contact>,
    /// It replaces an earlier answer ("rettelse", "vi blir bare én").
    pub correction: bool,
    pub questions: Vec<String>,
    /// Reasons a person should look before anything is applied.
    pub doubts: Vec<String>,
}

/// An event as replies refer to it.
#[derive(Debug, Clone)]
pub struct EventRef {
    pub id: String,
    /// Lowercase phrases that name it ("oppfølgingsmøtet", "august/september").
    pub aliases: Vec<String>,
    /// Its days, to recognise "23. juni" or "23.06".
    pub days: Vec<NaiveDate>,
}

/// What the reading needs to know about the process; pure data, from the config.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub events: Vec<EventRef>,
    /// The event a reply is about when it names none.
    pub default_event: String,
    /// Addresses that are never attendees or contacts (the coordinator's, the organiser's).
    pub own_addresses: Vec<String>,
    /// The local part and domain of the reply address, whose plus-addresses are ours too.
    pub reply_address: Option<(String, String)>,
    /// Numbers that are never a contact's (the coordinator's, the organiser's), E.164.
    pub own_phones: Vec<String>,
    /// Names that are never attendees or contacts (the coordinator, the signatory).
    pub own_names: Vec<String>,
    /// Organisation names and acronyms, lowercase: not people.
    pub org_words: Vec<String>,
}

/// The sender of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sender {
    pub name: Option<String>,
    pub address: String,
}

const REGISTER: &[&str] = &[
    "melder på",
    "melde på",
    "melder oss på",
    "melder meg på",
    "meldes på",
    "påmelding",
    "påmeldt",
    "påmelde",
    "kommer",
    "komme",
    "deltar",
    "delta",
    "deltakelse",
    "stiller",
    "blir med",
    "er med",
    "møter",
    "til stede",
    "representert",
    "representeres",
    "representere",
    "sender",
    "tar turen",
    "takker ja",
    "har anledning",
    "har mulighet",
    "ja takk",
    "ja, vi",
    "ja vi",
    "gleder oss",
    "attend",
    "attending",
    "register",
    "sign up",
    "signing up",
    "will be there",
    "join",
    "joining",
    "participate",
    "participating",
    "participation",
    "count us in",
    "represented",
    "coming",
    "will come",
    "accept",
    "confirm",
    "be present",
];

const DECLINE: &[&str] = &[
    "melder forfall",
    "melde forfall",
    "forfall",
    "avmelding",
    "melder av",
    "melde av",
    "melder oss av",
    "melde oss av",
    "melder meg av",
    "melde meg av",
    "meldes av",
    "avmelde",
    "avmeldt",
    "trekker oss",
    "trekke oss",
    "trekker påmeldingen",
    "trekke påmeldingen",
    "forhindret",
    "takker nei",
    "nei takk",
    "ikke anledning",
    "ikke mulighet",
    "ikke kapasitet",
    "rekker ikke",
    "cannot attend",
    "can't attend",
    "can not attend",
    "unable to attend",
    "unable to join",
    "unable to participate",
    "not be able",
    "won't be able",
    "decline",
    "regret that",
    "regretfully",
    "must decline",
    "send our apologies",
    "withdraw",
    "unregister",
    "cancel our registration",
    "cancel my registration",
    "can no longer",
    "no longer able",
];

/// Phrases with a cue word that do not say anyone comes ("vi kommer tilbake med navn").
const NOT_REGISTER: &[&str] = &[
    "kommer tilbake",
    "komme tilbake",
    "kommer med svar",
    "kommer med navn",
    "kommer med en",
    "sender navn",
    "sender over",
    "sender deg",
    "sender dere",
    "sender svar",
    "sender inn",
    "sender videre",
    "videresender",
    "get back",
    "come back to you",
    "will revert",
    "will send",
    "confirm the name",
    "komme med innspill",
    "kommer inn",
];

const NEGATIONS: &[&str] = &[
    "ikke", "ikkje", "ingen", "aldri", "not", "n't", "no one", "nobody", "never", "neither",
];

const TENTATIVE: &[&str] = &[
    "foreløpig",
    "muligens",
    "kanskje",
    "trolig",
    "sannsynligvis",
    "usikker",
    "forhåpentligvis",
    "med forbehold",
    "tentativ",
    "om mulig",
    "hvis vi",
    "hvis jeg",
    "dersom",
    "vurderer",
    "tentatively",
    "tentative",
    "probably",
    "maybe",
    "perhaps",
    "possibly",
    "might",
    "not sure",
    "hopefully",
    "provisionally",
    "if we can",
    "if possible",
];

const CORRECTION: &[&str] = &[
    "rettelse",
    "korrigering",
    "korreksjon",
    "endring",
    "endret",
    "oppdatering",
    "likevel",
    "i stedet",
    "istedenfor",
    "isteden",
    "erstatter",
    "bare én",
    "bare en ",
    "kun én",
    "kun en ",
    "blir bare",
    "blir kun",
    "correction",
    "instead",
    "update:",
    "change of plan",
    "replaces",
    "replace",
    "only one",
    "after all",
];

const CONTACT: &[&str] = &[
    "kontaktperson",
    "kontakt person",
    "kontaktpunkt",
    "kontakt for",
    "vår kontakt",
    "kontakten vår",
    "contact person",
    "point of contact",
    "focal point",
    "contact for",
    "our contact",
];

const ALL_EVENTS: &[&str] = &[
    "begge møtene",
    "begge møter",
    "begge",
    "alle møtene",
    "both meetings",
    "both",
    "all meetings",
    "all the meetings",
];

const UNIT_WORDS: &[&str] = &[
    "person",
    "personer",
    "stk",
    "stykker",
    "deltaker",
    "deltakere",
    "deltager",
    "deltagere",
    "representant",
    "representanter",
    "fra oss",
    "av oss",
    "people",
    "persons",
    "participant",
    "participants",
    "attendee",
    "attendees",
    "representative",
    "representatives",
    "delegate",
    "delegates",
    "of us",
    "colleagues",
    "kolleger",
];

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("én", 1),
    ("en", 1),
    ("ei", 1),
    ("ett", 1),
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

/// Capitalised words that begin sentences or name things, never people.
const NOT_NAMES: &[&str] = &[
    "vi",
    "jeg",
    "hei",
    "hallo",
    "heisann",
    "takk",
    "tusen",
    "med",
    "mvh",
    "hilsen",
    "vennlig",
    "beste",
    "kontaktperson",
    "kontakt",
    "deltakere",
    "deltaker",
    "deltagere",
    "møtet",
    "møte",
    "oppfølgingsmøtet",
    "samskapingsmøtet",
    "fra",
    "til",
    "og",
    "eller",
    "som",
    "den",
    "det",
    "de",
    "dere",
    "vår",
    "våre",
    "vårt",
    "hos",
    "på",
    "i",
    "om",
    "etter",
    "før",
    "mandag",
    "tirsdag",
    "onsdag",
    "torsdag",
    "fredag",
    "lørdag",
    "søndag",
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
    "the",
    "we",
    "our",
    "dear",
    "hi",
    "hello",
    "regards",
    "best",
    "kind",
    "contact",
    "person",
    "participants",
    "attendees",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "may",
    "june",
    "july",
    "october",
    "december",
    "ministry",
    "department",
    "departementet",
    "avdeling",
    "avdelingen",
    "seksjon",
    "seksjonen",
    "open",
    "government",
    "partnership",
    "handlingsplan",
    "action",
    "plan",
    "e-post",
    "epost",
    "email",
    "e-mail",
    "tlf",
    "telefon",
    "mobil",
    "mob",
    "phone",
    "tel",
    "ja",
    "nei",
    "yes",
    "no",
    "please",
    "vennligst",
    "gjerne",
    "også",
    "dessverre",
    "unfortunately",
    "sendt",
    "sent",
    "når",
    "hvis",
    "dersom",
    "er",
    "blir",
    "kommer",
    "deltar",
    "ref",
    "referanse",
    "kopi",
    "emne",
    "subject",
    "invitasjon",
    "invitation",
    "påmelding",
    "registration",
    "sv",
    "re",
    "vs",
    "fw",
    "fwd",
    "seniorrådgiver",
    "rådgiver",
    "avdelingsdirektør",
    "direktør",
    "utredningsleder",
    "underdirektør",
    "ekspedisjonssjef",
    "fagdirektør",
    "statssekretær",
    "politisk",
    "rådgiveren",
    "oslo",
    "norge",
    "norway",
    "zoom",
    "teams",
    "ogp",
];

/// Splits text into clauses: lines, sentences, and contrasts ("…, men …").
fn clauses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let mut current = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            current.push(c);
            let next = chars.get(i + 1).copied();
            let end_sentence = (c == '.' || c == '!' || c == '?' || c == ';')
                && next.is_none_or(char::is_whitespace)
                && !ends_with_abbreviation(&current);
            if end_sentence {
                out.push(std::mem::take(&mut current).trim().to_string());
            }
            i += 1;
        }
        if !current.trim().is_empty() {
            out.push(current.trim().to_string());
        }
    }
    // Contrasts make two clauses with their own intents.
    let mut split = Vec::new();
    for clause in out {
        let lower = clause.to_lowercase();
        let cut = [", men ", " men ", ", but ", " but ", " mens ", "; "]
            .iter()
            .find_map(|m| lower.find(m).map(|p| (p, m.len())));
        match cut {
            Some((p, len)) if p > 3 => {
                split.push(clause[..p].to_string());
                split.push(clause[p + len..].to_string());
            }
            _ => split.push(clause),
        }
    }
    split.into_iter().filter(|c| !c.trim().is_empty()).collect()
}

fn ends_with_abbreviation(text: &str) -> bool {
    let last = text
        .trim_end_matches(['.', '!', '?', ';'])
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .to_lowercase();
    // "23." in "23. juni", "tlf.", "kl.", "f.eks.", "ca.", initials ("T. A. Nygaard").
    last.chars().all(|c| c.is_ascii_digit())
        || [
            "tlf", "kl", "ca", "f.eks", "bl.a", "mvh", "nr", "ref", "jf", "evt", "mob", "tel", "e.g", "i.e",
            "dvs", "ev", "pr", "avd", "dept", "mr", "ms", "dr", "st", "inkl",
        ]
        .contains(&last.as_str())
        || (last.chars().count() == 1 && last.chars().all(char::is_alphabetic))
}

/// Whether `needle` occurs in `hay` as a whole word or phrase.
fn has(hay: &str, needle: &str) -> bool {
    find_word(hay, needle).is_some()
}

fn find_word(hay: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = hay[from..].find(needle) {
        let start = from + p;
        let end = start + needle.len();
        let before_ok = hay[..start].chars().last().is_none_or(|c| !c.is_alphanumeric());
        let after_ok =
            needle.ends_with(' ') || hay[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before_ok && after_ok {
            return Some(start);
        }
        from = start + needle.len().max(1);
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

fn number_word(word: &str) -> Option<u32> {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    if let Ok(n) = w.parse::<u32>() {
        return (1..=30).contains(&n).then_some(n);
    }
    NUMBER_WORDS.iter().find(|(name, _)| *name == w).map(|(_, n)| *n)
}

/// "vi blir tre", "2 personer", "to stk", "we will be two", "bare én", "alene".
fn count_in(clause: &str) -> Option<u32> {
    // Telephone numbers hold digits that are not counts.
    let mut without_phones = clause.to_string();
    if clause.bytes().any(|b| b.is_ascii_digit()) {
        for found in phone::find_all(clause).iter().rev() {
            without_phones.replace_range(found.start..found.end, " ");
        }
        // Dates hold numbers that are not counts either ("møtet 23. juni").
        let reference = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        let mut spans: Vec<(usize, usize)> = dates::find_all(&without_phones, reference)
            .iter()
            .map(|d| (d.start, d.end))
            .collect();
        spans.sort();
        for (start, end) in spans.into_iter().rev() {
            if without_phones.is_char_boundary(start) && without_phones.is_char_boundary(end) {
                without_phones.replace_range(start..end, " ");
            }
        }
    }
    let lower = without_phones.to_lowercase();
    if has(&lower, "alene") || has(&lower, "alone") || has(&lower, "bare meg") || has(&lower, "only me") {
        return Some(1);
    }
    let words: Vec<&str> = lower.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if w.starts_with('+') || w.contains('@') {
            continue;
        }
        let Some(n) = number_word(w) else { continue };
        let rest = words[i + 1..]
            .iter()
            .take(3)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let unit = UNIT_WORDS.iter().any(|u| {
            rest.starts_with(u)
                || rest
                    .split_whitespace()
                    .nth(1)
                    .is_some_and(|second| second.starts_with(u))
        });
        // The verb right before the number, or with "med" between ("stiller med fire").
        let before = words[..i]
            .iter()
            .rev()
            .take(2)
            .copied()
            .filter(|b| *b != "med" && *b != "with")
            .take(1)
            .collect::<Vec<_>>();
        let stated = before.iter().any(|b| {
            [
                "blir",
                "er",
                "kommer",
                "stiller",
                "deltar",
                "sender",
                "be",
                "are",
                "bare",
                "kun",
                "only",
                "totalt",
                "til sammen",
                "sammen",
            ]
            .contains(&b.trim_matches(|c: char| !c.is_alphanumeric()))
        });
        // "en"/"ett"/"to" are also ordinary words: only a count next to a unit or a verb of coming.
        let ambiguous =
            ["en", "ei", "ett", "to", "one", "ni"].contains(&w.trim_matches(|c: char| !c.is_alphanumeric()));
        let clause_end = i + 1 == words.len() || words[i + 1].ends_with(['.', ',', '!']);
        if unit || (stated && (!ambiguous || clause_end || w.contains('é'))) {
            return Some(n);
        }
    }
    None
}

fn is_name_word(word: &str) -> bool {
    let w = word.trim_matches(|c: char| {
        c == ',' || c == '.' || c == ':' || c == ';' || c == '(' || c == ')' || c == '"'
    });
    let mut chars = w.chars();
    let Some(first) = chars.next() else { return false };
    if !first.is_uppercase() || w.chars().count() < 2 {
        return false;
    }
    // Acronyms (AID, KDD) are organisations.
    if w.chars().filter(|c| c.is_uppercase()).count() > 1 && !w.contains('-') {
        return false;
    }
    w.chars()
        .all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
        && !NOT_NAMES.contains(&w.to_lowercase().as_str())
}

const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "af", "av", "la", "le", "da", "di", "du", "del",
];

/// Names of people in `text`: two to four capitalised words, with particles ("van der").
fn names_in(text: &str, ctx: &Context, allow_single: bool) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let part = !c.is_whitespace()
            && c != '('
            && c != ')'
            && c != '<'
            && c != '>'
            && c != ','
            && c != ';'
            && c != '/'
            && c != '"';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, &text[s..]));
    }
    let mut k = 0;
    while k < words.len() {
        if !is_name_word(words[k].1) {
            k += 1;
            continue;
        }
        let begin = k;
        let mut parts = vec![clean_word(words[k].1)];
        let mut j = k + 1;
        while j < words.len() && parts.len() < 4 {
            let w = words[j].1;
            if is_name_word(w) && !words[j - 1].1.ends_with([',', '.', ':']) {
                parts.push(clean_word(w));
                j += 1;
            } else if PARTICLES.contains(&w) && words.get(j + 1).is_some_and(|n| is_name_word(n.1)) {
                parts.push(w.to_string());
                j += 1;
            } else {
                break;
            }
        }
        let name = parts.join(" ");
        let lower = name.to_lowercase();
        // "Fra Redd Barna kommer …": a name after these words is an organisation's.
        let before = begin
            .checked_sub(1)
            .map(|b| words[b].1.to_lowercase())
            .unwrap_or_default();
        let organisation_word = ["fra", "from", "hos", "ved", "i", "in", "at", "av", "of", "for"]
            .contains(&before.trim_matches(|c: char| !c.is_alphabetic()));
        let own = ctx.own_names.iter().any(|o| o.to_lowercase() == lower);
        let org = ctx
            .org_words
            .iter()
            .any(|o| o.contains(&lower) || lower.contains(o.as_str()));
        if (parts.len() >= 2 || allow_single) && !own && !org && !organisation_word {
            out.push((name, words[begin].0));
        }
        k = j.max(k + 1);
    }
    out
}

fn clean_word(word: &str) -> String {
    word.trim_matches(|c: char| {
        c == ',' || c == '.' || c == ':' || c == ';' || c == '(' || c == ')' || c == '"'
    })
    .to_string()
}

fn is_own_address(address: &str, ctx: &Context) -> bool {
    if ctx.own_addresses.iter().any(|a| a == address) {
        return true;
    }
    if let Some((local, domain)) = &ctx.reply_address
        && let Some((l, d)) = address.split_once('@')
    {
        return d == domain && (l == local || l.starts_with(&format!("{local}+")));
    }
    false
}

/// Pairs each address in `line` with the name written next to it.
fn people_in_line(line: &str, ctx: &Context) -> Vec<Attendee> {
    let lower = line.to_lowercase();
    let addresses: Vec<(String, usize)> = super::bounce::addresses_in(line)
        .into_iter()
        .filter(|a| !is_own_address(a, ctx))
        .map(|a| {
            let pos = lower.find(a.as_str()).unwrap_or(0);
            (a, pos)
        })
        .collect();
    let names = names_in(line, ctx, false);
    // Each address takes the nearest free name before it, else the first free one after it;
    // people are listed in the order they are written.
    let mut used = vec![false; names.len()];
    let mut people: Vec<(usize, Attendee)> = Vec::new();
    for (address, pos) in &addresses {
        let before = names
            .iter()
            .enumerate()
            .filter(|(i, (_, p))| p < pos && !used[*i])
            .max_by_key(|(_, (_, p))| *p)
            .map(|(i, _)| i);
        let after = names
            .iter()
            .enumerate()
            .find(|(i, (_, p))| p > pos && !used[*i])
            .map(|(i, _)| i);
        let (at, name) = match before.or(after) {
            Some(i) => {
                used[i] = true;
                (names[i].1.min(*pos), Some(names[i].0.clone()))
            }
            None => (*pos, name_from_address(address)),
        };
        people.push((
            at,
            Attendee {
                name,
                email: Some(address.clone()),
            },
        ));
    }
    for (i, (name, pos)) in names.iter().enumerate() {
        if !used[i] {
            people.push((
                *pos,
                Attendee {
                    name: Some(name.clone()),
                    email: None,
                },
            ));
        }
    }
    people.sort_by_key(|(at, _)| *at);
    people.into_iter().map(|(_, a)| a).collect()
}

/// "kari.nordmann@aid.dep.no" → "Kari Nordmann", when the address looks like a person's.
fn name_from_address(address: &str) -> Option<String> {
    let local = address.split('@').next()?;
    let parts: Vec<&str> = local.split(['.', '_']).filter(|p| !p.is_empty()).collect();
    if parts.len() < 2
        || parts.len() > 4
        || parts
            .iter()
            .any(|p| p.len() < 2 || !p.chars().all(|c| c.is_alphabetic() || c == '-'))
    {
        return None;
    }
    let generic = [
        "post",
        "postmottak",
        "kontakt",
        "info",
        "firmapost",
        "admin",
        "mail",
        "office",
    ];
    if parts.iter().any(|p| generic.contains(p)) {
        return None;
    }
    Some(
        parts
            .iter()
            .map(|p| {
                p.split('-')
                    .map(|s| {
                        let mut c = s.chars();
                        c.next()
                            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                            .unwrap_or_default()
                    })
                    .collect::<Vec<_>>()
                    .join("-")
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn events_in(lower: &str, ctx: &Context) -> Vec<String> {
    if ctx.events.len() > 1 && ALL_EVENTS_WORDS.words_in(lower) != 0 {
        return ctx.events.iter().map(|e| e.id.clone()).collect();
    }
    let reference = ctx
        .events
        .iter()
        .flat_map(|e| e.days.first().copied())
        .min()
        .unwrap_or_default();
    let mentioned_days: Vec<NaiveDate> = dates::find_all(lower, reference)
        .into_iter()
        .map(|d| d.date)
        .collect();
    ctx.events
        .iter()
        .filter(|e| {
            e.aliases.iter().any(|a| lower.contains(a.as_str()))
                || e.days.iter().any(|d| mentioned_days.contains(d))
        })
        .map(|e| e.id.clone())
        .collect()
}

/// The intent word lists, one automaton: decline, register, negation, tentative.
static INTENT_WORDS: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::new(&[DECLINE, REGISTER, NEGATIONS, TENTATIVE]));
static NOT_REGISTER_PHRASES: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::phrases(NOT_REGISTER));
static CORRECTION_WORDS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&[CORRECTION]));
static CONTACT_WORDS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&[CONTACT]));
static ALL_EVENTS_WORDS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&[ALL_EVENTS]));

fn intent_of(lower: &str) -> Option<Intent> {
    let text = NOT_REGISTER_PHRASES.blank_out(lower);
    let found = INTENT_WORDS.words_in(&text);
    let (decline, register, negated, tentative) = (
        found & 1 != 0,
        found & 2 != 0,
        found & 4 != 0 || text.contains("n't"),
        found & 8 != 0,
    );
    if decline {
        return Some(Intent::Declined);
    }
    if !register {
        return None;
    }
    if negated {
        // "vi kommer ikke", "ingen fra oss deltar", "we will not attend"
        return Some(Intent::Declined);
    }
    if tentative {
        return Some(Intent::Tentative);
    }
    Some(Intent::Registered)
}

/// Whether the clause speaks of the writer alone ("jeg kommer", "I will attend").
fn speaks_of_self(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
        .collect();
    let first = &words[..words.len().min(5)];
    let me = first
        .iter()
        .any(|w| ["jeg", "eg", "i", "i'll", "i'm", "meg"].contains(w));
    let us = words.iter().any(|w| ["vi", "oss", "we", "us"].contains(w));
    me && !us
}

fn is_question(clause: &str) -> bool {
    let t = clause.trim();
    t.ends_with('?') && t.split_whitespace().count() >= 3
}

/// Reads the facts of a reply. `body` is the new text, `signature` the sender's signature, `subject`
/// the subject without "SV:"/"Re:" and without the invitation's own words (empty when it says
/// nothing new).
pub fn extract(body: &str, signature: &str, subject: &str, sender: &Sender, ctx: &Context) -> Facts {
    let mut facts = Facts::default();
    let lower_body = body.to_lowercase();
    facts.correction = CORRECTION_WORDS.substrings_in(&lower_body) != 0;

    // Intent and attendees per event, clause by clause.
    #[derive(Default)]
    struct Acc {
        intents: Vec<Intent>,
        attendees: Vec<Attendee>,
        count: Option<u32>,
    }
    let mut per_event: Vec<(String, Acc)> = ctx
        .events
        .iter()
        .map(|e| (e.id.clone(), Acc::default()))
        .collect();
    if !per_event.iter().any(|(id, _)| *id == ctx.default_event) {
        per_event.push((ctx.default_event.clone(), Acc::default()));
    }
    let mut current_events: Vec<String> = vec![ctx.default_event.clone()];
    let mut in_list = false;
    let mut list_started = false;
    let mut list_events: Vec<String> = Vec::new();
    let mut last_intent: Option<Intent>;
    let lines: Vec<&str> = body.lines().collect();
    for line in &lines {
        let line_trim = line.trim();
        let line_lower = line_trim.to_lowercase();
        if line_trim.is_empty() {
            // A blank line between "Deltakere:" and the list is fine; one after it ends it.
            if list_started {
                in_list = false;
            }
            continue;
        }
        // A list of attendees: "Deltakere:" then one per line.
        let bullet = line_trim.starts_with(['-', '*', '•', '–'])
            || line_trim
                .split_once(['.', ')'])
                .is_some_and(|(n, _)| n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit()));
        if in_list
            && (bullet
                || names_in(line_trim, ctx, true).len() == 1
                || !super::bounce::addresses_in(line_trim).is_empty())
            && !CONTACT_WORDS.any_substring(&line_lower)
        {
            let cleaned = line_trim.trim_start_matches(['-', '*', '•', '–', ' ']);
            let mut people = people_in_line(cleaned, ctx);
            if people.is_empty() {
                people = names_in(cleaned, ctx, true)
                    .into_iter()
                    .take(1)
                    .map(|(n, _)| Attendee {
                        name: Some(n),
                        email: None,
                    })
                    .collect();
            }
            for (id, acc) in per_event.iter_mut() {
                if list_events.contains(id) {
                    acc.attendees.extend(people.iter().cloned());
                    if acc.intents.is_empty() {
                        acc.intents.push(Intent::Registered);
                    }
                }
            }
            list_started = true;
            continue;
        }
        in_list = false;
        list_started = false;
        // A verbless clause borrows only from its own line.
        last_intent = None;
        for clause in clauses(line_trim) {
            let lower = clause.to_lowercase();
            if is_question(&clause) {
                facts.questions.push(clause.trim().to_string());
                continue;
            }
            let mentioned = events_in(&lower, ctx);
            let targets_named = !mentioned.is_empty();
            if !mentioned.is_empty() {
                current_events = mentioned.clone();
            }
            let targets = if mentioned.is_empty() {
                current_events.clone()
            } else {
                mentioned
            };
            let contact_clause = CONTACT_WORDS.any_substring(&lower);
            let mut intent = intent_of(&lower);
            // "…, men ikke på oppfølgingsmøtet": a clause without a verb takes the one before,
            // turned by a negation.
            if intent.is_none()
                && !contact_clause
                && targets_named
                && let Some(previous) = last_intent
            {
                let negated = NEGATIONS.iter().any(|n| has(&lower, n));
                intent = Some(if negated { Intent::Declined } else { previous });
            }
            if intent.is_some() {
                last_intent = intent;
            }
            let count = if contact_clause { None } else { count_in(&clause) };
            let introduces_list = line_trim.ends_with(':')
                && (intent.is_some()
                    || [
                        "deltaker",
                        "deltager",
                        "følgende",
                        "participant",
                        "attendee",
                        "representant",
                        "navn",
                        "names",
                    ]
                    .iter()
                    .any(|w| lower.contains(w)))
                && !contact_clause;
            for (id, acc) in per_event.iter_mut() {
                if !targets.contains(id) {
                    continue;
                }
                if let Some(i) = intent {
                    acc.intents.push(i);
                }
                if count.is_some() && intent != Some(Intent::Declined) {
                    acc.count = count;
                    if acc.intents.is_empty() {
                        acc.intents.push(Intent::Registered);
                    }
                }
                if matches!(intent, Some(Intent::Registered | Intent::Tentative)) && !contact_clause {
                    let mut people = people_in_line(&clause, ctx);
                    if people.is_empty() && speaks_of_self(&lower) {
                        people.push(Attendee {
                            name: sender.name.clone(),
                            email: Some(sender.address.clone()),
                        });
                    }
                    acc.attendees.extend(people);
                }
            }
            if introduces_list {
                in_list = true;
                list_events = targets.clone();
            }
        }
    }
    // The subject speaks only where the body is silent.
    let subject_lower = subject.to_lowercase();
    if !subject_lower.trim().is_empty()
        && per_event.iter().all(|(_, a)| a.intents.is_empty())
        && let Some(intent) = intent_of(&subject_lower)
    {
        let mentioned = events_in(&subject_lower, ctx);
        let targets = if mentioned.is_empty() {
            vec![ctx.default_event.clone()]
        } else {
            mentioned
        };
        for (id, acc) in per_event.iter_mut() {
            if targets.contains(id) {
                acc.intents.push(intent);
                if let Some(c) = count_in(subject) {
                    acc.count = Some(c);
                }
            }
        }
    }
    for (event, acc) in per_event {
        if acc.intents.is_empty() {
            continue;
        }
        let distinct: Vec<Intent> = acc.intents.iter().fold(Vec::new(), |mut v, i| {
            if !v.contains(i) {
                v.push(*i);
            }
            v
        });
        let intent = if distinct.len() == 1 {
            distinct[0]
        } else if distinct.contains(&Intent::Registered) && distinct.contains(&Intent::Declined) {
            // "Vi kan dessverre ikke komme 23. juni" reads as both; a correction says the last word.
            if facts.correction {
                *acc.intents.last().unwrap_or(&Intent::Declined)
            } else if acc.intents.iter().filter(|i| **i == Intent::Declined).count()
                >= acc.intents.iter().filter(|i| **i == Intent::Registered).count()
            {
                Intent::Declined
            } else {
                facts.doubts.push(format!("both yes and no about {event}"));
                Intent::Registered
            }
        } else if distinct.contains(&Intent::Tentative) {
            Intent::Tentative
        } else {
            distinct[0]
        };
        let mut attendees: Vec<Attendee> = Vec::new();
        for a in acc.attendees {
            let duplicate = attendees.iter_mut().find(|b| {
                (a.email.is_some() && a.email == b.email)
                    || (a.name.is_some()
                        && a.name.as_deref().map(str::to_lowercase)
                            == b.name.as_deref().map(str::to_lowercase))
            });
            match duplicate {
                Some(b) => {
                    if b.email.is_none() {
                        b.email = a.email;
                    }
                    if b.name.is_none() {
                        b.name = a.name;
                    }
                }
                None => attendees.push(a),
            }
        }
        let attendees = if intent == Intent::Declined {
            Vec::new()
        } else {
            attendees
        };
        let count = if intent == Intent::Declined {
            None
        } else {
            acc.count
        };
        facts.answers.push(Answer {
            event,
            intent,
            attendees,
            count,
        });
    }

    facts.contact = contact(&lines, signature, sender, ctx, &mut facts.doubts);
    facts
}

/// The contact person: from the clause that names the role and the lines right after it.
fn contact(
    lines: &[&str],
    signature: &str,
    sender: &Sender,
    ctx: &Context,
    doubts: &mut Vec<String>,
) -> Option<Contact> {
    let start = lines.iter().position(|l| {
        let lower = l.to_lowercase();
        CONTACT_WORDS.any_substring(&lower)
    })?;
    let trigger = lines[start].trim();
    let lower = trigger.to_lowercase();
    // The role may be named, then the person on the following lines ("Kontaktperson:\nKari …").
    let mut window: Vec<&str> = vec![trigger];
    for l in lines[start + 1..].iter().take(4) {
        if l.trim().is_empty() {
            if window.len() > 1 {
                break;
            }
            continue;
        }
        let ll = l.to_lowercase();
        if REGISTER.iter().any(|r| has(&ll, r)) && !ll.contains('@') && phone::find_all(l).is_empty() {
            break;
        }
        window.push(l.trim());
    }
    let text = window.join("\n");
    // Only the part from the role word on, so "Kari kommer, og kontaktperson er Per" picks Per.
    let role_at = CONTACT_WORDS.first_substring(&lower).unwrap_or(0);
    let from_role = &text[role_at.min(trigger.len())..];
    let people = people_in_line(from_role, ctx);
    let phones: Vec<String> = phone::find_all(from_role)
        .into_iter()
        .map(|f| f.e164)
        .filter(|p| !ctx.own_phones.contains(p))
        .collect();
    let self_ref = {
        let l = text.to_lowercase();
        has(&l, "jeg")
            || has(&l, "meg")
            || has(&l, "undertegnede")
            || has(&l, "i will be")
            || has(&l, "i am")
            || has(&l, "me")
            || has(&l, "myself")
    };
    let person = people.into_iter().next();
    match person {
        Some(p) => Some(Contact {
            name: p.name,
            email: p.email,
            phone: phones.first().cloned(),
            is_sender: false,
        }),
        None if self_ref => {
            let sig_phone = phone::find_all(signature)
                .into_iter()
                .map(|f| f.e164)
                .find(|p| !ctx.own_phones.contains(p));
            let sig_name = signature_name(signature, ctx);
            Some(Contact {
                name: sender.name.clone().or(sig_name),
                email: Some(sender.address.clone()),
                phone: phones.first().cloned().or(sig_phone),
                is_sender: true,
            })
        }
        None if !phones.is_empty() => {
            doubts.push("a contact person's number without a name".into());
            Some(Contact {
                name: None,
                email: None,
                phone: phones.first().cloned(),
                is_sender: false,
            })
        }
        None => {
            // The role is mentioned ("vi kommer tilbake med kontaktperson"), nobody named.
            None
        }
    }
}

/// The sender's name from their signature: the first line after the closing that looks like one.
fn signature_name(signature: &str, ctx: &Context) -> Option<String> {
    signature
        .lines()
        .skip(1)
        .find_map(|l| names_in(l, ctx, false).into_iter().next().map(|(n, _)| n))
}

#[cfg(test)]
mod tests;
