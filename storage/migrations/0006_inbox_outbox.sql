-- The durable inbox of updates and outbox of notices (bot/delivery.py).

-- Every update received from Telegram, recorded before Telegram is told it arrived. It is
-- marked handled in the same transaction as its effects, so after a crash the updates recorded
-- but not handled are handled again, and the others never are.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'handled', 'failed')),
    received_at TEXT NOT NULL,
    handled_at TEXT,
    error TEXT
);
CREATE INDEX inbox_pending ON inbox (status, update_id);

-- Every message the bot sends (a reply, a notice to someone else, a post to the team, an edit),
-- written in the same transaction as the change that causes it, and sent by the deliverer.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    -- The person it is for, when it is for a person (so that a refusal marks them unreachable).
    person_id INTEGER REFERENCES people (id) ON DELETE SET NULL,
    method TEXT NOT NULL,
    params TEXT NOT NULL,
    -- What it is about (an agenda kind, say), for the team's digest when it cannot be sent.
    topic TEXT NOT NULL DEFAULT 'message',
    -- JSON: what to do when the reader cannot be reached, and once it is sent.
    if_unreachable TEXT,
    after_sent TEXT,
    urgent INTEGER NOT NULL DEFAULT 1 CHECK (urgent IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'unreachable', 'failed', 'dropped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    telegram_message_id INTEGER,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX outbox_pending ON outbox (status, chat_id, id);
CREATE INDEX outbox_finished ON outbox (status, finished_at);

-- Telegram refused to deliver to this person (blocked the bot, or never started it).
ALTER TABLE people ADD COLUMN unreachable_at TEXT;
