//! Reading a reply as a careful coordinator reads it: who is mentioned ([`people`]), what each
//! clause says of them (comes, declines, withdraws, is replaced by someone, will answer later,
//! comes only if, is the contact person), about which meeting, and with which words (spans into
//! the person's text). Pure: bytes in, [`Facts`] out.
//!
//! The changes it reads are person by person (+X, −Y, X in place of Y, a count with some names);
//! the whole organisation declines only when the organisation is what the clause speaks of, or
//! when the people withdrawn leave no one. Where a clause can be read two ways, or its subject or
//! meeting is not clear, the reading says so in `doubts`, and the message waits for a person.

mod count;
pub mod people;

use std::cell::OnceCell;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

use self::people::{Known, Mention, Person, Who};
use super::facts::{Answer, Attendee, Contact, Context, Evidence, Facts, Intent, Sender};
use super::lexicon::Lexicon;
use super::{dates, phone};
use crate::config::Text;
use crate::words;

/// What a reply gives the reader.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// What the person wrote now, without quote and signature.
    pub body: &'a str,
    pub signature: &'a str,
    /// The subject's own words (without "SV:" and the invitation's subject).
    pub subject: &'a str,
    pub sender: &'a Sender,
    /// The people of the Cc header (and To, other than the coordinator).
    pub cc: &'a [Sender],
    /// The quoted and forwarded text, for the people named in its headers.
    pub quoted: &'a str,
    /// The day the message was written, for "på torsdag".
    pub today: Option<NaiveDate>,
}

// The lists of what a clause says. Lower case, matched as whole words or phrases.
const COME: &[&str] = &[
    "kommer",
    "komme",
    "kjem",
    "kjæm",
    "kome",
    "kommet",
    "deltar",
    "delta",
    "deltek",
    "deltaka",
    "deltatt",
    "deltake",
    "stiller",
    "stille",
    "stilt",
    "møter",
    "møte opp",
    "møtt",
    "blir med",
    "er med",
    "være med",
    "vere med",
    "tar turen",
    "til stede",
    "representert",
    "represented by",
    "be represented",
    "representere",
    "representeres",
    "takker ja",
    "ja takk",
    "gleder meg",
    "gleder oss",
    "gler meg",
    "gler oss",
    "har anledning",
    "har høve",
    "har mulighet",
    "har moglegheit",
    "melder meg på",
    "melder oss på",
    "melde meg på",
    "melde oss på",
    "meld meg på",
    "meld oss på",
    "melder eg meg på",
    "melder jeg meg på",
    "melder vi oss på",
    "melde jeg meg på",
    "melder me oss på",
    "meldar eg meg på",
    "attend",
    "attending",
    "attends",
    "will be there",
    "be there",
    // "Hannah Berg is confirmed for Thursday".
    "is confirmed for",
    "are confirmed for",
    "is confirmed to attend",
    "er bekreftet for",
    "er bekreftet til",
    "be at the meeting",
    "be at the co-creation",
    "be at the follow-up",
    "be at the workshop",
    "be at both",
    "join",
    "joining",
    "take part",
    "taking part",
    "participate",
    "participating",
    "be present",
    "coming",
    "come",
    "count me in",
    "count us in",
    "sign me up",
    "sign us up",
    "register",
    "registering",
    "sees",
    "ses",
    "sjåast",
    "see you",
    "bekrefter deltakelse",
    "bekrefter påmelding",
    "bekrefter at vi kommer",
    "confirm our participation",
    "confirm attendance",
    "confirm my attendance",
];

/// Where a verb of coming does not say that anyone comes: "hvem som kan stille" (who can come),
/// "begge som skulle komme" (who were to come), "whether we can join".
const NOT_COMING: &[&str] = &[
    "hvem som",
    "hvem vi",
    "hvem av oss",
    "kven som",
    "som skulle",
    "som skulle ha",
    "skulle ha",
    "who will",
    "who can",
    "who is",
    "who should",
    "whether",
    "om vi kan",
    "om noen",
    "vi ser på",
    "ser på hvem",
    // The coordinator's time, not ours: "Fint om du kan svare når du har anledning".
    "du har anledning",
    "dere har anledning",
    "du har tid",
    "du har mulighet",
    "du har høve",
    "you have time",
    "you get a chance",
    // Something came up: the reason for not coming, not someone coming.
    "det har kommet noe",
    "det kom noe",
    "det har kome noko",
    "det kom noko",
    "noe har kommet i veien",
    "something has come up",
    "something came up",
    "dukket opp",
    "dukka opp",
    "har oppstått",
    // The reader asked or told to come, in a forward to others ("vi oppfordrer dere til å
    // delta", "Påmelding sendes direkte til …"): their coming, not the writer's.
    "oppfordrer dere",
    "oppfordre dere",
    "oppmodar dykk",
    "oppmoder dykk",
    "anbefaler dere",
    "inviterer dere",
    "dere er velkomne",
    "dykk er velkomne",
    "meld dere på",
    "meld deg på",
    "meld dykk på",
    "påmelding sendes",
    "påmeldingen sendes",
    "påmeldinger sendes",
    "påmelding skjer",
    "påmelding bes",
    "påmelding skal sendast",
    "encourage you",
    "urge you",
    "invite you to",
    "you are welcome to",
    "registrations should",
];

/// Coming "further" or "going forward": interest in the process, no answer for a meeting.
const ONWARD: &[&str] = &[
    "videre",
    "vidare",
    "fremover",
    "framover",
    "i det videre",
    "further",
    "going forward",
    "onward",
    "onwards",
    "in the future",
    "in future",
];

/// Possibility, not an answer: "Sara may join as well", "Per kan kanskje bli med".
const POSSIBLE: &[&str] = &[
    "may",
    "might",
    "could",
    "kanskje",
    "kan hende",
    "muligens",
    "eventuelt",
    "evt",
    "som gjerne vil",
    "som vil være med",
    "som vil delta",
    "som kunne tenke seg",
    "som ønsker å",
    "who would like",
    "who want to",
];

/// Pronouns that point back to the last person named ("i stedet for henne").
const BACK: &[&str] = &[
    "henne", "hun", "han", "ham", "hen", "hennes", "hans", "hennar", "him", "her", "she", "he", "his",
];

/// Nouns of registering: they say someone comes unless the clause promises an answer later
/// ("påmelding følger", "vi kommer tilbake med påmelding").
const COME_NOUNS: &[&str] = &[
    "påmelding",
    "påmeldt",
    "påmelde",
    "deltakelse",
    "deltagelse",
    "deltaking",
    "oppmøte",
    "registration",
    "registered",
    "attendance",
    "participation",
];

/// Registering someone else: the one who writes is not the one who comes.
const ENROL: &[&str] = &[
    "melder på",
    "melder vi på",
    "melder jeg på",
    "melder eg på",
    "melder me på",
    "melder herved på",
    "melde på",
    "meld på",
    "melder inn",
    "melde inn",
    "registrerer",
    "registrere",
    "på vegne av",
    "på vegner av",
    "on behalf of",
    "register",
    "registering",
    "sign up",
    "signing up",
    "nominate",
    "nominerer",
    "føre opp",
    "før opp",
    "føre meg opp",
    "føre oss opp",
    "før meg opp",
    "før oss opp",
    // "Du kan sette meg opp foreløpig", "set meg opp" (nynorsk).
    "sette meg opp",
    "sett meg opp",
    "sette oss opp",
    "sett oss opp",
    "setje meg opp",
    "set meg opp",
    "skrive meg opp",
    "skriv meg opp",
    "sette opp",
    "sett opp",
    "skrive opp",
    "skriv opp",
    "put me down",
    "put us down",
    "sign me up",
];

const DECLINE: &[&str] = &[
    // What would have been ("hadde gjerne kommet, men …"): it is not.
    "hadde kommet",
    "hadde kome",
    "hadde deltatt",
    "hadde delteke",
    "hadde vært med",
    "hadde vore med",
    "hadde blitt med",
    "hadde vorte med",
    "hadde møtt",
    "skulle blitt med",
    "skulle ha blitt med",
    "skulle møtt",
    "skulle ha møtt",
    "skulle vært med",
    "skulle ha vært med",
    "skulle vore med",
    "skulle kommet",
    "skulle ha kommet",
    "skulle deltatt",
    "skulle ha deltatt",
    "would have come",
    "would have attended",
    "would have joined",
    "would have liked to",
    "would have loved to",
    "would have been there",
    "takker nei",
    "nei takk",
    "melder forfall",
    "melde forfall",
    "melder avbud",
    "melde avbud",
    "forfall",
    "avbud",
    "avmelding",
    "melder av",
    "melde av",
    "melder meg av",
    "melder oss av",
    "melde meg av",
    "melde oss av",
    "trekker",
    "trekke",
    "trekkjer",
    "trekkje",
    "trekk",
    "trukket påmeldingen",
    "trukket oss",
    "trukket meg",
    "forhindret",
    "forhindra",
    // Away: "selv er jeg i permisjon i høst", "er på ferie da", "is on leave".
    "i permisjon",
    "i foreldrepermisjon",
    "på ferie",
    "har ferie",
    "har sommerferie",
    "har permisjon",
    "har foreldrepermisjon",
    "har avspasering",
    "bortreist",
    "on leave",
    "on holiday",
    "on vacation",
    "on parental leave",
    // Taken elsewhere: "er kalt inn til et møte hos statsråden", "må prioritere et oppdrag".
    "kalt inn til et",
    "kalt inn til en",
    "kalla inn til eit",
    "kalla inn til ein",
    "innkalt til et",
    "innkalla til eit",
    "må prioritere",
    "må prioritera",
    // A clash: "Henrik har fått et kolliderende møte med statsråden".
    "kolliderende",
    "kolliderer",
    "kollisjon",
    "dobbeltbooket",
    "clashes",
    "a clash",
    "conflicting meeting",
    "double-booked",
    // Put on other work: "Jørgen Aas er satt på et annet oppdrag i morgen" ("opptatt" is also
    // "opptatt av åpenhet", caring for it).
    "satt på et annet oppdrag",
    "satt på eit anna oppdrag",
    "fått et annet oppdrag",
    "fått eit anna oppdrag",
    "is tied up",
    "called away",
    "called into a",
    "called in to a",
    "has to prioritise",
    "has to prioritize",
    // Ill: "Øyvind er dessverre syk i dag".
    "er syk",
    "ble syk",
    "blitt syk",
    "er sjuk",
    "vart sjuk",
    "blitt sjuk",
    "is ill",
    "is sick",
    "fallen ill",
    "off sick",
    // Skipping it: "vi må nok stå over oppfølgingsmøtet" ("som står over" is a place in a text).
    "stå over",
    "står vi over",
    "står dessverre over",
    "hoppe over",
    "hopper over",
    "sit this one out",
    "skip the",
    "skip this",
    "give it a miss",
    "rekker ikke",
    "rekk ikkje",
    "cannot attend",
    "can't attend",
    "can not attend",
    "unable",
    "not be able",
    "won't be able",
    "decline",
    "declines",
    "regret",
    "regrets",
    "withdraw",
    "withdraws",
    "cancel",
    "cancels",
    "send our apologies",
    "can't make it",
    "cannot make it",
    "not make it",
];

const LATER: &[&str] = &[
    "navn kommer",
    "navnene kommer",
    "navn følger",
    "navnene sender",
    "navn sender",
    "sender navnene",
    "sende navnene",
    "sender namna",
    "send the names",
    "namna sender",
    "namn sender",
    "namn kjem",
    "names will follow",
    "names to follow",
    "i løpet av dagen",
    "i løpet av uka",
    "i løpet av uken",
    "i løpet av veka",
    "kommer tilbake",
    "komme tilbake",
    "kjem tilbake",
    "kjem attende",
    "kome attende",
    "komme attende",
    "kommer attende",
    "gir beskjed",
    "gi beskjed",
    "gjev beskjed",
    "gje beskjed",
    "gir tilbakemelding",
    "gi tilbakemelding",
    "melder tilbake",
    "sender navn",
    "senda namn",
    "ettersender",
    "ettersendes",
    "ettersend",
    "kommer med navn",
    "kommer med påmelding",
    "sender påmelding",
    "melder på senere",
    // "Påmelding sender vi så snart vi har oversikt over hvem som kan".
    "har oversikt over",
    "får oversikt over",
    "fått oversikt over",
    "vet hvem som",
    "veit kven som",
    "know who",
    "før vi bestemmer",
    "før vi avgjør",
    "før vi avgjer",
    "before we decide",
    "avklare",
    "avklarer",
    "avklart",
    "undersøker",
    "sjekker",
    "vurderer",
    "get back",
    "let you know",
    "come back to you",
    "revert",
    "to follow",
    "confirm later",
    "confirm the names",
];

/// Adverbs that may stand inside a phrase of coming without changing it.
const NORWEGIAN_LIGHT_ADVERBS: &[&str] = &[
    "gjerne",
    "nok",
    "selvsagt",
    "sjølvsagt",
    "også",
    "òg",
    "likevel",
    "uansett",
    "fortsatt",
    "fremdeles",
    "dessverre",
    "diverre",
];
const ENGLISH_LIGHT_ADVERBS: &[&str] = &[
    "unfortunately",
    "also",
    "still",
    "definitely",
    "certainly",
    "absolutely",
    "gladly",
    "happily",
    "indeed",
];
/// Adverbs of likelihood: between the words of a phrase like the light ones ("blir trolig
/// med"), but what they say stays: the answer is tentative.
const LIKELIHOOD_ADVERBS: &[&str] = &[
    "trolig",
    "truleg",
    "sannsynligvis",
    "sannsynlegvis",
    "antakelig",
    "antakeleg",
    "antageligvis",
    "muligens",
    "moglegvis",
    "kanskje",
    "forhåpentligvis",
    "forhåpentlegvis",
    "probably",
    "likely",
    // A registration made for now: "Vi melder foreløpig på Hanne Vik".
    "foreløpig",
    "foreløbig",
    "førebels",
    "provisionally",
    "tentatively",
];

fn is_light_adverb(word: &str) -> bool {
    NORWEGIAN_LIGHT_ADVERBS.contains(&word)
        || ENGLISH_LIGHT_ADVERBS.contains(&word)
        || LIKELIHOOD_ADVERBS.contains(&word)
}

/// "møter" where a thing or people stand right after it as its object ("folk møter
/// forvaltningen", "møter utfordringer"), not a word of attending ("møter på møtet", "møter
/// opp", "møter for departementet", "møter vi to").
fn meets_someone(words: &[&str], k: usize) -> usize {
    const ATTENDING: &[&str] = &[
        "på",
        "opp",
        "fram",
        "frem",
        "for",
        "til",
        "i",
        "med",
        "fra",
        "frå",
        "dessverre",
        "ikke",
        "ikkje",
        "gjerne",
        "også",
        "òg",
        "vi",
        "jeg",
        "eg",
        "han",
        "hun",
        "ho",
        "de",
        "dei",
        "me",
        "begge",
        "alle",
        "selv",
        "sjølv",
        "personlig",
        "nok",
        "trolig",
        "truleg",
        "uansett",
        "likevel",
        "da",
        "då",
        "som",
        "digitalt",
        "fysisk",
        "alene",
        "åleine",
        "aleine",
        "kl",
        "klokka",
    ];
    if words[k] != "møter" || k + 1 >= words.len() {
        return 0;
    }
    let next = words[k + 1].trim_matches(|c: char| !c.is_alphanumeric());
    // In a clause of its own ("hvordan folk møter …", "som møter brukerne"); "Fra UD møter
    // seksjonssjef Eirik Lunde" has the one who comes after the verb.
    let subordinate = words[k.saturating_sub(3)..k].iter().any(|w| {
        [
            "hvordan", "korleis", "som", "når", "der", "hvor", "kor", "at", "how", "when",
        ]
        .contains(w)
    });
    let object = subordinate
        && next.chars().count() >= 4
        && next.chars().all(char::is_alphabetic)
        && !ATTENDING.contains(&next)
        && super::lexicon::number_word(next).is_none();
    usize::from(object)
}

/// `lower` with each word a rule names blanked (same length, same word offsets), or None when
/// no rule names any. A rule, given the words and a place, says how many words from there.
fn blank_words(lower: &str, rules: &[fn(&[&str], usize) -> usize]) -> Option<String> {
    let words: Vec<&str> = lower.split(' ').collect();
    let mut out: Option<Vec<String>> = None;
    for k in 0..words.len() {
        for rule in rules {
            let n = rule(&words, k).min(words.len() - k);
            if n > 0 {
                let o = out.get_or_insert_with(|| words.iter().map(|w| w.to_string()).collect());
                for (w, blank) in words[k..k + n].iter().zip(&mut o[k..k + n]) {
                    *blank = " ".repeat(w.len());
                }
            }
        }
    }
    out.map(|o| o.join(" "))
}

/// "blir med"/"er med"/"kommer med" where a thing is what is included ("at dette blir med i
/// det videre arbeidet", "forslaget vårt er med i utkastet").
fn thing_included(words: &[&str], k: usize) -> usize {
    const THINGS: &[&str] = &[
        "dette",
        "disse",
        "forslaget",
        "forslagene",
        "innspillet",
        "innspillene",
        "temaet",
        "temaene",
        "punktet",
        "punktene",
        "tiltaket",
        "tiltakene",
        "kommentaren",
        "kommentarene",
        "saken",
        "sakene",
        "synspunktene",
    ];
    if k == 0
        || !["blir", "er", "kommer", "vert", "kjem"].contains(&words[k])
        || words
            .get(k + 1)
            .is_none_or(|w| w.trim_end_matches(['.', ',']) != "med")
    {
        return 0;
    }
    // The thing right before, or with "vårt"/"vår"/"våre" between ("forslaget vårt er med").
    let mut j = k - 1;
    if ["vårt", "vår", "våre", "our"].contains(&words[j]) && j > 0 {
        j -= 1;
    }
    if THINGS.contains(&words[j].trim_matches(|c: char| !c.is_alphanumeric())) {
        2
    } else {
        0
    }
}

/// "would like to follow the process": following a thing, not names that are to follow
/// ("names to follow", "details to follow by e-mail").
fn follows_a_thing(words: &[&str], k: usize) -> usize {
    const OBJECT: &[&str] = &[
        "the", "this", "that", "these", "our", "your", "its", "their", "it", "them", "up", "closely", "along",
    ];
    let object = words.get(k + 2).is_some_and(|w| OBJECT.contains(w));
    if words[k] == "to" && words.get(k + 1) == Some(&"follow") && object {
        2
    } else {
        0
    }
}

/// "komme med" where what is brought is a thing ("kommer med innspill", "kjem med eit skriftleg
/// innspel"), not people ("kommer med to personer").
fn brings_a_thing(words: &[&str], k: usize) -> usize {
    const COME: &[&str] = &["kommer", "kjem", "komme", "kome", "kom", "kommet"];
    const THINGS: &[&str] = &[
        "innspill",
        "innspel",
        "forslag",
        "kommentar",
        "merknad",
        "synspunkt",
        "tilbakemelding",
        "råd",
        "idé",
        "ideer",
        "idear",
        "erfaring",
        "input",
        "bidrag",
        "innlegg",
        "presentasjon",
        "oppdatering",
        "informasjon",
        "svar",
    ];
    if k + 2 >= words.len() || !COME.contains(&words[k]) || words[k + 1] != "med" {
        return 0;
    }
    let thing = words[k + 2..(k + 5).min(words.len())].iter().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        THINGS.iter().any(|t| w.starts_with(t)) || w.starts_with("skriftl")
    });
    if thing { 2 } else { 0 }
}

/// Whether a clause that opens with "men"/"og"/"but"/"and" has a verb of its own right after
/// it ("men sender gjerne et innspill", "but will send comments"): it says what it says, not the
/// verb before it again ("men ikke på oppfølgingsmøtet", "men etter ferien").
fn verb_after_the_joint(lower: &str) -> bool {
    const AUXILIARIES: &[&str] = &[
        "vil", "kan", "skal", "må", "har", "er", "blir", "får", "bør", "will", "can", "would", "shall",
        "may", "might", "must", "should", "have", "has", "am", "is", "are",
    ];
    const NOT_VERBS: &[&str] = &[
        "etter",
        "under",
        "over",
        "heller",
        "senere",
        "seinere",
        "seinare",
        "tidligere",
        "tidlegare",
        "bedre",
        "betre",
        "mer",
        "meir",
        "flere",
        "fleire",
        "per",
        "sjefer",
        "kolleger",
    ];
    let mut words = lower.split_whitespace();
    if !words
        .next()
        .is_some_and(|w| ["men", "og", "but", "and"].contains(&w))
    {
        return false;
    }
    let Some(next) = words
        .next()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
    else {
        return false;
    };
    AUXILIARIES.contains(&next)
        || (next.chars().count() >= 4
            && (next.ends_with("er") || next.ends_with("ar"))
            && !NOT_VERBS.contains(&next))
}

/// `lower` without its light adverbs ("blir også med" is "blir med").
fn without_light_adverbs(lower: &str) -> String {
    let words: Vec<&str> = lower.split(' ').collect();
    (0..words.len())
        // "We will most likely be two": "most" goes with the adverb it strengthens.
        .filter(|&i| {
            let strengthens =
                words[i] == "most" && words[i + 1..].iter().find(|w| !w.is_empty()) == Some(&"likely");
            !(is_light_adverb(words[i]) || strengthens)
        })
        .map(|i| words[i])
        .collect::<Vec<_>>()
        .join(" ")
}

