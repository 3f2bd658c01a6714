//! One person's calendar answer applied to their organisation's registration: pure, so the rules
//! read as tests. A registration is the organisation's; a calendar answer is one person's, so it
//! changes only that person's place, and the organisation declines only when no one is left.

use crate::understand::facts::Attendee;

/// An organisation's registration for one event, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// registered, tentative, declined (or none).
    pub status: String,
    pub attendees: Vec<Attendee>,
    /// A bare count ("vi kommer tre"), when given.
    pub count: Option<u32>,
}

/// Whether two entries are the same person: the same address, the same name, or a name that is
/// the other's address ("Martin Lund" and martin.lund@reddbarna.no).
pub fn same_person(a: &Attendee, b: &Attendee) -> bool {
    let lower = |s: &Option<String>| s.as_deref().map(str::to_lowercase);
    (a.email.is_some() && lower(&a.email) == lower(&b.email))
        || (a.name.is_some() && lower(&a.name) == lower(&b.name))
        || (a.email.is_none() && name_is_address(a.name.as_deref(), b.email.as_deref()))
        || (b.email.is_none() && name_is_address(b.name.as_deref(), a.email.as_deref()))
}

/// Whether the words of `name` are the words of the address's local part, in order.
fn name_is_address(name: Option<&str>, email: Option<&str>) -> bool {
    let (Some(name), Some(email)) = (name, email) else {
        return false;
    };
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let name_words = words(name);
    name_words.len() >= 2 && name_words == words(&local)
}

/// The registration after `person` answered `answer` (accepted, tentative, declined, delegated
/// to `delegate`). `before` is None when the organisation had not answered.
pub fn after_answer(
    before: Option<&Registration>,
    person: &Attendee,
    answer: &str,
    delegate: Option<&Attendee>,
) -> Registration {
    let status_before = before.map(|r| r.status.as_str()).unwrap_or("none");
    let mut people: Vec<Attendee> = before.map(|r| r.attendees.clone()).unwrap_or_default();
    let known = people.iter().find(|p| same_person(p, person)).cloned();
    people.retain(|p| !same_person(p, person));
    let listed_before = people.len() + usize::from(known.is_some());
    let mut count = before.and_then(|r| r.count);
    let coming = |p: &Attendee| Attendee {
        name: p
            .name
            .clone()
            .or_else(|| known.as_ref().and_then(|k| k.name.clone())),
        email: p
            .email
            .clone()
            .or_else(|| known.as_ref().and_then(|k| k.email.clone())),
    };
    let status = match answer {
        "accepted" | "tentative" => {
            // A "maybe" from the only one registered makes the organisation's answer a maybe;
            // with others coming, it stays a registration.
            let others = !people.is_empty() || count.is_some_and(|c| c > 1);
            people.push(coming(person));
            match (answer, status_before) {
                ("accepted", _) => "registered",
                (_, "registered") if others => "registered",
                _ => "tentative",
            }
        }
        _ => {
            // declined, or delegated: this person leaves; a delegate takes the place.
            let mut stays = status_before;
            if let Some(d) = delegate.filter(|_| answer == "delegated") {
                match people.iter_mut().find(|p| same_person(p, d)) {
                    Some(p) => {
                        p.email = p.email.take().or_else(|| d.email.clone());
                        p.name = p.name.take().or_else(|| d.name.clone());
                    }
                    None => people.push(d.clone()),
                }
                if !matches!(stays, "registered" | "tentative") {
                    stays = "tentative";
                }
            } else if let Some(c) = count {
                // One fewer of a bare count, if the count held more than the names.
                if known.is_some() || c as usize > listed_before {
                    count = Some(c.saturating_sub(1));
                }
            }
            let anyone_left = !people.is_empty() || count.is_some_and(|c| c > 0);
            if anyone_left && matches!(stays, "registered" | "tentative") {
                stays
            } else {
                "declined"
            }
        }
    };
    if let Some(c) = count {
        count = Some(c.max(people.len() as u32));
    }
    if status == "declined" {
        people.clear();
        count = None;
    }
    Registration {
        status: status.into(),
        attendees: people,
        count,
    }
}

