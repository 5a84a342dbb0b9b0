"""A small Lot-like GTFS feed, written by the tests themselves (no licence question).

- line 881 Cahors – Vers – Saint-Cirq-Lapopie – Cajarc – Figeac, on working days, with no
  coach on Friday 25 December 2026 (an exception day) and one extra run on Saturday
  28 November 2026 (the Figeac market);
- line 875 Cahors – Labastide-Marnhac – Lalbenque, on working days;
- late trains from Figeac to Cahors past midnight (23:30 → 24:40:00, 24:10:00 → 25:05:00):
  the second one, of a Friday's service, leaves in the first minutes of the Saturday.

Montcuq is on no line; Lalbenque → Cajarc needs a change at Cahors.

With `night_coach`, a coach of the working days leaves Cahors at 23:50 and reaches Cajarc at
24:30:00: a Wednesday's run arrives on the Thursday at 0:30.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

STOPS = [
    ("CAH", "Cahors Gare routière", 44.44760, 1.44150),
    ("VER", "Vers Place", 44.48600, 1.55400),
    ("SCL", "Saint-Cirq-Lapopie Parking", 44.46500, 1.67100),
    ("CAJ", "Cajarc Tour de ville", 44.48500, 1.84300),
    ("FIG", "Figeac Gare routière", 44.60900, 2.03300),
    ("LBM", "Labastide-Marnhac Église", 44.38650, 1.39850),
    ("LAL", "Lalbenque Place", 44.33830, 1.54600),
]

# trip, route, service, headsign, [(stop, "HH:MM")...]
TRIPS = [
    ("881-1", "881", "SEM", "Figeac",
     [("CAH", "07:30"), ("VER", "07:50"), ("SCL", "08:05"), ("CAJ", "08:25"), ("FIG", "09:00")]),
    ("881-2", "881", "SEM", "Figeac",
     [("CAH", "12:15"), ("VER", "12:35"), ("SCL", "12:50"), ("CAJ", "13:10"), ("FIG", "13:45")]),
    ("881-3", "881", "SEM", "Cahors",
     [("FIG", "17:00"), ("CAJ", "17:35"), ("SCL", "17:55"), ("VER", "18:10"), ("CAH", "18:30")]),
    ("881-M", "881", "MARCHE", "Figeac",
     [("CAH", "08:00"), ("VER", "08:20"), ("CAJ", "08:55"), ("FIG", "09:30")]),
    ("875-1", "875", "SEM", "Cahors",
     [("LAL", "06:40"), ("LBM", "06:55"), ("CAH", "07:10")]),
    ("875-2", "875", "SEM", "Lalbenque",
     [("CAH", "17:45"), ("LBM", "18:00"), ("LAL", "18:15")]),
    ("TER-9", "TER", "SEM", "Cahors",
     [("FIG", "23:30"), ("CAH", "24:40")]),
    ("TER-11", "TER", "SEM", "Cahors",
     [("FIG", "24:10"), ("CAH", "25:05")]),
]  # fmt: skip

ROUTES = [
    ("881", "liO", "881", "Cahors - Cajarc - Figeac", "3"),
    ("875", "liO", "875", "Cahors - Lalbenque", "3"),
    ("TER", "TER", "", "TER Figeac - Cahors", "2"),
]


def _csv(rows: list[list[str]]) -> str:
    return "\n".join(",".join(row) for row in rows) + "\n"


NIGHT_COACH = ("881-N", "881", "SEM", "Cajarc", [("CAH", "23:50"), ("CAJ", "24:30")])


def write_lot_feed(path: Path, *, extra_run: bool = True, night_coach: bool = False) -> Path:
    """The feed as a GTFS zip at `path` (`extra_run`: the market Saturday's coach;
    `night_coach`: the coach of the working days' evenings, arriving past midnight)."""
    trips = [*TRIPS, NIGHT_COACH] if night_coach else TRIPS
    stop_times = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    for trip_id, _, _, _, calls in trips:
        for seq, (stop, at) in enumerate(calls, start=1):
            stop_times.append([trip_id, f"{at}:00", f"{at}:00", stop, str(seq)])
    calendar_dates = [["service_id", "date", "exception_type"], ["SEM", "20261225", "2"]]
    if extra_run:
        calendar_dates.append(["MARCHE", "20261128", "1"])
    files = {
        "agency.txt": _csv(
            [["agency_id", "agency_name", "agency_url", "agency_timezone"],
             ["liO", "liO Occitanie", "https://lio.laregion.fr", "Europe/Paris"],
             ["TER", "TER Occitanie", "https://www.ter.sncf.com", "Europe/Paris"]]
        ),
        "stops.txt": _csv(
            [["stop_id", "stop_name", "stop_lat", "stop_lon"]]
            + [[s, n, f"{lat}", f"{lon}"] for s, n, lat, lon in STOPS]
        ),
        "routes.txt": _csv(
            [["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"]]
            + [list(r) for r in ROUTES]
        ),
        "trips.txt": _csv(
            [["route_id", "service_id", "trip_id", "trip_headsign"]]
            + [[r, s, t, h] for t, r, s, h, _ in trips]
        ),
        "calendar.txt": _csv(
            [["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
              "sunday", "start_date", "end_date"],
             ["SEM", "1", "1", "1", "1", "1", "0", "0", "20260901", "20270705"],
             ["MARCHE", "0", "0", "0", "0", "0", "0", "0", "20260901", "20270705"]]
        ),
        "calendar_dates.txt": _csv(calendar_dates),
        "stop_times.txt": _csv(stop_times),
    }  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


# On-demand transport (GTFS-Flex): the Grand Figeac's TAD takes people from anywhere in a
# zone around Cajarc to Figeac's coach station, Monday to Saturday 8:00–12:00, booked the day
# before by 16:00. `counted`: the days its notice counts ("TAD": its own days, Monday to
# Saturday; "OUVRE": working days; "": calendar days).
CAJARC_ZONE = [[1.75, 44.42], [1.95, 44.42], [1.95, 44.56], [1.75, 44.56], [1.75, 44.42]]
TAD_NAME = "Transport à la demande du Grand Figeac"
TAD_PHONE = "05 65 34 00 00"


def write_flex_feed(
    path: Path, *, counted: str = "TAD", booking_rule: list[str] | None = None
) -> Path:
    import json

    rule = booking_rule or ["VEILLE16", "2", "", "1", "16:00:00", counted, TAD_PHONE, ""]
    files = {
        "agency.txt": _csv(
            [["agency_id", "agency_name", "agency_url", "agency_timezone"],
             ["GF", "Grand Figeac", "https://www.grand-figeac.fr", "Europe/Paris"]]
        ),
        "stops.txt": _csv(
            [["stop_id", "stop_name", "stop_lat", "stop_lon"],
             ["FIG", "Figeac Gare routière", "44.60900", "2.03300"]]
        ),
        "routes.txt": _csv(
            [["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
             ["TAD", "GF", "", TAD_NAME, "715"]]
        ),
        "trips.txt": _csv([["route_id", "service_id", "trip_id"], ["TAD", "TAD", "TAD-1"]]),
        "calendar.txt": _csv(
            [["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
              "sunday", "start_date", "end_date"],
             ["TAD", "1", "1", "1", "1", "1", "1", "0", "20260901", "20270705"],
             ["OUVRE", "1", "1", "1", "1", "1", "0", "0", "20260901", "20270705"]]
        ),
        "booking_rules.txt": _csv(
            [["booking_rule_id", "booking_type", "prior_notice_duration_min",
              "prior_notice_last_day", "prior_notice_last_time", "prior_notice_service_id",
              "phone_number", "booking_url"], rule]
        ),
        "location_groups.txt": _csv([["location_group_id", "location_group_name"],
                                     ["GARES", "Gares routières"]]),
        "location_group_stops.txt": _csv([["location_group_id", "stop_id"], ["GARES", "FIG"]]),
        "locations.geojson": json.dumps(
            {"type": "FeatureCollection", "features": [
                {"type": "Feature", "id": "ZONE-CAJARC", "properties": {},
                 "geometry": {"type": "Polygon", "coordinates": [CAJARC_ZONE]}}]}
        ),
        "stop_times.txt": _csv(
            [["trip_id", "stop_sequence", "stop_id", "location_group_id", "location_id",
              "arrival_time", "departure_time", "start_pickup_drop_off_window",
              "end_pickup_drop_off_window", "pickup_type", "drop_off_type",
              "pickup_booking_rule_id", "drop_off_booking_rule_id"],
             ["TAD-1", "1", "", "", "ZONE-CAJARC", "", "", "08:00:00", "12:00:00", "2", "1",
              rule[0], ""],
             ["TAD-1", "2", "", "GARES", "", "", "", "08:00:00", "12:00:00", "1", "2",
              "", rule[0]]]
        ),
    }  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def write_shuttle_feed(
    path: Path, *, exact_times: str = "1", timezone: str = "Europe/Paris"
) -> Path:
    """A shuttle Cahors station → Cahors hospital... here Cahors → Labastide-Marnhac, every 30
    minutes from 7:00 to 19:00 (frequencies.txt), in the agency's `timezone`."""
    files = {
        "agency.txt": _csv(
            [["agency_id", "agency_name", "agency_url", "agency_timezone"],
             ["NAV", "Navette", "https://example.org", timezone]]
        ),
        "stops.txt": _csv(
            [["stop_id", "stop_name", "stop_lat", "stop_lon"],
             ["CAH", "Cahors Gare routière", "44.44760", "1.44150"],
             ["LBM", "Labastide-Marnhac Église", "44.38650", "1.39850"]]
        ),
        "routes.txt": _csv(
            [["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"],
             ["N1", "NAV", "N1", "Navette Cahors - Labastide", "3"]]
        ),
        "trips.txt": _csv([["route_id", "service_id", "trip_id"], ["N1", "ALL", "N1-run"]]),
        "calendar.txt": _csv(
            [["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
              "sunday", "start_date", "end_date"],
             ["ALL", "1", "1", "1", "1", "1", "1", "1", "20260901", "20270705"]]
        ),
        "stop_times.txt": _csv(
            [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"],
             ["N1-run", "07:00:00", "07:00:00", "CAH", "1"],
             ["N1-run", "07:20:00", "07:20:00", "LBM", "2"]]
        ),
        "frequencies.txt": _csv(
            [["trip_id", "start_time", "end_time", "headway_secs", "exact_times"],
             ["N1-run", "07:00:00", "19:00:00", "1800", exact_times]]
        ),
    }  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path