/// `lower` without the verb of "når oppsummeringen kommer", "when the summary comes": "når" or
/// "when", one to three words that name no person, and "kommer"/"kjem"/"comes".
fn thing_that_comes(lower: &str) -> Option<String> {
    const PEOPLE: &[&str] = &[
        "vi", "jeg", "eg", "me", "han", "hun", "ho", "de", "dei", "du", "dere", "we", "i", "he", "she",
        "they", "you", "alle", "begge", "noen", "nokon",
    ];
    let words: Vec<&str> = lower.split(' ').collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut changed = false;
    for (k, w) in words.iter().enumerate() {
        let verb = ["kommer", "kjem", "comes"].contains(&w.trim_matches(|c: char| !c.is_alphanumeric()));
        let timed = verb
            && (1..=3).any(|back| {
                k > back
                    && ["når", "when"].contains(&words[k - back - 1])
                    && words[k - back..k]
                        .iter()
                        .all(|b| !PEOPLE.contains(&b.trim_matches(|c: char| !c.is_alphanumeric())))
            });
        if timed {
            changed = true;
        } else {
            out.push(w);
        }
    }
    changed.then(|| out.join(" "))
}

/// English verbs of coming that are Norwegian nouns ("et offentlig register").
const ENGLISH_VERBS_NORWEGIAN_NOUNS: &[&str] = &["register"];

/// What a registration waits for ("Vi melder på når vi vet det"): the answer is to come.
const DEFERRED: &[&str] = &[
    "når vi vet",
    "når jeg vet",
    "når vi veit",
    "når eg veit",
    "når me veit",
    "så snart vi vet",
    "så snart jeg vet",
    "når det er avklart",
    "når det er klart",
    "når dette er avklart",
    "once we know",
    "when we know",
    "as soon as we know",
    "once it is clear",
    // "Før vi melder på nokon, treng eg meir informasjon": what comes first.
    "før vi melder",
    "før vi melde",
    "før me melder",
    "før eg melder",
    "før jeg melder",
    "before we register",
    "before we sign up",
    "before we confirm",
    // "WWF ønsker å være med, men vi må sjekke kalenderne først": a check that comes first.
    "må sjekke",
    "må først sjekke",
    "må avklare",
    "må først avklare",
    "må undersøke",
    "må høre med",
    "need to check",
    "have to check",
    "must check",
];

const REPLACE: &[&str] = &[
    "i stedet for",
    "istedenfor",
    "isteden for",
    "istedet for",
    "i steden for",
    "i staden for",
    "istadenfor",
    "erstatter",
    "erstattar",
    "tar plassen",
    "tar over plassen",
    "overtar plassen",
    "instead of",
    "in place of",
    "replaces",
    "replacing",
    "takes the place",
    "byttet ut med",
    "byttes ut med",
    "bytter ut",
];

const CONDITION: &[&str] = &[
    "i så fall",
    "i så tilfelle",
    "in that case",
    "if so",
    "hvis",
    "dersom",
    "viss",
    "forutsatt",
    "såfremt",
    "så sant",
    "så lenge",
    "if",
    "provided",
    "as long as",
    "om det blir",
    "om det er",
    "om vi",
    "om jeg",
    "om eg",
    "om me",
];

/// A condition on the writer's own journey or day: tentative, not conditional.
const OWN_CONDITION: &[&str] = &[
    "rekker",
    "rekk",
    "toget",
    "tog",
    "flyet",
    "fly",
    "flight",
    "train",
    "får fri",
    "får det til",
    "helsa",
    "syk",
    "sjuk",
    "ill",
    "catch",
];

const TENTATIVE: &[&str] = &[
    // "Endelig svar kommer før fristen": what is said now is not the last word.
    "endelig svar",
    "endeleg svar",
    "endelig bekreftelse",
    "endeleg stadfesting",
    "bekrefter endelig",
    "stadfestar endeleg",
    "final answer",
    "final confirmation",
    "confirm finally",
    "trolig",
    "sannsynlig",
    "truleg",
    "sannsynligvis",
    "sannsynlegvis",
    "foreløpig",
    "førebels",
    "med forbehold",
    "forbehold",
    "forbeholdet",
    "med atterhald",
    "atterhald",
    "atterhaldet",
    "kanskje",
    "muligens",
    "moglegvis",
    "antakelig",
    "antakeleg",
    "regner med",
    "reknar med",
    "expect to",
    "expecting to",
    "forhåpentligvis",
    "most likely",
    "likely",
    "probably",
    "tentatively",
    "tentative",
    "provisionally",
    "hopefully",
    // A hope of coming, not of anything ("we hope to bring some of that perspective").
    "håper å kunne",
    "håper vi å kunne",
    "håper jeg å kunne",
    "håper å komme",
    "håper å delta",
    "håper å være med",
    "håpar å kunne",
    "håpar vi å kunne",
    "håpar eg å kunne",
    "håpar å kome",
    "håpar å delta",
    "hope to attend",
    "hope to come",
    "hope to join",
    "hope to take part",
    "hope to participate",
    "hope to be there",
    "hoping to attend",
    "hoping to join",
    "hoping to come",
    "maybe",
    "perhaps",
    "possibly",
];

const NEGATION: &[&str] = &[
    "ikke",
    "ikkje",
    "ingen",
    "inga",
    "ingenting",
    "aldri",
    "not",
    "n't",
    "never",
    "no one",
    "nobody",
    "neither",
    "no longer",
    "none of us",
    "no-one",
    "nor",
    "verken",
];

const CONTACT_ROLE: &[&str] = &[
    "kontaktperson",
    "kontaktpersonen",
    "kontaktpersonar",
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
    "main contact",
    "den du kan kontakte",
    "den dere kan kontakte",
    "den du kan kontakta",
    "den de kan kontakte",
    "the one to contact",
    "the person to contact",
];

const CORRECTION: &[&str] = &[
    "glem forrige",
    "gløym førre",
    "se bort fra",
    "sjå bort frå",
    "rettelse",
    "retting",
    "korrigering",
    "korreksjon",
    "beklager feilen",
    "oppdatert liste",
    "oppdatering",
    "endring i påmeldingen",
    "ny påmelding",
    "riktig påmelding",
    "rett påmelding",
    "korrekt påmelding",
    "oppdatert påmelding",
    "den riktige lista",
    "den riktige listen",
    "erstatter forrige",
    "corrected registration",
    "correct registration",
    "correction",
    "please disregard",
    "ignore my previous",
    "updated list",
    "update to our registration",
    // "så fra NFD blir det bare meg": the list is now the writer alone.
    "bare meg",
    "berre meg",
    "kun meg",
    "only me",
    "just me",
];

/// Words that begin sentences and name no one: a clause with only these in capitals names no one.
pub(super) const STARTERS: &[&str] = &[
    "vi",
    "jeg",
    "eg",
    "det",
    "dette",
    "den",
    "de",
    "takk",
    "tusen",
    "hei",
    "men",
    "og",
    "så",
    "da",
    "nå",
    "som",
    "hvis",
    "om",
    "når",
    "i",
    "på",
    "til",
    "for",
    "med",
    "etter",
    "vennlig",
    "mvh",
    "hilsen",
    "the",
    "we",
    "it",
    "this",
    "thank",
    "thanks",
    "but",
    "and",
    "so",
    "if",
    "as",
    "please",
    "best",
    "kind",
    "regards",
    "dear",
    "hi",
    "hello",
    "unfortunately",
    "dessverre",
    "ellers",
    "also",
    "ok",
    // Adverbs that open a sentence: "Instead Maja Lindqvist will join me".
    "instead",
    "isteden",
    "istedet",
    "istaden",
    "derfor",
    "difor",
    "dessuten",
    "samtidig",
    "likevel",
    "altså",
    "however",
    "therefore",
    "meanwhile",
    "additionally",
];

/// Words that head a list of the people who come ("Deltakere:", "Her er navnene:").
pub(super) const LIST_HEADS: &[&str] = &[
    "deltakere",
    "deltakarar",
    "deltagere",
    "deltaker",
    "deltakar",
    "følgende",
    "fylgjande",
    "navn",
    "navnene",
    "namn",
    "namna",
    "påmeldte",
    "participants",
    "attendees",
    "names",
    "the following",
];

/// [`LATER`] with its two-word phrases also in the order of a sentence that begins with
/// something else: "Hvem som stiller, kommer vi tilbake til", "Navn sender jeg i morgen".
static LATER_INVERTED: LazyLock<Vec<String>> = LazyLock::new(|| {
    const SUBJECTS: &[&str] = &["vi", "jeg", "eg", "me", "dei", "de", "han", "hun", "ho"];
    let mut all: Vec<String> = LATER.iter().map(|p| p.to_string()).collect();
    for phrase in LATER {
        if let Some((verb, rest)) = phrase.split_once(' ')
            && !rest.contains(' ')
        {
            all.extend(SUBJECTS.iter().map(|subject| format!("{verb} {subject} {rest}")));
        }
    }
    all
});

/// [`COME`], and sending a number of people ("Vi vil gjerne sende to fra Natur og Ungdom"):
/// "sende navn" is a promise of names, "sende to" is two who come.
static COME_OR_SEND: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut all: Vec<String> = COME.iter().map(|p| p.to_string()).collect();
    let nb = (
        ["sende", "sender", "senda", "sendar"].as_slice(),
        ["én", "ein", "to", "tre", "fire"].as_slice(),
    );
    let en = (
        ["send", "sending"].as_slice(),
        ["one", "two", "three", "four"].as_slice(),
    );
    for (verbs, numbers) in [nb, en] {
        for verb in verbs {
            for n in numbers {
                all.push(format!("{verb} {n}"));
            }
        }
    }
    all
});

/// The phrases of a built list, as the lexicon takes them.
fn strs(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

static SAYS: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::new(&[
        &strs(&COME_OR_SEND),
        ENROL,
        DECLINE,
        &strs(&LATER_INVERTED),
        REPLACE,
        CONDITION,
        TENTATIVE,
        NEGATION,
        CONTACT_ROLE,
        COME_NOUNS,
    ])
});
const S_COME: u32 = 1;
const S_ENROL: u32 = 2;
const S_DECLINE: u32 = 4;
const S_LATER: u32 = 8;
const S_REPLACE: u32 = 16;
const S_CONDITION: u32 = 32;
const S_TENTATIVE: u32 = 64;
const S_NEGATION: u32 = 128;
const S_CONTACT: u32 = 256;
const S_COME_NOUN: u32 = 512;
static CORRECTIONS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&[CORRECTION]));
static NOT_COMING_PHRASES: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::phrases(NOT_COMING));
/// The words a clause is looked at for before and after what it says, found in one pass.
static CONTEXT: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::new(&[
        ONWARD,
        POSSIBLE,
        BACK,
        BECOME,
        SUBJECT_PRONOUNS,
        LIKELIHOOD_ADVERBS,
    ])
});
const C_ONWARD: u32 = 1;
const C_POSSIBLE: u32 = 2;
const C_BACK: u32 = 4;
const C_BECOME: u32 = 8;
const C_SUBJECT: u32 = 16;
const C_LIKELY: u32 = 32;
/// Pronouns that are a clause's own subject (not "I", found by its capital).
const SUBJECT_PRONOUNS: &[&str] = &[
    "vi", "jeg", "eg", "we", "han", "hun", "ho", "dei", "they", "he", "she",
];
static OWN_CONDITIONS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&[OWN_CONDITION]));
/// A letter or a message arriving: "kome fram", "kommet frem", "came through".
const ARRIVE: &[&str] = &[
    "kome fram",
    "komme fram",
    "komme frem",
    "kommet fram",
    "kommet frem",
    "kom fram",
    "kom frem",
    "kjem fram",
    "kommer fram",
    "kommer frem",
    "come through",
    "came through",
    "got through",
];
static ARRIVALS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::phrases(ARRIVE));
static DEFERS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&[DEFERRED]));
static REPLACES: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&[REPLACE]));
static ENROLS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&[ENROL]));
static CONTACTS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(&[CONTACT_ROLE]));

/// A clause of the body, with its place.
#[derive(Debug, Clone)]
struct Clause<'t> {
    text: &'t str,
    start: usize,
    /// The line it is on (from 0), and whether it is the line's last clause.
    line: usize,
    /// The paragraph (lines separated by an empty one).
    paragraph: usize,
}

/// The words that turn a sentence into a new clause: "men", "but", ", så", a dash, a subject of
/// its own after ", og".
static TURNS: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::new(&[&[
        ", men ",
        " men ",
        ", but ",
        " but ",
        " mens ",
        " – ",
        " - ",
        ", så ",
        ", so ",
        // "… har fått forfall så vi blir to": "så" before its subject opens a clause.
        " så vi ",
        " så jeg ",
        " så eg ",
        " så me ",
        " så hun ",
        " så han ",
        " så ho ",
        " så de ",
        " så dei ",
        " so we ",
        " so i ",
        // "… sjekket med Ingrid, og hun er opptatt": a subject of its own after ", og".
        ", og hun ",
        ", og han ",
        ", og ho ",
        ", og de ",
        ", og dei ",
        ", and she ",
        ", and he ",
        ", and they ",
        // "… på møtet 23.6 navnene sender jeg når …": the names put first open a clause.
        " navnene sender ",
        " navn sender ",
        " namna sender ",
        " namn sender ",
        " navnene kommer ",
        " navn kommer ",
        " namna kjem ",
        " namn kjem ",
        " navnene følger ",
        " navn følger ",
    ]])
});

/// Words that open a clause that leans on the next: a condition, a time, a reason.
const SUBORDINATORS: &[&str] = &[
    "hvis", "dersom", "viss", "om", "når", "da", "fordi", "siden", "sidan", "etter", "før", "selv", "sjølv",
    "if", "unless", "when", "provided", "as", "since", "because", "after", "before", "although", "though",
    "even", "once", "while",
];

/// Whether `text` begins with a name (one or two capitalised words) and a finite verb:
/// "Sunniva har permisjon", "Per Olsen kommer", "Kari kan ikke".
fn named_subject_with_verb(text: &str) -> bool {
    const VERBS: &[&str] = &[
        "har", "er", "kommer", "kjem", "kan", "blir", "vert", "må", "skal", "vil", "får", "tar", "tek",
        "deltar", "stiller", "melder", "reiser", "has", "is", "will", "can", "comes", "attends",
    ];
    let words: Vec<&str> = text.split_whitespace().take(3).collect();
    let capital = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(|c| c.is_alphabetic() || c == '-')
    };
    match words.as_slice() {
        [a, v, ..] if capital(a) && VERBS.contains(v) => true,
        [a, b, v] => capital(a) && capital(b) && VERBS.contains(v),
        _ => false,
    }
}

/// Splits `body` into clauses: sentences, and the parts of a sentence turned by "men"/"but".
fn clauses(body: &str) -> Vec<Clause<'_>> {
    let mut out = Vec::new();
    let mut paragraph = 0;
    let mut offset = 0;
    for (line_no, line) in body.split('\n').enumerate() {
        let line_start = offset;
        offset += line.len() + 1;
        if line.trim().is_empty() {
            paragraph += 1;
            continue;
        }
        let mut cuts = vec![0];
        let bytes = line.as_bytes();
        for (i, c) in line.char_indices() {
            let next = bytes.get(i + c.len_utf8()).copied();
            // "… håper jeg 😊 LNU kommer med 2 stk.": a smiley ends a sentence as a full stop
            // does, before a capital.
            let smiley = is_emoji(c)
                && line[i + c.len_utf8()..]
                    .trim_start_matches(|ch: char| ch == ' ' || is_emoji(ch))
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                && next.is_some_and(|n| n == b' ');
            let sentence_end = smiley
                || matches!(c, '.' | '!' | '?' | ';')
                    && next.is_none_or(|n| n == b' ' || n == b'\t')
                    && (c != '.' || super::clauses::period_ends_sentence(line, i));
            if sentence_end {
                cuts.push(i + c.len_utf8());
            }
        }
        let lower = line.to_lowercase();
        for (at, _) in TURNS.occurrences(&lower) {
            if at > 3 && lower.is_char_boundary(at) {
                cuts.push(at);
            }
        }
        // "Det blir jeg som kommer, Sunniva har permisjon til høsten": after a comma, a name and
        // a verb of its own open a clause.
        // Not after a condition or a time put first ("If the meeting is in Oslo, I will attend":
        // the condition belongs to the yes).
        for (at, _) in line.match_indices(", ") {
            if !named_subject_with_verb(&line[at + 2..]) {
                continue;
            }
            let head = &line[..at];
            let head = head
                .rfind(['.', '!', '?'])
                .map_or(head, |p| &head[p + 1..])
                .to_lowercase();
            if !plain_words(&head)
                .first()
                .is_some_and(|w| SUBORDINATORS.contains(w))
            {
                cuts.push(at);
            }
        }
        // "det er Kjersti Mo som kommer, ikke Kristin", "…, ikke jeg": the one set against the
        // one named.
        for turn in [", ikke ", ", ikkje ", ", not "] {
            for (at, _) in lower.match_indices(turn) {
                let next = &line[at + turn.len()..];
                let word = next.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
                if next.chars().next().is_some_and(char::is_uppercase)
                    || ["jeg", "meg", "eg", "me", "undertegnede"].contains(&word)
                {
                    cuts.push(at);
                }
            }
        }
        // "Sent, men forhåpentligvis innenfor: Fellesrådet vil gjerne delta": a colon before a
        // sentence of its own (one that says who comes, where the words before do not), not
        // before a list of names.
        let verbs = S_COME | S_ENROL | S_DECLINE;
        for (at, _) in lower.match_indices(": ") {
            let before = &lower[..at];
            let after = &lower[at + 2..];
            let head = before.rfind(['.', '!', '?']).map_or(before, |p| &before[p + 1..]);
            if SAYS.words_in(after) & verbs != 0 && SAYS.words_in(head) & verbs == 0 {
                cuts.push(at + 1);
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        cuts.push(line.len());
        let pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
        for (a, b) in pieces {
            let text = &line[a..b];
            let trimmed = text.trim_start_matches([' ', ',', '-', '–']);
            if trimmed.trim().is_empty() {
                continue;
            }
            let lead = text.len() - trimmed.len();
            out.push(Clause {
                text: trimmed.trim_end(),
                start: line_start + a + lead,
                line: line_no,
                paragraph,
            });
        }
    }
    out
}

/// The words of a lower-cased clause, without their punctuation.
/// The text with the dialects' first person "æ" ("Da kjæm æ", Trøndelag and the north)
/// written "eg", which has its length; `None` when it has none.
fn dialect_pronouns(text: &str) -> Option<String> {
    let alone = |at: usize, len: usize| {
        text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
            && text[at + len..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    };
    let found: Vec<(usize, &str)> = text
        .match_indices(['æ', 'Æ'])
        .filter(|(at, m)| alone(*at, m.len()))
        .collect();
    if found.is_empty() {
        return None;
    }
    let mut out = text.to_string();
    for (at, m) in found {
        out.replace_range(at..at + m.len(), if m == "æ" { "eg" } else { "Eg" });
    }
    Some(out)
}

/// A pictograph or smiley ("😊", "👍", "☺").
fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF)
}

fn plain_words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether `lower` has a whole word or phrase of `list`.
/// Whether `lower` has any of the single words of `list` (one pass over its words; a phrase of
/// several words is looked for on its own).
fn any_word(lower: &str, list: &[&str]) -> bool {
    // A word of letters and digits is one of the clause's words; a phrase is found as it stands;
    // an entry with other signs matches no word.
    list.iter()
        .any(|w| (w.contains(' ') || w.chars().all(char::is_alphanumeric)) && has_word(lower, w))
}

fn has_word(lower: &str, word: &str) -> bool {
    // A clause is short and the phrases are many: finding the phrase's first byte and comparing
    // is faster than building a substring searcher for each phrase.
    let (hay, needle) = (lower.as_bytes(), word.as_bytes());
    let Some(&first) = needle.first() else {
        return false;
    };
    if needle.len() > hay.len() {
        return false;
    }
    memchr::memchr_iter(first, &hay[..=hay.len() - needle.len()]).any(|start| {
        let end = start + needle.len();
        hay[start..end] == *needle
            && lower.is_char_boundary(start)
            && lower[..start].chars().last().is_none_or(|c| !c.is_alphanumeric())
            && lower[end..].chars().next().is_none_or(|c| !c.is_alphanumeric())
    })
}

/// The meetings a clause names: by alias, by date, or by the weekday of a meeting in the week
/// the message was written.
fn events_named(lower: &str, ctx: &Context, today: Option<NaiveDate>) -> Vec<String> {
    events_named_among(lower, ctx, today, None)
}

/// For each meeting, whether the text around `lower` holds any of its aliases at all: where one
/// does not, no clause of it can (most messages name no meeting; their clauses then look up none).
fn aliases_in(lower_text: &str, ctx: &Context) -> Vec<bool> {
    ctx.events
        .iter()
        .map(|e| e.aliases.iter().any(|a| lower_text.contains(a.as_str())))
        .collect()
}

