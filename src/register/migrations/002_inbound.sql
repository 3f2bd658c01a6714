-- Inbound: where each mailbox was read to, what bounced, who is away, and review items that
-- keep the message they are about.

-- How far each mailbox has been read (IMAP: by UIDVALIDITY and the highest UID seen).
CREATE TABLE mailbox_state (
    mailbox     TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL
);

-- Delivery reports, one row per failed recipient.
CREATE TABLE bounces (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER REFERENCES outbox(id),
    org_id      TEXT REFERENCES organisations(id),
    recipient   TEXT NOT NULL,
    status      TEXT,
    hard        INTEGER NOT NULL,
    diagnostic  TEXT,
    message_id  TEXT NOT NULL,                 -- the report's own Message-ID
    received_at TEXT NOT NULL
);
CREATE INDEX bounces_org ON bounces (org_id);

-- Automatic replies: who is away, and until when if they said.
CREATE TABLE auto_replies (
    id          INTEGER PRIMARY KEY,
    org_id      TEXT REFERENCES organisations(id),
    address     TEXT NOT NULL,
    returns_on  TEXT,                          -- the first day back, YYYY-MM-DD
    message_id  TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX auto_replies_org ON auto_replies (org_id);

-- A review item shows the message as it came.
ALTER TABLE review_items ADD COLUMN sender TEXT;
ALTER TABLE review_items ADD COLUMN subject TEXT;
ALTER TABLE review_items ADD COLUMN text TEXT;
ALTER TABLE review_items ADD COLUMN raw BLOB;
ALTER TABLE review_items ADD COLUMN settled_by TEXT;

CREATE INDEX organisations_address ON organisations (address);
