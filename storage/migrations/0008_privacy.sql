-- Privacy, consent and trust (issue 11).

-- Each consent with the version of the text that was agreed to: a new version asks again.
-- `confirmed_by` is the operator who confirmed, on the phone, that the person agreed.
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    topic TEXT NOT NULL,
    version TEXT NOT NULL,
    given_at TEXT NOT NULL,
    confirmed_by INTEGER REFERENCES people (id)
);
CREATE INDEX consents_by_person ON consents (person_id, topic, id);

-- When the person last wrote to the bot (for INACTIVE_MONTHS), when they were asked whether
-- to stay, when they were forgotten (the row stays, emptied, so that statistics keep their
-- count), and when the team suspended them (no more matches).
ALTER TABLE people ADD COLUMN last_seen_at TEXT;
ALTER TABLE people ADD COLUMN stay_asked_at TEXT;
ALTER TABLE people ADD COLUMN forgotten_at TEXT;
ALTER TABLE people ADD COLUMN suspended_at TEXT;
CREATE INDEX people_by_phone ON people (phone) WHERE phone IS NOT NULL;

-- Needs and introductions kept for statistics once their details are erased (retention).
ALTER TABLE needs ADD COLUMN anonymised_at TEXT;

-- One person reports another to the team, after an introduction or a ride.
CREATE TABLE person_reports (
    id INTEGER PRIMARY KEY,
    reporter_id INTEGER NOT NULL REFERENCES people (id),
    reported_id INTEGER NOT NULL REFERENCES people (id),
    introduction_id INTEGER REFERENCES introductions (id),
    reason TEXT NOT NULL,
    words TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX person_reports_by_pair ON person_reports (reporter_id, reported_id);
