-- Mobilot by SMS: a person's second channel, the texts received, what each text sent costs.

-- A person reached by SMS at `phone`: since when they agreed (they texted us and said yes, or
-- the team recorded their consent: `sms_consent_by`); when they texted STOP (nothing more is
-- sent until START).
ALTER TABLE people ADD COLUMN sms_since TEXT;
ALTER TABLE people ADD COLUMN sms_consent_by INTEGER REFERENCES people (id) ON DELETE SET NULL;
ALTER TABLE people ADD COLUMN sms_stopped_at TEXT;

-- Every text the gateway passed on, recorded before the gateway is told it arrived, marked
-- handled in the same transaction as its effects (as the inbox of Telegram's updates). The
-- gateway's own id drops a text passed on twice.
CREATE TABLE sms_inbox (
    id INTEGER PRIMARY KEY,
    gateway_id TEXT UNIQUE,
    sender TEXT NOT NULL,
    receiver TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'handled', 'failed', 'ignored')),
    received_at TEXT NOT NULL,
    handled_at TEXT,
    error TEXT
);
CREATE INDEX sms_inbox_pending ON sms_inbox (status, id);
CREATE INDEX sms_inbox_by_sender ON sms_inbox (sender, received_at);

-- A text in the outbox counts its segments (each one is paid); the gateway's delivery report
-- says whether it reached the phone.
ALTER TABLE outbox ADD COLUMN segments INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN reported TEXT;
ALTER TABLE outbox ADD COLUMN reported_at TEXT;
CREATE INDEX outbox_texts ON outbox (method, finished_at);
