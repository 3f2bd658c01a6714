//! One person's calendar answer applied to their organisation's registration: pure, so the rules
//! read as tests. A registration is the organisation's; a calendar answer is one person's, so it
//! changes only that person's place, and the organisation declines only when no one is left.

use crate::understand::extract::Attendee;

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
            people.push(coming(person));
            match (answer, status_before) {
                ("accepted", _) | (_, "registered") => "registered",
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
    fn the_last_one_declining_declines_the_organisation() {
        let r = after_answer(Some(&registered(vec![kari()], None)), &kari(), "declined", None);
        assert_eq!(r.status, "declined");
        assert!(r.attendees.is_empty());
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
    fn tentative_alone_is_tentative_but_does_not_lower_a_registration() {
        assert_eq!(after_answer(None, &kari(), "tentative", None).status, "tentative");
        let r = after_answer(Some(&registered(vec![kari()], None)), &per(), "tentative", None);
        assert_eq!(r, registered(vec![kari(), per()], None));
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