/// [`events_named`], looking up only the aliases of the meetings `aliases` (from [`aliases_in`])
/// marks as present.
fn events_named_among(
    lower: &str,
    ctx: &Context,
    today: Option<NaiveDate>,
    aliases: Option<&[bool]>,
) -> Vec<String> {
    let reference = today
        .or_else(|| ctx.events.iter().flat_map(|e| e.days.first().copied()).min())
        .unwrap_or_default();
    // Dates are written with digits ("23. juni", "23.06"): no digit, no date to look for.
    let days: Vec<NaiveDate> = if lower.bytes().any(|b| b.is_ascii_digit()) {
        dates::find_all(lower, reference)
            .into_iter()
            .map(|d| d.date)
            .collect()
    } else {
        Vec::new()
    };
    let mut out: Vec<String> = ctx
        .events
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            aliases.is_none_or(|present| present.get(*i).copied().unwrap_or(true))
                && e.aliases.iter().any(|a| lower.contains(a.as_str()))
                || e.days
                    .iter()
                    .any(|d| days.iter().any(|x| x.month() == d.month() && x.day() == d.day()))
        })
        .map(|(_, e)| e.id.clone())
        .collect();
    if out.is_empty()
        && let Some(today) = today
    {
        // "på torsdag" written in the week before the meeting.
        for e in &ctx.events {
            if e.days.len() == 1
                && let Some(day) = e.days.first()
                && (0..=7).contains(&(*day - today).num_days())
                && has_word(lower, weekday_nb(day.weekday()))
            {
                out.push(e.id.clone());
            }
        }
    }
    let both = [
        "begge møtene",
        "begge møta",
        "begge møter",
        "both meetings",
        "alle møtene",
        "all meetings",
        "all the meetings",
    ];
    if ctx.events.len() > 1 && both.iter().any(|b| has_word(lower, b)) {
        return ctx.events.iter().map(|e| e.id.clone()).collect();
    }
    out
}

fn weekday_nb(day: chrono::Weekday) -> &'static str {
    match day {
        chrono::Weekday::Mon => "mandag",
        chrono::Weekday::Tue => "tirsdag",
        chrono::Weekday::Wed => "onsdag",
        chrono::Weekday::Thu => "torsdag",
        chrono::Weekday::Fri => "fredag",
        chrono::Weekday::Sat => "lørdag",
        chrono::Weekday::Sun => "søndag",
    }
}

/// What one clause says.
#[derive(Debug, Clone, Default)]
struct Said {
    positive: bool,
    negative: bool,
    later: bool,
    replace: bool,
    enrol: bool,
    conditional: bool,
    tentative: bool,
    contact: bool,
    /// A word of negation, whether or not the clause has a verb it negates.
    negated: bool,
    /// The answer waits for something ("når vi vet det").
    deferred: bool,
}

/// The phrases of answering later, blanked out before reading what else a clause says ("vi
/// kommer tilbake med påmelding" has "kommer" in it, and says no one comes).
static LATER_PHRASES: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::phrases(&strs(&LATER_INVERTED)));

/// "Da melder jeg og Hanna Berg oss på", "Jeg melder meg foreløpig på": the ones who enrol
/// themselves come (the reflexive within a few words of the verb, "på" within two of it).
fn enrol_themselves(lower: &str) -> bool {
    if !lower.contains(" på") && !lower.contains(" inn") {
        return false;
    }
    // Addresses are no words of the sentence ("melder jeg og Hanna Berg (hanna.berg@…) oss på").
    let words: Vec<&str> = lower
        .split_whitespace()
        .filter(|w| !w.contains('@'))
        .flat_map(|w| w.split(|c: char| !c.is_alphanumeric() && c != '-'))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        ["melder", "melde", "meldte", "meld"].contains(w)
            && (i + 1..words.len().min(i + 8)).any(|j| {
                ["meg", "oss", "seg"].contains(&words[j])
                    && words[j + 1..words.len().min(j + 3)]
                        .iter()
                        .any(|p| *p == "på" || *p == "inn")
            })
    })
}

/// "Nina kan ikke på torsdag", "jeg kan dessverre ikkje likevel", "I can't on Thursday": "can"
/// and its negation, with no verb after them but a time, a place or nothing, is not coming.
fn cannot_on_the_day(lower: &str) -> bool {
    const FILLERS: &[&str] = &[
        "dessverre",
        "diverre",
        "unfortunately",
        "likevel",
        "lenger",
        "after",
        "all",
        "vi",
        "jeg",
        "eg",
        "me",
        "hun",
        "han",
        "ho",
        "de",
        "dei",
        "we",
        "i",
        "she",
        "he",
        "they",
    ];
    const NEXT: &[&str] = &[
        "på", "den", "denne", "til", "then", "on", "that", "this", "tomorrow", "i",
    ];
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        let (modal, negated) = match *w {
            "kan" | "kann" | "can" => (true, false),
            "can't" | "cannot" => (true, true),
            _ => (false, false),
        };
        if !modal {
            return false;
        }
        let mut rest = words[i + 1..].iter().filter(|x| !FILLERS.contains(x)).peekable();
        if !negated && rest.next_if(|x| ["ikke", "ikkje", "not"].contains(x)).is_none() {
            return false;
        }
        match rest.next() {
            None => true,
            Some(next) => {
                NEXT.contains(next)
                    || next.chars().all(|c| c.is_ascii_digit())
                    || dates::weekday_word(next).is_some()
            }
        }
    })
}

/// "Er det på plass, kommer vi med to personer", "Blir det fysisk, stiller vi": a verb first and
/// its subject, then a comma, is an "if" without the word.
/// The verbs that open an "if" without the word ("Er det på plass, …"), and the subjects after
/// them.
const CONDITION_VERBS: &[&str] = &[
    "er", "blir", "kan", "får", "har", "skulle", "går", "vert", "fins", "finst",
];
const CONDITION_SUBJECTS: &[&str] = &["det", "dere", "du", "de", "dykk", "møtet", "lokalet"];

fn inverted_condition(lower: &str) -> bool {
    let mut words = lower.split_whitespace();
    let verb = words.next().unwrap_or("");
    let subject = words
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric());
    CONDITION_VERBS.contains(&verb) && CONDITION_SUBJECTS.contains(&subject) && lower.contains(", ")
}

/// Whether every condition in `lower` is on what the reader wants: "if you need", "hvis du
/// trenger", "dersom dere ønsker" (not on what the reader does: "dersom dere kan sende agendaen").
fn offer_to_the_reader(lower: &str) -> bool {
    const CONDITIONS: &[&str] = &["hvis", "dersom", "viss", "om", "if"];
    const YOU: &[&str] = &["du", "dere", "dykk", "you"];
    const WISH: &[&str] = &[
        "trenger", "treng", "ønsker", "ønskjer", "behøver", "har", "lurer", "need", "want", "require",
        "have", "would", "d", "wish",
    ];
    let words = plain_words(lower);
    let conditions: Vec<usize> = (0..words.len())
        .filter(|&i| CONDITIONS.contains(&words[i]))
        .collect();
    !conditions.is_empty()
        && conditions.iter().all(|&i| {
            words.get(i + 1).is_some_and(|w| YOU.contains(w))
                && words.get(i + 2).is_some_and(|w| WISH.contains(w))
        })
}

/// Whether the pronoun at `start..end` of `text` is the subject of a promise to answer later:
/// "jeg sender navnene", "navnene sender jeg", "eg kjem attende", "I will send the names".
fn promises(text: &str, start: usize, end: usize) -> bool {
    const PROMISE: &[&str] = &["sender", "sende", "ettersender", "gir", "gjev", "send", "sends"];
    const BACK: &[&str] = &["tilbake", "attende", "back"];
    let word = |w: Option<&str>| {
        w.map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
            .unwrap_or_default()
    };
    let mut after = text[end..].split_whitespace();
    let (a1, a2) = (word(after.next()), word(after.next()));
    let before = word(text[..start].split_whitespace().next_back());
    let a1_promise = PROMISE.contains(&a1.as_str())
        || (matches!(a1.as_str(), "kommer" | "kjem" | "melder" | "come") && BACK.contains(&a2.as_str()));
    let will = matches!(a1.as_str(), "will" | "skal" | "vil")
        && (PROMISE.contains(&a2.as_str())
            || ["let", "get", "revert", "confirm", "gi", "gje"].contains(&a2.as_str()));
    let contracted = text[start..end].contains('\'') && PROMISE.contains(&a1.as_str());
    a1_promise || will || contracted || PROMISE.contains(&before.as_str())
}

/// The writer's address: the From address, unless that is a shared mailbox ("post@",
/// "postmottak@") and the signature gives an address made of the writer's name.
fn own_address(input: &Input<'_>, name: Option<&str>) -> Option<String> {
    const SHARED: &[&str] = &[
        "post",
        "postmottak",
        "info",
        "kontakt",
        "firmapost",
        "office",
        "mail",
        "admin",
        "contact",
    ];
    let from = input.sender.address.to_lowercase();
    let local = from.split('@').next().unwrap_or("");
    // "Aksjon for åpenhet <aksjon.apenhet@gmail.com>" signed by Eva Strand: the mailbox is the
    // organisation's, not hers.
    let shown = input
        .sender
        .name
        .as_deref()
        .map(people::readable_name)
        .unwrap_or_default();
    let shown_is_someone_else = !shown.is_empty()
        && !shown.split_whitespace().next().is_some_and(people::is_given_name)
        && name.is_some_and(|n| !people::same_words(n, &shown));
    if !(SHARED.contains(&local) || shown_is_someone_else) {
        return Some(from).filter(|a| !a.is_empty());
    }
    if let Some(name) = name
        && let Some(own) = people::addresses_in(input.signature).find(|w| people::address_spells(w, name))
    {
        return Some(own.to_lowercase());
    }
    // A shared mailbox with no address of the writer's own: hers is not known.
    if shown_is_someone_else {
        return None;
    }
    Some(from).filter(|a| !a.is_empty())
}

/// "det blir …", "it will be …", and a role of one who comes that "er"/"blir" names
/// ("kollegaen er …", "representanten vår blir …", "the other participant is …").
/// "Det blir …", "It will be …": a clause that names the one a clause before asked for.
const IT_WILL_BE: &[&str] = &[
    "det blir ",
    "det vert ",
    "det er ",
    "it will be ",
    "that will be ",
    "it's ",
    "it is ",
];

fn names_who_comes(lower: &str) -> bool {
    const OPENERS: &[&str] = &[
        "det blir ",
        "det vert ",
        "it will be ",
        "that will be ",
        "it's ",
        "it is ",
    ];
    const ROLES: &[&str] = &[
        "kolleg",
        "koleg",
        "deltak",
        "representant",
        "colleague",
        "participant",
    ];
    // "Den andre blir …", "Den tredje fra HOD blir Marius Aakre", "The third one is …".
    const ORDINALS: &[&str] = &[
        "andre", "tredje", "fjerde", "femte", "other", "second", "third", "fourth", "fifth",
    ];
    let opens = OPENERS
        .iter()
        .any(|o| lower.starts_with(o) || lower.match_indices(o).any(|(at, _)| lower[..at].ends_with(": ")));
    // "Som lovet: de to fra NFD blir meg og Oda Lie": the sentence after the colon.
    let sentence = lower.split_once(": ").map_or(lower, |(_, after)| after);
    let words: Vec<&str> = sentence.split_whitespace().take(6).collect();
    let verb_at = words
        .iter()
        .position(|w| ["er", "blir", "vert", "is", "will"].contains(w));
    let role = verb_at.is_some_and(|v| {
        (1..=5).contains(&v)
            && (words[..v]
                .iter()
                .take(3)
                .any(|w| ROLES.iter().any(|r| w.contains(r)))
                || ["den", "the"].contains(&words[0]) && ORDINALS.contains(&words[1])
                // "De to fra SD blir Eirik Haugland og Linn Strand", "Begge blir …": the ones
                // counted before.
                || ["blir", "vert", "will"].contains(&words[v])
                    && (["de", "dei", "the"].contains(&words[0])
                        && words
                            .get(1)
                            .is_some_and(|w| crate::understand::lexicon::number_word(w).is_some_and(|n| n > 1))
                        || ["begge", "both"].contains(&words[0])))
    });
    opens || role
}

/// "sammen med generalsekretæren vår", "together with our director": one more who comes, by a
/// role in the definite form.
fn with_a_role(lower: &str) -> bool {
    ["sammen med ", "saman med ", "together with "].iter().any(|w| {
        lower.match_indices(w).any(|(at, _)| {
            let mut rest = lower[at + w.len()..].split_whitespace();
            let first = rest
                .next()
                .unwrap_or("")
                .trim_matches(|c: char| !c.is_alphanumeric());
            let second = rest
                .next()
                .unwrap_or("")
                .trim_matches(|c: char| !c.is_alphanumeric());
            let definite = first.chars().count() >= 6 && (first.ends_with("en") || first.ends_with("a"));
            let english = matches!(first, "our" | "my") && second.chars().count() >= 4;
            // "sammen med førerhunden min", "together with my guide dog": no one more.
            const NO_PERSON: &[&str] = &[
                "hund",
                "bikkj",
                "katt",
                "dog",
                "rullestol",
                "wheelchair",
                "innspill",
                "rapport",
                "notat",
                "dokument",
                "presentasjon",
                "forslag",
                "materiell",
                "utstyr",
            ];
            let thing = [first, second]
                .iter()
                .any(|w| NO_PERSON.iter().any(|t| w.contains(t)));
            !thing
                && ((definite && !["andre", "resten", "ledelsen", "gruppa", "gruppen"].contains(&first))
                    || english)
        })
    })
}

/// Where the verb stands in "sende Oda Rønning", "send our adviser Per Lie": a verb of sending
/// with a person named within three words after it (a title between).
fn sent_person_at(text: &str, start: usize, ms: &[Mention]) -> Option<usize> {
    const SEND: &[&str] = &["sende", "sender", "senda", "sendar", "send", "sending"];
    let words = people::words(text);
    words.iter().enumerate().find_map(|(i, w)| {
        if !SEND.contains(&w.text.to_lowercase().as_str()) {
            return None;
        }
        let within = words.get(i + 4).map_or(text.len(), |x| x.start);
        // "sender agendaen til Kari Holm": a preposition before the name makes her the receiver.
        let receiver = words[i + 1..(i + 4).min(words.len())].iter().any(|x| {
            ["til", "to", "for", "med", "with", "på", "om", "about"].contains(&x.text.to_lowercase().as_str())
        });
        if receiver {
            return None;
        }
        ms.iter()
            .any(|m| {
                matches!(&m.who, Who::Person(p) if p.name.contains(' ') && !people::looks_like_org(&p.name))
                    && m.start >= start + w.end
                    && m.start < start + within
            })
            .then_some(w.start)
    })
}

/// Whether a clause corrects an address: "adressa til X skal vere …", "riktig e-post til X er
/// …", "X's address should be …".
fn readdresses(lower: &str) -> bool {
    let address = [
        "adresse", "adressa", "address", "e-post", "epost", "e-mail", "email",
    ]
    .iter()
    .any(|w| lower.contains(w));
    let fixed = [
        "skal være",
        "skal vere",
        "skal vera",
        "er feil",
        "var feil",
        "vart feil",
        "ble feil",
        "riktig",
        "rett adresse",
        "rett e-post",
        "korrekt",
        "should be",
        "is wrong",
        "was wrong",
        "correct address",
        "correct e-mail",
        "correct email",
        "rettelse",
        "retting",
        "feil i",
        // Given where it was missing: "Adressene til Ingrid og Petter er …".
        "adressen til",
        "adressene til",
        "adressa til",
        "adressene er",
        "adressene deres",
        "e-posten til",
        "e-postadressen til",
        "e-postadressene til",
        "address of",
        "addresses of",
        "addresses are",
        "e-mail of",
        "email of",
    ]
    .iter()
    .any(|w| lower.contains(w));
    address && fixed && lower.contains('@')
}

/// Where a condition that follows its main clause begins: ", dersom …", ", hvis …", ", if …".
fn condition_after(lower: &str) -> Option<usize> {
    [
        ", dersom ",
        ", hvis ",
        ", viss ",
        ", om ",
        ", forutsatt ",
        ", såfremt ",
        ", så lenge ",
        ", if ",
        ", provided ",
        ", as long as ",
        ", unless ",
    ]
    .iter()
    .filter_map(|c| lower.find(c))
    .min()
}

/// Taken up: "opptatt", "busy".
const BUSY: &[&str] = &["opptatt", "oppteken", "opptekne", "opptatte", "busy"];
/// The whole time of the meeting: "hele uka", "all day".
const WHOLE_TIME: &[&str] = &[
    "hele uka",
    "hele uken",
    "hele den uka",
    "hele den uken",
    "heile veka",
    "den dagen",
    "hele dagen",
    "all week",
    "the whole week",
    "that week",
    "that day",
    "all day",
];
/// At a meeting that is not this one: "et annet møte", "another meeting".
const ANOTHER_MEETING: &[&str] = &[
    "et annet møte",
    "eit anna møte",
    "et hastemøte",
    "eit hastemøte",
    "et annet prosjekt",
    "another meeting",
    "a different meeting",
    "an urgent meeting",
    "a meeting elsewhere",
];
/// Words of having the chance ("har anledning", "får mulighet").
const OCCASION: &[&str] = &["anledning", "mulighet", "høve", "moglegheit", "mogelegheit"];

/// Whether a clause says someone is taken up that day: "opptatt", "oppteken", "busy", as a state
/// ("er/blir/var opptatt"), not an interest ("opptatt av", "busy with the report").
fn is_busy(lower: &str) -> bool {
    let words = plain_words(lower);
    // "…, but I am in Brussels all week", "men hun er i Genève hele den uka": somewhere else for
    // the whole time, said against a wish to come.
    let elsewhere = (lower.starts_with("men ") || lower.starts_with("but "))
        && words.windows(2).any(|w| {
            ["er", "blir", "is", "am", "are", "m", "be"].contains(&w[0])
                && ["i", "in", "på", "at"].contains(&w[1])
        })
        && WHOLE_TIME.iter().any(|p| lower.contains(p));
    // "må være til stede på et hastemøte i et annet prosjekt", "have to attend another
    // meeting": at a meeting that is not this one.
    let another_meeting = ANOTHER_MEETING.iter().any(|p| lower.contains(p));
    // The verb may stand before the subject: "Dessverre er Marit opptatt".
    elsewhere
        || another_meeting
        || (0..words.len()).any(|i| {
            BUSY.contains(&words[i])
                && words[i.saturating_sub(3)..i]
                    .iter()
                    .any(|w| ["er", "blir", "var", "is", "am", "are", "m", "be"].contains(w))
                && !words.get(i + 1).is_some_and(|n| ["av", "of"].contains(n))
        })
}

/// Where a concession that follows its main clause begins: ", selv om …", ", even though …".
fn concession_after(lower: &str) -> Option<usize> {
    if !lower.contains(", ") {
        return None;
    }
    [
        ", selv om ",
        ", sjølv om ",
        ", even though ",
        ", even if ",
        ", although ",
        ", though ",
    ]
    .iter()
    .filter_map(|c| lower.find(c))
    .min()
}

/// "du får påmelding innen fristen", "you will get our registration on Monday": the reader
/// is promised the answer; nothing is given yet (a colon after it gives it now: "Du får
/// påmeldingen her: …").
fn promised_to_reader(lower: &str) -> bool {
    if lower.contains(':') {
        return false;
    }
    let words = plain_words(lower);
    words.windows(3).any(|w| {
        ["du", "dere", "dykk", "you"].contains(&w[0])
            && (w[1] == "får"
                || (["skal", "vil", "will", "shall"].contains(&w[1])
                    && ["få", "get", "receive", "have"].contains(&w[2])))
    })
}

/// Where "hvem fra avdelingen som blir med" begins: "hvem"/"kven" and its "som" a few words
/// later ask who comes, as "hvem som" does ([`NOT_COMING`]).
fn indirect_question(lower: &str) -> Option<usize> {
    let mut words = lower
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - lower.as_ptr() as usize, w))
        .peekable();
    while let Some((at, w)) = words.next() {
        if (w == "hvem" || w == "kven")
            && words
                .clone()
                .take(6)
                .any(|(_, x)| x.trim_matches(|c: char| !c.is_alphanumeric()) == "som")
        {
            // "Da er det klart hvem som kommer: Tiril og jeg": answered after the colon, no
            // question.
            if answered_after_colon(&lower[at..]) {
                return None;
            }
            return Some(at);
        }
    }
    None
}

/// Whether a question of who comes is answered after a colon by the people themselves: an
/// address, or the sender beside another ("hvem som kommer: Tiril Hauge (tiril.hauge@…) og
/// jeg"), not a sentence about it ("hvem som kommer: det avklarer vi i morgen").
fn answered_after_colon(lower: &str) -> bool {
    let Some((_, after)) = lower.split_once(": ") else {
        return false;
    };
    let words = plain_words(after);
    let me = |w: &&str| ["jeg", "meg", "eg", "i", "me", "myself"].contains(w);
    after.contains('@')
        || words.windows(2).any(|p| {
            (["og", "and"].contains(&p[0]) && me(&p[1])) || (me(&p[0]) && ["og", "and"].contains(&p[1]))
        })
}

/// Whether every word of reservation in `lower` is negated: "ikke lenger foreløpig", "not
/// tentative any more", "no longer provisional".
fn tentative_denied(lower: &str) -> bool {
    const BETWEEN: &[&str] = &["lenger", "lengre", "longer", "altså", "da", "så"];
    let words = plain_words(lower);
    let mut any = false;
    for (i, w) in words.iter().enumerate() {
        if !TENTATIVE.contains(w) {
            continue;
        }
        any = true;
        let before = words[..i].iter().rev().find(|b| !BETWEEN.contains(b));
        if !before.is_some_and(|b| ["ikke", "ikkje", "not", "no", "never", "aldri"].contains(b)) {
            return false;
        }
    }
    any
}

