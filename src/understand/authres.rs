//! What the receiving servers said about a message's authenticity: its `Authentication-Results`
//! headers (RFC 8601), in the standard form and in Exchange Online's, which has no authserv-id,
//! each with its place among the headers. Whose word counts is the decide stage's question
//! ([`crate::decide::authority`]); this only reads.

use serde::Serialize;

/// One `Authentication-Results` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthHeader {
    /// Who wrote it (the authserv-id, lowercase); empty in Exchange Online's form, which names no
    /// one ("spf=pass (sender IP is …) smtp.mailfrom=…; dkim=pass …").
    pub server: String,
    /// Its place among the message's headers, 0 the topmost (the last written).
    pub position: usize,
    /// Whether it lies above the topmost `Received` header that Exchange Online's inbound
    /// frontend wrote (`… by X.mail.protection.outlook.com … via Frontend Transport`): written
    /// after the message entered Microsoft 365, so not by the sender.
    pub above_exchange_entry: bool,
    pub results: Vec<AuthResult>,
}

/// One verdict in a header: `dkim=pass (signature was verified) header.d=aid.dep.no`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthResult {
    /// dkim, spf, dmarc, arc, compauth…, lowercase.
    pub method: String,
    /// pass, fail, none, softfail, bestguesspass…, lowercase.
    pub result: String,
    /// The properties after it, keys and values lowercase: ("header.d", "aid.dep.no"),
    /// ("smtp.mailfrom", "lise@aid.dep.no"), ("action", "none"), ("reason", "100").
    pub props: Vec<(String, String)>,
}

impl AuthResult {
    /// The value of property `key` ("header.from"), if given.
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// The hosts whose `Received` lines mark a message's entry into Microsoft 365: its inbound
/// frontends, worldwide, in the US government cloud, and in the one operated in China.
const EXCHANGE_ENTRY_HOSTS: [&str; 3] = [
    ".mail.protection.outlook.com",
    ".mail.protection.office365.us",
    ".mail.protection.partner.outlook.cn",
];

/// Reads every `Authentication-Results` header of `headers` (name and raw value, in order, the
/// topmost first), with its place.
pub fn read<'a>(headers: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<AuthHeader> {
    let mut found = Vec::new();
    let mut received = Vec::new();
    for (position, (name, value)) in headers.enumerate() {
        if name.eq_ignore_ascii_case("Authentication-Results") {
            found.push((position, value));
        } else if name.eq_ignore_ascii_case("Received") {
            received.push((position, value));
        }
    }
    // Where Exchange took the message in, looked for only when there are results to place.
    let exchange_entry = if found.is_empty() {
        None
    } else {
        received
            .into_iter()
            .find(|(_, value)| {
                received_by(value).is_some_and(|by| EXCHANGE_ENTRY_HOSTS.iter().any(|h| by.ends_with(h)))
            })
            .map(|(position, _)| position)
    };
    found
        .into_iter()
        .map(|(position, value)| {
            let (server, results) = parse(value);
            AuthHeader {
                server,
                position,
                above_exchange_entry: exchange_entry.is_some_and(|entry| position < entry),
                results,
            }
        })
        .collect()
}

