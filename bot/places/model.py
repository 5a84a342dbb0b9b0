"""Plain values describing places: what the rest of the bot receives from the gazetteer."""

from __future__ import annotations

from dataclasses import dataclass

from bot.places.normalize import compact

COMMUNE = "commune"
LOCAL = "local"
POINT = "point"


@dataclass(frozen=True, slots=True)
class Place:
    """A commune, a place of the territory's own list, or a shared point.

    ``id`` round-trips through ``Gazetteer.get``: ``"insee:46042"`` for a commune (a former
    commune — a commune déléguée or associée — keeps its own INSEE code), ``"local:<slug>"``
    for a place of the territory's file, ``"point:<lat>,<lon>"`` (5 decimals) for a shared
    location. ``commune`` is the name of the commune a local place or a point lies in, or of
    the commune nouvelle a former commune belongs to; None for a commune in force.
    """

    id: str
    name: str
    department: str
    postcode: str | None
    lat: float
    lon: float
    kind: str
    population: int = 0
    commune: str | None = None

    @property
    def label(self) -> str:
        """What tells homonyms apart: "Beaumont (63)", "Gare de Figeac (46)",
        "Hôpital (Figeac)"."""
        if self.kind == LOCAL and self.commune and not _mentions(self.name, self.commune):
            return f"{self.name} ({self.commune})"
        return f"{self.name} ({self.department})"


def _mentions(name: str, commune: str) -> bool:
    return compact(commune) in compact(name)


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    place: Place
    exact: bool  # the typed text equals the (normalised) name, an alias or a postcode
    score: float  # 1.0 for an exact match, lower for a fuzzy or partial one


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a typed text may mean.

    ``exact``: every exact match, local places first, then the territory's departments, then
    by population. ``suggestions``: fuzzy or partial matches (typos, a name cut short, a
    commune of the territory whose name starts like the text) when there is no single obvious
    answer, best first.
    """

    exact: tuple[PlaceMatch, ...]
    suggestions: tuple[PlaceMatch, ...]

    @property
    def unique(self) -> Place | None:
        """The place meant, when there is no doubt: the one local place among the exact
        matches, else the one exact match — unless suggestions were added beside it (a
        commune of the territory whose name starts like the text), else None."""
        local = [m.place for m in self.exact if m.place.kind == LOCAL]
        if len(local) == 1:
            return local[0]
        if local:
            return None
        if len(self.exact) == 1 and not self.suggestions:
            return self.exact[0].place
        return None

    @property
    def empty(self) -> bool:
        return not self.exact and not self.suggestions
