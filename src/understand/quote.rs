//! Keeps only what the person wrote now: cuts the quoted message ("> " lines, Outlook's
//! "Fra:/Sendt:/Til:/Emne:" block, Gmail's "… skrev …:", "-----Opprinnelig melding-----",
//! forwarded messages), and sets aside the signature and client footers ("Sendt fra min iPhone").
//!
//! Built from how mail clients in Norwegian, English and neighbouring languages mark a quote, not
//! from one client's exact layout: a header line is recognised by its shape (a label, a colon,
//! then the labels that follow it) and a "wrote:" line by its verb and the date or address in it.

/// A reply taken apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Split {
    /// What the person wrote now, without signature or footer.
    pub body: String,
    /// The signature block: the closing ("Med vennlig hilsen"), name, title, phone.
    pub signature: String,
    /// A mail client's footer ("Sendt fra min iPhone").
    pub footer: String,
    /// Everything quoted or forwarded, with its header.
    pub quoted: String,
    /// Where the person answered between the quoted lines: the quoted lines and theirs as they
    /// stand, from the first quoted line (empty when they did not).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub inline: String,
}

impl Split {
    /// The new text as the person sees it: body, signature and footer.
    pub fn visible(&self) -> String {
        let mut parts: Vec<&str> = vec![self.body.as_str()];
        if !self.signature.is_empty() {
            parts.push(&self.signature);
        }
        if !self.footer.is_empty() {
            parts.push(&self.footer);
        }
        parts.retain(|p| !p.is_empty());
        parts.join("\n\n")
    }
}

/// Labels that open a quoted header block ("From:", "Fra:", "Von:" …).
const FROM_LABELS: &[&str] = &[
    "from",
    "fra",
    "frå",
    "von",
    "de",
    "från",
    "lähettäjä",
    "od",
    "от",
    "van",
    "da",
    "feladó",
    "kimden",
];

/// Labels that follow the first one in a quoted header block.
const HEADER_LABELS: &[&str] = &[
    "sent",
    "sendt",
    "date",
    "dato",
    "datum",
    "gesendet",
    "envoyé",
    "enviado",
    "data",
    "päivämäärä",
    "lähetetty",
    "skickat",
    "to",
    "til",
    "an",
    "à",
    "para",
    "a",
    "till",
    "vastaanottaja",
    "subject",
    "emne",
    "betreff",
    "objet",
    "asunto",
    "oggetto",
    "assunto",
    "ämne",
    "aihe",
    "temat",
    "тема",
    "onderwerp",
    "kopi",
    "cc",
    "copie",
    "kopia",
    "reply-to",
    "svar til",
    "отправлено",
    "кому",
    "копия",
    "дата",
    "lähetetty",
    "vastaanottaja",
    "wysłano",
    "do",
    "odesláno",
    "komu",
];

/// Verbs that end a "On … X wrote:" line.
const WROTE: &[&str] = &[
    "wrote",
    "skrev",
    "schrieb",
    "a écrit",
    "escribió",
    "ha scritto",
    "scrisse",
    "escreveu",
    "schreef",
    "kirjoitti",
    "napisał",
    "napsal",
    "írta",
    "написал",
    "написала",
    "yazdı",
    "skrifaði",
    "rašė",
    "kirjutas",
    "sent",
    "geschrieben",
];

/// Phrases between dashes, or alone, that start an original or forwarded message.
const SEPARATORS: &[&str] = &[
    "original message",
    "opprinnelig melding",
    "opprinneleg melding",
    "oprindelig besked",
    "oprindelig meddelelse",
    "ursprüngliche nachricht",
    "ursprungligt meddelande",
    "message d'origine",
    "message original",
    "mensaje original",
    "messaggio originale",
    "mensagem original",
    "alkuperäinen viesti",
    "oorspronkelijk bericht",
    "forwarded message",
    "videresendt melding",
    "videresendt e-post",
    "videresendt besked",
    "vidarebefordrat meddelande",
    "weitergeleitete nachricht",
    "message transféré",
    "mensaje reenviado",
    "begin forwarded message",
    "start på videresendt melding",
    "videresendt melding",
    "forwarded by",
];

/// A mail client's own line at the end of a message.
const FOOTERS: &[&str] = &[
    "sent from ",
    "sendt fra ",
    "sent from my",
    "sendt fra min",
    "sendt fra mi",
    "sendt fra outlook",
    "sendt fra e-post",
    "sendt fra mail",
    "skickat från min",
    "get outlook for",
    "hent outlook for",
    "sent from outlook",
    "sent from mail for",
    "sent from yahoo",
    "sent with",
    "sent via",
    "envoyé de mon",
    "gesendet von meinem",
    "von meinem iphone gesendet",
    "enviado desde mi",
    "inviato da",
    "envoyé à partir de",
    "envoyé depuis",
    "gesendet von outlook",
    "gesendet mit",
];

