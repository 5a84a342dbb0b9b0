"""Standard covoiturage end to end, over loopback HTTP: partners search our trips and the
needs shown to them, book our drivers who answer in Telegram, write to them; our passengers
see the partners' journeys after our own drivers. Every answer of ours is checked against
the official OpenAPI documents (specs/) and FabMob's conformance checks."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.places.gazetteer import Gazetteer
from bot.settings import Settings
from handlers import keyboards as kb
from tests.conftest import RunningBot, free_port
from tests.interop_helpers import PR50, SPLIT, FakePartner, check, conformance
from tests.setups import agree_if_asked, describe_need, driver
from tests.test_find_flow import everything_seen_by

OPERATOR = "mobilot.example.org"
KEY = "karos-key-0123456789abcdef"
OTHER_KEY = "other-key-0123456789abcdef"
# Tuesday 24 November 2026, 7:30 in Cahors (the driver's departure).
TUESDAY_0730 = int(datetime(2026, 11, 24, 6, 30, tzinfo=UTC).timestamp())


class Interop:
    def __init__(self, bot: RunningBot, partner: FakePartner) -> None:
        self.bot, self.partner = bot, partner
        self.base = f"http://127.0.0.1:{bot.settings.http_port}/api/covoiturage"

    async def get(self, path: str, **params: Any) -> httpx.Response:
        """GET `path` with `params`; `key=` is the partner's key (None: none sent)."""
        key = params.pop("key", KEY)
        headers = {"X-API-Key": key} if key else {}
        async with httpx.AsyncClient() as client:
            return await client.get(self.base + path, params=params, headers=headers)

    async def send(
        self, method: str, path: str, body: Any = None, key: str = KEY, **params: Any
    ) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            answer = await client.request(
                method, self.base + path, json=body, params=params, headers={"X-API-Key": key}
            )
        await self.bot.app.settle()  # what it caused in Telegram is delivered
        return answer


