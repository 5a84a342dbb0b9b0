"""Reading a GTFS feed (a zip of CSV files) with the standard library.

Only what a "which coach from near here to near there on that day" question needs is kept:
stops, routes, trips, calendar, calendar_dates and stop_times, the agency's time zone
(`agency_timezone`, in which the feed's times are counted), and frequencies.txt: a trip run
"every 30 minutes from 7:00 to 19:00" becomes one trip per run, its stop times shifted from
the template's (exact_times 1 as given; 0, frequency-based, the same runs as a planner's
best guess). Times stay seconds after midnight of the service day, since GTFS lets them pass
24:00:00 for a trip that runs past midnight. A feed that cannot be read stops the start with
the file and the problem named.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# The files of the zip, named without their ".txt".
REQUIRED_FILES = ("stops", "routes", "trips", "stop_times")


class FeedError(ValueError):
    """The feed is not a GTFS zip we can read; the message names the file and the problem."""


@dataclass(frozen=True)
class Stop:
    stop_id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Route:
    route_id: str
    short_name: str
    long_name: str
    agency: str


@dataclass(frozen=True)
class TripRow:
    trip_id: str
    route_id: str
    service_id: str
    headsign: str


@dataclass(frozen=True)
class Calendar:
    service_id: str
    weekdays: str  # "1111100", Monday first
    start: date
    end: date


@dataclass(frozen=True)
class CalendarDate:
    service_id: str
    day: date
    added: bool  # exception_type 1 (added) or 2 (removed)


@dataclass(frozen=True)
class StopTime:
    trip_id: str
    seq: int
    stop_id: str
    arrival: int
    departure: int


@dataclass
class Feed:
    stops: list[Stop] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    trips: list[TripRow] = field(default_factory=list)
    calendars: list[Calendar] = field(default_factory=list)
    calendar_dates: list[CalendarDate] = field(default_factory=list)
    stop_times: list[StopTime] = field(default_factory=list)
    timezone: str = ""  # the first agency's agency_timezone ("" when not given)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def seconds(text: str) -> int:
    """ "7:05:00" or "25:10:00" → seconds after midnight of the service day."""
    parts = text.strip().split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a GTFS time: {text!r}")
    hours, minutes, secs = (int(p) for p in parts)
    if minutes > 59 or secs > 59 or hours > 47:
        raise ValueError(f"not a GTFS time: {text!r}")
    return hours * 3600 + minutes * 60 + secs


def gtfs_date(text: str) -> date:
    text = text.strip()
    if len(text) != 8 or not text.isdigit():
        raise ValueError(f"not a GTFS date (YYYYMMDD): {text!r}")
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def read_feed(path: Path) -> Feed:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise FeedError(f"{path}: not a readable GTFS zip ({error})") from None
    with archive:
        names = {Path(n).name.removesuffix(".txt"): n for n in archive.namelist()}
        missing = [n for n in REQUIRED_FILES if n not in names]
        if missing:
            raise FeedError(f"{path}: no {'.txt, '.join(missing)}.txt in the zip")
        if "calendar" not in names and "calendar_dates" not in names:
            raise FeedError(f"{path}: neither calendar.txt nor calendar_dates.txt in the zip")
        feed = Feed()
        current = ""
        at = [0]  # the line being read, for the error message
        try:
            current = "agency"
            agencies = {}
            for row in feed_rows(archive, names, current, at):
                agencies[row.get("agency_id", "")] = row.get("agency_name", "")
                feed.timezone = feed.timezone or feed_zone(row.get("agency_timezone", ""))
            default_agency = next(iter(agencies.values()), "")
            current = "stops"
            for row in feed_rows(archive, names, current, at):
                if row.get("location_type", "0") not in ("", "0"):
                    continue  # stations and entrances: passengers board at their stops
                feed.stops.append(
                    Stop(
                        row["stop_id"],
                        row.get("stop_name", ""),
                        float(row["stop_lat"]),
                        float(row["stop_lon"]),
                    )
                )
            current = "routes"
            for row in feed_rows(archive, names, current, at):
                agency = agencies.get(row.get("agency_id", ""), default_agency)
                feed.routes.append(
                    Route(
                        row["route_id"],
                        row.get("route_short_name", ""),
                        row.get("route_long_name", ""),
                        agency,
                    )
                )
            current = "trips"
            for row in feed_rows(archive, names, current, at):
                feed.trips.append(
                    TripRow(
                        row["trip_id"],
                        row["route_id"],
                        row["service_id"],
                        row.get("trip_headsign", ""),
                    )
                )
            current = "calendar"
            days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
            for row in feed_rows(archive, names, current, at):
                weekdays = "".join("1" if row[d].strip() == "1" else "0" for d in days)
                feed.calendars.append(
                    Calendar(
                        row["service_id"],
                        weekdays,
                        gtfs_date(row["start_date"]),
                        gtfs_date(row["end_date"]),
                    )
                )
            current = "calendar_dates"
            for row in feed_rows(archive, names, current, at):
                kind = row["exception_type"].strip()
                if kind not in ("1", "2"):
                    raise ValueError(f"exception_type must be 1 or 2, not {kind!r}")
                feed.calendar_dates.append(
                    CalendarDate(row["service_id"], gtfs_date(row["date"]), kind == "1")
                )
            current = "stop_times"
            for row in feed_rows(archive, names, current, at):
                arrival, departure = row.get("arrival_time", ""), row.get("departure_time", "")
                if not arrival.strip() and not departure.strip():
                    continue  # a timepoint without a time: nobody can be told to board there
                arrive = seconds(arrival or departure)
                leave = seconds(departure or arrival)
                feed.stop_times.append(
                    StopTime(
                        row["trip_id"], int(row["stop_sequence"]), row["stop_id"], arrive, leave
                    )
                )
            current = "frequencies"
            runs = []
            for row in feed_rows(archive, names, current, at):
                start, end = seconds(row["start_time"]), seconds(row["end_time"])
                headway = int(row["headway_secs"])
                if headway <= 0 or end < start:
                    raise ValueError("headway_secs must be positive and end_time after start_time")
                if row.get("exact_times", "") not in ("", "0", "1"):
                    raise ValueError(f"exact_times must be 0 or 1, not {row['exact_times']!r}")
                runs.append((row["trip_id"], start, end, headway))
        except KeyError as error:
            raise FeedError(f"{path}, {current}.txt line {at[0]}: no column {error}") from None
        except (ValueError, UnicodeDecodeError) as error:
            raise FeedError(f"{path}, {current}.txt line {at[0]}: {error}") from None
    _expand_frequencies(feed, runs)
    return feed


# A feed that runs a trip every minute all day would fill the tables: beyond this many runs
# of one frequency row, the rest are left out (no rural shuttle comes near it).
MAX_RUNS = 300


def _expand_frequencies(feed: Feed, runs: list[tuple[str, int, int, int]]) -> None:
    """One trip per run of a frequencies.txt row, named "<trip>@<start>"; the template trip
    itself only runs through its frequencies, so it is replaced by its runs."""
    if not runs:
        return
    templates = {trip_id for trip_id, *_ in runs}
    calls: dict[str, list[StopTime]] = {}
    for stop_time in feed.stop_times:
        if stop_time.trip_id in templates:
            calls.setdefault(stop_time.trip_id, []).append(stop_time)
    rows = {trip.trip_id: trip for trip in feed.trips if trip.trip_id in templates}
    feed.stop_times = [s for s in feed.stop_times if s.trip_id not in templates]
    feed.trips = [t for t in feed.trips if t.trip_id not in templates]
    for trip_id, start, end, headway in runs:
        template, row = sorted(calls.get(trip_id, []), key=lambda s: s.seq), rows.get(trip_id)
        if not template or row is None:
            continue
        first = template[0].departure
        at = start
        for _ in range(MAX_RUNS):
            if at > end or (at == end and end > start):
                break
            run_id = f"{trip_id}@{at}"
            feed.trips.append(TripRow(run_id, row.route_id, row.service_id, row.headsign))
            shift = at - first
            feed.stop_times += [
                StopTime(run_id, s.seq, s.stop_id, s.arrival + shift, s.departure + shift)
                for s in template
            ]
            at += headway


def feed_zone(name: str) -> str:
    """A valid IANA time zone name, or "" (then the territory's TIMEZONE is assumed)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = name.strip()
    if not name:
        return ""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"agency_timezone {name!r} is not a time zone") from None
    return name


def feed_rows(
    archive: zipfile.ZipFile, names: dict[str, str], name: str, at: list[int]
) -> Iterator[dict[str, str]]:
    if name not in names:
        return
    with archive.open(names[name]) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        reader = csv.DictReader(text)
        if reader.fieldnames:
            reader.fieldnames = [f.strip() for f in reader.fieldnames]
        for number, row in enumerate(reader, start=2):
            at[0] = number
            yield {k: (v or "").strip() for k, v in row.items() if k is not None}