/// What a reply says of one meeting, as the register applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply<'a> {
    /// registered, tentative or declined; or later: people withdrawn, the answer still to come.
    pub status: &'a str,
    /// The people who come.
    pub attendees: &'a [Attendee],
    pub count: Option<u32>,
    /// The people who no longer come.
    pub withdrawn: &'a [Attendee],
    /// The reply lists everyone who comes: the list before is replaced.
    pub replace: bool,
}

fn lower_name(a: &Attendee) -> Option<String> {
    a.name.as_deref().map(str::to_lowercase)
}

/// Whether `short` (with no address) is the first name or names that `full` begins with
/// ("Jonas" of "Jonas Aasen", "Tor Einar" of "Tor Einar Moe").
fn first_name_of(short: &Attendee, full: &Attendee) -> bool {
    match (short.name.as_deref(), full.name.as_deref()) {
        (Some(s), Some(f)) if short.email.is_none() => {
            let (s, f): (Vec<&str>, Vec<&str>) =
                (s.split_whitespace().collect(), f.split_whitespace().collect());
            !s.is_empty()
                && s.len() < f.len()
                && s.iter()
                    .zip(&f)
                    .all(|(a, b)| a.to_lowercase() == b.to_lowercase())
        }
        _ => false,
    }
}

/// The one in `people` that `a` is: the same person, or the only one with that first name.
fn find_in(people: &[Attendee], a: &Attendee) -> Option<usize> {
    if let Some(i) = people.iter().position(|p| same_person(p, a)) {
        return Some(i);
    }
    let by_first: Vec<usize> = (0..people.len())
        .filter(|&i| first_name_of(a, &people[i]))
        .collect();
    // One person named twice (on a list and as the contact) is one.
    let distinct: Vec<usize> = by_first
        .iter()
        .copied()
        .filter(|&i| {
            !by_first
                .iter()
                .any(|&j| j < i && same_person(&people[j], &people[i]))
        })
        .collect();
    // Of the entries of that one person, the one with an address.
    (distinct.len() == 1).then(|| {
        by_first
            .iter()
            .copied()
            .find(|&i| people[i].email.is_some())
            .unwrap_or(distinct[0])
    })
}

/// First names completed from the people the organisation has named before (at another meeting,
/// or as its contact person): "På oppfølgingsmøtet kommer Tone" is Tone Bjerke when she is the
/// only Tone it named; a full name without an address gets the address it had.
pub fn completed(attendees: &[Attendee], named_before: &[Attendee]) -> Vec<Attendee> {
    attendees
        .iter()
        .map(|a| {
            match find_in(named_before, a) {
                Some(i) if first_name_of(a, &named_before[i]) => named_before[i].clone(),
                // "Fra OED kommer Hilde Brekke og jeg": her address from when she was named.
                Some(i) if a.email.is_none() && named_before[i].email.is_some() => Attendee {
                    name: a.name.clone(),
                    email: named_before[i].email.clone(),
                },
                _ => a.clone(),
            }
        })
        .collect()
}

