//! Who a reply speaks of: people named in it (with the address, number and title written beside
//! them), the sender ("jeg", "meg selv", "undertegnede", "I", "myself"), the organisation ("vi",
//! "oss", "we", its name), and people not named ("en kollega", "a colleague"). Pure.
//!
//! A capitalised pair of words is a person only when something says so: a given name first, an
//! address that spells the name, a title before it, a header that names the person. Greetings
//! ("Hei Tom Arne,"), the coordinator and the organiser, organisations' names and the words of
//! a table's header are never people of the reply.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::super::facts::{Context, Sender};
use super::super::phone;

/// Given names, lower case (see `data/given_names.txt`).
static GIVEN_NAMES: LazyLock<HashSet<String>> = LazyLock::new(|| {
    include_str!("../data/given_names.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_whitespace)
        .map(str::to_string)
        .collect()
});

/// Whether `word` is a given name.
pub fn is_given_name(word: &str) -> bool {
    let lower = word.to_lowercase();
    // "Jon-Erik", "Anne-Lise": a double name of given names.
    GIVEN_NAMES.contains(&lower)
        || (lower.contains('-') && lower.split('-').all(|part| GIVEN_NAMES.contains(part)))
}

/// A person named in the text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    /// As written, in the order the person writes it ("Lars Eide", not "Eide, Lars").
    pub name: String,
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    /// "seniorrådgiver", "ekspedisjonssjef".
    pub title: Option<String>,
}

impl Person {
    /// Whether only a first name was written ("Siri").
    pub fn is_first_name_only(&self) -> bool {
        !self.name.is_empty() && !self.name.contains(' ')
    }
}

/// Whom a mention is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// The one who wrote the message.
    Sender,
    /// The organisation as a whole ("vi", "AID", "departementet").
    Organisation,
    /// Someone named.
    Person(Person),
    /// Someone not named ("en kollega").
    Someone,
}

/// A mention, at byte offsets of the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub who: Who,
    pub start: usize,
    pub end: usize,
}

/// Titles written before a name ("seniorrådgiver Ola Hansen"); a capitalised pair after one is a
/// person's name.
pub const TITLES: &[&str] = &[
    "seniorrådgiver",
    "seniorrådgjevar",
    "rådgiver",
    "rådgjevar",
    "spesialrådgiver",
    "spesialrådgjevar",
    "fagdirektør",
    "avdelingsdirektør",
    "underdirektør",
    "ekspedisjonssjef",
    "departementsråd",
    "statssekretær",
    "politisk rådgiver",
    "direktør",
    "seksjonssjef",
    "fagleder",
    "fagsjef",
    "kommunikasjonssjef",
    "kommunikasjonsrådgiver",
    "førstekonsulent",
    "konsulent",
    "seniorkonsulent",
    "utredningsleder",
    "prosjektleder",
    "generalsekretær",
    "daglig leder",
    "styreleder",
    "leder",
    "nestleder",
    "sekretær",
    "jurist",
    "advokat",
    "sjefsøkonom",
    "økonom",
    "politisk",
    "kollega",
    "kollegaen",
    "kollegaen min",
    "kollega",
    "colleague",
    "adviser",
    "advisor",
    "senior adviser",
    "senior advisor",
    "policy adviser",
    "policy advisor",
    "director",
    "manager",
    "head",
    "secretary general",
    "officer",
    "coordinator",
    "dr",
    "dr.",
    "mr",
    "mr.",
    "ms",
    "ms.",
    "mrs",
    "mrs.",
];

/// Words that make a capitalised run an organisation, a place or a thing, not a person.
const NOT_PERSON_WORDS: &[&str] = &[
    "international",
    "norge",
    "norway",
    "norwegian",
    "noreg",
    "norsk",
    "norske",
    "department",
    "departement",
    "departementet",
    "ministry",
    "directorate",
    "direktoratet",
    "forbundet",
    "forbund",
    "forening",
    "foreningen",
    "forum",
    "foundation",
    "stiftelsen",
    "network",
    "nettverk",
    "nettverket",
    "council",
    "rådet",
    "fund",
    "institute",
    "instituttet",
    "institutt",
    "association",
    "society",
    "senter",
    "senteret",
    "center",
    "centre",
    "kirkens",
    "nødhjelp",
    "folkehjelp",
    "barna",
    "publish",
    "what",
    "you",
    "pay",
    "justice",
    "transparency",
    "amnesty",
    "framtiden",
    "hendene",
    "våre",
    "naturvernforbundet",
    "bondelag",
    "småbrukarlag",
    "lag",
    "landslag",
    "organisasjon",
    "organisation",
    "organization",
    "handlingsplan",
    "handlingsplanen",
    "partnership",
    "government",
    "open",
    "ogp",
    "regjeringen",
    "kontor",
    "kontoret",
    "statsministerens",
    "seksjon",
    "seksjonen",
    "avdeling",
    "avdelingen",
    "enhet",
    "enheten",
    "gruppe",
    "gruppen",
    "team",
    "teams",
    "zoom",
    "microsoft",
    "outlook",
    "gmail",
    "iphone",
    "oslo",
    "bergen",
    "trondheim",
    "stavanger",
    "tromsø",
    "london",
    "brussel",
    "brussels",
    "genève",
    "geneva",
    "august",
    "september",
    "juni",
    "june",
    "juli",
    "july",
    "mandag",
    "tirsdag",
    "onsdag",
    "torsdag",
    "fredag",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "the",
    "of",
    "for",
    "and",
    "og",
    "i",
    "på",
    "til",
    "fra",
    "med",
    "hei",
    "hallo",
    "dear",
    "hi",
    "hello",
    "takk",
    "thanks",
    "thank",
    "mvh",
    "hilsen",
    "vennlig",
    "regards",
    "best",
    "kind",
    "navn",
    "name",
    "e-post",
    "epost",
    "email",
    "e-mail",
    "telefon",
    "tlf",
    "mobil",
    "phone",
    "stilling",
    "tittel",
    "title",
    "rolle",
    "role",
    "deltaker",
    "deltakere",
    "participant",
    "participants",
    "kontaktperson",
    "contact",
    "merknad",
    "kommentar",
    "allergier",
    "vi",
    "jeg",
    "eg",
    "we",
    "my",
    "our",
    "vår",
    "vårt",
    "sendt",
    "sent",
    "fra:",
    "emne",
    "subject",
];

/// Words that stand for the sender.
const SENDER_WORDS: &[&str] = &[
    "jeg",
    "meg",
    "eg",
    "undertegnede",
    "underteikna",
    "i",
    "me",
    "myself",
];

/// Words that stand for the organisation as a whole.
const ORG_WORDS: &[&str] = &["vi", "oss", "me", "we", "us"];

/// Phrases for someone not named.
const SOMEONE: &[&str] = &[
    "en kollega",
    "én kollega",
    "ein kollega",
    "en annen kollega",
    "en til",
    "én til",
    "ein til",
    "en person til",
    "en medarbeider",
    "en representant",
    "ein representant",
    "ein medarbeidar",
    // "jeg har med meg en personlig assistent": one more who comes.
    "en assistent",
    "ein assistent",
    "en personlig assistent",
    "ein personleg assistent",
    "en ledsager",
    "ein ledsagar",
    "an assistant",
    "a personal assistant",
    "a companion",
    "ein annan",
    "en annen",
    // "saman med ein frå styret", "sammen med en fra avdelingen", "with one from our board".
    "en fra",
    "én fra",
    "ein frå",
    "éin frå",
    "ei frå",
    "one from",
    "someone from",
    "a colleague",
    "one colleague",
    "another colleague",
    "one more",
    "a co-worker",
    // "Den tredje fikk forfall": one of a group, unnamed.
    "den tredje",
    "den fjerde",
    "den femte",
    "den ene",
    "en av oss",
    "ein av oss",
    "én av oss",
    "one of us",
    "the third",
    "the fourth",
];