/// Closings that start a signature when they stand on a line of their own.
const CLOSINGS: &[&str] = &[
    "med vennlig hilsen",
    "med vennleg helsing",
    "med venlig hilsen",
    "med hilsen",
    "vennlig hilsen",
    "vennleg helsing",
    "venleg helsing",
    "med venleg helsing",
    "beste helsing",
    "venlig hilsen",
    "vennlige hilsener",
    "beste hilsen",
    "beste hilsener",
    "hilsen",
    "hilsener",
    "helsing",
    "mvh",
    "m.v.h",
    "vh",
    "takk og hilsen",
    "vänliga hälsningar",
    "med vänlig hälsning",
    "hälsningar",
    "best regards",
    "kind regards",
    "warm regards",
    "warmest regards",
    "many thanks",
    "thanks",
    "thank you",
    "thanks again",
    "takk",
    "tusen takk",
    "thanks and regards",
    "thanks & regards",
    "regards",
    "best wishes",
    "all the best",
    "best",
    "cheers",
    "br",
    "rgds",
    "sincerely",
    "yours sincerely",
    "yours faithfully",
    "yours",
    "mit freundlichen grüßen",
    "freundliche grüße",
    "viele grüße",
    "liebe grüße",
    "gruß",
    "cordialement",
    "bien cordialement",
    "saludos",
    "un saludo",
    "cordiali saluti",
    "saluti",
    "atenciosamente",
];

fn normalize(line: &str) -> String {
    line.replace(['\u{200e}', '\u{200f}', '\u{feff}'], "")
        .trim()
        .trim_matches(|c: char| c == '*' || c == '_')
        .trim()
        .to_lowercase()
}

/// The label of a header-like line ("Fra: Tom" → "fra").
fn label(line: &str) -> Option<String> {
    let n = normalize(line);
    let (label, rest) = n.split_once(':')?;
    let label = label.trim().trim_matches('*').trim();
    if label.is_empty() || label.len() > 24 || rest.trim_start().starts_with("//") {
        return None;
    }
    Some(label.to_string())
}

fn is_header_start(lines: &[&str], i: usize) -> bool {
    let Some(first) = label(lines[i]) else {
        return false;
    };
    if !FROM_LABELS.contains(&first.as_str()) {
        return false;
    }
    // The block goes on with other header labels within a few lines (they may wrap).
    lines[i + 1..]
        .iter()
        .take(5)
        .filter_map(|l| label(l))
        .any(|l| HEADER_LABELS.contains(&l.as_str()))
}

fn is_separator(line: &str) -> bool {
    let n = normalize(line);
    if n.len() > 90 {
        return false;
    }
    let core = n.trim_matches(|c: char| c == '-' || c == '=' || c == '_' || c.is_whitespace() || c == ':');
    if core.is_empty() {
        return false;
    }
    let dashed = n.starts_with("--") || n.starts_with("==") || n.ends_with(':');
    dashed && SEPARATORS.iter().any(|s| core == *s || core.starts_with(s))
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 8 && t.chars().all(|c| c == '_' || c == '-' || c == '—')
}

/// Whether `text` (one line, or two or three joined) is a "… wrote:" line: "On … John wrote:",
/// or with the verb before the name as Norwegian clients write it, "… kl. 10:00 skrev Tom
/// <tom@kdd.dep.no>:".
fn is_wrote(text: &str) -> bool {
    let n = text.trim().to_lowercase();
    if n.len() > 400 {
        return false;
    }
    let head = n.trim_end_matches(':').trim_end();
    if !n.ends_with(':') {
        // "On Wed, 14 Nov 2018 08:14:43 -0200 John Doe <john@doe.com> wrote", colon forgotten.
        let verb_last = WROTE.iter().any(|w| head.ends_with(w));
        return verb_last && n.contains('@') && may_start_wrote(&n);
    }
    let verb_at_end = WROTE.iter().any(|w| head.ends_with(w));
    let verb_inside = WROTE.iter().any(|w| {
        head.match_indices(w).any(|(p, _)| {
            let before = head[..p].chars().last().is_none_or(|c| !c.is_alphabetic());
            let after = head[p + w.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphabetic());
            before && after
        })
    });
    let has_date_or_address = n.contains('@') || n.chars().any(|c| c.is_ascii_digit()) || n.contains('<');
    // Thunderbird's "Den 20.06.2022 14:31, skrev Rønning Ellen:": the verb before a name with
    // no address, after a date and a time at the start of the line.
    let dated_start = may_start_wrote(&n) && has_clock_time(&n) && names_after_verb(text.trim());
    (verb_at_end && has_date_or_address)
        || (verb_inside && (n.contains('@') || head.ends_with('>') || dated_start))
}

