//! The decide stage: from a message understood to the changes it makes in the register, or to a
//! review item with the reason a person must look. Pure: it asks a [`Directory`] what the
//! register knows and returns [`Action`]s; the register applies them in one transaction.
//!
//! The rules that protect the register:
//! - only a sender whose address or domain belongs to an organisation changes that organisation
//!   (look-alike domains never match: domains compare by whole labels);
//! - when servers are trusted, a change needs their word that the From address is genuine
//!   ([`authority`]); a fail, or no trusted word at all, sends it to review;
//! - a contact person outside the organisation's own domains goes to review; a message that
//!   creates an NGO registers only people at the NGO's domain; a message naming more people with
//!   an address than `[inbox] people_per_message` goes to review whole;
//! - a delivery report counts only when it returns our message to the address that failed;
//! - automatic replies, reports and notices never change registrations or contacts;
//! - a calendar answer changes only the answering person's place, and only when they are of the
//!   organisation or were invited on its behalf (a delegate); counter-proposals go to review;
//! - a registration from outside every known domain creates an NGO only when the message belongs
//!   to this process (a token, a reply to our mail, or the process named in it);
//! - doubts, questions and anything unattributable go to review, with what would have been done.

pub mod attendance;
pub mod authority;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{Config, Lang, OrgKind, PUBLIC_MAIL_DOMAINS, Text};
use crate::understand::bounce::ReportKind;
use crate::understand::facts::Attendee;
use crate::understand::{Class, TokenSource, Understood};
use crate::words;
use authority::Authenticity;

/// An organisation as decisions need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgInfo {
    pub id: String,
    pub kind: OrgKind,
    pub name: String,
    pub address: String,
}

/// One of our outgoing messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentInfo {
    pub message_id: String,
    pub org_id: Option<String>,
    pub event_id: Option<String>,
    pub kind: String,
    pub recipients: Vec<String>,
}

/// What the register knows, for deciding.
pub trait Directory {
    /// The organisation whose token this is.
    fn org_by_token(&self, token: &str) -> Option<OrgInfo>;
    /// The organisation whose official address this is.
    fn org_by_address(&self, address: &str) -> Option<OrgInfo>;
    /// The organisation a mail domain belongs to (exactly, or as a subdomain of its domain).
    fn org_by_domain(&self, domain: &str) -> Option<OrgInfo>;
    /// One of our messages, by its Message-ID.
    fn sent(&self, message_id: &str) -> Option<SentInfo>;
    /// Our latest message to an address.
    fn sent_to(&self, address: &str) -> Option<SentInfo>;
    /// The organisation with this id.
    fn org(&self, id: &str) -> Option<OrgInfo>;
    /// Whether the date poll for `event` has been closed.
    fn poll_closed(&self, _event: &str) -> bool {
        false
    }
    /// What `address` answered the date poll for `event` before, if anything.
    fn poll_answer(&self, _event: &str, _address: &str) -> Option<PollSaid> {
        None
    }
    /// The people organisation `org` has named before: at any meeting, and as its contact.
    fn people_named(&self, _org: &str) -> Vec<Attendee> {
        Vec::new()
    }
    /// Organisation `org`'s contact person as recorded, and their number.
    fn contact_of(&self, _org: &str) -> Option<(Attendee, Option<String>)> {
        None
    }
}

/// One person's answer to the date poll as recorded: candidate numbers from 1.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollSaid {
    pub yes: Vec<usize>,
    pub no: Vec<usize>,
    pub maybe: Vec<usize>,
}

/// A change to make, or a note to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// An NGO that joins by answering.
    CreateNgo {
        id: String,
        name: String,
        address: String,
        domains: Vec<String>,
        referred_by: Option<String>,
        lang: String,
    },
    SetRegistration {
        org: String,
        event: String,
        status: String,
        attendees: Vec<Attendee>,
        count: Option<u32>,
        late: bool,
        /// Replace what was registered (a correction) rather than add to it.
        replace: bool,
        /// The people who no longer come.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        withdrawn: Vec<Attendee>,
        /// The words it was read from.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        evidence: Vec<crate::understand::facts::Evidence>,
    },
    /// One person's calendar answer: they come, might, do not, or send someone else. Unlike
    /// [`Action::SetRegistration`] it changes only that person's place.
    SetAttendance {
        org: String,
        event: String,
        person: Attendee,
        /// accepted, tentative, declined or delegated.
        answer: String,
        /// Whom the person passed the invitation to.
        delegate: Option<Attendee>,
        late: bool,
    },
    /// One person's answer to the date poll: the candidates (from 1) that suit, that do not and
    /// that might; it replaces what the person answered before.
    PollAnswer {
        org: String,
        event: String,
        address: String,
        yes: Vec<usize>,
        no: Vec<usize>,
        /// Offered with a reservation ("kanskje", "if need be"). Absent in proposals stored
        /// before there was a maybe.
        #[serde(default)]
        maybe: Vec<usize>,
        /// The words each slot's answer was read from.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        evidence: Vec<crate::understand::poll_answer::Evidence>,
    },
    SetContact {
        org: String,
        name: Option<String>,
        email: Option<String>,
        phone: Option<String>,
    },
    Bounce {
        org: Option<String>,
        /// The Message-ID of our message that bounced.
        sent_message_id: Option<String>,
        recipient: String,
        status: Option<String>,
        hard: bool,
        diagnostic: String,
    },
    AutoReply {
        org: Option<String>,
        address: String,
        returns_on: Option<NaiveDate>,
    },
    Review {
        org: Option<String>,
        /// Why, in both languages: the coordinator's review list and weekly status in theirs.
        reason: Text,
        /// What would be done if a person agrees.
        proposal: Vec<Action>,
    },
    /// Tell the sender what was recorded.
    /// Of the decision's other actions; the words are the outbox's confirmation composer's.
    Confirm { org: String, to: String, lang: String },
}

/// How a message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Changes were made.
    Applied,
    /// Set aside for a person.
    Review,
    /// Kept as a note (a bounce, an out-of-office), or nothing to do.
    Recorded,
    /// Not about this process.
    Ignored,
}

/// What an action does to the register, in one line: `review`, `ingest` and the logs say it so.
impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Action::CreateNgo {
                id,
                address,
                referred_by,
                ..
            } => format!(
                "add the organisation {id} <{address}>{}",
                referred_by
                    .as_ref()
                    .map(|r| format!(", referred by {r}"))
                    .unwrap_or_default()
            ),
            Action::SetRegistration {
                org,
                event,
                status,
                attendees,
                count,
                late,
                replace,
                withdrawn,
                ..
            } => {
                let people: Vec<String> = attendees
                    .iter()
                    .map(|a| {
                        format!(
                            "{}{}",
                            a.name.clone().unwrap_or_default(),
                            a.email.as_ref().map(|e| format!(" <{e}>")).unwrap_or_default()
                        )
                    })
                    .collect();
                format!(
                    "{org}: {status} for {event}{}{}{}{}",
                    count.map(|c| format!(", {c} coming")).unwrap_or_default(),
                    if people.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", people.join(", "))
                    },
                    if *late { " (late)" } else { "" },
                    if *replace {
                        " (replacing the earlier answer)"
                    } else {
                        ""
                    },
                ) + &if withdrawn.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; no longer coming: {}",
                        withdrawn
                            .iter()
                            .filter_map(|w| w.name.clone().or(w.email.clone()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            }
            Action::SetAttendance {
                org,
                event,
                person,
                answer,
                delegate,
                late,
            } => format!(
                "{org}: {} {answer} {event}{}{}",
                person
                    .email
                    .clone()
                    .or_else(|| person.name.clone())
                    .unwrap_or_default(),
                delegate
                    .as_ref()
                    .and_then(|d| d.email.clone())
                    .map(|d| format!(" to {d}"))
                    .unwrap_or_default(),
                if *late { " (late)" } else { "" }
            ),
            Action::PollAnswer {
                org,
                event,
                address,
                yes,
                no,
                maybe,
                evidence,
            } => {
                let words: Vec<String> = evidence
                    .iter()
                    .filter(|e| !e.text.is_empty())
                    .map(|e| format!("{} «{}»", e.slot, e.text))
                    .collect();
                format!(
                    "{org}: {address} answers the {event} poll: suits {yes:?}, not {no:?}, maybe {maybe:?}{}",
                    if words.is_empty() {
                        String::new()
                    } else {
                        format!(" (read from {})", words.join(", "))
                    }
                )
            }
            Action::SetContact {
                org,
                name,
                email,
                phone,
            } => format!(
                "{org}: contact person {}",
                [name.clone(), email.clone(), phone.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Action::Bounce {
                recipient,
                status,
                hard,
                ..
            } => format!(
                "bounce of {recipient} {} ({})",
                status.clone().unwrap_or_default(),
                if *hard { "address dead" } else { "may pass" }
            ),
            Action::AutoReply {
                address, returns_on, ..
            } => format!(
                "automatic reply from {address}{}",
                returns_on.map(|d| format!(", back {d}")).unwrap_or_default()
            ),
            Action::Review { reason, .. } => format!("review: {}", reason.en),
            Action::Confirm { to, .. } => format!("confirm to {to}"),
        };
        f.write_str(&text)
    }
}

