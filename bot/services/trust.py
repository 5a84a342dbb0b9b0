"""Trust: after an introduction, either person can report the other to the team; the team can
suspend someone (no more matches, told kindly) and lift it; someone who reported a person is
never matched with them again, either way, whatever the team decides (and the person reported
is not told): bot/services/needs.py asks the `MatchGuard` for every search."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot.clock import Clock
from bot.domain import Introduction, IntroductionStatus, Person
from bot.notices import (
    Button,
    Notice,
    Offer,
    PrivacyLiftedPerson,
    PrivacyLiftedTeam,
    PrivacyReportTeam,
    PrivacySuspendedPerson,
    PrivacySuspendedTeam,
    to_person,
    to_team,
)
from bot.ports import IntroductionRepository, NeedRepository, PeopleRepository, UnitOfWork

REASONS = ("no_show", "behaviour", "unsafe", "other")
MAX_WORDS = 500
ALL = 100_000


class PersonReports(Protocol):
    async def add(
        self,
        reporter_id: int,
        reported_id: int,
        introduction_id: int | None,
        reason: str,
        words: str,
        now: datetime,
    ) -> int: ...

    async def never_matched_with(self, person_id: int) -> set[int]:
        """Everyone this person reported and everyone who reported them."""
        ...


@dataclass(frozen=True)
class Reportable:
    introduction: Introduction
    other: Person


class TrustResult(enum.StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"  # not one of their introductions, or no such person
    ALREADY = "already"  # suspended already, or not suspended when lifting


@dataclass(frozen=True)
class TrustAnswer:
    result: TrustResult
    person: Person | None = None
    notices: list[Notice] = field(default_factory=list)


class TrustService:
    def __init__(
        self,
        *,
        reports: PersonReports,
        people: PeopleRepository,
        needs: NeedRepository,
        introductions: IntroductionRepository,
        clock: Clock,
        unit_of_work: UnitOfWork,
    ) -> None:
        self._reports = reports
        self._people = people
        self._needs = needs
        self._introductions = introductions
        self._clock = clock
        self._uow = unit_of_work

    async def reportable(self, person: Person) -> list[Reportable]:
        """The people this person was put in touch with (accepted introductions), newest
        first."""
        found = list(await self._introductions.for_driver(person.id))
        for need in await self._needs.for_person(person.id, limit=ALL):
            found += await self._introductions.for_need(need.id)
        seen: set[int] = set()
        reportable = []
        for introduction in sorted(found, key=lambda i: i.id, reverse=True):
            if introduction.id in seen or introduction.answered_at is None:
                continue
            if introduction.status not in (
                IntroductionStatus.ACCEPTED,
                IntroductionStatus.CANCELLED,
            ):
                continue
            seen.add(introduction.id)
            other_id = (
                introduction.passenger_id
                if introduction.driver_id == person.id
                else introduction.driver_id
            )
            other = await self._people.get(other_id)
            if other is not None and other.forgotten_at is None:
                reportable.append(Reportable(introduction, other))
        return reportable

    async def report(
        self, person: Person, introduction_id: int, reason: str, words: str
    ) -> TrustAnswer:
        """The report goes to the team, with a button to suspend the person reported."""
        if reason not in REASONS:
            return TrustAnswer(TrustResult.NOT_FOUND)
        match = [r for r in await self.reportable(person) if r.introduction.id == introduction_id]
        if not match:
            return TrustAnswer(TrustResult.NOT_FOUND)
        other = match[0].other
        words = " ".join(words.split())[:MAX_WORDS]
        async with self._uow.transaction():
            await self._reports.add(
                person.id, other.id, introduction_id, reason, words, self._clock.now()
            )
        report = PrivacyReportTeam(
            reporter=person.display_name,
            reported=other.display_name,
            reason=reason,
            words=words,
            id=match[0].introduction.need_id,
        )
        team = to_team(report, (Button(Offer.SUSPEND, other.id),))
        return TrustAnswer(TrustResult.DONE, other, [team])

    async def suspend(self, operator: Person, person_id: int) -> TrustAnswer:
        person = await self._people.get(person_id)
        if person is None or person.forgotten_at is not None:
            return TrustAnswer(TrustResult.NOT_FOUND)
        if person.suspended_at is not None:
            return TrustAnswer(TrustResult.ALREADY, person)
        await self._people.set_suspended(person.id, self._clock.now())
        notices = [
            to_team(
                PrivacySuspendedTeam(person.display_name, operator.display_name),
                (Button(Offer.LIFT, person.id),),
            ),
        ]
        if person.reachable:
            notices.append(to_person(person, PrivacySuspendedPerson()))
        return TrustAnswer(TrustResult.DONE, person, notices)

    async def lift(self, operator: Person, person_id: int) -> TrustAnswer:
        person = await self._people.get(person_id)
        if person is None or person.forgotten_at is not None:
            return TrustAnswer(TrustResult.NOT_FOUND)
        if person.suspended_at is None:
            return TrustAnswer(TrustResult.ALREADY, person)
        await self._people.set_suspended(person.id, None)
        notices = [
            to_team(PrivacyLiftedTeam(person.display_name, operator.display_name)),
        ]
        if person.reachable:
            notices.append(to_person(person, PrivacyLiftedPerson()))
        return TrustAnswer(TrustResult.DONE, person, notices)


class MatchGuard:
    """Whom a passenger may be matched with: nobody while either is suspended, and never
    someone they reported or who reported them (one report is enough, and it holds whatever
    the team decides about a suspension)."""

    def __init__(self, people: PeopleRepository, reports: PersonReports) -> None:
        self._people = people
        self._reports = reports

    async def excluded_drivers(self, passenger_id: int) -> set[int] | None:
        """Drivers never to propose to this passenger; None when the passenger is suspended
        (nobody at all)."""
        passenger = await self._people.get(passenger_id)
        if passenger is None or passenger.suspended_at is not None:
            return None
        return await self._reports.never_matched_with(passenger_id)

    async def driver_allowed(self, driver: Person) -> bool:
        return driver.suspended_at is None and driver.forgotten_at is None
