"""Turning what a person typed or shared into a place."""

from __future__ import annotations

import math
from typing import Protocol

from bot.domain import PlaceRef
from bot.places.gazetteer import Gazetteer
from bot.places.model import Place, PlaceMatch, Resolution

MAX_PLACE_TEXT = 120
# A shared location farther than this from any commune is not in France (or is at sea).
MAX_SNAP_KM = 30.0


class OnlineLookup(Protocol):
    async def geocode(self, text: str) -> Place | None: ...


def to_ref(place: Place) -> PlaceRef:
    return PlaceRef(
        id=place.id, name=place.name, department=place.department, lat=place.lat, lon=place.lon
    )


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


class PlaceService:
    def __init__(self, gazetteer: Gazetteer, online: OnlineLookup | None = None) -> None:
        self._gazetteer = gazetteer
        self._online = online

    async def resolve(self, text: str) -> Resolution:
        """Offline first; the online geocoder (if switched on) only when nothing is known."""
        resolution = self._gazetteer.resolve(text[:MAX_PLACE_TEXT])
        if resolution.exact or resolution.suggestions or self._online is None:
            return resolution
        found = await self._online.geocode(text[:MAX_PLACE_TEXT])
        if found is None:
            return resolution
        # An online answer is a guess: the person confirms it like a typo suggestion.
        return Resolution(exact=(), suggestions=(PlaceMatch(place=found, exact=False, score=0.5),))

    def from_location(self, lat: float, lon: float) -> PlaceRef | None:
        """The exact shared point, named after the nearest commune; None far from France."""
        nearest = self._gazetteer.nearest(lat, lon)
        if great_circle_km(lat, lon, nearest.lat, nearest.lon) > MAX_SNAP_KM:
            return None
        return to_ref(self._gazetteer.point(lat, lon))

    def get(self, place_id: str) -> Place | None:
        return self._gazetteer.get(place_id)
