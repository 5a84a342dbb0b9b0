"""Accepted rides over time: the reminder the evening before, and whether the ride happened."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.agenda import Calendar
from bot.clock import Clock
from bot.domain import (
    IntroductionStatus,
    NeedStatus,
    Person,
    RideOutcome,
)
from bot.domain import Ride as Ride  # where it lives, for the services that find rides
from bot.notices import Notice
from bot.ports import IntroductionRepository, NeedRepository, PeopleRepository, TripRepository
from bot.services import telling


class OutcomeResult(enum.StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"
    NOT_YOURS = "not_yours"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class RecordedOutcome:
    result: OutcomeResult
    ride: Ride | None = None
    outcome: RideOutcome | None = None
    # A ride with a volunteer driver, kept on paper (bot/services/volunteer_rides.py).
    paper: Any = None


class RideService:
    def __init__(
        self,
        *,
        introductions: IntroductionRepository,
        needs: NeedRepository,
        people: PeopleRepository,
        trips: TripRepository,
        clock: Clock,
        calendar: Calendar,
        keep_paper: Callable[[Ride], Awaitable[Any]] | None = None,
    ) -> None:
        self._introductions = introductions
        self._needs = needs
        self._people = people
        self._trips = trips
        self._clock = clock
        self._calendar = calendar
        # Keeps the record of a ride with a volunteer once it happened (issue 24, item 4).
        self._keep_paper = keep_paper

    async def ride(self, introduction_id: int) -> Ride | None:
        """The ride, if its introduction was accepted (and has a date)."""
        introduction = await self._introductions.get(introduction_id)
        if introduction is None or introduction.ride_date is None:
            return None
        need = await self._needs.get(introduction.need_id)
        passenger = await self._people.get(introduction.passenger_id)
        driver = await self._people.get(introduction.driver_id)
        if need is None or passenger is None or driver is None:
            return None
        trip = await self._trips.get(introduction.trip_id)
        return Ride(introduction, need, passenger, driver, trip, introduction.ride_date)

    async def to_remind(self, introduction_id: int) -> Ride | None:
        """The ride to remind both of, if it still stands and is still tomorrow (the
        reminder says "demain": run late, on the ride's day, it says nothing)."""
        ride = await self.ride(introduction_id)
        if ride is None or not _standing(ride):
            return None
        now = self._clock.now()
        leaves = self._calendar.moment(ride.ride_date, ride.introduction.pickup)
        if self._calendar.today(now) >= ride.ride_date:
            return None
        return ride if leaves > now else None

    async def reminder(self, introduction_id: int, *, for_driver: bool) -> list[Notice] | None:
        """The evening-before reminder to the driver or the passenger (None: nothing to say:
        the ride was called off, or has left)."""
        ride = await self.to_remind(introduction_id)
        return telling.ride_reminder(ride, for_driver) if ride is not None else None

    async def question(self, introduction_id: int) -> list[Notice] | None:
        """The day-after question, unless the ride was called off or already told."""
        ride = await self.to_ask_about(introduction_id)
        return telling.ride_question(ride) if ride is not None else None

    async def withdrawable(self, driver: Person, introduction_id: int) -> tuple[str, Ride | None]:
        """Whether this driver can still call off this ride: "ok", "not_found", "not_yours"
        or "no_longer" (cancelled, or gone by)."""
        ride = await self.ride(introduction_id)
        if ride is None:
            return "not_found", None
        if ride.driver.id != driver.id:
            return "not_yours", ride
        if await self.standing(introduction_id) is None:
            return "no_longer", ride
        return "ok", ride

    async def standing(self, introduction_id: int) -> Ride | None:
        """The ride, if it still stands and is to come (a regular need's rides go on)."""
        ride = await self.ride(introduction_id)
        if ride is None or not _standing(ride):
            return None
        if ride.need.travel_date is None:
            return ride
        leaves = self._calendar.moment(ride.ride_date, ride.introduction.pickup)
        return ride if leaves > self._clock.now() else None

    async def to_come_on_trip(self, trip_id: int) -> list[Ride]:
        """Rides the driver of this trip has accepted and that are still to come."""
        rides = []
        for introduction in await self._introductions.accepted_rides():
            if introduction.trip_id == trip_id:
                ride = await self.standing(introduction.id)
                if ride is not None:
                    rides.append(ride)
        return rides

    async def to_ask_about(self, introduction_id: int) -> Ride | None:
        """The ride to ask the passenger about, unless it was called off or already told."""
        ride = await self.ride(introduction_id)
        if ride is None or not _standing(ride) or ride.introduction.ride_outcome is not None:
            return None
        return ride

    async def record_outcome(
        self,
        person: Person,
        introduction_id: int,
        outcome: RideOutcome,
        *,
        as_operator: bool = False,
    ) -> RecordedOutcome:
        """The passenger says whether the ride happened (an operator, for one who has no
        Telegram)."""
        ride = await self.ride(introduction_id)
        now = self._clock.now()
        if ride is None or self._calendar.moment(ride.ride_date, ride.introduction.pickup) > now:
            return RecordedOutcome(OutcomeResult.NOT_FOUND)  # no such ride, or not yet
        if as_operator:
            if ride.passenger.telegram_user_id is not None:
                return RecordedOutcome(OutcomeResult.NOT_YOURS)
        elif ride.passenger.id != person.id:
            return RecordedOutcome(OutcomeResult.NOT_YOURS)
        if not await self._introductions.record_outcome(ride.introduction.id, outcome, now):
            return RecordedOutcome(OutcomeResult.ALREADY, ride, ride.introduction.ride_outcome)
        await self._needs.record_event(
            ride.need.id,
            now,
            f"ride_{outcome.value}",
            person.id,
            f"introduction {ride.introduction.id}",
        )
        # In the same transaction as the answer (the update's).
        paper = None
        if outcome is RideOutcome.HAPPENED and self._keep_paper is not None:
            paper = await self._keep_paper(ride)
        return RecordedOutcome(OutcomeResult.RECORDED, ride, outcome, paper)

    async def outcome_said(self, passenger: Person, happened: bool) -> RecordedOutcome | None:
        """ "oui" or "non" to "did the ride happen?": the one ride gone by of this passenger
        still without an answer (None when there is none, or several)."""
        now = self._clock.now()
        asked = []
        for introduction in await self._introductions.accepted_rides():
            if introduction.passenger_id != passenger.id or introduction.ride_outcome:
                continue
            ride = await self.to_ask_about(introduction.id)
            if (
                ride is not None
                and self._calendar.moment(ride.ride_date, ride.introduction.pickup) <= now
            ):
                asked.append(ride)
        if len(asked) != 1:
            return None
        outcome = RideOutcome.HAPPENED if happened else RideOutcome.NOT_HAPPENED
        return await self.record_outcome(passenger, asked[0].introduction.id, outcome)

    async def planned_on(self, day: date) -> list[Ride]:
        """Rides on that day: first rides dated so, and regular ones on that weekday since."""
        rides = []
        for introduction in await self._introductions.accepted_rides():
            first = introduction.ride_date
            if first is None or first > day:
                continue
            regular_later = first < day and introduction.travel_day == day.weekday()
            if first == day or regular_later:
                ride = await self.ride(introduction.id)
                if ride is not None and (first == day or ride.need.travel_date is None):
                    rides.append(ride)
        return rides


def _standing(ride: Ride) -> bool:
    return (
        ride.introduction.status is IntroductionStatus.ACCEPTED
        and ride.need.status is NeedStatus.MATCHED
    )
