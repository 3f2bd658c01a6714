//! Connections to mail servers that more than one stage needs: TLS set-up and IMAP sessions.

pub mod imap;
pub mod tls;
