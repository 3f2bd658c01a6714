//! The config of the real process loads as the letter describes it; a broken one lists every
//! problem at once, each with its file, line and key.

use super::*;

fn ogp5_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ogp5.toml")
}

fn ogp5() -> Config {
    match Config::load(&ogp5_path()) {
        Ok(config) => config,
        Err(e) => panic!("{e}"),
    }
}

/// The ogp5 config with `edit` applied to its text, loaded from the same folder (so the
/// templates are found).
fn edited(edit: impl Fn(String) -> String) -> Result<Config, ConfigError> {
    let source = std::fs::read_to_string(ogp5_path()).unwrap();
    Config::from_source(&ogp5_path(), &edit(source))
}

fn problems(result: Result<Config, ConfigError>) -> Vec<Problem> {
    match result {
        Ok(_) => panic!("the config was accepted"),
        Err(e) => e.problems,
    }
}

#[test]
fn the_letter_s_fifteen_ministries_each_appear_once() {
    let config = ogp5();
    let ids: Vec<&str> = config.organisations.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "aid", "bfd", "fin", "fd", "hod", "jd", "kld", "kud", "kd", "lmd", "nfd", "oed", "sd", "smk",
            "ud"
        ]
    );
    assert!(config.organisations.iter().all(|o| o.kind == OrgKind::Ministry));
    for org in &config.organisations {
        assert_eq!(org.address.to_string(), format!("postmottak@{}.dep.no", org.id));
        assert!(org.domains.contains(&format!("{}.dep.no", org.id)));
    }
    // SMK is both on the list and "Kopi": one organisation, named in the copy list.
    assert_eq!(config.invitation.letter_copy, ["smk"]);
    assert_eq!(
        config.organisation("ud").unwrap().domains,
        ["ud.dep.no", "mfa.no"]
    );
}

#[test]
fn the_process_carries_the_letter_s_facts() {
    let config = ogp5();
    assert_eq!(config.process.id, "ogp5");
    assert_eq!(config.process.reference.as_deref(), Some("22/4554-4"));
    assert_eq!(config.process.date, NaiveDate::from_ymd_opt(2022, 6, 15));
    assert_eq!(config.coordinator.name, "Tom Arne Nygaard");
    assert_eq!(
        config.coordinator.email.as_ref().unwrap().to_string(),
        "tom-arne.nygaard@kdd.dep.no"
    );
    assert_eq!(config.signatory.name, "Asgeir Fløtre");
    assert!(config.signatory.by_authority);
    let themes: Vec<&str> = config.themes.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(themes, ["a", "b", "c", "d", "e", "f", "g"]);
    assert!(matches!(
        config.event("kickoff").unwrap().time,
        EventTime::Fixed(_)
    ));
    match &config.event("followup").unwrap().time {
        EventTime::Open { when, candidates } => {
            assert!(when.as_ref().unwrap().nb.contains("august/september"));
            assert!(!candidates.is_empty());
        }
        other => panic!("followup should be open, is {other:?}"),
    }
}

#[test]
fn registration_closes_at_the_end_of_tuesday_21_june_in_oslo() {
    let config = ogp5();
    let deadline = config.registration_deadline("kickoff").unwrap();
    assert_eq!(deadline.due.to_rfc3339(), "2022-06-21T21:59:59+00:00");
    assert!(config.contact_deadline().is_some());
}

#[test]
fn the_default_transport_needs_no_server() {
    let config = ogp5();
    assert!(matches!(config.transport, Transport::Maildir));
    assert!(config.imap.is_none());
}

#[test]
fn every_problem_is_listed_at_once_with_its_line_and_key() {
    let found = problems(edited(|s| {
        s.replace("timezone = \"Europe/Oslo\"", "timezone = \"Europe/Olso\"")
            .replace(
                "address = \"postmottak@kud.dep.no\"",
                "adress = \"postmottak@kud.dep.no\"",
            )
            .replace(
                "address = \"postmottak@sd.dep.no\"",
                "address = \"postmottak at sd\"",
            )
            .replace("due = \"2022-06-21\"", "due = \"21. juni\"")
            .replace("event = \"kickoff\"\nrevision", "event = \"kick-off\"\nrevision")
    }));
    let keys: Vec<&str> = found.iter().map(|p| p.key.as_str()).collect();
    assert!(keys.contains(&"process.timezone"), "{keys:?}");
    assert!(
        keys.iter().any(|k| k.starts_with("organisations[7] (kud)")),
        "{keys:?}"
    );
    assert!(keys.contains(&"organisations[12] (sd).address"), "{keys:?}");
    assert!(keys.contains(&"deadlines[0] (registration).due"), "{keys:?}");
    assert!(keys.contains(&"invitation.event"), "{keys:?}");
    assert_eq!(found.len(), 5, "{found:#?}");
    for problem in &found {
        assert!(problem.line.is_some(), "{problem}");
        assert!(
            problem
                .to_string()
                .starts_with(&format!("{}:", ogp5_path().display())),
            "{problem}"
        );
    }
    let unknown = found.iter().find(|p| p.key.contains("(kud)")).unwrap();
    assert!(unknown.message.contains("adress"), "{unknown}");
}

