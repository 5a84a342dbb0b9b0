"""The demo territory try mode starts from: the Lot (department 46), its operators' group, a
few drivers with regular trips, the three people the page opens with, and the simple phones
(SMS): a passenger's, and a driver's who has no Telegram."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time

from bot.assembly import Core
from bot.domain import WORKING_DAYS, NewTrip, PlaceRef, TelegramIdentity, Weekday
from bot.services.consents import TRIP
from bot.services.places import to_ref
from handlers.tryout.botapi import FakeBotAPI

DEPARTMENTS = ("46",)
OPERATORS_GROUP = -1004600000001
SMS_NUMBER = "36111"  # the territory's number, as people text it


@dataclass(frozen=True)
class TryPerson:
    """Someone the page can play: a Telegram account of the stand-in."""

    user_id: int
    first_name: str
    last_name: str
    username: str | None
    phone: str
    role: str  # "driver", "passenger", "operator", "person": the panel's title
    language: str = "fr"
    shown: bool = True  # a panel on the page from the start


@dataclass(frozen=True)
class DemoTrip:
    origin: str
    destination: str
    weekdays: frozenset[Weekday]
    departure: time
    return_time: time | None
    seats: int


PEOPLE = (
    TryPerson(1001, "Jeanne", "Martin", "jeanne_lot", "+33 6 11 22 33 44", "driver"),
    TryPerson(1002, "Paul", "Castel", "paul_castel", "+33 6 55 66 77 88", "passenger"),
    TryPerson(1003, "Odile", "Roques", "odile_equipe", "+33 5 65 00 00 01", "operator"),
)
TUE_THU = frozenset({Weekday.TUESDAY, Weekday.THURSDAY})
DEMO_DRIVERS = (
    (
        TryPerson(
            2001, "Marc", "Delmas", "marc_delmas", "+33 6 20 00 00 01", "driver", shown=False
        ),  # fmt: skip
        DemoTrip("Figeac", "Cahors", WORKING_DAYS, time(7, 15), time(17, 30), 3),
    ),
    (
        TryPerson(
            2002, "Sophie", "Lacombe", "sophie_lacombe", "+33 6 20 00 00 02", "driver", shown=False
        ),  # fmt: skip
        DemoTrip("Gourdon", "Cahors", TUE_THU, time(8, 0), time(18, 0), 2),
    ),
    (
        TryPerson(
            2003, "Luc", "Vidal", "luc_vidal", "+33 6 20 00 00 03", "driver", shown=False
        ),  # fmt: skip
        DemoTrip("Saint-Céré", "Figeac", WORKING_DAYS, time(8, 0), None, 2),
    ),
    (
        TryPerson(2004, "Nadia", "Bensaïd", None, "+33 6 20 00 00 04", "driver", shown=False),
        DemoTrip(
            "Souillac",
            "Gourdon",
            frozenset({Weekday.WEDNESDAY, Weekday.SATURDAY}),
            time(9, 0),
            time(12, 0),
            3,
        ),  # fmt: skip
    ),
)


@dataclass(frozen=True)
class SimplePhone:
    """A phone without internet the page can play: it texts the territory's number."""

    number: str  # E.164
    name: str  # "" when only the number is known (the passenger, until they say)
    role: str  # "driver", "passenger": the panel's title
    shown: bool = True  # a panel on the page from the start


SMS_PASSENGER = SimplePhone("+33612345678", "", "passenger")
# A volunteer driver reached only by SMS, on the road every day: whoever texts "cahors demain
# 9h" from Gramat, to arrive before 9h, is offered him, whatever day it is tomorrow.
SMS_DRIVER = (
    SimplePhone("+33620000005", "Henri Bouscarel", "driver", shown=False),
    DemoTrip("Gramat", "Cahors", frozenset(Weekday), time(7, 45), time(17, 0), 3),
)
SIMPLE_PHONES = (SMS_PASSENGER, SMS_DRIVER[0])
# Places a person can share as a location (name, latitude, longitude).
PLACES = (
    ("Cahors", 44.4475, 1.4419),
    ("Centre hospitalier de Cahors", 44.4529, 1.4386),
    ("Figeac", 44.6086, 2.0317),
    ("Gourdon", 44.7373, 1.3831),
    ("Souillac", 44.8970, 1.4760),
    ("Gramat", 44.7806, 1.7258),
    ("Saint-Céré", 44.8586, 1.8928),
    ("Lacapelle-Marival", 44.7289, 1.9264),
    ("Puy-l'Évêque", 44.5043, 1.1394),
    ("Labastide-Murat", 44.6469, 1.5667),
)


def add_to_telegram(standin: FakeBotAPI, person: TryPerson) -> None:
    user = standin.user(
        person.user_id, person.first_name, last_name=person.last_name,
        username=person.username, language_code=person.language,
    )  # fmt: skip
    if person.role == "operator":
        standin.set_member(OPERATORS_GROUP, person.user_id, "member")
    user.started = not person.shown  # the demo's drivers have talked to the bot before


async def _place(core: Core, name: str) -> PlaceRef:
    found = await core.places.resolve(name)
    if not found.exact:
        raise LookupError(f"demo place {name!r} is not in the gazetteer")
    return to_ref(found.exact[0].place)  # the territory's own first (there are 3 Gourdon)


async def _new_trip(core: Core, trip: DemoTrip) -> NewTrip:
    return NewTrip(
        origin=await _place(core, trip.origin),
        destination=await _place(core, trip.destination),
        weekdays=trip.weekdays,
        departure=trip.departure,
        return_time=trip.return_time,
        seats=trip.seats,
    )


async def seed(core: Core, standin: FakeBotAPI, language: str) -> list[TryPerson]:
    """The operators' group, the page's people and the demo drivers with their trips, all
    with their Telegram set to `language` (the page's)."""
    standin.group(OPERATORS_GROUP, "Équipe Mobilot du Lot")
    people = [replace(p, language=language) for p in PEOPLE]
    drivers = [(replace(p, language=language), trip) for p, trip in DEMO_DRIVERS]
    people += [driver for driver, _ in drivers]
    for person in people:
        add_to_telegram(standin, person)
    for person, trip in drivers:
        identity = TelegramIdentity(
            user_id=person.user_id, first_name=person.first_name, last_name=person.last_name,
            username=person.username, language_code=person.language,
        )  # fmt: skip
        # They agreed to the drivers' text, its current version (bot/services/consents.py).
        driver = await core.consents.give(await core.people.identify(identity), TRIP)
        if person.username is None:  # reached by phone: the number is theirs to show
            driver = await core.people.set_phone(driver, person.phone, True)
        await core.trips.register(driver, await _new_trip(core, trip))
    await _seed_texting_driver(core, *SMS_DRIVER)
    return people


async def _seed_texting_driver(core: Core, phone: SimplePhone, trip: DemoTrip) -> None:
    """A driver without Telegram, as if he had texted "je propose un trajet": agreed to the
    drivers' text, to be texted, and to have his number given to the passengers he takes
    (in the territory's language, the page's)."""
    driver = await core.people.identify_by_phone(phone.number)
    driver = await core.people.set_name(driver, phone.name)
    driver = await core.consents.give(driver, TRIP)
    driver = await core.people.reach_by_sms(driver, show_phone=True)
    await core.trips.register(driver, await _new_trip(core, trip))
