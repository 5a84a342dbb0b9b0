"""Consents: what a person agreed to, the version of the text, when, and through whom.

The texts are the catalogs' `privacy.consent_<topic>`; when one changes in substance, its
version here changes too, and everyone is asked again before it applies to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.clock import Clock
from bot.domain import Consent, Person

# A need says where someone goes, and may say why (a doctor) and what help they need (a
# wheelchair): health data, kept only with an explicit consent.
NEED = "need"
VERSIONS = {NEED: "2026-12-01"}


class ConsentRepository(Protocol):
    async def add(
        self, person_id: int, topic: str, version: str, now: datetime, confirmed_by: int | None
    ) -> Consent: ...

    async def latest(self, person_id: int, topic: str) -> Consent | None: ...

    async def for_person(self, person_id: int) -> list[Consent]: ...


class ConsentService:
    def __init__(self, consents: ConsentRepository, clock: Clock) -> None:
        self._consents = consents
        self._clock = clock

    async def to_ask(self, person: Person, topic: str = NEED) -> bool:
        """Whether the person has yet to agree to the current text."""
        latest = await self._consents.latest(person.id, topic)
        return latest is None or latest.version != VERSIONS[topic]

    async def give(self, person: Person, topic: str = NEED) -> Consent:
        return await self._consents.add(person.id, topic, VERSIONS[topic], self._clock.now(), None)

    async def confirmed_by_operator(
        self, person_id: int, operator: Person, topic: str = NEED
    ) -> Consent:
        """Someone who phoned agreed, the operator says so: recorded with who and when."""
        return await self._consents.add(
            person_id, topic, VERSIONS[topic], self._clock.now(), operator.id
        )
