-- One-off trips and seats per ride date (issue 10).
-- A one-off trip runs on `trip_date` only (its `weekdays` is that date's weekday bit); a
-- regular trip has no date. Once its day is over the agenda ends it: it is stored as
-- 'deleted' with `expired_at` set (the repository reads that as expired), so that every
-- query about active trips leaves it out without knowing of dates.
ALTER TABLE trips ADD COLUMN trip_date TEXT;
ALTER TABLE trips ADD COLUMN expired_at TEXT;

CREATE INDEX trips_by_date ON trips (trip_date) WHERE trip_date IS NOT NULL;

-- The seats a trip has promised: accepted introductions by trip.
CREATE INDEX introductions_by_trip ON introductions (trip_id, status);
