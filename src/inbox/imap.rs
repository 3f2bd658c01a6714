//! IMAP reading (below).