/// "melder seg på selv", "registers herself": a third person who will register on their own.
fn registers_themselves(lower: &str) -> bool {
    const SELF: &[&str] = &[
        "selv",
        "sjølv",
        "herself",
        "himself",
        "themselves",
        "separat",
        "separately",
        "direkte",
        "directly",
        "egen",
        "eiga",
        "own",
    ];
    const THIRD: &[&str] = &["seg", "herself", "himself", "themselves", "she", "he", "they"];
    let words = plain_words(lower);
    words.iter().any(|w| SELF.contains(w)) && words.iter().any(|w| THIRD.contains(w))
}

/// "Vi blir tre", "vi vert tre", "vi ble bare to": with a count, a registration.
const BECOME: &[&str] = &["blir", "blei", "vert", "vi ble", "ble vi", "vi vart", "vart vi"];

/// Phrases whose negation word negates nothing of coming: "ikke minst", "not only", "ikke
/// noe problem" ("Eg kjem sjølv, ikkje minst fordi …", "Det er ikke noe problem å stille").
const UNNEGATING: &[&str] = &[
    "ikke minst",
    "ikkje minst",
    "ikke bare",
    "ikkje bare",
    "ikkje berre",
    "not least",
    "not only",
    "om ikke annet",
    "om ikkje anna",
    "ikke noe problem",
    "ikkje noko problem",
    "ikke noe i veien",
    "ingen problem",
    "no problem",
    "not a problem",
];
static UNNEGATINGS: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::phrases(UNNEGATING));

/// A reservation said with a negation: "kan ikke love noe", "cannot promise it", "ikke sikkert":
/// coming with a reservation, not a no.
const NEGATED_CERTAINTY: &[&str] = &[
    "kan ikke love",
    "kan ikkje love",
    "kan ikke garantere",
    "kan ikkje garantere",
    "ikke helt sikkert",
    "ikkje heilt sikkert",
    "ikke sikkert",
    "ikkje sikkert",
    "cannot promise",
    "can't promise",
    "can not promise",
    "cannot guarantee",
    "can't guarantee",
    "not certain",
    "no guarantee",
];
static NEGATED_CERTAINTIES: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::phrases(NEGATED_CERTAINTY));

/// `lower` with the subject taken out of a phrase of coming it stands inside ("da blir jeg
/// med" is "da blir med", "er eg òg med" is "er òg med"); `None` when no phrase has one.
fn uninverted(lower: &str) -> Option<String> {
    const VERBS: &[&str] = &["er", "blir", "vert", "blei", "ble", "være", "vere"];
    const SUBJECTS: &[&str] = &[
        "jeg", "eg", "vi", "me", "du", "dere", "de", "dei", "han", "hun", "ho", "begge", "alle",
    ];
    if !lower.contains(" med") {
        return None;
    }
    let words: Vec<&str> = lower.split(' ').collect();
    let bare = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let mut drop = Vec::new();
    for i in 0..words.len().saturating_sub(2) {
        if VERBS.contains(&words[i]) && SUBJECTS.contains(&words[i + 1]) {
            let next = (i + 2..(i + 4).min(words.len()))
                .find(|&j| !is_light_adverb(words[j]) || bare(words[j]) == "med");
            if next.is_some_and(|j| bare(words[j]) == "med") {
                drop.push(i + 1);
            }
        }
    }
    if drop.is_empty() {
        return None;
    }
    Some(
        words
            .iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, w)| *w)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// Whether `lower` says something once the words standing inside its phrases are taken out
/// ("Da er vi med", "Eg er òg med").
fn split_phrase_says(lower: &str) -> bool {
    let straight = uninverted(lower);
    let text = straight.as_deref().unwrap_or(lower);
    SAYS.words_in(&without_light_adverbs(text)) != 0
}

/// "Jostein tar oppfølgingsmøtet", "Kaja og undertegnede tek møtet", "she will take the
/// meeting": the one who takes a meeting goes to it.
fn takes_the_meeting(lower: &str) -> bool {
    let words = plain_words(lower);
    // "tar møtet opp med ledelsen" raises it.
    (0..words.len().saturating_sub(1)).any(|i| {
        ["tar", "tek", "take", "takes"].contains(&words[i])
            && (words[i + 1].ends_with("møtet")
                || words[i + 1].ends_with("møta")
                || words[i + 1] == "meeting")
            && words.get(i + 2).is_none_or(|n| !["opp", "up"].contains(n))
    }) || words
        .windows(3)
        .any(|w| ["take", "takes"].contains(&w[0]) && w[1] == "the" && w[2] == "meeting")
}

/// "vi melder på ila mandag", "we will register tomorrow": the verb of enrolling, then when the
/// enrolling will be done (not a meeting's day: "melder på til torsdag" is for Thursday).
fn enrols_later(lower: &str) -> bool {
    const WHEN: &[&str] = &[
        "i morgen",
        "i morgon",
        "imorgen",
        "imorgon",
        "ila",
        "i løpet av",
        "senere",
        "seinare",
        "etter hvert",
        "etterkvart",
        "neste uke",
        "neste veke",
        "over helga",
        "over helgen",
        "på mandag",
        "på tirsdag",
        "på onsdag",
        "på fredag",
        "på måndag",
        "på tysdag",
        "tomorrow",
        "later",
        "next week",
        "on monday",
        "on tuesday",
        "on wednesday",
        "on friday",
        "shortly",
    ];
    ENROLS.occurrences(lower).into_iter().any(|(at, pattern)| {
        let end = at + ENROL[pattern].len();
        let rest = lower[end..].trim_start();
        let rest = rest
            .split_once(' ')
            .filter(|(w, _)| is_light_adverb(w) || *w == "bare")
            .map_or(rest, |(_, r)| r);
        // The time ends the statement ("…, må bare sjekke", "og", "når …"); "melder på fredag:
        // Kari Holm" and "melder på senere møter" name who and what.
        const GOES_ON: &[&str] = &["og", "så", "når", "da", "fordi", "and", "when", "once", "as"];
        WHEN.iter().any(|w| {
            let Some(after) = rest.strip_prefix(w) else {
                return false;
            };
            if after.chars().next().is_some_and(char::is_alphanumeric) {
                return false;
            }
            // "ila mandag", "i løpet av dagen": the time's own word first.
            let after = after.trim_start();
            let after = if ["ila", "i løpet av"].contains(w) {
                let (word, rest) = after.split_once(' ').unwrap_or((after, ""));
                if word.ends_with([',', '.', '!', ';']) {
                    return true;
                }
                rest
            } else {
                after
            };
            match after.chars().next() {
                None => true,
                Some(c) if c.is_alphanumeric() => {
                    plain_words(after).first().is_some_and(|x| GOES_ON.contains(x))
                }
                Some(c) => [',', '.', '!', ';', '–', '-'].contains(&c),
            }
        })
    })
}

/// The verbs of asking someone to come ("har bedt Marte om å møte").
const ASKS: &[&str] = &["bedt", "bede", "spurt", "asked"];
/// The words [`brings_someone`] needs one of.
const BRINGS: &[&str] = &[" med meg", " med seg", " med oss", "bring", "take"];

/// Words and phrases besides [`SAYS`] that can make a clause say something (see [`may_say`]):
/// contractions and negations written into a word, reservations said with a negation, being
/// taken up, having the chance, asking someone to come, bringing someone, enrolling, taking a
/// meeting, what an answer waits for, likelihood, and the English verb that is a Norwegian noun.
static SAID_CUES: LazyLock<Lexicon> = LazyLock::new(|| {
    Lexicon::new(&[
        &[
            "n't", "'ll ", "’ll ", "cannot", "meld", "møtet", "møta", "meeting", "bring", "take",
        ],
        &[
            " med meg", " med seg", " med oss", "bedt", "bede", "spurt", "asked",
        ],
        NEGATED_CERTAINTY,
        BUSY,
        WHOLE_TIME,
        ANOTHER_MEETING,
        OCCASION,
        DEFERRED,
        LIKELIHOOD_ADVERBS,
        ENGLISH_VERBS_NORWEGIAN_NOUNS,
    ])
});

/// Whether [`said`] can find anything in `lower`: a word of [`SAYS`] or [`SAID_CUES`], a phrase
/// that the words inside it hide ("Da er vi med"), a verb before its subject and a comma (an "if"
/// without the word), or "you" beside a verb of getting (a promise to the reader). Every rewrite
/// `said` makes of a clause only takes words out, save the ones these cues start, so a clause
/// with none of them says nothing (most clauses of mail that is not about the meetings).
fn may_say(lower: &str) -> bool {
    if SAYS.words_in(lower) != 0 || SAID_CUES.any_substring(lower) {
        return true;
    }
    let light = |w: &&str| is_light_adverb(w);
    let words = plain_words(lower);
    // The rewrites take words out ("er fortsatt lokalet ledig, …" loses "fortsatt"): a verb
    // anywhere before a subject may become the opening of an "if".
    let verb = words.iter().position(|w| CONDITION_VERBS.contains(w));
    let subject = words.iter().rposition(|w| CONDITION_SUBJECTS.contains(w));
    ((lower.contains(" med") || words.iter().any(light)) && split_phrase_says(lower))
        || (lower.contains(", ") && verb.zip(subject).is_some_and(|(v, s)| v < s))
        || (words.iter().any(|w| ["du", "dere", "dykk", "you"].contains(w))
            && words
                .iter()
                .any(|w| ["får", "skal", "vil", "will", "shall"].contains(w)))
}

/// What one lower-case clause says: coming, declining, answering later, replacing, a
/// condition, a reservation, a contact, a negation. A clause [`may_say`] passes over says nothing.
fn said(lower: &str) -> Said {
    if !may_say(lower) {
        return Said::default();
    }
    // "I'll be there", "we’ll attend": the verb written out.
    let expanded;
    let lower = if lower.contains("'ll ") || lower.contains("’ll ") {
        expanded = lower.replace("'ll ", " will ").replace("’ll ", " will ");
        expanded.as_str()
    } else {
        lower
    };
    // "ikke minst", "not only": an idiom, no negation.
    let idiom;
    let lower = if (lower.contains("ikk") || lower.contains("not") || lower.contains("problem"))
        && UNNEGATINGS.any_substring(lower)
    {
        idiom = UNNEGATINGS.blank_out(lower);
        idiom.as_str()
    } else {
        lower
    };
    // "…, men kan ikke love noe": a reservation.
    let uncertain;
    let lower = if (lower.contains("ikke")
        || lower.contains("ikkje")
        || lower.contains("not")
        || lower.contains("n't")
        || lower.contains("no "))
        && NEGATED_CERTAINTIES.any_substring(lower)
    {
        uncertain = NEGATED_CERTAINTIES.replace_all(lower, " forbehold ");
        uncertain.as_str()
    } else {
        lower
    };
    // "det er med forbehold", "med atterhald": a reservation, not "er med" (coming).
    let reserved;
    let lower = if lower.contains("med forbehold") || lower.contains("med atterhald") {
        reserved = lower
            .replace("med forbehold", "forbehold")
            .replace("med atterhald", "atterhald");
        reserved.as_str()
    } else {
        lower
    };
    // "Da blir jeg med", "er vi med": the subject after the verb stands between the words of
    // the phrase.
    let straight;
    let lower = match uninverted(lower) {
        Some(s) => {
            straight = s;
            straight.as_str()
        }
        None => lower,
    };
    // "blir også med", "kommer likevel", "will also attend": the adverb between the words of
    // a phrase changes nothing of what it says.
    let plain;
    let likely = any_word(lower, LIKELIHOOD_ADVERBS);
    let lower =
        if any_word(lower, NORWEGIAN_LIGHT_ADVERBS) || any_word(lower, ENGLISH_LIGHT_ADVERBS) || likely {
            plain = without_light_adverbs(lower);
            plain.as_str()
        } else {
            lower
        };
    // "e-posten ser ikkje ut til å ha kome fram": a message arriving, not a person coming.
    let arrived;
    let lower = if (lower.contains("fram") || lower.contains("frem") || lower.contains("through"))
        && ARRIVALS.any_substring(lower)
    {
        arrived = ARRIVALS.blank_out(lower);
        arrived.as_str()
    } else {
        lower
    };
    // "Vi ber om at dette blir med i arbeidet", "hvordan folk møter forvaltningen", "Vi kommer
    // gjerne med innspill": a thing included, people met, a thing brought; no one coming.
    let unmoved;
    let lower = if lower.contains(" med") || lower.contains("møter ") || lower.contains("to follow ") {
        match blank_words(
            lower,
            &[thing_included, meets_someone, brings_a_thing, follows_a_thing],
        ) {
            Some(s) => {
                unmoved = s;
                unmoved.as_str()
            }
            None => lower,
        }
    } else {
        lower
    };
    // "Vi følger med på høringen når oppsummeringen kommer": a thing that comes, in a clause of
    // time, is no one coming.
    let timed;
    let lower = match (lower.contains("når ") || lower.contains("when "))
        .then(|| thing_that_comes(lower))
        .flatten()
    {
        Some(s) => {
            timed = s;
            timed.as_str()
        }
        None => lower,
    };
    // "et offentlig register over algoritmer": an English verb that is a Norwegian noun says
    // nothing in a Norwegian clause.
    let nouns;
    let lower = if ENGLISH_VERBS_NORWEGIAN_NOUNS.iter().any(|w| has_word(lower, w))
        && super::language(lower) == super::Lang::Nb
    {
        nouns = lower
            .split(' ')
            .filter(|w| {
                !ENGLISH_VERBS_NORWEGIAN_NOUNS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric()))
            })
            .collect::<Vec<_>>()
            .join(" ");
        nouns.as_str()
    } else {
        lower
    };
    // "…, selv om vi ikke deltar på alle møtene": what is conceded after the main clause is no
    // answer of its own.
    let lower = match concession_after(lower) {
        Some(at) => &lower[..at],
        None => lower,
    };
    let deferred = DEFERS.any_substring(lower) || enrols_later(lower);
    let later = SAYS.words_in(lower) & S_LATER != 0 || deferred || promised_to_reader(lower);
    let blanked;
    let lower = if later {
        blanked = LATER_PHRASES.blank_out(lower);
        blanked.as_str()
    } else {
        lower
    };
    // "ser på hvem som kan stille", "whether we can attend": an open question about who comes;
    // what follows it says no one comes.
    // Unless it is answered after a colon: "Da er det klart hvem som kommer: Tiril og jeg".
    let lower = match NOT_COMING_PHRASES.first_at_word(lower) {
        Some(at) if !answered_after_colon(&lower[at..]) => &lower[..at],
        _ => lower,
    };
    let lower = if lower.contains("hvem ") || lower.contains("kven ") {
        &lower[..indirect_question(lower).unwrap_or(lower.len())]
    } else {
        lower
    };
    let bits = SAYS.words_in(lower) | if later { S_LATER } else { 0 } | if likely { S_TENTATIVE } else { 0 };
    // "Påmeldinga er ikke lenger foreløpig": the negation takes back the reservation, and is
    // no negation of coming.
    let denied = bits & S_TENTATIVE != 0 && tentative_denied(lower);
    // "… stiller gjerne med Johanne, dersom møtet er åpent for dem som ikke sto på lista": a
    // negation inside the condition after the main clause does not negate the main clause.
    let main = if lower.contains(", ") {
        &lower[..condition_after(lower).unwrap_or(lower.len())]
    } else {
        lower
    };
    let negated = (SAYS.words_in(main) & S_NEGATION != 0 || main.contains("n't")) && !denied;
    // "hun er opptatt 23. juni", "I'm busy that day": taken up elsewhere ("opptatt av
    // åpenhet" is interest, "ikke opptatt" free).
    let busy = !negated && is_busy(main);
    // "har anledning" with words between ("har jeg dessverre ikke anledning").
    let can = any_word(lower, &["har", "hadde", "får", "fikk"]) && any_word(lower, OCCASION);
    // "Nina kan dessverre ikke på torsdag": a modal with its negation and no verb of its own.
    let cannot = (lower.contains("kan") || lower.contains("can"))
        && (bits & S_NEGATION != 0 || lower.contains("can"))
        && cannot_on_the_day(lower);
    let asked = asked_to_come(lower).is_some();
    let come = bits & (S_COME | S_ENROL) != 0
        || cannot
        || asked
        || brings_someone(lower)
        || (bits & S_COME_NOUN != 0 && !later)
        || can
        || enrol_themselves(lower)
        || (lower.contains("møt") && takes_the_meeting(lower))
        || (lower.contains("meeting") && takes_the_meeting(lower));
    // "Please let us know if you need anything else", "gi beskjed om du trenger noe": a
    // condition on the reader's wishes is an offer, no condition on coming.
    let conditional = (bits & S_CONDITION != 0 && !offer_to_the_reader(lower)) || inverted_condition(lower);
    Said {
        positive: come && !negated && bits & S_DECLINE == 0 && !deferred,
        negative: bits & S_DECLINE != 0 || busy || (come && negated),
        // "Vi kommer tilbake med navn på kontaktperson": a promise of a name, not of an answer.
        later: deferred || (bits & S_LATER != 0 && (bits & S_CONTACT == 0 || bits & S_COME_NOUN != 0)),
        replace: bits & S_REPLACE != 0,
        enrol: bits & S_ENROL != 0 || asked,
        conditional,
        tentative: (bits & S_TENTATIVE != 0 && !denied)
            || (conditional && OWN_CONDITIONS.words_in(lower) != 0)
            || (bits & S_DECLINE != 0 && hedged_obstacle(lower)),
        contact: bits & S_CONTACT != 0,
        negated,
        deferred,
    }
}

/// "Jeg har bedt Marte Sunde og Olav Kvam om å møte for departementet", "I have asked Per to
/// attend": the writer sends others; where the asking verb stands (the writer before it is
/// not one of those asked).
fn asked_to_come(lower: &str) -> Option<usize> {
    const TO_COME: &[&str] = &[
        "om å møte",
        "om å delta",
        "om å stille",
        "om å komme",
        "om å representere",
        "om å møta",
        "om å vere med",
        "om å være med",
        "to attend",
        "to join",
        "to represent",
        "to come",
        "to take part",
    ];
    let at = ASKS.iter().filter_map(|w| lower.find(w)).min()?;
    let ask_is_a_word = lower[..at].chars().last().is_none_or(|c| !c.is_alphanumeric());
    (ask_is_a_word && TO_COME.iter().any(|t| lower[at..].contains(t))).then_some(at)
}

/// "men har en mulig kollisjon med en høring", "a possible clash": an obstacle that may be.
/// "Har en kollisjon med et internt møte som jeg forsøker å flytte", "I'm waiting to hear back
/// about a clash": an obstacle the writer is moving, or waiting to hear about, may be gone by the
/// day. Trying to do something else ("prøver å få en kollega til å stille", "håper å få delta
/// neste gang") moves nothing, and a no said outright ("melder forfall") stays a no.
fn hedged_obstacle(lower: &str) -> bool {
    const HEDGES: &[&str] = &["mulig", "mogleg", "eventuell", "possible", "potential", "likely"];
    const OBSTACLES: &[&str] = &["kollisjon", "konflikt", "dobbeltbooking", "clash", "conflict"];
    const TRYING: &[&str] = &[
        "forsøker å",
        "forsøkjer å",
        "prøver å",
        "prøvar å",
        "freistar å",
        "håper å",
        "trying to",
        "try to",
        "hoping to",
    ];
    const MOVING: &[&str] = &[
        "flytte",
        "flytta",
        "flyttet",
        "endre",
        "løse",
        "løyse",
        "move",
        "reschedule",
        "resolve",
        "shift",
    ];
    const WAITING: &[&str] = &["waiting to hear", "venter på svar", "ventar på svar"];
    const OUTRIGHT: &[&str] = &[
        "forfall", "avbud", "avmelde", "avmelder", "trekke", "trekker", "cannot", "unable",
    ];
    let words = plain_words(lower);
    let obstacle = |w: &str| OBSTACLES.iter().any(|o| w.starts_with(o));
    if words.windows(2).any(|w| HEDGES.contains(&w[0]) && obstacle(w[1])) {
        return true;
    }
    if words.iter().any(|w| OUTRIGHT.contains(w)) || lower.contains("n't") || lower.contains("kan ikk") {
        return false;
    }
    // The verb of moving right after the trying, "få" or "get" between ("håper å få flyttet").
    let moves = TRYING.iter().any(|t| {
        lower.match_indices(t).any(|(at, _)| {
            let mut after = lower[at + t.len()..].split_whitespace();
            let first = after.next().unwrap_or("");
            let verb = if ["få", "get"].contains(&first) {
                after.next().unwrap_or("")
            } else {
                first
            };
            MOVING.contains(&verb.trim_matches(|c: char| !c.is_alphanumeric()))
        })
    });
    // What is waited for is the clash: named after the waiting.
    let waits = WAITING.iter().any(|w| {
        lower
            .find(w)
            .is_some_and(|at| plain_words(&lower[at..]).iter().any(|w| obstacle(w)))
    });
    words.iter().any(|w| obstacle(w)) && (moves || waits)
}