/// What `actions` change, for the log and the register's record of the message.
fn summary_of(actions: &[Action]) -> String {
    actions
        .iter()
        .filter(|a| !matches!(a, Action::Review { .. } | Action::Confirm { .. }))
        .map(Action::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Outcome {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Review => "review",
            Outcome::Recorded => "recorded",
            Outcome::Ignored => "ignored",
        }
    }
}

/// What to do with one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub org: Option<String>,
    pub outcome: Outcome,
    pub actions: Vec<Action>,
    /// One line for the log.
    pub summary: String,
}

/// The domain of an address, lowercase.
pub fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Whether `domain` is `owned` or a subdomain of it, comparing whole labels: "aid.dep.no" and
/// "post.aid.dep.no" match "aid.dep.no"; "aid-dep.no", "aid.dep.no.evil.com" and "xaid.dep.no"
/// do not.
pub fn domain_matches(domain: &str, owned: &str) -> bool {
    let d = domain.trim_end_matches('.').to_ascii_lowercase();
    let o = owned.trim_end_matches('.').to_ascii_lowercase();
    !o.is_empty() && (d == o || d.ends_with(&format!(".{o}")))
}

/// The moment a message counts as sent: its Date, unless that is later than when it arrived.
fn answered_at(understood: &Understood, received: DateTime<Utc>) -> DateTime<Utc> {
    match understood.date {
        Some(d) if d <= received + chrono::Duration::hours(1) => d,
        _ => received,
    }
}

/// The organisation a message's references point to: its recipient or subject token first, a
/// reply to our message next, a token in the text last.
fn referenced_org(understood: &Understood, dir: &dyn Directory) -> (Option<OrgInfo>, Option<SentInfo>) {
    let by_source = |source: TokenSource| {
        understood
            .refs
            .tokens
            .iter()
            .filter(|(_, s)| *s == source)
            .find_map(|(t, _)| dir.org_by_token(t))
    };
    let sent = understood.refs.replied_to.iter().find_map(|id| dir.sent(id));
    let org = by_source(TokenSource::Recipient)
        .or_else(|| by_source(TokenSource::Subject))
        .or_else(|| {
            sent.as_ref()
                .and_then(|s| s.org_id.as_deref())
                .and_then(|id| dir.org(id))
        })
        .or_else(|| by_source(TokenSource::Body));
    (org, sent)
}

/// Decides what `understood` changes; `received` is when it arrived.
pub fn decide(
    understood: &Understood,
    config: &Config,
    dir: &dyn Directory,
    received: DateTime<Utc>,
) -> Decision {
    let sender = understood.from.clone();
    let sender_address = sender.as_ref().map(|s| s.address.clone()).unwrap_or_default();
    let sender_org = dir
        .org_by_address(&sender_address)
        .or_else(|| dir.org_by_domain(&domain_of(&sender_address)));
    let (ref_org, sent) = referenced_org(understood, dir);
    let authenticity = authority::of(understood, &config.inbox);
    let ignored = |summary: String| Decision {
        org: None,
        outcome: Outcome::Ignored,
        actions: Vec::new(),
        summary,
    };
    match &understood.class {
        Class::Unreadable { reason } => Decision {
            org: None,
            outcome: Outcome::Review,
            actions: vec![Action::Review {
                org: None,
                reason: words!("kunne ikke leses: {reason}", "could not be read: {reason}"),
                proposal: Vec::new(),
            }],
            summary: format!("unreadable: {reason}"),
        },
        Class::Own => ignored("our own message".into()),
        // A read receipt changes nothing, but belongs in the organisation's history.
        // "Rekdal Sunniva ønsker å tilbakekalle meldingen …": what that message recorded is in
        // doubt until the sender says what holds.
        Class::Notice { what } if what.starts_with("a recall") => review(
            sender_org.clone().or(ref_org.clone()).map(|o| o.id),
            {
                let who = understood.from.as_ref().map(|f| f.address.as_str());
                let (nb, en) = (who.unwrap_or("avsenderen"), who.unwrap_or("the sender"));
                let what = what.trim_start_matches("a recall of ");
                words!(
                    "{nb} vil trekke tilbake {what}: det den meldingen registrerte, står til avsenderen sier hva som gjelder; spør dem",
                    "{en} asks to take back {what}: what that message recorded stands until the sender says what holds; ask them"
                )
            },
            Vec::new(),
        ),
        Class::Notice { what } => Decision {
            org: sender_org.clone().or(ref_org.clone()).map(|o| o.id),
            ..ignored(format!("a notice: {what}"))
        },
        Class::Bounce(report) => bounce(report, dir, ref_org, sent),
        Class::AutoReply(auto) => {
            let org = sender_org.clone().or(ref_org.clone());
            let Some(org) = org else {
                return ignored("an automatic reply from someone outside the process".into());
            };
            Decision {
                org: Some(org.id.clone()),
                outcome: Outcome::Recorded,
                actions: vec![Action::AutoReply {
                    org: Some(org.id.clone()),
                    address: sender_address.clone(),
                    returns_on: auto.returns_on,
                }],
                summary: format!(
                    "automatic reply ({}){}",
                    auto.signal,
                    auto.returns_on.map(|d| format!(", back {d}")).unwrap_or_default()
                ),
            }
        }
        Class::Calendar(cal) => calendar(
            cal,
            understood,
            config,
            dir,
            (sender_org, ref_org),
            &authenticity,
            received,
        ),
        Class::Reply { split, facts } => {
            let to_poll = poll_open(config, dir)
                && (sent.as_ref().is_some_and(|s| {
                    s.kind == crate::ident::kind::POLL
                        || s.kind == crate::ident::kind::REMINDER && is_poll_event(config, s)
                }) || subject_names_poll(&understood.subject, config));
            match to_poll
                .then(|| poll_reply(understood, split, config, dir, sender_org.clone(), &authenticity))
                .flatten()
            {
                Some(poll) => with_reply(
                    poll,
                    reply(
                        understood,
                        &own_registrations(facts),
                        config,
                        dir,
                        (sender_org, ref_org),
                        &authenticity,
                        received,
                    ),
                ),
                None => read_by_a_person_if_long(
                    reply(
                        understood,
                        facts,
                        config,
                        dir,
                        (sender_org, ref_org),
                        &authenticity,
                        received,
                    ),
                    split,
                    understood,
                    to_poll,
                ),
            }
        }
    }
}

fn event_ours(uid: &str, config: &Config) -> Option<String> {
    // Our calendar objects are "PROCESS-EVENT@domain".
    let local = uid.split('@').next()?;
    let rest = local.strip_prefix(&format!("{}-", config.process.id))?;
    config.events.iter().find(|e| e.id == rest).map(|e| e.id.clone())
}

/// The event a calendar answer without UID names by its summary ("Godtatt: Samskapingsmøte …").
fn event_named(summary: &str, config: &Config) -> Option<String> {
    let s = summary.to_lowercase();
    config
        .events
        .iter()
        .find(|e| {
            [&e.name.nb, &e.name.en]
                .iter()
                .any(|n| !n.is_empty() && s.contains(&n.to_lowercase()))
        })
        .or_else(|| {
            config
                .events
                .iter()
                .find(|e| e.aliases.iter().any(|a| s.contains(a.as_str())))
        })
        .map(|e| e.id.clone())
}

