//! The weekly status e-mail to the coordinator: the counts, a table per ministry (invited,
//! delivered, registered and who, contact person, last message, what is still owed), the NGOs
//! grouped by the ministry that forwarded to them, whom to chase, open review items and bounces;
//! a chart of answers over time as an inline image, and the register as a CSV attachment.
//! Templates `report.nb.{subject,txt,html}.j2`; the coordinator reads Norwegian.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use lettre::message::Mailbox;
use serde::Serialize;

use crate::config::{Config, Lang, ReminderKind};
use crate::outbox::compose::Attachment;
use crate::outbox::invitation::DraftError;
use crate::outbox::mailing::{self, Mailing};
use crate::register::{NewMessage, Register, RegisterError};
use crate::standing::{ScheduleError, snapshot};

/// The outbox kind of the weekly status.
pub const KIND: &str = crate::ident::kind::REPORT;

/// One ministry's (or NGO's) line.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub name: String,
    /// pending, sent, failed, bounced.
    pub invitation: String,
    /// registered, declined, tentative, or "" (no answer).
    pub answer: String,
    pub late: bool,
    /// Who comes, in words.
    pub who: String,
    pub count: u32,
    pub contact: String,
    pub last_message: String,
    /// What is still owed, in words.
    pub owes: String,
    pub referred_by: String,
}

/// The counts at the top.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub ministries: usize,
    pub ngos: usize,
    pub delivered: usize,
    pub bounced: usize,
    pub registered: usize,
    pub declined: usize,
    pub tentative: usize,
    pub unanswered: usize,
    pub attendees: u32,
    pub contacts: usize,
    pub review: usize,
}

/// Everything the report says.
#[derive(Debug, Clone, Serialize)]
pub struct Weekly {
    pub date: String,
    pub event: String,
    pub deadline: String,
    pub counts: Counts,
    pub ministries: Vec<Row>,
    /// NGOs by the name of the ministry that forwarded to them ("" for those invited directly).
    pub ngos: BTreeMap<String, Vec<Row>>,
    /// Whom to chase: (organisation, what).
    pub chase: Vec<(String, String)>,
    pub review: Vec<(i64, String)>,
    pub bounces: Vec<(String, String, String)>,
    /// Reminders not sent because the recipient was away until it was too late: (organisation,
    /// address, what the reminder was about, the day they were back).
    pub away: Vec<(String, String, String, String)>,
    /// The date poll bounced at one address of an organisation and went to another:
    /// (organisation, the address that bounced, the one asked instead).
    pub poll_redirected: Vec<(String, String, String)>,
    /// Whether the chart is attached.
    pub chart: bool,
}

fn day(t: DateTime<Utc>, tz: Tz) -> String {
    crate::config::words::date(t.with_timezone(&tz).date_naive(), Lang::Nb)
}

