-- Passengers' needs, the introductions to drivers, and each need's history.
CREATE TABLE needs (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
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
    -- A one-off need has a date; a regular one has weekdays (bit d for weekday d).
    travel_date TEXT,
    weekdays INTEGER NOT NULL DEFAULT 0 CHECK (weekdays BETWEEN 0 AND 127),
    time_mode TEXT NOT NULL CHECK (time_mode IN ('leave_after', 'arrive_before')),
    at_time TEXT NOT NULL,
    purpose TEXT NOT NULL,
    special_needs TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN
        ('searching', 'asking', 'matched', 'with_operators', 'cancelled', 'expired', 'closed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (travel_date IS NOT NULL OR weekdays > 0)
);

CREATE INDEX needs_by_person ON needs (person_id, status);
CREATE INDEX needs_by_status ON needs (status);

CREATE TABLE introductions (
    id INTEGER PRIMARY KEY,
    need_id INTEGER NOT NULL REFERENCES needs (id),
    trip_id INTEGER NOT NULL REFERENCES trips (id),
    driver_id INTEGER NOT NULL REFERENCES people (id),
    passenger_id INTEGER NOT NULL REFERENCES people (id),
    leg TEXT NOT NULL CHECK (leg IN ('outbound', 'return')),
    travel_day INTEGER NOT NULL CHECK (travel_day BETWEEN 0 AND 6),
    pickup TEXT NOT NULL,
    dropoff TEXT NOT NULL,
    extra_minutes REAL NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'expired', 'cancelled')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    answered_at TEXT
);

CREATE INDEX introductions_by_need ON introductions (need_id, status);
CREATE INDEX introductions_pending ON introductions (status, expires_at);
-- One question at a time per need.
CREATE UNIQUE INDEX one_pending_introduction ON introductions (need_id) WHERE status = 'pending';

CREATE TABLE need_events (
    id INTEGER PRIMARY KEY,
    need_id INTEGER NOT NULL REFERENCES needs (id),
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES people (id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);

CREATE INDEX need_events_by_need ON need_events (need_id, id);

-- A driver's trip is announced to a waiting passenger once.
CREATE TABLE need_notifications (
    need_id INTEGER NOT NULL REFERENCES needs (id),
    trip_id INTEGER NOT NULL REFERENCES trips (id),
    at TEXT NOT NULL,
    PRIMARY KEY (need_id, trip_id)
);