fn calendar(
    cal: &crate::understand::calendar::CalendarMessage,
    understood: &Understood,
    config: &Config,
    dir: &dyn Directory,
    (sender_org, ref_org): (Option<OrgInfo>, Option<OrgInfo>),
    authenticity: &Authenticity,
    received: DateTime<Utc>,
) -> Decision {
    let event = match &cal.uid {
        Some(uid) => event_ours(uid, config),
        None => cal.summary.as_deref().and_then(|s| event_named(s, config)),
    };
    let Some(event) = event else {
        return Decision {
            org: None,
            outcome: Outcome::Ignored,
            actions: Vec::new(),
            summary: format!("a calendar {} that is not about our events", cal.method),
        };
    };
    let sender = understood.from.clone().unwrap_or_default();
    let sender_address = sender.address.to_lowercase();
    // Who may answer for an organisation: its own people, and anyone we invited to this meeting
    // on its behalf (a delegate named by the organisation may be at another domain).
    let invited_org = || {
        dir.sent_to(&sender_address)
            .and_then(|s| s.org_id)
            .and_then(|id| dir.org(&id))
    };
    let org = sender_org.or_else(invited_org);
    if cal.method == "COUNTER" {
        return review(
            org.or(ref_org).map(|o| o.id),
            {
                let who = &sender.address;
                words!(
                    "{who} foreslår et annet tidspunkt for {event} (kalendersvar COUNTER): noen bør svare",
                    "{who} proposes another time for {event} (calendar COUNTER): a person should answer it"
                )
            },
            Vec::new(),
        );
    }
    if cal.method != "REPLY" {
        return Decision {
            org: org.or(ref_org).map(|o| o.id),
            outcome: Outcome::Recorded,
            actions: Vec::new(),
            summary: format!("calendar {}", cal.method),
        };
    }
    let Some(org) = org else {
        return review(
            ref_org.map(|o| o.id),
            {
                let who = &sender.address;
                words!(
                    "et kalendersvar om {event} fra {who}, som ikke hører til noen organisasjon i prosessen",
                    "a calendar answer for {event} from {who}, who is not of any organisation in the process"
                )
            },
            Vec::new(),
        );
    };
    // The sender's own ATTENDEE line; a reply carries only the one answering, so a single line
    // from another address is a client that answers as the mailbox it serves.
    let answer = cal
        .answers
        .iter()
        .find(|a| a.address == sender_address)
        .or_else(|| (cal.answers.len() == 1).then(|| &cal.answers[0]));
    let Some(answer) = answer else {
        return review(
            Some(org.id),
            words!(
                "et kalendersvar om {event} som ikke sier hva noen deltaker svarer",
                "a calendar answer for {event} that says no attendee's answer"
            ),
            Vec::new(),
        );
    };
    let answer_word = match answer.partstat.as_str() {
        "ACCEPTED" => "accepted",
        "DECLINED" => "declined",
        "TENTATIVE" => "tentative",
        "DELEGATED" => "delegated",
        other => {
            return review(
                Some(org.id),
                words!(
                    "et kalendersvar {other} om {event}",
                    "a calendar answer {other} for {event}"
                ),
                Vec::new(),
            );
        }
    };
    let person = Attendee {
        name: answer.name.clone().or_else(|| {
            (answer.address == sender_address)
                .then(|| sender.name.clone())
                .flatten()
        }),
        email: Some(answer.address.clone()),
    };
    let delegate = answer.delegated_to.as_ref().map(|d| Attendee {
        name: None,
        email: Some(d.clone()),
    });
    let action = Action::SetAttendance {
        org: org.id.clone(),
        event: event.clone(),
        person,
        answer: answer_word.into(),
        delegate,
        late: is_late(config, &event, answered_at(understood, received)),
    };
    if let Some(doubt) = authenticity.doubt() {
        return review(Some(org.id), doubt.clone(), vec![action]);
    }
    Decision {
        org: Some(org.id),
        outcome: Outcome::Applied,
        actions: vec![action],
        summary: format!(
            "calendar answer for {event}: {} {answer_word}{}",
            answer.address,
            answer
                .delegated_to
                .as_ref()
                .map(|d| format!(" to {d}"))
                .unwrap_or_default()
        ),
    }
}

/// Whether there is a date poll still taking answers.
fn poll_open(config: &Config, dir: &dyn Directory) -> bool {
    config
        .schedule
        .poll
        .as_ref()
        .is_some_and(|p| !dir.poll_closed(&p.event))
}

/// Whether a subject names the poll's meeting ("SV: Hvilken dato passer for Oppfølgingsmøte: …"),
/// as a reply to the poll does when its client dropped In-Reply-To.
fn subject_names_poll(subject: &str, config: &Config) -> bool {
    let Some(event) = config.schedule.poll.as_ref().and_then(|p| config.event(&p.event)) else {
        return false;
    };
    let subject = subject.to_lowercase();
    [&event.name.nb, &event.name.en]
        .iter()
        .any(|n| !n.is_empty() && subject.contains(&n.to_lowercase()))
}

/// What a date poll answer also says in words of its own about coming ("På oppfølgingsmøtet
/// kommer Tone og jeg", "vi får uansett ikke deltatt på oppfølgingsmøtet"). Only statements that
/// name no date, number or weekday count: "vi kan komme den 31." answers the poll, it registers
/// no one.
fn own_registrations(facts: &crate::understand::Facts) -> crate::understand::Facts {
    crate::understand::Facts {
        answers: facts
            .answers
            .iter()
            .filter(|a| a.intent != crate::understand::facts::Intent::Later)
            .filter(|a| {
                !a.evidence.is_empty()
                    && a.evidence
                        .iter()
                        .all(|e| !crate::understand::poll_answer::names_a_slot(&e.text))
            })
            .cloned()
            .collect(),
        contact: None,
        ..facts.clone()
    }
}

/// Whether `sent` was about the date poll's meeting (a poll reminder).
fn is_poll_event(config: &Config, sent: &SentInfo) -> bool {
    config
        .schedule
        .poll
        .as_ref()
        .is_some_and(|p| sent.event_id.as_deref() == Some(p.event.as_str()))
}

/// An answer to the date poll, if the text gives one: recorded for the sender, who must be of
/// the organisation or the very address we asked. What the reader cannot read with certainty
/// goes to review with its reasons and the reading as the proposal; a question or a proposal
/// outside the slots gets a review item beside the recorded answer.
fn poll_reply(
    understood: &Understood,
    split: &crate::understand::quote::Split,
    config: &Config,
    dir: &dyn Directory,
    sender_org: Option<OrgInfo>,
    authenticity: &Authenticity,
) -> Option<Decision> {
    use crate::understand::poll_answer::{self, Candidate, Message};
    let (event, slots) = config.poll_candidates()?;
    let tz = config.process.timezone;
    let candidates: Vec<Candidate> = slots
        .iter()
        .map(|s| Candidate {
            start: s.start.with_timezone(&tz).naive_local(),
            end: s.end.with_timezone(&tz).naive_local(),
        })
        .collect();
    let message = Message {
        body: &split.body,
        // Answers between the quoted slot lines are read beside the slot above them.
        quoted: if split.inline.is_empty() {
            &split.quoted
        } else {
            &split.inline
        },
        subject: &understood.subject,
    };
    let mut answer = poll_answer::read_message(message, &candidates, true);
    if answer.is_empty() && answer.doubts.is_empty() {
        return None;
    }
    poll_answer::quote_evidence(&mut answer, message);
    let sender = understood.from.clone().unwrap_or_default();
    let address = sender.address.to_lowercase();
    let org = sender_org.or_else(|| {
        dir.sent_to(&address)
            .and_then(|s| s.org_id)
            .and_then(|id| dir.org(&id))
    });
    let mut doubts = answer.doubts.clone();
    let said = match dir.poll_answer(event, &address) {
        Some(before) => follow_up(&before, &answer, &mut doubts),
        None => PollSaid {
            yes: answer.yes.clone(),
            no: answer.no.clone(),
            maybe: answer.maybe.clone(),
        },
    };
    let action = Action::PollAnswer {
        org: org.as_ref().map(|o| o.id.clone()).unwrap_or_default(),
        event: event.to_string(),
        address: address.clone(),
        yes: said.yes,
        no: said.no,
        maybe: said.maybe,
        evidence: answer.evidence.clone(),
    };
    let Some(org) = org else {
        return Some(review(
            None,
            words!(
                "et svar på datoavstemningen fra {address}, som ikke ble spurt",
                "a date poll answer from {address}, who was not asked"
            ),
            vec![action],
        ));
    };
    if let Some(doubt) = authenticity.doubt() {
        return Some(review(Some(org.id), doubt.clone(), vec![action]));
    }
    if !doubts.is_empty() {
        return Some(review(
            Some(org.id),
            Text::join(&doubts, "; ").within(|lang, d| match lang {
                Lang::Nb => format!("et svar på datoavstemningen som ikke kan leses sikkert: {d}"),
                Lang::En => format!("a date poll answer that cannot be read with certainty: {d}"),
            }),
            vec![action],
        ));
    }
    let summary = summary_of(std::slice::from_ref(&action));
    let mut actions = vec![action];
    if !answer.remarks.is_empty() {
        actions.push(Action::Review {
            org: Some(org.id.clone()),
            reason: Text::join(&answer.remarks, "; ").within(|lang, r| match lang {
                Lang::Nb => {
                    format!("et svar på datoavstemningen, registrert, med mer som en person bør se på: {r}")
                }
                Lang::En => format!("a date poll answer, recorded, with more for a person: {r}"),
            }),
            proposal: Vec::new(),
        });
    }
    actions.push(Action::Confirm {
        org: org.id.clone(),
        to: address,
        lang: understood.lang.code().into(),
    });
    Some(Decision {
        org: Some(org.id),
        outcome: Outcome::Applied,
        actions,
        summary,
    })
}

