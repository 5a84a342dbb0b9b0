"""Every kind of notice the core can send has a wording, in French and in English, that
renders with sample values; and the kinds are bound one to one to their message keys."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot import notices as n
from bot.aids.catalogue import load_catalogue
from bot.aids.model import Application, Situation, Status
from bot.domain import (
    Introduction,
    IntroductionStatus,
    Need,
    NeedStatus,
    Person,
    PlaceRef,
    Purpose,
    Ride,
    Trip,
    TripStatus,
    Weekday,
)
from bot.interop.theirs import TheirJourney
from bot.matching import Leg, Match, TimeMode
from bot.services.candidates import Candidate
from bot.services.views import FollowUp, FollowUpResult
from bot.transit.catalog import MobilityService
from bot.transit.ondemand import BookingRule, OnDemandAnswer, OnDemandService
from bot.transit.planner import Leg as TransitLeg
from bot.transit.planner import TransitOption
from handlers.notices import NoticeWords
from i18n import Translator

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
CAHORS = PlaceRef(id="insee:46042", name="Cahors", department="46", lat=44.4475, lon=1.4419)
FIGEAC = PlaceRef(id="insee:46102", name="Figeac", department="46", lat=44.6086, lon=2.0317)

MARIE = Person(id=1, display_name="Marie Dupont", telegram_user_id=11, created_at=NOW)
JEAN = Person(
    id=2,
    display_name="Jean Martin",
    telegram_user_id=12,
    telegram_username="jeanm",
    phone="+33612345678",
    created_at=NOW,
)
TRIP = Trip(
    id=5,
    driver_id=2,
    status=TripStatus.ACTIVE,
    origin=CAHORS,
    destination=FIGEAC,
    weekdays=frozenset({Weekday.MONDAY}),
    departure=time(8),
    return_time=time(17),
    seats=3,
    created_at=NOW,
    updated_at=NOW,
)
NEED = Need(
    id=7,
    person_id=1,
    status=NeedStatus.SEARCHING,
    origin=CAHORS,
    destination=FIGEAC,
    travel_date=date(2026, 11, 30),
    time_mode=TimeMode.ARRIVE_BEFORE,
    at=time(9),
    purpose=Purpose.HEALTH,
    created_at=NOW,
    updated_at=NOW,
)
INTRODUCTION = Introduction(
    id=9,
    need_id=7,
    trip_id=5,
    driver_id=2,
    passenger_id=1,
    leg="outbound",
    travel_day=0,
    pickup=time(8, 5),
    dropoff=time(8, 50),
    extra_minutes=4.0,
    status=IntroductionStatus.ACCEPTED,
    created_at=NOW,
    expires_at=NOW.replace(hour=21),
    ride_date=date(2026, 11, 30),
)
CANDIDATE = Candidate(
    Match(
        trip_id=5,
        driver_id=2,
        leg=Leg.OUTBOUND,
        weekdays=frozenset({0}),
        pickup=time(8, 5),
        dropoff=time(8, 50),
        extra_minutes=4.0,
        time_gap_minutes=10.0,
    ),
    TRIP,
    JEAN,
)
OPTION = TransitOption(
    day=date(2026, 11, 30),
    legs=(
        TransitLeg(
            trip_id="t1",
            line="875",
            line_name="Cahors - Figeac",
            agency="liO",
            headsign="Figeac",
            board_stop="s1",
            board_name="Cahors gare",
            departure=7 * 3600,
            alight_stop="s2",
            alight_name="Figeac gare",
            arrival=8 * 3600 + 600,
        ),
    ),
    walk_to_m=300,
    walk_from_m=1200,
)
SERVICE = MobilityService(
    name="TAD du Grand Figeac",
    kind="tad",
    communes=frozenset({"46102"}),
    departments=frozenset({"46"}),
    phone="05 65 00 00 00",
    booking="la veille",
    who="tous",
)
TAD = OnDemandService(
    name="Transport à la demande du Grand Figeac",
    zone=ZoneInfo("Europe/Paris"),
    rule=BookingRule(
        2,
        prior_notice_last_day=1,
        prior_notice_last_time=16 * 3600,
        phone="05 65 34 00 00",
        booking_url="https://example.org/tad",
        message="Prévoir l'appoint",
    ),
)
ON_DEMAND = (
    OnDemandAnswer(TAD, date(2026, 12, 9), date(2026, 12, 9), NOW, 9 * 3600),
    OnDemandAnswer(TAD, date(2026, 12, 9), date(2026, 12, 10), NOW, 9 * 3600),
)
JOURNEY = TheirJourney(
    platform="Covoit'Occitanie",
    driver="Bernard",
    pickup_at=None,
    pickup_time=time(8),
    days=frozenset({0, 1}),
    web_url="https://example.org/j",
    seats=3,
)
AID = load_catalogue().aids[0]
APPLICATION = Application(
    id=3,
    aid_id=AID.id,
    person_id=1,
    status=Status.TO_PROCESS,
    created_at=NOW,
    aid_title=AID.title,
    funder_name=AID.funder_name,
    age=30,
    situation=Situation.JOB_SEEKER,
    commune_name="Cahors",
)

# A sample for each type of value a kind declares. A kind with a new type of value needs its
# sample here: the test says which.
SAMPLES: dict[str, object] = {
    "Need": NEED,
    "Person": MARIE,
    "Person | None": JEAN,
    "Introduction": INTRODUCTION,
    "Trip": TRIP,
    "Ride": Ride(INTRODUCTION, NEED, MARIE, JEAN, TRIP, date(2026, 11, 30)),
    "FollowUp": FollowUp(FollowUpResult.DONE, NEED, MARIE, JEAN),
    "tuple[Candidate, ...]": (CANDIDATE,),
    "tuple[TransitOption, ...]": (OPTION,),
    "tuple[MobilityService, ...]": (SERVICE,),
    "tuple[TheirJourney, ...]": (JOURNEY,),
    "tuple[OnDemandAnswer, ...]": ON_DEMAND,
    "datetime | None": NOW,
    "Application": APPLICATION,
    "Aid": AID,
    "tuple[Aid, ...]": (AID, load_catalogue().get("fastt-location")),
    "NoticeValues": n.AidsValidatedOnce("Aide au permis", 500_00, 3),
    "datetime": NOW.replace(hour=21),
    "date": date(2026, 11, 30),
    "time": time(8, 5),
    "int": 3,
    "float": 0.2,
    "bool": True,
    "str": "Lucie",
}
# Values of a given name that are a key of the catalogs, not free words.
NAMED: dict[str, object] = {"reason": "other", "frequency": "once", "leg": "outbound"}
REASONS: dict[type[n.NoticeValues], str] = {
    n.NeedPost: "no_match",
    n.OperatorsBackToTeam: "no_match",
    n.OperatorsPersonToldClosed: "solved",
}


def sample(kind: type[n.NoticeValues]) -> n.NoticeValues:
    values: dict[str, object] = {}
    for f in dataclasses.fields(kind):
        if f.name == "reason" and kind in REASONS:
            values[f.name] = REASONS[kind]
        elif f.name in NAMED:
            values[f.name] = NAMED[f.name]
        else:
            assert f.type in SAMPLES, f"no sample of {f.type} for {kind.__name__}.{f.name}"
            values[f.name] = SAMPLES[str(f.type)]
    return kind(**values)


KINDS = sorted((kind for kind in n.KINDS.values() if kind.worded), key=lambda kind: kind.key)


def test_every_kind_is_bound_to_its_own_message_key() -> None:
    assert len(n.KINDS) == len({kind.key for kind in n.KINDS.values()}) >= 70
    assert all(n.KINDS[kind.key] is kind for kind in n.KINDS.values())
    with pytest.raises(TypeError, match="two kinds of notice"):

        class Again(n.NoticeValues):  # the key of an existing kind
            key = "intro.asked"


def test_every_kind_has_a_wording() -> None:
    words = NoticeWords(Translator("fr"))
    missing = [kind.__name__ for kind in KINDS if kind not in words.wordings]
    assert missing == []


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.key)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_kind_is_worded_in_each_language(kind: type[n.NoticeValues], lang: str) -> None:
    words = NoticeWords(Translator("fr"))
    values = sample(kind)
    to = None if kind.key.startswith(("operators.", "team.")) else MARIE
    text, _ = words.word(n.Notice(to, values), lang)
    assert text.strip() and "{" not in text
