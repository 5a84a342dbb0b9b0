-- The spatial index of matching (storage/trip_search.py): for every active trip, the box of
-- latitudes and longitudes that contains its search ellipse (bot.matching.search_box),
-- computed with a margin so that relaxed searches can use it too. Kept up to date by
-- SqliteTripSearch.index() after a trip changes, rebuilt by ensure_index() at start-up when
-- the margin or the distance settings changed. SQLite stores R*Tree coordinates as 32-bit
-- floats rounded outward, so a box never shrinks.
-- only sqlite: an R*Tree is SQLite's; nothing reads this table since 0027, which drops it.
CREATE VIRTUAL TABLE IF NOT EXISTS trip_boxes USING rtree (
    trip_id,
    min_lat, max_lat,
    min_lon, max_lon
);
-- end

-- What the boxes were computed with (margin, road factor, speed, algorithm version).
CREATE TABLE IF NOT EXISTS search_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
