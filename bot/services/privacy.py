"""A person's data: handed over (/mesdonnees), erased (/oublier), and not kept for ever.

Each feature that keeps something about people registers a *data holder* (its section of the
export, and how to erase it); the core's are in storage/personal_data.py, and a later feature
(mobility-aid applications, say) adds its own with `register`. Erasing first settles what
others count on, so that those who must know are told (a driver whose accepted ride is
called off, a passenger whose driver leaves), then each holder erases its part, and last the
person's row is emptied: it stays, without identity, so that statistics keep their counts.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.agenda import NO_SUBJECT, AgendaEntry, Calendar, Due, Kind, Outcome
from bot.clock import Clock
from bot.domain import IntroductionStatus, Person
from bot.notices import (
    Button,
    Notice,
    Offer,
    PrivacyStayCall,
    PrivacyStayQuestion,
    PrivacyTeamForgot,
    to_team,
)
from bot.phones import parse_phone, show_phone
from bot.ports import Agenda, IntroductionRepository, NeedRepository, PeopleRepository, UnitOfWork
from bot.services.introductions import IntroductionService
from bot.services.needs import NeedService
from bot.services.rides import RideService
from bot.services.trips import TripService

# Someone asked whether to stay who says nothing for this long is forgotten.
STAY_ANSWER_DAYS = 30
# The retention's daily pass looks at this many inactive people at most (the next day, more).
INACTIVE_BATCH = 200
# Needs erased per pass: a pass is one transaction, which holds up the bot's other work; with
# more to do, the next pass comes a minute later.
ANONYMISE_BATCH = 2_000
MORE_TO_DO = timedelta(minutes=1)
ALL = 100_000


class DataHolder(Protocol):
    """One feature's part of what Mobilot keeps about a person."""

    section: str

    async def export(self, person_id: int) -> list[dict[str, Any]]: ...

    async def forget(self, person_id: int, now: datetime) -> None: ...


class NeedAnonymiser(Protocol):
    async def anonymise(
        self, where: str, parameters: tuple[Any, ...], now: datetime, *, limit: int = -1
    ) -> int: ...


@dataclass(frozen=True)
class PersonalData:
    person: Person
    sections: dict[str, list[dict[str, Any]]]
    exported_at: datetime

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.sections.items()}

    def as_json(self) -> bytes:
        person = self.person
        profile = {
            "name": person.display_name,
            "telegram_user_id": person.telegram_user_id,
            "telegram_username": person.telegram_username,
            "phone": person.phone,
            "phone_shown_to_matches": person.phone_visible,
            "language": person.language,
            "registered_by_the_team": person.registered_by is not None,
            "created_at": person.created_at.isoformat(),
            "last_seen_at": person.last_seen_at.isoformat() if person.last_seen_at else None,
            "suspended": person.suspended_at is not None,
        }
        document = {
            "exported_at": self.exported_at.isoformat(),
            "profile": profile,
            **self.sections,
        }
        return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


class ForgetResult(enum.StrEnum):
    DONE = "done"
    NOT_FOUND = "not_found"  # no one registered by phone with that number
    HAS_TELEGRAM = "has_telegram"  # they can, and should, ask it themselves


@dataclass(frozen=True)
class Forgotten:
    result: ForgetResult
    person: Person | None = None  # as they were, for the answer
    notices: list[Notice] = field(default_factory=list)