/// "Jeg tar med meg rådgiver Jostein Vik", "Hun tar med seg en kollega": bringing a person is
/// coming with them ("tar med meg innspillene" brings a thing, and says nothing of coming).
fn brings_someone(lower: &str) -> bool {
    const TAKES: &[&str] = &["tar", "tek", "take", "takes", "bring", "brings", "bringing"];
    const ALONG: &[&str] = &["med", "with", "along"];
    const WHOM: &[&str] = &["meg", "seg", "oss", "me", "us", "along"];
    const ONE: &[&str] = &[
        "en", "ei", "et", "a", "one", "to", "two", "min", "mi", "my", "vår", "our",
    ];
    if !BRINGS.iter().any(|w| lower.contains(w)) {
        return false;
    }
    let words = plain_words(lower);
    (0..words.len()).any(|i| {
        if !TAKES.contains(&words[i]) {
            return false;
        }
        let mut k = i + 1;
        if words.get(k).is_some_and(|w| ALONG.contains(w)) {
            k += 1;
        }
        if !words.get(k).is_some_and(|w| WHOM.contains(w)) {
            return false;
        }
        k += 1;
        if words.get(k).is_some_and(|w| ONE.contains(w)) {
            k += 1;
        }
        words.get(k).is_some_and(|w| {
            people::TITLES.contains(w)
                || ["kollega", "kollegaer", "kolleger", "colleague", "colleagues"].contains(w)
        })
    })
}

/// What the message says of one meeting.
#[derive(Debug, Default)]
struct Acc {
    positive: bool,
    /// "Den tredje fikk forfall": the clauses where one not named does not come (the count
    /// the message gives says how many are left; without one a person decides).
    someone_away: Vec<String>,
    negative_org: bool,
    /// "adressa til Tor Haugland skal vere tor.haugland@brreg.no": people with a new address.
    readdressed: Vec<Attendee>,
    /// "NFD stiller ikkje sjølve": the organisation itself does not come; a no only if no one
    /// comes for it ("…, men Brønnøysundregistera møter for departementet").
    negative_self: bool,
    later: bool,
    /// The registration itself waits for something ("Vi melder på når vi vet det").
    deferred: bool,
    tentative: bool,
    attendees: Vec<Attendee>,
    withdrawn: Vec<Attendee>,
    someone: u32,
    count: Option<u32>,
    evidence: Vec<Evidence>,
}