/// The e-mail addresses written in `text`, as they stand between spaces, brackets and
/// separators ("(tor@brreg.no).", "kari@x.no | Mobil"), without a closing period.
pub fn addresses_in(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() || "()<>,;:|".contains(c))
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| w.contains('@'))
}

/// `text` with each name written in lower case that an address in it spells ("mathias lie" and
/// mathias.lie@jussbuss.no) given its capitals, byte for byte the same length; borrowed when
/// there is none (most texts: writers who give an address mostly capitalise).
pub fn capitalise_spelled_names(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('@') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut names: Vec<String> = Vec::new();
    for token in addresses_in(text) {
        let Some((local, _)) = token.split_once('@') else {
            continue;
        };
        let parts: Vec<&str> = local.split(['.', '_', '-']).collect();
        if parts.len() >= 2
            && parts
                .iter()
                .all(|p| p.len() >= 2 && p.chars().all(char::is_alphabetic))
        {
            names.push(parts.join(" ").to_lowercase());
        }
    }
    let mut out: Option<String> = None;
    for name in names {
        let mut from = 0;
        while let Some(p) = text[from..].find(name.as_str()) {
            let at = from + p;
            from = at + name.len();
            let bounded = text[..at]
                .chars()
                .last()
                .is_none_or(|c| !c.is_alphanumeric() && c != '.')
                && text[from..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '.' && c != '@');
            if !bounded {
                continue;
            }
            let capitalised: String = name
                .split(' ')
                .map(|w| {
                    let mut cs = w.chars();
                    cs.next()
                        .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" ");
            if capitalised.len() == name.len() {
                out.get_or_insert_with(|| text.to_string())
                    .replace_range(at..from, &capitalised);
            }
        }
    }
    out.map_or(std::borrow::Cow::Borrowed(text), std::borrow::Cow::Owned)
}

/// A word of the text with its byte offsets.
#[derive(Debug, Clone, Copy)]
pub struct Word<'t> {
    pub text: &'t str,
    pub start: usize,
    pub end: usize,
}

/// The words of `text`: runs of letters, digits and the marks inside names and addresses.
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let part = c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '@' | '.' | '_' | '+');
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push_word(&mut out, text, s, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push_word(&mut out, text, s, text.len());
    }
    out
}

fn push_word<'t>(out: &mut Vec<Word<'t>>, text: &'t str, start: usize, end: usize) {
    // A full stop ends a word unless the word is an address or a number ("23.").
    let mut end = end;
    let raw = &text[start..end];
    if !raw.contains('@') {
        while end > start && text[..end].ends_with(['.', '-', '\'', '’', '_', '+']) {
            end -= 1;
        }
    }
    if end > start {
        out.push(Word {
            text: &text[start..end],
            start,
            end,
        });
    }
}

/// Whether `w` could be one word of a person's name.
/// [`NOT_PERSON_WORDS`] as a set: asked for every capitalised word.
static NOT_PERSON: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| NOT_PERSON_WORDS.iter().copied().collect());

fn name_word(w: &str) -> bool {
    let mut chars = w.chars();
    let Some(first) = chars.next() else { return false };
    first.is_uppercase()
        && w.chars().count() >= 2
        && w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'' || c == '’')
        // "AID", "KDD": acronyms are organisations.
        && (w.chars().filter(|c| c.is_uppercase()).count() == 1 || w.contains('-'))
        && {
            let lw = w.to_lowercase();
            !NOT_PERSON.contains(lw.as_str())
                && !ORG_ENDINGS.iter().any(|e| lw.ends_with(e))
                && !TITLE_ENDINGS.iter().any(|e| lw.ends_with(e))
        }
}

/// "kommer Vår Engen og Sunniva Tveit", "Kontaktperson blir Vår, som var med": a given name that
/// is also a word of the language ("vår", our), capitalised inside a clause, is the name. At the
/// start of a sentence, a line or a clause ("Vår kontaktperson", "Vår ref.", "Takk for
/// invitasjonen, Vår leder og jeg …") it is the word; after a preposition it may open a company's
/// name ("en kollega fra Vår Energi"); a month is never a name here ("in August Monday …"), nor
/// a word before another capitalised word that is no surname ("Vår Frue").
fn given_name_as_word(text: &str, ws: &[Word<'_>], i: usize) -> bool {
    const PREPOSITIONS: &[&str] = &[
        "fra", "frå", "for", "i", "hos", "ved", "til", "av", "med", "om", "på", "from", "at", "of", "in",
        "with", "for", "by",
    ];
    let w = ws[i];
    let capitalised = w.text.chars().next().is_some_and(char::is_uppercase);
    if !capitalised || !is_given_name(w.text) || i == 0 {
        return false;
    }
    let line_before = &text[text[..w.start].rfind('\n').map_or(0, |n| n + 1)..w.start];
    let inside = line_before
        .trim_end()
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    let after_preposition = PREPOSITIONS.contains(&ws[i - 1].text.to_lowercase().as_str());
    let next_fits = ws.get(i + 1).is_none_or(|n| {
        &text[w.end..n.start] != " "
            || !n.text.chars().next().is_some_and(char::is_uppercase)
            || (name_word(n.text) && !is_given_name(n.text))
    });
    inside
        && !after_preposition
        && next_fits
        && !crate::understand::dates::is_month_name(&w.text.to_lowercase())
}

/// Endings of titles, capitalised at the head of a line or a table's cell ("Seniorrådgiver",
/// "Avdelingsdirektør", "Policy Adviser"): no one's name.
const TITLE_ENDINGS: &[&str] = &[
    "rådgiver",
    "rådgjevar",
    "direktør",
    "sjef",
    "konsulent",
    "sekretær",
    "leder",
    "leiar",
    "medarbeider",
    "medarbeidar",
    "koordinator",
    "saksbehandler",
    "sakshandsamar",
    "assistent",
    "adviser",
    "advisor",
    "officer",
    "manager",
    "director",
    "coordinator",
    "secretary",
    "politisk",
    "political",
];

/// Endings of words that name an institution ("Kunnskapsdepartementet", "Miljødirektoratet").
const ORG_ENDINGS: &[&str] = &[
    "departementet",
    "direktoratet",
    "forbundet",
    "foreningen",
    "organisasjonen",
    "rådet",
    "tilsynet",
    "kontoret",
    "etaten",
    "senteret",
    "instituttet",
    "registrene",
    "registeret",
    "avdelingen",
    "avdelinga",
    "forbund",
    "forening",
    "nettverk",
    "nettverket",
    "alliansen",
    "utvalget",
    "laget",
    "seksjonen",
    "enheten",
    "staben",
    // "Noregs Ungdomslag", "Norsk Folkehjelp", "Kirkens Bymisjon", "Stiftelsen Dam".
    "lag",
    "lauget",
    "samfunn",
    "samfunnet",
    "senter",
    "misjon",
    "hjelp",
    "hjelpen",
    "stiftelsen",
    "stiftelse",
    "fondet",
    "akademiet",
    "union",
    "council",
    "foundation",
    "institute",
    "network",
    "society",
    "association",
    "organisation",
    "organization",
];

const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "af", "la", "le", "da", "di", "du", "del", "al", "el",
];