/// A second answer from the same person: what it says of a slot replaces the first; a slot it
/// says nothing of keeps its answer. A slot it only leaves out (an implied no) replaces a yes or
/// a maybe of the first answer only when it says it corrects it: otherwise it may be an addition
/// ("2 passer også"), and a person decides.
fn follow_up(
    before: &PollSaid,
    answer: &crate::understand::poll_answer::PollAnswer,
    doubts: &mut Vec<Text>,
) -> PollSaid {
    let n = [
        &before.yes,
        &before.no,
        &before.maybe,
        &answer.yes,
        &answer.no,
        &answer.maybe,
    ]
    .iter()
    .flat_map(|v| v.iter())
    .copied()
    .max()
    .unwrap_or(0);
    use crate::understand::poll_answer::Said;
    let of = |yes: &[usize], no: &[usize], maybe: &[usize], slot: usize| {
        if yes.contains(&slot) {
            Some(Said::Yes)
        } else if maybe.contains(&slot) {
            Some(Said::Maybe)
        } else if no.contains(&slot) {
            Some(Said::No)
        } else {
            None
        }
    };
    // A correction that says no of some slots itself ("2. september passer likevel, men 29.
    // august går ikke likevel") says what changed; the slots it leaves out keep their answer.
    let says_its_noes = answer.no.iter().any(|s| !answer.implied.contains(s));
    let mut out = PollSaid::default();
    for slot in 1..=n {
        let was = of(&before.yes, &before.no, &before.maybe, slot);
        let now = of(&answer.yes, &answer.no, &answer.maybe, slot);
        let implied = answer.implied.contains(&slot);
        let keep = match (was, now) {
            (Some(w @ (Said::Yes | Said::Maybe)), Some(Said::No))
                if implied && answer.correction && says_its_noes =>
            {
                Some(w)
            }
            (Some(w @ (Said::Yes | Said::Maybe)), Some(Said::No)) if implied && !answer.correction => {
                doubts.push(words!(
                    "tidspunkt {slot} ble tilbudt i et tidligere svar, og dette svaret bare utelater det: en rettelse eller et tillegg?",
                    "slot {slot} was offered in an earlier answer and this one only leaves it out: a correction or an addition?"
                ));
                Some(w)
            }
            (_, Some(x)) => Some(x),
            (w, None) => w,
        };
        match keep {
            Some(Said::Yes) => out.yes.push(slot),
            Some(Said::No) => out.no.push(slot),
            Some(Said::Maybe) => out.maybe.push(slot),
            None => {}
        }
    }
    out
}

/// A poll answer that also says something of the meetings ("2 og 4 passer. På oppfølgingsmøtet
/// kommer Tone og jeg"): both readings count. What either sets aside for a person stays set
/// aside; changes one of them holds back are held back with it.
fn with_reply(poll: Decision, reply: Decision) -> Decision {
    let changes = |d: &Decision| -> Vec<Action> {
        d.actions
            .iter()
            .filter(|a| !matches!(a, Action::Review { .. } | Action::Confirm { .. }))
            .cloned()
            .collect()
    };
    match (poll.outcome, reply.outcome) {
        (_, Outcome::Recorded | Outcome::Ignored) => poll,
        (Outcome::Applied, Outcome::Applied) => {
            let mut actions = changes(&reply);
            let mut confirm: Option<Action> = None;
            for a in reply.actions.iter().chain(&poll.actions) {
                match a {
                    Action::Review { .. } => actions.push(a.clone()),
                    // One confirmation, of everything recorded.
                    Action::Confirm { .. } if confirm.is_none() => confirm = Some(a.clone()),
                    _ => {}
                }
            }
            actions.extend(changes(&poll));
            actions.extend(confirm);
            Decision {
                org: poll.org.or(reply.org),
                outcome: Outcome::Applied,
                actions,
                summary: format!("{}; {}", reply.summary, poll.summary),
            }
        }
        (Outcome::Applied, _) => {
            // The reply's part waits for a person; the poll answer is recorded.
            let mut actions = poll.actions;
            let at = actions
                .iter()
                .position(|a| matches!(a, Action::Confirm { .. }))
                .unwrap_or(actions.len());
            let held: Vec<Action> = reply
                .actions
                .into_iter()
                .filter(|a| matches!(a, Action::Review { .. }))
                .collect();
            actions.splice(at..at, held);
            Decision {
                org: poll.org.or(reply.org),
                outcome: Outcome::Applied,
                actions,
                summary: format!("{}; {}", poll.summary, reply.summary),
            }
        }
        (_, _) => {
            // The poll answer waits for a person: so does everything else the message says.
            let mut reasons = Vec::new();
            let mut proposal = Vec::new();
            for d in [&poll, &reply] {
                proposal.extend(changes(d));
                for a in &d.actions {
                    if let Action::Review {
                        reason, proposal: p, ..
                    } = a
                    {
                        reasons.push(reason.clone());
                        proposal.extend(p.iter().cloned());
                    }
                }
            }
            review(poll.org.or(reply.org), Text::join(&reasons, "; "), proposal)
        }
    }
}

fn review(org: Option<String>, reason: Text, proposal: Vec<Action>) -> Decision {
    Decision {
        summary: format!("to review: {}", reason.en),
        actions: vec![Action::Review {
            org: org.clone(),
            reason,
            proposal,
        }],
        org,
        outcome: Outcome::Review,
    }
}

/// The review reason of questions the writer asks.
fn a_question(questions: &[String]) -> Text {
    let q = questions.join(" ");
    words!("et spørsmål: {q}", "a question: {q}")
}

/// Words in the names of government agencies ("Miljødirektoratet", "Datatilsynet",
/// "Statens vegvesen", "Skatteetaten", "Riksantikvaren"): bodies under a ministry, not NGOs.
const AGENCY_WORDS: &[&str] = &[
    "direktorat",
    "tilsyn",
    "etaten",
    "statens ",
    "riksantikvar",
    "kartverk",
    "verket",
    "registrene",
    "registeret",
    "vegvesen",
    "directorate",
    "norwegian agency",
];

/// Words in a reply, above which a message that records nothing is set aside to be read.
const SAYS_A_GOOD_DEAL: usize = 35;

/// "Takk for et godt møte … vi vil spille inn at tema f bør avgrenses …": a reply from an
/// organisation that says a good deal and nothing the register holds is for the coordinator to
/// read, not filed as nothing. A message written to others with us in copy ("Til Elektronisk
/// Forpost Norge og Noregs Mållag", the invitation passed on) is theirs to answer: it is logged.
fn read_by_a_person_if_long(
    decision: Decision,
    split: &crate::understand::quote::Split,
    understood: &Understood,
    to_poll: bool,
) -> Decision {
    let words = split.body.split_whitespace().count();
    let nothing = decision.outcome == Outcome::Recorded && decision.actions.is_empty();
    let (copied_only, attachments) = (understood.refs.copied_only, &understood.attachments);
    match &decision.org {
        Some(_) if nothing && copied_only && !to_poll => Decision {
            summary: "a message to others with us in copy, recording nothing".into(),
            ..decision
        },
        // "Se vedlagte svar fra UD": the answer stands in a file samskap does not open.
        Some(org) if nothing && !copied_only && !attachments.is_empty() => {
            let files = attachments.join(", ");
            review(
                Some(org.clone()),
                words!(
                    "en melding som ikke registrerer noe, med vedlegg ({files}): svaret står kanskje der",
                    "a message that records nothing, with an attachment ({files}): the answer may be in it"
                ),
                Vec::new(),
            )
        }
        Some(org)
            if nothing
                && !copied_only
                && words >= SAYS_A_GOOD_DEAL
                && !decision.summary.starts_with("nothing to record yet") =>
        {
            review(
                Some(org.clone()),
                words!(
                    "en melding på {words} ord som ikke registrerer noe: den trenger kanskje et svar",
                    "a message of {words} words that records nothing: it may need an answer"
                ),
                Vec::new(),
            )
        }
        // "Passer fint!", or only an attachment, in answer to the date poll: the poll waits for
        // this answer, so a person reads it.
        Some(org) if nothing && to_poll => review(
            Some(org.clone()),
            words!(
                "et svar på datoavstemningen der samskap ikke kan lese hvilke datoer som passer (les det selv, og se etter et vedlegg)",
                "an answer to the date poll in which samskap cannot read which dates suit (read it yourself, and look for an attachment)"
            ),
            Vec::new(),
        ),
        _ => decision,
    }
}

fn is_late(config: &Config, event: &str, at: DateTime<Utc>) -> bool {
    config.registration_deadline(event).is_some_and(|d| at > d.due)
}