/// Whether `text` holds a time of day: "14:31", or "kl. 10.00".
fn has_clock_time(text: &str) -> bool {
    let b = text.as_bytes();
    let colon_time = (1..b.len().saturating_sub(2)).any(|i| {
        b[i] == b':' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit() && b[i + 2].is_ascii_digit()
    });
    colon_time || text.contains("kl.") || text.contains("kl ")
}

/// Whether the words after the verb of a wrote-line are a name: capitalised, and a few
/// ("skrev Rønning Ellen:", not "skrev vi til departementet følgende:").
fn names_after_verb(line: &str) -> bool {
    let lower = line.to_lowercase();
    let Some(end) = WROTE
        .iter()
        .filter_map(|w| lower.find(w).map(|at| at + w.len()))
        .min()
    else {
        return false;
    };
    let words: Vec<&str> = line
        .get(end..)
        .unwrap_or("")
        .trim_end_matches(':')
        .split_whitespace()
        .collect();
    !words.is_empty()
        && words.len() <= 4
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase) || w.starts_with('"'))
}

/// Weekday abbreviations that open a header line ("ons. 15. jun. 2022 kl. 10:00 skrev …").
const WEEKDAYS: &[&str] = &[
    "man", "tir", "ons", "tor", "fre", "lør", "søn", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "mo",
    "di", "mi", "do", "fr", "sa", "so", "ma", "ti", "ke", "to", "pe", "la", "su", "пн", "вт", "ср", "чт",
    "пт", "сб", "вс", "lun", "mar", "mer", "jeu", "ven", "sam", "dim", "seg", "ter", "qua", "qui", "sex",
    "sáb", "dom",
];

/// Whether a line may begin a "… wrote:" header that wraps onto the next line.
fn may_start_wrote(line: &str) -> bool {
    let n = normalize(line);
    let starts = [
        "on ", "den ", "am ", "le ", "el ", "il ", "em ", "op ", "på ", "w dniu", "dne ",
    ];
    let first = n
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_end_matches(['.', ',']);
    starts.iter().any(|s| n.starts_with(s))
        || n.chars().next().is_some_and(|c| c.is_ascii_digit())
        || WEEKDAYS.contains(&first)
}

/// "30.09.2017, 18.30, "John Doe" <john@doe.com>:": a date and an address, then a colon.
fn is_dated_sender_line(line: &str) -> bool {
    let t = line.trim();
    t.len() < 200
        && (t.ends_with(">:") || (t.ends_with(':') && t.contains('@')))
        && t.contains('@')
        && t.chars().filter(|c| c.is_ascii_digit()).count() >= 4
}

/// Where the quoted part starts, and whether that first line is a client's footer
/// ("Sendt fra min iPhone", then the original message without any other marker).
fn quote_start(lines: &[&str]) -> Option<(usize, bool)> {
    for i in 0..lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('>') {
            continue;
        }
        if is_separator(line) || is_header_start(lines, i) {
            return Some((header_top(lines, i), false));
        }
        if is_rule(line)
            && (i + 1..lines.len().min(i + 4)).any(|j| is_header_start(lines, j) || is_separator(lines[j]))
        {
            return Some((i, false));
        }
        if is_footer(line) && lines[i + 1..].iter().any(|l| !l.trim().is_empty()) {
            return Some((i, true));
        }
        // "On Mon, … John <john@x" / "> wrote:" split over two or three lines.
        if may_start_wrote(trimmed) && !trimmed.ends_with(['.', '!', '?']) {
            let mut joined = trimmed.to_string();
            for next in lines[i + 1..].iter().take(2) {
                let next = next.trim().trim_start_matches('>').trim();
                if next.is_empty() {
                    break;
                }
                joined.push(' ');
                joined.push_str(next);
                if is_wrote(&joined) {
                    return Some((i, false));
                }
            }
        }
        let unwrapped = trimmed.trim_matches(|c: char| c == '-' || c == ' ');
        if is_wrote(unwrapped) || is_dated_sender_line(trimmed) {
            return Some((i, false));
        }
    }
    None
}