#[test]
fn a_problem_names_the_line_it_is_on() {
    let found = problems(edited(|s| {
        s.replace(
            "kind = \"ministry\"\nname = \"Finansdepartementet\"",
            "kind = \"departement\"\nname = \"Finansdepartementet\"",
        )
    }));
    assert_eq!(found.len(), 1, "{found:#?}");
    let source = std::fs::read_to_string(ogp5_path()).unwrap();
    let fin_line = source.lines().position(|l| l == "id = \"fin\"").unwrap() + 1;
    // The item starts at its [[organisations]] header, the line before its id.
    assert_eq!(found[0].line, Some(fin_line - 1));
    assert_eq!(found[0].key, "organisations[2] (fin).kind");
}

#[test]
fn two_organisations_with_one_address_are_refused() {
    let found = problems(edited(|s| {
        s.replace(
            "address = \"postmottak@smk.dep.no\"",
            "address = \"postmottak@aid.dep.no\"",
        )
    }));
    assert!(
        found.iter().any(|p| p.message.contains("two invitations")),
        "{found:#?}"
    );
}

#[test]
fn a_domain_speaks_for_one_organisation_only() {
    let found = problems(edited(|s| {
        s.replace(
            "domains = [\"ud.dep.no\", \"mfa.no\"]",
            "domains = [\"ud.dep.no\", \"aid.dep.no\"]",
        )
    }));
    assert!(
        found
            .iter()
            .any(|p| p.key.contains("(ud).domains") && p.message.contains("aid")),
        "{found:#?}"
    );
}

#[test]
fn a_password_in_the_file_is_refused_with_its_key() {
    let found = problems(edited(|s| {
        s.replace("[transport]\nkind = \"maildir\"", "[transport]\nkind = \"smtp\"\n[smtp]\nhost = \"smtp.example.org\"\nuser = \"tom\"\npassword = \"hunter2\"")
    }));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].key, "smtp.password");
    assert!(
        found[0]
            .message
            .contains("must not be written in the config file")
    );
}

#[test]
fn plaintext_smtp_is_only_allowed_to_this_machine() {
    let smtp = |host: &'static str| {
        move |s: String| {
            s.replace(
                "[transport]\nkind = \"maildir\"",
                &format!(
                    "[transport]\nkind = \"smtp\"\n[smtp]\nhost = \"{host}\"\ntls = \"none\"\nport = 2525"
                ),
            )
        }
    };
    assert!(edited(smtp("127.0.0.1")).is_ok());
    let found = problems(edited(smtp("smtp.kdd.dep.no")));
    assert_eq!(found[0].key, "smtp.tls");
}

#[test]
fn the_smtp_defaults_are_safe() {
    let config = edited(|s| {
        s.replace(
            "[transport]\nkind = \"maildir\"",
            "[transport]\nkind = \"smtp\"\n[smtp]\nhost = \"smtp.office365.com\"\nuser = \"tom\"\noauth2_token = { command = [\"get-token\"] }",
        )
    })
    .unwrap();
    let Transport::Smtp(smtp) = &config.transport else {
        panic!("smtp expected")
    };
    assert_eq!(smtp.tls, TlsMode::StartTls);
    assert_eq!(smtp.port, 587);
    assert_eq!(smtp.auth.as_ref().unwrap().mechanism, AuthMechanism::XOAuth2);
    // Under Exchange Online's 30 a minute.
    let interval = smtp.rate.interval().unwrap();
    assert!(interval >= Duration::from_secs(2), "{interval:?}");
}

#[test]
fn unknown_sections_and_broken_toml_are_reported() {
    let found = problems(edited(|s| format!("{s}\n[remindres]\nx = 1\n")));
    assert_eq!(found[0].key, "remindres");
    let found = problems(edited(|s| s.replace("[process]", "[process")));
    assert!(found[0].message.contains("not valid TOML"), "{found:#?}");
    assert!(found[0].line.is_some());
}