/// The registration after a reply: people added, people withdrawn, a count, or the whole list
/// given again. Who is withdrawn leaves; if no one is left, the organisation has declined. The
/// registration keeps its lateness: names sent later for a registration in time are not late.
pub fn after_reply(
    before: Option<&Registration>,
    before_late: bool,
    reply: &Reply<'_>,
    late: bool,
) -> (Registration, bool) {
    let before_coming = before.filter(|b| matches!(b.status.as_str(), "registered" | "tentative"));
    if reply.status == "declined" {
        return (
            Registration {
                status: "declined".into(),
                attendees: Vec::new(),
                count: None,
            },
            false,
        );
    }
    let mut people: Vec<Attendee> = match before_coming {
        Some(b) if !reply.replace => b.attendees.clone(),
        _ => Vec::new(),
    };
    let listed_before = people.len();
    let mut removed = 0u32;
    // Withdrawn by name and given again with an address: a new address for one on the list;
    // for one not on it, nothing.
    let readdressed = |a: &Attendee| {
        a.email.is_some()
            && reply
                .withdrawn
                .iter()
                .any(|w| w.email.is_none() && w.name.is_some() && lower_name(w) == lower_name(a))
    };
    // Looked for on the list as it was, even when the reply gives the whole list again.
    let was_listed = |w: &Attendee| before_coming.is_some_and(|b| find_in(&b.attendees, w).is_some());
    let not_found: Vec<&Attendee> = reply.withdrawn.iter().filter(|w| !was_listed(w)).collect();
    let mut taken_off: Vec<Attendee> = Vec::new();
    for w in reply.withdrawn {
        if let Some(i) = find_in(&people, w) {
            taken_off.push(people.remove(i));
            removed += 1;
        }
    }
    let mut skipped = 0;
    let mut added = 0u32;
    for a in reply.attendees {
        if readdressed(a) && not_found.iter().any(|w| lower_name(w) == lower_name(a)) {
            skipped += 1;
            continue;
        }
        // "adressen til Håkon … er hakon.brekke@…": Håkon Brekke, with the new address.
        let full;
        let by_name = Attendee {
            name: a.name.clone(),
            email: None,
        };
        let a = match taken_off
            .iter()
            .find(|p| readdressed(a) && first_name_of(&by_name, p))
        {
            Some(p) => {
                full = Attendee {
                    name: p.name.clone(),
                    email: a.email.clone(),
                };
                &full
            }
            None => a,
        };
        match find_in(&people, a) {
            Some(i) => {
                let p = &mut people[i];
                if p.email.is_none() {
                    p.email = a.email.clone();
                }
                if p.name.as_deref().is_none_or(|n| !n.contains(' '))
                    && a.name.as_deref().is_some_and(|n| n.contains(' '))
                {
                    p.name = a.name.clone();
                }
            }
            None => {
                people.push(a.clone());
                added += 1;
            }
        }
    }
    let count_before = before_coming.and_then(|b| b.count).filter(|_| !reply.replace);
    let count = match (reply.count, count_before) {
        (Some(c), _) => Some(c.max(people.len() as u32)),
        (None, Some(c)) => {
            // Names given for a bare count fill its places first ("vi blir tre", then the
            // three names): the count grows only with people beyond it.
            let unnamed = c.saturating_sub(listed_before as u32).saturating_sub(added);
            let c = people.len() as u32 + unnamed;
            (c as usize > people.len()).then_some(c)
        }
        (None, None) => None,
    };
    // Someone named who does not come and is on no list ("Andreas kan ikke likevel", when no
    // Andreas was registered): nothing changes, and no one is declined for it. The writer, or
    // anyone with an address, withdrawing from nothing is the organisation's no.
    let a_stranger_withdrawn = removed == 0
        && reply.attendees.len() == skipped
        && reply.count.is_none()
        && !reply.withdrawn.is_empty()
        && reply.withdrawn.iter().all(|w| w.email.is_none());
    // "later": people withdrawn while the answer is still to come; never a decline.
    if reply.status == "later" || a_stranger_withdrawn {
        let status = before_coming.map_or("later", |b| b.status.as_str());
        return (
            Registration {
                status: status.to_string(),
                attendees: people,
                count: count.filter(|_| before_coming.is_some()),
            },
            before_late,
        );
    }
    let nobody = people.is_empty() && count.unwrap_or(0) == 0;
    if nobody && (removed > 0 || (!reply.withdrawn.is_empty() && listed_before == 0)) {
        return (
            Registration {
                status: "declined".into(),
                attendees: Vec::new(),
                count: None,
            },
            false,
        );
    }
    let status = match (reply.status, before_coming.map(|b| b.status.as_str())) {
        // Only withdrawals: the organisation's answer stands as it was.
        (_, Some(old))
            if reply.attendees.is_empty() && reply.count.is_none() && !reply.withdrawn.is_empty() =>
        {
            old
        }
        (s, _) => s,
    };
    let late = if before_coming.is_some() {
        before_late
    } else {
        late
    };
    (
        Registration {
            status: status.to_string(),
            attendees: people,
            count,
        },
        late,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, email: &str) -> Attendee {
        Attendee {
            name: Some(name.into()),
            email: Some(email.into()),
        }
    }

    fn kari() -> Attendee {
        person("Kari Nordmann", "kari.nordmann@kld.dep.no")
    }

    fn per() -> Attendee {
        person("Per Olsen", "per.olsen@kld.dep.no")
    }

    fn registered(people: Vec<Attendee>, count: Option<u32>) -> Registration {
        Registration {
            status: "registered".into(),
            attendees: people,
            count,
        }
    }

    #[test]
    fn one_declining_leaves_the_others_registered() {
        let r = after_answer(
            Some(&registered(vec![kari(), per()], None)),
            &per(),
            "declined",
            None,
        );
        assert_eq!(r, registered(vec![kari()], None));
    }

    #[test]
    fn someone_withdrawn_while_the_answer_is_to_come_is_never_a_decline() {
        let withdrawn = [kari()];
        let reply = Reply {
            status: "later",
            attendees: &[],
            count: None,
            withdrawn: &withdrawn,
            replace: false,
        };
        // Nothing registered yet: nothing to take anyone off.
        let (r, _) = after_reply(None, false, &reply, false);
        assert_eq!(r.status, "later");
        // Registered before: off the list, the registration stands.
        let (r, _) = after_reply(Some(&registered(vec![kari(), per()], None)), false, &reply, false);
        assert_eq!(r, registered(vec![per()], None));
    }

    #[test]
    fn someone_named_who_is_on_no_list_withdrawing_changes_nothing() {
        let andreas = Attendee {
            name: Some("Andreas".into()),
            email: None,
        };
        let withdrawn = [andreas];
        let reply = Reply {
            status: "registered",
            attendees: &[],
            count: None,
            withdrawn: &withdrawn,
            replace: false,
        };
        let (r, _) = after_reply(None, false, &reply, false);
        assert_ne!(r.status, "declined");
        let (r, _) = after_reply(Some(&registered(vec![kari()], None)), false, &reply, false);
        assert_eq!(r, registered(vec![kari()], None));
    }

    #[test]
    fn the_last_one_declining_declines_the_organisation() {
        let r = after_answer(Some(&registered(vec![kari()], None)), &kari(), "declined", None);
        assert_eq!(r.status, "declined");
        assert!(r.attendees.is_empty());
    }

    #[test]
    fn one_named_both_on_a_list_and_as_the_contact_is_one_to_complete_a_first_name_from() {
        let before = [
            Attendee {
                name: Some("Amund Roaldset".into()),
                email: None,
            },
            person("Liv Marie Hagerup", "liv.marie.hagerup@jd.dep.no"),
            person("Amund Roaldset", "amund.roaldset@jd.dep.no"),
        ];
        let amund = Attendee {
            name: Some("Amund".into()),
            email: None,
        };
        assert_eq!(
            completed(std::slice::from_ref(&amund), &before),
            [person("Amund Roaldset", "amund.roaldset@jd.dep.no")]
        );
    }

    #[test]
    fn a_first_name_is_completed_from_the_only_one_named_before_with_it() {
        let before = [
            person("Tone Bjerke", "tone@kd.dep.no"),
            person("Aslak Rønning", "aslak@kd.dep.no"),
        ];
        let tone = Attendee {
            name: Some("Tone".into()),
            email: None,
        };
        assert_eq!(
            completed(std::slice::from_ref(&tone), &before),
            [before[0].clone()]
        );
        // Two of that first name: it stays as written.
        let two = [
            person("Tone Bjerke", "tone@kd.dep.no"),
            person("Tone Lie", "tone.lie@kd.dep.no"),
        ];
        assert_eq!(completed(std::slice::from_ref(&tone), &two), [tone]);
        // A double given name: "Tor Einar" is Tor Einar Moe, not Tor Hansen.
        let before = [
            person("Tor Hansen", "tor.hansen@hod.dep.no"),
            person("Tor Einar Moe", "tor.einar.moe@hod.dep.no"),
        ];
        let tor_einar = Attendee {
            name: Some("Tor Einar".into()),
            email: None,
        };
        assert_eq!(
            completed(std::slice::from_ref(&tor_einar), &before),
            [before[1].clone()]
        );
    }

    #[test]
    fn a_full_name_without_an_address_gets_the_address_it_was_named_with() {
        let before = [person("Hilde Brekke", "hilde.brekke@oed.dep.no")];
        let hilde = Attendee {
            name: Some("Hilde Brekke".into()),
            email: None,
        };
        assert_eq!(completed(&[hilde], &before), [before[0].clone()]);
    }

    #[test]
    fn a_new_address_changes_the_one_of_that_name_and_registers_no_stranger() {
        let tor_old = person("Tor Haugland", "tor.hauglan@brreg.no");
        let tor_new = person("Tor Haugland", "tor.haugland@brreg.no");
        let by_name = Attendee {
            name: Some("Tor Haugland".into()),
            email: None,
        };
        let reply = Reply {
            status: "registered",
            attendees: std::slice::from_ref(&tor_new),
            count: None,
            withdrawn: std::slice::from_ref(&by_name),
            replace: false,
        };
        let (r, _) = after_reply(
            Some(&registered(vec![tor_old, kari()], None)),
            false,
            &reply,
            false,
        );
        assert_eq!(r, registered(vec![kari(), tor_new.clone()], None));
        // Not on the list: nothing changes, and no one is registered.
        let (r, _) = after_reply(None, false, &reply, false);
        assert_ne!(r.status, "registered");
        assert!(r.attendees.is_empty());
    }

    #[test]
    fn a_new_address_for_a_first_name_keeps_the_full_name() {
        let hakon_old = person("Håkon Brekke", "hakon.brekkke@aid.dep.no");
        let by_name = Attendee {
            name: Some("Håkon".into()),
            email: None,
        };
        let hakon_new = Attendee {
            name: Some("Håkon".into()),
            email: Some("hakon.brekke@aid.dep.no".into()),
        };
        let reply = Reply {
            status: "registered",
            attendees: std::slice::from_ref(&hakon_new),
            count: None,
            withdrawn: std::slice::from_ref(&by_name),
            replace: false,
        };
        let (r, _) = after_reply(
            Some(&registered(vec![kari(), hakon_old], None)),
            false,
            &reply,
            false,
        );
        assert_eq!(
            r,
            registered(
                vec![kari(), person("Håkon Brekke", "hakon.brekke@aid.dep.no")],
                None
            )
        );
    }

    #[test]
    fn names_sent_for_a_bare_count_fill_it_and_only_more_people_raise_it() {
        let three = registered(vec![], Some(3));
        let names = [
            person("Aslak Rønning", "aslak@kd.dep.no"),
            person("Tone Bjerke", "tone@kd.dep.no"),
            person("Håkon Vik", "hakon@kd.dep.no"),
        ];
        let reply = |attendees| Reply {
            status: "registered",
            attendees,
            count: None,
            withdrawn: &[],
            replace: false,
        };
        let (r, _) = after_reply(Some(&three), false, &reply(&names), false);
        assert_eq!((r.attendees.len(), r.count), (3, None));
        let (r, _) = after_reply(Some(&three), false, &reply(&names[..1]), false);
        assert_eq!((r.attendees.len(), r.count), (1, Some(3)));
        let one_more = [person("Ny Person", "ny@kd.dep.no")];
        let (r, _) = after_reply(Some(&r), false, &reply(&one_more), false);
        assert_eq!((r.attendees.len(), r.count), (2, Some(3)));
        let four = [names.as_slice(), &one_more].concat();
        let (r, _) = after_reply(Some(&three), false, &reply(&four), false);
        assert_eq!((r.attendees.len(), r.count), (4, None));
    }

    #[test]
    fn a_decline_from_a_bare_count_takes_one_off() {
        let r = after_answer(Some(&registered(vec![], Some(3))), &kari(), "declined", None);
        assert_eq!(r, registered(vec![], Some(2)));
    }

    #[test]
    fn accepting_adds_the_person_and_registers() {
        let r = after_answer(None, &kari(), "accepted", None);
        assert_eq!(r, registered(vec![kari()], None));
        let declined = Registration {
            status: "declined".into(),
            attendees: vec![],
            count: None,
        };
        assert_eq!(
            after_answer(Some(&declined), &per(), "accepted", None).status,
            "registered"
        );
    }

    #[test]
    fn accepting_again_keeps_one_entry_and_what_was_known() {
        let bare = Attendee {
            name: None,
            email: Some("kari.nordmann@kld.dep.no".into()),
        };
        let r = after_answer(
            Some(&registered(vec![kari(), per()], None)),
            &bare,
            "accepted",
            None,
        );
        assert_eq!(r.attendees.len(), 2);
        assert!(r.attendees.contains(&kari()));
    }

    #[test]
    fn tentative_alone_is_tentative_but_does_not_lower_a_registration_with_others_coming() {
        assert_eq!(after_answer(None, &kari(), "tentative", None).status, "tentative");
        let r = after_answer(Some(&registered(vec![kari()], None)), &per(), "tentative", None);
        assert_eq!(r, registered(vec![kari(), per()], None));
    }

    #[test]
    fn a_maybe_from_the_only_one_registered_makes_the_answer_a_maybe() {
        let r = after_answer(Some(&registered(vec![kari()], None)), &kari(), "tentative", None);
        assert_eq!(r.status, "tentative");
        assert_eq!(r.attendees, [kari()]);
        // Two registered, one of them unsure: still a registration.
        let r = after_answer(
            Some(&registered(vec![kari(), per()], None)),
            &kari(),
            "tentative",
            None,
        );
        assert_eq!(r.status, "registered");
    }

    #[test]
    fn a_delegation_puts_the_delegate_in_the_place() {
        let r = after_answer(
            Some(&registered(vec![kari()], None)),
            &kari(),
            "delegated",
            Some(&per()),
        );
        assert_eq!(r, registered(vec![per()], None));
    }

    #[test]
    fn a_delegate_already_named_gets_the_address() {
        let martin_by_name = Attendee {
            name: Some("Martin Lund".into()),
            email: None,
        };
        let martin_by_address = Attendee {
            name: None,
            email: Some("martin.lund@reddbarna.no".into()),
        };
        let ingrid = Attendee {
            name: Some("Ingrid Sol".into()),
            email: Some("ingrid@reddbarna.no".into()),
        };
        let before = registered(vec![ingrid.clone(), martin_by_name], None);
        let r = after_answer(Some(&before), &ingrid, "delegated", Some(&martin_by_address));
        assert_eq!(r.attendees, [person("Martin Lund", "martin.lund@reddbarna.no")]);
    }

    #[test]
    fn a_name_is_an_address_only_word_for_word() {
        let name = |n: &str| Attendee {
            name: Some(n.into()),
            email: None,
        };
        let address = |e: &str| Attendee {
            name: None,
            email: Some(e.into()),
        };
        assert!(same_person(&name("Martin Lund"), &address("martin.lund@x.no")));
        assert!(!same_person(&name("Martin"), &address("martin@x.no")));
        assert!(!same_person(&name("Martin Lund"), &address("lund.martin@x.no")));
    }

    #[test]
    fn a_delegation_without_a_delegate_is_a_decline() {
        let r = after_answer(Some(&registered(vec![kari()], None)), &kari(), "delegated", None);
        assert_eq!(r.status, "declined");
    }
}
