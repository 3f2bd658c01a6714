//! What a message says, as a digest: the same for every copy of one message (delivered to two
//! folders, read over IMAP and from a file), different when anything a reader sees differs. A
//! second message under a Message-ID read before is a duplicate only when the digests are equal;
//! otherwise someone may be reusing the Message-ID to hide a message, and it goes to review.
//!
//! Counted: the body, byte for byte but for line endings and the blank lines or spaces at its
//! very end, and the headers a reader or samskap acts on (who, to whom, what, when, in reply to
//! what, and how the body is encoded), every occurrence, unfolded. Left out: what transport adds
//! or changes on the way (Received, Delivered-To, Return-Path, Authentication-Results, ARC-*,
//! X-*, and any other header not listed).

use sha2::{Digest, Sha256};

/// The headers that make a message what it is, lowercase.
const COUNTED: &[&str] = &[
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "subject",
    "date",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
];

/// The digest of what `raw` says, as text ("v1:" and hex, so a later way of counting can be told
/// apart).
pub fn fingerprint(raw: &[u8]) -> String {
    let (header, body) = split(raw);
    let mut hash = Sha256::new();
    for (name, value) in counted_headers(header) {
        hash.update(name.as_bytes());
        hash.update(b":");
        hash.update(&value);
        hash.update(b"\n");
    }
    hash.update(b"\n");
    hash_body(&mut hash, body);
    format!("v1:{}", data_encoding::HEXLOWER.encode(&hash.finalize()))
}

/// The digest of a message known only by its header (one too big to read): marked as such, so it
/// never equals the digest of the whole message.
pub fn header_fingerprint(header: &[u8], size: u64) -> String {
    let mut hash = Sha256::new();
    for (name, value) in counted_headers(split(header).0) {
        hash.update(name.as_bytes());
        hash.update(b":");
        hash.update(&value);
        hash.update(b"\n");
    }
    hash.update(size.to_string().as_bytes());
    format!("v1-header:{}", data_encoding::HEXLOWER.encode(&hash.finalize()))
}

/// The header and the body, split at the first empty line (LF or CRLF); all header when there
/// is none.
fn split(raw: &[u8]) -> (&[u8], &[u8]) {
    let mut at = 0;
    while at < raw.len() {
        let end = memchr::memchr(b'\n', &raw[at..]).map_or(raw.len(), |i| at + i + 1);
        let line = &raw[at..end];
        if line == b"\n" || line == b"\r\n" {
            return (&raw[..at], &raw[end..]);
        }
        at = end;
    }
    (raw, &[])
}

/// The counted headers in order, names lowercase, values unfolded with runs of white space made
/// one space and trimmed.
fn counted_headers(header: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut fields: Vec<(String, Vec<u8>)> = Vec::new();
    let mut current: Option<(String, Vec<u8>)> = None;
    for line in header.split(|b| *b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            if let Some((_, value)) = current.as_mut() {
                value.push(b' ');
                value.extend_from_slice(line);
            }
            continue;
        }
        fields.extend(current.take());
        // A line without a colon (mbox's "From " line) is no field.
        if let Some(colon) = memchr::memchr(b':', line) {
            let name = String::from_utf8_lossy(&line[..colon])
                .trim()
                .to_ascii_lowercase();
            current = Some((name, line[colon + 1..].to_vec()));
        }
    }
    fields.extend(current);
    fields
        .into_iter()
        .filter(|(name, _)| COUNTED.contains(&name.as_str()))
        .map(|(name, value)| {
            let mut out = Vec::with_capacity(value.len());
            for word in value.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()) {
                if !out.is_empty() {
                    out.push(b' ');
                }
                out.extend_from_slice(word);
            }
            (name, out)
        })
        .collect()
}

/// Hashes the body with CRLF read as LF and its white space at the very end left out.
fn hash_body(hash: &mut Sha256, body: &[u8]) {
    let end = body
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    for line in body[..end].split_inclusive(|b| *b == b'\n') {
        match line.strip_suffix(b"\r\n") {
            Some(text) => {
                hash.update(text);
                hash.update(b"\n");
            }
            None => hash.update(line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = "Return-Path: <lise.berg@aid.dep.no>\r\nReceived: from mx1 by mx2; Sat, 18 Jun 2022 12:00:01 +0200\r\nDelivered-To: tom@kdd.dep.no\r\nFrom: Lise Berg <lise.berg@aid.dep.no>\r\nTo: tom@kdd.dep.no\r\nSubject: SV: Invitasjon\r\n til samskapingsmøte\r\nMessage-ID: <a@aid.dep.no>\r\nDate: Sat, 18 Jun 2022 12:00:00 +0200\r\nX-MS-Exchange-Organization-SCL: 1\r\n\r\nAID melder på 2 personer.\r\n\r\nMvh\r\nLise\r\n";

    #[test]
    fn copies_that_differ_only_on_the_way_are_the_same_message() {
        let first = fingerprint(MESSAGE.as_bytes());
        // Another folder: other Received, Delivered-To and X- headers, and the same read from a
        // Maildir file with LF line ends and an extra newline at the end.
        let other = MESSAGE
            .replace("Received: from mx1 by mx2", "Received: from mx3 by mx4")
            .replace("Delivered-To: tom@kdd.dep.no", "Delivered-To: archive@kdd.dep.no")
            .replace(
                "SCL: 1",
                "SCL: -1\r\nX-Spam: no\r\nAuthentication-Results: mx; dkim=pass",
            );
        assert_eq!(fingerprint(other.as_bytes()), first);
        let file = format!("{}\n", MESSAGE.replace("\r\n", "\n"));
        assert_eq!(fingerprint(file.as_bytes()), first);
        // A header folded elsewhere says the same.
        let refolded = MESSAGE.replace("SV: Invitasjon\r\n til", "SV: Invitasjon til");
        assert_eq!(fingerprint(refolded.as_bytes()), first);
    }

    #[test]
    fn a_different_body_sender_subject_or_date_is_another_message() {
        let first = fingerprint(MESSAGE.as_bytes());
        for (from, to) in [
            ("melder på 2", "melder på 3"),
            (
                "From: Lise Berg <lise.berg@aid.dep.no>",
                "From: Lise Berg <mallory@evil.example>",
            ),
            ("Subject: SV:", "Subject: VS:"),
            ("12:00:00 +0200", "12:00:09 +0200"),
            (
                "To: tom@kdd.dep.no\r\n",
                "To: tom@kdd.dep.no\r\nReply-To: mallory@evil.example\r\n",
            ),
            ("Lise\r\n", "Lise\r\nPS: kontakt er nå mallory@evil.example\r\n"),
        ] {
            let changed = MESSAGE.replace(from, to);
            assert_ne!(changed, MESSAGE);
            assert_ne!(fingerprint(changed.as_bytes()), first, "{from} -> {to}");
        }
        // A second From header cannot hide beside the first.
        let two = MESSAGE.replace("To: tom", "From: mallory@evil.example\r\nTo: tom");
        assert_ne!(fingerprint(two.as_bytes()), first);
    }

    #[test]
    fn a_message_known_by_its_header_only_is_never_the_whole_message() {
        let header = &MESSAGE[..MESSAGE.find("\r\n\r\n").unwrap() + 4];
        let partial = header_fingerprint(header.as_bytes(), MESSAGE.len() as u64);
        assert_ne!(partial, fingerprint(MESSAGE.as_bytes()));
        assert_eq!(
            partial,
            header_fingerprint(MESSAGE.as_bytes(), MESSAGE.len() as u64),
            "the body after the header changes nothing"
        );
    }
}