/// Whether a message from outside the organisations belongs to this process at all.
fn about_this_process(understood: &Understood, config: &Config, ref_org: &Option<OrgInfo>) -> bool {
    if ref_org.is_some() {
        return true;
    }
    let Class::Reply { split, .. } = &understood.class else {
        return false;
    };
    let original = format!("{}\n{}\n{}", understood.subject, split.body, split.quoted);
    let text = original.to_lowercase();
    let id = config.process.id.to_lowercase();
    // The acronym the process goes by ("OGP" in "Open Government Partnership (OGP) …"), in
    // capitals as people write it, and its case number.
    let acronyms: Vec<&str> = config
        .process
        .name
        .nb
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_uppercase()))
        .collect();
    // As a word of its own, in capitals or not ("påmelding ogp møte 23 juni" from a phone).
    let by_acronym = original
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| acronyms.iter().any(|a| a.eq_ignore_ascii_case(w)));
    let by_reference = config
        .process
        .reference
        .as_deref()
        .is_some_and(|r| !r.is_empty() && text.contains(&r.to_lowercase()));
    // The day of one of its meetings, in words ("møtet 23. juni", "on 23 June").
    let tz = config.process.timezone;
    let by_day = config.events.iter().filter_map(|e| e.slot()).any(|slot| {
        let day = slot.start.with_timezone(&tz).date_naive();
        [Lang::Nb, Lang::En]
            .iter()
            .any(|&l| text.contains(&crate::config::words::day_month(day, l).to_lowercase()))
    });
    // Its invitation, or a ministry that passed it on ("Vi fekk tips om møtet fra
    // Landbruks- og matdepartementet").
    let by_invitation = ["invitasjon", "innbyding", "invitation"]
        .iter()
        .any(|w| text.contains(w));
    by_acronym
        || by_reference
        || by_day
        || by_invitation
        || referred_in_text(understood, config).is_some()
        || text.contains(&config.process.name.nb.to_lowercase())
        || text.contains(&config.process.name.en.to_lowercase())
        || text.split(|c: char| !c.is_alphanumeric()).any(|w| w == id)
        || config
            .events
            .iter()
            .any(|e| e.aliases.iter().any(|a| text.contains(a.as_str())))
}

/// The id an NGO that writes from `address` gets: its domain, or its address on public webmail.
pub fn ngo_id(address: &str) -> String {
    let domain = domain_of(address);
    if PUBLIC_MAIL_DOMAINS.contains(&domain.as_str()) || domain.is_empty() {
        address.to_ascii_lowercase()
    } else {
        domain
    }
}

fn reply(
    understood: &Understood,
    facts: &crate::understand::Facts,
    config: &Config,
    dir: &dyn Directory,
    (sender_org, ref_org): (Option<OrgInfo>, Option<OrgInfo>),
    authenticity: &Authenticity,
    received: DateTime<Utc>,
) -> Decision {
    let sender = understood.from.clone().unwrap_or_default();
    let at = answered_at(understood, received);
    let mut actions = Vec::new();
    let mut doubts: Vec<Text> = facts.doubts.clone();
    let has_answer = !facts.answers.is_empty();
    let has_contact = facts.contact.is_some();

    // Who speaks.
    let (org, created) = match (&sender_org, has_answer || has_contact) {
        (Some(o), _) => (Some(o.clone()), None),
        (None, false) => (None, None),
        (None, true) => {
            if !about_this_process(understood, config, &ref_org) {
                return Decision {
                    org: None,
                    outcome: Outcome::Ignored,
                    actions: Vec::new(),
                    summary: "a message from outside the process".into(),
                };
            }
            // The contact at the writer's own organisation's domain ("Kontaktperson for oss er
            // Oda, oda@nu.no" from nu.no) is the new organisation's own; anyone else, or
            // anyone on webmail, may be the ministry's.
            // Not when the text names the ministry ("oppdater FDs kontaktperson" from fd-dep.no).
            let sender_domain = domain_of(&sender.address);
            let names_the_ministry = match (&understood.class, &ref_org) {
                (Class::Reply { split, .. }, Some(r)) => config
                    .organisations
                    .iter()
                    .any(|o| o.id == r.id && names_org_beyond_referral(split, o)),
                _ => true,
            };
            let own_contact = !names_the_ministry
                && facts
                    .contact
                    .as_ref()
                    .and_then(|c| c.email.as_deref())
                    .is_some_and(|e| {
                        domain_of(e) == sender_domain
                            && !PUBLIC_MAIL_DOMAINS.contains(&sender_domain.as_str())
                    });
            if has_contact && !own_contact && ref_org.as_ref().is_some_and(|o| o.kind == OrgKind::Ministry) {
                let ministry = ref_org.clone().map(|o| o.name).unwrap_or_default();
                let who = &sender.address;
                doubts.push(words!(
                    "{who} er ikke en adresse hos {ministry}, men oppgir en kontaktperson i et svar på invitasjonen dit",
                    "{who} is not an address of {ministry}, but names a contact person in a reply to its invitation"
                ));
            }
            // Someone outside a ministry who speaks as it: from a private address, or for it
            // ("på vegne av Nærings- og fiskeridepartementet"). Plausible (a ministry's employee
            // at home, its agency), but only the ministry's own addresses speak for it: the
            // reading is kept for a person to apply.
            if let Some((ministry, why)) = speaks_for_a_ministry(understood, config, dir, &sender, &ref_org) {
                doubts.push(why);
                return reply_held_for(understood, facts, config, ministry, doubts, received);
            }
            // A private person on webmail who names no organisation ("Jeg er masterstudent …"):
            // the register holds organisations; whether and how they take part is the
            // coordinator's to answer.
            if let Class::Reply { split, .. } = &understood.class
                && PUBLIC_MAIL_DOMAINS.contains(&domain_of(&sender.address).as_str())
                && !presents_as_org(&sender, config, split)
            {
                return review(
                    ref_org.map(|o| o.id),
                    {
                        let who = &sender.address;
                        words!(
                            "skrevet av en privatperson ({who}) som ikke nevner noen organisasjon på adresselisten: bare organisasjoner registreres; svar avsenderen",
                            "written by a private person ({who}) who names no organisation on the address list: only organisations are registered; answer the writer"
                        )
                    },
                    Vec::new(),
                );
            }
            let id = ngo_id(&sender.address);
            let referred_by = match &ref_org {
                Some(o) => (o.id != id).then(|| o.id.clone()),
                None => referred_in_text(understood, config),
            };
            let domain = domain_of(&sender.address);
            let create = Action::CreateNgo {
                id: id.clone(),
                name: org_name(&sender, &domain, &signature_of(understood)),
                address: sender.address.clone(),
                domains: if id == domain { vec![domain] } else { Vec::new() },
                referred_by,
                lang: understood.lang.code().into(),
            };
            (
                Some(OrgInfo {
                    id,
                    kind: OrgKind::Ngo,
                    name: String::new(),
                    address: sender.address.clone(),
                }),
                Some(create),
            )
        }
    };
    let Some(org) = org else {
        // "Kan du sende meg lysarkene?" from a colleague at the organiser: the coordinator's own
        // mail, nothing for the register.
        if colleague_of_the_organiser(config, &sender.address) {
            return Decision {
                org: None,
                outcome: Outcome::Ignored,
                actions: Vec::new(),
                summary: format!(
                    "a message from a colleague at the organiser ({}): nothing for the register",
                    sender.address
                ),
            };
        }
        if !facts.questions.is_empty() && about_this_process(understood, config, &ref_org) {
            return review(ref_org.map(|o| o.id), a_question(&facts.questions), Vec::new());
        }
        return Decision {
            org: ref_org.map(|o| o.id),
            outcome: Outcome::Ignored,
            actions: Vec::new(),
            summary: "nothing to record".into(),
        };
    };
    // Whether an address is the organisation's own: its official address or one at its domains;
    // for an organisation this message creates, the sender's domain (or, on webmail, the
    // sender's address alone).
    let own = |address: &str| -> bool {
        let address = address.to_ascii_lowercase();
        if address == org.address.to_ascii_lowercase() {
            return true;
        }
        match &created {
            Some(Action::CreateNgo { domains, .. }) => {
                domains.iter().any(|d| domain_matches(&domain_of(&address), d))
            }
            _ => dir
                .org_by_domain(&domain_of(&address))
                .is_some_and(|o| o.id == org.id),
        }
    };
    if let Some(create) = created.clone() {
        actions.push(create);
    }
    // People at other domains than its own are for a person to look at when the message creates
    // the organisation: anyone can write in as an NGO, and each address registered gets mail.
    let mut elsewhere: Vec<Action> = Vec::new();
    let mut later = Vec::new();
    // "Kari og jeg kommer som planlagt": a first name alone is someone the organisation named
    // before, or someone a person must name; the register never holds a guess at who.
    let named_before = dir.people_named(&org.id);
    for answer in &facts.answers {
        for a in &answer.attendees {
            let Some(name) = a
                .name
                .as_deref()
                .filter(|n| !n.contains(' ') && a.email.is_none())
            else {
                continue;
            };
            let completed = attendance::completed(std::slice::from_ref(a), &named_before);
            if completed.first().is_some_and(|c| c == a) {
                doubts.push(words!(
                    "{name} er bare nevnt med fornavn, og ingen med det navnet er meldt på før: hvem er det?",
                    "{name} is named by first name only, and no one of that name was registered before: who is it?"
                ));
            }
        }
    }
    for answer in &facts.answers {
        if answer.intent == crate::understand::facts::Intent::Later {
            later.push(answer.event.clone());
            // Someone who will not come, in a message that promises the answer later ("Selv har
            // jeg ikke anledning. Hvem som stiller, kommer vi tilbake til"): taken off the
            // registration if on it; the organisation's answer is still to come.
            if answer.withdrawn.is_empty() {
                continue;
            }
        }
        let (attendees, others): (Vec<Attendee>, Vec<Attendee>) = if created.is_some() {
            answer
                .attendees
                .iter()
                .cloned()
                .partition(|a| a.email.as_deref().is_none_or(&own))
        } else {
            (answer.attendees.clone(), Vec::new())
        };
        let late = is_late(config, &answer.event, at);
        actions.push(registration(&org.id, answer, attendees, facts.correction, late));
        if !others.is_empty() {
            elsewhere.push(Action::SetRegistration {
                org: org.id.clone(),
                event: answer.event.clone(),
                status: answer.intent.as_str().into(),
                attendees: others,
                count: None,
                late,
                replace: false,
                withdrawn: Vec::new(),
                evidence: Vec::new(),
            });
        }
    }
    let contact = facts
        .contact
        .as_ref()
        .map(|c| completed_contact(c, &named_before));
    if let Some(c) = &contact {
        if let Some(name) = c.name.as_deref().filter(|n| !n.contains(' ')) {
            doubts.push(words!(
                "kontaktpersonen er bare oppgitt som {name}",
                "the contact person is named {name} only"
            ));
        }
        if c.name.is_none() && c.email.is_none() {
            doubts.push(Text::new(
                "en kontaktperson uten navn eller e-postadresse",
                "a contact person without name or e-mail address",
            ));
        }
        if let Some(email) = c.email.as_deref().filter(|e| !own(e)) {
            doubts.push(words!(
                "kontaktpersonens adresse {email} er utenfor organisasjonens egne domener",
                "the contact person's address {email} is outside the organisation's own domains"
            ));
        }
        actions.push(Action::SetContact {
            org: org.id.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
        });
    }
    // "mobilnummeret til Are er 412 60 858" in answer to the confirmation: the contact's new
    // number, when Are is the contact (a number for anyone else is not kept).
    if contact.is_none()
        && let Some(new) = &facts.new_phone
        && let Some((c, phone)) = dir.contact_of(&org.id)
        && attendance::completed(std::slice::from_ref(&new.who), std::slice::from_ref(&c))
            .first()
            .is_some_and(|w| attendance::same_person(w, &c))
        && phone.as_deref() != Some(new.phone.as_str())
    {
        actions.push(Action::SetContact {
            org: org.id.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: Some(new.phone.clone()),
        });
    }
    let named = addresses_named(facts);
    if named > config.inbox.people_per_message {
        let most = config.inbox.people_per_message;
        doubts.push(words!(
            "den nevner {named} personer med adresse, flere enn de {most} én melding kan melde på ([inbox] people_per_message)",
            "it names {named} people with an address, more than the {most} one message may register ([inbox] people_per_message)"
        ));
    }
    if let Some(doubt) = authenticity.doubt() {
        doubts.push(doubt.clone());
    }
    if actions.is_empty() {
        if !facts.questions.is_empty() {
            return review(Some(org.id), a_question(&facts.questions), Vec::new());
        }
        if !doubts.is_empty() {
            return review(Some(org.id), Text::join(&doubts, "; "), Vec::new());
        }
        return Decision {
            org: Some(org.id),
            outcome: Outcome::Recorded,
            actions: Vec::new(),
            summary: if later.is_empty() {
                "a reply with nothing to record".into()
            } else {
                format!(
                    "nothing to record yet: it will answer later about {}",
                    later.join(", ")
                )
            },
        };
    }
    if !doubts.is_empty() {
        actions.extend(elsewhere);
        return review(Some(org.id), Text::join(&doubts, "; "), actions);
    }
    let summary = summary_of(&actions);
    if !elsewhere.is_empty() {
        let people: Vec<String> = elsewhere
            .iter()
            .flat_map(|a| match a {
                Action::SetRegistration { attendees, .. } => attendees.clone(),
                _ => Vec::new(),
            })
            .filter_map(|a| a.email)
            .collect();
        actions.push(Action::Review {
            org: Some(org.id.clone()),
            reason: {
                let people = people.join(", ");
                words!(
                    "personer ved andre domener enn den nye organisasjonens eget, ikke påmeldt før en person godkjenner det: {people}",
                    "people at other domains than the new organisation's own, not registered until a person agrees: {people}"
                )
            },
            proposal: elsewhere,
        });
    }
    if !facts.questions.is_empty() {
        actions.push(Action::Review {
            org: Some(org.id.clone()),
            reason: {
                let q = facts.questions.join(" ");
                words!("et spørsmål som må besvares: {q}", "a question to answer: {q}")
            },
            proposal: Vec::new(),
        });
    }
    if !sender.address.is_empty() {
        actions.push(Action::Confirm {
            org: org.id.clone(),
            to: sender.address.clone(),
            lang: understood.lang.code().into(),
        });
    }
    Decision {
        org: Some(org.id),
        outcome: Outcome::Applied,
        actions,
        summary,
    }
}