/// The first line of a header block: header-like lines and rules just above it belong to it
/// ("Message du : 12/12/2016", "====").
fn header_top(lines: &[&str], start: usize) -> usize {
    let mut top = start;
    let mut i = start;
    // A labelled line belongs to the block only next to it: after a blank line it is the
    // signature's ("Sentralbord: 22 24 90 90 | Mobil: 905 43 218").
    let mut gap = false;
    while i > 0 {
        let above = lines[i - 1].trim();
        if above.is_empty() {
            gap = true;
            i -= 1;
            continue;
        }
        let rule = above.len() >= 3 && above.chars().all(|c| "=-_—*".contains(c));
        let labelled = label(above).is_some() && above.len() < 120 && !above.ends_with('.') && !gap;
        if rule || labelled {
            i -= 1;
            top = i;
        } else {
            break;
        }
    }
    top
}

fn is_footer(line: &str) -> bool {
    let n = normalize(line);
    // "Sent from my iPhone", not "Sent from my desk, which is easier".
    let rest_plain = |f: &str| {
        let rest = &n[f.len()..];
        !rest.contains(", ") && !rest.trim_end().ends_with('.') && rest.split_whitespace().count() <= 8
    };
    n.len() < 120 && FOOTERS.iter().any(|f| n.starts_with(f) && rest_plain(f))
}

/// Whether a line is a closing on its own ("Mvh", "Med vennlig hilsen,", "Mvh Kari Nordmann").
fn is_closing(line: &str) -> bool {
    let original = line.trim().trim_matches(|c: char| c == '*' || c == '_').trim();
    let n = original.to_lowercase();
    let n = n.trim_end_matches([',', '.', '!', '-']).trim();
    CLOSINGS.iter().any(|c| {
        if n == *c {
            return true;
        }
        // A closing followed by a short name on the same line: every word capitalised.
        let Some(rest) = n.strip_prefix(c) else {
            return false;
        };
        if !(rest.starts_with(' ') || rest.starts_with(',')) {
            return false;
        }
        let rest_original = original
            .get(c.len()..)
            .unwrap_or("")
            .trim_start_matches([',', ' ']);
        let words: Vec<&str> = rest_original.split_whitespace().collect();
        !words.is_empty()
            && words.len() <= 4
            && words
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
            && rest_original
                .chars()
                .all(|ch| ch.is_alphabetic() || ch == ' ' || ch == '.' || ch == '-')
    })
}

fn is_dash_name(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('-') && !t.starts_with("--") && {
        let name = t.trim_start_matches('-').trim();
        !name.is_empty()
            && name.split_whitespace().count() <= 4
            && name.chars().next().is_some_and(char::is_uppercase)
    }
}

