"""Consents: what a person agreed to, the version of the text, when, and through whom.

The texts are the catalogs' `privacy.consent_<topic>`; when one changes in substance, its
version here changes too, and everyone is asked again before it applies to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.clock import Clock
from bot.domain import Consent, Person

# A need says where someone goes: kept to find a driver.
NEED = "need"
# It may also say why (a doctor) and what help they need (a wheelchair): health data (GDPR
# article 9), asked only with an explicit consent of its own; without it, the need goes
# without them.
SENSITIVE = "health"
# A driver's trips and contact (/proposer).
TRIP = "trip"
VERSIONS = {NEED: "2026-12-01", SENSITIVE: "2026-12-01", TRIP: "2026-12-01"}


class ConsentRepository(Protocol):
    async def add(
        self, person_id: int, topic: str, version: str, now: datetime, confirmed_by: int | None
    ) -> Consent: ...

    async def latest(self, person_id: int, topic: str) -> Consent | None: ...

    async def for_person(self, person_id: int) -> list[Consent]: ...


class PrivacyAcceptance(Protocol):
    async def accept_privacy(self, person_id: int, now: datetime) -> Person: ...


class ConsentService:
    def __init__(
        self, consents: ConsentRepository, clock: Clock, people: PrivacyAcceptance | None = None
    ) -> None:
        self._consents = consents
        self._clock = clock
        self._people = people

    async def to_ask(self, person: Person, topic: str = NEED) -> bool:
        """Whether the person has yet to agree to the current text."""
        latest = await self._consents.latest(person.id, topic)
        return latest is None or latest.version != VERSIONS[topic]

    async def allows(self, person: Person, topic: str) -> bool:
        """Whether the person agreed to the current text of `topic`."""
        return not await self.to_ask(person, topic)

    async def give(self, person: Person, *topics: str) -> Person:
        """The person agrees to these texts (NEED by default), each at its current version."""
        now = self._clock.now()
        for topic in topics or (NEED,):
            await self._consents.add(person.id, topic, VERSIONS[topic], now, None)
        if TRIP in topics and self._people is not None:
            return await self._people.accept_privacy(person.id, now)
        return person

    async def confirmed_by_operator(
        self, person_id: int, operator: Person, topic: str = NEED
    ) -> Consent:
        """Someone who phoned agreed, the operator says so: recorded with who and when."""
        return await self._consents.add(
            person_id, topic, VERSIONS[topic], self._clock.now(), operator.id
        )