/// Whether a writer on public webmail says who they are as an organisation, in the display name
/// or the signature ("Aksjon for åpenhet"); a person there who says nothing of an organisation,
/// or names a ministry as theirs, writes as a private person (perhaps a ministry's employee at home).
fn presents_as_org(
    sender: &crate::understand::Sender,
    config: &Config,
    split: &crate::understand::quote::Split,
) -> bool {
    let domain = domain_of(&sender.address);
    let ministries = || {
        config
            .organisations
            .iter()
            .filter(|o| o.kind == OrgKind::Ministry)
    };
    let shown_org = org_name(sender, &domain, &split.signature);
    let name = shown_org.to_lowercase();
    // "Sikkerhetspolitisk avdeling, FD": a ministry's department is the ministry.
    let a_ministry = ministries().any(|o| names_as(o, &shown_org));
    // A display name that is no person's ("Aksjon for åpenhet": not a given name first).
    let shown = crate::understand::reading::people::display_name(sender.name.as_deref().unwrap_or(""));
    let first = shown.split_whitespace().next().unwrap_or("");
    let display_is_org = shown.split_whitespace().count() >= 2
        && first.chars().next().is_some_and(char::is_uppercase)
        && !crate::understand::reading::people::is_given_name(first);
    !a_ministry
        && (display_is_org
            || (name != sender.name.as_deref().unwrap_or("").to_lowercase()
                && name != sender.address.to_lowercase()))
}