/// Splits a plain-text reply.
pub fn split(text: &str) -> Split {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().collect();
    let (cut, footer_at_cut) = quote_start(&lines).unwrap_or((lines.len(), false));
    let mut quoted: Vec<&str> = Vec::new();
    let mut own: Vec<&str> = Vec::new();
    let mut inline = interleaved(&lines[..cut]);
    for line in &lines[..cut] {
        if line.trim_start().starts_with('>') {
            quoted.push(line);
        } else {
            own.push(line);
        }
    }
    let mut footer: Vec<&str> = Vec::new();
    let rest = if footer_at_cut {
        footer.push(lines[cut]);
        &lines[cut + 1..]
    } else {
        &lines[cut..]
    };
    // Bottom posting: nothing above the "… wrote:" line, the quote marked with ">", and the
    // answer below it.
    let nothing_above = own.iter().all(|l| l.trim().is_empty());
    let marked_quote = rest
        .iter()
        .skip(1)
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with('>'));
    let wrote_then_marked = marked_quote
        && !footer_at_cut
        && rest
            .first()
            .is_some_and(|l| is_wrote(l.trim()) || may_start_wrote(l));
    // Text above too, and answers between the quote's lines ("Det er det absolutt. Tax Justice
    // Norge vil gjerne delta."): the writer's words are above the quote and between its lines.
    let answered_inside = !nothing_above
        && wrote_then_marked
        && is_wrote(rest[0].trim())
        && interleaved(&rest[1..]).is_some()
        // "> Vi håper noen fra departementet kan" then "komme på møtet": a quote's line the
        // client wrapped without its mark is no answer; an answer begins as a sentence does.
        && rest[1..].windows(2).all(|w| {
            !w[0].trim_start().starts_with('>')
                || w[1].trim_start().starts_with('>')
                || w[1].trim().is_empty()
                || w[1].trim().chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        })
        && !rest[1..].iter().enumerate().any(|(k, l)| {
            let t = l.trim();
            !l.trim_start().starts_with('>')
                && (is_separator(l) || is_header_start(&rest[1..], k) || is_wrote(t) || is_rule(l))
        });
    if (nothing_above && wrote_then_marked) || answered_inside {
        let below: Vec<&str> = rest[1..]
            .iter()
            .copied()
            .filter(|l| !l.trim_start().starts_with('>'))
            .collect();
        if below.iter().any(|l| !l.trim().is_empty()) {
            if answered_inside {
                own.push("");
                own.extend(below);
            } else {
                own = below;
            }
            inline = interleaved(&rest[1..]);
            quoted.extend(rest.iter().copied().filter(|l| l.trim_start().starts_with('>')));
        } else {
            quoted.extend_from_slice(rest);
        }
    } else {
        // "Se svarene mine i teksten nedenfor": under the header, the quote marked with ">" and
        // the writer's answers between its lines. Put first, so that the signature stays last.
        if !footer_at_cut && let Some((answers, marked)) = answered_under_header(rest) {
            let top = std::mem::take(&mut own);
            own = answers;
            own.push("");
            own.extend(top);
            inline = Some(rest[marked..].join("\n"));
        } else if let Some(answers) = answers_marked_below(&own, rest) {
            // "Svar fra BFD står i teksten under, merket [BFD]": the lines of the quote that
            // begin with the mark are the writer's, without it.
            let top = std::mem::take(&mut own);
            own = answers;
            own.push("");
            own.extend(top);
        }
        quoted.extend_from_slice(rest);
    }
    while own.last().is_some_and(|l| l.trim().is_empty()) {
        own.pop();
    }
    // A client's footer, possibly after the signature.
    if let Some(pos) = own.iter().rposition(|l| !l.trim().is_empty())
        && footer.is_empty()
        && is_footer(own[pos])
        && own.len() - pos <= 2
    {
        footer = own.split_off(pos);
        while own.last().is_some_and(|l| l.trim().is_empty()) {
            own.pop();
        }
    }
    // A mailing list's footer under a short rule ("__\nriak-users mailing list").
    if let Some(pos) = own.iter().rposition(|l| {
        let t = l.trim();
        (2..8).contains(&t.len()) && t.chars().all(|c| c == '_')
    }) && own.len() - pos <= 8
    {
        let mut list_footer = own.split_off(pos);
        list_footer.extend(footer);
        footer = list_footer;
        while own.last().is_some_and(|l| l.trim().is_empty()) {
            own.pop();
        }
    }
    // The signature: after "-- ", or from a closing near the end.
    let window_start = own.len().saturating_sub(12);
    let delimiter = own.iter().position(|l| l.trim_end() == "--" || *l == "-- ");
    let closing = (window_start..own.len())
        .find(|&i| is_closing(own[i]) && own[..i].iter().any(|l| !l.trim().is_empty()));
    let dash_name = own
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .filter(|&i| is_dash_name(own[i]) && i > 0);
    let sig_start = [delimiter, closing, dash_name].into_iter().flatten().min();
    let signature = match sig_start {
        Some(i) => own.split_off(i),
        None => Vec::new(),
    };
    let join = |ls: &[&str]| ls.join("\n").trim().to_string();
    Split {
        body: join(&own),
        signature: join(&signature),
        footer: join(&footer),
        quoted: join(&quoted),
        inline: inline.unwrap_or_default(),
    }
}

/// The writer's lines between the lines of a quote marked with ">" under a header ("Fra: …",
/// "… skrev:"), up to the next header or the quote's last line, and where the marked quote begins; `None` when the quote
/// under the header is not marked or holds no line of theirs. A line that only goes on with the
/// quoted sentence above it (a client's broken wrapping: "> … invitasjonen til\nsivilsamfunnet
/// …") is the quote's.
fn answered_under_header<'t>(rest: &[&'t str]) -> Option<(Vec<&'t str>, usize)> {
    let quote = |l: &str| l.trim_start().starts_with('>');
    let blank = rest.iter().position(|l| l.trim().is_empty())?;
    let marked = (blank..rest.len()).find(|&i| !rest[i].trim().is_empty())?;
    if !quote(rest[marked]) {
        return None;
    }
    let mut answers = Vec::new();
    for k in marked..rest.len() {
        let line = rest[k];
        let t = line.trim();
        if t.is_empty() || quote(line) {
            continue;
        }
        if is_separator(line) || is_header_start(rest, k) || is_wrote(t) || is_rule(line) || t == "--" {
            break;
        }
        // Between the quote's lines: what stands after its last line is no answer to it (a
        // signature the client left unmarked).
        if !rest[k + 1..].iter().any(|l| quote(l)) {
            break;
        }
        let above = rest[k - 1].trim();
        let goes_on = quote(above)
            && !above.ends_with(['.', '!', '?', ':', ')'])
            && t.chars().next().is_some_and(char::is_lowercase);
        if !goes_on {
            answers.push(line);
        }
    }
    (!answers.is_empty()).then_some((answers, marked))
}

