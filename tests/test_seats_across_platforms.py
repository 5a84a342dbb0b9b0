"""One seat, two ways in: our passengers and the partners' (standard covoiturage) take seats
of the same trip on the same date, and a one-off trip is served to partners on its date."""

from __future__ import annotations

from handlers import keyboards as kb
from tests.setups import describe_need
from tests.test_interop_api import TUESDAY_0730, Interop, booking, interop, places
from tests.test_one_off_and_seats import offer_once

__all__ = ["interop"]  # the fixture, used by name


async def test_a_partners_passenger_takes_the_one_seat_of_a_one_off_trip(
    interop: Interop,
) -> None:
    bot = interop.bot
    jean = bot.fake.user(301, "Jean", last_name="Martin", username="jean_m")
    await offer_once(jean, when="demain", seats="1")  # Tuesday 24 November, 7:30
    where = await places(bot)
    [journey] = (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json()
    assert journey["id"] == "trip-1-out-20261124" and journey["availableSeats"] == 1
    next_week = TUESDAY_0730 + 7 * 86400
    assert (await interop.get("/driver_journeys", **where, departureDate=next_week)).json() == []

    created = await interop.send("POST", "/bookings", booking(journey))
    assert created.status_code == 201
    await jean.press_doing(kb.BOOKING, "yes")

    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie, when="demain")
    seen = "\n".join(m.text for m in marie.messages())
    assert "Je n'ai pas trouvé de conducteur" in seen and "Jean M." not in seen
    bot.take_blocked_errors()
    assert bot.fake.exceptions == []


async def test_our_passenger_takes_the_one_seat_and_partners_no_longer_see_it(
    interop: Interop,
) -> None:
    bot = interop.bot
    jean = bot.fake.user(301, "Jean", last_name="Martin", username="jean_m")
    await offer_once(jean, when="demain", seats="1")
    where = await places(bot)
    [journey] = (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json()
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie, when="demain")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    assert (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json() == []
    late = await interop.send("POST", "/bookings", booking(journey))
    assert late.status_code == 400 and "no seat left" in late.json()["error"]
    assert bot.fake.exceptions == []
