//! Who may change what: the authority rules, with a directory in memory.

use super::*;
use crate::understand;

#[test]
fn look_alike_domains_never_match() {
    assert!(domain_matches("aid.dep.no", "aid.dep.no"));
    assert!(domain_matches("post.aid.dep.no", "aid.dep.no"));
    assert!(domain_matches("AID.DEP.NO.", "aid.dep.no"));
    for fake in [
        "aid-dep.no",
        "xaid.dep.no",
        "aid.dep.no.evil.com",
        "aid.dep.mo",
        "dep.no",
        "aid.dep",
    ] {
        assert!(!domain_matches(fake, "aid.dep.no"), "{fake}");
    }
}

#[test]
fn an_ngo_is_known_by_its_domain_or_its_webmail_address() {
    assert_eq!(ngo_id("ingrid@reddbarna.no"), "reddbarna.no");
    assert_eq!(ngo_id("Aksjon.Apenhet@gmail.com"), "aksjon.apenhet@gmail.com");
}

struct Dir {
    orgs: Vec<(OrgInfo, Vec<&'static str>, &'static str)>,
}

impl Directory for Dir {
    fn org_by_token(&self, token: &str) -> Option<OrgInfo> {
        self.orgs
            .iter()
            .find(|(_, _, t)| *t == token)
            .map(|(o, _, _)| o.clone())
    }
    fn org_by_address(&self, address: &str) -> Option<OrgInfo> {
        self.orgs
            .iter()
            .find(|(o, _, _)| o.address == address)
            .map(|(o, _, _)| o.clone())
    }
    fn org_by_domain(&self, domain: &str) -> Option<OrgInfo> {
        self.orgs
            .iter()
            .find(|(_, d, _)| d.iter().any(|d| domain_matches(domain, d)))
            .map(|(o, _, _)| o.clone())
    }
    fn sent(&self, _: &str) -> Option<SentInfo> {
        None
    }
    fn sent_to(&self, _: &str) -> Option<SentInfo> {
        None
    }
    fn org(&self, id: &str) -> Option<OrgInfo> {
        self.orgs
            .iter()
            .find(|(o, _, _)| o.id == id)
            .map(|(o, _, _)| o.clone())
    }
}

fn dir() -> Dir {
    Dir {
        orgs: vec![(
            OrgInfo {
                id: "aid".into(),
                kind: OrgKind::Ministry,
                name: "Arbeids- og inkluderingsdepartementet".into(),
                address: "postmottak@aid.dep.no".into(),
            },
            vec!["aid.dep.no"],
            "bkt5uas4",
        )],
    }
}

fn config() -> Config {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml");
    Config::load(&path).unwrap()
}

fn decide_text(from: &str, headers: &str, body: &str) -> Decision {
    let config = config();
    let raw = format!(
        "From: {from}\r\nTo: tom-arne.nygaard+ogp5-bkt5uas4@kdd.dep.no\r\nSubject: SV: Invitasjon [OGP5:bkt5uas4]\r\nMessage-ID: <m@x>\r\nDate: Thu, 16 Jun 2022 10:00:00 +0200\r\n{headers}\r\n{body}"
    );
    let understood = understand::understand(raw.as_bytes(), &understand::Context::from_config(&config));
    decide(
        &understood,
        &config,
        &dir(),
        "2022-06-16T09:00:00Z".parse().unwrap(),
    )
}

fn contact_of(decision: &Decision) -> Option<&str> {
    decision.actions.iter().find_map(|a| match a {
        Action::SetContact { org, .. } => Some(org.as_str()),
        _ => None,
    })
}

#[test]
fn the_ministry_itself_changes_its_contact_person() {
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "",
        "Kontaktperson for AID er Lise Berg, lise.berg@aid.dep.no, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Applied);
    assert_eq!(contact_of(&d), Some("aid"));
}

#[test]
fn a_subdomain_of_the_ministry_speaks_for_it() {
    let d = decide_text(
        "Lise Berg <lise.berg@post.aid.dep.no>",
        "",
        "Kontaktperson er Lise Berg, 917 23 456.",
    );
    assert_eq!(contact_of(&d), Some("aid"));
}

#[test]
fn someone_outside_the_ministry_never_changes_its_contact_person() {
    for from in [
        "Lise <lise@aid-dep.no>",
        "Lise <lise.berg@gmail.com>",
        "Lise <lise@aid.dep.no.example.com>",
    ] {
        let d = decide_text(from, "", "Ny kontaktperson for AID er Lise Berg, 917 23 456.");
        assert_eq!(d.outcome, Outcome::Review, "{from}");
        assert!(
            d.actions.iter().all(|a| matches!(a, Action::Review { .. })),
            "{from}: {d:?}"
        );
    }
}

#[test]
fn a_trusted_server_s_dmarc_fail_sends_the_change_to_review() {
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Authentication-Results: mx.kdd.dep.no; dmarc=fail header.from=aid.dep.no\r\n",
        "Kontaktperson er Lise Berg, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Review);
    // An untrusted server's verdict is not ours to act on.
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Authentication-Results: mx.example.org; dmarc=fail header.from=aid.dep.no\r\n",
        "Kontaktperson er Lise Berg, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Applied);
    // Without dmarc, a failed dkim or spf counts.
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Authentication-Results: mx.kdd.dep.no; dkim=fail header.d=aid.dep.no; spf=pass\r\n",
        "Kontaktperson er Lise Berg, 917 23 456.",
    );
    assert_eq!(d.outcome, Outcome::Review);
}

#[test]
fn an_outside_registration_with_a_ministry_token_creates_a_referred_ngo() {
    let d = decide_text(
        "Ingrid Sol <ingrid@reddbarna.no>",
        "",
        "Vi kommer gjerne, to personer.",
    );
    assert_eq!(d.outcome, Outcome::Applied);
    let created = d.actions.iter().find_map(|a| match a {
        Action::CreateNgo { id, referred_by, .. } => Some((id.clone(), referred_by.clone())),
        _ => None,
    });
    assert_eq!(created, Some(("reddbarna.no".into(), Some("aid".into()))));
}

#[test]
fn an_out_of_office_changes_nothing() {
    let d = decide_text(
        "Lise Berg <lise.berg@aid.dep.no>",
        "Auto-Submitted: auto-replied\r\n",
        "Jeg er på ferie. Kontaktperson i mitt fravær er Mona Vik, 917 00 000.",
    );
    assert_eq!(d.outcome, Outcome::Recorded);
    assert!(
        d.actions.iter().all(|a| matches!(a, Action::AutoReply { .. })),
        "{d:?}"
    );
}
