-- People are stored independently of Telegram: operators register people who phone in.
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    display_name TEXT NOT NULL,
    telegram_user_id INTEGER UNIQUE,
    telegram_username TEXT,
    phone TEXT,
    phone_visible INTEGER NOT NULL DEFAULT 0 CHECK (phone_visible IN (0, 1)),
    language TEXT NOT NULL DEFAULT 'fr',
    privacy_accepted_at TEXT,
    phone_consent_at TEXT,
    registered_by INTEGER REFERENCES people (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE trips (
    id INTEGER PRIMARY KEY,
    driver_id INTEGER NOT NULL REFERENCES people (id),
    origin_id TEXT NOT NULL,
    origin_name TEXT NOT NULL,
    origin_department TEXT NOT NULL DEFAULT '',
    origin_lat REAL NOT NULL,
    origin_lon REAL NOT NULL,
    destination_id TEXT NOT NULL,
    destination_name TEXT NOT NULL,
    destination_department TEXT NOT NULL DEFAULT '',
    destination_lat REAL NOT NULL,
    destination_lon REAL NOT NULL,
    -- Bit d set for weekday d (Monday = 0).
    weekdays INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    departure TEXT NOT NULL,
    return_time TEXT,
    seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 8),
    note TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'deleted')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX trips_by_driver ON trips (driver_id, status);
CREATE INDEX trips_by_status ON trips (status);

-- python-telegram-bot's persistence: conversation states and per-user data.
CREATE TABLE conversation_states (
    conversation TEXT NOT NULL,
    chat_key TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (conversation, chat_key)
);

CREATE TABLE persisted_data (
    scope TEXT NOT NULL CHECK (scope IN ('user', 'chat', 'bot', 'callback')),
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
