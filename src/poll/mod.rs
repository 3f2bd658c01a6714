//! The follow-up meeting's date poll, by e-mail.
//!
//! The letter fixes only "around the turn of August/September": `[poll]` names the meeting, whose
//! `candidates` are the slots. [`send`] asks every organisation's contact person and registered
//! attendees (or its own address) which suit them; their answers (read by
//! [`crate::understand::poll_answer`]: yes, no, maybe) are recorded per person, the latest
//! counting; [`close`] (at the poll's deadline, or `samskap poll close`) chooses the slot with
//! most acceptances, then fewest refusals, then most maybes, the earliest on a tie (or the one the
//! coordinator names with `samskap poll choose N`), tells everyone asked with the numbers, and from then on the meeting has that time: the calendar stage invites everyone asked
//! who did not say the slot does not suit them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::{Config, Slot};
use crate::outbox::compose::ComposeError;
use crate::outbox::invitation::DraftError;
use crate::outbox::mailing::{self, Mailing, Meeting, Named, Someone};
use crate::register::poll::{PollAnswerRow, PollResultRow};
use crate::register::{NewMessage, Register, RegisterError};
use crate::standing::targets::{Snapshot, Target};
use crate::standing::{ScheduleError, address_hash};

/// The outbox kind of the poll, and of its result.
pub const KIND: &str = crate::ident::kind::POLL;
pub const RESULT_KIND: &str = crate::ident::kind::POLL_RESULT;

/// Who is asked: each organisation's contact person and the people it registered with an
/// address; its own address when it has neither. Addresses that bounced are left out.
pub fn recipients(snap: &Snapshot) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    let push = |t: Target, out: &mut Vec<Target>| {
        if !snap.dead.contains(&t.address) && !out.iter().any(|o| o.address == t.address) {
            out.push(t);
        }
    };
    for org in snap
        .orgs
        .iter()
        .filter(|o| snap.invited.contains(&o.id) || o.source == "mail")
    {
        let person = |address: &str, name: Option<String>| snap.target(org, address, name, None);
        let before = out.len();
        if let Some(c) = snap.contacts.iter().find(|c| c.org_id == org.id)
            && let Some(email) = &c.email
        {
            push(person(email, c.name.clone()), &mut out);
        }
        for r in snap
            .registrations
            .iter()
            .filter(|r| r.org_id == org.id && r.status == "registered")
        {
            for a in r.attendees.as_array().into_iter().flatten() {
                if let Some(email) = a["email"].as_str() {
                    push(person(email, a["name"].as_str().map(str::to_string)), &mut out);
                }
            }
        }
        if out.len() == before {
            push(person(&org.address, None), &mut out);
        }
    }
    out
}

#[derive(Serialize)]
struct PollCtx<'a> {
    org: Named<'a>,
    person: Someone<'a>,
    event: Meeting<'a>,
    slots: Vec<String>,
    deadline: String,
    question: &'a str,
    /// For the result: the slot chosen, in words, and whether this person said it suits.
    chosen: Option<String>,
    suits: Option<bool>,
    /// For the result: what the answers said of the slot chosen.
    numbers: Option<&'a Numbers>,
}

/// What the answers said of the slot chosen, for the result mail: its numbers, not a claim.
#[derive(Debug, Clone, Serialize)]
pub struct Numbers {
    /// How many answered the poll.
    pub answers: usize,
    pub yes: usize,
    pub no: usize,
    pub maybe: usize,
    /// The coordinator chose it (`poll choose`), not the tally.
    pub by_coordinator: bool,
}

pub fn compose(
    config: &Config,
    secret: &[u8],
    target: &Target,
    kind: &str,
    result: Option<(&PollResultRow, Option<bool>, &Numbers)>,
    now: DateTime<Utc>,
) -> Result<NewMessage, DraftError> {
    let poll = config
        .schedule
        .poll
        .as_ref()
        .ok_or_else(|| DraftError::Compose(ComposeError::new(kind, "no [poll] in the config".into())))?;
    let event = config
        .event(&poll.event)
        .ok_or_else(|| DraftError::Compose(ComposeError::new(kind, "the poll's meeting is gone".into())))?;
    let lang = target.lang;
    let tz = config.process.timezone;
    let ctx = PollCtx {
        org: Named {
            name: &target.org_name,
        },
        person: Someone::new(target.name.as_deref()),
        event: Meeting::new(event, lang, event.when_text(lang)),
        slots: crate::config::words::slot_lines(config, lang),
        deadline: crate::config::words::weekday_day_month(
            poll.deadline.with_timezone(&tz).date_naive(),
            lang,
        ),
        question: poll.question.as_ref().map(|q| q.get(lang)).unwrap_or(""),
        chosen: result.map(|(r, _, _)| crate::config::words::slot(r.slot, tz, lang)),
        suits: result.and_then(|(_, s, _)| s),
        numbers: result.map(|(_, _, n)| n),
    };
    mailing::compose(
        config,
        secret,
        Mailing::plain(
            kind,
            Some(&target.org_id),
            format!("{}-{}", poll.event, address_hash(&target.address)),
            Some(poll.event.clone()),
            mailing::recipient(target.name.clone(), &target.address)?,
            lang,
            now,
        ),
        &ctx,
        now,
    )
}

