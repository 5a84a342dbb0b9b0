"""Drivers' trips: register, list, pause, resume, delete, change the seats, keep regular
trips fresh and end one-off trips once their day is over."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.agenda import AgendaEntry, Due, Kind, Outcome, Timing
from bot.clock import Clock
from bot.domain import MAX_SEATS, NewTrip, Person, Ride, Trip, TripStatus
from bot.interop.bookings import Booking
from bot.notices import Button, Notice, Offer, TripsRideStillOn, to_person
from bot.ports import Agenda, PeopleRepository, TripRepository, TripSearch, UnitOfWork
from bot.services import telling
from bot.services.territories import Belonging


class TripChange(enum.StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"  # already in that state: a double press, an old button
    ENDED = "ended"  # the driver's trip, deleted or over (`trip` says which): a late press
    NOT_FOUND = "not_found"  # no such trip, or someone else's: the same answer
    # Fewer seats than passengers already accepted on some date: nothing changes until the
    # driver chooses (keep the seats, or call someone off); `crowded` says who and when.
    TOO_FEW = "too_few"


@dataclass(frozen=True)
class Crowded:
    """A day the trip would carry more passengers than its new seats: a date (one-off
    passengers, with those of every week on that weekday), or a weekday (every week)."""

    rides: list[Ride]
    on: date | None = None
    weekday: int | None = None
    partners: list[Booking] = field(default_factory=list)  # partners' passengers that date


@dataclass(frozen=True)
class TripChangeResult:
    outcome: TripChange
    trip: Trip | None = None
    # A trip resumed: the passengers still waiting whom it can take are told.
    notices: list[Notice] = field(default_factory=list)
    crowded: list[Crowded] = field(default_factory=list)  # for TOO_FEW
    called_off: Ride | None = None  # a passenger the driver called off to lower the seats


@dataclass(frozen=True)
class Registered:
    trip: Trip
    notices: list[Notice] = field(default_factory=list)


class Announcer(Protocol):
    async def announce_trip(self, trip: Trip) -> list[Notice]: ...


class RidesToCome(Protocol):
    async def to_come_on_trip(self, trip_id: int) -> list[Ride]: ...


class PartnerPassengers(Protocol):
    async def confirmed_from(self, trip_id: int, since: date) -> list[Booking]:
        """Partners' confirmed bookings on the trip from `since` on."""
        ...


class RideCaller(Protocol):
    async def call_off_for_seats(self, driver: Person, introduction_id: int) -> list[Notice]:
        """The driver no longer takes this passenger (fewer seats): the notices it causes,
        the passenger told kindly with the next drivers."""
        ...


def crowded_days(
    rides: list[Ride], seats: int, bookings: list[Booking] | None = None
) -> list[Crowded]:
    """The days the rides to come would need more than `seats` seats: each date with its
    one-off passengers (ours and partners') and the regular ones of its weekday; each weekday
    whose regular passengers alone are too many."""
    booked: dict[date, list[Booking]] = {}
    for booking in bookings or []:
        booked.setdefault(booking.ride_date, []).append(booking)
    dated: dict[date, list[Ride]] = {}
    weekly: dict[int, list[Ride]] = {}
    for ride in rides:
        if ride.need.travel_date is not None:
            dated.setdefault(ride.need.travel_date, []).append(ride)
        else:
            days = ride.need.weekdays & (ride.trip.weekdays if ride.trip else ride.need.weekdays)
            for day in days or {ride.introduction.travel_day}:
                weekly.setdefault(int(day), []).append(ride)
    found = [
        Crowded(every, weekday=day) for day, every in sorted(weekly.items()) if len(every) > seats
    ]
    for on in sorted(set(dated) | set(booked)):
        once, theirs = dated.get(on, []), booked.get(on, [])
        every = weekly.get(on.weekday(), [])
        if len(every) <= seats < len(once) + len(every) + len(theirs):
            found.append(Crowded(once + every, on=on, partners=theirs))
    return found


@dataclass(frozen=True)
class TripListing:
    """A trip as its driver sees it in /mestrajets: with the rides promised on it."""

    trip: Trip
    rides: list[Ride] = field(default_factory=list)


