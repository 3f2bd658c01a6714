//! Exports of the register as CSV (for a spreadsheet) or JSON (for a script).

use serde::Serialize;

use super::status::invitation_word;
use crate::register::{Register, RegisterError};

/// One organisation as exported.
#[derive(Debug, Serialize)]
pub struct OrgExport {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    /// Space-separated in CSV.
    pub domains: String,
    pub lang: String,
    pub referred_by: String,
    pub invitation_status: String,
    pub sent_at: String,
    pub message_id: String,
    pub error: String,
}

/// Every organisation with its invitation's state.
pub fn organisations(register: &Register) -> Result<Vec<OrgExport>, RegisterError> {
    let invitations = register.invitation_states()?;
    Ok(register
        .organisations()?
        .into_iter()
        .map(|o| {
            let state = invitations.get(&o.id);
            OrgExport {
                invitation_status: invitation_word(state).to_string(),
                sent_at: state
                    .and_then(|s| s.sent_at)
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                    .unwrap_or_default(),
                message_id: state.map(|s| s.message_id.clone()).unwrap_or_default(),
                error: state.and_then(|s| s.error.clone()).unwrap_or_default(),
                domains: o.domains.join(" "),
                id: o.id,
                name: o.name,
                kind: o.kind,
                address: o.address,
                lang: o.lang,
                referred_by: o.referred_by.unwrap_or_default(),
            }
        })
        .collect())
}

/// Writes `rows` as CSV with a header line.
pub fn to_csv<T: Serialize>(rows: &[T]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// One registration as exported.
#[derive(Debug, Serialize)]
pub struct RegistrationExport {
    pub org_id: String,
    pub org_name: String,
    pub event: String,
    pub status: String,
    /// How many come: the count given, or the names given.
    pub attendees: u32,
    pub names: String,
    pub emails: String,
    pub late: bool,
    pub updated_at: String,
    pub message_id: String,
}

/// Every registration.
pub fn registrations(register: &Register) -> Result<Vec<RegistrationExport>, RegisterError> {
    let names: std::collections::HashMap<String, String> = register
        .organisations()?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(register
        .registrations()?
        .into_iter()
        .map(|r| {
            let people: Vec<crate::understand::facts::Attendee> =
                serde_json::from_value(r.attendees.clone()).unwrap_or_default();
            RegistrationExport {
                org_name: names.get(&r.org_id).cloned().unwrap_or_default(),
                attendees: r.attendee_count.unwrap_or(0).max(people.len() as u32),
                names: people
                    .iter()
                    .filter_map(|p| p.name.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                emails: people
                    .iter()
                    .filter_map(|p| p.email.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                org_id: r.org_id,
                event: r.event_id,
                status: r.status,
                late: r.late,
                updated_at: r.updated_at,
                message_id: r.message_id,
            }
        })
        .collect())
}

/// One contact person as exported.
#[derive(Debug, Serialize)]
pub struct ContactExport {
    pub org_id: String,
    pub org_name: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub updated_at: String,
    pub message_id: String,
}

/// Every contact person.
pub fn contacts(register: &Register) -> Result<Vec<ContactExport>, RegisterError> {
    let names: std::collections::HashMap<String, String> = register
        .organisations()?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    Ok(register
        .contacts()?
        .into_iter()
        .map(|c| ContactExport {
            org_name: names.get(&c.org_id).cloned().unwrap_or_default(),
            org_id: c.org_id,
            name: c.name.unwrap_or_default(),
            email: c.email.unwrap_or_default(),
            phone: c.phone.unwrap_or_default(),
            updated_at: c.updated_at,
            message_id: c.message_id,
        })
        .collect())
}
