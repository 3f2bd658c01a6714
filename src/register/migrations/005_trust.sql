-- One writer per data directory, and nothing stranded by a crash or a clock stepped back.

-- Who began the attempt of a message in state 'sending': the holder of the data directory's
-- lock then (DataDir::lock). Only a row whose owner is another, gone, hold of the lock counts as
-- interrupted; a row of this process's own is in flight.
ALTER TABLE outbox ADD COLUMN owner TEXT;
-- When the current wait began (an attempt, or a deferral after the server could not be
-- reached). A retry waits relative to it, so a clock that steps back (or a
-- rehearsal's --now set earlier) cannot leave a message waiting for a moment that moved away.
ALTER TABLE outbox ADD COLUMN waiting_since TEXT;

-- Work handed to the daemon by a command run while the daemon holds the data directory
-- (`samskap review apply 3` beside `samskap run`): the daemon does it within a second, with the
-- register it owns, and writes what the command would have printed.
CREATE TABLE requests (
    id            INTEGER PRIMARY KEY,
    command       TEXT NOT NULL,            -- JSON: what to do (ops::Request)
    config_digest TEXT NOT NULL,            -- of the config the command read; must be the daemon's
    requested_by  TEXT NOT NULL,            -- "PID 1234: samskap review apply 3"
    requested_at  TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'waiting'
                  CHECK (status IN ('waiting', 'running', 'done', 'failed')),
    output        TEXT,                     -- what the command prints
    exit_code     INTEGER,
    outbox_ids    TEXT,                     -- JSON: the messages it put in the outbox
    done_at       TEXT
);
CREATE INDEX requests_waiting ON requests (id) WHERE status = 'waiting';
