-- Public transport timetables (GTFS), imported at start when a feed's file changed. Ids are
-- prefixed with the feed's number ("3:STOP_12") so that two feeds never collide.
CREATE TABLE gtfs_feeds (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE TABLE gtfs_stops (
    stop_id TEXT PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES gtfs_feeds (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL
);
CREATE INDEX gtfs_stops_lat ON gtfs_stops (lat);
CREATE TABLE gtfs_routes (
    route_id TEXT PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES gtfs_feeds (id) ON DELETE CASCADE,
    short_name TEXT NOT NULL,
    long_name TEXT NOT NULL,
    agency TEXT NOT NULL
);
CREATE TABLE gtfs_trips (
    trip_id TEXT PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES gtfs_feeds (id) ON DELETE CASCADE,
    route_id TEXT NOT NULL,
    service_id TEXT NOT NULL,
    headsign TEXT NOT NULL
);
CREATE TABLE gtfs_calendar (
    service_id TEXT PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES gtfs_feeds (id) ON DELETE CASCADE,
    weekdays TEXT NOT NULL,  -- "1111100": Monday to Sunday
    start_date TEXT NOT NULL,  -- ISO dates
    end_date TEXT NOT NULL
);
CREATE TABLE gtfs_calendar_dates (
    service_id TEXT NOT NULL,
    feed_id INTEGER NOT NULL REFERENCES gtfs_feeds (id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    added INTEGER NOT NULL,  -- 1: runs that day, 0: does not run that day
    PRIMARY KEY (service_id, day)
);
CREATE TABLE gtfs_stop_times (
    trip_id TEXT NOT NULL,
    feed_id INTEGER NOT NULL REFERENCES gtfs_feeds (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    stop_id TEXT NOT NULL,
    arrival INTEGER NOT NULL,  -- seconds after midnight of the service day (may pass 24:00)
    departure INTEGER NOT NULL,
    PRIMARY KEY (trip_id, seq)
);
CREATE INDEX gtfs_stop_times_stop ON gtfs_stop_times (stop_id, departure);

-- Transport d'Utilité Sociale: the association's register of members and their trips.
CREATE TABLE tus_members (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT,
    commune_code TEXT NOT NULL,
    commune_name TEXT NOT NULL,
    eligible_by TEXT NOT NULL,  -- 'residence' or 'benefit'
    benefit TEXT,
    joined_at TEXT NOT NULL,
    registered_by INTEGER REFERENCES people (id)
);
CREATE TABLE tus_trips (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES tus_members (id),
    day TEXT NOT NULL,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    km REAL NOT NULL,
    participation_cents INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER REFERENCES people (id)
);
CREATE INDEX tus_trips_day ON tus_trips (day);