@pytest.fixture
async def interop(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[Interop]:
    partner = FakePartner(free_port())
    await partner.start()
    partners = tmp_path / "partners.csv"
    partners.write_text(
        "operator,name,key,api_url,api_key\n"
        f"karos.example.com,Karos,{KEY},{partner.url},our-key-at-karos\n"
        f"other.example.net,Autre,{OTHER_KEY},,\n"
    )
    running = RunningBot(
        tmp_path,
        gazetteer,
        http_port=free_port(),
        interop_operator=OPERATOR,
        interop_partners_file=partners,
        interop_timeout_s=0.5,
    )
    await running.start(serve_http=True)
    yield Interop(running, partner)
    await running.stop()
    await partner.stop()


async def places(bot: RunningBot) -> dict[str, float]:
    [trip] = await bot.rows(
        "SELECT origin_lat, origin_lon, destination_lat, destination_lon FROM trips"
    )
    return {
        "departureLat": trip["origin_lat"],
        "departureLng": trip["origin_lon"],
        "arrivalLat": trip["destination_lat"],
        "arrivalLng": trip["destination_lon"],
    }


async def test_partners_find_our_trips_for_a_date_and_every_answer_is_the_standards(
    interop: Interop,
) -> None:
    await driver(interop.bot, 301, "Jean", username="jean_m")
    where = await places(interop.bot)
    query = {**where, "departureDate": TUESDAY_0730}
    answer = await interop.get("/driver_journeys", **query)
    assert answer.status_code == 200
    check(answer)
    [journey] = answer.json()
    conformance(answer.json(), query, OPERATOR)
    assert journey["id"] == "trip-1-out-20261124"
    assert journey["driver"] == {"id": "1", "operator": OPERATOR, "alias": "Jean M."}
    assert journey["passengerPickupDate"] == TUESDAY_0730
    assert journey["availableSeats"] == 3 and journey["type"] == "PLANNED"
    assert "jean_m" not in answer.text and "Martin" not in answer.text
    # Asked again: the same id (stable); half an hour later with a 1-minute margin: nothing.
    assert (await interop.get("/driver_journeys", **query)).json()[0]["id"] == journey["id"]
    later = {**query, "departureDate": TUESDAY_0730 + 1800, "timeDelta": 60}
    assert (await interop.get("/driver_journeys", **later)).json() == []
    # Two days either side: one ride a day (Monday's 7:30 has gone), ids unique, count kept.
    wide = {**query, "timeDelta": 2 * 86400}
    answer = await interop.get("/driver_journeys", **wide)
    check(answer)
    conformance(answer.json(), wide, OPERATOR)
    assert [j["id"] for j in answer.json()] == [
        "trip-1-out-20261124",
        "trip-1-out-20261125",
        "trip-1-out-20261126",
    ]
    counted = {**wide, "count": 2}
    answer = await interop.get("/driver_journeys", **counted)
    conformance(answer.json(), counted, OPERATOR)
    assert len(answer.json()) == 2
    # 30 km away from the road: not for this trip.
    away = {**query, "departureLat": where["departureLat"] + 0.3}
    assert (await interop.get("/driver_journeys", **away)).json() == []


async def test_partners_find_our_regular_trips_by_weekday_and_time_of_day(
    interop: Interop,
) -> None:
    await driver(interop.bot, 301, "Jean")
    where = await places(interop.bot)
    query = {**where, "departureTimeOfDay": "07:30:00", "departureWeekdays": "MON,TUE,SAT"}
    answer = await interop.get("/driver_regular_trips", **query)
    assert answer.status_code == 200
    check(answer)
    conformance(answer.json(), query, OPERATOR)
    [trip] = answer.json()
    assert [s["passengerPickupDay"] for s in trip["schedules"]] == ["MON", "TUE"]
    assert trip["schedules"][0]["passengerPickupTimeOfDay"] == "07:30:00"
    # 7:30 in the territory's time (UTC+1 in November), as the driver said it.
    tuesday = trip["schedules"][1]["journeySchedules"][0]
    assert tuesday == {
        "id": "trip-1-out-20261124",
        "passengerPickupDate": TUESDAY_0730,
        "driverDepartureDate": TUESDAY_0730,
        "type": "PLANNED",
    }
    eight = {**query, "departureTimeOfDay": "08:00:00"}
    assert (await interop.get("/driver_regular_trips", **eight)).json() == []
    wider = {**eight, "timeDelta": 1800}
    assert len((await interop.get("/driver_regular_trips", **wider)).json()) == 1
    weekend = {**query, "departureWeekdays": "SAT,SUN"}
    assert (await interop.get("/driver_regular_trips", **weekend)).json() == []
    # Bounds: the first week of December only.
    december = {
        **query,
        "minDepartureDate": int(datetime(2026, 12, 1, tzinfo=UTC).timestamp()),
        "maxDepartureDate": int(datetime(2026, 12, 7, 23, tzinfo=UTC).timestamp()),
    }
    answer = await interop.get("/driver_regular_trips", **december)
    check(answer)
    dates = [j["id"] for s in answer.json()[0]["schedules"] for j in s["journeySchedules"]]
    assert dates == ["trip-1-out-20261207", "trip-1-out-20261201"]


async def test_keys_parameters_and_rate_are_refused_as_the_standard_says(
    interop: Interop,
) -> None:
    await driver(interop.bot, 301, "Jean")
    where = await places(interop.bot)
    query = {**where, "departureDate": TUESDAY_0730}
    status = await interop.get("/status", key=None)
    assert status.status_code == 200
    check(status)
    for key in (None, "not-a-partner-key-000000"):
        refused = await interop.get("/driver_journeys", key=key, **query)
        assert refused.status_code == 401 and refused.content == b""
        check(refused)
    bad: list[dict[str, Any]] = [
        {k: v for k, v in query.items() if k != "departureLat"},
        {**query, "departureDate": "demain"},
        {**query, "departureLat": "95"},
        {**query, "departureRadius": "-1"},
        {**query, "count": "-2"},
    ]
    for params in bad:
        answer = await interop.get("/driver_journeys", **params)
        assert answer.status_code == 400 and set(answer.json()) == {"error"}, params
        check(answer, request_too=False)
    regular = {**where, "departureTimeOfDay": "7h30"}
    answer = await interop.get("/driver_regular_trips", **regular)
    assert answer.status_code == 400 and "07:30:00" in answer.json()["error"]
    answer = await interop.get(
        "/driver_regular_trips",
        **{**regular, "departureTimeOfDay": "07:30:00", "departureWeekdays": "LUNDI"},
    )
    assert answer.status_code == 400 and "MON" in answer.json()["error"]
    # The rate: 120 calls a minute per key; beyond, 429 with Retry-After; another key goes on.
    interop.bot.clock.advance(seconds=61)  # the calls above are forgotten
    async with httpx.AsyncClient() as client:
        codes = [
            (
                await client.get(
                    interop.base + "/driver_journeys", params=query, headers={"X-API-Key": KEY}
                )
            ).status_code
            for _ in range(120)
        ]
    assert 429 not in codes
    limited = await interop.get("/driver_journeys", **query)
    assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60
    check(limited)
    assert (await interop.get("/driver_journeys", key=OTHER_KEY, **query)).status_code == 200
    interop.bot.clock.advance(seconds=61)
    assert (await interop.get("/driver_journeys", **query)).status_code == 200


def booking(journey: dict[str, Any], status: str = "WAITING_CONFIRMATION") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "driver": journey["driver"],
        "passenger": {"id": "k-77", "operator": "karos.example.com", "alias": "Lucie B."},
        "passengerPickupDate": journey["passengerPickupDate"],
        "passengerPickupLat": journey["passengerPickupLat"],
        "passengerPickupLng": journey["passengerPickupLng"],
        "passengerDropLat": journey["passengerDropLat"],
        "passengerDropLng": journey["passengerDropLng"],
        "status": status,
        "price": {"type": "FREE"},
        "driverJourneyId": journey["id"],
    }


