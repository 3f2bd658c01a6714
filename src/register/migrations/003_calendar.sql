-- Who has been sent a calendar object for which meeting, and where they stand: the sequence of
-- the last object they got, how many objects they have had (part of each one's idempotency key),
-- and whether they are invited or were cancelled.
CREATE TABLE calendar_invitees (
    event_id   TEXT NOT NULL,
    address    TEXT NOT NULL,
    org_id     TEXT,
    name       TEXT,
    sequence   INTEGER NOT NULL,
    round      INTEGER NOT NULL,
    state      TEXT NOT NULL,              -- invited, cancelled
    updated_at TEXT NOT NULL,
    PRIMARY KEY (event_id, address)
);
