-- The reverse search of announcements (storage/needs.py, waiting_near): the needs still
-- waiting for a driver, as points in four dimensions (origin latitude and longitude,
-- destination latitude and longitude), so that a new trip finds the needs whose two ends lie
-- in its search box with one R-tree query instead of reading every open need. Kept in step
-- by triggers, inside the transaction that changes the need. (R*Tree coordinates are 32-bit
-- floats rounded outward: a point becomes a tiny box, never missed.)
-- only sqlite: SQLite's R*Tree, a table of its own kept by triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS waiting_need_points USING rtree (
    need_id,
    origin_lat_low, origin_lat_high,
    origin_lon_low, origin_lon_high,
    destination_lat_low, destination_lat_high,
    destination_lon_low, destination_lon_high
);

CREATE TRIGGER IF NOT EXISTS waiting_need_added AFTER INSERT ON needs
WHEN NEW.status IN ('searching', 'with_operators')
BEGIN
    INSERT OR REPLACE INTO waiting_need_points VALUES (
        NEW.id, NEW.origin_lat, NEW.origin_lat, NEW.origin_lon, NEW.origin_lon,
        NEW.destination_lat, NEW.destination_lat, NEW.destination_lon, NEW.destination_lon
    );
END;

CREATE TRIGGER IF NOT EXISTS waiting_need_changed AFTER UPDATE OF status ON needs
BEGIN
    DELETE FROM waiting_need_points WHERE need_id = OLD.id;
    INSERT INTO waiting_need_points
    SELECT NEW.id, NEW.origin_lat, NEW.origin_lat, NEW.origin_lon, NEW.origin_lon,
        NEW.destination_lat, NEW.destination_lat, NEW.destination_lon, NEW.destination_lon
    WHERE NEW.status IN ('searching', 'with_operators');
END;

CREATE TRIGGER IF NOT EXISTS waiting_need_deleted AFTER DELETE ON needs
BEGIN
    DELETE FROM waiting_need_points WHERE need_id = OLD.id;
END;

INSERT OR REPLACE INTO waiting_need_points
SELECT id, origin_lat, origin_lat, origin_lon, origin_lon,
    destination_lat, destination_lat, destination_lon, destination_lon
FROM needs WHERE status IN ('searching', 'with_operators');
-- end
-- only postgresql: PostgreSQL's GiST indexes points and boxes itself: one partial index on the
-- two ends of the waiting needs, kept by PostgreSQL with the table, no copy and no trigger.
-- waiting_near asks `point(origin) <@ box AND point(destination) <@ box` (storage/dialect.py).
CREATE INDEX IF NOT EXISTS waiting_need_points ON needs USING gist (
    point(origin_lat, origin_lon), point(destination_lat, destination_lon)
) WHERE status IN ('searching', 'with_operators');
-- end
