//! The report stage: where every organisation stands, for a person (`status`), a script
//! (`status --json`, a stable interface) or a spreadsheet (`export`).

pub mod export;
pub mod status;
pub mod weekly;
