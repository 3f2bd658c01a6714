-- A date-poll answer's slots offered with a reservation ("kanskje", "if need be"): neither yes
-- nor no. Answers recorded before this column existed had no maybe.
ALTER TABLE poll_answers ADD COLUMN maybe TEXT NOT NULL DEFAULT '[]';
