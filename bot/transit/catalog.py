"""The territory's other mobility services: the SERVICES_FILE.

On-demand transport (TAD), Transport d'Utilité Sociale associations, mobility call centres:
most are booked by phone and are in no GTFS feed, so the territory lists them in a UTF-8 CSV
file (a spreadsheet's "CSV UTF-8" export; a BOM is accepted), one service a line::

    name,kind,communes,departments,phone,booking,who
    TAD du Grand Figeac,tad,Figeac|Cajarc|46045,,05 65 34 00 00,la veille avant 16 h,tout le monde

* ``name`` — what the bot shows; required.
* ``kind`` — ``tad`` (on-demand transport), ``tus`` (transport d'utilité sociale),
  ``call_centre`` (a mobility call centre) or ``other``; empty means ``other``.
* ``communes`` — the communes served (INSEE codes or names, a department may follow a name:
  "Beaumont 63"), separated by ``|``; ``departments`` — whole departments served ("46|12").
  At least one of the two.
* ``phone`` — the number to call; required (these services are booked by phone).
* ``booking`` — how to book ("la veille avant 17 h"); ``who`` — who may use it ("plus de
  70 ans, personnes sans voiture"). Both shown as written.

On-demand rows (``kind`` ``tad``) may say how to book in the shape of GTFS-Flex booking rules
(bot/transit/ondemand.py); then the bot tells until when a date can be booked:

* ``booking_type`` — ``0`` up to the moment, ``1`` the same day with a notice, ``2`` up to
  days before; ``prior_notice_duration_min`` (type 1, minutes); ``prior_notice_last_day`` and
  ``prior_notice_last_time`` (type 2: ``1`` and ``16:00`` for "the day before by 16:00");
  ``prior_notice_service_id`` — the days that count for type 2 ("lun-ven": working days;
  empty: calendar days);
* ``booking_url``, ``message`` — a booking page and a word shown with it;
* ``days`` ("lun-sam"; empty: every day) and ``hours`` ("07:00-19:00") it carries people;
* ``stops`` — communes outside the zone it takes people to or from (the market town).

Empty lines and lines whose name starts with ``#`` are skipped. Anything wrong stops the start
with the file and the line named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.places.gazetteer import Gazetteer
from bot.places.model import COMMUNE, Place
from bot.territory_csv import read_territory_csv
from bot.transit.gtfs import seconds
from bot.transit.ondemand import EVERY_DAY, BookingRule, OnDemandService, ServiceDays

KINDS = ("tad", "tus", "call_centre", "other")
REQUIRED = ("name", "phone")
OPTIONAL = (
    "kind", "communes", "departments", "booking", "who", "booking_type",
    "prior_notice_duration_min", "prior_notice_last_day", "prior_notice_last_time",
    "prior_notice_service_id", "booking_url", "message", "days", "hours", "stops",
)  # fmt: skip
_INSEE = re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$")
_DEPARTMENT = re.compile(r"^(?:[0-9]{2}|2[AB]|97[1-6])$")


@dataclass(frozen=True)
class MobilityService:
    name: str
    kind: str
    communes: frozenset[str]  # INSEE codes
    departments: frozenset[str]
    phone: str
    booking: str
    who: str
    # An on-demand row with booking rules: the service as data (None: shown as written).
    on_demand: OnDemandService | None = None

    def serves(self, codes: frozenset[str], departments: frozenset[str]) -> bool:
        return bool(self.communes & codes or self.departments & departments)


def read_services(
    path: Path, gazetteer: Gazetteer, zone: ZoneInfo | None = None
) -> list[MobilityService]:
    services = []
    for row in read_territory_csv(path, REQUIRED, OPTIONAL, others_allowed=True):
        values, where = row.cells, row.where
        name = values.get("name", "")
        if not name:
            raise ValueError(f"{where}: the name is empty")
        if not values.get("phone"):
            raise ValueError(f"{where}: no phone for {name!r}")
        kind = values.get("kind", "").lower() or "other"
        if kind not in KINDS:
            raise ValueError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        communes = frozenset(
            _commune(item.strip(), gazetteer, where)
            for item in values.get("communes", "").split("|")
            if item.strip()
        )
        departments = set()
        for item in values.get("departments", "").split("|"):
            code = item.strip().upper()
            if not code:
                continue
            code = "0" + code if len(code) == 1 and code.isdigit() else code
            if not _DEPARTMENT.match(code):
                raise ValueError(f"{where}: {item.strip()!r} is not a department code")
            departments.add(code)
        if not communes and not departments:
            raise ValueError(f"{where}: no communes and no departments for {name!r}")
        on_demand = None
        if values.get("booking_type", ""):
            if kind != "tad":
                raise ValueError(f"{where}: booking_type is for on-demand rows (kind tad)")
            try:
                on_demand = _on_demand(
                    name,
                    values,
                    communes,
                    frozenset(departments),
                    gazetteer,
                    where,
                    zone or ZoneInfo("Europe/Paris"),
                )
            except ValueError as error:
                message = str(error)
                raise ValueError(
                    message if message.startswith(str(path)) else f"{where}: {message}"
                ) from None
        services.append(
            MobilityService(
                name,
                kind,
                communes,
                frozenset(departments),
                values["phone"],
                values.get("booking", ""),
                values.get("who", ""),
                on_demand,
            )
        )
    return services


_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        (
            ("lun", "lundi", "mon", "monday"),
            ("mar", "mardi", "tue", "tuesday"),
            ("mer", "mercredi", "wed", "wednesday"),
            ("jeu", "jeudi", "thu", "thursday"),
            ("ven", "vendredi", "fri", "friday"),
            ("sam", "samedi", "sat", "saturday"),
            ("dim", "dimanche", "sun", "sunday"),
        )
    )
    for name in names
}


def weekdays(text: str) -> str:
    """ "lun-ven", "lun|mer|ven", "1111100" → "1111100" (Monday first)."""
    text = text.strip().lower()
    if len(text) == 7 and set(text) <= {"0", "1"}:
        return text
    chosen: set[int] = set()
    for part in re.split(r"[|,;\s]+", text):
        if not part:
            continue
        ends = [p.strip().rstrip(".") for p in part.split("-")]
        if len(ends) > 2 or any(e not in _WEEKDAYS for e in ends):
            raise ValueError(f"{text!r} is not a list of days (lun-ven, lun|mer|ven)")
        first, last = _WEEKDAYS[ends[0]], _WEEKDAYS[ends[-1]]
        day = first
        chosen.add(day)
        while day != last:
            day = (day + 1) % 7
            chosen.add(day)
    if not chosen:
        raise ValueError("no day given")
    return "".join("1" if d in chosen else "0" for d in range(7))


def _on_demand(
    name: str,
    values: dict[str, str],
    communes: frozenset[str],
    departments: frozenset[str],
    gazetteer: Gazetteer,
    where: str,
    zone: ZoneInfo,
) -> OnDemandService:
    kind = values["booking_type"]
    if kind not in ("0", "1", "2"):
        raise ValueError(f"booking_type must be 0, 1 or 2, not {kind!r}")
    duration = values.get("prior_notice_duration_min", "")
    last_day = values.get("prior_notice_last_day", "")
    last_time = values.get("prior_notice_last_time", "")
    if kind == "1" and not duration.isdigit():
        raise ValueError("booking_type 1 needs prior_notice_duration_min (minutes)")
    if kind == "2" and (not last_day.isdigit() or not last_time):
        raise ValueError(
            "booking_type 2 needs prior_notice_last_day and prior_notice_last_time (16:00)"
        )
    counted = values.get("prior_notice_service_id", "")
    hours = values.get("hours", "")
    window = (0, 86_400)
    if hours:
        parts = hours.replace("h", ":").split("-")
        if len(parts) != 2:
            raise ValueError(f"hours {hours!r} are not like 07:00-19:00")
        window = (_clock(parts[0]), _clock(parts[1]))
    stops = frozenset(
        _commune(item.strip(), gazetteer, where)
        for item in values.get("stops", "").split("|")
        if item.strip()
    )
    days = values.get("days", "")
    rule = BookingRule(
        int(kind),
        prior_notice_duration_min=int(duration) if duration.isdigit() else 0,
        prior_notice_last_day=int(last_day) if last_day.isdigit() else 0,
        prior_notice_last_time=_clock(last_time) if last_time else 0,
        notice_days=ServiceDays(weekdays(counted)) if counted else None,
        phone=values["phone"],
        booking_url=values.get("booking_url", ""),
        message=values.get("message", ""),
    )
    return OnDemandService(
        name=name,
        rule=rule,
        zone=zone,
        days=ServiceDays(weekdays(days)) if days else EVERY_DAY,
        window=window,
        communes=communes,
        departments=departments,
        stop_communes=stops,
    )


def _clock(text: str) -> int:
    """ "16:00", "16:00:00", "16h" → seconds."""
    text = text.strip().lower().replace("h", ":")
    if text.endswith(":"):
        text += "00"
    if text.count(":") == 1:
        text += ":00"
    hours, _, rest = text.partition(":")
    return seconds(f"{hours.zfill(2)}:{rest}")


def _commune(text: str, gazetteer: Gazetteer, where: str) -> str:
    if _INSEE.match(text.upper()):
        place = gazetteer.get(f"insee:{text.upper()}")
        if place is None:
            raise ValueError(f"{where}: no commune has the INSEE code {text!r}")
        return _code(place)
    resolution = gazetteer.resolve(text)
    communes = [m.place for m in resolution.exact if m.place.kind == COMMUNE]
    if len(communes) != 1:
        found = "none" if not communes else ", ".join(p.label for p in communes[:4])
        raise ValueError(
            f"{where}: commune {text!r} is not clear (found: {found});"
            ' write its INSEE code or add the department ("Beaumont 63")'
        )
    return _code(communes[0])


def _code(place: Place) -> str:
    return place.id.removeprefix("insee:")


def communes_of(gazetteer: Gazetteer, place_id: str, lat: float, lon: float) -> frozenset[str]:
    """The INSEE codes a place lies in: its own, the nearest commune's, and for a former
    commune the commune nouvelle it belongs to."""
    places: list[Place] = []
    known = gazetteer.get(place_id)
    if known is not None and known.kind == COMMUNE:
        places.append(known)
    places.append(gazetteer.nearest(lat, lon))
    codes = set()
    for place in places:
        if place.id.startswith("insee:"):
            codes.add(_code(place))
        if place.commune:
            parent = [
                m.place
                for m in gazetteer.resolve(f"{place.commune} {place.department}").exact
                if m.place.kind == COMMUNE and m.place.commune is None
            ]
            codes.update(_code(p) for p in parent[:1])
    return frozenset(codes)
