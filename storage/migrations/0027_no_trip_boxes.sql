-- The R*Tree of trips' search boxes (0002) and its settings: the trips' index lives in memory
-- (storage/trip_search.py, IndexedTripSearch, loaded at start-up); nothing reads these tables
-- any more, and /oublier no longer has a copy of a trip's places there to erase.
DROP TABLE IF EXISTS trip_boxes;
DROP TABLE IF EXISTS search_meta;