/// Puts the poll in the outbox for everyone who should be asked and has not been: (organisation,
/// address) of each new one. Asking again asks only those added since.
pub fn send(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
) -> Result<Vec<(String, String)>, ScheduleError> {
    let Some((event, _)) = config.poll_candidates() else {
        return Ok(Vec::new());
    };
    if register.poll_result(event)?.is_some() {
        return Ok(Vec::new());
    }
    let snap = crate::standing::snapshot(config, register)?;
    let secret = register.secret()?;
    let asked = asked(register)?;
    let mut messages = Vec::new();
    let mut new = Vec::new();
    for target in recipients(&snap) {
        if asked.contains(&target.address) {
            continue;
        }
        messages.push(compose(config, &secret, &target, KIND, None, now)?);
        new.push((target.org_id.clone(), target.address.clone()));
    }
    register.enqueue(&messages, now)?;
    Ok(new)
}

/// The addresses the poll was put in the outbox for.
pub fn asked(register: &Register) -> Result<BTreeSet<String>, RegisterError> {
    Ok(register
        .outbox_of_kind(KIND)?
        .into_iter()
        .flat_map(|s| s.recipients)
        .map(|r| r.to_lowercase())
        .collect())
}

/// How many said each candidate suits, does not, and might.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Per candidate, in order: (yes, no).
    pub counts: Vec<(usize, usize)>,
    /// Per candidate, in order: how many offered it with a reservation.
    pub maybe: Vec<usize>,
    pub answers: usize,
}

/// Counts `answers` over `n` candidates.
pub fn tally(answers: &[PollAnswerRow], n: usize) -> Tally {
    let mut counts = vec![(0, 0); n];
    let mut maybe = vec![0; n];
    for a in answers {
        for &i in &a.maybe {
            if let Some(c) = maybe.get_mut(i.wrapping_sub(1)) {
                *c += 1;
            }
        }
        for &i in &a.yes {
            if let Some(c) = counts.get_mut(i.wrapping_sub(1)) {
                c.0 += 1;
            }
        }
        for &i in &a.no {
            if let Some(c) = counts.get_mut(i.wrapping_sub(1)) {
                c.1 += 1;
            }
        }
    }
    Tally {
        counts,
        maybe,
        answers: answers.len(),
    }
}

/// The candidate (from 1) with most acceptances; on a tie the one fewest refused (a no is
/// someone who cannot come, a maybe someone who might), then the one most offered with a
/// reservation, then the earliest.
pub fn choose(tally: &Tally, slots: &[Slot]) -> Option<usize> {
    let maybe = |i: usize| tally.maybe.get(i).copied().unwrap_or(0);
    (0..slots.len().min(tally.counts.len()))
        .max_by(|&a, &b| {
            tally.counts[a]
                .0
                .cmp(&tally.counts[b].0)
                .then(tally.counts[b].1.cmp(&tally.counts[a].1))
                .then(maybe(a).cmp(&maybe(b)))
                .then(slots[b].start.cmp(&slots[a].start))
        })
        .map(|i| i + 1)
}

