"""What partner platforms may do with us: search our trips and shown needs, book a driver,
write to one of our people. The HTTP routes parse and render; the decisions are here.

A partner's booking becomes a request our driver answers in Telegram with the usual two
buttons; its status then only moves forward (bot/interop/bookings.py). Nobody's phone
number or Telegram handle ever leaves: people are shown by an alias (first name, initial).
"""

from __future__ import annotations

import enum
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.agenda import Calendar
from bot.clock import Clock
from bot.domain import Missing, Need, Person, Trip, TripStatus
from bot.interop import journeys as j
from bot.interop.bookings import (
    OPENING,
    Booking,
    BookingStatus,
    Move,
    dialect_of,
    partner_move,
    read_status,
)
from bot.interop.partners import Partner
from bot.interop.ports import BookingRepository, SharedNeeds
from bot.interop.ratelimit import RateLimit
from bot.matching import MatchingParams, Point, TripRoute
from bot.notices import (
    Button,
    InteropBookingCancelledDriver,
    InteropBookingRequest,
    InteropMessage,
    InteropMessageCall,
    Notice,
    Offer,
    to_person,
    to_team,
)
from bot.ports import NeedRepository, PeopleRepository, TripRepository, TripSearch, UnitOfWork

# A driver asked for a ride must answer this long before it at the latest…
ANSWER_BEFORE_RIDE = timedelta(hours=2)
# …but is always given at least this long.
SHORTEST_ANSWER_DELAY = timedelta(minutes=30)
MAX_MESSAGE = 500
# A booking's pickup time may differ this much from the journey's (rounding, a partner's
# own estimate).
BOOKING_TIME_SLACK = timedelta(minutes=30)


@dataclass(frozen=True)
class BookingRequest:
    """A partner's POST /bookings, already checked for shape by the route."""

    id: str
    driver_id: str
    driver_operator: str
    passenger_operator: str
    passenger_alias: str
    status: str
    pickup_at: datetime
    driver_journey_id: str | None
    message: str | None
    body: dict[str, Any]
    pickup: Point | None = None
    drop: Point | None = None


class Outcome(enum.StrEnum):
    DONE = "done"
    MISSING_BOOKING = "missing_booking"
    MISSING_JOURNEY = "missing_journey"
    MISSING_USER = "missing_user"
    BAD = "bad"  # see `error`
    ALREADY = "status_already_set"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    booking: Booking | None = None
    error: str = ""
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True)
class MessageRequest:
    sender_alias: str
    sender_operator: str
    recipient_id: str
    recipient_operator: str
    text: str
    driver_journey_id: str | None = None
    passenger_journey_id: str | None = None
    booking_id: str | None = None