class PrivacyService:
    def __init__(
        self,
        *,
        people: PeopleRepository,
        need_repository: NeedRepository,
        introduction_repository: IntroductionRepository,
        needs: NeedService,
        introductions: IntroductionService,
        trips: TripService,
        rides: RideService,
        anonymiser: NeedAnonymiser,
        clock: Clock,
        agenda: Agenda,
        unit_of_work: UnitOfWork,
        calendar: Calendar,
        retention_months: int,
        inactive_months: int,
        run_hour: int,
    ) -> None:
        self._people = people
        self._need_repository = need_repository
        self._introduction_repository = introduction_repository
        self._needs = needs
        self._introductions = introductions
        self._trips = trips
        self._rides = rides
        self._anonymiser = anonymiser
        self._clock = clock
        self._agenda = agenda
        self._uow = unit_of_work
        self._calendar = calendar
        self._retention = timedelta(days=round(retention_months * 30.44))
        self._inactive = timedelta(days=round(inactive_months * 30.44))
        self._run_hour = run_hour
        self._holders: list[DataHolder] = []

    def register(self, holder: DataHolder) -> None:
        """A feature's data, exported and erased with the rest."""
        if any(h.section == holder.section for h in self._holders):
            raise ValueError(f"two data holders share the section {holder.section!r}")
        self._holders.append(holder)

    @property
    def sections(self) -> list[str]:
        return [holder.section for holder in self._holders]

    # /mesdonnees

    async def export(self, person: Person) -> PersonalData:
        sections = {h.section: await h.export(person.id) for h in self._holders}
        return PersonalData(person, sections, self._clock.now())

    async def export_for_telegram(self, telegram_user_id: int) -> PersonalData | None:
        """/mesdonnees from a Telegram account; None when Mobilot keeps nothing about it
        (never came, or forgotten): nobody is made up to answer it."""
        person = await self._people.by_telegram_id(telegram_user_id)
        return await self.export(person) if person is not None else None

    async def export_for_caller(self, typed_phone: str) -> PersonalData | None:
        """What Mobilot keeps about someone the team registered by phone, for the team to
        hand over (None: nobody registered with that number)."""
        found = await self.registered_by_phone(typed_phone)
        return await self.export(found.person) if found.person is not None else None

    # /oublier

    async def forget(self, person: Person) -> Forgotten:
        """Erase everything about the person, telling those who counted on them."""
        now = self._clock.now()
        notices: list[Notice] = []
        async with self._uow.transaction():
            for need in await self._need_repository.for_person(person.id, limit=ALL):
                if await self._needs.cancellable(need):
                    notices += (await self._needs.cancel(person, need.id)).notices
            for introduction in await self._introduction_repository.for_driver(person.id):
                if introduction.status is IntroductionStatus.PENDING:
                    answer = await self._introductions.answer(person, introduction.id, False)
                    notices += answer.notices
                elif introduction.status is IntroductionStatus.ACCEPTED:
                    if await self._rides.standing(introduction.id) is not None:
                        withdrawn = await self._introductions.withdraw(person, introduction.id)
                        notices += withdrawn.notices
            for trip in await self._trips.trips_of(person):
                notices += (await self._trips.change(person, trip.id, "delete")).notices
            for holder in self._holders:
                await holder.forget(person.id, now)
            await self._people.forget(person.id, now)
        # They are gone: nothing more is said to them, and nobody is asked to call them.
        told = [n for n in notices if not _about_them(n, person)]
        return Forgotten(ForgetResult.DONE, person, told)

    async def registered_by_phone(self, typed: str) -> Forgotten:
        """The person the team registered with this number, before erasing them."""
        phone = parse_phone(typed)
        if phone is None:
            return Forgotten(ForgetResult.NOT_FOUND)
        found = await self._people.offline_with_phone(phone)
        if not found:
            return Forgotten(ForgetResult.NOT_FOUND)
        return Forgotten(ForgetResult.DONE, found[0])

    async def forget_for_caller(self, operator: Person, person_id: int) -> Forgotten:
        """The team erases someone it registered by phone, at their request."""
        person = await self._people.get(person_id)
        if person is None or person.forgotten_at is not None:
            return Forgotten(ForgetResult.NOT_FOUND)
        if person.telegram_user_id is not None:
            return Forgotten(ForgetResult.HAS_TELEGRAM, person)
        forgotten = await self.forget(person)
        done = to_team(PrivacyTeamForgot(person.display_name, operator.display_name))
        return Forgotten(ForgetResult.DONE, person, [*forgotten.notices, done])

    # Retention, by the agenda.

    async def ensure_scheduled(self) -> None:
        """The daily pass exists (scheduled once; it schedules the next one itself)."""
        now = self._clock.now()
        await self._agenda.schedule_once(Due(Kind.RETENTION, NO_SUBJECT, self._next_run(now)), now)

    def _next_run(self, now: datetime) -> datetime:
        return self._calendar.next_at(now, self._run_hour)

    async def retention(self, entry: AgendaEntry) -> tuple[Outcome, list[Notice]]:
        """Needs, introductions and their history older than RETENTION_MONTHS lose their
        details; people inactive for INACTIVE_MONTHS are asked whether to stay, and those who
        said nothing within STAY_ANSWER_DAYS are forgotten."""
        now = self._clock.now()
        notices: list[Notice] = []
        async with self._uow.transaction():
            cutoff = (now - self._retention).isoformat()
            erased = await self._anonymiser.anonymise(
                "updated_at < ? AND status NOT IN ('searching', 'asking', 'with_operators')"
                " AND NOT (status = 'matched' AND travel_date IS NULL)",
                (cutoff,),
                now,
                limit=ANONYMISE_BATCH,
            )
            for person in await self._people.asked_to_stay_before(
                now - timedelta(days=STAY_ANSWER_DAYS)
            ):
                notices += (await self.forget(person)).notices
            for person in await self._people.inactive(now - self._inactive, INACTIVE_BATCH):
                if person.registered_by is None and not person.has_channel:
                    continue  # an operator's own row, or one forgotten already
                await self._people.stay_asked(person.id, now)
                notices += _stay_question(person, STAY_ANSWER_DAYS)
            # Finished before the next is scheduled: scheduling a pending kind moves it.
            await self._agenda.finish(entry.id, Outcome.DONE, now)
            later = now + MORE_TO_DO if erased >= ANONYMISE_BATCH else self._next_run(now)
            await self._agenda.schedule([Due(Kind.RETENTION, NO_SUBJECT, later)], now)
        return Outcome.DONE, notices

    async def stays(self, operator: Person, person_id: int) -> Person | None:
        """The team says someone registered by phone wants to stay."""
        person = await self._people.get(person_id)
        if person is None or person.forgotten_at is not None:
            return None
        await self._people.seen(person.id, self._clock.now())
        return person


def _about_them(notice: Notice, person: Person) -> bool:
    return notice.to is not None and notice.to.id == person.id


def _stay_question(person: Person, days: int) -> list[Notice]:
    buttons = (Button(Offer.STAY, person.id),)
    call = to_team(
        PrivacyStayCall(person.display_name, show_phone(person.phone) or "—", days), buttons
    )
    if person.reachable:
        return [Notice(person, PrivacyStayQuestion(days), buttons, if_unreachable=(call,))]
    return [call]