async def test_a_partners_passenger_books_our_driver_who_answers_in_telegram(
    interop: Interop,
) -> None:
    jean = await driver(interop.bot, 301, "Jean", username="jean_m")
    where = await places(interop.bot)
    [journey] = (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json()
    asked = booking(journey)
    created = await interop.send("POST", "/bookings", asked)
    assert created.status_code == 201
    check(created)
    assert created.json() == asked
    request = jean.last()
    assert "Demande venue de Karos" in request.text and "Lucie B. aimerait" in request.text
    assert "mardi 24 novembre, prise en charge vers 7h30" in request.text
    assert "votre trajet Cahors → Figeac de 7h30" in request.text
    assert request.buttons == ["✅ J'accepte", "Non, pas cette fois"]

    path = f"/bookings/{asked['id']}"
    got = await interop.get(path)
    check(got)
    assert got.json()["status"] == "WAITING_CONFIRMATION"
    # Nobody confirms for our driver; another partner does not see it.
    early = await interop.send("PATCH", path, status="CONFIRMED")
    assert early.status_code == 400 and early.json() == {"error": "only_the_driver_confirms"}
    check(early, request_too=False)
    hidden = await interop.get(path, key=OTHER_KEY)
    assert hidden.status_code == 404 and hidden.json() == {"error": "missing_booking"}
    check(hidden)

    updates = interop.bot.app.core.partner_updates
    assert updates is not None
    assert await updates.run_once() == 0  # nothing new for Karos yet
    await jean.press_doing(kb.BOOKING, "yes")
    assert "✅ Vous avez accepté." in request.text
    assert "Karos le voit et prévient Lucie B." in jean.last().text
    assert (await interop.get(path)).json()["status"] == "CONFIRMED"
    # Karos is told on its own API, in its own words, once.
    assert await updates.run_once() == 1 and await updates.run_once() == 0
    assert interop.partner.patches == [(asked["id"], "CONFIRMED", "our-key-at-karos")]
    again = await interop.send("PATCH", path, status="CONFIRMED")
    assert again.status_code == 409 and again.json() == {"error": "status_already_set"}
    check(again)
    back = await interop.send("PATCH", path, status="WAITING_CONFIRMATION")
    assert back.status_code == 400 and back.json() == {"error": "status_goes_back"}
    missing = await interop.send("PATCH", f"/bookings/{uuid.uuid4()}", status="CANCELLED")
    assert missing.status_code == 404 and missing.json() == {"error": "missing_booking"}
    check(missing)

    # The passenger writes (with a phone number of her own): it reaches the driver.
    note = {
        "from": asked["passenger"],
        "to": journey["driver"],
        "recipientCarpoolerType": "DRIVER",
        "message": "Bonjour, je serai devant la gare. Lucie, 06 11 22 33 44",
        "bookingId": asked["id"],
    }
    sent = await interop.send("POST", "/messages", note)
    assert sent.status_code == 201
    check(sent)
    assert "Message de Lucie B., venu de Karos" in jean.last().text
    assert "devant la gare" in jean.last().text
    stranger = await interop.send("POST", "/messages", {**note, "bookingId": str(uuid.uuid4())})
    assert stranger.status_code == 404
    check(stranger)

    cancelled = await interop.send("PATCH", path, status="CANCELLED", message="Plus besoin")
    assert cancelled.status_code == 200
    check(cancelled)
    assert (
        "Lucie B. (Karos) ne fera pas la route avec vous le mardi 24 novembre" in jean.last().text
    )
    assert "Plus besoin" in jean.last().text
    assert (await interop.get(path)).json()["status"] == "CANCELLED"
    assert "jean_m" not in (await interop.get(path)).text
    assert await updates.run_once() == 0  # Karos cancelled it: it knows
    interop.bot.assert_clean()


async def test_the_proposals_statuses_are_understood_and_answered_in_kind(
    interop: Interop,
) -> None:
    jean = await driver(interop.bot, 301, "Jean")
    where = await places(interop.bot)
    [journey] = (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json()
    split = booking(journey, "WAITING_DRIVER_CONFIRMATION")
    created = await interop.send("POST", "/bookings", split)
    check(created, SPLIT)
    got = await interop.get(f"/bookings/{split['id']}")
    check(got, SPLIT)
    assert got.json()["status"] == "WAITING_DRIVER_CONFIRMATION"
    await jean.press_doing(kb.BOOKING, "no")
    assert "Karos le voit et prévient Lucie B." in jean.last().text
    got = await interop.get(f"/bookings/{split['id']}")
    assert got.json()["status"] == "CANCELLED"
    check(got, SPLIT)
    # PR #50: a booking INITIATED, with a message for the driver.
    initiated = {**booking(journey, "INITIATED"), "message": "J'ai un petit chien."}
    created = await interop.send("POST", "/bookings", initiated)
    assert created.status_code == 201
    check(created, PR50)
    assert "« J'ai un petit chien. »" in jean.last().text
    # The same POST again (a retry) is the same booking; another body with its id is not.
    assert (await interop.send("POST", "/bookings", initiated)).status_code == 201
    reused = await interop.send("POST", "/bookings", {**initiated, "price": {"type": "UNKNOWN"}})
    assert reused.status_code == 400
    # Not ours, or on a day the trip does not run, or a past status: refused.
    for wrong in (
        {**booking(journey), "driverJourneyId": "trip-1-out-20261128"},
        {**booking(journey), "driverJourneyId": "elsewhere-42"},
        {**booking(journey), "status": "CONFIRMED"},
        {
            **booking(journey),
            "passenger": {"id": "x", "operator": "other.example.net", "alias": "X"},
        },
        {**booking(journey), "passengerPickupLat": journey["passengerPickupLat"] + 0.4},
        {**booking(journey), "passengerPickupDate": journey["passengerPickupDate"] + 7200},
    ):
        refused = await interop.send("POST", "/bookings", wrong)
        assert refused.status_code == 400 and "error" in refused.json(), wrong
    # Karos is told of the decline, in PR #51's words; and again later if it was down.
    updates = interop.bot.app.core.partner_updates
    assert updates is not None
    interop.partner.status = 503
    assert await updates.run_once() == 0
    interop.partner.status = 200
    assert await updates.run_once() == 1
    assert interop.partner.patches[-1][:2] == (split["id"], "CANCELLED")
    # Unanswered for twelve hours: they expire (this one and the INITIATED one), and Karos
    # hears of it.
    expiring = booking(journey)
    await interop.send("POST", "/bookings", expiring)
    interop.bot.clock.advance(hours=13)
    assert await updates.run_once() == 2
    assert sorted(interop.partner.patches[-2:]) == sorted(
        [
            (initiated["id"], "CANCELLED", "our-key-at-karos"),
            (expiring["id"], "CANCELLED", "our-key-at-karos"),
        ]
    )
    assert (await interop.get(f"/bookings/{expiring['id']}")).json()["status"] == "CANCELLED"


async def test_a_need_is_shown_to_partners_only_once_its_owner_agrees(interop: Interop) -> None:
    await driver(interop.bot, 301, "Jean")
    where = await places(interop.bot)
    marie = interop.bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie)  # Cahors → Figeac, Tuesday, arrive before 9h
    offer = marie.last()
    assert "D'autres sites de covoiturage peuvent montrer votre demande" in offer.text
    query = {**where, "departureDate": TUESDAY_0730, "timeDelta": 7200}
    assert (await interop.get("/passenger_journeys", **query)).json() == []
    await marie.press_doing(kb.SHARE, "")
    assert "votre demande est montrée aux autres sites" in marie.last().text
    answer = await interop.get("/passenger_journeys", **query)
    check(answer)
    conformance(answer.json(), query, OPERATOR)
    [shown] = answer.json()
    assert shown["passenger"] == {"id": "2", "operator": OPERATOR, "alias": "Marie D."}
    assert shown["id"] == "need-1-20261124" and shown["passengerDropAddress"] == "Figeac"
    assert "marie_d" not in answer.text and "Delpech" not in answer.text
    regular = {**where, "departureTimeOfDay": "08:00:00", "departureWeekdays": "TUE"}
    answer = await interop.get("/passenger_regular_trips", **regular)
    check(answer)
    assert answer.json() == []  # hers is for one date
    # A partner's driver writes to her about it.
    note = {
        "from": {"id": "k-9", "operator": "karos.example.com", "alias": "Paul K."},
        "to": shown["passenger"],
        "recipientCarpoolerType": "PASSENGER",
        "message": "Je passe par Cahors mardi, appelez-moi au 06 99 88 77 66",
        "passengerJourneyId": shown["id"],
    }
    sent = await interop.send("POST", "/messages", note)
    assert sent.status_code == 201
    assert "Message de Paul K., venu de Karos" in marie.last().text
    # She changes her mind: no longer shown, and no longer written to.
    await marie.press_doing(kb.SHARE, "off")
    assert "n'est plus montrée aux autres sites" in marie.last().text
    assert (await interop.get("/passenger_journeys", **query)).json() == []
    assert (await interop.send("POST", "/messages", note)).status_code == 404


def karos_journey(params: dict[str, str]) -> list[dict[str, Any]]:
    when = int(params.get("departureDate", TUESDAY_0730))
    return [
        {
            "id": "karos-1",
            "operator": "karos.example.com",
            "type": "PLANNED",
            "passengerPickupDate": when,
            "passengerPickupLat": float(params["departureLat"]),
            "passengerPickupLng": float(params["departureLng"]),
            "passengerDropLat": float(params["arrivalLat"]),
            "passengerDropLng": float(params["arrivalLng"]),
            "duration": 3000,
            "driver": {"id": "d1", "operator": "karos.example.com", "alias": "Paul K."},
            "webUrl": "https://karos.example.com/trajet/1?a=1&b=2",
            "availableSeats": 2,
        }
    ]


async def test_a_passenger_sees_a_partners_journey_after_our_drivers(interop: Interop) -> None:
    await driver(interop.bot, 301, "Jean")
    interop.partner.answer = lambda route, params: karos_journey(params)
    marie = interop.bot.fake.user(302, "Marie", last_name="Delpech")
    mark = marie.mark()
    await describe_need(marie)
    texts = [m.text for m in marie.messages()[mark:]]
    ours = next(i for i, t in enumerate(texts) if "J'ai trouvé des conducteurs" in t)
    theirs = next(i for i, t in enumerate(texts) if "Sur d'autres sites de covoiturage" in t)
    assert ours < theirs
    assert "• Karos : Paul K., mardi 24 novembre vers" in texts[theirs]
    assert "— voir sur Karos" in texts[theirs]
    links = [e.get("url") for e in marie.messages()[mark:][theirs].entities]
    assert links == ["https://karos.example.com/trajet/1?a=1&b=2"]
    [(route, params, key)] = interop.partner.calls
    assert route == "driver_journeys" and key == "our-key-at-karos"
    # Arrive before 9:00 in Figeac: the pickup window is centred before that, in UTC seconds.
    assert int(params["departureDate"]) < int(datetime(2026, 11, 24, 8, tzinfo=UTC).timestamp())
    # A regular need asks for regular trips.
    interop.partner.answer = lambda route, params: [
        {
            **karos_journey(params)[0],
            "schedules": [{"passengerPickupDay": "MON", "passengerPickupTimeOfDay": "07:45:00"}],
        }
    ]
    paul = interop.bot.fake.user(303, "Paul")
    await paul.command("chercher")
    await agree_if_asked(paul)
    await paul.send("Cahors")
    await paul.send("Figeac")
    await paul.press_doing(kb.FIND, "when:regular")
    await paul.press_doing(kb.FIND, "days:work")
    await paul.press_doing(kb.FIND, "days:ok")
    await paul.press_doing(kb.FIND, "mode:arrive_before")
    await paul.send("9h")
    await paul.press_doing(kb.FIND, "back:none")
    await paul.press_doing(kb.FIND, "purpose:work")
    await paul.press_doing(kb.FIND, "special:none")
    await paul.press_doing(kb.FIND, "confirm")
    assert interop.partner.calls[-1][0] == "driver_regular_trips"
    assert interop.partner.calls[-1][1]["departureWeekdays"] == "MON,TUE,WED,THU,FRI"
    assert "• Karos : Paul K., lundi vers 7h45" in everything_seen_by(paul)
    interop.bot.assert_clean()


async def test_a_slow_or_broken_partner_never_breaks_a_search(
    interop: Interop, caplog: pytest.LogCaptureFixture
) -> None:
    await driver(interop.bot, 301, "Jean")
    interop.partner.delay = 3.0  # beyond INTEROP_TIMEOUT_S (0.5 here)
    interop.partner.answer = lambda route, params: karos_journey(params)
    marie = interop.bot.fake.user(302, "Marie")
    with caplog.at_level(logging.WARNING, logger="bot.interop.theirs"):
        await describe_need(marie)
        assert "J'ai trouvé des conducteurs" in everything_seen_by(marie)
        assert "Sur d'autres sites" not in everything_seen_by(marie)
        # Then it fails outright: left alone for a while, logged once.
        interop.partner.delay, interop.partner.status = 0.0, 500
        zoe = interop.bot.fake.user(304, "Zoé")
        await describe_need(zoe, when="mercredi")
        assert "J'ai trouvé des conducteurs" in everything_seen_by(zoe)
    assert len(interop.partner.calls) == 1  # the second search did not wait for it
    assert [r.message for r in caplog.records].count(
        "partner karos.example.com does not answer (timeout)"
    ) == 1
    interop.bot.clock.advance(minutes=3)
    interop.partner.status = 200
    anne = interop.bot.fake.user(305, "Anne")
    await describe_need(anne, when="jeudi")
    assert "Sur d'autres sites de covoiturage" in everything_seen_by(anne)


def test_a_wrong_partners_file_stops_the_start_naming_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "partners.csv"
    path.write_text(
        "operator,name,key,api_url,api_key\n"
        f"karos.example.com,Karos,{KEY},,\n"
        "pas un domaine,X,another-key-0123456789,,\n"
    )
    with pytest.raises(ValueError) as error:
        Settings(_env_file=None, interop_partners_file=path)  # type: ignore[call-arg]
    assert f"{path}, line 3: operator 'pas un domaine' is not a domain name" in str(error.value)
    path.write_text(f"operator,name,key\nkaros.example.com,Karos,{KEY}\n")
    with pytest.raises(ValueError, match="line 1: missing columns"):
        Settings(_env_file=None, interop_partners_file=path)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="INTEROP_OPERATOR|interop_operator"):
        Settings(_env_file=None, interop_operator="not a domain")  # type: ignore[call-arg]