#[test]
fn a_broken_template_is_reported_with_the_config_s_problems() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("mail-templates")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    std::fs::write(dir.path().join("invitation.en.txt.j2"), "Dear {{ org.name }\n").unwrap();
    let source = std::fs::read_to_string(ogp5_path())
        .unwrap()
        .replace(
            "templates = \"../mail-templates\"",
            &format!("templates = {:?}", dir.path().display().to_string()),
        )
        .replace("timezone = \"Europe/Oslo\"", "timezone = \"Mars/Olympus\"");
    let found = problems(Config::from_source(&ogp5_path(), &source));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().any(|p| p.key == "process.timezone"));
    let template = found
        .iter()
        .find(|p| p.file.ends_with("invitation.en.txt.j2"))
        .unwrap();
    assert_eq!(template.line, Some(1));
}

#[test]
fn retry_backoff_doubles_up_to_its_maximum() {
    let policy = RetryPolicy {
        initial: Duration::from_secs(30),
        max: Duration::from_secs(300),
        ..RetryPolicy::default()
    };
    let waits: Vec<u64> = (1..=6).map(|n| policy.backoff(n).as_secs()).collect();
    assert_eq!(waits, [30, 60, 120, 240, 300, 300]);
}

#[test]
fn the_inbox_s_trust_and_limits_are_read_and_each_mistake_named() {
    let config = ogp5();
    assert_eq!(config.inbox.trusted_authserv_ids, ["mx.kdd.dep.no"]);
    assert!(!config.inbox.trust_exchange_online);
    assert_eq!(config.inbox.people_per_message, 20);
    assert_eq!(
        config.inbox.mail_per_organisation,
        Rate::Limited {
            count: 50,
            per: Duration::from_secs(86_400)
        }
    );
    // The same when the lines are left out: those are the defaults.
    let bare = edited(|s| {
        s.lines()
            .filter(|l| !l.starts_with("people_per_message") && !l.starts_with("mail_per_organisation"))
            .collect::<Vec<_>>()
            .join("\n")
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bare.inbox.people_per_message, config.inbox.people_per_message);
    assert_eq!(
        bare.inbox.mail_per_organisation,
        config.inbox.mail_per_organisation
    );
    let config = edited(|s| {
        s.replace("# trust_exchange_online", "trust_exchange_online")
            .replace("people_per_message = 20", "people_per_message = 5")
            .replace("\"50/day\"", "\"unlimited\"")
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(config.inbox.trust_exchange_online);
    assert_eq!(config.inbox.people_per_message, 5);
    assert_eq!(config.inbox.mail_per_organisation, Rate::Unlimited);
    let keys: Vec<String> = problems(edited(|s| {
        s.replace("people_per_message = 20", "people_per_message = 0")
            .replace("\"50/day\"", "\"lots\"")
    }))
    .into_iter()
    .map(|p| p.key)
    .collect();
    assert_eq!(keys, ["inbox.people_per_message", "inbox.mail_per_organisation"]);
}

/// The line (1-based) of the first line of `source` that is `text`.
fn line_of(source: &str, text: &str) -> usize {
    source.lines().position(|l| l == text).unwrap() + 1
}

#[test]
fn an_unknown_key_in_an_event_is_reported_on_its_line_and_the_event_kept() {
    let edit = |s: String| {
        s.replace(
            "aliases = [\"samskapingsmøte\"",
            "room = \"A1\"\naliases = [\"samskapingsmøte\"",
        )
    };
    let source = edit(std::fs::read_to_string(ogp5_path()).unwrap());
    let found = problems(edited(edit));
    // Before: the event was dropped, and the deadline, the invitation and three reminders that
    // name it were reported too (seven problems for one stray key).
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].key, "events[0] (kickoff).room");
    assert_eq!(found[0].line, Some(line_of(&source, "room = \"A1\"")));
    assert!(found[0].message.contains("unknown key `room`"), "{}", found[0]);
    assert!(
        found[0].message.contains("aliases"),
        "the known keys are listed: {}",
        found[0]
    );
}

#[test]
fn an_unknown_key_keeps_its_item_in_every_table() {
    // One stray key in each kind of table, and one inside a nested table: each reported once,
    // on its own line, and nothing that refers to those items is reported as broken.
    let edit = |s: String| {
        s.replace(
            "id = \"fin\"\n",
            "id = \"fin\"\nwebsite = \"https://fin.dep.no\"\n",
        )
        .replace(
            "id = \"registration-1d\"\n",
            "id = \"registration-1d\"\nsubject = \"x\"\n",
        )
        .replace("id = \"registration\"\n", "id = \"registration\"\nnote = \"x\"\n")
        .replacen(
            "location.nb = \"Kommunal- og distriktsdepartementet",
            "location.fr = \"Oslo\"\nlocation.nb = \"Kommunal- og distriktsdepartementet",
            1,
        )
        .replace("[invitation]\n", "[invitation]\nsubject = \"x\"\n")
    };
    let source = edit(std::fs::read_to_string(ogp5_path()).unwrap());
    let found = problems(edited(edit));
    let mut got: Vec<(String, Option<usize>)> = found.iter().map(|p| (p.key.clone(), p.line)).collect();
    got.sort();
    let mut want = vec![
        (
            "organisations[2] (fin).website".to_string(),
            Some(line_of(&source, "website = \"https://fin.dep.no\"")),
        ),
        (
            "reminders[0] (registration-1d).subject".to_string(),
            Some(line_of(&source, "id = \"registration-1d\"") + 1),
        ),
        (
            "deadlines[0] (registration).note".to_string(),
            Some(line_of(&source, "note = \"x\"")),
        ),
        (
            "events[0] (kickoff).location.fr".to_string(),
            Some(line_of(&source, "location.fr = \"Oslo\"")),
        ),
        (
            "invitation.subject".to_string(),
            Some(line_of(&source, "[invitation]") + 1),
        ),
    ];
    want.sort();
    assert_eq!(got, want, "{found:#?}");
}

#[test]
fn a_misspelt_required_key_is_one_problem_that_names_the_right_key() {
    let found = problems(edited(|s| {
        s.replace(
            "address = \"postmottak@kud.dep.no\"",
            "adress = \"postmottak@kud.dep.no\"",
        )
    }));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].key, "organisations[7] (kud).adress");
    assert!(
        found[0].message.contains("did you mean `address`?"),
        "{}",
        found[0]
    );
}

