-- What each message read said, as a digest (understand::fingerprint): a second message under a
-- Message-ID read before is a duplicate only when it says the same; otherwise it goes to review.
-- Messages read before this column existed have none: a message under their Message-ID goes to
-- review, since nobody can tell whether it is the same.
ALTER TABLE messages_seen ADD COLUMN fingerprint TEXT;
