-- Scheduled reminders, per recipient: sent (queued in the outbox), deferred until the day an
-- out-of-office said they are back, or skipped (they answered meanwhile). The occurrence itself
-- is in schedule_runs.
CREATE TABLE schedule_targets (
    run_key   TEXT NOT NULL,
    org_id    TEXT NOT NULL,
    address   TEXT NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('queued', 'deferred', 'skipped')),
    due_at    TEXT NOT NULL,                -- when it went, or when to look again
    note      TEXT,
    outbox_id INTEGER REFERENCES outbox(id),
    PRIMARY KEY (run_key, org_id, address)
);
CREATE INDEX schedule_targets_deferred ON schedule_targets (due_at) WHERE state = 'deferred';

-- The date poll: each person's answer (the latest counts), and the poll's outcome.
CREATE TABLE poll_answers (
    event_id    TEXT NOT NULL,
    org_id      TEXT NOT NULL,
    address     TEXT NOT NULL,
    yes         TEXT NOT NULL,              -- JSON: the candidate numbers (from 1) that suit
    no          TEXT NOT NULL,              -- JSON: those that do not
    message_id  TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (event_id, org_id, address)
);

CREATE TABLE poll_results (
    event_id  TEXT PRIMARY KEY,
    chosen    INTEGER NOT NULL,             -- the candidate number (from 1)
    start_at  TEXT NOT NULL,
    end_at    TEXT NOT NULL,
    closed_at TEXT NOT NULL,
    closed_by TEXT NOT NULL                 -- deadline, coordinator
);