/// The writer's answers in a quote without quote marks, when the text above says they stand
/// below with a mark of their own ("merket [BFD]", "marked [KK]", "med initialene HB:"): the
/// quote's lines that begin with the mark, the mark taken off.
fn answers_marked_below<'t>(own: &[&str], rest: &[&'t str]) -> Option<Vec<&'t str>> {
    let top = own.join(" ");
    let lower = top.to_lowercase();
    const BELOW: &[&str] = &[
        "under",
        "nedenfor",
        "nedanfor",
        "below",
        "inline",
        "i teksten",
        "in the text",
    ];
    if !BELOW.iter().any(|w| lower.contains(w)) {
        return None;
    }
    // The mark: a short word in brackets, or the word after "merket"/"marked"/"initialene".
    let bracketed = top.find('[').and_then(|open| {
        let close = open + top[open..].find(']')?;
        let inner = &top[open + 1..close];
        (!inner.is_empty() && inner.chars().count() <= 12 && !inner.contains(' ')).then(|| &top[open..=close])
    });
    let named = [
        "merket ",
        "markert ",
        "marked ",
        "initialene ",
        "initialane ",
        "initials ",
    ]
    .iter()
    .find_map(|w| {
        let at = lower.find(w)? + w.len();
        let word = top[at..].split_whitespace().next()?;
        let word = word.trim_end_matches([',', '.', ')']);
        (word.len() >= 2 && word.len() <= 12 && word.chars().any(char::is_uppercase)).then_some(word)
    });
    let mark = bracketed.or(named)?;
    let answers: Vec<&'t str> = rest
        .iter()
        .filter_map(|l| {
            let t = l.trim_start();
            let after = t.strip_prefix(mark)?;
            let after = after.strip_prefix(':').unwrap_or(after);
            (after.starts_with(' ') && !after.trim().is_empty()).then(|| after.trim_start())
        })
        .collect();
    (!answers.is_empty()).then_some(answers)
}