/// The byte span of the line `at` stands on.
fn line_around(body: &str, at: usize) -> (usize, usize) {
    let start = body[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = body[at..].find('\n').map_or(body.len(), |i| at + i);
    (start, end.max(start))
}

/// The column of a table's header row that says who takes part ("Deltar", "Påmeldt",
/// "Attending").
fn participation_column(cells: &[&str]) -> Option<usize> {
    const HEADS: &[&str] = &[
        "deltar",
        "deltakelse",
        "deltaking",
        "deltek",
        "kommer",
        "kjem",
        "påmeldt",
        "påmelding",
        "attending",
        "attends",
        "attendance",
        "participating",
        "participates",
        "participation",
        "rsvp",
        "stiller",
    ];
    cells.iter().position(|c| {
        let c = c.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        HEADS.contains(&c.as_str())
    })
}

/// What a row's cell in the column of taking part says: yes, no, or something for a person.
fn row_answer(cell: &str) -> Option<bool> {
    let first = cell
        .split(|c: char| !c.is_alphanumeric() && c != '✓' && c != '✔')
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    match first.as_str() {
        "ja" | "yes" | "x" | "✓" | "✔" | "deltar" | "kommer" | "kjem" | "påmeldt" => Some(true),
        "nei" | "no" | "ikke" | "ikkje" | "not" => Some(false),
        _ => None,
    }
}

/// Reads the facts of a reply.
pub fn read(input: &Input<'_>, ctx: &Context) -> Facts {
    let mut facts = Facts::default();
    // Lines the mail client wrapped are read as the sentences they are; offsets stay the same.
    let unwrapped = super::clauses::unwrapped(input.body);
    // "det blir meg og mathias lie … mathias.lie@jussbuss.no": a name written in lower case that
    // an address of the message spells is read with its capitals (same length, same offsets).
    let unwrapped = match people::capitalise_spelled_names(&unwrapped) {
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
        std::borrow::Cow::Borrowed(_) => unwrapped,
    };
    // "Da kjæm æ og Jon Erik": the dialects' "æ" is Nynorsk's "eg" (same length, same offsets).
    let unwrapped = dialect_pronouns(&unwrapped).map_or(unwrapped, std::borrow::Cow::Owned);
    let input = &Input {
        body: &unwrapped,
        ..*input
    };
    let body = input.body;
    let lower_body = body.to_lowercase();
    let aliases_here = aliases_in(&lower_body, ctx);
    let me_name = people::sender_name(input.sender, input.signature).map(|n| name_as_signed(body, n));
    let me = Attendee {
        email: own_address(input, me_name.as_deref()),
        name: me_name,
    };
    // A text with no word of coming, declining, answering later, replacing or appointing, no
    // colon, no question and no "blir" says nothing of the meetings: its clauses need no reading (most mail
    // that is not about the process, read at the speed of one pass).
    // The gate of each clause's reading, on the whole text: a text it passes over says nothing.
    let silent = !may_say(&lower_body)
        && !lower_body.contains([':', '?'])
        // "Telefonnummeret mitt er feil – riktig direktenummer er 22 24 92 71".
        && (!NUMBER_WORDS.iter().any(|w| lower_body.contains(w)) || phone::find_all(body).is_empty())
        && !any_word(&lower_body, BECOME)
        && !lower_body.contains("we will")
        && !lower_body.contains("we are")
        && !(lower_body.contains('@') && readdresses(&lower_body))
        // "vil gjerne sende Oda Rønning" ("sender" alone is in every bounce: "the sender").
        && !(lower_body.contains("sende ") || lower_body.contains("senda "));
    // The people the message names anywhere, looked up only when a clause names someone.
    let known_input = if silent {
        Input {
            body: "",
            quoted: "",
            ..*input
        }
    } else {
        *input
    };
    let known = LazyKnown {
        cell: OnceCell::new(),
        quoted_names: OnceCell::new(),
        input: &known_input,
        ctx,
        me: &me,
    };
    let all = if silent { Vec::new() } else { clauses(body) };
    let greeting_line = body
        .lines()
        .position(|l| !l.trim().is_empty())
        .filter(|&i| people::is_greeting(body.lines().nth(i).unwrap_or("")));
    // A greeting at the start of a line that goes on ("Hei Tom Arne, HOD stiller med …").
    let greeting_end = greeting_span(body);
    let signature_lines = trailing_name_lines(body, &me);
    facts.correction = CORRECTIONS.words_in(&lower_body) != 0;

    let mut per_event: Vec<(String, Acc)> = ctx
        .events
        .iter()
        .map(|e| (e.id.clone(), Acc::default()))
        .collect();
    if !per_event.iter().any(|(id, _)| *id == ctx.default_event) {
        per_event.push((ctx.default_event.clone(), Acc::default()));
    }
    // Meetings held before the message was written: what it says of them changes nothing.
    let past: Vec<String> = match input.today {
        Some(today) => ctx
            .events
            .iter()
            .filter(|e| !e.days.is_empty() && e.days.iter().all(|d| *d < today))
            .map(|e| e.id.clone())
            .collect(),
        None => Vec::new(),
    };
    let mut last_person: Option<Person> = None;
    // Clauses after the one `last_person` came from whose people were not yet looked up.
    let mut unread: Vec<usize> = Vec::new();
    // The people a clause names, as the reading takes them.
    let people_of = |clause: &Clause<'_>, listy: bool| {
        let mut ms = people::mentions(clause.text, clause.start, ctx, listy);
        ms.retain(|m| greeting_end.is_none_or(|end| m.start >= end));
        ms.retain(|m| !reports_a_promise(clause.text, m.start - clause.start, m.end - clause.start));
        drop_alternatives(&mut ms, clause.text, clause.start);
        resolve(&mut ms, &known);
        ms
    };
    let mut current: Vec<String> = vec![ctx.default_event.clone()];
    let mut current_paragraph = usize::MAX;
    // A list of people follows a clause that ends with ':' ("Deltakere:", "…: ").
    let mut list_for: Option<(Vec<String>, usize, usize)> = None;
    let mut verb_before: Option<Said> = None;
    let mut listy_at: Option<usize> = None;
    // A table whose column says who takes part: (the column, the meetings), and the row's line.
    let mut table: Option<(usize, Vec<String>)> = None;
    let mut table_line: Option<usize> = None;
    let mut org_before = false;
    // The clause that said it, for a clause with no verb right after it.
    let mut verb_at: Option<usize> = None;
    for (n, clause) in all.iter().enumerate() {
        if Some(clause.line) == greeting_line || signature_lines.contains(&clause.line) {
            continue;
        }
        let lower = clause.text.to_lowercase();
        if clause.paragraph != current_paragraph {
            current_paragraph = clause.paragraph;
        }
        let named = events_named_among(&lower, ctx, input.today, Some(&aliases_here));
        if !named.is_empty() {
            current = named.clone();
        }
        let targets: Vec<String> = if named.is_empty() {
            current.clone()
        } else {
            named.clone()
        }
        .into_iter()
        .filter(|e| !past.contains(e))
        .collect();
        // A table with a column that says who takes part ("Navn⇥…⇥Deltar", then "Eva
        // Thorsen⇥…⇥Ja"): each row is its person's answer, read whole.
        let (line_start, line_end) = line_around(body, clause.start);
        let line = &body[line_start..line_end];
        if line.matches('\t').count() >= 2 {
            if table_line == Some(clause.line) {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
            if let Some(col) = participation_column(&cells) {
                let events = list_for
                    .as_ref()
                    .map(|(e, _, _)| e.clone())
                    .filter(|e| !e.is_empty())
                    .unwrap_or_else(|| targets.clone());
                table = Some((col, events));
                table_line = Some(clause.line);
                continue;
            }
            if let Some((col, events)) = &table {
                table_line = Some(clause.line);
                let person = people::mentions(line, line_start, ctx, true)
                    .iter()
                    .filter(|m| matches!(m.who, Who::Person(_) | Who::Sender))
                    .find_map(|m| attendee_of(m, &me));
                let cell = cells.get(*col).copied().unwrap_or("");
                match (person, row_answer(cell)) {
                    (Some(p), Some(true)) => {
                        for (_, acc) in per_event.iter_mut().filter(|(id, _)| events.contains(id)) {
                            acc.positive = true;
                            acc.attendees.push(p.clone());
                            acc.evidence.push(evidence(body, line_start, line.len()));
                        }
                    }
                    (Some(p), Some(false)) => {
                        for (_, acc) in per_event.iter_mut().filter(|(id, _)| events.contains(id)) {
                            acc.withdrawn.push(p.clone());
                            acc.evidence.push(evidence(body, line_start, line.len()));
                        }
                    }
                    _ => facts
                        .doubts
                        .push(Text::quoting("en rad i tabellen", "a row of the table", line)),
                }
                list_for = None;
                continue;
            }
        } else if table.is_some() && line.trim().is_empty() {
            table = None;
        }
        let context = CONTEXT.words_in(&lower);
        if is_question(clause.text) {
            facts.questions.push(clause.text.trim().to_string());
            continue;
        }
        let mut s = said(&lower);
        let mut elliptic = false;
        // "…, men ikke på oppfølgingsmøtet", "but not Per": a turn with no verb of its own says the
        // verb before it again, with the polarity it gives.
        // "Vi kommer to – jeg og Ingvild": after a dash or colon, the people of the verb before.
        let apposition = body[..clause.start].trim_end().ends_with(['–', '-', ':'])
            && n > 0
            && all[n - 1].line == clause.line;
        // "…, ellers blir det nok ingen fra oss": the other side of a condition, no answer.
        let otherwise = [
            "ellers ",
            "elles ",
            "otherwise ",
            "or else ",
            "i motsatt fall",
            "hvis ikke",
        ]
        .iter()
        .any(|t| lower.starts_with(t));
        if otherwise {
            continue;
        }
        // A clause with a subject of its own has a verb of its own ("men vi har ikke landet hvem").
        let own_subject = context & C_SUBJECT != 0 || clause.text.split_whitespace().any(|w| w == "I");
        let own_verb = verb_after_the_joint(&lower);
        if !(s.positive || s.negative || s.later || own_verb)
            && (apposition || !own_subject)
            && let Some(before) = &verb_before
            && verb_at == n.checked_sub(1)
            && (apposition
                || ["men ", "but ", "og ", "and ", "ikke ", "ikkje ", "not "]
                    .iter()
                    .any(|t| lower.starts_with(t)))
        {
            let turned = lower.starts_with("men ") || lower.starts_with("but ");
            let was_yes = before.positive && !before.negative;
            s.positive = !s.negated && (turned || was_yes);
            s.negative = s.negated || (!turned && !was_yes);
            // "…, men med et lite forbehold": the turn's own reservation stands.
            s.tentative = before.tentative || s.tentative;
            elliptic = true;
        }
        // A list's line names people; a sentence under the list is not one of its lines.
        // The writer's name alone on the last line is the sign-off ("Kari Helene"), no list's line.
        let sign_off = n + 1 == all.len()
            && me.name.as_deref().is_some_and(|n| {
                let t = clause.text.trim().trim_end_matches(['.', ',']);
                !t.is_empty() && (n == t || n.starts_with(&format!("{t} ")))
            });
        // Its lines are the next few; "To av navnene har jeg allerede: Ingrid Solbakken og Petter
        // Myhre." goes on in the same line.
        // "Hilde Grønvold hadde gjerne kommet selv, men hun er i Genève": the rest of a line
        // that began as a sentence is no line of the list.
        let rest_of_a_sentence = n > 0
            && all[n - 1].line == clause.line
            && listy_at != Some(n - 1)
            && list_for.as_ref().is_none_or(|(_, _, at)| *at != n - 1);
        let listy = list_for.as_ref().is_some_and(|(_, line, at)| {
            clause.line > *line && clause.line <= *line + 3 || clause.line == *line && n == at + 1
        }) && !sign_off
            && !rest_of_a_sentence
            && !s.positive
            && !s.negative
            && !s.negated
            && (clause.text.contains('@')
                || clause.text.split_whitespace().count() <= 8
                // "• Kristine Lunde, rådgiver for barns rettigheter (det er meg)": an item's line.
                || (clause.text.trim_start().starts_with(['•', '-', '*', '–', '·', '▪'])
                    && clause.text.split_whitespace().count() <= 16))
            // "Selv har jeg dessverre ferie da.": a sentence of the writer's that names no one
            // else, not a line "og jeg" or "jeg, Anne Kvalheim og en fra avdelingen".
            && !(clause.text.split_whitespace().count() > 3
                && (plain_words(&lower).iter().any(|w| ["jeg", "eg"].contains(w))
                    || clause.text.split_whitespace().any(|w| w == "I"))
                && !clause
                    .text
                    .split_whitespace()
                    .skip(1)
                    .any(|w| w != "I" && w.chars().next().is_some_and(char::is_uppercase)));
        if listy {
            listy_at = Some(n);
        }
        // Who a clause names matters when it says something, heads or continues a list, or names
        // someone a later pronoun may mean (a capital inside it, an address): else it is skipped.
        let needs_people = s.positive
            || s.negative
            || s.later
            || s.replace
            || s.contact
            || listy
            || clause.text.contains([':', '@'])
            || context & C_BECOME != 0
            || lower.contains("we will")
            || lower.contains("we are")
            || clause.text.split_whitespace().any(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && !STARTERS.contains(
                        &w.trim_matches(|c: char| !c.is_alphanumeric())
                            .to_lowercase()
                            .as_str(),
                    )
            });
        // A clause that says nothing and has no other use for the people it names only names
        // the person a later pronoun may mean: its people are looked up when a pronoun asks.
        let quiet = || {
            !(s.positive || s.negative || s.later || s.replace || s.contact || s.negated || listy)
                && context & C_BACK == 0
                && !clause.text.contains([':', '@'])
                && !lower.contains("we")
                && !lower.contains("send")
                && !lower.contains("med ")
                && !lower.contains("bring")
                && !["ikke ", "ikkje ", "not "].iter().any(|t| lower.starts_with(t))
                && context & C_BECOME == 0
                && !names_who_comes(&lower)
        };
        let mut ms = if needs_people && quiet() {
            unread.push(n);
            Vec::new()
        } else if needs_people {
            people_of(clause, listy)
        } else {
            Vec::new()
        };
        // "i stedet for henne", "tar plassen hennes": the person named last before the pronoun,
        // other than the one who takes the place ("Ingrid er syk, så Henrik tar plassen hennes"),
        // else the last person of the clauses before.
        if context & C_BACK != 0 {
            // The person named last: in the latest clause not yet read for its people that
            // names one, else the one found before.
            while let Some(k) = unread.pop() {
                let found = people_of(&all[k], false)
                    .into_iter()
                    .rev()
                    .find_map(|m| match m.who {
                        Who::Person(p) => Some(p),
                        _ => None,
                    });
                if found.is_some() {
                    last_person = found;
                    unread.clear();
                }
            }
            let taker_from = REPLACES
                .first_substring(&lower)
                .map(|at| clause.start + part_start(&lower, at));
            let named_here: Vec<(usize, Person)> = ms
                .iter()
                .filter_map(|m| match &m.who {
                    Who::Person(p) => Some((m.start, p.clone())),
                    _ => None,
                })
                .collect();
            let mut back = Vec::new();
            for w in people::words(clause.text) {
                let lw = w.text.to_lowercase();
                // A possessive names someone only as the one whose place is taken ("plassen
                // hennes"), not as one who comes ("en høring i fanget hans").
                let possessive = ["hans", "hennes", "hennar", "his"].contains(&lw.as_str());
                if !BACK.contains(&lw.as_str()) || (possessive && !s.replace) {
                    continue;
                }
                let at = clause.start + w.start;
                let earlier = named_here
                    .iter()
                    .rev()
                    .find(|(start, _)| *start < at && taker_from.is_none_or(|t| *start < t))
                    .map(|(_, p)| p.clone());
                if let Some(p) = earlier.or_else(|| last_person.clone()) {
                    back.push(Mention {
                        who: Who::Person(p),
                        start: at,
                        end: clause.start + w.end,
                    });
                }
            }
            ms.extend(back);
            ms.sort_by_key(|m| m.start);
        }
        // "Det er Åsmund Vold, ikke Tarjei Bø, som kommer sammen med Siv": a cleft that puts one
        // person in the other's place.
        if let Some((new, old)) = cleft_replacement(&all, n, &lower, &ms, ctx, &me) {
            for (_, acc) in per_event.iter_mut().filter(|(id, _)| targets.contains(id)) {
                acc.positive = true;
                acc.attendees.extend(new.iter().cloned());
                acc.withdrawn.extend(old.iter().cloned());
                if !acc.evidence.iter().any(|e| e.start == all[n - 1].start) {
                    acc.evidence
                        .push(evidence(body, all[n - 1].start, all[n - 1].text.len()));
                }
                acc.evidence.push(evidence(body, clause.start, clause.text.len()));
            }
            continue;
        }
        // The organisation is the subject: named, or "vi"/"we" with no person beside it.
        // Looked at only for a clause that says yes or no.
        let org_said_before = org_before;
        let org_subject = |ms: &[Mention]| {
            let persons = ms.iter().any(|m| matches!(m.who, Who::Person(_) | Who::Sender));
            ms.iter().any(|m| m.who == Who::Organisation)
                || (!persons && any_word(&lower, &["vi", "we", "oss", "us"]))
                // "Norsk Journalistlag har ikke kapasitet …": an organisation's name as the subject.
                || (!persons && people::unvouched_name(clause.text).is_some_and(|n| people::looks_like_org(&n)))
                || (elliptic && !persons && org_said_before)
        };
        let mut we = None;
        let verb_at_before = verb_at;
        if s.positive || s.negative {
            verb_before = Some(s.clone());
            verb_at = Some(n);
            we = Some(org_subject(&ms));
            org_before = we == Some(true);
        }
        if let Some(p) = ms.iter().rev().find_map(|m| match &m.who {
            Who::Person(p) => Some(p.clone()),
            _ => None,
        }) {
            last_person = Some(p);
            unread.clear();
        }
        if targets.is_empty() {
            continue;
        }
        // A list line: the people on it come, as the clause before said.
        if listy && !s.contact {
            let people_here: Vec<Attendee> = ms.iter().filter_map(|m| attendee_of(m, &me)).collect();
            if !people_here.is_empty() {
                let (events, _, _) = list_for.clone().unwrap_or_default();
                for (id, acc) in per_event.iter_mut().filter(|(id, _)| events.contains(id)) {
                    let _ = id;
                    acc.positive = true;
                    acc.attendees.extend(people_here.iter().cloned());
                    acc.evidence.push(evidence(body, clause.start, clause.text.len()));
                }
                // The list goes on while its lines name people.
                list_for = Some((events, clause.line, n));
                continue;
            }
        }
        // "Vi blir tre", "Vi blir bare to: Andrea og meg": a count with "blir" is a registration.
        // "vi blir 2 stk, sender navn når …": the count stands, the names are to come.
        // "We will most likely be two people": the count stands, with its reservation.
        let likely = context & C_LIKELY != 0;
        // The verb first: most clauses have none, and finding a count is the dearer look.
        if !(s.positive || s.negative || s.negated)
            // A cheap prefilter ("we" is inside "answer" too): "we will be", "we are".
            && (context & C_BECOME != 0 || lower.contains("we"))
            && count::counted_after(
                &if likely {
                    without_light_adverbs(&lower)
                } else {
                    lower.clone()
                },
                &[BECOME, &["we will be", "we are", "we'll be"]].concat(),
            )
            && count::count_in(clause.text).is_some()
        {
            s.positive = true;
            s.tentative |= likely;
        }
        // "Her er navnene: Kari Hansen og Per Olsen.", "Deltakere: …": the people after the colon
        // of a list's head come.
        if !(s.positive || s.negative || s.later || s.replace || s.contact || s.negated)
            && let Some(colon) = lower.find(':')
            && any_word(&lower[..colon], LIST_HEADS)
        {
            let people_here: Vec<Attendee> = ms
                .iter()
                .filter(|m| m.start >= clause.start + colon)
                .filter_map(|m| attendee_of(m, &me))
                .collect();
            if !people_here.is_empty() {
                for (_, acc) in per_event.iter_mut().filter(|(id, _)| targets.contains(id)) {
                    acc.positive = true;
                    acc.attendees.extend(people_here.iter().cloned());
                    acc.evidence.push(evidence(body, clause.start, clause.text.len()));
                }
                continue;
            }
        }
        // "adressa til Tor Haugland skal vere tor.haugland@brreg.no": one person's address
        // corrected; the register changes it for the one of that name it has.
        // "Som lovet: det blir Lise Fjeld og Anders Bakke", "kollegaen er Terje Moen",
        // "Ungdomsrepresentanten vår blir Elias Nguyen": the ones who come, named.
        if !(s.positive || s.negative || s.later || s.negated || s.contact)
            && clause.text.chars().filter(|c| c.is_uppercase()).count() >= 2
            && names_who_comes(&lower)
            && ms
                .iter()
                .any(|m| matches!(&m.who, Who::Person(p) if p.name.contains(' ')))
            // "… en kontaktperson i OGP-arbeidet. Det blir Eivind Rustad": the contact, named.
            && !all[n.saturating_sub(2)..n]
                .iter()
                .any(|b| b.paragraph == clause.paragraph && CONTACTS.first_substring(&b.text.to_lowercase()).is_some())
        {
            s.positive = true;
            // "Den tredje blir Marius Aakre": the one not named is the one named.
            ms.retain(|m| !matches!(m.who, Who::Someone));
        }
        // "og jeg har med meg en personlig assistent", "Han tar med seg rådgiver Live Hovland":
        // one more brought along.
        if !(s.positive || s.negative || s.later || s.negated)
            && [
                "har med meg",
                "har med oss",
                "har med seg",
                "fått med meg",
                "fått med oss",
                "fått med seg",
                "tar med meg",
                "tar med oss",
                "tar med seg",
                "tek med meg",
                "tek med seg",
                "bringing",
                "bring along",
                "brings along",
                "will bring",
            ]
            .iter()
            .filter_map(|w| lower.find(w).map(|at| at + w.len()))
            .any(|end| {
                // The one brought right after the phrase, a title or "min kollega" between;
                // "tar med meg referatet fra Per Olsen" brings no one.
                ms.iter().any(|m| {
                    matches!(m.who, Who::Someone | Who::Person(_))
                        && m.start >= clause.start + end
                        && lower.get(end..m.start - clause.start).is_some_and(|between| {
                            let words: Vec<&str> = between.split_whitespace().collect();
                            words.len() <= 2
                                && !words.iter().any(|w| {
                                    // "fått med oss at …" is noticing, not bringing.
                                    [
                                        "fra", "frå", "til", "av", "om", "på", "from", "of", "for", "to",
                                        "at", "hvem", "kven", "hvordan", "korleis", "that", "who", "how",
                                    ]
                                    .contains(w)
                                })
                        })
                })
            })
        {
            s.positive = true;
        }
        // "Kirkens Bymisjon vil gjerne sende Oda Rønning til møtet": sending a person named right
        // after the verb is registering her (sending the agenda or the names is not).
        let send_at = (!(s.positive || s.negative || s.later || s.negated) && lower.contains("send"))
            .then(|| sent_person_at(clause.text, clause.start, &ms))
            .flatten();
        if send_at.is_some() {
            s.positive = true;
            s.enrol = true;
        }
        // "… for mye i adressen til Håkon. Riktig er hakon.brekke@aid.dep.no": the name may stand
        // in the clause before, in the same paragraph.
        let before = n
            .checked_sub(1)
            .map(|k| &all[k])
            .filter(|c| c.paragraph == clause.paragraph);
        if !(s.positive || s.negative || s.later || s.replace)
            && clause.text.contains('@')
            && readdresses(
                &before.map_or_else(|| lower.clone(), |b| format!("{} {lower}", b.text.to_lowercase())),
            )
        {
            let mut people: Vec<Attendee> = ms
                .iter()
                // "e-posten til Jonas: jonas.fjell@elev.no": a first name with the address it
                // spells is the one of that name on the list.
                .filter(|m| {
                    matches!(&m.who, Who::Person(p) if p.email.is_some()
                        && (p.name.contains(' ') || people::is_given_name(&p.name)))
                })
                .filter_map(|m| attendee_of(m, &me))
                .collect();
            // One address alone, and one person named without one: hers.
            let addresses: Vec<&str> = people::addresses_in(clause.text).collect();
            if people.is_empty()
                && let [address] = addresses.as_slice()
            {
                let named: Vec<String> = before
                    .map(|b| people::mentions(b.text, b.start, ctx, false))
                    .unwrap_or_default()
                    .into_iter()
                    .chain(ms.iter().cloned())
                    .filter_map(|m| match m.who {
                        Who::Person(p) if p.email.is_none() && !p.name.is_empty() => Some(p.name),
                        _ => None,
                    })
                    .collect();
                if let [name] = named.as_slice() {
                    people.push(Attendee {
                        name: Some(name.clone()),
                        email: Some(address.to_lowercase()),
                    });
                }
            }
            if !people.is_empty() {
                for (_, acc) in per_event.iter_mut().filter(|(id, _)| targets.contains(id)) {
                    acc.readdressed.extend(people.iter().cloned());
                    acc.evidence.push(evidence(body, clause.start, clause.text.len()));
                }
                continue;
            }
        }
        if !(s.positive || s.negative || s.later || s.replace) {
            // "Eg kan stille, men berre dersom det er greitt at eg går etter første timen": a
            // condition on the yes said just before, for the coordinator to meet.
            if s.conditional
                && !s.tentative
                && verb_before.as_ref().is_some_and(|b| b.positive && !b.negative)
                && verb_at.is_some_and(|at| at + 1 == n)
                && targets
                    .iter()
                    .any(|t| per_event.iter().any(|(id, a)| id == t && a.positive))
            {
                facts
                    .doubts
                    .push(Text::quoting("et forbehold", "a condition", clause.text));
            }
            // "… – så regn det som foreløpig": a reservation on the yes said just before.
            // Said right after it: "det er truleg relevant for tema d", three sentences on, is
            // of something else.
            // Further on in the paragraph only when it puts the reservation on the writer's own
            // registration: "… – sett meg opp med det forbeholdet".
            let own_reservation = ["forbehold", "atterhald", "reservation"]
                .iter()
                .any(|w| lower.contains(w))
                && any_word(&lower, &["meg", "oss", "eg", "me", "us"]);
            if s.tentative
                && verb_before.as_ref().is_some_and(|b| b.positive && !b.negative)
                && verb_at.is_some_and(|at| {
                    (n - at <= 2 || own_reservation) && all[at].paragraph == clause.paragraph
                })
            {
                for (_, acc) in per_event
                    .iter_mut()
                    .filter(|(id, acc)| targets.contains(id) && acc.positive)
                {
                    acc.tentative = true;
                    acc.evidence.push(evidence(body, clause.start, clause.text.len()));
                }
            }
            if clause.text.trim_end().ends_with(':') && !s.contact {
                list_for = Some((targets.clone(), clause.line, n));
            }
            continue;
        }
        if s.conditional && !s.tentative && s.positive {
            facts
                .doubts
                .push(Text::quoting("et forbehold", "a condition", clause.text));
        }
        // "Vi vil gjerne være med videre": interest in the process, no answer for a meeting.
        if context & C_ONWARD != 0 && named.is_empty() && s.positive && !s.negative {
            continue;
        }
        // "Sara may join as well": a possibility for someone else is no answer for them.
        if context & C_POSSIBLE != 0
            && s.positive
            && !s.tentative
            && (ms.iter().any(|m| matches!(m.who, Who::Person(_) | Who::Someone))
                || ["som ", "who "]
                    .iter()
                    .any(|r| POSSIBLE.iter().any(|p| p.starts_with(r) && lower.contains(p))))
            && !ms.iter().any(|m| m.who == Who::Sender)
        {
            continue;
        }
        let count = count::count_in(clause.text);
        for (_, acc) in per_event.iter_mut().filter(|(id, _)| targets.contains(id)) {
            acc.evidence.push(evidence(body, clause.start, clause.text.len()));
            // "… eller så tar vi kanskje med Ida Brenna i stedet for henne": a replacement that
            // may happen is for a person to settle.
            if s.replace && (s.tentative || s.conditional) {
                facts.doubts.push(Text::quoting(
                    "en utskifting som kanskje skjer",
                    "a replacement that may happen",
                    clause.text,
                ));
                continue;
            }
            if s.replace {
                let (new, old) = replacement(clause.text, clause.start, &ms, &me);
                acc.attendees.extend(new);
                acc.withdrawn.extend(old);
                acc.positive = true;
                continue;
            }
            // "… håper vi å kunne stille på, men det må vi komme tilbake til": the hope is taken
            // back into an answer to come.
            if s.later
                && !s.positive
                && !s.negative
                && acc.tentative
                && verb_at.is_some_and(|at| at + 1 == n)
                && ["men det ", "men dette ", "but that ", "but this ", "men det, "]
                    .iter()
                    .any(|t| lower.starts_with(t))
            {
                acc.positive = false;
                acc.tentative = false;
                acc.attendees.clear();
                acc.count = None;
            }
            if s.later && !s.positive && !s.negative {
                acc.later = true;
                acc.deferred |= s.deferred;
                continue;
            }
            // "går det galt, kommer jeg ikke i det hele tatt", "if the train is late, I can't
            // come": a no on a condition is a reservation on the yes, not a no.
            // "Line kan muligens bli forhindret i morgen": a no that may be is for a person.
            // "Jeg kommer trolig, men har en mulig kollisjon …": the reason for the reservation
            // said just before.
            if s.negative
                && s.tentative
                && !s.positive
                && acc.positive
                && acc.tentative
                && verb_at_before.is_some_and(|at| at + 1 == n)
                && all[n - 1].paragraph == clause.paragraph
            {
                continue;
            }
            if s.negative && s.tentative && !s.positive && !s.conditional {
                facts.doubts.push(Text::quoting(
                    "hvem som kanskje ikke kommer",
                    "who may not come",
                    clause.text,
                ));
                continue;
            }
            if s.negative && s.conditional && !s.positive {
                if acc.positive {
                    acc.tentative = true;
                } else {
                    facts
                        .doubts
                        .push(Text::quoting("et forbehold", "a condition", clause.text));
                }
                continue;
            }
            if s.negative {
                let subjects: Vec<&Mention> = ms.iter().filter(|m| !matches!(m.who, Who::Someone)).collect();
                // "no one from the Human Rights House Foundation is able to attend", "ingen fra
                // oss kan delta": nobody is the subject, the organisation's no.
                // "han ble kalt inn til et styremøte i SAIH International": an organisation named
                // as a place ("i", "hos", "at") is where someone is, not who declines.
                let at_a_place = |m: &&Mention| {
                    let before = clause.text[..m.start - clause.start].to_lowercase();
                    plain_words(&before)
                        .last()
                        .is_some_and(|w| ["i", "hos", "ved", "in", "at", "with"].contains(w))
                };
                let org = (subjects.is_empty() && we.unwrap_or_else(|| org_subject(&ms)))
                    || subjects
                        .iter()
                        .any(|m| m.who == Who::Organisation && !at_a_place(m))
                    || nobody_comes(&lower);
                if org && some_of_us(&lower) {
                    // "Flere av oss har ferie i august": some of them, not the organisation.
                    acc.someone_away.push(clause.text.trim().to_string());
                } else if org && any_word(&lower, &["selv", "sjølv", "sjølve", "ourselves", "itself"]) {
                    acc.negative_self = true;
                } else if org {
                    acc.negative_org = true;
                } else if subjects.is_empty() && ms.iter().any(|m| matches!(m.who, Who::Someone)) {
                    // "Den tredje fikk forfall": one of them, unnamed; not the writer.
                    acc.someone_away.push(clause.text.trim().to_string());
                } else if subjects.is_empty() {
                    match people::unvouched_name(clause.text) {
                        // "Norsk Presseforbund har dessverre ikke anledning": the organisation.
                        Some(name) if people::looks_like_org(&name) => acc.negative_org = true,
                        // "Unfortunately Andreas has to travel": a person by a given name; the
                        // register takes off the one of that name, if there is one.
                        Some(name) if name.split_whitespace().next().is_some_and(people::is_given_name) => {
                            acc.withdrawn.push(Attendee {
                                name: Some(name),
                                email: None,
                            })
                        }
                        // "Amira Haddad må trekke seg": someone, maybe a person, not the writer.
                        Some(name) => facts.doubts.push({
                            let quote = clause.text.trim();
                            words!(
                                "hvem som ikke kommer: «{name}» i «{quote}»",
                                "who does not come: «{name}» in «{quote}»"
                            )
                        }),
                        None => acc.withdrawn.push(me.clone()),
                    }
                } else {
                    let people: Vec<Attendee> = subjects.iter().filter_map(|m| attendee_of(m, &me)).collect();
                    // "I would love to come too, but I am in Brussels all week": the turn takes
                    // back the yes just said of the same person; she does not come.
                    let turned = (lower.starts_with("men ") || lower.starts_with("but "))
                        && verb_at_before.is_some_and(|at| at + 1 == n);
                    for p in people {
                        let before = acc.attendees.len();
                        if turned {
                            acc.attendees.retain(|a| !same_person(a, &p));
                        }
                        if acc.attendees.len() == before {
                            acc.withdrawn.push(p);
                        }
                    }
                }
                continue;
            }
            // "…, men hun melder seg på selv", "Kari registers herself": someone else will
            // register on their own; this message records them not.
            if (s.enrol || s.positive) && !s.negative && registers_themselves(&lower) {
                let named: Vec<Attendee> = ms
                    .iter()
                    .filter(|m| matches!(m.who, Who::Person(_)))
                    .filter_map(|m| attendee_of(m, &me))
                    .filter(|a| !same_person(a, &me))
                    .collect();
                if !named.is_empty() {
                    acc.attendees.retain(|a| !named.iter().any(|p| same_person(a, p)));
                    continue;
                }
                let pronoun = plain_words(&lower)
                    .iter()
                    .any(|w| ["hun", "han", "ho", "she", "he", "de", "dei", "they"].contains(w));
                if pronoun && verb_at_before.is_some_and(|at| at + 1 == n) {
                    if let Some(last) = acc.attendees.iter().rposition(|a| !same_person(a, &me)) {
                        acc.attendees.remove(last);
                    }
                    continue;
                }
            }
            // Someone comes.
            acc.positive = true;
            if s.tentative {
                acc.tentative = true;
            }
            if let Some(c) = count {
                acc.count = Some(acc.count.unwrap_or(0).max(c));
            }
            let enrol_at = if s.enrol {
                ENROLS
                    .first_substring(&lower)
                    .or(send_at)
                    .or_else(|| asked_to_come(&lower))
            } else {
                None
            };
            // "on behalf of the Norwegian Refugee Council", "på vegne av departementet": the
            // writer speaks for the organisation, and enrols no one else; on behalf of a
            // person named after it, she is the one enrolled.
            // "På vegne av ekspedisjonssjef Randi Vik melder jeg på følgende:": the one it is
            // done for, when another verb of enrolling follows her, is not one of those
            // enrolled (a pronoun after that verb names her: "melder jeg henne på").
            let done_for = enrol_at.and_then(|at| done_for(&lower, at, clause.start, &ms));
            let principal = done_for
                .filter(|m| {
                    lower
                        .get(m.end - clause.start..)
                        .is_some_and(|after| ENROLS.first_substring(after).is_some())
                })
                .map(|m| m.start);
            let enrol_at = enrol_at.filter(|&at| {
                let behalf = ON_BEHALF.iter().any(|p| lower[at..].starts_with(p));
                // The one named first after "on behalf of" is the one it is done for: a
                // person ("på vegne av Hanne Lie"), or an organisation ("on behalf of the
                // Ministry of Transport, together with Kjetil Rud": the writer comes).
                !behalf
                    || done_for.is_some_and(|m| {
                        let between = &lower[at..m.start - clause.start];
                        !["sammen", "saman", "together", " med ", " with "]
                            .iter()
                            .any(|w| between.contains(w))
                    })
                    || ENROLS.first_substring(&lower[at + 3..]).is_some()
            });
            let people_here: Vec<&Mention> = ms
                .iter()
                .filter(|m| match m.who {
                    // The one who enrols others is not one of them ("jeg melder på X", "melder
                    // jeg henne på", "på vegne av X"), unless named as one enrolled ("melder på
                    // meg og X", "melder meg på"): an object form after the verb.
                    // "SD stiller med to personer, jeg sender navnene i morgen": the writer is
                    // the subject of the promise, not one of those who come.
                    Who::Sender
                        if s.later && promises(clause.text, m.start - clause.start, m.end - clause.start) =>
                    {
                        false
                    }
                    Who::Sender => enrol_at.is_none_or(|at| {
                        let word = clause.text[m.start - clause.start..m.end - clause.start].to_lowercase();
                        let object = !["jeg", "eg", "i"].contains(&word.as_str());
                        (m.start - clause.start > at && object) || lower[at..].starts_with("melder meg")
                    }),
                    Who::Person(_) => principal != Some(m.start),
                    Who::Someone => true,
                    Who::Organisation => false,
                })
                .collect();
            // "Påmelding fra FD til samskapingsmøtet:", "Kommer:": the head of a list names
            // those on the list, not the writer.
            let heads_a_list = clause.text.trim_end().ends_with(':');
            if !s.enrol
                && !heads_a_list
                && starts_with_verb(&lower)
                && !people_here.iter().any(|m| m.who == Who::Sender)
            {
                // "Kommer gjerne.", "Deltar.": the writer; "Kommer gjerne, sammen med Kari": the
                // writer and the people with her.
                let with = ["sammen med", "saman med", "together with", "along with"]
                    .iter()
                    .any(|w| lower.contains(w));
                if (people_here.is_empty() && count.is_none_or(|c| c == 1))
                    || (with && count.is_none_or(|c| c as usize == people_here.len() + 1))
                {
                    acc.attendees.push(me.clone());
                }
            }
            // "jeg kommer sammen med generalsekretæren vår": one more, by role, not by name.
            if !ms.iter().any(|m| matches!(m.who, Who::Person(_) | Who::Someone)) && with_a_role(&lower) {
                acc.someone += 1;
            }
            for m in people_here {
                match &m.who {
                    Who::Someone => acc.someone += 1,
                    _ => {
                        if let Some(a) = attendee_of(m, &me) {
                            acc.attendees.push(a);
                        }
                    }
                }
            }
        }
        // "Fra oss kommer⏎⏎Eirik Haugland, …⏎Nora Bjørnstad, …": a line that stops at its verb
        // of coming heads the list below it, as a colon would.
        let ends_line = all.get(n + 1).is_none_or(|next| next.line > clause.line);
        let stops_at_its_verb = ends_line
            && s.positive
            && [
                " kommer",
                " deltar",
                " stiller",
                " møter",
                " kjem",
                " deltek",
                " stiller med",
                " attend",
            ]
            .iter()
            .any(|v| lower.trim_end().ends_with(v));
        if clause.text.trim_end().ends_with(':')
            || (n + 1 < all.len() && all[n + 1].line > clause.line && lower.ends_with(':'))
            || stops_at_its_verb
        {
            list_for = Some((targets.clone(), clause.line, n));
        }
    }
    // The subject speaks where the body says nothing of any meeting.
    if per_event
        .iter()
        .all(|(_, a)| !a.positive && !a.negative_org && a.withdrawn.is_empty() && !a.later)
    {
        let lower = input.subject.to_lowercase();
        let s = said(&lower);
        if s.positive || s.negative {
            let named = events_named(&lower, ctx, input.today);
            let targets = if named.is_empty() {
                vec![ctx.default_event.clone()]
            } else {
                named
            };
            for (_, acc) in per_event.iter_mut().filter(|(id, _)| targets.contains(id)) {
                if s.negative {
                    acc.negative_org = true;
                } else {
                    acc.positive = true;
                    acc.tentative |= s.tentative;
                    let mut ms = people::mentions(input.subject, 0, ctx, false);
                    resolve(&mut ms, &known);
                    let named: Vec<Attendee> = ms.iter().filter_map(|m| attendee_of(m, &me)).collect();
                    // "Påmelding KLD – 2 deltakere": a count, the writer perhaps one of them.
                    acc.count = count::count_in(input.subject);
                    if named.is_empty() && acc.count.is_none_or(|c| c == 1) {
                        acc.attendees.push(me.clone());
                    } else {
                        acc.attendees.extend(named);
                    }
                }
            }
        }
    }
    for (event, acc) in per_event {
        if let Some(answer) = answer_of(event, acc, &mut facts) {
            facts.answers.push(answer);
        }
    }
    // "En rettelse: e-postadressen til Jon Sæther er …": a correction of one person's address
    // changes that person, not the list the earlier answer gave.
    if facts.correction && facts.answers.iter().all(only_readdresses) {
        facts.correction = false;
    }
    facts.contact = contact(&all, input, ctx, &known, &me);
    if facts.contact.is_none() {
        facts.new_phone = new_phone(&all, ctx, &known, &me, body);
    }
    named_beside_a_decline(&mut facts, body, &lower_body, &known, &me);
    facts
}

