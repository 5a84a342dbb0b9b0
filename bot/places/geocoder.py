"""Optional online geocoding through the Base Adresse Nationale (geopy's ``BANFrance``).

Off by default (setting ``ONLINE_GEOCODER``); never required, never used by the tests, which
inject a fake object with the same ``geocode`` method. geopy is synchronous: each call runs in
a worker thread (``asyncio.to_thread``) under a timeout, so the event loop never blocks. Any
failure (network, timeout, unexpected answer) gives None: the bot then says it does not know the
place, as it would offline.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

from bot.geo import km_between
from bot.places.gazetteer import Gazetteer
from bot.places.model import Place

log = logging.getLogger(__name__)

MAX_TEXT = 200
# An answer farther than this from every commune is not in France (BAN only knows France,
# but a wrong answer must not become a place).
MAX_KM_FROM_COMMUNE = 30.0


class GeocoderLike(Protocol):
    """What is used of a geopy geocoder."""

    def geocode(self, query: str, *, exactly_one: bool = True) -> Any: ...


class OnlineGeocoder:
    """``await OnlineGeocoder(gazetteer).geocode("12 rue du Château, Gramat")``.

    A municipality answer is the gazetteer's commune itself (``insee:`` id); any other answer
    (street, address, locality) is a ``point`` place at the answer's coordinates, named with
    BAN's label, in the department of the nearest commune.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        geocoder: GeocoderLike | None = None,
        *,
        timeout: float = 5.0,
        domain: str | None = None,
        user_agent: str = "mobilot (covoiturage solidaire)",
    ) -> None:
        self._gazetteer = gazetteer
        self._timeout = timeout
        if geocoder is None:
            from geopy.geocoders import BANFrance  # type: ignore[import-untyped]

            options: dict[str, Any] = {"timeout": timeout, "user_agent": user_agent}
            if domain:
                options["domain"] = domain
            geocoder = BANFrance(**options)
        self._geocoder = geocoder

    async def geocode(self, text: str) -> Place | None:
        query = " ".join(text.split()) if isinstance(text, str) else ""
        if not query or len(query) > MAX_TEXT or not any(ch.isalnum() for ch in query):
            return None
        try:
            location = await asyncio.wait_for(
                asyncio.to_thread(self._geocoder.geocode, query, exactly_one=True),
                timeout=self._timeout,
            )
        except asyncio.CancelledError:
            raise
        except Exception as error:  # network, timeout, geopy errors: offline answer stands
            log.warning("online geocoder failed for %r: %s", query, error)
            return None
        try:
            return self._place(location)
        except Exception as error:  # an answer of an unexpected shape
            log.warning("online geocoder answer for %r not understood: %s", query, error)
            return None

    def _place(self, location: Any) -> Place | None:
        if location is None:
            return None
        if isinstance(location, list):
            if not location:
                return None
            location = location[0]
        lat, lon = float(location.latitude), float(location.longitude)
        if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
            return None
        nearest = self._gazetteer.nearest(lat, lon)
        if km_between(lat, lon, nearest.lat, nearest.lon) > MAX_KM_FROM_COMMUNE:
            return None
        raw = getattr(location, "raw", None)
        properties: Mapping[str, Any] = {}
        if isinstance(raw, Mapping) and isinstance(raw.get("properties"), Mapping):
            properties = raw["properties"]
        if properties.get("type") == "municipality" and properties.get("citycode"):
            commune = self._gazetteer.get(f"insee:{properties['citycode']}")
            if commune is not None:
                return commune
        point = self._gazetteer.point(lat, lon)
        label = properties.get("label") or getattr(location, "address", None)
        if isinstance(label, str) and label.strip():
            return replace(point, name=" ".join(label.split())[:120])
        return point
