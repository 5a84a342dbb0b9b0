-- Standard covoiturage: partners' bookings of our drivers, and needs shown to partners.
-- Forgetting a person, a trip or a need forgets what is here about them (ON DELETE CASCADE).
CREATE TABLE interop_bookings (
    number INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    partner TEXT NOT NULL,
    driver_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    trip_id INTEGER NOT NULL REFERENCES trips (id) ON DELETE CASCADE,
    leg TEXT NOT NULL CHECK (leg IN ('outbound', 'return')),
    ride_date TEXT NOT NULL,
    pickup_at TEXT NOT NULL,
    passenger_alias TEXT NOT NULL,
    status TEXT NOT NULL,
    -- The status the partner last knew of (it posted it, set it, or we told it).
    told_status TEXT NOT NULL,
    dialect TEXT NOT NULL CHECK (dialect IN ('alpha', 'split')),
    body TEXT NOT NULL,
    message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX interop_bookings_by_ride ON interop_bookings (trip_id, leg, ride_date, status);

CREATE TABLE interop_shared_needs (
    need_id INTEGER PRIMARY KEY REFERENCES needs (id) ON DELETE CASCADE,
    shared_at TEXT NOT NULL
);