/// The lines from the first quoted one on, when the person wrote some of their own after it
/// ("> 1) mandag 29. august\nNei\n> 2) onsdag 31. august\nJa").
fn interleaved(lines: &[&str]) -> Option<String> {
    let quote = |l: &&str| l.trim_start().starts_with('>');
    let first = lines.iter().position(quote)?;
    let answered = lines[first..]
        .iter()
        .enumerate()
        .any(|(i, l)| !quote(l) && !l.trim().is_empty() && lines[first + i..].iter().any(quote));
    answered.then(|| lines[first..].join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_labelled_signature_line_above_a_blank_line_stays_with_the_signature() {
        let s = split(
            "Jeg kommer.\n\nVennlig hilsen\nYngve Aasland\nSentralbord: 22 24 90 90 | Mobil: 905 43 218\n\nFra: Tom Arne Nygaard <tom-arne.nygaard@kdd.dep.no>\nSendt: onsdag 15. juni 2022 10:00\nTil: Postmottak HOD\nEmne: Invitasjon\n\nTil departementene",
        );
        assert!(s.signature.contains("Mobil: 905 43 218"), "{s:?}");
        assert!(s.quoted.starts_with("Fra:"), "{s:?}");
    }

    #[test]
    fn norwegian_outlook_reply_keeps_only_the_answer() {
        let text = "Hei Tom Arne,\n\nAID melder på to deltakere.\n\nMed vennlig hilsen\nKari Nordmann\nseniorrådgiver\nTlf. 22 24 12 34\n\nFra: Nygaard Tom Arne <tom-arne.nygaard@kdd.dep.no>\nSendt: onsdag 15. juni 2022 10:00\nTil: Postmottak AID <postmottak@aid.dep.no>\nEmne: Open Government Partnership (OGP) Handlingsplan 5\n\nEtter drøftinger i regjeringen ...\nTom Arne Nygaard\n+47 22 24 49 71\n";
        let split = split(text);
        assert_eq!(split.body, "Hei Tom Arne,\n\nAID melder på to deltakere.");
        assert_eq!(
            split.signature,
            "Med vennlig hilsen\nKari Nordmann\nseniorrådgiver\nTlf. 22 24 12 34"
        );
        assert!(split.quoted.starts_with("Fra: Nygaard Tom Arne"));
        assert!(!split.body.contains("22 24 49 71"));
    }

    #[test]
    fn a_nynorsk_closing_starts_the_signature() {
        for closing in ["Venleg helsing", "Med venleg helsing", "Beste helsing"] {
            let s = split(&format!(
                "Eg er kontaktperson.\n\n{closing}\nGunnhild Ravn\nMobil: 970 11 234"
            ));
            assert_eq!(s.body, "Eg er kontaktperson.", "{closing}");
            assert!(s.signature.contains("Gunnhild Ravn"), "{closing}");
        }
    }

    #[test]
    fn thunderbirds_norwegian_wrote_line_without_an_address_above_a_bottom_posted_answer() {
        let text = "Den 20.06.2022 14:31, skrev Rønning Ellen:\n> Hei Sabima,\n>\n> Hilsen Ellen\n\nTakk, Ellen!\n\nVi kommer gjerne.";
        let s = split(text);
        assert_eq!(s.body, "Takk, Ellen!\n\nVi kommer gjerne.");
        assert!(
            !is_wrote("Den 23. juni skrev vi til dere:"),
            "a sentence, no header"
        );
        assert!(
            !is_wrote("Den 15.06.2022 skrev vi til departementet følgende:"),
            "the writer's own words"
        );
        assert!(is_wrote("Den 20.06.2022 14:31, skrev Rønning Ellen:"));
    }

    #[test]
    fn answers_between_the_lines_below_a_wrote_line_stay_with_the_text_above() {
        let text = "Hei Per,\n\nTakk for videresendingen!\n\nDen 20.06.2022 16:02, skrev Hansen, Per:\n> Vi tror dette kan være interessant.\n>\n> Samskapingsmøte 23. juni\n\nDet er det absolutt. Vi vil gjerne delta.\n\n> Brevet følger vedlagt.\n\nHilsen\nSigrid";
        let s = split(text);
        assert!(
            s.body.starts_with("Hei Per,\n\nTakk for videresendingen!"),
            "{s:?}"
        );
        assert!(
            s.body.contains("Det er det absolutt. Vi vil gjerne delta."),
            "{s:?}"
        );
        assert!(!s.body.contains("interessant"), "{s:?}");
    }

    #[test]
    fn gmail_norwegian_wrote_line_even_when_wrapped() {
        let text = "Vi kommer!\n\nons. 15. jun. 2022 kl. 10:00 skrev Tom Arne Nygaard <\ntom-arne.nygaard@kdd.dep.no>:\n\n> Invitasjon\n";
        let split = split(text);
        assert_eq!(split.body, "Vi kommer!");
        assert!(split.quoted.contains("> Invitasjon"));
    }

    #[test]
    fn opprinnelig_melding_and_forwards_are_cut() {
        for separator in [
            "-----Opprinnelig melding-----",
            "---------- Videresendt melding ---------",
            "-----Original Message-----",
            "Begin forwarded message:",
            "-------- Oprindelig besked --------",
        ] {
            let text = format!("Svar her.\n\n{separator}\nFra: Tom\nTekst\n");
            assert_eq!(split(&text).body, "Svar her.", "{separator}");
        }
    }

    #[test]
    fn a_rule_before_an_english_outlook_header_is_cut_with_it() {
        let text = "Count us in.\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n________________________________\nFrom: Tom <tom@kdd.dep.no>\nSent: Wednesday, June 15, 2022 10:00 AM\nTo: AID\nSubject: OGP\n\nOld text";
        let split = split(text);
        assert_eq!(split.body, "Count us in.");
        assert_eq!(split.footer, "Get Outlook for iOS<https://aka.ms/o0ukef>");
    }

    #[test]
    fn sendt_fra_min_iphone_is_a_footer() {
        let split = split(
            "Ja, jeg kommer.\n\nSendt fra min iPhone\n\n> Den 15. juni 2022 kl. 10:00 skrev Tom:\n> Hei",
        );
        assert_eq!(split.body, "Ja, jeg kommer.");
        assert_eq!(split.footer, "Sendt fra min iPhone");
    }

    #[test]
    fn inline_replies_keep_the_new_lines_between_quotes() {
        let text = "> Kan dere komme?\nJa, to av oss.\n> Hvem blir kontaktperson?\nKari Nordmann.\n";
        let split = split(text);
        assert_eq!(split.body, "Ja, to av oss.\nKari Nordmann.");
        assert_eq!(split.inline, text.trim_end());
    }

    #[test]
    fn answers_under_a_quoted_header_keep_their_place_between_the_quoted_lines() {
        let text = "Den 27.06.2022 10:00, skrev Tom Arne Nygaard:\n> 1) mandag 29. august\nNei\n> 2) onsdag 31. august\nJa\n>\n> Hilsen Tom\n\n-- \nKjetil";
        let split = split(text);
        assert!(
            split
                .inline
                .starts_with("> 1) mandag 29. august\nNei\n> 2) onsdag"),
            "{split:?}"
        );
    }

    #[test]
    fn answers_between_the_marked_lines_under_an_outlook_header_are_the_writer_s() {
        let text = "Hei,\n\nSe svarene mine i teksten.\n\nLiv Hagerup\nJD\n\nFra: Tom Arne Nygaard <tom@kdd.dep.no>\nSendt: onsdag 15. juni 2022 10:00\nTil: Postmottak JD\nEmne: Invitasjon\n\n> Vi ber om en kontaktperson for\narbeidet, med telefonnummer.\n\nKontaktperson blir Amund Roaldset.\n\n> Påmelding innen 21. juni.\nFra JD kommer Amund og undertegnede.\n> Med hilsen\n> Tom\n";
        let split = split(text);
        assert!(
            split.body.starts_with(
                "Kontaktperson blir Amund Roaldset.\nFra JD kommer Amund og undertegnede.\n\nHei,"
            ),
            "{split:?}"
        );
        assert!(split.body.ends_with("Liv Hagerup\nJD"), "{split:?}");
        assert!(
            !split.body.contains("arbeidet, med"),
            "a wrapped quote line is the quote's: {split:?}"
        );
        assert!(split.quoted.starts_with("Fra: Tom Arne Nygaard"), "{split:?}");
    }

    #[test]
    fn an_unmarked_signature_under_the_marked_quote_is_no_answer() {
        // Regression: github's email_bullets.txt lost its whole text to the signature under it.
        let text = "Svar her.\n\nOn Fri, Feb 24, 2012 at 10:19 AM, <x@example.com> wrote:\n\n> Give us an example\n\n-- \n\n*Joe Smith | Director*\n";
        let split = split(text);
        assert_eq!(split.body, "Svar her.", "{split:?}");
    }

    #[test]
    fn an_outlook_quote_without_marks_holds_no_answers_of_the_writer() {
        let text = "Vi kommer.\n\nFra: Tom <tom@kdd.dep.no>\nSendt: onsdag 15. juni 2022 10:00\nTil: JD\nEmne: Invitasjon\n\nHei,\nVelkommen.\n> eldre tekst\nMer fra Tom.\n";
        let split = split(text);
        assert_eq!(split.body, "Vi kommer.", "{split:?}");
    }

    #[test]
    fn a_quote_under_the_answer_is_no_inline_answer() {
        let split = split("Ja, vi kommer.\n\n> Kan dere komme?\n> Hilsen Tom\n");
        assert_eq!(split.inline, "", "{split:?}");
    }

    #[test]
    fn a_line_that_starts_with_on_is_not_a_quote_header() {
        let text = "On your remote host you can run telnet.\n\nOn 9 Jan 2014, at 2:47, George <g@example.com> wrote:\n> old";
        assert_eq!(split(text).body, "On your remote host you can run telnet.");
    }

    #[test]
    fn from_inside_a_sentence_is_not_a_header() {
        let text = "Hilsen fra: alle oss i AID\nVi deltar med tre personer fra: avdelingen.\n";
        assert_eq!(
            split(text).body,
            "Hilsen fra: alle oss i AID\nVi deltar med tre personer fra: avdelingen."
        );
    }

    #[test]
    fn regards_in_a_sentence_is_not_a_closing() {
        let text = "Hi,\n\nI write with regards to the payment.\n\nThanks\nJohn";
        let split = split(text);
        assert_eq!(split.body, "Hi,\n\nI write with regards to the payment.");
        assert_eq!(split.signature, "Thanks\nJohn");
    }

    #[test]
    fn mvh_with_a_name_on_the_same_line_starts_the_signature() {
        let split = split("Vi kommer 3.\nMvh Per Olsen\nKLD");
        assert_eq!(split.body, "Vi kommer 3.");
        assert_eq!(split.signature, "Mvh Per Olsen\nKLD");
    }

    #[test]
    fn answers_marked_in_a_quote_without_quote_marks_are_the_writer_s() {
        let text = "Hei,\n\nSvar fra BFD står i teksten under, merket [BFD].\n\nJon Are\n\n-----Opprinnelig melding-----\nFra: Tom Arne Nygaard <tom-arne.nygaard@kdd.dep.no>\nSendt: onsdag 15. juni 2022 10:00\nEmne: Invitasjon\n\nVi ber om en kontaktperson.\n\n[BFD] Kontaktperson: Linn Fosse, 22 24 26 93.\n\nPåmelding innen tirsdag 21. juni.\n\n[BFD] Linn Fosse og jeg kommer.\n";
        let split = split(text);
        assert!(
            split
                .body
                .starts_with("Kontaktperson: Linn Fosse, 22 24 26 93.\nLinn Fosse og jeg kommer."),
            "{split:?}"
        );
        assert!(!split.body.contains("Påmelding innen"), "{split:?}");
        // No mark announced above: the quote stays the quote.
        let plain = text.replace("Svar fra BFD står i teksten under, merket [BFD].", "Se vedlagt.");
        assert!(!super::split(&plain).body.contains("Linn Fosse"));
    }
}
