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
