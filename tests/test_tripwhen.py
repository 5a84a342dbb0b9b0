"""What a driver types at "every week, or once?" (bot/tripwhen.py)."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.domain import WORKING_DAYS, Weekday
from bot.tripwhen import TripWhen, understand_trip_date, understand_trip_when

MONDAY_23 = date(2026, 11, 23)
TUE, THU = Weekday.TUESDAY, Weekday.THURSDAY


@pytest.mark.parametrize(
    ("typed", "understood"),
    [
        ("chaque semaine", TripWhen(weekly=True)),
        ("Toutes les semaines", TripWhen(weekly=True)),
        ("every week", TripWhen(weekly=True)),
        ("une fois", TripWhen(once=True)),
        ("Une seule fois", TripWhen(once=True)),
        ("just once", TripWhen(once=True)),
        ("mardi prochain", TripWhen(once=True, date=date(2026, 11, 24))),
        ("next Tuesday", TripWhen(once=True, date=date(2026, 11, 24))),
        ("le 12/12", TripWhen(once=True, date=date(2026, 12, 12))),
        ("12/12", TripWhen(once=True, date=date(2026, 12, 12))),
        ("demain", TripWhen(once=True, date=date(2026, 11, 24))),
        ("demain 8h", TripWhen(once=True, date=date(2026, 11, 24), at=time(8))),
        ("ce jeudi", TripWhen(once=True, date=date(2026, 11, 26))),
        ("le 3 décembre", TripWhen(once=True, date=date(2026, 12, 3))),
        ("du lundi au vendredi", TripWhen(weekdays=WORKING_DAYS)),
        ("en semaine", TripWhen(weekdays=WORKING_DAYS)),
        ("mardi et jeudi", TripWhen(weekdays=frozenset({TUE, THU}))),
        ("le mardi", TripWhen(weekdays=frozenset({TUE}))),  # bare days: every week
        ("les mardis", TripWhen(weekdays=frozenset({TUE}))),
        ("n'importe quoi", None),
        ("", None),
        ("x" * 200, None),
    ],
)
def test_what_the_driver_means(typed: str, understood: TripWhen | None) -> None:
    assert understand_trip_when(typed, MONDAY_23) == understood


def test_asked_for_the_day_a_bare_weekday_is_the_next_one() -> None:
    assert understand_trip_date("mardi", MONDAY_23) == TripWhen(once=True, date=date(2026, 11, 24))
    assert understand_trip_date("tous les jours", MONDAY_23) is None