/// Closes the poll now: chooses, records, and tells everyone asked. None when there is no poll or
/// it was closed already.
///
/// `choice` is the coordinator's (`samskap poll choose N`: to settle a tie, or a date decided
/// otherwise), a candidate number from 1; without it the tally chooses.
pub fn close(
    config: &Config,
    register: &mut Register,
    now: DateTime<Utc>,
    by: &str,
    choice: Option<usize>,
) -> Result<Option<PollResultRow>, ScheduleError> {
    let Some((event, slots)) = config.poll_candidates() else {
        return Ok(None);
    };
    if register.poll_result(event)?.is_some() {
        return Ok(None);
    }
    let answers = register.poll_answers(event)?;
    let t = tally(&answers, slots.len());
    let Some(chosen) = choice
        .filter(|c| (1..=slots.len()).contains(c))
        .or_else(|| choose(&t, slots))
    else {
        return Ok(None);
    };
    let numbers = Numbers {
        answers: t.answers,
        yes: t.counts.get(chosen - 1).map_or(0, |c| c.0),
        no: t.counts.get(chosen - 1).map_or(0, |c| c.1),
        maybe: t.maybe.get(chosen - 1).copied().unwrap_or(0),
        by_coordinator: choice.is_some(),
    };
    let result = PollResultRow {
        event_id: event.to_string(),
        chosen,
        slot: slots[chosen - 1],
        closed_at: now,
        closed_by: by.into(),
    };
    let snap = crate::standing::snapshot(config, register)?;
    let secret = register.secret()?;
    let asked = asked(register)?;
    let mut messages = Vec::new();
    for target in recipients(&snap)
        .into_iter()
        .filter(|t| asked.contains(&t.address))
    {
        let said = answers.iter().find(|a| a.address == target.address);
        let suits = said
            .map(|a| a.yes.contains(&chosen))
            .filter(|_| said.is_some_and(|a| a.yes.contains(&chosen) || a.no.contains(&chosen)));
        messages.push(compose(
            config,
            &secret,
            &target,
            RESULT_KIND,
            Some((&result, suits, &numbers)),
            now,
        )?);
    }
    register.close_poll(&result, &messages, now)?;
    Ok(Some(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots() -> Vec<Slot> {
        [
            "2022-08-29T11:00:00Z",
            "2022-08-31T07:00:00Z",
            "2022-09-02T07:00:00Z",
        ]
        .iter()
        .map(|s| {
            let start: DateTime<Utc> = s.parse().unwrap();
            Slot {
                start,
                end: start + chrono::Duration::hours(2),
            }
        })
        .collect()
    }

    fn said(address: &str, yes: &[usize], no: &[usize]) -> PollAnswerRow {
        said_maybe(address, yes, no, &[])
    }

    fn said_maybe(address: &str, yes: &[usize], no: &[usize], maybe: &[usize]) -> PollAnswerRow {
        PollAnswerRow {
            event_id: "followup".into(),
            org_id: address.split('@').nth(1).unwrap_or("").into(),
            address: address.into(),
            yes: yes.to_vec(),
            no: no.to_vec(),
            maybe: maybe.to_vec(),
            message_id: String::new(),
            answered_at: String::new(),
        }
    }

    #[test]
    fn the_slot_with_most_acceptances_wins() {
        let answers = [
            said("a@aid.dep.no", &[1, 3], &[]),
            said("b@bfd.dep.no", &[3], &[1]),
            said("c@fin.dep.no", &[2, 3], &[]),
        ];
        let t = tally(&answers, 3);
        assert_eq!(t.counts, [(1, 1), (1, 0), (3, 0)]);
        assert_eq!(choose(&t, &slots()), Some(3));
    }

    #[test]
    fn a_tie_goes_to_the_earliest() {
        let answers = [
            said("a@aid.dep.no", &[2, 3], &[]),
            said("b@bfd.dep.no", &[3, 2], &[]),
        ];
        assert_eq!(choose(&tally(&answers, 3), &slots()), Some(2));
        // No answers at all: the earliest.
        assert_eq!(choose(&tally(&[], 3), &slots()), Some(1));
    }

    #[test]
    fn a_tie_in_acceptances_goes_to_fewest_refusals_then_most_maybes() {
        // 1 and 2 have one yes each; 1 has a no: 2 wins although 1 is earlier.
        let answers = [
            said("a@aid.dep.no", &[1, 2], &[]),
            said("b@bfd.dep.no", &[], &[1]),
        ];
        assert_eq!(choose(&tally(&answers, 3), &slots()), Some(2));
        // Same yes and no (2 and 3): the one someone might make, though it is later.
        let answers = [
            said_maybe("a@aid.dep.no", &[1, 2, 3], &[], &[]),
            said_maybe("b@bfd.dep.no", &[], &[1], &[3]),
        ];
        let t = tally(&answers, 3);
        assert_eq!(t.maybe, [0, 0, 1]);
        assert_eq!(choose(&t, &slots()), Some(3));
        // A maybe is no yes: one yes beats two maybes.
        let answers = [
            said_maybe("a@aid.dep.no", &[2], &[], &[1]),
            said_maybe("b@bfd.dep.no", &[], &[], &[1]),
        ];
        assert_eq!(choose(&tally(&answers, 3), &slots()), Some(2));
    }
}
