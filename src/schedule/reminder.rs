//! The reminder e-mail: one template family (`reminder.{nb,en}.{subject,txt}.j2`) that says,
//! by the reminder's kind, what is still owed and by when, in the recipient's language.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::config::{Config, Reminder, ReminderKind};
use crate::outbox::invitation::DraftError;
use crate::outbox::mailing::{self, Mailing, Meeting, Named, Someone};
use crate::register::NewMessage;
use crate::standing::Target;
use crate::standing::{Dates, address_hash};

/// The outbox kind of reminders.
pub const KIND: &str = crate::ident::kind::REMINDER;

#[derive(Serialize)]
struct Ctx<'a> {
    reminder: ReminderCtx<'a>,
    org: Named<'a>,
    person: Someone<'a>,
    event: Option<Meeting<'a>>,
    /// The day the answer is owed by, in words ("tirsdag 21. juni").
    deadline: Option<String>,
    link: Option<&'a str>,
    /// The poll's candidate slots, numbered from 1, in words.
    slots: Vec<String>,
}

#[derive(Serialize)]
struct ReminderCtx<'a> {
    id: &'a str,
    kind: &'a str,
}

/// The reminder `reminder`, due at `due`, to `target`.
pub fn compose(
    config: &Config,
    secret: &[u8],
    dates: &Dates<'_>,
    reminder: &Reminder,
    due: DateTime<Utc>,
    target: &Target,
    now: DateTime<Utc>,
) -> Result<NewMessage, DraftError> {
    let lang = target.lang;
    let tz = config.process.timezone;
    let event_id = match &reminder.kind {
        ReminderKind::Registration { event } | ReminderKind::Meeting { event } => Some(event.clone()),
        ReminderKind::Notice { event, .. } => event.clone(),
        ReminderKind::Poll => config.schedule.poll.as_ref().map(|p| p.event.clone()),
        ReminderKind::Contact => None,
    };
    let event = event_id.as_deref().and_then(|id| config.event(id)).map(|e| {
        let when = dates
            .slot(&e.id)
            .map(|s| crate::config::words::slot(s, tz, lang))
            .unwrap_or_else(|| e.when_text(lang));
        Meeting::new(e, lang, when)
    });
    let day =
        |at: DateTime<Utc>| crate::config::words::weekday_day_month(at.with_timezone(&tz).date_naive(), lang);
    let deadline = match &reminder.kind {
        ReminderKind::Registration { event } => config.registration_deadline(event).map(|d| day(d.due)),
        ReminderKind::Contact => config.contact_deadline().map(|d| day(d.due)),
        ReminderKind::Poll => config.schedule.poll.as_ref().map(|p| day(p.deadline)),
        _ => None,
    };
    let slots = match &reminder.kind {
        ReminderKind::Poll => crate::config::words::slot_lines(config, lang),
        _ => Vec::new(),
    };
    let link = match &reminder.kind {
        ReminderKind::Notice { link, .. } => link.as_deref(),
        _ => None,
    };
    let ctx = Ctx {
        reminder: ReminderCtx {
            id: &reminder.id,
            kind: reminder.kind.as_str(),
        },
        org: Named {
            name: &target.org_name,
        },
        person: Someone::new(target.name.as_deref()),
        event,
        deadline,
        link,
        slots,
    };
    mailing::compose(
        config,
        secret,
        Mailing::plain(
            KIND,
            Some(&target.org_id),
            format!(
                "{}-{}-{}",
                reminder.id,
                due.format("%Y%m%dT%H%MZ"),
                address_hash(&target.address)
            ),
            event_id,
            mailing::recipient(target.name.clone(), &target.address)?,
            lang,
            now,
        ),
        &ctx,
        now,
    )
}