async def test_a_driver_who_accepted_can_call_it_off_and_the_partner_hears_of_it(
    interop: Interop,
) -> None:
    jean = await driver(interop.bot, 301, "Jean")
    where = await places(interop.bot)
    [journey] = (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json()
    asked = booking(journey)
    await interop.send("POST", "/bookings", asked)
    await jean.press_doing(kb.BOOKING, "yes")
    thanks = jean.last()
    assert thanks.buttons == ["❌ Je ne peux plus"]
    await jean.press_doing(kb.BOOKING, "off")
    assert thanks.buttons == [
        "Oui, je ne peux plus emmener Lucie B.",
        "Non, j'emmène bien Lucie B.",
    ]
    await jean.press_doing(kb.BOOKING, "keep")
    assert thanks.buttons == ["❌ Je ne peux plus"]
    await jean.press_doing(kb.BOOKING, "off")
    await jean.press_doing(kb.BOOKING, "off_yes")
    assert thanks.buttons == []
    assert "C'est noté : Karos prévient Lucie B." in jean.last().text
    assert (await interop.get(f"/bookings/{asked['id']}")).json()["status"] == "CANCELLED"
    updates = interop.bot.app.core.partner_updates
    assert updates is not None and await updates.run_once() == 1
    assert interop.partner.patches == [(asked["id"], "CANCELLED", "our-key-at-karos")]
    # The old button, pressed again: too late, politely.
    await jean.press_data("bk:1:off_yes", message=thanks)
    assert "n'est plus d'actualité" in jean.last().text
    interop.bot.assert_clean()
