-- Mobility aids (bot/aids): what a person said in /aides (kept only with their consent),
-- their applications, the proofs sent with them, and each application's history.
CREATE TABLE aid_answers (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    age INTEGER NOT NULL,
    situation TEXT NOT NULL,
    commune_code TEXT,
    commune_name TEXT,
    department TEXT,
    -- 1 / 0, or NULL when the person preferred not to say.
    rsa_or_aah INTEGER,
    rqth INTEGER,
    kept_at TEXT NOT NULL
);

CREATE TABLE aid_applications (
    id INTEGER PRIMARY KEY,
    aid_id TEXT NOT NULL,
    -- NULL once anonymised (3 years) or forgotten: the figures stay, the person goes.
    person_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
    status TEXT NOT NULL
        CHECK (status IN ('draft', 'to_process', 'validated', 'rejected')),
    aid_title TEXT NOT NULL,
    funder_name TEXT NOT NULL DEFAULT '',
    funder_chat_id INTEGER,
    age INTEGER,
    situation TEXT,
    commune_name TEXT,
    answers TEXT NOT NULL DEFAULT '[]',
    consent_at TEXT,
    created_at TEXT NOT NULL,
    submitted_at TEXT,
    decided_at TEXT,
    decided_by INTEGER REFERENCES people (id) ON DELETE SET NULL,
    amount_cents INTEGER CHECK (amount_cents IS NULL OR amount_cents > 0),
    frequency TEXT CHECK (frequency IN ('once', 'monthly', 'quarterly')),
    reason TEXT CHECK (reason IN ('conditions_not_met', 'missing_proof', 'invalid_proof',
                                  'already_granted', 'other')),
    other_reason TEXT CHECK (other_reason IS NULL OR length(other_reason) <= 80),
    filed_by INTEGER REFERENCES people (id) ON DELETE SET NULL,
    proofs_deleted_at TEXT,
    anonymised_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX aid_applications_person ON aid_applications (person_id);
CREATE INDEX aid_applications_aid ON aid_applications (aid_id, status);

CREATE TABLE aid_proofs (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES aid_applications (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('jpeg', 'png', 'pdf')),
    size INTEGER NOT NULL,
    telegram_file_id TEXT NOT NULL,
    path TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX aid_proofs_application ON aid_proofs (application_id);

CREATE TABLE aid_application_events (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES aid_applications (id) ON DELETE CASCADE,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
    at TEXT NOT NULL,
    note TEXT
)