/// The ministry a message from outside the organisations speaks as, with the reason to hold
/// it: written from public webmail about a ministry (its invitation's token or thread, or its
/// name in the writer's text or signature), or written for a ministry by name ("på vegne av",
/// "on behalf of") from another organisation's domain.
fn speaks_for_a_ministry(
    understood: &Understood,
    config: &Config,
    dir: &dyn Directory,
    sender: &crate::understand::Sender,
    ref_org: &Option<OrgInfo>,
) -> Option<(OrgInfo, Text)> {
    let Class::Reply { split, .. } = &understood.class else {
        return None;
    };
    let domain = domain_of(&sender.address);
    let webmail = PUBLIC_MAIL_DOMAINS.contains(&domain.as_str());
    let own_text = format!("{}\n{}", split.body, split.signature).to_lowercase();
    let named = |o: &crate::config::Organisation| names_org(split, o);
    let ministries = || {
        config
            .organisations
            .iter()
            .filter(|o| o.kind == OrgKind::Ministry)
    };
    let by_ref = ref_org.as_ref().filter(|o| o.kind == OrgKind::Ministry);
    let presents_as_org = presents_as_org(sender, config, split);
    if webmail && !presents_as_org {
        let ministry = ministries()
            .find(|o| named(o))
            .and_then(|o| dir.org(&o.id))
            .or_else(|| by_ref.cloned());
        if let Some(ministry) = ministry {
            let (who, m) = (&sender.address, &ministry.name);
            let why = words!(
                "skrevet fra en privat adresse ({who}) om påmeldingen til {m}: er avsenderen fra {m}? Bare departementets egne adresser taler for det",
                "written from a private address ({who}) about {m}'s registration: is the writer from {m}? Only its own addresses speak for it"
            );
            return Some((ministry, why));
        }
    }
    // Signed as a ministry ("Ingunn Aarset\nUtenriksdepartementet") from an address that is not
    // its, or from a domain made to look like its ("mfa-no.org" for mfa.no): whoever wrote it,
    // only the ministry's own addresses speak for it.
    if !webmail {
        let shown = org_name(sender, &domain, &split.signature);
        let signed_as = |o: &crate::config::Organisation| names_as(o, &shown);
        let looks_like = |o: &crate::config::Organisation| o.domains.iter().any(|d| resembles(&domain, d));
        if let Some(o) = ministries().find(|o| looks_like(o) || signed_as(o))
            && let Some(ministry) = dir.org(&o.id)
        {
            let (who, m) = (&sender.address, &ministry.name);
            let why = if looks_like(o) {
                words!(
                    "skrevet fra {domain}, et domene som ligner på domenet til {m}, men ikke er en av adressene derfra: registrer ingenting før {m} bekrefter det",
                    "written from {domain}, a domain that looks like {m}'s but is not one of its addresses: record nothing before {m} confirms it"
                )
            } else {
                words!(
                    "signert som {m} fra {who}, som ikke er en av adressene derfra: er avsenderen fra {m}?",
                    "signed as {m} from {who}, which is not one of its addresses: is the writer from {m}?"
                )
            };
            return Some((ministry, why));
        }
    }
    // The ministry the message is about: its token's, or else the one ministry the writer names
    // in full ("Nærings- og fiskeridepartementet har bedt oss i Brønnøysundregistrene om å
    // delta", in a new message with no token).
    let named_alone = {
        let named: Vec<&crate::config::Organisation> =
            ministries().filter(|o| full_name_in(o, &own_text)).collect();
        match named.as_slice() {
            [one] => dir.org(&one.id),
            _ => None,
        }
    };
    let by_ref = by_ref.or(named_alone.as_ref());
    // A government agency answering its ministry's invitation ("Klima- og miljødepartementet
    // har bedt Miljødirektoratet om å delta"): plausibly the ministry's answer, but the agency
    // is not the ministry; a person decides whose registration it is.
    if let Some(ministry) = by_ref {
        let sender_org = org_name(sender, &domain, &split.signature).to_lowercase();
        let agency = AGENCY_WORDS.iter().any(|w| sender_org.contains(w))
            || split.signature.lines().any(|l| {
                AGENCY_WORDS.iter().any(|w| l.to_lowercase().contains(w)) && l.split_whitespace().count() <= 4
            });
        let named_ministry = config
            .organisations
            .iter()
            .any(|o| o.id == ministry.id && full_name_in(o, &own_text));
        // "Kultur- og likestillingsdepartementet har bedt Arkivverket om å representere
        // departementet": the ministry asked the writer to go for it.
        // The ministry named once in full, then as "departementet" ("Jeg er innleid som
        // konsulent i Samferdselsdepartementet … Departementet har … bedt meg delta på deres
        // vegne").
        let asked = config.organisations.iter().any(|o| {
            o.id == ministry.id
                && own_text.split(['.', '!', '?', '\n']).any(|s| {
                    (full_name_in(o, s)
                        || (named_ministry && ["departementet", "the ministry"].iter().any(|w| s.contains(w))))
                        && ["bedt", "bede", "bad ", "asked", "requested"]
                            .iter()
                            .any(|w| s.contains(w))
                        // To go for it, not to pass the invitation on.
                        && ["delta", "represent", "stille", "møte", "attend", "på vegne", "on behalf"]
                            .iter()
                            .any(|w| s.contains(w))
                })
        });
        if (agency || asked) && named_ministry {
            let (who, m) = (&sender.address, &ministry.name);
            let why = words!(
                "skrevet av en statlig virksomhet ({who}) som svar på invitasjonen til {m}, og nevner departementet: er dette påmeldingen til {m}? Bare departementets egne adresser taler for det",
                "written by a government agency ({who}) in reply to {m}'s invitation and naming it: is this {m}'s registration? Only its own addresses speak for it"
            );
            return Some((ministry.clone(), why));
        }
    }
    // What follows "på vegne av": the one spoken for ("on behalf of NCA" is the NGO itself).
    let spoken_for: Vec<String> = ["på vegne av", "på vegner av", "on behalf of"]
        .iter()
        .flat_map(|b| {
            own_text
                .match_indices(b)
                .map(|(at, b)| at + b.len())
                .collect::<Vec<_>>()
        })
        .map(|from| own_text[from..].chars().take(60).collect())
        .collect();
    let names_it = |o: &crate::config::Organisation, text: &str| {
        full_name_in(o, text)
            || text
                .split(|c: char| !c.is_alphanumeric())
                .take(3)
                .any(|w| w == o.id)
            || text.trim_start().starts_with("departementet")
            || text.trim_start().starts_with("the ministry")
    };
    let ministry = by_ref.filter(|m| {
        config
            .organisations
            .iter()
            .any(|o| o.id == m.id && spoken_for.iter().any(|t| names_it(o, t)))
    })?;
    let (who, m) = (&sender.address, &ministry.name);
    let why = words!(
        "{who} skriver på vegne av {m} fra {domain}, som ikke er en av adressene derfra",
        "{who} writes on behalf of {m} from {domain}, which is not one of its addresses"
    );
    Some((ministry.clone(), why))
}

/// Whether `domain`, which is not `owned` nor under it, is made to look like it: the letters
/// of `owned` inside its own ("mfa-no.org", "kld.dep.no.eu", "fd-dep.no" for fd.dep.no), or
/// one letter away from them ("kld.depp.no"), or the same name under another top-level
/// domain ("hod-dep.com").
pub fn resembles(domain: &str, owned: &str) -> bool {
    let letters = |d: &str| -> String { d.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect() };
    let (d, o) = (letters(domain), letters(owned));
    if domain_matches(domain, owned) || o.chars().count() < 4 {
        return false;
    }
    // The same name under another top-level domain ("hod-dep.com").
    let stem = |d: &str| letters(d.rsplit_once('.').map_or(d, |(stem, _)| stem));
    d.contains(&o)
        || (o.chars().count() >= 6 && one_edit_apart(&d, &o))
        || (stem(owned).chars().count() >= 4 && stem(domain) == stem(owned))
}

/// Whether one letter added, dropped or changed makes `a` into `b`.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[prefix + 1..] == long[prefix + 1..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// Whether an organisation's name as a message shows it (its signature's line, "Utenriksdepartementet",
/// "Sikkerhetspolitisk avdeling, FD") is `o`: its id, its full name or its acronym in capitals.
fn names_as(o: &crate::config::Organisation, shown: &str) -> bool {
    let lower = shown.to_lowercase();
    lower == o.id || full_name_in(o, &lower) || words_as_acronym(shown, "", &o.id)
}

/// Whether lower-case `text` names `o` in full, in either language.
fn full_name_in(o: &crate::config::Organisation, text: &str) -> bool {
    std::iter::once(o.name.clone())
        .chain(o.name_en.clone())
        .chain(short_names(&o.name))
        .any(|n| text.contains(&n.to_lowercase()))
}

/// The short forms a ministry of two fields goes by: "Justis- og beredskapsdepartementet" is
/// also "Justisdepartementet" (and the second field's name is the whole name's last word).
fn short_names(name: &str) -> Option<String> {
    let (first, rest) = name.split_once("- og ")?;
    let suffix = "departementet";
    (rest.ends_with(suffix) && !first.contains(' ')).then(|| format!("{first}{suffix}"))
}

/// Whether an organisation's id stands in capitals in the text ("NFD", not the word "nfd" in an
/// address).
fn words_as_acronym(body: &str, signature: &str, id: &str) -> bool {
    let upper = id.to_uppercase();
    // "FD", and its genitive "FDs" ("oppdater FDs kontaktperson").
    let genitive = format!("{upper}s");
    [body, signature].iter().any(|t| {
        t.split(|c: char| !c.is_alphanumeric())
            .any(|w| w == upper || w == genitive)
    })
}

/// Whether what the person wrote (body and signature) names `o`: in full, or by its acronym
/// in capitals.
fn names_org(split: &crate::understand::quote::Split, o: &crate::config::Organisation) -> bool {
    let text = format!("{}\n{}", split.body, split.signature).to_lowercase();
    full_name_in(o, &text) || (o.id.len() >= 2 && words_as_acronym(&split.body, &split.signature, &o.id))
}

/// Words of hearing of the invitation through someone: "fått invitasjonen videresendt fra AID",
/// "made us aware of", "tipset oss".
const REFERRAL_WORDS: &[&str] = &[
    "videresendt",
    "videresendte",
    "videresende",
    "vidaresendt",
    "vidaresende",
    "vidaresendte",
    "videreformidlet",
    "videreformidla",
    "vidareformidla",
    "tips",
    "tipset",
    "tipsa",
    "fått",
    "fikk",
    "fekk",
    "forwarded",
    "made us aware",
    "told us",
    "heard",
    "received",
    "passed on",
    "passed it on",
];

