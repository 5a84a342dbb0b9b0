"""Where people, needs and trips belong (issue 22, item 1): decided here, from the place a
person travels from, never by an adapter.

A person belongs to the territory of their first need's or trip's origin (kept from then
on); each of their needs and trips belongs to the person's territory, so a Lot passenger
coming back from Brive is still followed by the Lot team. Matching ignores all this.
"""

from __future__ import annotations

from typing import Protocol

from bot.domain import Need, PlaceRef, Trip
from bot.territories import Territories, Territory


class TerritoryStore(Protocol):
    async def settle_person(self, person_id: int, territory: str) -> str: ...

    async def person(self, person_id: int) -> str | None: ...

    async def need(self, need_id: int) -> str | None: ...

    async def trip(self, trip_id: int) -> str | None: ...

    async def introduction(self, introduction_id: int) -> str | None: ...

    async def set_need(self, need_id: int, territory: str) -> None: ...

    async def set_trip(self, trip_id: int, territory: str) -> None: ...


class Belonging:
    def __init__(self, territories: Territories, store: TerritoryStore) -> None:
        self.territories = territories
        self._store = store

    def of_place(self, place: PlaceRef) -> Territory:
        return self.territories.of_place(place.id, place.department)

    async def need_recorded(self, need: Need) -> Need:
        """In the need's transaction: the person's territory (the origin's for a first
        need), and the need's."""
        territory = await self._store.settle_person(need.person_id, self.of_place(need.origin).id)
        await self._store.set_need(need.id, territory)
        return need.model_copy(update={"territory": territory})

    async def trip_recorded(self, trip: Trip) -> Trip:
        territory = await self._store.settle_person(trip.driver_id, self.of_place(trip.origin).id)
        await self._store.set_trip(trip.id, territory)
        return trip.model_copy(update={"territory": territory})

    async def home_known(self, person_id: int, trip_id: int, home: PlaceRef) -> str:
        """A volunteer said where they live: their territory unless already known, and
        their standing row's (the trip their rides hang on)."""
        territory = await self._store.settle_person(person_id, self.of_place(home).id)
        await self._store.set_trip(trip_id, territory)
        return territory

    async def commune_known(self, person_id: int, insee: str, department: str) -> str:
        """Someone said which commune they travel from (/aides): theirs unless known."""
        place = self.territories.of_place(f"insee:{insee}", department)
        return await self._store.settle_person(person_id, place.id)

    async def settle(self, person_id: int, territory: str) -> str:
        """Someone a team registered: theirs unless already known."""
        return await self._store.settle_person(person_id, territory)

    def followed_elsewhere(self, team: str | None, territory: str | None) -> Territory | None:
        """The territory whose team follows a row of `territory`, when it is not `team`'s
        (an operator's, None when no team is named): that team's to act on, not this one's."""
        if team is None or self.territories.scope(team).holds(territory):
            return None
        return self.territories.team_of(territory)

    async def of_person(self, person_id: int) -> Territory:
        return self.territories.get(await self._store.person(person_id))

    async def known_of_person(self, person_id: int) -> Territory | None:
        """The person's territory once known (None: no place, team or bot placed them yet)."""
        found = await self._store.person(person_id)
        return None if found is None else self.territories.get(found)

    async def of_need(self, need_id: int) -> Territory | None:
        found = await self._store.need(need_id)
        return None if found is None else self.territories.get(found)

    async def of_trip(self, trip_id: int) -> Territory | None:
        found = await self._store.trip(trip_id)
        return None if found is None else self.territories.get(found)

    async def of_introduction(self, introduction_id: int) -> Territory | None:
        found = await self._store.introduction(introduction_id)
        return None if found is None else self.territories.get(found)