#[test]
fn a_secret_s_place_is_its_own_key_and_line() {
    let edit = |s: String| {
        s.replace(
            "[transport]\nkind = \"maildir\"",
            "[transport]\nkind = \"smtp\"\n[smtp]\nhost = \"smtp.example.org\"\nuser = \"tom\"\npassword = { env = \"SAMSKAP_SMTP_PASSWORD\" }",
        )
    };
    let source = edit(std::fs::read_to_string(ogp5_path()).unwrap());
    let config = edited(edit).unwrap();
    let places: Vec<&Place> = config.secrets().into_iter().map(|a| &a.place).collect();
    assert_eq!(
        places,
        [&Place {
            key: "smtp.password".into(),
            line: Some(line_of(&source, "password = { env = \"SAMSKAP_SMTP_PASSWORD\" }")),
        }]
    );
}

#[test]
fn the_organisations_own_addresses_are_the_shared_mailboxes_unless_the_config_says_which() {
    let config = ogp5();
    assert!(config.is_shared_mailbox("postmottak@kld.dep.no"));
    assert!(config.is_shared_mailbox("Postmottak@KLD.dep.no"));
    assert!(!config.is_shared_mailbox("kari.nordmann@kld.dep.no"));
    let config = edited(|s| {
        s.replace(
            "[calendar]\ninvitations = true",
            "[calendar]\ninvitations = true\nshared_mailboxes = [\"postmottak@*\", \"*@dfo.no\", \"sekretariat@ud.dep.no\"]",
        )
    })
    .unwrap();
    assert!(config.is_shared_mailbox("postmottak@nfd.dep.no"));
    assert!(config.is_shared_mailbox("lonn@dfo.no"));
    assert!(config.is_shared_mailbox("sekretariat@ud.dep.no"));
    assert!(!config.is_shared_mailbox("sekretariat@kld.dep.no"));
    assert!(!config.is_shared_mailbox("kari.nordmann@kld.dep.no"));
}

#[test]
fn a_shared_mailbox_that_is_no_address_is_named() {
    let found = problems(edited(|s| {
        s.replace(
            "[calendar]\ninvitations = true",
            "[calendar]\ninvitations = true\nshared_mailboxes = [\"postmottak\", \"*@*\", \"post*@kld.dep.no\"]",
        )
    }));
    let ours: Vec<&Problem> = found
        .iter()
        .filter(|p| p.key == "calendar.shared_mailboxes")
        .collect();
    assert_eq!(ours.len(), 3, "{found:#?}");
    assert!(ours[0].message.contains("\"postmottak\""), "{}", ours[0].message);
}
