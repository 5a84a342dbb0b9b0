-- The agenda of due actions and messages (bot/agenda.py). `due_at` is a UTC moment written
-- as in bot.agenda.utc_text, so that comparing texts compares moments.
CREATE TABLE agenda (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    -- sent, done, skipped, unreachable, or the last error
    outcome TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);

-- At most one pending entry of a kind per subject: scheduling again moves it.
CREATE UNIQUE INDEX agenda_one_pending ON agenda (kind, subject_id) WHERE status = 'pending';
CREATE INDEX agenda_due ON agenda (status, due_at);

-- The first ride of an accepted introduction, and whether it happened (the passenger says).
ALTER TABLE introductions ADD COLUMN ride_date TEXT;
ALTER TABLE introductions ADD COLUMN ride_outcome TEXT
    CHECK (ride_outcome IN ('happened', 'not_happened', 'no_show'));
ALTER TABLE introductions ADD COLUMN ride_outcome_at TEXT;

-- A regular trip's freshness: when its driver was last asked, and last said it still runs.
ALTER TABLE trips ADD COLUMN check_asked_at TEXT;
ALTER TABLE trips ADD COLUMN confirmed_at TEXT;

-- only sqlite: this carries data of an older form over; PostgreSQL support came after it,
-- so no PostgreSQL database holds any (its tables are empty here).
-- What was already under way before the agenda existed gets its entries.
INSERT INTO agenda (kind, subject_id, due_at, created_at)
    SELECT 'introduction_timeout', id, strftime('%Y-%m-%dT%H:%M:%S+00:00', expires_at),
        strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    FROM introductions WHERE status = 'pending';
INSERT INTO agenda (kind, subject_id, due_at, created_at)
    SELECT 'need_expiry', id, strftime('%Y-%m-%dT%H:%M:%S+00:00', travel_date, '+1 day'),
        strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    FROM needs
    WHERE travel_date IS NOT NULL AND status IN ('searching', 'asking', 'with_operators');
INSERT INTO agenda (kind, subject_id, due_at, created_at)
    SELECT 'trip_check', id, strftime('%Y-%m-%dT%H:%M:%S+00:00', created_at, '+28 days'),
        strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    FROM trips WHERE status = 'active';
-- end