class DriverAnswer(enum.StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"  # accepted, then called off by the driver
    TOO_LATE = "too_late"  # cancelled by the partner, or expired, or answered before
    # A yes that would promise a seat the trip no longer has that day (other bookings or our
    # own passengers accepted meanwhile): the booking is refused, the partner told.
    FULL = "full"
    NOT_YOURS = "not_yours"


@dataclass(frozen=True)
class Answered:
    result: DriverAnswer
    booking: Booking | None = None
    platform: str = ""


class Shared(enum.StrEnum):
    SHARED = "shared"
    ALREADY = "already"
    NOT_FOUND = "not_found"  # not theirs, or no longer open
    HIDDEN = "hidden"  # no longer shown


class PartnerApi:
    def __init__(
        self,
        *,
        operator: str,
        partners: list[Partner],
        trips: TripRepository,
        people: PeopleRepository,
        needs: NeedRepository,
        search: TripSearch,
        bookings: BookingRepository,
        shared: SharedNeeds,
        params: MatchingParams,
        clock: Clock,
        calendar: Calendar,
        unit_of_work: UnitOfWork,
        answer_delay: timedelta,
        rate: RateLimit | None = None,
    ) -> None:
        self.operator = operator
        self.partners = partners
        self._trips = trips
        self._people = people
        self._needs = needs
        self._search = search
        self._bookings = bookings
        self._shared = shared
        self._params = params
        self._clock = clock
        self._calendar = calendar
        self._zone = calendar.zone
        self._uow = unit_of_work
        self._answer_delay = answer_delay
        self._rate = rate or RateLimit()

    # Who is calling, and how often.

    def partner_for_key(self, key: str | None) -> Partner | None:
        if not key:
            return None
        found = None
        for partner in self.partners:  # every key compared, in constant time
            if hmac.compare_digest(partner.key.encode(), key.encode()):
                found = partner
        return found

    def partner_named(self, operator: str) -> Partner | None:
        return next((p for p in self.partners if p.operator == operator), None)

    def wait_needed(self, caller: str) -> int | None:
        """Seconds the caller must wait before calling again (None: go on)."""
        return self._rate.check(caller, self._clock.now())

    # Search: our drivers.

    async def driver_journeys(self, query: j.DatedQuery) -> list[j.DriverRide]:
        now = self._clock.now()
        rides: list[j.DriverRide] = []
        fits = lambda route: bool(  # noqa: E731
            j.dated_moments(route, query, self._params, self._zone, now)
        )
        for trip, driver in await self._trips_near(query.area, fits):
            for ride in j.dated_rides(trip, driver, query, self._params, self._zone, now):
                seats = await self._seats_left(ride)
                if seats > 0:
                    rides.append(_with_seats(ride, seats))
        rides.sort(key=lambda r: (abs(r.pickup_at - query.departure), r.id))
        return rides[: query.count] if query.count is not None else rides

    async def driver_regular_trips(self, query: j.RegularQuery) -> list[j.DriverRegular]:
        now = self._clock.now()
        offers = []
        fits = lambda route: j.regular_fits(route, query, self._params)  # noqa: E731
        for trip, driver in await self._trips_near(query.area, fits):
            offer = j.regular_offer(trip, driver, query, self._params, self._zone, now)
            if offer is not None:
                offers.append(offer)
        offers.sort(key=lambda o: (_gap(o.pickup_time, query), o.trip.id))
        return offers[: query.count] if query.count is not None else offers

    async def _trips_near(
        self, area: j.Area, fits: Callable[[TripRoute], bool]
    ) -> list[tuple[Trip, Person]]:
        """Active trips that may answer (`fits`, from their route alone), read with their
        drivers."""
        found = []
        for route in await self._search.routes_near(area.departure, area.arrival):
            if not fits(route):
                continue
            trip = await self._trips.get(route.trip_id)
            driver = await self._people.get(route.driver_id)
            # A driver without Telegram answers through the team, by phone: not bookable
            # by a partner's machine; one the team suspended is offered to nobody.
            if (
                trip is None
                or trip.status is not TripStatus.ACTIVE
                or driver is None
                or not driver.has_channel
                or driver.suspended_at is not None
            ):
                continue
            found.append((trip, driver))
        return found

    async def _seats_left(self, ride: j.DriverRide) -> int:
        taken = await self._bookings.confirmed_on(
            ride.trip.id, ride.course.leg.value, ride.pickup_at.astimezone(self._zone).date()
        )
        return ride.seats - taken

    # Search: our passengers who agreed to be shown.

    async def passenger_journeys(self, query: j.DatedQuery) -> list[j.PassengerRide]:
        now = self._clock.now()
        found = []
        for need, person in await self._shown_needs():
            ride = j.dated_need(need, person, query, self._params, self._zone, now)
            if ride is not None:
                found.append(ride)
        found.sort(key=lambda r: (abs(r.pickup_at - query.departure), r.id))
        return found[: query.count] if query.count is not None else found

    async def passenger_regular_trips(self, query: j.RegularQuery) -> list[j.PassengerRegular]:
        now = self._clock.now()
        found = []
        for need, person in await self._shown_needs():
            regular = j.regular_need(need, person, query, self._params, self._zone, now)
            if regular is not None:
                found.append(regular)
        found.sort(key=lambda r: (_gap(r.pickup_time, query), r.need.id))
        return found[: query.count] if query.count is not None else found

    async def _shown_needs(self) -> list[tuple[Need, Person]]:
        found = []
        for need in await self._shared.open_shared():
            person = await self._people.get(need.person_id)
            if person is not None and person.suspended_at is None and person.forgotten_at is None:
                found.append((need, person))
        return found

    # Bookings.

    async def book(self, partner: Partner, request: BookingRequest) -> Result:
        """A partner's passenger asks one of our drivers: the driver is asked in Telegram."""
        if request.passenger_operator != partner.operator:
            return Result(Outcome.BAD, error="passenger.operator must be your operator id")
        if request.driver_operator != self.operator:
            return Result(Outcome.BAD, error=f"driver.operator must be {self.operator}")
        if request.status not in OPENING:
            return Result(Outcome.BAD, error="a new booking waits for the driver's answer")
        now = self._clock.now()
        async with self._uow.transaction():
            existing = await self._bookings.get(request.id)
            if existing is not None:
                if existing.partner == partner.operator and existing.body == request.body:
                    return Result(Outcome.DONE, existing)  # the same POST again
                return Result(Outcome.BAD, error="this booking id is already used")
            place = await self._bookable(request, now)
            if isinstance(place, Result):
                return place
            trip, driver, leg, day = place
            deadline = max(
                min(now + self._answer_delay, request.pickup_at - ANSWER_BEFORE_RIDE),
                now + SHORTEST_ANSWER_DELAY,
            )
            booking = await self._bookings.add(
                id=request.id,
                partner=partner.operator,
                driver_id=driver.id,
                trip_id=trip.id,
                leg=leg,
                ride_date=day,
                pickup_at=request.pickup_at,
                passenger_alias=request.passenger_alias[:80],
                status=BookingStatus.WAITING_DRIVER_CONFIRMATION,
                dialect=dialect_of(request.status),
                body=request.body,
                message=(request.message or "")[:MAX_MESSAGE] or None,
                now=now,
                expires_at=deadline,
            )
            asked = InteropBookingRequest(
                platform=partner.name,
                passenger=booking.passenger_alias,
                trip=trip,
                leg=leg,
                day=day,
                pickup=booking.pickup_at.astimezone(self._zone).time(),
                message=booking.message or "",
            )
            notice = to_person(driver, asked, (Button(Offer.ANSWER_BOOKING, booking.number),))
        return Result(Outcome.DONE, booking, notices=[notice])

    async def _bookable(
        self, request: BookingRequest, now: datetime
    ) -> Result | tuple[Trip, Person, str, date]:
        parsed = j.parse_ride_id(request.driver_journey_id or "")
        if parsed is None:
            return Result(Outcome.BAD, error="missing_journey: driverJourneyId is not one of ours")
        trip_id, leg, day = parsed
        trip = await self._trips.get(trip_id)
        driver = await self._people.get(trip.driver_id) if trip else None
        if (
            trip is None
            or driver is None
            or trip.status is not TripStatus.ACTIVE
            or str(driver.id) != request.driver_id
            or not j.runs_on(trip, day)
            or not driver.has_channel
        ):
            return Result(Outcome.BAD, error="missing_journey: this journey is not offered")
        if request.pickup_at <= now:
            return Result(Outcome.BAD, error="passengerPickupDate has passed")
        if request.pickup is not None and request.drop is not None:
            # The journey as booked must still be one we offer: this leg passing there, then.
            fitting = [
                c
                for c in j.courses(trip, j.Area(request.pickup, request.drop), self._params)
                if c.leg is leg
            ]
            if not fitting:
                return Result(Outcome.BAD, error="missing_journey: this trip does not pass there")
            expected = j.pickup_moment(day, fitting[0], self._zone)
            if abs(expected - request.pickup_at) > BOOKING_TIME_SLACK:
                return Result(
                    Outcome.BAD, error="passengerPickupDate is not this journey's pickup time"
                )
        taken = await self._bookings.confirmed_on(trip.id, leg.value, day)
        if taken >= trip.seats:
            return Result(Outcome.BAD, error="no seat left on this journey")
        return trip, driver, leg.value, day

    async def booking(self, partner: Partner, booking_id: str) -> Booking | None:
        """The booking as it stands (a request left unanswered has expired)."""
        async with self._uow.transaction():
            booking = await self._bookings.get(booking_id)
            if booking is None or booking.partner != partner.operator:
                return None
            return await self._expired(booking)

    async def set_status(
        self, partner: Partner, booking_id: str, word: str, message: str | None
    ) -> Result:
        """The passenger's platform moves the booking on (cancels it, mostly)."""
        wanted = read_status(word)
        if wanted is None:
            return Result(Outcome.BAD, error=f"unknown status {word!r}")
        async with self._uow.transaction():
            booking = await self._bookings.get(booking_id)
            if booking is None or booking.partner != partner.operator:
                return Result(Outcome.MISSING_BOOKING)
            booking = await self._expired(booking)
            move = partner_move(booking.status, wanted)
            if move is Move.ALREADY:
                return Result(Outcome.ALREADY, booking)
            if move is not Move.OK:
                return Result(Outcome.BAD, booking, error=move.value)
            now = self._clock.now()
            await self._bookings.set_status(booking.number, booking.status, wanted, now)
            await self._bookings.told(booking.number, wanted)
            updated = await self._bookings.get(booking_id)
            if updated is None:
                raise Missing(f"booking {booking_id} is gone")
            notices = []
            driver = await self._people.get(booking.driver_id)
            if wanted is BookingStatus.CANCELLED and driver is not None:
                notices.append(
                    to_person(
                        driver,
                        InteropBookingCancelledDriver(
                            platform=partner.name,
                            passenger=booking.passenger_alias,
                            day=booking.ride_date,
                            message=(message or "")[:MAX_MESSAGE],
                        ),
                    )
                )
        return Result(Outcome.DONE, updated, notices=notices)

    async def _expired(self, booking: Booking) -> Booking:
        now = self._clock.now()
        if booking.waiting and now >= booking.expires_at:
            await self._bookings.set_status(
                booking.number, booking.status, BookingStatus.CANCELLED, now
            )
            settled = await self._bookings.get(booking.id)
            if settled is None:
                raise Missing(f"booking {booking.id} is gone")
            return settled
        return booking

    async def answer(self, driver: Person, number: int, accept: bool) -> Answered:
        """Our driver's answer in Telegram to a partner's passenger."""
        async with self._uow.transaction():
            booking = await self._bookings.by_number(number)
            if booking is None or booking.driver_id != driver.id:
                return Answered(DriverAnswer.NOT_YOURS)
            booking = await self._expired(booking)
            partner = self.partner_named(booking.partner)
            platform = partner.name if partner else booking.partner
            full = accept and booking.waiting and not await self._seat_left(booking)
            status = BookingStatus.CONFIRMED if accept and not full else BookingStatus.CANCELLED
            if not booking.waiting or not await self._bookings.set_status(
                booking.number, booking.status, status, self._clock.now()
            ):
                return Answered(DriverAnswer.TOO_LATE, booking, platform)
            settled = await self._bookings.by_number(number)
        result = (
            DriverAnswer.FULL
            if full
            else DriverAnswer.ACCEPTED
            if accept
            else DriverAnswer.DECLINED
        )
        return Answered(result, settled, platform)

    async def _seat_left(self, booking: Booking) -> bool:
        """Whether the trip still has a seat for this booking's ride: the promise of
        docs/architecture.md, "Matching" (partners get only the seats left), kept when the
        driver says yes, not only when the partner asks (several bookings may wait for the
        same seat)."""
        trip = await self._trips.get(booking.trip_id)
        if trip is None:
            return False
        taken = await self._bookings.confirmed_on(trip.id, booking.leg, booking.ride_date)
        return taken < trip.seats

    async def withdraw(self, driver: Person, number: int) -> Answered:
        """Our driver can no longer take a partner's passenger they had accepted: the
        booking is cancelled, and the partner told (bot/interop/telling_partners.py)."""
        now = self._clock.now()
        async with self._uow.transaction():
            booking = await self._bookings.by_number(number)
            if booking is None or booking.driver_id != driver.id:
                return Answered(DriverAnswer.NOT_YOURS)
            partner = self.partner_named(booking.partner)
            platform = partner.name if partner else booking.partner
            if (
                booking.status is not BookingStatus.CONFIRMED
                or booking.pickup_at <= now
                or not await self._bookings.set_status(
                    booking.number, booking.status, BookingStatus.CANCELLED, now
                )
            ):
                return Answered(DriverAnswer.TOO_LATE, booking, platform)
            settled = await self._bookings.by_number(number)
        return Answered(DriverAnswer.WITHDRAWN, settled, platform)

    async def booking_of(self, driver: Person, number: int) -> Booking | None:
        """The driver's own booking, while it can still be called off."""
        booking = await self._bookings.by_number(number)
        if booking is None or booking.driver_id != driver.id:
            return None
        if booking.status is not BookingStatus.CONFIRMED or booking.pickup_at <= self._clock.now():
            return None
        return booking

    # Messages.

    async def message(self, partner: Partner, request: MessageRequest) -> Result:
        """A partner's user writes to one of our people about a journey or a booking."""
        if request.sender_operator != partner.operator:
            return Result(Outcome.BAD, error="from.operator must be your operator id")
        if request.recipient_operator != self.operator:
            return Result(Outcome.MISSING_USER)
        if not (request.booking_id or request.driver_journey_id or request.passenger_journey_id):
            return Result(
                Outcome.BAD, error="give the bookingId, driverJourneyId or passengerJourneyId"
            )
        recipient = (
            await self._people.get(int(request.recipient_id))
            if request.recipient_id.isascii() and request.recipient_id.isdigit()
            else None
        )
        if recipient is None or not await self._involved(partner, recipient, request):
            return Result(Outcome.MISSING_USER)
        text = request.text.strip()[:MAX_MESSAGE]
        call = to_team(
            InteropMessageCall(
                platform=partner.name,
                sender=request.sender_alias,
                person=recipient,
                phone=recipient.phone or "",
                text=text,
            )
        )
        notice = Notice(
            recipient,
            InteropMessage(partner.name, request.sender_alias, text),
            if_unreachable=(call,),
        )
        return Result(Outcome.DONE, notices=[notice])

    async def _involved(self, partner: Partner, person: Person, request: MessageRequest) -> bool:
        """The PR #49 rule: a partner writes only to someone it has a journey or booking with."""
        if request.booking_id:
            booking = await self._bookings.get(request.booking_id)
            return (
                booking is not None
                and booking.partner == partner.operator
                and booking.driver_id == person.id
            )
        if request.driver_journey_id:
            parsed = j.parse_ride_id(request.driver_journey_id)
            trip = await self._trips.get(parsed[0]) if parsed else None
            return (
                trip is not None
                and trip.driver_id == person.id
                and (trip.status is TripStatus.ACTIVE)
            )
        need_id = _need_id(request.passenger_journey_id or "")
        if need_id is None:
            return False
        need = await self._needs.get(need_id)
        return (
            need is not None
            and need.person_id == person.id
            and need.is_open
            and await self._shared.is_shared(need.id)
        )

    # A passenger's consent to be shown.

    async def share_need(self, person: Person, need_id: int) -> Shared:
        need = await self._needs.get(need_id)
        if need is None or need.person_id != person.id or not need.is_open:
            return Shared.NOT_FOUND
        async with self._uow.transaction():
            if not await self._shared.share(need.id, self._clock.now()):
                return Shared.ALREADY
            await self._needs.record_event(
                need.id, self._clock.now(), "shown_to_partners", person.id
            )
        return Shared.SHARED

    # Telling the passenger's platform what became of its bookings.

    async def to_tell(self) -> list[tuple[Partner, Booking]]:
        """Bookings whose new status (our driver's answer, an expiry) the partner must hear
        of; those of partners without an API are settled as told."""
        async with self._uow.transaction():
            for booking in await self._bookings.waiting_until(self._clock.now()):
                await self._expired(booking)
            found = []
            for booking in await self._bookings.untold():
                partner = self.partner_named(booking.partner)
                if partner is None or not partner.searchable:
                    await self._bookings.told(booking.number, booking.status)
                else:
                    found.append((partner, booking))
        return found

    async def told(self, booking: Booking) -> None:
        await self._bookings.told(booking.number, booking.status)

    async def unshare_need(self, person: Person, need_id: int) -> Shared:
        """The person changes their mind: the need is no longer shown."""
        need = await self._needs.get(need_id)
        if need is None or need.person_id != person.id:
            return Shared.NOT_FOUND
        async with self._uow.transaction():
            if not await self._shared.unshare(need.id):
                return Shared.ALREADY
            await self._needs.record_event(
                need.id, self._clock.now(), "hidden_from_partners", person.id
            )
        return Shared.HIDDEN

    def today(self) -> date:
        return self._calendar.today(self._clock.now())


def _with_seats(ride: j.DriverRide, seats: int) -> j.DriverRide:
    return replace(ride, seats=seats)


def _gap(moment: time, query: j.RegularQuery) -> int:
    wanted = query.time_of_day
    return abs(
        (moment.hour * 3600 + moment.minute * 60 + moment.second)
        - (wanted.hour * 3600 + wanted.minute * 60 + wanted.second)
    )


def _need_id(journey_id: str) -> int | None:
    parts = journey_id.split("-")
    if len(parts) == 3 and parts[0] == "need" and parts[1].isascii() and parts[1].isdigit():
        return int(parts[1])
    return None
