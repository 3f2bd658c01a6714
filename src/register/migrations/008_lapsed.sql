-- A reminder's recipient may also have lapsed: away (by their out-of-office) until after what the
-- reminder was about (its deadline, its meeting, its next round), so it was not sent. SQLite
-- cannot change a CHECK in place: the table is rebuilt with its rows.
CREATE TABLE schedule_targets_new (
    run_key   TEXT NOT NULL,
    org_id    TEXT NOT NULL,
    address   TEXT NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('queued', 'deferred', 'skipped', 'lapsed')),
    due_at    TEXT NOT NULL,                -- when it went, when to look again, or when they were back
    note      TEXT,
    outbox_id INTEGER REFERENCES outbox(id),
    PRIMARY KEY (run_key, org_id, address)
);
INSERT INTO schedule_targets_new (run_key, org_id, address, state, due_at, note, outbox_id)
    SELECT run_key, org_id, address, state, due_at, note, outbox_id FROM schedule_targets;
DROP TABLE schedule_targets;
ALTER TABLE schedule_targets_new RENAME TO schedule_targets;
CREATE INDEX schedule_targets_deferred ON schedule_targets (due_at) WHERE state = 'deferred';
