"""What else the territory offers for a need: public transport (GTFS), on-demand transport
with its booking deadline (GTFS-Flex feeds and on-demand rows of the SERVICES_FILE), and the
other local mobility services of the SERVICES_FILE (TUS associations, call centres).

A passenger may ask to be reminded before the deadline: one agenda entry per need
(Kind.ON_DEMAND_REMINDER), due two hours before the deadline, which reminds only while the
deadline is still ahead and the need still open."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.agenda import AgendaEntry, Calendar, Due, Kind, Outcome
from bot.clock import Clock
from bot.domain import NewNeed, NotWired
from bot.matching import TimeMode
from bot.notices import Notice, TransitOnDemandReminder, to_person
from bot.places.gazetteer import Gazetteer
from bot.ports import Agenda, NeedRepository, PeopleRepository, UnitOfWork
from bot.transit.catalog import MobilityService, communes_of
from bot.transit.ondemand import OnDemandAnswer, OnDemandService, answers
from bot.transit.planner import TransitOption, TransitPlanner, TransitQuery

# The reminder comes this long before the deadline ("the day before at 14h" for 16h).
REMIND_BEFORE = timedelta(hours=2)


@dataclass(frozen=True)
class Alternatives:
    transit: list[TransitOption] = field(default_factory=list)
    services: list[MobilityService] = field(default_factory=list)
    on_demand: list[OnDemandAnswer] = field(default_factory=list)
    # When a reminder before the first deadline would come (None: no time left for one).
    remind_at: datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.transit or self.services or self.on_demand)


class Reminder(enum.StrEnum):
    SET = "set"
    TOO_LATE = "too_late"  # the reminder's time has passed (or nothing to remind)
    NOT_YOURS = "not_yours"  # an old button, or someone else's need


@dataclass(frozen=True)
class ReminderSet:
    result: Reminder
    at: datetime | None = None
    answer: OnDemandAnswer | None = None


def reminder_time(answer: OnDemandAnswer, now: datetime) -> datetime | None:
    """When to remind about an answer: two hours before its deadline, if still ahead."""
    at = answer.deadline - REMIND_BEFORE
    return at if at > now else None


NONE = Alternatives()


class TransitService:
    def __init__(
        self,
        *,
        planner: TransitPlanner | None,
        services: list[MobilityService],
        gazetteer: Gazetteer,
        clock: Clock,
        calendar: Calendar,
        max_wait_minutes: float,
        on_demand: list[OnDemandService] | None = None,
        needs: NeedRepository | None = None,
        people: PeopleRepository | None = None,
        agenda: Agenda | None = None,
        unit_of_work: UnitOfWork | None = None,
    ) -> None:
        self._planner = planner
        # On-demand rows of the SERVICES_FILE are told with their deadline, not as written.
        self._services = [s for s in services if s.on_demand is None]
        self._on_demand = [s.on_demand for s in services if s.on_demand is not None]
        self._on_demand += on_demand or []
        self._needs = needs
        self._people = people
        self._agenda = agenda
        self._uow = unit_of_work
        self._gazetteer = gazetteer
        self._clock = clock
        self._calendar = calendar
        self._max_wait_s = int(max_wait_minutes * 60)

    async def for_need(self, need: NewNeed) -> Alternatives:
        on_demand = self.on_demand_for(need)
        now = self._clock.now()
        remind_at = next((at for a in on_demand if (at := reminder_time(a, now)) is not None), None)
        return Alternatives(await self.transit(need), self.services_for(need), on_demand, remind_at)

    def on_demand_for(self, need: NewNeed) -> list[OnDemandAnswer]:
        """The on-demand services for the need's date, with the deadline to book it; past
        the deadline, the next date still possible."""
        if not self._on_demand:
            return []
        day = self.day_of(need)
        if day is None:
            return []
        ends = []
        for place in (need.origin, need.destination):
            codes = communes_of(self._gazetteer, place.id, place.lat, place.lon)
            ends.append((place.lat, place.lon, codes, place.department))
        return answers(
            self._on_demand,
            origin=ends[0],
            destination=ends[1],
            day=day,
            at=need.at.hour * 3600 + need.at.minute * 60,
            leave_after=need.time_mode is TimeMode.LEAVE_AFTER,
            wait_s=self._max_wait_s,
            now=self._clock.now(),
        )

    # The reminder before the deadline.

    async def ask_reminder(self, person_id: int, need_id: int) -> ReminderSet:
        """The passenger pressed "remind me": the agenda reminds them once, before the
        deadline of the first service that can still be booked."""
        if not (self._needs and self._agenda and self._uow):
            raise NotWired("transit reminders need the needs, the agenda and a unit of work")
        now = self._clock.now()
        async with self._uow.transaction():
            need = await self._needs.get(need_id)
            if need is None or need.person_id != person_id or not need.is_open:
                return ReminderSet(Reminder.NOT_YOURS)
            for answer in self.on_demand_for(need):
                at = reminder_time(answer, now)
                if at is not None:
                    await self._agenda.schedule([Due(Kind.ON_DEMAND_REMINDER, need.id, at)], now)
                    return ReminderSet(Reminder.SET, at, answer)
        return ReminderSet(Reminder.TOO_LATE)

    async def reminder(self, entry: AgendaEntry) -> tuple[Outcome, list[Notice]]:
        """The reminder falls due: the services whose deadline is still ahead, if the need
        is still open (a ride found meanwhile, a need cancelled: nothing)."""
        if not (self._needs and self._people):
            raise NotWired("transit reminders need the needs and the people")
        need = await self._needs.get(entry.subject_id)
        if need is None or not need.is_open:
            return Outcome.SKIPPED, []
        person = await self._people.get(need.person_id)
        if person is None:
            return Outcome.SKIPPED, []
        now = self._clock.now()
        still = [a for a in self.on_demand_for(need) if not a.too_late and a.deadline > now]
        if not still:
            return Outcome.SKIPPED, []
        return Outcome.SENT, [to_person(person, TransitOnDemandReminder(need, tuple(still)))]

    async def transit(self, need: NewNeed) -> list[TransitOption]:
        if self._planner is None:
            return []
        day = self.day_of(need)
        if day is None:
            return []
        query = TransitQuery(
            origin=(need.origin.lat, need.origin.lon),
            destination=(need.destination.lat, need.destination.lon),
            day=day,
            mode=need.time_mode,
            at=need.at.hour * 3600 + need.at.minute * 60,
            max_wait_s=self._max_wait_s,
        )
        return await self._planner.options(query)

    def day_of(self, need: NewNeed) -> date | None:
        """The need's date, or for a regular need the next of its days still ahead."""
        if need.travel_date is not None:
            return need.travel_date
        now = self._clock.now()
        days = [self._calendar.next_weekday(now, day, need.at) for day in need.days]
        return min(days, default=None)

    def services_for(self, need: NewNeed) -> list[MobilityService]:
        if not self._services:
            return []
        codes: frozenset[str] = frozenset()
        departments = frozenset({need.origin.department, need.destination.department})
        for place in (need.origin, need.destination):
            codes |= communes_of(self._gazetteer, place.id, place.lat, place.lon)
        return [s for s in self._services if s.serves(codes, departments)]
