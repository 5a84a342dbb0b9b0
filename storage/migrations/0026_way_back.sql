-- A passenger's way back, asked with the need (issue 23, item 11): none, at a time (leaving
-- the destination for the origin the same day, around `back_at`), or not known yet. An
-- introduction whose driver brings the passenger back too keeps that ride beside the first.
ALTER TABLE needs ADD COLUMN way_back TEXT NOT NULL DEFAULT 'none'
    CHECK (way_back IN ('none', 'at', 'unknown'));
ALTER TABLE needs ADD COLUMN back_at TEXT;
ALTER TABLE introductions ADD COLUMN back_trip_id INTEGER REFERENCES trips (id);
ALTER TABLE introductions ADD COLUMN back_pickup TEXT;
ALTER TABLE introductions ADD COLUMN back_dropoff TEXT;