/// "Eide, Lars" → "Lars Eide"; a display name as the person writes it.
pub fn display_name(name: &str) -> String {
    let name = name.trim().trim_matches('"').trim();
    match name.split_once(',') {
        Some((last, first))
            if !first.trim().is_empty()
                && !last.trim().is_empty()
                && last.split_whitespace().count() <= 3
                && first.split_whitespace().count() <= 3 =>
        {
            format!("{} {}", first.trim(), last.trim())
        }
        _ => name.to_string(),
    }
}

/// A name from a header or a calendar answer, given name first: "Eide, Lars" and Exchange's
/// "Johansen Maria" (no comma; the given name last) become "Lars Eide" and "Maria Johansen".
pub fn readable_name(name: &str) -> String {
    let n = display_name(name);
    // "håkon lindtvedt": a name written all in lower case gets its capitals.
    let n = if n.chars().any(char::is_alphabetic) && !n.chars().any(char::is_uppercase) {
        capitalised(&n)
    } else {
        n
    };
    let parts: Vec<&str> = n.split_whitespace().collect();
    match parts.as_slice() {
        [last, first] if is_given_name(first) && !is_given_name(last) => format!("{first} {last}"),
        // "Bøe Knut Ivar": two given names after the surname.
        [last, first, second] if is_given_name(first) && is_given_name(second) && !is_given_name(last) => {
            format!("{first} {second} {last}")
        }
        _ => n,
    }
}

/// Each word, and each part of a double name, with a capital first letter ("anne-lise berg" as
/// "Anne-Lise Berg").
fn capitalised(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut start = true;
    for c in name.chars() {
        if start && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = c == ' ' || c == '-';
    }
    out
}

/// The sender's name as they sign it: the signature's name when it is the From name in another
/// order ("Holm, Randi" signed "Randi Holm"), else the From name made readable.
pub fn sender_name(sender: &Sender, signature: &str) -> Option<String> {
    let from = sender
        .name
        .as_deref()
        .map(readable_name)
        .filter(|n| !n.is_empty() && !n.contains('@'));
    let signed = signature_name(signature);
    match (from, signed) {
        (Some(from), Some(signed)) if same_words(&from, &signed) => Some(signed),
        // "Kirkens Bymisjon <post@bymisjon.no>" signed by Lise Karin Holmsen: a shared mailbox
        // shows the organisation; the person is the one who signs.
        (Some(from), Some(signed))
            if !from.split_whitespace().next().is_some_and(is_given_name)
                && signed.split_whitespace().next().is_some_and(is_given_name) =>
        {
            Some(signed)
        }
        (Some(from), _) => Some(from),
        (None, signed) => signed,
    }
}

/// The name a signature gives: the first line after the closing made of two to four name words.
pub fn signature_name(signature: &str) -> Option<String> {
    signature
        .lines()
        .skip(1)
        .chain(signature.lines().take(1))
        .find_map(|line| {
            let line = line.trim();
            let closing_cut = ["Mvh", "mvh", "Hilsen", "hilsen"]
                .iter()
                .find_map(|c| line.strip_prefix(c))
                .unwrap_or(line)
                .trim();
            let parts: Vec<&str> = closing_cut.split_whitespace().collect();
            ((2..=4).contains(&parts.len())
                && parts
                    .iter()
                    .all(|p| name_word(p.trim_end_matches(',')) || PARTICLES.contains(p)))
            .then(|| closing_cut.trim_end_matches(',').to_string())
        })
}

/// Whether two names are the same words in any order ("Lars Eide", "Eide Lars").
pub fn same_words(a: &str, b: &str) -> bool {
    let set = |s: &str| {
        let mut v: Vec<String> = s
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        v.sort();
        v
    };
    set(a) == set(b)
}

/// "kari.nordmann@aid.dep.no" spells "Kari Nordmann" (and "knordmann@" spells it too).
pub fn address_spells(address: &str, name: &str) -> bool {
    let local: String = address
        .split('@')
        .next()
        .unwrap_or("")
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let parts: Vec<String> = name.split_whitespace().map(|p| fold(&p.to_lowercase())).collect();
    if parts.is_empty() || local.is_empty() {
        return false;
    }
    let local = fold(&local);
    let last = parts.last().cloned().unwrap_or_default();
    let first = parts.first().cloned().unwrap_or_default();
    let joined: String = parts.concat();
    local == joined
        || (local.contains(&last)
            && (local.contains(&first) || local.starts_with(&first[..first.len().min(1)])))
}

/// [`address_spells`], where the address says more than a given name: "ingrid.solbakken@"
/// is Ingrid Solbakken's even where she is "Ingrid"; "andrea@" could be any Andrea's.
fn spells_more_than_a_given_name(address: &str, name: &str) -> bool {
    let local = fold(&address.split('@').next().unwrap_or("").to_lowercase());
    address_spells(address, name) && (name.contains(' ') || local != fold(&name.to_lowercase()))
}

/// Lower-case letters as addresses write them ("ø" as "o", "å" as "a", "æ" as "ae").
fn fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            'ø' | 'ö' | 'ó' | 'ò' => out.push('o'),
            'å' | 'ä' | 'á' | 'à' | 'â' => out.push('a'),
            'æ' => out.push_str("ae"),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'ü' | 'ú' => out.push('u'),
            'í' | 'ï' => out.push('i'),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `address` is one of the process's own (the coordinator's, its plus-addresses).
pub fn is_own_address(address: &str, ctx: &Context) -> bool {
    let address = address.to_lowercase();
    if ctx.own_addresses.contains(&address) {
        return true;
    }
    if let Some((local, domain)) = &ctx.reply_address
        && let Some((l, d)) = address.split_once('@')
    {
        return d == domain && (l == local || l.starts_with(&format!("{local}+")));
    }
    false
}

/// What the reader knows of the people around a message: the sender, the Cc header's people,
/// and people named in full anywhere in it; to give a first name its surname and a name its
/// address.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub people: Vec<Person>,
}

impl Known {
    /// Adds `person`, or completes the one already known by that name.
    pub fn add(&mut self, person: Person) {
        if person.is_first_name_only() {
            return;
        }
        match self.people.iter_mut().find(|p| same_words(&p.name, &person.name)) {
            Some(p) => {
                if p.email.is_none() {
                    p.email = person.email;
                }
                if p.phone.is_none() {
                    p.phone = person.phone;
                }
                if p.title.is_none() {
                    p.title = person.title;
                }
            }
            None => self.people.push(person),
        }
    }

    /// The one known person whose first name this is, when exactly one is.
    pub fn by_first_name(&self, first: &str) -> Option<&Person> {
        let mut found = self.people.iter().filter(|p| {
            p.name
                .split_whitespace()
                .next()
                .is_some_and(|f| f.eq_ignore_ascii_case(first))
        });
        let one = found.next()?;
        found.next().is_none().then_some(one)
    }

