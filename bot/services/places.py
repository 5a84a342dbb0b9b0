"""Turning what a person typed or shared into a place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from bot import outside
from bot.domain import PlaceRef
from bot.geo import km_between
from bot.places.gazetteer import Gazetteer
from bot.places.model import LOCAL, Place, PlaceMatch, Resolution
from bot.understand import LANDMARKS, fold, landmark_name, read_place

MAX_PLACE_TEXT = 120
# A shared location farther than this from any commune is not in France (or is at sea).
MAX_SNAP_KM = 30.0


class OnlineLookup(Protocol):
    async def geocode(self, text: str) -> Place | None: ...


def to_ref(place: Place, name: str | None = None) -> PlaceRef:
    """`name`: what the meeting point is called, when it is more than its commune
    ("Gare de Figeac" in a territory without its own places file)."""
    return PlaceRef(
        id=place.id,
        name=name or place.name,
        department=place.department,
        lat=place.lat,
        lon=place.lon,
    )


@dataclass(frozen=True)
class PlaceReading:
    """What a typed place was understood as.

    ``taken``: the place meant, without asking (``name`` is its meeting point's name if a
    landmark was said with it); ``others``: the namesakes elsewhere, offered with "another
    one"; ``resolution``: what to offer as choices when nothing was taken.
    """

    resolution: Resolution
    taken: Place | None = None
    name: str | None = None
    others: tuple[Place, ...] = ()


# Words a person says for where they go that are no commune, though some commune's name
# begins with them (Maison-Rouge): never read as a short name, like the landmarks.
NOT_SHORT_NAMES = frozenset({"maison", "la maison", "domicile", "travail", "boulot"})
# The other places offered with "another one" (a postcode may have 18 communes).
MAX_OTHERS = 8
_POSTCODE = re.compile(r"\s*\d{5}\s*")


class PlaceService:
    def __init__(self, gazetteer: Gazetteer, online: OnlineLookup | None = None) -> None:
        self._gazetteer = gazetteer
        self._online = online

    async def resolve(self, text: str, *, online: bool = True) -> Resolution:
        """Offline first; the online geocoder (if switched on, and `online`) only when
        nothing is known, asked outside the update's write transaction (bot/outside.py)."""
        resolution = self._gazetteer.resolve(text[:MAX_PLACE_TEXT])
        lookup = self._online if online else None
        if resolution.exact or resolution.suggestions or lookup is None:
            return resolution
        typed = text[:MAX_PLACE_TEXT]
        found = await outside.ask(outside.PLACE, typed, lambda: lookup.geocode(typed))
        if found is None:
            return resolution
        # An online answer is a guess: the person confirms it like a typo suggestion.
        return Resolution(exact=(), suggestions=(PlaceMatch(place=found, exact=False, score=0.5),))

    async def understand(self, text: str, *, online: bool = True) -> PlaceReading:
        """A place typed in a person's own words: "de Gourdon", "au Vigan", "46100",
        "gare de figeac", "Gramat (Lot)", "12 rue de la République, Cahors". A name found
        once among the territory's departments is taken (its namesakes elsewhere kept for
        "another one"); so is the main commune of a postcode; a landmark or a street with a
        commune keeps its name as the meeting point's. Not `online`: the gazetteer only
        (words tried several ways, none worth asking the geocoder)."""
        text = text[:MAX_PLACE_TEXT]
        resolution = await self.resolve(text, online=online)
        # A short name said in the territory's area comes before a far commune of that very
        # name: "Villefranche" in the Lot is Villefranche-de-Rouergue, not the Yonne's.
        reading = self._short_name(text, resolution) or self._take(
            resolution, postcode=bool(_POSTCODE.fullmatch(text))
        )
        if reading is not None and not self._far_landmark(text, reading):
            return reading
        fallback = resolution
        for words in read_place(text):
            found = self._gazetteer.resolve(words.name)
            reading = self._short_name(
                words.name, found, landmark=words.landmark, street=words.street
            ) or self._take(found, landmark=words.landmark, street=words.street)
            if reading is not None:
                return reading
            if (
                words.landmark is None
                and words.street is None
                and ((fallback.empty and not found.empty) or (not fallback.exact and found.exact))
            ):
                # "à Beaumont": the namesakes of Beaumont, not what "à Beaumont" looks like.
                fallback = found
        return PlaceReading(fallback)

    def _take(
        self,
        resolution: Resolution,
        *,
        postcode: bool = False,
        landmark: str | None = None,
        street: str | None = None,
    ) -> PlaceReading | None:
        def taken(place: Place, others: list[Place]) -> PlaceReading:
            name = None
            if landmark is not None and place.kind != LOCAL:
                name = landmark_name(landmark, place.name)
            if street is not None and place.kind != LOCAL:
                name = f"{street}, {place.name}"  # the meeting point, as the person wrote it
            return PlaceReading(resolution, place, name, tuple(others[:MAX_OTHERS]))

        if resolution.unique is not None:
            return taken(resolution.unique, [])
        exact = [m.place for m in resolution.exact]
        if not exact or any(p.kind == LOCAL for p in exact) or resolution.suggestions:
            return None
        if postcode:
            # The commune a postcode is named after is by far its largest.
            main = max(exact, key=lambda p: p.population)
            if main.population > sum(p.population for p in exact if p is not main):
                return taken(main, [p for p in exact if p is not main])
            return None
        territory = self._gazetteer.territory_departments
        home = [p for p in exact if p.department in territory]
        if len(home) == 1:
            return taken(home[0], [p for p in exact if p is not home[0]])
        return None

    def _far_landmark(self, text: str, reading: PlaceReading) -> bool:
        """ "hôpital" alone is a landmark, not L'Hôpital in the Moselle: a far commune named
        like a landmark is asked about, never taken."""
        taken = reading.taken
        return (
            fold(text) in LANDMARKS
            and taken is not None
            and taken.kind != LOCAL
            and not self._gazetteer.near_territory(taken)
        )

    def _short_name(
        self,
        text: str,
        resolution: Resolution,
        *,
        landmark: str | None = None,
        street: str | None = None,
    ) -> PlaceReading | None:
        """A commune said by its short name, as locals say it: "Brive" for Brive-la-Gaillarde,
        "Villefranche" for Villefranche-de-Rouergue in the Lot. Only a commune of the
        territory's area (never a far one silently), with the rules of homonyms: the one of
        the territory's departments (several: asked), else the one much larger than the
        others nearby (as the main commune of a postcode), and than the communes elsewhere
        that bear the very name. Not when a place near bears the very name ("Capdenac"), nor
        for a landmark ("hôpital"): then the bot asks, as before."""
        gazetteer = self._gazetteer
        if (
            fold(text) in LANDMARKS
            or fold(text) in NOT_SHORT_NAMES
            or any(
                m.place.kind == LOCAL or gazetteer.near_territory(m.place) for m in resolution.exact
            )
        ):
            return None
        named = gazetteer.known_as(text)
        near = [place for place in named if gazetteer.near_territory(place)]
        if not near:
            return None
        territory = gazetteer.territory_departments
        home = [place for place in near if place.department in territory]
        if len(home) > 1:
            return None  # "Lacapelle": Lacapelle-Marival or Lacapelle-Cabanac, asked
        # Far communes of that very name stay in doubt unless the one meant is much larger:
        # "Villefranche" (89) is a village, "Le Vigan" (30) larger than Le Vigan-en-Quercy.
        namesakes = [m.place for m in resolution.exact]
        main = home[0] if home else max(near, key=lambda place: place.population)
        rivals = namesakes if home else [*namesakes, *(p for p in near if p is not main)]
        if rivals and main.population <= sum(place.population for place in rivals):
            return None
        others = [place for place in (*namesakes, *named) if place is not main]
        others.sort(key=lambda place: not gazetteer.near_territory(place))  # near ones first
        reading = self._take(
            Resolution(exact=(PlaceMatch(main, exact=True, score=1.0),), suggestions=()),
            landmark=landmark,
            street=street,
        )
        if reading is None:  # never: one exact commune is taken
            return None
        return PlaceReading(resolution, reading.taken, reading.name, tuple(others[:MAX_OTHERS]))

    def from_location(self, lat: float, lon: float) -> PlaceRef | None:
        """The exact shared point, named after the nearest commune; None far from France."""
        nearest = self._gazetteer.nearest(lat, lon)
        if km_between(lat, lon, nearest.lat, nearest.lon) > MAX_SNAP_KM:
            return None
        return to_ref(self._gazetteer.point(lat, lon))

    def get(self, place_id: str) -> Place | None:
        return self._gazetteer.get(place_id)
