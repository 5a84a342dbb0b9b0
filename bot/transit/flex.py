"""The on-demand services of a GTFS feed with Flex files (GTFS Schedule since March 2024):
booking_rules.txt, location_groups.txt + location_group_stops.txt, locations.geojson, and
in stop_times.txt the pickup/drop-off windows and booking rules of each call.

Each trip with a booking rule becomes one service: the zones and stops it calls at, the hours
of its windows, the days of its service_id, its route's name. Read at each start (Flex files
are small; a feed without booking_rules.txt is not read here at all). Anything wrong stops
the start with the file and the line named.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.transit.gtfs import FeedError, feed_rows, feed_zone, gtfs_date, seconds
from bot.transit.ondemand import (
    Area,
    BookingRule,
    OnDemandService,
    ServiceDays,
)

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def read_flex(path: Path, territory: ZoneInfo) -> list[OnDemandService]:
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise FeedError(f"{path}: not a readable GTFS zip ({error})") from None
    with archive:
        names = {Path(n).name: n for n in archive.namelist()}
        if "booking_rules.txt" not in names:
            return []
        current = ""
        at = [0]
        try:
            current = "agency"
            agencies: dict[str, str] = {}
            zone = ""
            for row in feed_rows(archive, names, _file(current), at):
                agencies[row.get("agency_id", "")] = row.get("agency_name", "")
                zone = zone or feed_zone(row.get("agency_timezone", ""))
            tz = ZoneInfo(zone) if zone else territory
            default_agency = next(iter(agencies.values()), "")
            current = "calendar"
            calendars: dict[str, ServiceDays] = {}
            for row in feed_rows(archive, names, _file(current), at):
                weekdays = "".join("1" if row[d] == "1" else "0" for d in _DAYS)
                calendars[row["service_id"]] = ServiceDays(
                    weekdays, gtfs_date(row["start_date"]), gtfs_date(row["end_date"])
                )
            current = "calendar_dates"
            added: dict[str, set[date]] = {}
            removed: dict[str, set[date]] = {}
            for row in feed_rows(archive, names, _file(current), at):
                kind = row["exception_type"]
                if kind not in ("1", "2"):
                    raise ValueError(f"exception_type must be 1 or 2, not {kind!r}")
                (added if kind == "1" else removed).setdefault(row["service_id"], set()).add(
                    gtfs_date(row["date"])
                )

            def days_of(service_id: str) -> ServiceDays:
                base = calendars.get(service_id, ServiceDays("0000000"))
                return ServiceDays(
                    base.weekdays,
                    base.start,
                    base.end,
                    frozenset(added.get(service_id, ())),
                    frozenset(removed.get(service_id, ())),
                )

            current = "booking_rules"
            rules: dict[str, BookingRule] = {}
            for row in feed_rows(archive, names, _file(current), at):
                rules[row["booking_rule_id"]] = _rule(row, days_of)
            current = "routes"
            routes: dict[str, str] = {}
            for row in feed_rows(archive, names, _file(current), at):
                agency = agencies.get(row.get("agency_id", ""), default_agency)
                routes[row["route_id"]] = (
                    row.get("route_long_name") or row.get("route_short_name") or agency
                )
            current = "trips"
            trips: dict[str, tuple[str, str]] = {}
            for row in feed_rows(archive, names, _file(current), at):
                trips[row["trip_id"]] = (row["route_id"], row["service_id"])
            current = "stops"
            stops: dict[str, tuple[float, float]] = {}
            for row in feed_rows(archive, names, _file(current), at):
                if row.get("stop_lat") and row.get("stop_lon"):
                    stops[row["stop_id"]] = (float(row["stop_lat"]), float(row["stop_lon"]))
            current = "location_groups"
            groups: dict[str, list[tuple[float, float]]] = {}
            for row in feed_rows(archive, names, _file(current), at):
                groups[row["location_group_id"]] = []
            current = "location_group_stops"
            for row in feed_rows(archive, names, _file(current), at):
                group, stop = row["location_group_id"], row["stop_id"]
                if group not in groups:
                    raise ValueError(f"location group {group!r} is not in location_groups.txt")
                if stop not in stops:
                    raise ValueError(f"stop {stop!r} is not in stops.txt")
                groups[group].append(stops[stop])
            current = "locations.geojson"
            at[0] = 0
            areas = _areas(archive, names)
            current = "stop_times"
            calls: dict[str, list[dict[str, str]]] = {}
            for row in feed_rows(archive, names, _file(current), at):
                if not (
                    row.get("pickup_booking_rule_id")
                    or row.get("drop_off_booking_rule_id")
                    or row.get("start_pickup_drop_off_window")
                ):
                    continue
                row["line"] = str(at[0])
                calls.setdefault(row["trip_id"], []).append(row)
            services: list[OnDemandService] = []
            for trip_id, rows in calls.items():
                if trip_id not in trips:
                    at[0] = int(rows[0]["line"])
                    raise ValueError(f"trip {trip_id!r} is not in trips.txt")
                services.append(
                    _service(
                        trip_id, rows, trips, routes, rules, days_of, stops, groups, areas, tz, at
                    )
                )
        except KeyError as error:
            raise FeedError(f"{path}, {_file(current)} line {at[0]}: no column {error}") from None
        except (ValueError, UnicodeDecodeError) as error:
            where = f"{_file(current)} line {at[0]}" if at[0] else _file(current)
            raise FeedError(f"{path}, {where}: {error}") from None
    return list(dict.fromkeys(services))


def _rule(row: dict[str, str], days_of: Callable[[str], ServiceDays]) -> BookingRule:
    kind = row["booking_type"]
    if kind not in ("0", "1", "2"):
        raise ValueError(f"booking_type must be 0, 1 or 2, not {kind!r}")
    booking_type = int(kind)
    duration = row.get("prior_notice_duration_min", "")
    last_day = row.get("prior_notice_last_day", "")
    last_time = row.get("prior_notice_last_time", "")
    if booking_type == 1 and not duration.isdigit():
        raise ValueError("booking_type 1 needs prior_notice_duration_min (minutes)")
    if booking_type == 2 and (not last_day.isdigit() or not last_time):
        raise ValueError("booking_type 2 needs prior_notice_last_day and prior_notice_last_time")
    service_id = row.get("prior_notice_service_id", "")
    return BookingRule(
        booking_type,
        prior_notice_duration_min=int(duration) if duration.isdigit() else 0,
        prior_notice_last_day=int(last_day) if last_day.isdigit() else 0,
        prior_notice_last_time=seconds(last_time) if last_time else 0,
        notice_days=days_of(service_id) if service_id else None,
        phone=row.get("phone_number", ""),
        booking_url=row.get("booking_url", ""),
        info_url=row.get("info_url", ""),
        message=row.get("message", ""),
    )


def _service(
    trip_id: str,
    rows: list[dict[str, str]],
    trips: dict[str, tuple[str, str]],
    routes: dict[str, str],
    rules: dict[str, BookingRule],
    days_of: Callable[[str], ServiceDays],
    stops: dict[str, tuple[float, float]],
    groups: dict[str, list[tuple[float, float]]],
    areas: dict[str, Area],
    zone: ZoneInfo,
    at: list[int],
) -> OnDemandService:
    route_id, service_id = trips[trip_id]
    rule: BookingRule | None = None
    served: list[tuple[float, float]] = []
    zones: list[Area] = []
    starts, ends = [], []
    for row in rows:
        at[0] = int(row["line"])
        rule_id = row.get("pickup_booking_rule_id") or row.get("drop_off_booking_rule_id", "")
        if rule_id:
            if rule_id not in rules:
                raise ValueError(f"booking rule {rule_id!r} is not in booking_rules.txt")
            rule = rule or rules[rule_id]
        if row.get("location_id"):
            if row["location_id"] not in areas:
                raise ValueError(f"location {row['location_id']!r} is not in locations.geojson")
            zones.append(areas[row["location_id"]])
        elif row.get("location_group_id"):
            if row["location_group_id"] not in groups:
                raise ValueError(f"location group {row['location_group_id']!r} is unknown")
            served += groups[row["location_group_id"]]
        elif row.get("stop_id"):
            if row["stop_id"] not in stops:
                raise ValueError(f"stop {row['stop_id']!r} is not in stops.txt")
            served.append(stops[row["stop_id"]])
        start = row.get("start_pickup_drop_off_window", "")
        end = row.get("end_pickup_drop_off_window", "")
        if bool(start) != bool(end):
            raise ValueError("a window needs both its start and its end")
        if start:
            starts.append(seconds(start))
            ends.append(seconds(end))
        else:
            for key in ("arrival_time", "departure_time"):
                if row.get(key):
                    starts.append(seconds(row[key]))
                    ends.append(seconds(row[key]))
    if rule is None:
        raise ValueError(f"trip {trip_id!r} has windows but no booking rule")
    return OnDemandService(
        name=routes.get(route_id, route_id),
        rule=rule,
        zone=zone,
        days=days_of(service_id),
        window=(min(starts), max(ends)) if starts else (0, 86_400),
        areas=tuple(zones),
        stops=tuple(served),
    )


def _areas(archive: zipfile.ZipFile, names: dict[str, str]) -> dict[str, Area]:
    if "locations.geojson" not in names:
        return {}
    try:
        data = json.loads(archive.read(names["locations.geojson"]).decode("utf-8-sig"))
    except json.JSONDecodeError as error:
        raise ValueError(f"not GeoJSON ({error})") from None
    found: dict[str, Area] = {}
    for number, feature in enumerate(data.get("features", []), start=1):
        geometry = feature.get("geometry") or {}
        kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
        if "id" not in feature:
            raise ValueError(f"feature {number} has no id")
        polygons: list[Any]
        if kind == "Polygon":
            polygons = [coordinates]
        elif kind == "MultiPolygon":
            polygons = list(coordinates)
        else:
            raise ValueError(f"feature {feature['id']!r}: a {kind}, not a Polygon")
        found[str(feature["id"])] = Area(
            tuple(
                tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for ring in polygon)
                for polygon in polygons
            )
        )
    return found


def _file(name: str) -> str:
    return name if "." in name else name + ".txt"
