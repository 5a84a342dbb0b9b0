-- Volunteer drivers of an association (issue 24, items 1 and 2): when and how far from home
-- they can drive, and their file as the team checked it.
--
-- `slots` holds bit (3 * weekday + part) for each half-day they can drive (Monday = 0; part 0
-- morning, 1 afternoon, 2 evening). `trip_id` is the standing row that introductions point to
-- (introductions.trip_id is NOT NULL REFERENCES trips): stored 'deleted', so that no search,
-- listing or index ever sees it as a trip.
CREATE TABLE volunteers (
    person_id INTEGER PRIMARY KEY REFERENCES people (id),
    home_id TEXT NOT NULL,
    home_name TEXT NOT NULL,
    home_department TEXT NOT NULL DEFAULT '',
    home_lat REAL NOT NULL,
    home_lon REAL NOT NULL,
    radius_km INTEGER NOT NULL CHECK (radius_km BETWEEN 1 AND 200),
    slots INTEGER NOT NULL CHECK (slots BETWEEN 1 AND 2097151),
    not_in_august INTEGER NOT NULL DEFAULT 0,
    trip_id INTEGER NOT NULL REFERENCES trips (id),
    -- The file, as the team wrote it; NULL until the team says.
    licence_seen INTEGER,
    insurance_until TEXT,
    seats INTEGER CHECK (seats BETWEEN 1 AND 8),
    wheelchair INTEGER,
    walking_frame INTEGER,
    pets INTEGER,
    -- Checked on that day by that member of the team (their name as shown then).
    checked_on TEXT,
    checked_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