/// Gathers the report as the register stands at `now`.
pub fn gather(config: &Config, register: &Register, now: DateTime<Utc>) -> Result<Weekly, RegisterError> {
    let tz = config.process.timezone;
    let event = config.invitation.event.clone();
    let status = super::status::build(register, &config.process.id, &[])?;
    let last = register.last_message_at()?;
    let snap = snapshot(config, register)?;
    let owes_registration: Vec<String> = snap
        .targets(&ReminderKind::Registration { event: event.clone() })
        .into_iter()
        .map(|t| t.org_id)
        .collect();
    let owes_contact: Vec<String> = snap
        .targets(&ReminderKind::Contact)
        .into_iter()
        .map(|t| t.org_id)
        .collect();
    let name_of = |id: &str| {
        status
            .organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut counts = Counts::default();
    let mut ministries = Vec::new();
    let mut ngos: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    let mut chase = Vec::new();
    for o in &status.organisations {
        let reg = o.events.get(&event);
        let answer = reg.map(|r| r.status.clone()).unwrap_or_default();
        let who = reg
            .map(|r| {
                r.attendees
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a["name"].as_str().or(a["email"].as_str()).map(str::to_string))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let mut owes = Vec::new();
        if owes_registration.contains(&o.id) {
            owes.push("påmelding");
        }
        if owes_contact.contains(&o.id) {
            owes.push("kontaktperson");
        }
        if o.invitation.status == "bounced" && !owes_registration.contains(&o.id) && answer.is_empty() {
            owes.push("en e-postadresse som virker");
        }
        if !owes.is_empty() {
            chase.push((o.name.clone(), owes.join(" og ")));
        }
        let row = Row {
            id: o.id.clone(),
            name: o.name.clone(),
            invitation: match o.invitation.status {
                "sent" => "sendt",
                "bounced" => "i retur",
                "failed" => "feilet",
                _ => "venter",
            }
            .to_string(),
            answer: answer.clone(),
            late: reg.is_some_and(|r| r.late),
            who,
            count: reg.map(|r| r.count).unwrap_or(0),
            contact: o
                .contact
                .as_ref()
                .map(|c| {
                    [c.name.clone(), c.email.clone(), c.phone.clone()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            last_message: last.get(&o.id).map(|t| day(*t, tz)).unwrap_or_default(),
            owes: owes.join(", "),
            referred_by: o.referred_by.as_deref().map(name_of).unwrap_or_default(),
        };
        match answer.as_str() {
            "registered" => counts.registered += 1,
            "declined" => counts.declined += 1,
            "tentative" => counts.tentative += 1,
            _ => counts.unanswered += 1,
        }
        counts.attendees += if answer == "declined" { 0 } else { row.count };
        if o.contact.is_some() {
            counts.contacts += 1;
        }
        match o.invitation.status {
            "sent" => counts.delivered += 1,
            "bounced" => counts.bounced += 1,
            _ => {}
        }
        if o.kind == "ministry" {
            counts.ministries += 1;
            ministries.push(row);
        } else {
            counts.ngos += 1;
            ngos.entry(row.referred_by.clone()).or_default().push(row);
        }
    }
    counts.review = status.review.len();
    let bounces = status
        .organisations
        .iter()
        .flat_map(|o| {
            o.bounces.iter().map(|b| {
                (
                    o.name.clone(),
                    b.recipient.clone(),
                    format!(
                        "{} {}",
                        b.status.clone().unwrap_or_default(),
                        if b.permanent {
                            "(adressen virker ikke)"
                        } else {
                            "(midlertidig)"
                        }
                    ),
                )
            })
        })
        .collect();
    let away = status
        .organisations
        .iter()
        .flat_map(|o| {
            o.reminders
                .iter()
                .filter(|r| r.state == crate::register::schedule::LAPSED)
                .map(|r| {
                    let about = config
                        .schedule
                        .reminders
                        .iter()
                        .find(|c| c.id == r.reminder)
                        .map(|c| reminder_about(&c.kind))
                        .unwrap_or("påminnelse");
                    let back = DateTime::parse_from_rfc3339(&r.at)
                        .map(|t| {
                            crate::config::words::weekday_day_month(
                                t.with_timezone(&tz).date_naive(),
                                Lang::Nb,
                            )
                        })
                        .unwrap_or_else(|_| r.at.clone());
                    (o.name.clone(), r.address.clone(), about.to_string(), back)
                })
        })
        .collect();
    let mut poll_redirected = Vec::new();
    let polls = register.outbox_of_kind(crate::ident::kind::POLL)?;
    for o in &status.organisations {
        let asked: Vec<&String> = polls
            .iter()
            .filter(|p| p.org_id.as_deref() == Some(o.id.as_str()))
            .flat_map(|p| &p.recipients)
            .collect();
        let (dead, live): (Vec<&String>, Vec<&String>) = asked
            .into_iter()
            .partition(|a| snap.dead.contains(&a.to_lowercase()));
        if let (Some(dead), Some(live)) = (dead.first(), live.last()) {
            poll_redirected.push((o.name.clone(), dead.to_string(), live.to_string()));
        }
    }
    Ok(Weekly {
        date: crate::config::words::long_date(now.with_timezone(&tz).date_naive(), Lang::Nb),
        event: config
            .event(&event)
            .map(|e| e.name.nb.clone())
            .unwrap_or(event.clone()),
        deadline: config
            .registration_deadline(&event)
            .map(|d| day(d.due, tz))
            .unwrap_or_default(),
        counts,
        ministries,
        ngos,
        chase,
        review: status.review.iter().map(|r| (r.id, r.reason.clone())).collect(),
        bounces,
        away,
        poll_redirected,
        chart: true,
    })
}

/// What a reminder of `kind` was about, in the coordinator's words.
fn reminder_about(kind: &ReminderKind) -> &'static str {
    match kind {
        ReminderKind::Registration { .. } => "påminnelse om påmelding",
        ReminderKind::Contact => "påminnelse om kontaktperson",
        ReminderKind::Meeting { .. } => "påminnelse om møtet",
        ReminderKind::Poll => "påminnelse om datoavstemningen",
        ReminderKind::Notice { .. } => "varsel",
    }
}

/// The register as one CSV: an organisation per line with its answer and contact person.
pub fn register_csv(weekly: &Weekly) -> String {
    let rows: Vec<&Row> = weekly
        .ministries
        .iter()
        .chain(weekly.ngos.values().flatten())
        .collect();
    super::export::to_csv(&rows).unwrap_or_default()
}

/// Cumulative answers per day, from the first answer (or `since`) to `now`: (day, registered or
/// tentative, declined).
pub fn answers_over_time(
    config: &Config,
    register: &Register,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<(NaiveDate, u32, u32)>, RegisterError> {
    let tz = config.process.timezone;
    let event = &config.invitation.event;
    let statuses: BTreeMap<String, String> = register
        .registrations()?
        .into_iter()
        .filter(|r| &r.event_id == event)
        .map(|r| (r.org_id, r.status))
        .collect();
    let first = register.first_answers(event)?;
    let start = first
        .first()
        .map(|(_, t)| (*t).min(since))
        .unwrap_or(since)
        .with_timezone(&tz)
        .date_naive();
    let end = now.with_timezone(&tz).date_naive();
    let mut out = Vec::new();
    let mut d = start;
    while d <= end && out.len() < 400 {
        let (mut yes, mut no) = (0, 0);
        for (org, at) in &first {
            if at.with_timezone(&tz).date_naive() <= d {
                match statuses.get(org).map(String::as_str) {
                    Some("declined") => no += 1,
                    Some(_) => yes += 1,
                    None => {}
                }
            }
        }
        out.push((d, yes, no));
        d += Duration::days(1);
    }
    Ok(out)
}

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Draws the answers over time as a PNG (two lines: coming, not coming).
pub fn chart_png(series: &[(NaiveDate, u32, u32)], total: usize) -> Result<Vec<u8>, String> {
    use plotters::prelude::*;
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
    let (w, h) = (640u32, 300u32);
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let days = series.len().max(2) as i32;
        let top = (total.max(1) as u32).max(series.iter().map(|s| s.1.max(s.2)).max().unwrap_or(0)) + 1;
        let mut chart = ChartBuilder::on(&root)
            .caption("Svar over tid", ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(36)
            .build_cartesian_2d(0..days - 1, 0u32..top)
            .map_err(|e| e.to_string())?;
        let label = |i: &i32| {
            series
                .get(*i as usize)
                .map(|s| format!("{}.{}", s.0.format("%-d"), s.0.format("%-m")))
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels(8)
            .x_label_formatter(&label)
            .y_desc("organisasjoner")
            .label_style(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        let green = RGBColor(0x1b, 0x7f, 0x3b);
        let red = RGBColor(0xb0, 0x2a, 0x2a);
        chart
            .draw_series(LineSeries::new(
                series.iter().enumerate().map(|(i, s)| (i as i32, s.1)),
                green.stroke_width(3),
            ))
            .map_err(|e| e.to_string())?
            .label("påmeldt")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], green.stroke_width(3)));
        chart
            .draw_series(LineSeries::new(
                series.iter().enumerate().map(|(i, s)| (i as i32, s.2)),
                red.stroke_width(3),
            ))
            .map_err(|e| e.to_string())?
            .label("kommer ikke")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], red.stroke_width(3)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .label_font(("sans-serif", 12))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    encode_png(&rgb, w, h)
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// The weekly status due at `due`, as a message to the coordinator (or `[report] to`).
pub fn compose(
    config: &Config,
    register: &mut Register,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<NewMessage, ScheduleError> {
    let secret = register.secret()?;
    let mut weekly = gather(config, register, now)?;
    // From the day the invitations went out.
    let since = register
        .invitation_states()?
        .values()
        .filter_map(|s| s.sent_at)
        .min()
        .or(config.invitation.send_at)
        .unwrap_or(now - Duration::days(14));
    let series = answers_over_time(config, register, since, now)?;
    let total = weekly.counts.ministries + weekly.counts.ngos;
    let mut attachments = Vec::new();
    match chart_png(&series, total) {
        Ok(png) => attachments.push(Attachment {
            filename: "svar.png".into(),
            content_type: "image/png".into(),
            bytes: png,
            inline_id: Some("chart".into()),
        }),
        Err(e) => {
            tracing::warn!(error = %e, "the chart of answers could not be drawn; the report goes without it");
            weekly.chart = false;
        }
    }
    attachments.push(Attachment {
        filename: format!(
            "{}-register-{}.csv",
            config.process.id,
            now.with_timezone(&config.process.timezone).format("%Y-%m-%d")
        ),
        content_type: "text/csv; charset=utf-8".into(),
        bytes: register_csv(&weekly).into_bytes(),
        inline_id: None,
    });
    let to = config
        .schedule
        .report
        .as_ref()
        .and_then(|r| r.to.clone())
        .or_else(|| config.coordinator.email.clone())
        .unwrap_or_else(|| config.replies.address.clone());
    let message = mailing::compose(
        config,
        &secret,
        Mailing {
            kind: KIND,
            org_id: None,
            event: format!("weekly-{}", due.format("%Y%m%dT%H%MZ")),
            revision: 1,
            event_id: None,
            to: vec![Mailbox::new(Some(config.coordinator.name.clone()), to)],
            lang: Lang::Nb,
            template: KIND,
            html: true,
            headers: vec![("Auto-Submitted".into(), "auto-generated".into())],
            calendar: None,
            attachments,
            not_before: now,
        },
        &ReportCtx { report: &weekly },
        now,
    )
    .map_err(|e: DraftError| ScheduleError::Draft(e))?;
    Ok(message)
}

#[derive(Serialize)]
struct ReportCtx<'a> {
    report: &'a Weekly,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_a_png_of_the_right_size() {
        let d = |n: u32| NaiveDate::from_ymd_opt(2022, 6, n).unwrap();
        let series = [(d(15), 0, 0), (d(16), 3, 1), (d(17), 5, 1), (d(20), 9, 2)];
        let png = chart_png(&series, 15).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (640, 300));
        // Not blank: the lines and the text put colour in it.
        let mut reader = reader;
        let mut buf = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut buf).unwrap();
        let coloured = buf.chunks(3).filter(|p| p[0] != p[1] || p[1] != p[2]).count();
        assert!(coloured > 500, "{coloured} coloured pixels");
    }
}
