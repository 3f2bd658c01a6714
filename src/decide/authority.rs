//! Whether a message is from whom its From header says, as far as the servers the coordinator
//! trusts can tell: their `Authentication-Results` verdicts read against the From domain. Pure.
//!
//! Whose verdicts count: headers whose authserv-id is in `[inbox] trusted_authserv_ids` (the
//! coordinator's own MX, which must remove such headers from arriving mail, as RFC 8601 §5 says),
//! and with `[inbox] trust_exchange_online` the topmost header in Exchange Online's form, when it
//! lies above the `Received` line of Exchange Online's inbound frontend: Exchange wrote it after
//! the message entered the tenant, so the sender cannot have (a copy a sender writes stays below
//! that line; Exchange does not remove it, its header firewall leaves `Authentication-Results`
//! alone).

use crate::config::{InboxConfig, Text, WithoutVerdict};
use crate::understand::{AuthResult, Understood};
use crate::words;

use super::{domain_matches, domain_of};

/// What the trusted servers say about the From address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authenticity {
    /// No verdict is asked for (no server is trusted: `check` warns about it), or none is
    /// expected (a message with none at all, with `without_verdict = "accept"`): the From header
    /// is taken as it is.
    Unchecked,
    /// A trusted server says the From domain sent it.
    Verified,
    /// Nothing trusted says so; why, for the review item.
    Unverified(Text),
    /// A trusted server says it is not from there; why.
    Failed(Text),
}

impl Authenticity {
    /// Why the message cannot change a record, if it cannot.
    pub fn doubt(&self) -> Option<&Text> {
        match self {
            Authenticity::Unchecked | Authenticity::Verified => None,
            Authenticity::Unverified(why) | Authenticity::Failed(why) => Some(why),
        }
    }
}

/// Whether anything is trusted at all.
pub fn configured(inbox: &InboxConfig) -> bool {
    !inbox.trusted_authserv_ids.is_empty() || inbox.trust_exchange_online
}

/// Whether `a` and `b` are the same domain or one lies within the other (whole labels), the
/// shorter having at least two labels: the relaxed alignment of DMARC (RFC 7489 §3.1) without a
/// public suffix list, so "outbound.fabrikam.com" aligns with "fabrikam.com", "com" with nothing.
fn aligned(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_end_matches('.'), b.trim_end_matches('.'));
    let shorter = if a.len() <= b.len() { a } else { b };
    shorter.contains('.') && (domain_matches(a, b) || domain_matches(b, a))
}

/// The domain a property names: "lise@aid.dep.no" or "aid.dep.no".
fn domain_in(value: &str) -> String {
    if value.contains('@') {
        domain_of(value)
    } else {
        value.to_ascii_lowercase()
    }
}

