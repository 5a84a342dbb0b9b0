"""The standard-covoiturage API under /api/covoiturage/ (FabMob v1.0.0-alpha, with the
X-API-Key of PR #49 and the booking statuses of PR #50 and #51).

Routes parse the query or the body, call one use case of the core (bot/interop/served.py)
and render JSON as the OpenAPI document says (tests validate every answer against it).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from bot.domain import Missing, NotWired
from bot.interop import journeys as j
from bot.interop.bookings import Booking, status_word
from bot.interop.partners import Partner
from bot.interop.served import BookingRequest, MessageRequest, Outcome, Result
from bot.matching import Point
from handlers.http.context import HttpContext, Telling

PREFIX = "/api/covoiturage"
MAX_BODY = 100_000
Handler = Callable[[Request, Partner], Awaitable[Response]]


class BadParameter(ValueError):
    pass


def routes(context: HttpContext) -> list[BaseRoute]:
    api = context.core.partner_api
    telling = context.telling
    if api is None or telling is None:
        raise NotWired("the partner API is served without its service")
    zone = context.core.settings.zone
    operator = api.operator

    def guarded(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """A known X-API-Key (else 401), within its rate (else 429), good parameters (400)."""

        async def route(request: Request) -> Response:
            partner = api.partner_for_key(request.headers.get("x-api-key"))
            caller = f"key:{partner.operator}" if partner else f"ip:{_client(request)}"
            wait = api.wait_needed(caller)
            if wait is not None:
                return Response(status_code=429, headers={"Retry-After": str(wait)})
            if partner is None:
                return Response(status_code=401)
            try:
                return await handler(request, partner)
            except BadParameter as error:
                return JSONResponse({"error": str(error)}, 400)

        return route

    async def status(request: Request) -> Response:
        wait = api.wait_needed(f"ip:{_client(request)}")
        if wait is not None:
            return Response(status_code=429, headers={"Retry-After": str(wait)})
        return Response(status_code=200)

    async def driver_journeys(request: Request, partner: Partner) -> Response:
        rides = await api.driver_journeys(_dated(request))
        return JSONResponse([_driver_ride(r, operator) for r in rides])

    async def driver_regular_trips(request: Request, partner: Partner) -> Response:
        offers = await api.driver_regular_trips(_regular(request, zone))
        return JSONResponse([_driver_regular(o, operator) for o in offers])

    async def passenger_journeys(request: Request, partner: Partner) -> Response:
        rides = await api.passenger_journeys(_dated(request))
        return JSONResponse([_passenger_ride(r, operator) for r in rides])

    async def passenger_regular_trips(request: Request, partner: Partner) -> Response:
        found = await api.passenger_regular_trips(_regular(request, zone))
        return JSONResponse([_passenger_regular(r, operator) for r in found])

    async def post_booking(request: Request, partner: Partner) -> Response:
        booking_request = _booking_request(await _body(request))
        result = await _told(telling, lambda: api.book(partner, booking_request))
        if result.outcome is not Outcome.DONE or result.booking is None:
            return JSONResponse({"error": result.error or result.outcome.value}, 400)
        return JSONResponse(_booking(result.booking), 201)

    async def get_booking(request: Request, partner: Partner) -> Response:
        booking_id = _booking_id(request)
        booking = await api.booking(partner, booking_id)
        if booking is None:
            return JSONResponse({"error": "missing_booking"}, 404)
        return JSONResponse(_booking(booking))

    async def patch_booking(request: Request, partner: Partner) -> Response:
        booking_id = _booking_id(request)
        word = request.query_params.get("status")
        if not word:
            raise BadParameter("status is required")
        message = request.query_params.get("message")
        if message is not None and len(message) > 500:
            raise BadParameter("message: at most 500 characters")
        result = await _told(telling, lambda: api.set_status(partner, booking_id, word, message))
        if result.outcome is Outcome.MISSING_BOOKING:
            return JSONResponse({"error": "missing_booking"}, 404)
        if result.outcome is Outcome.ALREADY:
            return JSONResponse({"error": "status_already_set"}, 409)
        if result.outcome is not Outcome.DONE:
            return JSONResponse({"error": result.error or result.outcome.value}, 400)
        return Response(status_code=200)

    async def post_message(request: Request, partner: Partner) -> Response:
        message = _message_request(await _body(request))
        result = await _told(telling, lambda: api.message(partner, message))
        if result.outcome is Outcome.MISSING_USER:
            return Response(status_code=404)
        if result.outcome is not Outcome.DONE:
            return JSONResponse({"error": result.error or result.outcome.value}, 400)
        return Response(status_code=201)

    return [
        Mount(
            PREFIX,
            routes=[
                Route("/status", status, methods=["GET"]),
                Route("/driver_journeys", guarded(driver_journeys), methods=["GET"]),
                Route("/driver_regular_trips", guarded(driver_regular_trips), methods=["GET"]),
                Route("/passenger_journeys", guarded(passenger_journeys), methods=["GET"]),
                Route(
                    "/passenger_regular_trips", guarded(passenger_regular_trips), methods=["GET"]
                ),
                Route("/bookings", guarded(post_booking), methods=["POST"]),
                Route("/bookings/{booking_id}", guarded(get_booking), methods=["GET"]),
                Route("/bookings/{booking_id}", guarded(patch_booking), methods=["PATCH"]),
                Route("/messages", guarded(post_message), methods=["POST"]),
            ],
        )
    ]


async def _told(telling: Telling, use_case: Callable[[], Awaitable[Result]]) -> Result:
    """The use case and the messages it causes, in one transaction; then sent."""
    async with telling.recording():
        result = await use_case()
        await telling.write(result.notices)
    if result.notices:
        telling.wake()
    return result


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# Query parameters.


def _number(request: Request, name: str, default: float | None = None) -> float:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        if default is None:
            raise BadParameter(f"{name} is required")
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise BadParameter(f"{name} must be a finite number")
    return value


def _integer(request: Request, name: str, required: bool = False) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        if required:
            raise BadParameter(f"{name} is required")
        return None
    if not re.fullmatch(r"-?\d{1,15}", raw):
        raise BadParameter(f"{name} must be an integer, got {raw!r}")
    return int(raw)


def _area(request: Request) -> j.Area:
    lats = [_number(request, name) for name in ("departureLat", "arrivalLat")]
    lngs = [_number(request, name) for name in ("departureLng", "arrivalLng")]
    if any(not -90 <= lat <= 90 for lat in lats):
        raise BadParameter("latitudes must lie between -90 and 90")
    if any(not -180 <= lng <= 180 for lng in lngs):
        raise BadParameter("longitudes must lie between -180 and 180")
    radii = [
        _number(request, name, j.DEFAULT_RADIUS_KM) for name in ("departureRadius", "arrivalRadius")
    ]
    if any(radius <= 0 for radius in radii):
        raise BadParameter("departureRadius and arrivalRadius must be positive (km)")
    return j.Area(Point(lats[0], lngs[0]), Point(lats[1], lngs[1]), radii[0], radii[1])


def _delta_and_count(request: Request) -> tuple[timedelta, int | None]:
    delta = _integer(request, "timeDelta")
    count = _integer(request, "count")
    if delta is not None and delta < 0:
        raise BadParameter("timeDelta must not be negative (seconds)")
    if count is not None and count < 0:
        raise BadParameter("count must not be negative")
    return (j.DEFAULT_TIME_DELTA if delta is None else timedelta(seconds=delta)), count


def _moment(request: Request, name: str, required: bool = False) -> datetime | None:
    value = _integer(request, name, required)
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise BadParameter(f"{name} is not a UNIX timestamp in seconds") from None


def _dated(request: Request) -> j.DatedQuery:
    area = _area(request)
    departure = _moment(request, "departureDate", required=True)
    if departure is None:
        raise Missing("a required departureDate read as none")
    delta, count = _delta_and_count(request)
    return j.DatedQuery(area, departure, delta, count)


PARTIAL_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?")


def _regular(request: Request, zone: Any) -> j.RegularQuery:
    area = _area(request)
    raw = request.query_params.get("departureTimeOfDay")
    if not raw:
        raise BadParameter("departureTimeOfDay is required")
    match = PARTIAL_TIME.fullmatch(raw)
    if match is None or int(match[1]) > 23 or int(match[2]) > 59 or int(match[3] or 0) > 59:
        raise BadParameter(f"departureTimeOfDay must be like 07:30:00 (no zone), got {raw!r}")
    at = time(int(match[1]), int(match[2]), int(match[3] or 0))
    weekdays = j.ALL_WEEKDAYS
    raw_days = request.query_params.get("departureWeekdays")
    if raw_days is not None:
        words = [word.strip().upper() for word in raw_days.split(",") if word.strip()]
        if not words or any(word not in j.WEEKDAY_CODES for word in words):
            raise BadParameter("departureWeekdays: a comma list among MON,TUE,WED,THU,FRI,SAT,SUN")
        weekdays = frozenset(j.WEEKDAY_CODES.index(word) for word in words)
    delta, count = _delta_and_count(request)
    low = _moment(request, "minDepartureDate")
    high = _moment(request, "maxDepartureDate")
    if low and high and high < low:
        raise BadParameter("maxDepartureDate is before minDepartureDate")
    return j.RegularQuery(area, at, weekdays, delta, low, high, count)


# Bodies.


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise BadParameter("the body is too large")
    try:
        body = json.loads(raw)
    except ValueError:
        raise BadParameter("the body is not JSON") from None
    if not isinstance(body, dict):
        raise BadParameter("the body must be a JSON object")
    return body


def _user(body: dict[str, Any], name: str) -> dict[str, Any]:
    user = body.get(name)
    if not isinstance(user, dict):
        raise BadParameter(f"{name} is required (a User)")
    for field in ("id", "operator", "alias"):
        if not isinstance(user.get(field), str) or not user[field]:
            raise BadParameter(f"{name}.{field} is required (a string)")
    return user


def _coordinate(body: dict[str, Any], name: str, limit: float) -> float:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadParameter(f"{name} is required (a number)")
    if not -limit <= value <= limit:
        raise BadParameter(f"{name} is out of range")
    return float(value)


def _booking_request(body: dict[str, Any]) -> BookingRequest:
    booking_id = body.get("id")
    if not isinstance(booking_id, str) or not _is_uuid(booking_id):
        raise BadParameter("id must be a UUID")
    driver, passenger = _user(body, "driver"), _user(body, "passenger")
    status = body.get("status")
    if not isinstance(status, str):
        raise BadParameter("status is required")
    price = body.get("price")
    if not isinstance(price, dict) or price.get("type") not in ("FREE", "PAYING", "UNKNOWN"):
        raise BadParameter("price is required, with type FREE, PAYING or UNKNOWN")
    pickup_date = body.get("passengerPickupDate")
    if isinstance(pickup_date, bool) or not isinstance(pickup_date, int | float):
        raise BadParameter("passengerPickupDate is required (UNIX seconds)")
    pickup = Point(
        _coordinate(body, "passengerPickupLat", 90), _coordinate(body, "passengerPickupLng", 180)
    )
    drop = Point(
        _coordinate(body, "passengerDropLat", 90), _coordinate(body, "passengerDropLng", 180)
    )
    journey = body.get("driverJourneyId")
    message = body.get("message")
    if message is not None and (not isinstance(message, str) or len(message) > 500):
        raise BadParameter("message: a string of at most 500 characters")
    try:
        pickup_at = datetime.fromtimestamp(pickup_date, UTC)
    except (OverflowError, OSError, ValueError):
        raise BadParameter("passengerPickupDate is not a UNIX timestamp in seconds") from None
    return BookingRequest(
        id=booking_id.lower(),
        driver_id=driver["id"],
        driver_operator=driver["operator"],
        passenger_operator=passenger["operator"],
        passenger_alias=passenger["alias"],
        status=status,
        pickup_at=pickup_at,
        driver_journey_id=journey if isinstance(journey, str) else None,
        message=message,
        body={key: value for key, value in body.items() if key != "message"},
        pickup=pickup,
        drop=drop,
    )


def _message_request(body: dict[str, Any]) -> MessageRequest:
    sender, recipient = _user(body, "from"), _user(body, "to")
    text = body.get("message")
    if not isinstance(text, str) or not text.strip() or len(text) > 500:
        raise BadParameter("message: a string of 1 to 500 characters")
    if body.get("recipientCarpoolerType", "DRIVER") not in ("DRIVER", "PASSENGER"):
        raise BadParameter("recipientCarpoolerType must be DRIVER or PASSENGER")
    ids = {}
    for name in ("driverJourneyId", "passengerJourneyId", "bookingId"):
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise BadParameter(f"{name} must be a string")
        ids[name] = value
    return MessageRequest(
        sender_alias=sender["alias"][:60],
        sender_operator=sender["operator"],
        recipient_id=recipient["id"],
        recipient_operator=recipient["operator"],
        text=text,
        driver_journey_id=ids["driverJourneyId"],
        passenger_journey_id=ids["passengerJourneyId"],
        booking_id=(ids["bookingId"] or "").lower() or None,
    )


def _booking_id(request: Request) -> str:
    value = str(request.path_params["booking_id"])
    if not _is_uuid(value):
        raise BadParameter("bookingId must be a UUID")
    return value.lower()


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


# Rendering.


def _user_of(person: Any, operator: str) -> dict[str, Any]:
    """Only an alias: never a phone number nor a Telegram handle."""
    return {"id": str(person.id), "operator": operator, "alias": person.short_name}


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _driver_trip(trip: Any, course: j.Course, pickup: Point, drop: Point) -> dict[str, Any]:
    outbound = course.leg.value == "outbound"
    start, end = (trip.origin, trip.destination) if outbound else (trip.destination, trip.origin)
    return {
        "passengerPickupLat": pickup.lat,
        "passengerPickupLng": pickup.lon,
        "passengerDropLat": drop.lat,
        "passengerDropLng": drop.lon,
        "driverDepartureLat": start.lat,
        "driverDepartureLng": start.lon,
        "driverArrivalLat": end.lat,
        "driverArrivalLng": end.lon,
        "driverDepartureAddress": start.name,
        "driverArrivalAddress": end.name,
        "distance": round(course.ride_km * 1000),
        "duration": round(course.ride_minutes * 60),
    }


def _driver_ride(ride: j.DriverRide, operator: str) -> dict[str, Any]:
    return {
        "id": ride.id,
        "operator": operator,
        **_driver_trip(ride.trip, ride.course, ride.pickup, ride.drop),
        "driver": _user_of(ride.driver, operator),
        "passengerPickupDate": _ts(ride.pickup_at),
        "driverDepartureDate": _ts(ride.departs_at),
        "type": "PLANNED",
        "availableSeats": ride.seats,
        # Mobilot takes no payment: people agree on sharing costs between themselves.
        "price": {"type": "UNKNOWN"},
    }


def _schedule_of(day: int, pickup: time, rides: list[Any]) -> dict[str, Any]:
    return {
        "passengerPickupDay": j.WEEKDAY_CODES[day],
        "passengerPickupTimeOfDay": pickup.strftime("%H:%M:%S"),
        "journeySchedules": [
            {
                "id": ride.id,
                "passengerPickupDate": _ts(ride.pickup_at),
                "driverDepartureDate": _ts(ride.departs_at),
                "type": "PLANNED",
            }
            for ride in rides
        ],
    }


def _driver_regular(offer: j.DriverRegular, operator: str) -> dict[str, Any]:
    return {
        "operator": operator,
        **_driver_trip(offer.trip, offer.course, offer.pickup, offer.drop),
        "driver": _user_of(offer.driver, operator),
        "schedules": [
            _schedule_of(day, offer.pickup_time, [r for r in offer.rides if r.weekday == day])
            for day in sorted(offer.days)
        ],
    }


def _passenger_ride(ride: j.PassengerRide, operator: str) -> dict[str, Any]:
    need = ride.need
    return {
        "id": ride.id,
        "operator": operator,
        **_need_trip(need, ride.ride_km, ride.ride_minutes),
        "passenger": _user_of(ride.passenger, operator),
        "passengerPickupDate": _ts(ride.pickup_at),
        "driverDepartureDate": _ts(ride.departs_at),
        "type": "PLANNED",
        "requestedSeats": 1,
    }


def _need_trip(need: Any, ride_km: float, ride_minutes: float) -> dict[str, Any]:
    return {
        "passengerPickupLat": need.origin.lat,
        "passengerPickupLng": need.origin.lon,
        "passengerDropLat": need.destination.lat,
        "passengerDropLng": need.destination.lon,
        "passengerPickupAddress": need.origin.name,
        "passengerDropAddress": need.destination.name,
        "distance": round(ride_km * 1000),
        "duration": round(ride_minutes * 60),
    }


def _passenger_regular(found: j.PassengerRegular, operator: str) -> dict[str, Any]:
    return {
        "operator": operator,
        **_need_trip(found.need, found.ride_km, found.ride_minutes),
        "passenger": _user_of(found.passenger, operator),
        "schedules": [
            _schedule_of(day, found.pickup_time, [r for r in found.rides if r.weekday == day])
            for day in sorted(found.days)
        ],
    }


def _booking(booking: Booking) -> dict[str, Any]:
    """The Booking as the partner created it (frozen), with its status now."""
    return {**booking.body, "status": status_word(booking.status, booking.dialect)}