/// Where a greeting at the very start of the body ends ("Hei Tom Arne," "Dear all!").
fn greeting_span(body: &str) -> Option<usize> {
    let start = body.len() - body.trim_start().len();
    let rest = &body[start..];
    let first = rest
        .split_whitespace()
        .next()?
        .trim_end_matches([',', '!'])
        .to_lowercase();
    if ![
        "hei", "hallo", "heisann", "hi", "hello", "dear", "kjære", "god", "goddag",
    ]
    .contains(&first.as_str())
    {
        return None;
    }
    let end = rest.find([',', '!', '\n']).unwrap_or(rest.len());
    (rest[..end].split_whitespace().count() <= 6).then_some(start + end)
}

/// Whether a clause begins with its verb of coming, and so has the writer as its subject
/// ("Kommer gjerne.", "Ja, deltar.", "Happy to join").
fn starts_with_verb(lower: &str) -> bool {
    let mut rest = lower.trim_start();
    loop {
        let word: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
        if [
            "ja", "ok", "okei", "jepp", "yes", "gjerne", "takk", "fint", "supert", "flott", "happy", "glad",
            "will", "would", "love", "to", "be", "så",
        ]
        .contains(&word.as_str())
            && !word.is_empty()
        {
            rest = rest[word.len()..].trim_start_matches([',', '!', '.', ' ', '-']);
            continue;
        }
        break;
    }
    COME.iter().chain(COME_NOUNS).any(|v| {
        rest.starts_with(v)
            && rest[v.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
    })
}

fn evidence(body: &str, start: usize, len: usize) -> Evidence {
    let end = (start + len).min(body.len());
    Evidence {
        start,
        end,
        text: body.get(start..end).unwrap_or("").to_string(),
    }
}

fn is_question(text: &str) -> bool {
    let t = text.trim();
    t.ends_with('?') && t.split_whitespace().count() >= 3
}

/// The people the message knows by full name: the sender, the Cc header, the quoted headers,
/// and everyone named in full with an address in the text.
/// [`known_people`], worked out the first time a clause names a person: most texts name no one.
struct LazyKnown<'a> {
    cell: OnceCell<Known>,
    quoted_names: OnceCell<Vec<String>>,
    input: &'a Input<'a>,
    ctx: &'a Context,
    me: &'a Attendee,
}

impl LazyKnown<'_> {
    fn get(&self) -> &Known {
        self.cell
            .get_or_init(|| known_people(self.input, self.ctx, self.me))
    }

    fn quoted_names(&self) -> &[String] {
        self.quoted_names
            .get_or_init(|| quoted_names(self.input, self.ctx))
    }
}

/// Every full name the quoted messages give, to name an address written alone.
fn quoted_names(input: &Input<'_>, ctx: &Context) -> Vec<String> {
    if !input.quoted.contains(|c: char| c.is_uppercase()) {
        return Vec::new();
    }
    people::mentions(input.quoted, 0, ctx, false)
        .into_iter()
        .filter_map(|m| match m.who {
            Who::Person(p) if !p.is_first_name_only() => Some(p.name),
            _ => None,
        })
        .collect()
}

fn known_people(input: &Input<'_>, ctx: &Context, me: &Attendee) -> Known {
    let mut known = Known::default();
    if let Some(name) = &me.name {
        known.add(Person {
            name: name.clone(),
            email: me.email.clone(),
            phone: None,
            title: None,
        });
    }
    for cc in input.cc {
        if let Some(name) = &cc.name {
            // "Berg Hilde" as Exchange shows her is Hilde Berg.
            let name = people::readable_name(&people::display_name(name));
            if name.split_whitespace().count() >= 2 && !people::is_own_address(&cc.address, ctx) {
                known.add(Person {
                    name,
                    email: Some(cc.address.to_lowercase()),
                    phone: None,
                    title: None,
                });
            }
        }
    }
    for line in input.quoted.lines() {
        let l = line.trim_start_matches(['>', ' ']);
        let lower = l.to_lowercase();
        if ["fra:", "from:", "til:", "to:", "kopi:", "cc:", "frå:"]
            .iter()
            .any(|h| lower.starts_with(h))
        {
            for m in people::mentions(l, 0, ctx, true) {
                if let Who::Person(p) = m.who
                    && p.email.is_some()
                {
                    known.add(p);
                }
            }
        }
    }
    for m in people::mentions(input.body, 0, ctx, false) {
        if let Who::Person(p) = m.who {
            known.add(p);
        }
    }
    // "Marte blir kontaktperson. Hun har e-post marte.lunde@kld.dep.no": an address in the text
    // made of a full name the message gives is that person's.
    for address in super::bounce::addresses_in(input.body) {
        if people::is_own_address(&address, ctx) {
            continue;
        }
        let owners: Vec<usize> = (0..known.people.len())
            .filter(|&i| {
                known.people[i].email.is_none() && people::address_spells(&address, &known.people[i].name)
            })
            .collect();
        if let [i] = owners[..] {
            known.people[i].email = Some(address);
        }
    }
    // People the quoted or forwarded messages name with their address ("Lise Berg
    // (lise.berg@nfd.dep.no)"), or on the lines of a list ("Påmeldt fra KUD:\n- Marte Vik\n-
    // Jostein Aamodt", our reminder quoted): a first name in the new text may mean them.
    for line in input.quoted.lines() {
        let l = line.trim_start_matches(['>', ' ']);
        let list_line = l.starts_with(['-', '–', '•', '*']);
        if !l.contains('@') && !list_line {
            continue;
        }
        for m in people::mentions(l, 0, ctx, list_line) {
            if let Who::Person(p) = m.who
                && (p.email.is_some() || list_line)
                && !p.is_first_name_only()
            {
                known.add(p);
            }
        }
    }
    known
}

/// "Som Tonje lova, kjem her namna", "Som jeg lovet, …", "As Kari promised, …": the one who
/// said or promised it, named in the phrase "som/as X" and a verb of saying, is not one who comes.
/// `start..end` is the mention's place in `text`.
fn reports_a_promise(text: &str, start: usize, end: usize) -> bool {
    const SAYING: &[&str] = &[
        "lovet",
        "lova",
        "lovte",
        "sa",
        "sagt",
        "nevnte",
        "nemnde",
        "skrev",
        "skreiv",
        "avtalte",
        "avtalt",
        "varslet",
        "varsla",
        "promised",
        "said",
        "mentioned",
        "wrote",
        "agreed",
    ];
    // The verb after is rare, and is asked first: the text before is read only then.
    let saying = text[end..]
        .split_whitespace()
        .next()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .is_some_and(|w| SAYING.contains(&w.as_str()));
    saying && {
        let before = text[..start].trim_end().to_lowercase();
        ["som", "as"].iter().any(|w| {
            before
                .strip_suffix(w)
                .is_some_and(|b| b.trim_end().is_empty() || b.trim_end().ends_with([',', '.', ':', ';', '(']))
        })
    }
}

/// "enten Per Arne Ruud eller Hilde Sunde", "Kari or Ola": people named as alternatives, one of
/// whom may come, are no one's attendance. Two persons with only "eller"/"or" between them are
/// taken out (a count said beside them stays).
fn drop_alternatives(ms: &mut Vec<people::Mention>, text: &str, offset: usize) {
    let persons: Vec<(usize, usize)> = ms
        .iter()
        .filter(|m| matches!(m.who, Who::Person(_)))
        .map(|m| (m.start, m.end))
        .collect();
    let mut out: Vec<usize> = Vec::new();
    for pair in persons.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let between = text
            .get(a.1.saturating_sub(offset)..b.0.saturating_sub(offset))
            .unwrap_or("")
            .trim()
            .to_lowercase();
        if ["eller", "or", "ellers"].contains(&between.as_str()) {
            out.extend([a.0, b.0]);
        }
    }
    if !out.is_empty() {
        ms.retain(|m| !(matches!(m.who, Who::Person(_)) && out.contains(&m.start)));
    }
}

/// First names become the full names the message gives them; names get the address the
/// message gives them elsewhere.
fn resolve(ms: &mut [Mention], lazy: &LazyKnown<'_>) {
    for m in ms.iter_mut() {
        if let Who::Person(p) = &mut m.who {
            let known = lazy.get();
            // An address written alone, that spells a name the message gives.
            if p.name.is_empty() {
                if let Some(email) = &p.email
                    && let Some(name) = known.name_spelled_by(email, || lazy.quoted_names())
                {
                    p.name = name;
                }
                continue;
            }
            let (full, given_only) = if p.is_first_name_only() {
                (known.by_first_name(&p.name), true)
            } else {
                match known.by_name(&p.name) {
                    Some(k) => (Some(k), false),
                    None => (known.by_given_names(&p.name), true),
                }
            };
            if let Some(k) = full {
                if given_only {
                    p.name = k.name.clone();
                }
                if p.email.is_none() {
                    p.email = k.email.clone();
                }
                if p.phone.is_none() {
                    p.phone = k.phone.clone();
                }
            }
        }
    }
}

/// "på vegne av", "on behalf of": done for someone else.
const ON_BEHALF: &[&str] = &["på vegne", "on behalf", "på vegner"];

/// The person an enrolling at `at` is done for, when it is "på vegne av"/"on behalf of": the
/// first one named after it, a person (no organisation), with no comma between ("På vegne av
/// ekspedisjonssjef Randi Vik melder jeg …").
fn done_for<'m>(lower: &str, at: usize, offset: usize, ms: &'m [Mention]) -> Option<&'m Mention> {
    if !ON_BEHALF.iter().any(|p| lower[at..].starts_with(p)) {
        return None;
    }
    let m = ms
        .iter()
        .filter(|m| !matches!(m.who, Who::Someone) && m.start >= offset + at)
        .min_by_key(|m| m.start)?;
    let between = lower.get(at..m.start - offset)?;
    matches!(&m.who, Who::Person(p) if !people::looks_like_org(&p.name))
        .then_some(m)
        .filter(|_| !between.contains(','))
}

fn attendee_of(m: &Mention, me: &Attendee) -> Option<Attendee> {
    match &m.who {
        Who::Sender => Some(me.clone()),
        Who::Person(p) => Some(Attendee {
            name: Some(p.name.clone()).filter(|n| !n.is_empty()),
            email: p.email.clone(),
        }),
        _ => None,
    }
}