/// The text with comments ("(sender IP is 10.0.0.1)", nested or not) taken out and quoted
/// strings kept as they are; line breaks become spaces.
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut quoted = false;
    let mut escaped = false;
    for c in text.chars() {
        let c = if c == '\r' || c == '\n' { ' ' } else { c };
        if escaped {
            escaped = false;
            if depth == 0 {
                out.push(c);
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => {
                escaped = true;
                if depth == 0 {
                    out.push(c);
                }
            }
            '"' if depth == 0 => {
                quoted = !quoted;
                out.push(c);
            }
            '(' if !quoted => {
                depth += 1;
                // A comment separates what is on either side of it.
                out.push(' ');
            }
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// The host after "by" in a `Received` header, lowercase.
fn received_by(value: &str) -> Option<String> {
    let text = without_comments(value);
    let mut words = text.split_whitespace();
    while let Some(word) = words.next() {
        if word.eq_ignore_ascii_case("by") {
            return words.next().map(|h| h.trim_end_matches(';').to_ascii_lowercase());
        }
    }
    None
}

/// Whether a piece of a header reads as `method=result`.
fn is_method(word: &str) -> bool {
    word.split_once('=').is_some_and(|(method, result)| {
        !method.is_empty()
            && !result.is_empty()
            && !method.contains('.')
            && method
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
    })
}

/// One header's value: who wrote it and its verdicts.
fn parse(value: &str) -> (String, Vec<AuthResult>) {
    let text = without_comments(value);
    let mut pieces = text.split(';');
    let first = pieces.next().unwrap_or("");
    let mut results = Vec::new();
    let server = match first.split_whitespace().next() {
        // Exchange Online's form: the header begins with a verdict.
        Some(word) if is_method(word) => {
            results.extend(result(first));
            String::new()
        }
        Some(word) => word.to_ascii_lowercase(),
        None => String::new(),
    };
    // Pieces that are not verdicts ("none", or the recipient's domain that Exchange Online puts
    // between them: "smtp.mailfrom=contoso.com; fabrikam.com; dkim=…") are passed over.
    results.extend(pieces.filter_map(result));
    (server, results)
}

/// One verdict: "dmarc=pass action=none header.from=contoso.com".
fn result(piece: &str) -> Option<AuthResult> {
    let mut words = piece.split_whitespace();
    let first = words.next()?;
    if !is_method(first) {
        return None;
    }
    let (method, result) = first.split_once('=')?;
    // "dkim/1" names a version of the method.
    let method = method.split('/').next().unwrap_or(method).to_ascii_lowercase();
    let props = words
        .filter_map(|w| w.split_once('='))
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim_matches('"').to_ascii_lowercase()))
        .collect();
    Some(AuthResult {
        method,
        result: result.to_ascii_lowercase(),
        props,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(value: &str) -> AuthHeader {
        read([("Authentication-Results", value)].into_iter()).remove(0)
    }

    #[test]
    fn the_standard_form_names_its_server_and_each_verdict_with_its_properties() {
        let h = one(
            "mx.kdd.dep.no;\r\n dkim=pass header.d=aid.dep.no header.b=\"Ab+c\";\r\n spf=pass (mx.kdd.dep.no: domain of lise@aid.dep.no designates 10.0.0.1 as permitted sender) smtp.mailfrom=Lise@AID.dep.no;\r\n dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=aid.dep.no",
        );
        assert_eq!(h.server, "mx.kdd.dep.no");
        let methods: Vec<(&str, &str)> = h
            .results
            .iter()
            .map(|r| (r.method.as_str(), r.result.as_str()))
            .collect();
        assert_eq!(methods, [("dkim", "pass"), ("spf", "pass"), ("dmarc", "pass")]);
        assert_eq!(h.results[0].prop("header.d"), Some("aid.dep.no"));
        assert_eq!(h.results[0].prop("header.b"), Some("ab+c"));
        assert_eq!(h.results[1].prop("smtp.mailfrom"), Some("lise@aid.dep.no"));
        assert_eq!(h.results[2].prop("header.from"), Some("aid.dep.no"));
    }

    #[test]
    fn a_version_and_no_result_are_understood() {
        let h = one("mx.kdd.dep.no 1; none");
        assert_eq!(h.server, "mx.kdd.dep.no");
        assert!(h.results.is_empty());
    }

    /// The shape Microsoft's documentation gives, copied from "Email authentication in cloud
    /// organizations" (learn.microsoft.com/defender-office-365/email-authentication-about,
    /// section "Composite authentication", third example): no authserv-id, the recipient's
    /// domain between the verdicts, compauth.
    #[test]
    fn exchange_online_s_form_has_no_server_and_a_domain_between_the_verdicts() {
        let h = one(
            "spf=pass (sender IP is 10.2.3.4)\r\n  smtp.mailfrom=fabrikam.com; contoso.com; dkim=pass\r\n  (signature was verified) header.d=outbound.fabrikam.com;\r\n  contoso.com; dmarc=bestguesspass action=none\r\n  header.from=fabrikam.com; compauth=pass reason=109",
        );
        assert_eq!(h.server, "");
        let methods: Vec<(&str, &str)> = h
            .results
            .iter()
            .map(|r| (r.method.as_str(), r.result.as_str()))
            .collect();
        assert_eq!(
            methods,
            [
                ("spf", "pass"),
                ("dkim", "pass"),
                ("dmarc", "bestguesspass"),
                ("compauth", "pass")
            ]
        );
        assert_eq!(h.results[1].prop("header.d"), Some("outbound.fabrikam.com"));
        assert_eq!(h.results[2].prop("action"), Some("none"));
        assert_eq!(h.results[3].prop("reason"), Some("109"));
    }

    #[test]
    fn a_header_is_above_exchange_online_s_entry_only_when_written_after_it() {
        // The order Exchange Online leaves them in, topmost first (as in a real message from
        // 163.com to a tenant, 2021); the sender wrote the lowest two.
        let headers = [
            (
                "Received",
                "from HK2APC01FT029.eop-APC01.prod.protection.outlook.com\r\n (2603:1096:202:2e:cafe::4c) by HK2PR06CA0006.outlook.office365.com\r\n (2603:1096:202:2e::18) with Microsoft SMTP Server id 15.20.4331.21 via Frontend\r\n Transport; Wed, 14 Jul 2021 08:17:57 +0000",
            ),
            (
                "Authentication-Results",
                "spf=pass (sender IP is 123.126.97.3)\r\n smtp.mailfrom=163.com; dkim=pass header.d=163.com;dmarc=pass\r\n action=none header.from=163.com;compauth=pass reason=100",
            ),
            (
                "Received-SPF",
                "Pass (protection.outlook.com: domain of 163.com designates 123.126.97.3 as permitted sender)",
            ),
            (
                "Received",
                "from mail-m973.mail.163.com (123.126.97.3) by\r\n HK2APC01FT029.mail.protection.outlook.com (10.152.248.195) with Microsoft\r\n SMTP Server id 15.20.4331.21 via Frontend Transport; Wed, 14 Jul 2021\r\n 08:17:56 +0000",
            ),
            (
                "Authentication-Results",
                "spf=pass smtp.mailfrom=fin.dep.no; dmarc=pass action=none header.from=fin.dep.no;compauth=pass reason=100",
            ),
            (
                "Received",
                "from evil.example by X.mail.protection.outlook.com via Frontend Transport",
            ),
        ];
        let found = read(headers.into_iter());
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].position, found[0].above_exchange_entry), (1, true));
        assert_eq!((found[1].position, found[1].above_exchange_entry), (4, false));
        // Without any entry hop nothing is above it.
        let found = read(headers[1..3].iter().copied());
        assert!(!found[0].above_exchange_entry);
    }

    #[test]
    fn hostile_headers_are_read_without_panicking() {
        for value in [
            "",
            ";",
            "=",
            ";;;=;",
            "(((",
            ")))",
            "\"",
            "a=b",
            "x; =y; z=",
            "\\",
            "(\\",
            "\"\\",
            "dkim=pass header.d=\"unterminated",
            "spf=pass (nested (comment) here) smtp.mailfrom=x",
        ] {
            let _ = one(value);
            let _ = received_by(value);
        }
    }
}