/// What the person wrote, without the sentences that say who passed the invitation on.
fn beyond_referral(text: &str) -> String {
    text.split(['.', '!', '?', '\n'])
        .filter(|s| {
            let lower = s.to_lowercase();
            !REFERRAL_WORDS.iter().any(|w| {
                lower.match_indices(w).any(|(at, _)| {
                    !lower[..at].ends_with(char::is_alphanumeric)
                        && !lower[at + w.len()..].starts_with(char::is_alphanumeric)
                })
            })
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether the person names `o` other than as the one who passed the invitation on: an NGO
/// that got it "videresendt fra AID" does not speak for AID.
fn names_org_beyond_referral(
    split: &crate::understand::quote::Split,
    o: &crate::config::Organisation,
) -> bool {
    let body = beyond_referral(&split.body);
    let text = format!("{}\n{}", body, split.signature).to_lowercase();
    full_name_in(o, &text) || (o.id.len() >= 2 && words_as_acronym(&body, &split.signature, &o.id))
}

/// The one ministry a new organisation says passed the invitation on, when no token says it:
/// "A colleague at the Ministry of Climate and Environment made us aware of the meeting".
fn referred_in_text(understood: &Understood, config: &Config) -> Option<String> {
    let Class::Reply { split, .. } = &understood.class else {
        return None;
    };
    let named: Vec<&str> = config
        .organisations
        .iter()
        .filter(|o| o.kind == OrgKind::Ministry && names_org(split, o))
        .map(|o| o.id.as_str())
        .collect();
    (named.len() == 1).then(|| named[0].to_string())
}

/// Whether `address` is at the organiser's or the coordinator's own mail domain (not a webmail
/// domain they may share with anyone).
fn colleague_of_the_organiser(config: &Config, address: &str) -> bool {
    let domain = domain_of(address);
    !domain.is_empty()
        && !PUBLIC_MAIL_DOMAINS.contains(&domain.as_str())
        && [config.coordinator.email.as_ref(), config.organiser.email.as_ref()]
            .into_iter()
            .flatten()
            .any(|own| domain_of(own.as_ref()) == domain)
}

/// The contact person with the name and address the organisation gave for them before: "blir
/// Silje" is Silje Brattli when she is the only Silje it named; a full name without an address
/// gets the one it had.
fn completed_contact(
    contact: &crate::understand::facts::Contact,
    named: &[Attendee],
) -> crate::understand::facts::Contact {
    let Some(name) = contact.name.clone() else {
        return contact.clone();
    };
    let as_named = attendance::completed(
        &[Attendee {
            name: Some(name),
            email: contact.email.clone(),
        }],
        named,
    );
    match as_named.into_iter().next() {
        Some(a) => crate::understand::facts::Contact {
            name: a.name,
            email: a.email,
            ..contact.clone()
        },
        None => contact.clone(),
    }
}

/// The registration an answer gives `org`, with the people of it that it may register.
fn registration(
    org: &str,
    answer: &crate::understand::facts::Answer,
    attendees: Vec<Attendee>,
    correction: bool,
    late: bool,
) -> Action {
    Action::SetRegistration {
        org: org.to_string(),
        event: answer.event.clone(),
        status: answer.intent.as_str().into(),
        attendees,
        count: answer.count,
        late,
        replace: correction || answer.replace,
        withdrawn: answer.withdrawn.clone(),
        evidence: answer.evidence.clone(),
    }
}

/// A reply held for a person: what it would record for `org`, as the review's proposal.
fn reply_held_for(
    understood: &Understood,
    facts: &crate::understand::Facts,
    config: &Config,
    org: OrgInfo,
    doubts: Vec<Text>,
    received: DateTime<Utc>,
) -> Decision {
    let at = answered_at(understood, received);
    let mut proposal = Vec::new();
    for answer in facts
        .answers
        .iter()
        .filter(|a| a.intent != crate::understand::facts::Intent::Later)
    {
        let late = is_late(config, &answer.event, at);
        proposal.push(registration(
            &org.id,
            answer,
            answer.attendees.clone(),
            facts.correction,
            late,
        ));
    }
    if let Some(c) = &facts.contact {
        proposal.push(Action::SetContact {
            org: org.id.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
        });
    }
    review(Some(org.id), Text::join(&doubts, "; "), proposal)
}

/// How many different addresses a reply names as attendees.
fn addresses_named(facts: &crate::understand::Facts) -> usize {
    let mut seen: Vec<String> = facts
        .answers
        .iter()
        .flat_map(|a| a.attendees.iter())
        .filter_map(|a| a.email.as_deref())
        .map(str::to_ascii_lowercase)
        .collect();
    seen.sort();
    seen.dedup();
    seen.len()
}

/// What a delivery report changes. A bounce counts only when it names a message samskap sent to
/// the address that failed (the returned headers carry its Message-ID, which nobody outside can
/// guess): the organisation's token is printed in the part for forwarding, so anyone can write a
/// report that carries it. Any other report about this process's addresses goes to a person.
fn bounce(
    report: &crate::understand::bounce::Bounce,
    dir: &dyn Directory,
    ref_org: Option<OrgInfo>,
    sent: Option<SentInfo>,
) -> Decision {
    if report.kind != ReportKind::Failure {
        return Decision {
            org: ref_org.map(|o| o.id),
            outcome: Outcome::Recorded,
            actions: Vec::new(),
            summary: format!("a delivery notice ({:?}), nothing failed for good", report.kind).to_lowercase(),
        };
    }
    let returned = report.original_message_id.as_deref().and_then(|id| dir.sent(id));
    let mut proven = Vec::new();
    let mut unproven = Vec::new();
    for failed in &report.recipients {
        let to_them = |s: &SentInfo| {
            s.recipients
                .iter()
                .any(|r| r.eq_ignore_ascii_case(&failed.address))
        };
        let action = |ours: Option<&SentInfo>, org: Option<String>| Action::Bounce {
            org,
            sent_message_id: ours.map(|s| s.message_id.clone()),
            recipient: failed.address.clone(),
            status: failed.status.clone(),
            hard: failed.hard,
            diagnostic: failed.diagnostic.clone(),
        };
        if let Some(ours) = returned.as_ref().filter(|s| to_them(s)) {
            proven.push(action(Some(ours), ours.org_id.clone()));
            continue;
        }
        // What the report would have been taken for before: kept as the review item's proposal.
        let guessed = returned
            .clone()
            .or_else(|| dir.sent_to(&failed.address))
            .or_else(|| sent.clone().filter(to_them));
        let org = guessed
            .as_ref()
            .and_then(|s| s.org_id.clone())
            .or_else(|| dir.org_by_address(&failed.address).map(|o| o.id))
            .or_else(|| ref_org.as_ref().map(|o| o.id.clone()));
        if guessed.is_some() || org.is_some() {
            unproven.push(action(guessed.as_ref().filter(|s| to_them(s)), org));
        }
    }
    if proven.is_empty() && unproven.is_empty() {
        return Decision {
            org: None,
            outcome: Outcome::Ignored,
            actions: Vec::new(),
            summary: "a delivery report about mail that is not ours".into(),
        };
    }
    let org_of = |actions: &[Action]| {
        actions.iter().find_map(|a| match a {
            Action::Bounce { org, .. } => org.clone(),
            _ => None,
        })
    };
    let org = org_of(&proven).or_else(|| org_of(&unproven));
    let addresses = |actions: &[Action]| -> String {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Bounce {
                    recipient, status, ..
                } => Some(format!("{recipient} {}", status.clone().unwrap_or_default())),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut summary = format!("bounce: {}", addresses(&proven));
    let review_item = (!unproven.is_empty()).then(|| Action::Review {
        org: org_of(&unproven),
        reason: {
            let about = addresses(&unproven);
            let about = about.trim();
            words!(
                "en leveringsrapport om {about} som ikke viser til noen melding samskap sendte til den adressen (ingen Message-ID fra oss blant hodefeltene som kom i retur): den kan være forfalsket, siden organisasjonens kode er kjent for alle invitasjonen ble videresendt til",
                "a delivery report about {about} that names no message samskap sent to that address (no Message-ID of ours for it among the returned headers): it may be forged, the organisation's token being known to everyone the invitation was forwarded to"
            )
        },
        proposal: unproven.clone(),
    });
    let outcome = if proven.is_empty() {
        summary = format!(
            "to review: a delivery report about {} that names no message of ours",
            addresses(&unproven).trim()
        );
        Outcome::Review
    } else {
        Outcome::Recorded
    };
    let mut actions = proven;
    actions.extend(review_item);
    Decision {
        summary: summary.trim().to_string(),
        org,
        outcome,
        actions,
    }
}

/// The name of an organisation that joins by writing: the last line of the signature that is
/// neither the writer's name nor a title, address or number ("Redd Barna"); else, on webmail,
/// the display name; else the domain.
fn org_name(sender: &crate::understand::Sender, domain: &str, signature: &str) -> String {
    let person = sender.name.as_deref().unwrap_or("").to_lowercase();
    let from_signature = signature
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.chars().count() <= 60)
        .filter(|l| l.to_lowercase() != person && !l.contains('@') && !l.chars().any(|c| c.is_ascii_digit()))
        .filter(|l| l.chars().next().is_some_and(char::is_uppercase))
        .filter(|l| !l.starts_with("http") && !l.starts_with("www."))
        .last()
        .filter(|l| !person.is_empty() || l.split_whitespace().count() <= 6)
        .map(str::to_string);
    match from_signature {
        Some(name) if !person.contains(&name.to_lowercase()) => name,
        _ if PUBLIC_MAIL_DOMAINS.contains(&domain) => {
            sender.name.clone().unwrap_or_else(|| sender.address.clone())
        }
        _ => domain.to_string(),
    }
}

fn signature_of(understood: &Understood) -> String {
    match &understood.class {
        Class::Reply { split, .. } => split.signature.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;
