-- The register's first schema: what outbound needs now, and the tables the inbound and
-- scheduling stages fill, so the shape of the whole process is visible in one place.

-- Small facts about this register: its random secret (tokens, Message-IDs), the process id.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Every organisation: from config (ministries, NGOs invited directly) or from mail (NGOs that
-- registered after a ministry forwarded the invitation).
CREATE TABLE organisations (
    id                 TEXT PRIMARY KEY,
    kind               TEXT NOT NULL CHECK (kind IN ('ministry', 'ngo')),
    name               TEXT NOT NULL,
    name_en            TEXT,
    lang               TEXT NOT NULL DEFAULT 'nb',
    address            TEXT NOT NULL,
    token              TEXT NOT NULL UNIQUE,
    referred_by        TEXT REFERENCES organisations(id),
    source             TEXT NOT NULL CHECK (source IN ('config', 'mail')),
    created_at         TEXT NOT NULL,
    created_by_message TEXT
);

-- Which mail domain speaks for which organisation.
CREATE TABLE org_domains (
    domain TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id)
);

-- Every outgoing message, written before any byte leaves. The idempotency key makes a second
-- enqueue of the same message a no-op; the Message-ID is fixed here, so a resend after a crash
-- carries the same one.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    idem_key         TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    org_id           TEXT REFERENCES organisations(id),
    event_id         TEXT,
    revision         INTEGER NOT NULL DEFAULT 1,
    message_id       TEXT NOT NULL UNIQUE,
    envelope_from    TEXT NOT NULL,
    recipients       TEXT NOT NULL,            -- JSON array of addresses
    subject          TEXT NOT NULL,
    lang             TEXT,
    status           TEXT NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    not_before       TEXT NOT NULL,            -- due time (first send, or next retry)
    first_attempt_at TEXT,
    last_error       TEXT,
    error_code       INTEGER,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    smtp_reply       TEXT,
    sent_copy        TEXT NOT NULL DEFAULT 'none' CHECK (sent_copy IN ('none', 'pending', 'done')),
    -- Filled when a delivery report names this message.
    bounced_at       TEXT,
    bounce_status    TEXT,
    bounce_permanent INTEGER,
    bounce_message   TEXT
);
-- What is due, in order, without sorting: only unsent messages are in it.
CREATE INDEX outbox_due ON outbox (not_before, id) WHERE status IN ('queued', 'sending');
CREATE INDEX outbox_org ON outbox (org_id, kind);

-- The exact bytes of each outgoing message, apart from its state so that the frequent state
-- changes rewrite small rows only.
CREATE TABLE outbox_bodies (
    outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id),
    body      BLOB NOT NULL
);

-- Every message read from a mailbox, known by where it was and by its Message-ID.
CREATE TABLE messages_seen (
    id           INTEGER PRIMARY KEY,
    mailbox      TEXT NOT NULL,
    uidvalidity  INTEGER NOT NULL,
    uid          INTEGER NOT NULL,
    message_id   TEXT,
    received_at  TEXT,
    processed_at TEXT NOT NULL,
    class        TEXT NOT NULL,   -- reply, bounce, auto_reply, calendar, other
    org_id       TEXT REFERENCES organisations(id),
    outcome      TEXT NOT NULL,   -- applied, review, ignored, error
    UNIQUE (mailbox, uidvalidity, uid)
);
CREATE INDEX messages_seen_message_id ON messages_seen (message_id);

-- Who attends which event, per organisation.
CREATE TABLE registrations (
    org_id         TEXT NOT NULL REFERENCES organisations(id),
    event_id       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('registered', 'declined', 'tentative')),
    attendees      TEXT NOT NULL DEFAULT '[]',  -- JSON [{name, email}]
    attendee_count INTEGER,
    late           INTEGER NOT NULL DEFAULT 0,
    updated_at     TEXT NOT NULL,
    message_id     TEXT NOT NULL,
    PRIMARY KEY (org_id, event_id)
);

-- Each organisation's contact person.
CREATE TABLE contacts (
    org_id     TEXT PRIMARY KEY REFERENCES organisations(id),
    name       TEXT,
    email      TEXT,
    phone      TEXT,                            -- E.164
    updated_at TEXT NOT NULL,
    message_id TEXT NOT NULL
);

-- What a person must settle: a message the daemon would not act on alone.
CREATE TABLE review_items (
    id         INTEGER PRIMARY KEY,
    message_id TEXT,
    org_id     TEXT REFERENCES organisations(id),
    reason     TEXT NOT NULL,
    proposal   TEXT,                            -- JSON: the change it would make
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'applied', 'dismissed')),
    created_at TEXT NOT NULL,
    settled_at TEXT
);

-- Calendar state per event: the UID and the SEQUENCE that only ever grows.
CREATE TABLE calendar_events (
    event_id TEXT PRIMARY KEY,
    uid      TEXT NOT NULL UNIQUE,
    sequence INTEGER NOT NULL DEFAULT 0,
    digest   TEXT                               -- of the time and place last sent
);

-- Scheduled actions done or missed, by a key unique per action.
CREATE TABLE schedule_runs (
    key     TEXT PRIMARY KEY,
    due_at  TEXT NOT NULL,
    done_at TEXT NOT NULL,
    outcome TEXT NOT NULL                       -- done, missed
);

-- The audit trail: every change to the register and what caused it.
CREATE TABLE changes (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    org_id     TEXT,
    entity     TEXT NOT NULL,                   -- organisation, invitation, registration, contact...
    field      TEXT,
    old        TEXT,
    new        TEXT,
    message_id TEXT,                            -- the Message-ID that caused it, if mail did
    actor      TEXT NOT NULL                    -- config, mail, coordinator, daemon
);
CREATE INDEX changes_org ON changes (org_id);