@dataclass(frozen=True)
class TripWithDriver:
    trip: Trip
    driver: Person
    notices: list[Notice] = field(default_factory=list)


_TARGET = {"pause": TripStatus.PAUSED, "resume": TripStatus.ACTIVE, "delete": TripStatus.DELETED}


class TripService:
    def __init__(
        self,
        trips: TripRepository,
        search: TripSearch,
        clock: Clock,
        *,
        people: PeopleRepository,
        agenda: Agenda,
        unit_of_work: UnitOfWork,
        timing: Timing,
        announcer: Announcer | None = None,
        rides: RidesToCome | None = None,
        bookings: PartnerPassengers | None = None,
        caller: RideCaller | None = None,
        belonging: Belonging | None = None,
    ) -> None:
        """`caller` calls a passenger off when the driver lowers the seats below them."""
        self._belonging = belonging
        self._bookings = bookings
        self._caller = caller
        self._announcer = announcer
        self._rides = rides
        self._trips = trips
        self._search = search
        self._clock = clock
        self._people = people
        self._agenda = agenda
        self._uow = unit_of_work
        self._timing = timing

    async def register(self, driver: Person, trip: NewTrip) -> Registered:
        """A new trip, and the passengers still waiting whom it can take, told."""
        now = self._clock.now()
        async with self._uow.transaction():
            registered = await self._trips.add(driver.id, trip, now)
            if self._belonging is not None:  # whose figures it counts in (issue 22)
                registered = await self._belonging.trip_recorded(registered)
            await self._search.index(registered.id)
            if registered.date is not None:
                # Made once: nobody is asked whether it still runs; it ends after its day.
                end = self._timing.calendar.at(registered.date + timedelta(days=1), 0)
                await self._agenda.schedule([Due(Kind.TRIP_EXPIRY, registered.id, end)], now)
            else:
                await self._schedule_check(registered, now)
            notices = await self._announce(registered)
        return Registered(registered, notices)

    async def _announce(self, trip: Trip) -> list[Notice]:
        return await self._announcer.announce_trip(trip) if self._announcer else []

    async def trips_of(self, driver: Person) -> list[Trip]:
        return await self._trips.for_driver(driver.id)

    async def listing(self, driver: Person) -> list[TripListing]:
        """The driver's trips, each with the rides still to come on it (who takes a seat
        when)."""
        listed = []
        for trip in await self._trips.for_driver(driver.id):
            rides = await self._rides.to_come_on_trip(trip.id) if self._rides else []
            listed.append(TripListing(trip, rides))
        return listed

    async def trip_of(self, driver: Person, trip_id: int) -> Trip | None:
        """The trip, if it is this driver's (even deleted or over: `trip.ended` says so);
        else None (never someone else's)."""
        trip = await self._trips.get(trip_id)
        if trip is None or trip.driver_id != driver.id:
            return None
        return trip

    async def _answerable(self, person: Person, trip_id: int, as_operator: bool) -> Trip | None:
        """The trip, even ended, if `person` is its driver, or an operator answering for a
        driver who has no Telegram (registered by phone)."""
        trip = await self._trips.get(trip_id)
        if trip is None:
            return None
        if not as_operator:
            return trip if trip.driver_id == person.id else None
        driver = await self._people.get(trip.driver_id)
        return trip if driver is not None and driver.telegram_user_id is None else None

    async def change(
        self, driver: Person, trip_id: int, action: str, *, as_operator: bool = False
    ) -> TripChangeResult:
        """Apply "pause", "resume" or "delete" to one of the driver's trips.

        Resuming a trip says it runs: its next freshness question is weeks away again.
        """
        target = _TARGET[action]
        trip = await self._answerable(driver, trip_id, as_operator)
        if trip is None:
            return TripChangeResult(TripChange.NOT_FOUND)
        if trip.ended:
            return TripChangeResult(TripChange.ENDED, trip)
        if trip.status is target:
            return TripChangeResult(TripChange.UNCHANGED, trip)
        now = self._clock.now()
        async with self._uow.transaction():
            updated = await self._trips.set_status(trip.id, target, now)
            await self._search.index(trip.id)
            if target is TripStatus.ACTIVE:
                await self._trips.confirmed(trip.id, now)
                await self._schedule_check(trip, now)
                notices = await self._announce(updated)
            else:
                notices = await self._promised(updated)
        return TripChangeResult(TripChange.DONE, updated, notices)

    async def set_seats(
        self, driver: Person, trip_id: int, seats: int, *, calling_off: int | None = None
    ) -> TripChangeResult:
        """The driver changes how many seats the trip offers; with more seats, the
        passengers still waiting whom it can now take are told.

        Seats already promised stay promised: fewer seats than the passengers accepted on
        some day changes nothing (TOO_FEW, with who and when) until the driver chooses, to
        keep the seats or to call one of them off (`calling_off`, an introduction of this
        trip), who is told kindly and offered the next drivers; the seats are lowered once
        everyone left has one."""
        trip = await self._answerable(driver, trip_id, False)
        if trip is None:
            return TripChangeResult(TripChange.NOT_FOUND)
        if trip.ended:
            return TripChangeResult(TripChange.ENDED, trip)
        if not 1 <= seats <= MAX_SEATS:
            raise ValueError(f"seats out of range: {seats}")
        if calling_off is not None and seats >= trip.seats:
            # An old button of a question already answered (the seats were lowered since):
            # nobody more is called off.
            return TripChangeResult(TripChange.UNCHANGED, trip)
        rides = await self._rides.to_come_on_trip(trip.id) if self._rides else []
        notices: list[Notice] = []
        called_off = None
        if calling_off is not None:
            called_off = next((r for r in rides if r.introduction.id == calling_off), None)
            if called_off is not None and self._caller is not None:
                notices = await self._caller.call_off_for_seats(driver, calling_off)
                rides = [r for r in rides if r.introduction.id != calling_off]
        crowded = []
        if seats < trip.seats:
            today = self._timing.calendar.today(self._clock.now())
            booked = await self._bookings.confirmed_from(trip.id, today) if self._bookings else []
            crowded = crowded_days(rides, seats, booked)
        if crowded:
            return TripChangeResult(
                TripChange.TOO_FEW, trip, notices, crowded=crowded, called_off=called_off
            )
        if trip.seats == seats:
            return TripChangeResult(TripChange.UNCHANGED, trip, notices, called_off=called_off)
        now = self._clock.now()
        async with self._uow.transaction():
            updated = await self._trips.set_seats(trip.id, seats, now)
            if seats > trip.seats:
                notices += await self._announce(updated)
        return TripChangeResult(TripChange.DONE, updated, notices, called_off=called_off)

    async def expire(self, entry: AgendaEntry) -> Outcome:
        """The agenda's action: a one-off trip whose day is over ends (out of the search and
        of /mestrajets); the rides it had are followed up as usual."""
        now = self._clock.now()
        async with self._uow.transaction():
            trip = await self._trips.get(entry.subject_id)
            today = self._timing.calendar.today(now)
            if trip is None or trip.ended or trip.date is None or trip.date >= today:
                await self._agenda.finish(entry.id, Outcome.SKIPPED, now)
                return Outcome.SKIPPED
            await self._trips.set_status(trip.id, TripStatus.EXPIRED, now)
            await self._search.index(trip.id)
            await self._agenda.finish(entry.id, Outcome.DONE, now)
        return Outcome.DONE

    async def _promised(self, trip: Trip) -> list[Notice]:
        """Pausing or deleting a trip stops new requests, not the rides already promised:
        the driver is reminded of each, with a button to call it off."""
        if self._rides is None:
            return []
        driver = await self._people.get(trip.driver_id)
        if driver is None:
            return []
        return [
            to_person(
                driver, TripsRideStillOn(ride), (Button(Offer.WITHDRAW_RIDE, ride.introduction.id),)
            )
            for ride in await self._rides.to_come_on_trip(trip.id)
        ]

    # Freshness: every few weeks, does the trip still run?

    async def check_due(self, trip_id: int) -> TripWithDriver | None:
        """The trip to ask about, if it is still active."""
        trip = await self._trips.get(trip_id)
        if trip is None or trip.status is not TripStatus.ACTIVE:
            return None
        driver = await self._people.get(trip.driver_id)
        if driver is None:
            return None
        days = self._timing.trip_check_answer.days
        return TripWithDriver(trip, driver, telling.trip_check(trip, driver, days))

    async def check_sent(self, entry: AgendaEntry, outcome: Outcome) -> None:
        """The question went out (or could not): without an answer, the trip pauses later."""
        now = self._clock.now()
        async with self._uow.transaction():
            await self._trips.check_asked(entry.subject_id, now)
            await self._agenda.finish(entry.id, outcome, now)
            timeout = Due(
                Kind.TRIP_CHECK_TIMEOUT, entry.subject_id, now + self._timing.trip_check_answer
            )
            await self._agenda.schedule([timeout], now)

    async def check_undelivered(self, entry: AgendaEntry) -> None:
        """The question could not be sent at all (Telegram down for hours): asked again the
        next morning rather than pausing a trip whose driver was never asked."""
        now = self._clock.now()
        morning = self._timing.calendar.next_at(now, self._timing.follow_up_hour)
        await self._agenda.schedule([Due(Kind.TRIP_CHECK, entry.subject_id, morning)], now)

    async def still_runs(
        self, driver: Person, trip_id: int, *, as_operator: bool = False
    ) -> TripChangeResult:
        """The driver's answer: yes, it still runs; asked again in a few weeks. A trip paused
        meanwhile (nobody answered in time) is resumed: UNCHANGED says it was active."""
        trip = await self._answerable(driver, trip_id, as_operator)
        if trip is None:
            return TripChangeResult(TripChange.NOT_FOUND)
        if trip.ended:
            return TripChangeResult(TripChange.ENDED, trip)
        now = self._clock.now()
        async with self._uow.transaction():
            await self._trips.confirmed(trip.id, now)
            await self._schedule_check(trip, now)
            if trip.status is TripStatus.ACTIVE:
                return TripChangeResult(TripChange.UNCHANGED, trip)
            resumed = await self._trips.set_status(trip.id, TripStatus.ACTIVE, now)
            await self._search.index(trip.id)
            notices = await self._announce(resumed)
        return TripChangeResult(TripChange.DONE, resumed, notices)

    async def still_runs_said(self, driver: Person) -> TripChangeResult | None:
        """ "Oui" to "does your trip still run?": the one trip of the driver whose question
        is still without an answer (None when there is none, or several)."""
        waiting = []
        for trip in await self._trips.for_driver(driver.id):
            asked, confirmed = await self._trips.freshness(trip.id)
            if asked is not None and (confirmed is None or confirmed < asked):
                waiting.append(trip)
        if len(waiting) != 1:
            return None
        return await self.still_runs(driver, waiting[0].id)

    async def pause_unconfirmed(self, entry: AgendaEntry) -> Outcome:
        """The agenda's action: nobody said the trip still runs since the question, so it
        is paused (never deleted), and its driver told how to resume it."""
        now = self._clock.now()
        async with self._uow.transaction():
            trip = await self._trips.get(entry.subject_id)
            asked, confirmed = await self._trips.freshness(entry.subject_id)
            answered = confirmed is not None and (asked is None or confirmed >= asked)
            if trip is None or trip.status is not TripStatus.ACTIVE or answered:
                await self._agenda.finish(entry.id, Outcome.SKIPPED, now)
                return Outcome.SKIPPED
            await self._trips.set_status(trip.id, TripStatus.PAUSED, now)
            await self._search.index(trip.id)
            await self._agenda.schedule([Due(Kind.TRIP_PAUSED_NOTICE, trip.id, now)], now)
            await self._agenda.finish(entry.id, Outcome.DONE, now)
        return Outcome.DONE

    async def paused_unconfirmed(self, trip_id: int) -> TripWithDriver | None:
        """A trip paused for want of an answer, if it still is."""
        trip = await self._trips.get(trip_id)
        if trip is None or trip.status is not TripStatus.PAUSED:
            return None
        driver = await self._people.get(trip.driver_id)
        if driver is None:
            return None
        return TripWithDriver(trip, driver, telling.trip_paused(trip, driver))

    async def _schedule_check(self, trip: Trip, now: datetime) -> None:
        if trip.one_off:
            return  # made once: it ends after its day, nobody asks whether it still runs
        check = Due(Kind.TRIP_CHECK, trip.id, self._timing.trip_check_after(now))
        await self._agenda.schedule([check], now)
