"""The territory's own places (hamlets, hospitals, stations, markets): the LOCAL_PLACES_FILE.

A UTF-8 CSV file (a spreadsheet's "CSV UTF-8" export works; a BOM is accepted) with a header
line and one place a line::

    name,aliases,lat,lon,commune
    Centre hospitalier de Cahors,hopital cahors|hôpital de Cahors,44.4503,1.4417,46042
    Gare de Figeac,gare figeac,44.6055,2.0380,Figeac

* ``name`` — what the bot shows; required.
* ``aliases`` — other names people type, separated by ``|``; may be empty.
* ``lat``, ``lon`` — decimal degrees (WGS84, as shown by any map: 44.4503, 1.4417); required.
* ``commune`` — optional: the INSEE code or the name of the commune the place is in (it gives
  the department and is shown beside the name). Without it, the nearest commune is used.

Other columns are ignored; empty lines and lines whose name starts with ``#`` are skipped.
Anything wrong stops the bot at start-up with a ``ValueError`` naming the file and the line.
Local places win over communes: when a local place's name or alias is typed, it is the answer
even if a commune has the same name.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import NamedTuple, Protocol

from bot.geo import km_between
from bot.places.model import COMMUNE, LOCAL, Place, Resolution
from bot.places.normalize import slug
from bot.territory_csv import read_territory_csv

REQUIRED = ("name", "lat", "lon")
OPTIONAL = ("aliases", "commune")
MAX_KM_FROM_COMMUNE = 30.0
_INSEE = re.compile(r"^(?:[0-9]{5}|2[ABab][0-9]{3})$")


class CommuneLookup(Protocol):
    """What a local place needs of the communes (the gazetteer gives it): its commune by
    code or name, and the nearest one to check it is not far."""

    def get(self, place_id: str) -> Place | None: ...

    def nearest(self, lat: float, lon: float) -> Place: ...

    def resolve(self, text: str, limit: int = ...) -> Resolution: ...


class LocalPlace(NamedTuple):
    place: Place
    aliases: tuple[str, ...]


def read_local_places(path: Path, communes: CommuneLookup) -> list[LocalPlace]:
    """Parse and check the file; ``communes`` names the commune of each place."""
    places: list[LocalPlace] = []
    seen: dict[str, int] = {}
    for row in read_territory_csv(path, REQUIRED, OPTIONAL, others_allowed=True):  # notes
        place = _place(row.cells, communes, row.where)
        if place.place.id in seen:
            raise ValueError(
                f"{row.where}: {place.place.name!r} is already defined line {seen[place.place.id]}"
            )
        seen[place.place.id] = row.line
        places.append(place)
    return places


def _place(cells: dict[str, str], communes: CommuneLookup, where: str) -> LocalPlace:
    name = " ".join(cells["name"].split())
    if not name:
        raise ValueError(f"{where}: the name is empty")
    key = slug(name)
    if not key:
        raise ValueError(f"{where}: the name {name!r} has no letter or digit")
    lat = _coordinate(cells["lat"], "lat", 90.0, where)
    lon = _coordinate(cells["lon"], "lon", 180.0, where)
    nearest = communes.nearest(lat, lon)
    far = km_between(lat, lon, nearest.lat, nearest.lon)
    if far > MAX_KM_FROM_COMMUNE:
        raise ValueError(
            f"{where}: {lat}, {lon} is {far:.0f} km from the nearest commune "
            f"(not in France? lat and lon swapped?)"
        )
    commune = nearest
    wanted = cells.get("commune", "")
    if wanted:
        commune = _commune(wanted, lat, lon, communes, where)
        far = km_between(lat, lon, commune.lat, commune.lon)
        if far > MAX_KM_FROM_COMMUNE:
            raise ValueError(
                f"{where}: {lat}, {lon} is {far:.0f} km from {commune.label}, its commune "
                f"(wrong commune? lat and lon swapped?)"
            )
    aliases = tuple(
        dict.fromkeys(" ".join(a.split()) for a in cells.get("aliases", "").split("|") if a.strip())
    )
    place = Place(
        id=f"local:{key}",
        name=name,
        department=commune.department,
        postcode=commune.postcode,
        lat=float(f"{lat:.5f}"),
        lon=float(f"{lon:.5f}"),
        kind=LOCAL,
        population=0,
        commune=commune.name,
    )
    return LocalPlace(place, aliases)


def _coordinate(text: str, column: str, limit: float, where: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(
            f"{where}: {column} {text!r} is not a number in decimal degrees (e.g. 44.4476)"
        ) from None
    if not math.isfinite(value) or abs(value) > limit:
        raise ValueError(f"{where}: {column} {text!r} is out of range (-{limit:g} to {limit:g})")
    return value


def _commune(wanted: str, lat: float, lon: float, communes: CommuneLookup, where: str) -> Place:
    if _INSEE.match(wanted):
        found = communes.get(f"insee:{wanted.upper()}")
        if found is None:
            raise ValueError(f"{where}: no commune has the INSEE code {wanted!r}")
        return found
    resolution = communes.resolve(wanted)
    candidates = [m.place for m in resolution.exact if m.place.kind == COMMUNE]
    if not candidates:
        raise ValueError(f"{where}: unknown commune {wanted!r} (an INSEE code is safest)")
    # homonyms: the one nearest to the place
    return min(candidates, key=lambda p: km_between(lat, lon, p.lat, p.lon))