    /// The one known person whose name begins with these given names ("Linn Merete" is Linn
    /// Merete Fossum).
    pub fn by_given_names(&self, given: &str) -> Option<&Person> {
        if !given.split_whitespace().all(is_given_name) {
            return None;
        }
        let prefix = format!("{} ", given.to_lowercase());
        let mut found = self
            .people
            .iter()
            .filter(|p| p.name.to_lowercase().starts_with(&prefix));
        let one = found.next()?;
        found.next().is_none().then_some(one)
    }

    /// The known person of that full name.
    pub fn by_name(&self, name: &str) -> Option<&Person> {
        self.people.iter().find(|p| same_words(&p.name, name))
    }

    /// The one full name, of the people known or else of the `quoted_names` (the full names the
    /// quoted messages give without an address, "rådgiver Jostein Aamodt", read only when
    /// asked), that `address` spells ("jostein.aamodt@kud.dep.no" is Jostein Aamodt's).
    pub fn name_spelled_by<'q>(
        &self,
        address: &str,
        quoted_names: impl FnOnce() -> &'q [String],
    ) -> Option<String> {
        let spelled = |names: Vec<&str>| {
            let mut found: Vec<&str> = names
                .into_iter()
                .filter(|n| n.split_whitespace().count() >= 2 && address_spells(address, n))
                .collect();
            found.dedup_by(|a, b| same_words(a, b));
            match found[..] {
                [one] => Some(one.to_string()),
                _ => None,
            }
        };
        spelled(self.people.iter().map(|p| p.name.as_str()).collect())
            .or_else(|| spelled(quoted_names().iter().map(String::as_str).collect()))
    }

    /// The known person with this address.
    pub fn by_address(&self, address: &str) -> Option<&Person> {
        self.people.iter().find(|p| {
            p.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(address))
        })
    }
}

/// An organisation's short name ("KLD", "NOAS", "WWF"): two to six capitals, not a word of
/// mail ("OK", "PS", "PDF").
fn is_acronym(word: &str) -> bool {
    let n = word.chars().count();
    (2..=6).contains(&n)
        && word.chars().all(|c| c.is_uppercase())
        && ![
            "OK", "PS", "NB", "CC", "FYI", "PDF", "TLF", "MVH", "RE", "SV", "VS", "FW", "AW", "ASAP", "OBS",
            "AM", "PM", "I",
        ]
        .contains(&word)
}

/// Whether a line is a greeting and nothing more ("Hei Tom Arne,", "Dear Tom Arne and Per",
/// "Hei igjen!"). A line that goes on after the greeting's comma ("hei, jeg melder meg på") is
/// not: only its first words greet.
pub fn is_greeting(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    let greets = [
        "hei", "hallo", "heisann", "hi", "hello", "dear", "god", "kjære", "goddag", "morn",
    ]
    .contains(&first.trim_end_matches([',', '!']));
    let (head, rest) = match lower.find([',', '!']) {
        Some(end) => (&lower[..end], lower[end + 1..].trim()),
        None => (lower.as_str(), ""),
    };
    greets && rest.is_empty() && head.split_whitespace().count() <= 8
}

/// Whether a capital "I" is the English pronoun, not the Norwegian preposition at the start of
/// a sentence ("I stedet for meg", "I morgen"): an English word stands beside it.
fn english_i(ws: &[Word<'_>], i: usize) -> bool {
    const AFTER: &[&str] = &[
        "am",
        "will",
        "would",
        "can",
        "cannot",
        "can't",
        "could",
        "have",
        "had",
        "do",
        "don't",
        "did",
        "hope",
        "shall",
        "should",
        "must",
        "may",
        "might",
        "unfortunately",
        "also",
        "plan",
        "intend",
        "attend",
        "want",
        "wish",
        "think",
        "believe",
        "confirm",
        "need",
        "regret",
        "was",
        "just",
        "still",
        "myself",
        "look",
        "would've",
        "won't",
        "i'm",
        "i'll",
        "i'd",
        "and",
        "too",
        "register",
        "join",
        "come",
        "myself,",
        "really",
        "only",
        "already",
        "apologise",
        "apologize",
        "expect",
        "feel",
        "know",
        "understand",
        "agree",
        "accept",
        "decline",
        "represent",
        "received",
        "got",
        "heard",
        "write",
        "am,",
        "propose",
        "suggest",
        "prefer",
        "suppose",
        "guess",
        "assume",
        "doubt",
        "fear",
        "appreciate",
        "participate",
        "work",
        "lead",
        "coordinate",
        "chair",
        "sent",
        "forwarded",
        "probably",
        "definitely",
        "certainly",
        "personally",
    ];
    const BEFORE: &[&str] = &[
        "and", "but", "if", "as", "so", "that", "when", "because", "while", "me",
    ];
    ws.get(i + 1)
        .is_some_and(|n| AFTER.contains(&n.text.to_lowercase().as_str()))
        || (i > 0 && BEFORE.contains(&ws[i - 1].text.to_lowercase().as_str()))
        || ws.get(i + 1).is_none()
}

/// "en rådgiver", "ein seniorrådgjevar", "a senior adviser": one person by title, not named.
fn someone_by_title() -> impl Iterator<Item = String> {
    const ARTICLES: &[&str] = &["en", "én", "ein", "éin", "ei", "a", "an", "one"];
    // Titles that are not a person alone ("politisk", "head", "dr").
    const NOT_ALONE: &[&str] = &[
        "politisk",
        "head",
        "dr",
        "dr.",
        "mr",
        "mr.",
        "ms",
        "ms.",
        "mrs",
        "mrs.",
        "kollegaen",
        "kollegaen min",
        "leder",
        "officer",
    ];
    ARTICLES.iter().flat_map(|article| {
        TITLES
            .iter()
            .filter(|t| !NOT_ALONE.contains(t))
            .map(move |title| format!("{article} {title}"))
    })
}

static SOMEONE_PHRASES: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    let phrases: Vec<String> = SOMEONE
        .iter()
        .map(|s| s.to_string())
        .chain(someone_by_title())
        .collect();
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&phrases)
        .unwrap_or_else(|e| panic!("the phrases of people not named must compile: {e}"))
});

