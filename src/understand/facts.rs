//! What a reply says, as the register takes it: for each event registered, declined, tentative or
//! "will answer later", with the people who come or go and a bare count; a contact person; whether
//! it corrects an earlier answer; questions and doubts for a person; and the words each was read from.

use chrono::NaiveDate;
use serde::Serialize;

/// Whether an organisation comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    Registered,
    Declined,
    Tentative,
    /// No answer yet: the organisation will answer later ("vi kommer tilbake med påmelding").
    Later,
}

impl Intent {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Registered => "registered",
            Intent::Declined => "declined",
            Intent::Tentative => "tentative",
            Intent::Later => "later",
        }
    }
}

/// Where in the person's text a fact was read: byte offsets and the words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Evidence {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Someone who comes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Attendee {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// The answer for one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub event: String,
    pub intent: Intent,
    /// The people who come (added to those registered before).
    pub attendees: Vec<Attendee>,
    /// "Vi blir tre": a count without (all the) names.
    pub count: Option<u32>,
    /// The people who no longer come ("Jonas må melde forfall", "X i stedet for Y").
    pub withdrawn: Vec<Attendee>,
    /// The answer says who comes, all of them: what was registered before is replaced.
    pub replace: bool,
    /// The words it was read from.
    pub evidence: Vec<Evidence>,
}

/// A contact person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    /// E.164.
    pub phone: Option<String>,
    /// "Jeg er kontaktperson": the sender appoints themselves.
    pub is_sender: bool,
}

/// Everything read from a reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub answers: Vec<Answer>,
    pub contact: Option<Contact>,
    /// It replaces an earlier answer ("rettelse", "vi blir bare én").
    pub correction: bool,
    pub questions: Vec<String>,
    /// Reasons a person should look before anything is applied.
    pub doubts: Vec<crate::config::Text>,
    /// "mobilnummeret til Are er 412 60 858": a person's number given anew, with no one
    /// appointed; it is the contact's new number only if that person is the contact (decide).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_phone: Option<Box<NewPhone>>,
}

/// A telephone number given for one person, and the words it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewPhone {
    pub who: Attendee,
    /// E.164.
    pub phone: String,
    pub evidence: Evidence,
}

/// An event as replies refer to it.
#[derive(Debug, Clone)]
pub struct EventRef {
    pub id: String,
    /// Lowercase phrases that name it ("oppfølgingsmøtet", "august/september").
    pub aliases: Vec<String>,
    /// Its days, to recognise "23. juni" or "23.06".
    pub days: Vec<NaiveDate>,
}

/// What the reading needs to know about the process; pure data, from the config.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub events: Vec<EventRef>,
    /// The event a reply is about when it names none.
    pub default_event: String,
    /// Addresses that are never attendees or contacts (the coordinator's, the organiser's).
    pub own_addresses: Vec<String>,
    /// The local part and domain of the reply address, whose plus-addresses are ours too.
    pub reply_address: Option<(String, String)>,
    /// Numbers that are never a contact's (the coordinator's, the organiser's), E.164.
    pub own_phones: Vec<String>,
    /// Names that are never attendees or contacts (the coordinator, the signatory).
    pub own_names: Vec<String>,
    /// Organisation names and acronyms, lowercase: not people.
    pub org_words: Vec<String>,
}

/// The sender of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Sender {
    pub name: Option<String>,
    pub address: String,
}