/// Where the part of a clause that holds position `at` begins: after the last comma or "så"
/// before it.
fn part_start(lower: &str, at: usize) -> usize {
    let head = &lower[..at];
    [head.rfind(", ").map(|c| c + 2), head.rfind(" så ").map(|c| c + 4)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
}

/// "X kommer i stedet for Y", "X erstatter Y", "instead of Y, X": the new people and the old.
/// "Det er Åsmund Vold, ikke Tarjei Bø, som kommer", "It is Ola, not Kari, who attends": the
/// clause `n` opens with the negation, the one before with "det er"/"it is" and the person who
/// comes; "som"/"who" and a verb of coming follow the one who does not. (those who come, those
/// who do not)
fn cleft_replacement(
    all: &[Clause<'_>],
    n: usize,
    lower: &str,
    ms: &[Mention],
    ctx: &Context,
    me: &Attendee,
) -> Option<(Vec<Attendee>, Vec<Attendee>)> {
    const OPENERS: &[&str] = &["det er ", "det blir ", "det var ", "it is ", "it's ", "it was "];
    let rest = ["ikke ", "ikkje ", "not "]
        .iter()
        .find_map(|t| lower.strip_prefix(t))?;
    let prev = all.get(n.checked_sub(1)?)?;
    let prev_lower = prev.text.trim_start().to_lowercase();
    if prev.line != all[n].line || !OPENERS.iter().any(|o| prev_lower.starts_with(o)) {
        return None;
    }
    let Some((at, word)) = [", som ", " som ", ", who ", " who "]
        .iter()
        .filter_map(|t| rest.find(t).map(|at| (at, t.len())))
        .min()
    else {
        return cleft_then_negation(prev, &all[n], rest, ctx, me);
    };
    let som = at + (lower.len() - rest.len());
    // What follows "som" says the coming, in the reading's own words.
    let then = said(&lower[som + word..]);
    if !then.positive || then.negative {
        return None;
    }
    let clause_start = all[n].start;
    let old: Vec<Attendee> = ms
        .iter()
        .filter(|m| m.start < clause_start + som)
        .filter_map(|m| attendee_of(m, me))
        .collect();
    let new = people_in(prev, usize::MAX, ctx, me);
    (!old.is_empty() && !new.is_empty()).then_some((new, old))
}

/// The people (and the writer) `clause` names before its byte `upto` in the whole text, as
/// attendees: the ones a cleft puts first.
fn people_in(clause: &Clause<'_>, upto: usize, ctx: &Context, me: &Attendee) -> Vec<Attendee> {
    people::mentions(clause.text, clause.start, ctx, true)
        .iter()
        .filter(|m| m.start < upto && matches!(m.who, Who::Person(_) | Who::Sender))
        .filter_map(|m| attendee_of(m, me))
        .collect()
}

/// "Det er min kollega Ida Brekke som kommer, ikke jeg", "It is Ola who attends, not me": the
/// cleft comes first, with "som"/"who" and a verb of coming, and the clause `this` is only the
/// negation and the one who does not come. (those who come, those who do not)
fn cleft_then_negation(
    prev: &Clause<'_>,
    this: &Clause<'_>,
    rest: &str,
    ctx: &Context,
    me: &Attendee,
) -> Option<(Vec<Attendee>, Vec<Attendee>)> {
    let said_here = said(rest);
    if said_here.positive || said_here.negative {
        return None;
    }
    let prev_lower = prev.text.to_lowercase();
    let (at, word) = [" som ", " who "]
        .iter()
        .filter_map(|t| prev_lower.find(t).map(|at| (at, t.len())))
        .min()?;
    let then = said(&prev_lower[at + word..]);
    if !then.positive || then.negative {
        return None;
    }
    // A clause with no verb of its own is not read for people: its mentions are read here.
    let old = people_in(this, usize::MAX, ctx, me);
    let new = people_in(prev, prev.start + at, ctx, me);
    (!old.is_empty() && !new.is_empty()).then_some((new, old))
}

fn replacement(text: &str, offset: usize, ms: &[Mention], me: &Attendee) -> (Vec<Attendee>, Vec<Attendee>) {
    let lower = text.to_lowercase();
    let Some(at) = REPLACES.first_substring(&lower) else {
        return (Vec::new(), Vec::new());
    };
    let taker_from = offset + part_start(&lower, at);
    let at = offset + at;
    // "I staden for han kjem Sigrid Tangen, saman med meg": the phrase first, the one replaced
    // after it, then the verb and the ones who come.
    let lead = lower.len() - lower.trim_start().len();
    let starts_with_instead = at == offset + lead;
    let verb = {
        const VERBS: &[&str] = &[
            "kommer", "kjem", "stiller", "deltar", "deltek", "møter", "blir", "kan", "comes", "come",
            "attends", "attend", "will",
        ];
        let mut from = at - offset;
        let mut found = None;
        for w in lower[from..].split(' ') {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
            if VERBS.contains(&bare) {
                found = Some(offset + from);
                break;
            }
            from += w.len() + 1;
        }
        found
    };
    let comma = lower.find(',').map(|c| offset + c);
    // "I stedet for meg stiller Per-Erik": without a comma, the one right after the phrase.
    let first = ms
        .iter()
        .filter(|m| attendee_of(m, me).is_some())
        .map(|m| m.start)
        .min();
    let object_end = [" sammen med ", " saman med ", " together with ", " along with "]
        .iter()
        .filter_map(|t| lower[at - offset..].find(t))
        .min()
        .map(|c| at + c);
    let (mut new, mut old) = (Vec::new(), Vec::new());
    for m in ms {
        let Some(a) = attendee_of(m, me) else { continue };
        let is_old = if starts_with_instead {
            match verb {
                Some(v) => m.start < v,
                None => comma.map_or(Some(m.start) == first, |c| m.start < c),
            }
        } else if m.start < taker_from {
            // Before the part of the clause that tells of the replacement: the one replaced,
            // named as the reason ("Ingrid er syk, så Henrik tar plassen hennes"), or no one.
            continue;
        } else {
            // "Trine Mo kommer i stedet for ham, sammen med meg": the one replaced is the
            // phrase's object; who comes along after "sammen med" comes ("i stedet for min
            // kollega, Per Olsen, som er syk" still replaces Per).
            m.start > at && object_end.is_none_or(|end| m.start < end)
        };
        if is_old {
            old.push(a);
        } else {
            new.push(a);
        }
    }
    (new, old)
}

/// The lines from the sender's name to the end of the body: a signature the splitter left in
/// the body (no closing word above it).
fn signed_in_body(body: &str, me: &Attendee) -> String {
    let lines: Vec<&str> = body.split('\n').collect();
    match trailing_name_lines(body, me).into_iter().min() {
        Some(first) => lines[first..].join("\n"),
        None => String::new(),
    }
}

/// The sender's `name` in the order it is signed at the end of the text ("Sande Jon-Erik" from
/// Exchange, signed "Jon-Erik Sande" under a text with no closing), else as it is. A signature
/// in lower case ("solveig krogh") gives the order, not the letters.
fn name_as_signed(body: &str, name: String) -> String {
    let Some(signed) = body
        .lines()
        .rev()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(8)
        .find(|l| !l.contains(',') && people::same_words(l, &name))
    else {
        return name;
    };
    if signed.chars().any(char::is_uppercase) {
        return signed.to_string();
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    signed
        .split_whitespace()
        .map(|w| {
            words
                .iter()
                .find(|n| n.to_lowercase() == w)
                .map_or_else(|| w.to_string(), |n| n.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lines at the end of the body that are only the sender's name (and title): a signature
/// without a closing.
fn trailing_name_lines(body: &str, me: &Attendee) -> Vec<usize> {
    let lines: Vec<&str> = body.split('\n').collect();
    let Some(name) = &me.name else { return Vec::new() };
    let first = name.split_whitespace().next().unwrap_or("");
    let mut out = Vec::new();
    let marked = |i: usize| {
        lines
            .get(i)
            .is_some_and(|l| l.trim_start().starts_with(['-', '–', '•', '*']))
    };
    for (i, line) in lines.iter().enumerate().rev().take(6) {
        let t = line.trim().trim_start_matches(['-', '–']).trim();
        if t.is_empty() {
            continue;
        }
        // "- Hans Petter Vik" between the lines of a list is one of its people.
        if marked(i) && ((i > 0 && marked(i - 1)) || marked(i + 1)) {
            continue;
        }
        // "Hans Petter": the given names alone.
        let given = name.len() > t.len()
            && name.is_char_boundary(t.len())
            && name[..t.len()].eq_ignore_ascii_case(t)
            && name[t.len()..].starts_with(' ');
        if people::same_words(t, name) || t.eq_ignore_ascii_case(first) || given {
            out.push(i);
            // The title and organisation lines under the name are the signature too.
            out.extend(i + 1..lines.len());
            break;
        }
    }
    out
}

/// Whether nobody is the subject: "no one from us", "nobody", "none of us", "ingen fra oss",
/// "ingen av oss kan", not "no one else" or "ingen andre" (no more than those named).
fn nobody_comes(lower: &str) -> bool {
    const AFTER_INGEN: &[&str] = &[
        "fra", "frå", "av", "hos", "her", "kan", "har", "vil", "får", "fikk", "fekk", "kommer", "kjem",
        "deltar", "stiller", "møter",
    ];
    const MORE: &[&str] = &[
        "else", "more", "other", "others", "andre", "flere", "fleire", "fler",
    ];
    // The subject stands first, after an adverb or a verb at most ("Dessverre kan ingen fra
    // …", "Unfortunately no one …"); "…, for ingen kan ta over vakta mi" is a reason.
    let words = plain_words(lower);
    words.iter().enumerate().take(3).any(|(i, w)| {
        let next = words.get(i + 1).copied().unwrap_or("");
        let after = words.get(i + 2).copied().unwrap_or("");
        match *w {
            "nobody" => !MORE.contains(&next),
            "no" => next == "one" && !MORE.contains(&after),
            "none" => next == "of" && ["us", "them"].contains(&after),
            "ingen" => AFTER_INGEN.contains(&next) && !MORE.contains(&after),
            _ => false,
        }
    })
}

/// Whether `lower` speaks of a part of the organisation's people, not all of them: "flere av
/// oss", "noen av oss", "to av oss", "ikke alle av oss", "some of us"; never "ingen av oss",
/// "alle av oss" or "hvem av oss".
fn some_of_us(lower: &str) -> bool {
    const WHOLE: &[&str] = &[
        "ingen", "alle", "begge", "hvem", "kven", "none", "all", "both", "who", "neither", "each", "every",
    ];
    let words = plain_words(lower);
    (1..words.len().saturating_sub(1)).any(|i| {
        matches!((words[i], words[i + 1]), ("av", "oss") | ("of", "us"))
            && (!WHOLE.contains(&words[i - 1])
                || (i >= 2 && ["ikke", "ikkje", "not"].contains(&words[i - 2])))
    })
}

/// "Det er Ida Brekke (ida.brekke@…) som kommer, ikke jeg", misread as a no: a decline (or the
/// writer's withdrawal) that names someone else with an address in the writer's own words,
/// who is neither the contact nor one of those who do not come, may be that person's
/// registration. The reading says so, and the message waits for a person, instead of the
/// whole organisation being declined.
fn named_beside_a_decline(
    facts: &mut Facts,
    body: &str,
    lower_body: &str,
    known: &LazyKnown<'_>,
    me: &Attendee,
) {
    // A no, or only the writer's withdrawal, which is the organisation's no when nothing was registered.
    let declines = |a: &Answer| {
        a.intent == Intent::Declined
            || (a.attendees.is_empty() && a.count.is_none() && !a.withdrawn.is_empty())
    };
    if !facts.answers.iter().any(declines) || !body.contains('@') {
        return;
    }
    let contact = facts.contact.as_ref().and_then(|c| c.email.clone());
    let others: Vec<String> = known
        .get()
        .people
        .iter()
        .filter(|p| {
            p.email.as_deref().is_some_and(|e| {
                Some(e) != me.email.as_deref()
                    && Some(e) != contact.as_deref()
                    && lower_body.contains(&e.to_lowercase())
            })
        })
        .filter(|p| {
            !facts
                .answers
                .iter()
                .flat_map(|a| a.withdrawn.iter().chain(&a.attendees))
                .any(|w| w.email.as_deref() == p.email.as_deref() || w.name.as_deref() == Some(&p.name))
        })
        .map(|p| p.name.clone())
        .collect();
    for answer in facts.answers.iter().filter(|a| declines(a)) {
        for name in &others {
            let event = &answer.event;
            facts.doubts.push(words!(
                "svaret er et nei til {event}, men nevner {name} med adresse: kommer {name}?",
                "the answer declines {event} but names {name} with an address: does {name} come?"
            ));
        }
    }
}

/// Turns what was said of one meeting into an answer.
fn answer_of(event: String, mut acc: Acc, facts: &mut Facts) -> Option<Answer> {
    acc.negative_org |= acc.negative_self && !acc.positive;
    // "Flere av oss har ferie i august, så vi kommer tilbake til hvem": the reason for an
    // answer to come, not a doubt.
    if acc.count.is_none() && (acc.positive || !acc.later) {
        for clause in &acc.someone_away {
            facts.doubts.push(words!(
                "noen som ikke er navngitt, kommer ikke: «{clause}»; hvor mange blir igjen?",
                "someone not named does not come: «{clause}»; how many are left?"
            ));
        }
    }
    let mut attendees: Vec<Attendee> = Vec::new();
    for a in acc.attendees {
        merge_person(&mut attendees, a);
    }
    let mut withdrawn: Vec<Attendee> = Vec::new();
    for a in acc.withdrawn {
        // Withdrawn and coming in one message: the message says both; the coming wins only
        // through a replacement, handled before.
        if attendees.iter().any(|b| same_person(b, &a)) {
            let who = a.name.clone().or(a.email.clone()).unwrap_or_default();
            facts.doubts.push(words!(
                "{who} både kommer og kommer ikke til {event}",
                "{who} both comes and does not come to {event}"
            ));
            continue;
        }
        merge_person(&mut withdrawn, a);
    }
    // A new address: the one of that name leaves the list and comes back with it.
    for r in std::mem::take(&mut acc.readdressed) {
        if attendees.iter().any(|b| same_person(b, &r)) {
            continue;
        }
        withdrawn.push(Attendee {
            name: r.name.clone(),
            email: None,
        });
        attendees.push(r);
    }
    if acc.negative_org && acc.positive {
        facts.doubts.push(words!(
            "både ja og nei om {event}",
            "both yes and no about {event}"
        ));
    }
    // "Vi er noen som gjerne vil være med … Vi melder på når vi vet det": wishing to come,
    // registering later, and no one named yet.
    let waits = acc.deferred && attendees.is_empty() && acc.count.is_none() && acc.someone == 0;
    let intent = if acc.negative_org && !acc.positive {
        Intent::Declined
    } else if acc.positive && !waits {
        if acc.tentative {
            Intent::Tentative
        } else {
            Intent::Registered
        }
    } else if acc.later {
        // "Selv har jeg ikke anledning. Hvem som stiller, kommer vi tilbake til": an answer to
        // come, whoever does not come meanwhile.
        Intent::Later
    } else if !withdrawn.is_empty() {
        // Only people withdrawn: whether anyone is left is for the register to tell.
        Intent::Registered
    } else {
        return None;
    };
    let named = attendees.len() as u32;
    // "Vi blir to fra LMD: Guro Flatebø, Sindre Moen og meg selv": more named than counted; which
    // of the two is right is for a person to ask.
    if let Some(c) = acc.count
        && named > c
        && intent != Intent::Declined
    {
        facts.doubts.push(words!(
            "svaret sier {c} til {event}, men nevner {named} ved navn: hvem kommer?",
            "the answer says {c} for {event} but names {named}: who comes?"
        ));
    }
    let count = match (acc.count, acc.someone) {
        // At least those named and those told of ("en personlig assistent" is no count of one).
        (Some(c), s) => Some(c.max(named + s)),
        (None, 0) => None,
        (None, s) => Some(named + s),
    };
    let declined = intent == Intent::Declined;
    Some(Answer {
        event,
        intent,
        attendees: if declined { Vec::new() } else { attendees },
        count: if declined { None } else { count },
        withdrawn,
        replace: false,
        evidence: acc.evidence,
    })
}

/// Whether an answer only gives people new addresses: each one coming is one it takes off the
/// list under the old address.
fn only_readdresses(answer: &Answer) -> bool {
    !answer.attendees.is_empty()
        && answer
            .attendees
            .iter()
            .all(|a| answer.withdrawn.iter().any(|w| same_person(w, a)))
}

fn same_person(a: &Attendee, b: &Attendee) -> bool {
    (a.email.is_some()
        && a.email.as_deref().map(str::to_lowercase) == b.email.as_deref().map(str::to_lowercase))
        || (a.name.is_some()
            && b.name.is_some()
            && people::same_words(a.name.as_deref().unwrap_or(""), b.name.as_deref().unwrap_or("")))
}

fn merge_person(list: &mut Vec<Attendee>, a: Attendee) {
    match list.iter_mut().find(|b| same_person(b, &a)) {
        Some(b) => {
            if b.email.is_none() {
                b.email = a.email;
            }
            if b.name.is_none() {
                b.name = a.name;
            }
        }
        None => list.push(a),
    }
}

/// The contact person the message appoints.
fn contact(
    all: &[Clause<'_>],
    input: &Input<'_>,
    ctx: &Context,
    known: &LazyKnown<'_>,
    me: &Attendee,
) -> Option<Contact> {
    let Some((i, clause)) = all
        .iter()
        .enumerate()
        .find(|(_, c)| CONTACTS.first_substring(&c.text.to_lowercase()).is_some())
    else {
        return self_appointed(all, input, ctx, me);
    };
    let lower = clause.text.to_lowercase();
    let s = said(&lower);
    if s.later || (s.negative && !s.positive) || lower.contains("kontaktperson?") {
        return None;
    }
    // "… og jeg er fortsatt kontaktperson": what stands, no new appointment (unless it brings
    // a new number or address).
    let news = || {
        all.iter()
            .skip(i)
            .take_while(|c| c.paragraph == clause.paragraph)
            .any(|c| c.text.contains('@') || c.text.chars().any(|c| c.is_ascii_digit()))
    };
    if any_word(
        &lower,
        &["fortsatt", "fremdeles", "framleis", "still", "remain", "remains"],
    ) && !news()
    {
        return None;
    }
    let role_at = CONTACTS.first_substring(&lower).unwrap_or(0);
    let mut ms = people::mentions(clause.text, clause.start, ctx, true);
    let names_someone = |ms: &[Mention]| ms.iter().any(|m| matches!(m.who, Who::Sender | Who::Person(_)));
    // "Kontaktperson:" (or "Kontaktperson blir") and the person on the next line, not a name
    // further down (the signature's).
    // "SMK vil gjerne ha en kontaktperson …, selv om … . Det blir Eivind Rustad, …": the next
    // sentence names the one the role asks for.
    // (Its sentence may go on in a clause of its own first: ", selv om …".)
    let named_next = all
        .iter()
        .skip(i + 1)
        .take(2)
        .take_while(|n| n.paragraph == clause.paragraph)
        .find(|n| {
            let next = n.text.trim_start().to_lowercase();
            IT_WILL_BE.iter().any(|o| next.starts_with(o))
        });
    let open = clause.text.trim_end().ends_with(':') || lower[role_at..].split_whitespace().count() <= 2;
    if !names_someone(&ms)
        && (open || named_next.is_some())
        && let Some(next) = named_next.or_else(|| all.get(i + 1).filter(|n| n.paragraph == clause.paragraph))
    {
        ms = people::mentions(next.text, next.start, ctx, true);
    }
    // "Helene Strand blir med, og hun blir dessuten kontaktperson": "hun" is the one named last
    // in the clause before it.
    if !names_someone(&ms)
        && i > 0
        && all[i - 1].paragraph == clause.paragraph
        && plain_words(&lower)
            .iter()
            .take(4)
            .any(|w| ["hun", "han", "ho", "she", "he"].contains(w))
    {
        let before = people::mentions(all[i - 1].text, all[i - 1].start, ctx, false);
        if let Some(p) = before
            .into_iter()
            .rev()
            .find(|m| matches!(&m.who, Who::Person(p) if p.name.contains(' ')))
        {
            ms = vec![p];
        }
    }
    // "Kontaktperson for oss er Oda, 467 12 980": a first name the role word vouches for, if
    // the message names her in full elsewhere.
    if !names_someone(&ms) {
        let rest = clause.text.get(role_at..).unwrap_or("");
        let after_verb = ["er ", "blir ", "is ", "will be "]
            .iter()
            .filter_map(|v| rest.find(v).map(|at| at + v.len()))
            .min();
        if let Some(at) = after_verb {
            let word: String = rest[at..]
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphabetic() || *c == '-')
                .collect();
            if word.chars().next().is_some_and(char::is_uppercase)
                && let Some(full) = known.get().by_first_name(&word)
            {
                ms.push(Mention {
                    who: Who::Person(full.clone()),
                    start: clause.start + role_at + at,
                    end: clause.start + role_at + at + word.len(),
                });
            }
        }
    }
    // "Bård blir kontaktperson for LMD": a first name as the subject of the role, if the
    // message names him in full elsewhere.
    if !names_someone(&ms) {
        let before = clause.text.get(..role_at).unwrap_or("");
        let lead = before.len() - before.trim_start().len();
        let word: String = before[lead..]
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '-')
            .collect();
        let verb = before[lead + word.len()..].trim_start();
        let is_subject = [
            "blir ",
            "er ",
            "vil være ",
            "skal være ",
            "vert ",
            "is ",
            "will be ",
        ]
        .iter()
        .any(|v| verb.starts_with(v));
        if is_subject
            && word.chars().next().is_some_and(char::is_uppercase)
            && let Some(full) = known.get().by_first_name(&word)
        {
            ms.push(Mention {
                who: Who::Person(full.clone()),
                start: clause.start + lead,
                end: clause.start + lead + word.len(),
            });
        }
    }
    // "… jeg kommer selv. Kan også være kontaktperson for oss": no subject before the verb
    // and the role, as "Kommer gjerne." has none: the writer.
    // Not when the clause before named someone ("KLD melder på Per Lie. Blir også kontaktperson"
    // may be his role).
    let named_before = || {
        i > 0
            && all[i - 1].paragraph == clause.paragraph
            && people::mentions(all[i - 1].text, all[i - 1].start, ctx, false)
                .iter()
                .any(|m| matches!(m.who, Who::Person(_)))
    };
    if !names_someone(&ms) && writer_unsaid_before_role(&lower[..role_at]) && !named_before() {
        ms.push(Mention {
            who: Who::Sender,
            start: clause.start,
            end: clause.start,
        });
    }
    // "FD melder på Kjetil Brekke. Han er også vår kontaktperson": he is the one named last.
    let pronoun_first = matches!(
        lower.split_whitespace().next(),
        Some("han" | "hun" | "ho" | "he" | "she")
    );
    if !names_someone(&ms) && pronoun_first {
        let before = all[..i]
            .iter()
            .rev()
            .take_while(|c| clause.paragraph - c.paragraph <= 1)
            .find_map(|c| {
                people::mentions(c.text, c.start, ctx, true)
                    .into_iter()
                    .rev()
                    .find(|m| matches!(m.who, Who::Person(_)))
            });
        ms.extend(before);
    }
    resolve(&mut ms, known);
    // "Jeg tar over OGP-porteføljen etter Randi Moe … og blir KDs kontaktperson": the one taken
    // over from is no contact.
    let predecessor = |m: &Mention| {
        clause
            .text
            .get(..m.start.saturating_sub(clause.start))
            .is_some_and(|before| {
                let before = before.trim_end().to_lowercase();
                [
                    "etter",
                    "after",
                    "erstatter",
                    "replaces",
                    "replacing",
                    "i stedet for",
                    "instead of",
                    "fra",
                    "from",
                ]
                .iter()
                .any(|w| before.ends_with(&format!(" {w}")))
                    && (!before.ends_with(" fra") && !before.ends_with(" from")
                        || ["tar over", "overtar", "takes over", "taking over"]
                            .iter()
                            .any(|t| before.contains(t)))
            })
    };
    let who = ms
        .iter()
        .filter(|m| matches!(m.who, Who::Sender | Who::Person(_)) && !predecessor(m))
        .min_by_key(|m| {
            // The person after the role word first ("kontaktperson blir X"), then before it
            // ("X er kontaktperson").
            let at = clause.start + role_at;
            if m.start >= at {
                m.start - at
            } else {
                10_000 + at - m.start
            }
        })?;
    // The clauses that follow with only a number ("Mobil 915 55 123.").
    let mut phones: Vec<String> = people::personal_numbers(clause.text, ctx)
        .into_iter()
        .map(|f| f.e164)
        .collect();
    // The contact's given name: "Brita har direktenummer 22 24 80 53", "Oda treffes på
    // oda.hesjedal@smk.dep.no og 22 24 41 86" speak of her.
    let contact_name = match &who.who {
        Who::Person(p) => Some(p.name.clone()),
        _ => None,
    };
    let given = |name: &str| name.split_whitespace().next().unwrap_or("").to_lowercase();
    let mut emails: Vec<String> = Vec::new();
    for next in all.iter().skip(i + 1).take(2) {
        if next.paragraph != clause.paragraph {
            break;
        }
        let found = people::personal_numbers(next.text, ctx);
        let named: Vec<Person> = people::mentions(next.text, next.start, ctx, false)
            .into_iter()
            .filter_map(|m| match m.who {
                Who::Person(p) => Some(p),
                _ => None,
            })
            .collect();
        let of_contact = |p: &Person| {
            contact_name
                .as_deref()
                .is_some_and(|c| !p.name.is_empty() && given(&p.name) == given(c))
        };
        let others = named.iter().any(|p| !of_contact(p));
        if !found.is_empty() && !others {
            phones.extend(found.into_iter().map(|f| f.e164));
        }
        if !others && let Some(c) = &contact_name {
            let speaks_of_them = named.iter().any(of_contact);
            emails.extend(
                people::addresses_in(next.text)
                    .filter(|a| speaks_of_them || people::address_spells(a, c))
                    .filter(|a| !people::is_own_address(a, ctx))
                    .map(str::to_lowercase),
            );
        }
    }
    phones.retain(|p| !ctx.own_phones.contains(p));
    // "Jeg er kontaktperson: marius.haug@ffo.no / 412 36 587": an address that is the sender's
    // own is the sender.
    let is_me = |p: &Person| {
        p.email
            .as_deref()
            .is_some_and(|e| me.email.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(e)))
    };
    match &who.who {
        Who::Person(p) if is_me(p) => Some(Contact {
            name: me.name.clone(),
            email: me.email.clone(),
            phone: p.phone.clone().or_else(|| phones.first().cloned()),
            is_sender: true,
        }),
        Who::Sender => Some(Contact {
            name: me.name.clone(),
            email: me.email.clone(),
            phone: phones
                .first()
                .cloned()
                .or_else(|| personal_phone(input.signature, ctx))
                .or_else(|| personal_phone(&signed_in_body(input.body, me), ctx)),
            is_sender: true,
        }),
        Who::Person(p) => {
            // A number given here beats one known from elsewhere in the message (the quoted
            // confirmation's old number: "han har fått nytt direktenummer: 22245301").
            // A first name only is completed, or set aside, where the register is known
            // (decide): the organisation may have named her in full before.
            let phone = phones.first().cloned().or_else(|| p.phone.clone());
            Some(Contact {
                name: (!p.name.is_empty()).then(|| p.name.clone()),
                email: p.email.clone().or_else(|| emails.first().cloned()),
                phone,
                is_sender: false,
            })
        }
        _ => None,
    }
}

/// Words that say a telephone number follows or stands near.
const NUMBER_WORDS: &[&str] = &[
    "nummer",
    "tlf",
    "telefon",
    "mobil",
    "phone",
    "number",
    "direct line",
];

/// "mobilnummeret til Are er 412 60 858", "Telefonnummeret mitt er feil – riktig direktenummer
/// er 22 24 92 71, ikke 22 24 92 17": the number a clause gives one person (the number it says
/// is not theirs left out). The sender's with "mitt/my"; a person's named in the clause.
fn new_phone(
    all: &[Clause<'_>],
    ctx: &Context,
    known: &LazyKnown<'_>,
    me: &Attendee,
    body: &str,
) -> Option<Box<super::facts::NewPhone>> {
    let mine = |lower: &str| any_word(lower, &["mitt", "min", "mi", "my"]);
    for (n, clause) in all.iter().enumerate() {
        let lower = clause.text.to_lowercase();
        if !NUMBER_WORDS.iter().any(|w| lower.contains(w)) || is_question(clause.text) {
            continue;
        }
        // "Telefonnummeret mitt er feil – riktig direktenummer er …", "Beklager – jeg skrev feil
        // telefonnummer i stad. Riktig direktenummer er …": the writer's, said in the clause
        // before in the same paragraph.
        let mine_before = n > 0 && all[n - 1].paragraph == clause.paragraph && {
            let before = all[n - 1].text.to_lowercase();
            NUMBER_WORDS.iter().any(|w| before.contains(w))
                && (mine(&before) || any_word(&before, &["jeg", "eg"]) || all[n - 1].text.contains("I "))
        };
        let Some(new) = people::personal_numbers(clause.text, ctx).into_iter().find(|f| {
            let before = lower[..f.start].trim_end();
            !["ikke", "ikkje", "not"].iter().any(|w| before.ends_with(w))
        }) else {
            continue;
        };
        let mut ms = people::mentions(clause.text, clause.start, ctx, false);
        resolve(&mut ms, known);
        let named: Vec<Attendee> = ms.iter().filter_map(|m| attendee_of(m, me)).collect();
        let who = match named.as_slice() {
            [one] => one.clone(),
            [] if mine(&lower) || mine_before => me.clone(),
            _ => continue,
        };
        return Some(Box::new(super::facts::NewPhone {
            who,
            phone: new.e164,
            evidence: evidence(body, clause.start, clause.text.len()),
        }));
    }
    None
}

/// Whether the words before a role word are a verb with no subject and nothing else of weight:
/// "kan også være", "blir gjerne", "er", "can also be", "happy to be", all the writer's.
fn writer_unsaid_before_role(before: &str) -> bool {
    const VERBS: &[&str] = &[
        "kan", "blir", "er", "vil", "skal", "tar", "tek", "står", "can", "will", "am", "happy", "glad",
    ];
    const FILLERS: &[&str] = &[
        "også", "òg", "gjerne", "godt", "fint", "være", "vere", "bli", "verte", "stå", "som", "be", "also",
        "to", "the", "as", "your", "our", "vår", "vårt", "deres", "dykkar",
    ];
    let words = plain_words(before);
    words.first().is_some_and(|w| VERBS.contains(w)) && words[1..].iter().all(|w| FILLERS.contains(w))
}

/// "Det blir meg." in answer to our mail about the contact person (its subject names the role):
/// the writer appoints themselves, with the number of their signature.
fn self_appointed(all: &[Clause<'_>], input: &Input<'_>, ctx: &Context, me: &Attendee) -> Option<Contact> {
    const ME: &[&str] = &[
        "det blir meg",
        "det er meg",
        "det blir jeg",
        "det blir eg",
        "det er eg",
        "det vert meg",
        "jeg tar det",
        "jeg tar den",
        "eg tek det",
        "eg tar det",
        "that will be me",
        "that'll be me",
        "that's me",
        "it will be me",
        "it's me",
        "i'll take it",
        "i will take it",
    ];
    if CONTACTS.first_substring(&input.subject.to_lowercase()).is_none() || all.len() > 3 {
        return None;
    }
    let says_me = all.iter().any(|c| {
        let lower = c.text.to_lowercase();
        let lower = lower.trim_end_matches(['.', '!', ' ']);
        ME.iter()
            .any(|m| lower == *m || lower.ends_with(&format!(" {m}")) || lower.starts_with(&format!("{m} ")))
    });
    says_me.then(|| Contact {
        name: me.name.clone(),
        email: me.email.clone(),
        phone: personal_phone(input.signature, ctx)
            .or_else(|| personal_phone(&signed_in_body(input.body, me), ctx)),
        is_sender: true,
    })
}

/// The sender's own number in a signature: a mobile or direct line, never a switchboard.
fn personal_phone(signature: &str, ctx: &Context) -> Option<String> {
    let mut best: Option<(u8, String)> = None;
    for line in signature.lines() {
        let lower = line.to_lowercase();
        for found in people::personal_numbers(line, ctx) {
            let label = people::number_label(&lower, found.start);
            let rank = if ["mobil", "mob", "mobile", "cell", "direkte", "direct", "dir"]
                .iter()
                .any(|w| label.contains(w))
            {
                2
            } else {
                1
            };
            if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                best = Some((rank, found.e164));
            }
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod replies;
#[cfg(test)]
mod tests;