/// The mentions in `text` (a clause or line), `offset` its place in the whole text.
pub fn mentions(text: &str, offset: usize, ctx: &Context, listy: bool) -> Vec<Mention> {
    let lower = text.to_lowercase();
    let same_offsets = lower.len() == text.len()
        && text
            .chars()
            .filter(|c| !c.is_ascii())
            .all(|c| c.to_lowercase().map(char::len_utf8).sum::<usize>() == c.len_utf8());
    let ws = words(text);
    let mut out: Vec<Mention> = Vec::new();
    let mut taken = vec![false; ws.len()];
    let colons: Vec<usize> = text.match_indices(':').map(|(i, _)| i).collect();
    // People not named, in one pass over the text.
    for m in SOMEONE_PHRASES.find_iter(&lower) {
        let (start, end) = (m.start(), m.end());
        let bounded = lower[..start].chars().last().is_none_or(|c| !c.is_alphanumeric())
            && lower[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        // "Den tredje fikk forfall" is one of them; "den femte handlingsplanen" a thing.
        let ordinal = lower[start..end].starts_with("den ") || lower[start..end].starts_with("the ");
        let of_a_thing = ordinal && {
            let next = lower[end..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_matches(|c: char| !c.is_alphanumeric());
            !next.is_empty()
                && ![
                    "fra",
                    "frå",
                    "from",
                    "av",
                    "of",
                    "blir",
                    "vert",
                    "er",
                    "var",
                    "kommer",
                    "kjem",
                    "fikk",
                    "får",
                    "kan",
                    "må",
                    "har",
                    "skal",
                    "vil",
                    "personen",
                    "deltakeren",
                    "deltakaren",
                    "person",
                    "will",
                    "is",
                    "can",
                    "has",
                    "could",
                    "would",
                    "one",
                    "attendee",
                    "participant",
                ]
                .contains(&next)
        };
        if bounded && !of_a_thing {
            out.push(Mention {
                who: Who::Someone,
                start: offset + start,
                end: offset + end,
            });
            for (i, w) in ws.iter().enumerate() {
                if w.start >= start && w.end <= end {
                    taken[i] = true;
                }
            }
        }
    }
    let mut i = 0;
    while i < ws.len() {
        if taken[i] {
            i += 1;
            continue;
        }
        let w = ws[i];
        // The word in lower case: a slice of the lower-cased text when that keeps the offsets
        // (as it does for every Latin letter), without a copy for each word.
        let lw: std::borrow::Cow<'_, str> = match lower.get(w.start..w.end) {
            Some(l) if same_offsets => std::borrow::Cow::Borrowed(l),
            _ => std::borrow::Cow::Owned(w.text.to_lowercase()),
        };
        // The sender: "jeg", "meg selv", "I myself" (English "I" is capital, Norwegian "i" a
        // preposition: only the capital counts).
        // "I'll attend", "I’m happy to": the English "I" with its verb's ending.
        let contracted = w.text.starts_with('I')
            && matches!(lw.split_once(['\'', '’']), Some(("i", "ll" | "m" | "ve" | "d")));
        let lw = if contracted {
            std::borrow::Cow::Borrowed("i")
        } else {
            lw
        };
        let sender_word = SENDER_WORDS.contains(&lw.as_ref())
            && (lw != "i" || contracted || (w.text != "i" && english_i(&ws, i)))
            && !(lw == "me" && is_nynorsk_me(&lower, w.start));
        if sender_word {
            let mut end = w.end;
            if let Some(next) = ws.get(i + 1)
                && ["selv", "sjølv", "self", "myself"].contains(&next.text.to_lowercase().as_str())
            {
                end = next.end;
                i += 1;
            }
            out.push(Mention {
                who: Who::Sender,
                start: offset + w.start,
                end: offset + end,
            });
            i += 1;
            continue;
        }
        if ORG_WORDS.contains(&lw.as_ref()) && (lw != "me" || is_nynorsk_me(&lower, w.start)) {
            out.push(Mention {
                who: Who::Organisation,
                start: offset + w.start,
                end: offset + w.end,
            });
            i += 1;
            continue;
        }
        let capitalised = w.text.chars().next().is_some_and(char::is_uppercase);
        if capitalised && (is_org_name(&lw, ctx) || is_acronym(w.text)) {
            out.push(Mention {
                who: Who::Organisation,
                start: offset + w.start,
                end: offset + w.end,
            });
            i += 1;
            continue;
        }
        // A run of name words.
        if !name_word(w.text) && !given_name_as_word(text, &ws, i) {
            i += 1;
            continue;
        }
        // "Eggen, Jon (seniorrådgiver)": a list's line in the order of the staff directory.
        if let Some((name, last)) = surname_first(text, &ws, i) {
            out.push(Mention {
                who: Who::Person(Person {
                    name,
                    email: None,
                    phone: None,
                    title: None,
                }),
                start: offset + w.start,
                end: offset + ws[last].end,
            });
            i = last + 1;
            continue;
        }
        let begin = i;
        let mut parts = vec![w];
        let mut j = i + 1;
        while j < ws.len() && parts.len() < 4 {
            let between = &text[ws[j - 1].end..ws[j].start];
            // A name word, or a particle between two ("Anne van der Berg").
            let particle =
                PARTICLES.contains(&ws[j].text) && ws.get(j + 1).is_some_and(|n| name_word(n.text));
            // One space between the words of a name: a tab or a wide gap is a table's next column.
            // A given name at the end of a line the mail client wrapped keeps its surname on the
            // next ("tar med meg Rune⏎Storm": the line end read as spaces).
            let joined = between == " "
                || between == "\u{a0}"
                || (parts.len() == 1
                    && between.len() <= 3
                    && between.bytes().all(|b| b == b' ')
                    && is_given_name(parts[0].text));
            if joined && (name_word(ws[j].text) || particle) {
                parts.push(ws[j]);
                j += 1;
            } else {
                break;
            }
        }
        // "Instead Maja Lindqvist will join", "Dessuten Kari Berg": the word that opens the
        // sentence is no part of the name after it.
        let mut begin = begin;
        if parts.len() >= 2 && super::STARTERS.contains(&parts[0].text.to_lowercase().as_str()) {
            parts.remove(0);
            begin += 1;
        }
        let name: String = parts.iter().map(|p| p.text).collect::<Vec<_>>().join(" ");
        let start = parts[0].start;
        let end = parts[parts.len() - 1].end;
        let title = title_before(text, start);
        let given = is_given_name(parts[0].text);
        let org = is_org_name(&name.to_lowercase(), ctx);
        // The coordinator and the organiser, in full or by their first names ("Tom Arne").
        let n = name.to_lowercase();
        let own = ctx.own_names.iter().any(|o| {
            let o = o.to_lowercase();
            o == n || (o.starts_with(&n) && o[n.len()..].starts_with(' '))
        });
        // "Fra Redd Barna", "hos Amnesty": after these words a name is an organisation's.
        let before = begin
            .checked_sub(1)
            .map(|b| ws[b].text.to_lowercase())
            .unwrap_or_default();
        // "Fra Stine Sofie stiller daglig leder …": a verb of coming right after says that "fra"
        // names the organisation the people come from, even when it is named after a person.
        let coming_after = || {
            let after = lower_after(text, end, 12);
            ["stiller", "kommer", "kjem", "møter", "deltar", "deltek"]
                .iter()
                .any(|v| after.strip_prefix(' ').is_some_and(|a| a.starts_with(v)))
        };
        let after_org_word = ["fra", "from", "hos", "ved", "at", "of"].contains(&before.as_str())
            && (!given || (["fra", "frå"].contains(&before.as_str()) && coming_after()));
        // After a colon that opens a list of people ("én deltaker: Mari Lund").
        let after_colon = last_before(&colons, start).is_some_and(|c| {
            let mut from = c.saturating_sub(80);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let head = text[from..c].to_lowercase();
            // A list's head, or a count or verb before the colon ("to personer:", "kommer:").
            super::LIST_HEADS
                .iter()
                .chain(&[
                    "personer",
                    "person",
                    "stk",
                    "meg selv og",
                    "people",
                    "kommer",
                    "stiller",
                ])
                .any(|w| head.trim_end().ends_with(w))
        });
        // "Haldor Brenna blir kontaktperson", "kontaktperson blir Haldor Brenna": the role says
        // it is a person.
        let role_beside = {
            // The roles are a few words: only that much of the text beside is read (a long
            // text's every name would otherwise lower-case all of it).
            let after = lower_after(text, end, 40);
            let before = lower_before(text, start, 40);
            let before = before.trim_end();
            [
                " blir kontaktperson",
                " er kontaktperson",
                " blir vår kontaktperson",
                " er vår kontaktperson",
                " will be our contact",
                " is our contact",
            ]
            .iter()
            .any(|r| after.starts_with(r))
                || [
                    "kontaktperson blir",
                    "kontaktperson er",
                    "kontaktperson:",
                    "contact person is",
                    "contact person will be",
                    "contact person:",
                ]
                .iter()
                .any(|r| before.ends_with(r))
        };
        let evidence = given
            || title.is_some()
            || listy
            || after_colon
            || role_beside
            || named_by_its_address(&name, &text[end..]);
        // "… om at Haldor Brenna blir kontaktperson": after the Norwegian "at" (that) a role or
        // an address says it is a person.
        let after_org_word = after_org_word && !role_beside && !named_by_its_address(&name, &text[end..]);
        if !own && !org && !after_org_word && evidence && (parts.len() >= 2 || given) {
            out.push(Mention {
                who: Who::Person(Person {
                    name,
                    email: None,
                    phone: None,
                    title,
                }),
                start: offset + start,
                end: offset + end,
            });
        }
        i = j;
    }
    // "en kollega, Hege Vik": the one not named is named right after, as an apposition.
    let named_at: Vec<usize> = out
        .iter()
        .filter(|m| matches!(m.who, Who::Person(_)))
        .map(|m| m.start)
        .collect();
    out.retain(|m| {
        m.who != Who::Someone
            || !named_at.iter().any(|&at| {
                at >= m.end
                    && text.get(m.end - offset..at - offset).is_some_and(|gap| {
                        gap.len() <= 3 && gap.chars().all(|c| c == ',' || c == ' ' || c == ':')
                    })
                    && text
                        .get(m.end - offset..at - offset)
                        .is_some_and(|g| g.contains(',') || g == " ")
            })
    });
    attach_addresses(text, offset, ctx, &mut out);
    if listy {
        // In a list of people, an address is a person even without a name beside it.
        for address in super::super::bounce::addresses_in(text) {
            let taken = is_own_address(&address, ctx)
                || out.iter().any(
                    |m| matches!(&m.who, Who::Person(p) if p.email.as_deref() == Some(address.as_str())),
                );
            if taken {
                continue;
            }
            let at = lower.find(&address).unwrap_or(0);
            out.push(Mention {
                who: Who::Person(Person {
                    name: String::new(),
                    email: Some(address.clone()),
                    phone: None,
                    title: None,
                }),
                start: offset + at,
                end: offset + at + address.len(),
            });
        }
    }
    attach_phones(text, offset, ctx, &mut out);
    out.sort_by_key(|m| m.start);
    out
}

/// "Berge, Anita (ekspedisjonssjef)", "Olsen, Per Arne": at the start of a line, a surname, a
/// comma and given names, then the line's end, a bracket or a comma; read as "Anita Berge" when
/// the line says so plainly (a bracket after it) or a line beside it has the same shape.
/// Returns the name and the index of its last word.
fn surname_first(text: &str, ws: &[Word<'_>], i: usize) -> Option<(String, usize)> {
    let shape = |i: usize| -> Option<(usize, bool)> {
        let w = ws.get(i)?;
        let line_start = text[..w.start].rfind('\n').map_or(0, |n| n + 1);
        let lead = &text[line_start..w.start];
        if !lead
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '-' | '•' | '*' | '–' | '·'))
        {
            return None;
        }
        const OPENERS: &[&str] = &[
            "Takk", "Tusen", "Thanks", "Thank", "Mvh", "Hilsen", "Helsing", "Beste", "Ja", "Nei", "Yes",
            "No", "Ok", "Okay",
        ];
        if !name_word(w.text)
            || is_given_name(w.text)
            || OPENERS.contains(&w.text)
            || is_greeting(text[line_start..].split('\n').next().unwrap_or(""))
        {
            return None;
        }
        let given = ws.get(i + 1)?;
        if text.get(w.end..given.start)? != ", " || !is_given_name(given.text) {
            return None;
        }
        let mut last = i + 1;
        if let Some(next) = ws.get(i + 2)
            && text.get(ws[last].end..next.start) == Some(" ")
            && is_given_name(next.text)
        {
            last = i + 2;
        }
        let rest = &text[ws[last].end..];
        let line_rest = rest.split('\n').next().unwrap_or("");
        let bracket = line_rest.trim_start().starts_with('(');
        let ends = line_rest.trim().is_empty()
            || bracket
            || line_rest.starts_with(',')
            || line_rest.starts_with('\t');
        ends.then_some((last, bracket))
    };
    let (last, bracket) = shape(i)?;
    // A line beside with the same shape: the first word of the next or the previous line.
    let line_start = text[..ws[i].start].rfind('\n').map_or(0, |n| n + 1);
    let line_end = text[ws[i].start..]
        .find('\n')
        .map_or(text.len(), |n| ws[i].start + n);
    let first_word_from = |at: usize| ws.partition_point(|w| w.start < at);
    let next = first_word_from(line_end + 1);
    let previous = line_start
        .checked_sub(1)
        .map(|end| first_word_from(text[..end].rfind('\n').map_or(0, |n| n + 1)));
    let beside = [Some(next), previous]
        .into_iter()
        .flatten()
        .filter(|&k| k != i && k < ws.len())
        // On the very next or previous line, not across a blank one.
        .filter(|&k| {
            let (a, b) = if k > i {
                (line_end, ws[k].start)
            } else {
                (ws[k].end, line_start)
            };
            text.get(a..b).is_some_and(|gap| gap.matches('\n').count() == 1)
        })
        .any(|k| shape(k).is_some());
    if !(bracket || beside) {
        return None;
    }
    let given: Vec<&str> = ws[i + 1..=last].iter().map(|w| w.text).collect();
    Some((format!("{} {}", given.join(" "), ws[i].text), last))
}

