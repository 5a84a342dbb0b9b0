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

Empty lines and lines whose name starts with ``#`` are skipped. Anything wrong stops the start
with the file and the line named.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from bot.places.gazetteer import Gazetteer
from bot.places.model import COMMUNE, Place

KINDS = ("tad", "tus", "call_centre", "other")
REQUIRED = ("name", "phone")
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

    def serves(self, codes: frozenset[str], departments: frozenset[str]) -> bool:
        return bool(self.communes & codes or self.departments & departments)


def read_services(path: Path, gazetteer: Gazetteer) -> list[MobilityService]:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ValueError(f"{path}: cannot read the services file ({error.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ValueError(f"{path}, line {line}: not UTF-8 text (save as CSV UTF-8)") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValueError(f"{path}, line 1: missing column(s) {', '.join(missing)}")
    reader.fieldnames = header
    services = []
    for number, row in enumerate(reader, start=2):
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        name = values.get("name", "")
        if not any(values.values()) or name.startswith("#"):
            continue
        where = f"{path}, line {number}"
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
        services.append(
            MobilityService(
                name,
                kind,
                communes,
                frozenset(departments),
                values["phone"],
                values.get("booking", ""),
                values.get("who", ""),
            )  # fmt: skip
        )
    return services


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
