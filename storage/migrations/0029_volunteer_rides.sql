-- Each ride a volunteer drove, on paper (issue 24, item 4): written when the passenger (or
-- the team for them) says it happened. The names and places are copied as they were that
-- day: the record is the association's proof and accounting, the treasurer's and the
-- préfet's. `driven_km`: the volunteer's whole ride (home → passenger → destination →
-- passenger → home), which the allowance pays; `passenger_km`: the passenger's there and
-- back, which the participation is asked on.
CREATE TABLE volunteer_rides (
    introduction_id INTEGER PRIMARY KEY REFERENCES introductions (id),
    volunteer_id INTEGER NOT NULL REFERENCES people (id),
    passenger_id INTEGER NOT NULL REFERENCES people (id),
    volunteer_name TEXT NOT NULL,
    passenger_name TEXT NOT NULL,
    ride_date TEXT NOT NULL,
    home_name TEXT NOT NULL,
    origin_name TEXT NOT NULL,
    destination_name TEXT NOT NULL,
    driven_km INTEGER NOT NULL,
    passenger_km REAL NOT NULL,
    participation_rate REAL NOT NULL,
    participation_cents INTEGER NOT NULL,
    allowance_rate REAL NOT NULL,
    allowance_cents INTEGER NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX volunteer_rides_by_volunteer ON volunteer_rides (volunteer_id, ride_date);
CREATE INDEX volunteer_rides_by_date ON volunteer_rides (ride_date);

-- A volunteer gave up a month's allowance to the association ("Je le donne à
-- l'association"): the renunciation a tax receipt for the donation of expenses rests on.
CREATE TABLE volunteer_gifts (
    volunteer_id INTEGER NOT NULL REFERENCES people (id),
    month TEXT NOT NULL,  -- 'YYYY-MM'
    given_at TEXT NOT NULL,
    PRIMARY KEY (volunteer_id, month)
);