/// "me" is "we" in nynorsk ("me kjem"), "me" (object) in English: nynorsk when a nynorsk verb or
/// word is near.
fn is_nynorsk_me(lower: &str, at: usize) -> bool {
    let rest = &lower[at..];
    [
        "me kjem",
        "me deltek",
        "me stiller",
        "me blir",
        "me er",
        "me kan",
        "me vil",
        "me har",
        "me tek",
        "me melder",
    ]
    .iter()
    .any(|p| rest.starts_with(p))
}

/// Whether `lower` is an organisation's name or acronym in the process.
fn is_org_name(lower: &str, ctx: &Context) -> bool {
    let whole = |hay: &str, needle: &str| {
        hay.match_indices(needle).any(|(at, _)| {
            hay[..at].chars().last().is_none_or(|c| !c.is_alphanumeric())
                && hay[at + needle.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
    };
    if lower.is_empty() {
        return false;
    }
    if !lower.contains(' ') {
        return ctx.org_words.iter().any(|o| o == lower);
    }
    // Several words: a name of the address list inside them or they inside one, whole words.
    // Either holds only when the first word of one is a word of the other: that cheap test
    // comes first (no searcher is built for the names that share no word).
    fn first_of(t: &str) -> Option<&str> {
        t.split(|c: char| !c.is_alphanumeric())
            .next()
            .filter(|w| !w.is_empty())
    }
    let own: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    ctx.org_words.iter().any(|o| {
        o == lower
            || (o.len() >= 5
                && match (first_of(lower), first_of(o)) {
                    (Some(mine), Some(theirs)) => {
                        own.contains(&theirs) || o.split(|c: char| !c.is_alphanumeric()).any(|w| w == mine)
                    }
                    // A name that opens with a sign: the whole test alone.
                    _ => true,
                }
                && (whole(o, lower) || whole(lower, o)))
    })
}

/// The title written right before `at` ("seniorrådgiver Ola Hansen").
/// The last of the sorted `positions` before `at`.
fn last_before(positions: &[usize], at: usize) -> Option<usize> {
    let n = positions.partition_point(|&p| p < at);
    n.checked_sub(1).map(|i| positions[i])
}

/// The `bytes` of `text` before `at` (to a character's edge), in lower case.
fn lower_before(text: &str, at: usize, bytes: usize) -> String {
    text[text.floor_char_boundary(at.saturating_sub(bytes))..at].to_lowercase()
}

/// The `bytes` of `text` after `at` (to a character's edge), in lower case.
fn lower_after(text: &str, at: usize, bytes: usize) -> String {
    text[at..text.ceil_char_boundary(at + bytes)].to_lowercase()
}

fn title_before(text: &str, at: usize) -> Option<String> {
    // The longest title is a few words: only the end of the text before is read.
    let mut from = at.saturating_sub(64);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text[from..at].trim_end().to_lowercase();
    TITLES
        .iter()
        .filter(|t| before.ends_with(*t))
        .filter(|t| {
            let start = before.len() - t.len();
            before[..start]
                .chars()
                .last()
                .is_none_or(|c| !c.is_alphanumeric())
        })
        .max_by_key(|t| t.len())
        .map(|t| t.to_string())
}

/// Each address in `text` goes to the nearest named person before it in the same part of the
/// text (a name then its address in brackets, "Kari Nordmann, kari@…"), or the first after it;
/// an address with no name near stays a person of its own when it spells a name.
/// "Oda Kristiansen (oda.kristiansen@nu.no)": the address just after the name is made of it.
fn named_by_its_address(name: &str, after: &str) -> bool {
    let after = after.trim_start_matches([' ', '(', '<', ',']);
    // The address is the next word: its local part has no space.
    let next_word = after.split(char::is_whitespace).next().unwrap_or("");
    let Some((local, _)) = next_word.split_once('@') else {
        return false;
    };
    if local.len() > 64 {
        return false;
    }
    let local = fold(&local.to_lowercase());
    name.split_whitespace()
        .last()
        .is_some_and(|last| last.chars().count() >= 3 && local.contains(&fold(&last.to_lowercase())))
}

fn attach_addresses(text: &str, offset: usize, ctx: &Context, out: &mut [Mention]) {
    let lower = text.to_lowercase();
    let mut from = 0;
    // Each address with its place in the text.
    let mut placed: Vec<(String, usize)> = Vec::new();
    for address in super::super::bounce::addresses_in(text) {
        if is_own_address(&address, ctx) {
            continue;
        }
        let Some(p) = lower[from..].find(address.as_str()) else {
            continue;
        };
        placed.push((address.clone(), offset + from + p));
        from += p + address.len();
    }
    let spells = |m: &Mention, address: &str| matches!(&m.who, Who::Person(p) if spells_more_than_a_given_name(address, &p.name));
    // "Adressene til Ingrid Solbakken og Petter Myhre er ingrid.solbakken@… og petter.myhre@…":
    // an address that spells the name of one person of the text is hers, wherever it stands.
    let mut left: Vec<(String, usize)> = Vec::new();
    for (address, at) in placed.iter().cloned() {
        let spelled: Vec<String> = out
            .iter()
            .filter_map(|m| match &m.who {
                Who::Person(p) if p.email.is_none() && spells_more_than_a_given_name(&address, &p.name) => {
                    Some(p.name.to_lowercase())
                }
                _ => None,
            })
            .collect();
        // One person (named once or more).
        if !spelled.is_empty() && spelled.iter().all(|n| *n == spelled[0]) {
            for m in out.iter_mut() {
                if let Who::Person(p) = &mut m.who
                    && p.email.is_none()
                    && p.name.to_lowercase() == spelled[0]
                {
                    p.email = Some(address.clone());
                }
            }
        } else {
            left.push((address, at));
        }
    }
    for (address, at) in left {
        // Never another person's: one whose name this address spells, or one another address of
        // the text spells.
        let free = |m: &Mention| {
            matches!(&m.who, Who::Person(p) if p.email.is_none())
                && !placed
                    .iter()
                    .any(|(other, _)| *other != address && spells(m, other))
        };
        if out.iter().any(|m| spells(m, &address)) {
            continue;
        }
        // The nearest person before, with nothing but brackets, commas and a few words between.
        let before = out
            .iter_mut()
            .filter(|m| m.end <= at && free(m))
            .filter(|m| at - m.end <= 60)
            .max_by_key(|m| m.end);
        if let Some(m) = before
            && let Who::Person(p) = &mut m.who
        {
            p.email = Some(address.clone());
            continue;
        }
        let after = out
            .iter_mut()
            .filter(|m| m.start >= at + address.len() && free(m))
            .filter(|m| m.start - at <= address.len() + 6)
            // "kari@… (Kari Hansen)" on one line; the name on the next line is another row's.
            .filter(|m| !text[at - offset..m.start - offset].contains('\n'))
            .min_by_key(|m| m.start);
        if let Some(m) = after
            && let Who::Person(p) = &mut m.who
        {
            p.email = Some(address.clone());
        }
    }
}

/// Whether a name not vouched for is an organisation's ("Norsk Presseforbund", "Plan Norge",
/// "Transparency International").
pub fn looks_like_org(name: &str) -> bool {
    name.split_whitespace().any(|w| {
        let w = w.to_lowercase();
        ORG_ENDINGS.iter().any(|e| w.ends_with(e))
            || [
                "norge",
                "norsk",
                "norske",
                "norges",
                "noregs",
                "noreg",
                "barna",
                "international",
                "norway",
                "norwegian",
                "aid",
            ]
            .contains(&w.as_str())
    })
}

/// A name that `mentions` could not vouch for ("Amira Haddad", no given name it knows): two
/// capitalised words together, or one where a subject stands. Said of someone who does not come, it
/// is no reason to take the writer for the one meant.
pub fn unvouched_name(text: &str) -> Option<String> {
    let ws = words(text);
    let capital = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(|c| c.is_alphabetic() || c == '-')
    };
    for (i, w) in ws.iter().enumerate() {
        // "Unfortunately Andreas has to travel": the adverb that opens the sentence is no name.
        let lower = w.text.to_lowercase();
        if !capital(w.text)
            || SENDER_WORDS.contains(&lower.as_str())
            || super::STARTERS.contains(&lower.as_str())
        {
            continue;
        }
        let next_is_name = ws
            .get(i + 1)
            .is_some_and(|n| capital(n.text) && &text[w.end..n.start] == " ");
        if next_is_name {
            return Some(format!("{} {}", w.text, ws[i + 1].text));
        }
        if !name_word(w.text) {
            continue;
        }
        // One word: where a subject stands, near the start ("Dessverre kan ikke Amira komme"),
        // not a place later on ("… på møtet i Oslo").
        if (1..=4).contains(&i) && !text[..w.start].trim_end().ends_with(['.', '!', '?', ':']) {
            return Some(w.text.to_string());
        }
    }
    None
}

/// Words before a number that say it is no one's own ("sentralbord 22 24 90 90", "Faks").
const SWITCHBOARD: &[&str] = &[
    "sentralbord",
    "sentral",
    "switchboard",
    "hovednummer",
    "hovudnummer",
    "main",
    "vakt",
    "faks",
    "fax",
];

/// The label written before a number at `start` in `lower`: the words since the last separator
/// ("Tlf. 22 24 90 90 / Mob. 481 22 905": "mob." for the second), at most 30 bytes back.
pub fn number_label(lower: &str, start: usize) -> &str {
    let start = start.min(lower.len());
    let mut from = start.saturating_sub(30);
    while !lower.is_char_boundary(from) {
        from -= 1;
    }
    let before = &lower[from..start];
    before.rsplit(['|', '/', ',', ';', '\n']).next().unwrap_or(before)
}

/// The numbers in `text` that may be a person's: not the coordinator's or organiser's (the
/// government's switchboard among them), not labelled as a switchboard or fax.
pub fn personal_numbers(text: &str, ctx: &Context) -> Vec<phone::Found> {
    let lower = text.to_lowercase();
    phone::find_all(text)
        .into_iter()
        .filter(|f| !ctx.own_phones.contains(&f.e164))
        .filter(|f| {
            let label = number_label(&lower, f.start);
            !SWITCHBOARD.iter().any(|w| label.contains(w))
        })
        .collect()
}

/// Each telephone number goes to the nearest person mentioned before it in the text.
fn attach_phones(text: &str, offset: usize, ctx: &Context, out: &mut [Mention]) {
    for found in personal_numbers(text, ctx) {
        let at = offset + found.start;
        if let Some(m) = out
            .iter_mut()
            .filter(|m| m.end <= at && matches!(&m.who, Who::Person(p) if p.phone.is_none()))
            .filter(|m| at - m.end <= 80)
            .max_by_key(|m| m.end)
            && let Who::Person(p) = &mut m.who
        {
            p.phone = Some(found.e164.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        Context {
            own_names: vec!["Tom Arne Nygaard".into()],
            org_words: vec!["aid".into(), "arbeids- og inkluderingsdepartementet".into()],
            own_addresses: vec!["tom-arne.nygaard@kdd.dep.no".into()],
            ..Context::default()
        }
    }

    fn people(text: &str) -> Vec<(String, Option<String>)> {
        mentions(text, 0, &ctx(), false)
            .into_iter()
            .filter_map(|m| match m.who {
                Who::Person(p) => Some((p.name, p.email)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_name_with_its_address_in_brackets_is_one_person() {
        assert_eq!(
            people("Fra AID kommer jeg og seniorrådgiver Ola Hansen (ola.hansen@aid.dep.no) på møtet."),
            [(
                "Ola Hansen".to_string(),
                Some("ola.hansen@aid.dep.no".to_string())
            )]
        );
    }

    #[test]
    fn a_name_written_in_lower_case_gets_its_capitals() {
        assert_eq!(readable_name("håkon lindtvedt"), "Håkon Lindtvedt");
        assert_eq!(readable_name("anne-lise berg"), "Anne-Lise Berg");
        assert_eq!(readable_name("Kari Nordmann"), "Kari Nordmann");
    }

    #[test]
    fn an_address_spells_the_name_it_is_made_of() {
        assert!(address_spells("marte.lunde@kld.dep.no", "Marte Lunde"));
        assert!(address_spells("ingvild.saether@fd.dep.no", "Ingvild Sæther"));
        assert!(address_spells("m.lunde@kld.dep.no", "Marte Lunde"));
        assert!(!address_spells("marte.berg@kld.dep.no", "Marte Lunde"));
    }

    #[test]
    fn a_header_name_reads_given_name_first() {
        assert_eq!(readable_name("Johansen Maria"), "Maria Johansen");
        assert_eq!(readable_name("\"Eide, Lars\""), "Lars Eide");
        assert_eq!(readable_name("Maria Johansen"), "Maria Johansen");
        assert_eq!(readable_name("Bøe Knut Ivar"), "Knut Ivar Bøe");
        assert_eq!(readable_name("Knut Ivar Bøe"), "Knut Ivar Bøe");
    }

    #[test]
    fn organisations_and_greetings_are_not_people() {
        assert!(people("Publish What You Pay Norway would be glad to take part").is_empty());
        assert!(people("Amnesty International Norge vil gjerne delta").is_empty());
        assert!(is_greeting("Hei Tom Arne,"));
        assert!(is_greeting("Dear Tom Arne and Per,"));
        assert!(!is_greeting("Hei, vi kommer to stykker."));
        assert!(!is_greeting("hei, jeg melder meg på møtet 23.6"));
        assert!(is_greeting("Hei igjen!"));
    }

    #[test]
    fn the_sender_is_jeg_meg_selv_and_i_myself() {
        let who: Vec<Who> = mentions("Fra JD kommer jeg selv og Jonas.", 0, &ctx(), false)
            .into_iter()
            .map(|m| m.who)
            .collect();
        assert!(who.contains(&Who::Sender));
        assert!(
            who.iter()
                .any(|w| matches!(w, Who::Person(p) if p.name == "Jonas"))
        );
        let who: Vec<Who> = mentions("I will attend myself", 0, &ctx(), false)
            .into_iter()
            .map(|m| m.who)
            .collect();
        assert_eq!(who, [Who::Sender, Who::Sender]);
        // Norwegian "i" is a preposition.
        assert!(
            !mentions("Vi sees i morgen", 0, &ctx(), false)
                .iter()
                .any(|m| m.who == Who::Sender)
        );
    }

    #[test]
    fn a_display_name_is_read_as_the_person_signs_it() {
        let sender = Sender {
            name: Some("Eide, Lars".into()),
            address: "lars.eide@mfa.no".into(),
        };
        assert_eq!(
            sender_name(&sender, "Med vennlig hilsen\nLars Eide\nseniorrådgiver").as_deref(),
            Some("Lars Eide")
        );
        let sender = Sender {
            name: Some("Holm, Randi".into()),
            address: "randi.holm@smk.dep.no".into(),
        };
        assert_eq!(sender_name(&sender, "").as_deref(), Some("Randi Holm"));
        // Exchange without the comma, signed with the first name only.
        let sender = Sender {
            name: Some("Lie Torbjørn".into()),
            address: "torbjorn.lie@kd.dep.no".into(),
        };
        assert_eq!(
            sender_name(&sender, "Hilsen\nTorbjørn").as_deref(),
            Some("Torbjørn Lie")
        );
        // Two given names stay as written.
        let sender = Sender {
            name: Some("Per Anders".into()),
            address: "per.anders@kd.dep.no".into(),
        };
        assert_eq!(sender_name(&sender, "").as_deref(), Some("Per Anders"));
    }

    #[test]
    fn an_address_spells_a_name_with_the_letters_addresses_use() {
        assert!(address_spells("siri.lovold@hod.dep.no", "Siri Løvold"));
        assert!(address_spells("iskogen@amnesty.no", "Ingrid Skogen"));
        assert!(!address_spells("post@hod.dep.no", "Siri Løvold"));
    }

    #[test]
    fn someone_not_named_counts_as_a_person() {
        let who: Vec<Who> = mentions("UD stiller med meg og en kollega", 0, &ctx(), false)
            .into_iter()
            .map(|m| m.who)
            .collect();
        assert!(who.contains(&Who::Someone) && who.contains(&Who::Sender));
    }
}
