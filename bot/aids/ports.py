"""What the aids' use cases need from storage (implemented in storage/aids.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.aids.model import Application, Frequency, Profile, Proof, ProofKind, RejectReason, Status


@dataclass(frozen=True)
class AidFigures:
    aid_id: str
    aid_title: str
    by_status: dict[str, int]
    validated_cents: int


class AidAnswers(Protocol):
    async def keep(self, person_id: int, profile: Profile, now: datetime) -> None: ...

    async def get(self, person_id: int) -> Profile | None: ...

    async def give(self, person_id: int, profile: Profile, now: datetime) -> None:
        """The answers last given, kept for applying and for "keep my answers"."""

    async def given(self, person_id: int) -> Profile | None: ...

    async def forget(self, person_id: int) -> bool:
        """The answers kept and the answers last given; True if there were any."""


class Applications(Protocol):
    async def add(
        self,
        aid_id: str,
        aid_title: str,
        person_id: int,
        profile: Profile | None,
        filed_by: int | None,
        now: datetime,
    ) -> Application: ...

    async def get(self, application_id: int) -> Application | None: ...

    async def draft_of(self, person_id: int, aid_id: str) -> Application | None: ...

    async def for_person(self, person_id: int) -> list[Application]: ...

    async def set_answers(
        self, application_id: int, answers: tuple[str, ...], now: datetime
    ) -> None: ...

    async def submit(
        self, application_id: int, funder_name: str, funder_chat_id: int, now: datetime
    ) -> Application: ...

    async def validate(
        self,
        application_id: int,
        reviewer_id: int,
        amount_cents: int,
        frequency: Frequency,
        now: datetime,
    ) -> Application | None: ...

    async def reject(
        self,
        application_id: int,
        reviewer_id: int,
        reason: RejectReason,
        other: str | None,
        now: datetime,
    ) -> Application | None: ...

    async def record_event(
        self,
        application_id: int,
        from_status: Status | None,
        to_status: Status,
        actor_id: int | None,
        now: datetime,
        note: str | None = None,
    ) -> None: ...

    async def add_proof(
        self,
        application_id: int,
        kind: ProofKind,
        size: int,
        telegram_file_id: str,
        path: str,
        now: datetime,
    ) -> Proof: ...

    async def proofs(self, application_id: int) -> list[Proof]: ...

    async def drop_proofs(self, application_id: int, now: datetime) -> list[str]: ...

    async def anonymise(self, application_id: int, now: datetime) -> None: ...

    async def figures(
        self, aid_ids: frozenset[str] | None, funder_chat_id: int | None = None
    ) -> list[AidFigures]:
        """Per aid, the applications sent (to that group only, when `funder_chat_id`)."""
        ...

    async def validated(self, aid_ids: frozenset[str] | None) -> list[Application]: ...


class ProofFiles(Protocol):
    """Where the proofs' bytes are kept (a folder beside the database)."""

    async def save(self, application_id: int, kind: ProofKind, content: bytes) -> str: ...

    async def delete(self, path: str) -> None: ...