/// What the trusted servers say about `understood`'s From address.
pub fn of(understood: &Understood, inbox: &InboxConfig) -> Authenticity {
    if !configured(inbox) {
        return Authenticity::Unchecked;
    }
    let trusted_ids = || inbox.trusted_authserv_ids.join(", ");
    let by_id = understood.auth.iter().filter(|h| {
        !h.server.is_empty()
            && inbox
                .trusted_authserv_ids
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&h.server))
    });
    let exchange = understood
        .auth
        .first()
        .filter(|h| inbox.trust_exchange_online && h.server.is_empty() && h.above_exchange_entry);
    let results: Vec<&AuthResult> = by_id.chain(exchange).flat_map(|h| h.results.iter()).collect();
    let from = understood
        .from
        .as_ref()
        .map(|f| domain_of(&f.address))
        .unwrap_or_default();
    if results.is_empty() && understood.auth.is_empty() && inbox.without_verdict == WithoutVerdict::Accept {
        // No verdict at all: mail from inside the coordinator's own mail system, by the config.
        return Authenticity::Unchecked;
    }
    if results.is_empty() {
        let whose = |or: &str| match (inbox.trusted_authserv_ids.is_empty(), inbox.trust_exchange_online) {
            (false, true) => format!("{} {or} Exchange Online", trusted_ids()),
            (false, false) => trusted_ids(),
            _ => "Exchange Online".into(),
        };
        let (whose_nb, whose_en) = (whose("eller"), whose("or"));
        let others = |unnamed: &str| -> String {
            understood
                .auth
                .iter()
                .map(|h| {
                    if h.server.is_empty() {
                        unnamed
                    } else {
                        h.server.as_str()
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Authenticity::Unverified(if understood.auth.is_empty() {
            words!(
                "ingen Authentication-Results fra en server det stoles på ({whose_nb}): ingenting viser at den er fra {from}",
                "no Authentication-Results from a trusted server ({whose_en}): nothing shows it is from {from}"
            )
        } else {
            let others_nb = others("en uten servernavn, ikke skrevet av Exchange Online ved mottak");
            let others_en = others("one without a server name, not written by Exchange Online on arrival");
            words!(
                "bare Authentication-Results fra servere det ikke stoles på ({others_nb}); ingen fra {whose_nb}: ingenting viser at den er fra {from}",
                "only Authentication-Results from servers that are not trusted ({others_en}); none from {whose_en}: nothing shows it is from {from}"
            )
        });
    }
    if from.is_empty() {
        return Authenticity::Unverified(Text::new(
            "den har ingen From-adresse å kontrollere",
            "it has no From address to authenticate",
        ));
    }
    let all = |method: &'static str| results.iter().filter(move |r| r.method == method);
    if all("dmarc").any(|r| r.result == "fail") {
        return Authenticity::Failed(Text::new(
            "mottakerserveren sier dmarc=fail",
            "the receiving server says dmarc=fail",
        ));
    }
    if all("compauth").any(|r| r.result == "fail") {
        return Authenticity::Failed(Text::new(
            "mottakerserveren sier compauth=fail",
            "the receiving server says compauth=fail",
        ));
    }
    // A verdict about another From than the one read here is no verdict about this message.
    let about_from = |r: &&&AuthResult| {
        r.prop("header.from")
            .is_none_or(|d| d.eq_ignore_ascii_case(&from))
    };
    if all("dmarc").filter(about_from).any(|r| r.result == "pass") {
        return Authenticity::Verified;
    }
    if let Some(other) = all("dmarc")
        .filter(|r| r.result == "pass")
        .find_map(|r| r.prop("header.from"))
    {
        return Authenticity::Unverified(words!(
            "mottakerserverens dmarc=pass gjelder header.from={other}, ikke {from}",
            "the receiving server's dmarc=pass is for header.from={other}, not for {from}"
        ));
    }
    // Without DMARC (the domain publishes none: "none", or Exchange Online's "bestguesspass"),
    // an aligned DKIM signature or SPF pass shows the domain sent it.
    let no_dmarc = all("dmarc").all(|r| r.result == "none" || r.result == "bestguesspass");
    if !no_dmarc {
        let said: Vec<&str> = all("dmarc").map(|r| r.result.as_str()).collect();
        let said = said.join(",");
        return Authenticity::Unverified(words!(
            "mottakerserveren sier dmarc={said} for {from}",
            "the receiving server says dmarc={said} for {from}"
        ));
    }
    let dkim_aligned =
        all("dkim").any(|r| r.result == "pass" && r.prop("header.d").is_some_and(|d| aligned(d, &from)));
    let spf_aligned = all("spf").any(|r| {
        r.result == "pass"
            && r.prop("smtp.mailfrom")
                .is_some_and(|m| aligned(&domain_in(m), &from))
    });
    if dkim_aligned || spf_aligned {
        return Authenticity::Verified;
    }
    if all("dkim").any(|r| r.result == "fail") {
        return Authenticity::Failed(Text::new(
            "mottakerserveren sier dkim=fail (uten dmarc-resultat)",
            "the receiving server says dkim=fail (no dmarc result)",
        ));
    }
    if all("spf").any(|r| r.result == "fail") {
        return Authenticity::Failed(Text::new(
            "mottakerserveren sier spf=fail (uten dmarc-resultat)",
            "the receiving server says spf=fail (no dmarc result)",
        ));
    }
    Authenticity::Unverified(words!(
        "{from} har ingen DMARC-policy, og mottakerserveren fant verken DKIM-signatur eller SPF-godkjenning for {from}",
        "{from} publishes no DMARC policy and the receiving server found no DKIM signature or SPF pass of {from}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alignment_is_relaxed_but_never_across_organisations_or_to_a_bare_suffix() {
        assert!(aligned("aid.dep.no", "aid.dep.no"));
        assert!(aligned("outbound.fabrikam.com", "fabrikam.com"));
        assert!(aligned("fabrikam.com", "mail.fabrikam.com"));
        assert!(!aligned("fin.dep.no", "aid.dep.no"));
        assert!(!aligned("aid-dep.no", "aid.dep.no"));
        assert!(!aligned("no", "aid.no"));
        assert!(!aligned("evil.example", "aid.dep.no"));
    }
}
