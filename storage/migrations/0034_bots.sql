-- A territory's own Telegram bot (issue 22, item 1; bot/services/bots.py).
--
-- Which bot a person's Telegram identity came through last: a territory's id, '' for the
-- deployment's own bot (BOT_TOKEN), NULL when never noted (a deployment with one bot never
-- notes it). What they are sent goes through it.
ALTER TABLE people ADD COLUMN telegram_bot TEXT;

-- Update ids are counted per bot: the inbox is keyed by (bot, update_id), '' being the
-- deployment's own bot (every row recorded before this migration). Portable SQL: the table
-- is copied into its new shape, on PostgreSQL as on SQLite.
CREATE TABLE inbox_by_bot (
    bot TEXT NOT NULL DEFAULT '',
    update_id INTEGER NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'handled', 'failed')),
    received_at TEXT NOT NULL,
    handled_at TEXT,
    error TEXT,
    chat_id INTEGER,
    claimed_by TEXT,
    claimed_until TEXT,
    PRIMARY KEY (bot, update_id)
);
INSERT INTO inbox_by_bot (bot, update_id, payload, status, received_at, handled_at, error,
    chat_id, claimed_by, claimed_until)
SELECT '', update_id, payload, status, received_at, handled_at, error, chat_id, claimed_by,
    claimed_until FROM inbox;
DROP TABLE inbox;
ALTER TABLE inbox_by_bot RENAME TO inbox;
CREATE INDEX inbox_pending ON inbox (status, bot, update_id);
CREATE INDEX inbox_pending_chat ON inbox (chat_id, status);
