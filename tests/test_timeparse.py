from datetime import date, time

import pytest

from bot.dateparse import parse_date, parse_day_and_time, parse_weekdays
from bot.domain import Weekday
from bot.timeparse import parse_time


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7h30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("730", time(7, 30)),
        ("7h", time(7, 0)),
        ("19h15", time(19, 15)),
        ("1915", time(19, 15)),
        ("7.30", time(7, 30)),
        ("07 h 30", time(7, 30)),
        (" 8 heures ", time(8, 0)),
        ("à 8h", time(8, 0)),
        ("midi", time(12, 0)),
        ("0h00", time(0, 0)),
        ("23h59", time(23, 59)),
        ("7am", time(7, 0)),
        ("7:30 pm", time(19, 30)),
        ("12 pm", time(12, 0)),
        ("12am", time(0, 0)),
        ("１７ｈ３０", time(17, 30)),  # full-width digits from some keyboards
    ],
)
def test_times_as_people_type_them(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "25h99",
        "24h",
        "7h60",
        "demain",
        "",
        "   ",
        "h",
        "12345",
        "13pm",
        "7h30 ou 8h",
        "😀",
        "x" * 5000,
    ],
)
def test_nonsense_is_not_a_time(typed: str) -> None:
    assert parse_time(typed) is None


MON, TUE, WED, THU, FRI, SAT, SUN = Weekday


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lundi", {MON}),
        ("Lundi mardi", {MON, TUE}),
        ("du lundi au vendredi", {MON, TUE, WED, THU, FRI}),
        ("lun-ven", {MON, TUE, WED, THU, FRI}),
        ("en semaine", {MON, TUE, WED, THU, FRI}),
        ("tous les jours", set(Weekday)),
        ("les lundis et jeudis", {MON, THU}),
        ("mer.", {WED}),
        ("samedi, dimanche", {SAT, SUN}),
        ("vendredi au lundi", {FRI, SAT, SUN, MON}),
        ("Monday to Friday", {MON, TUE, WED, THU, FRI}),
        ("mon, wed, fri", {MON, WED, FRI}),
        ("weekdays", {MON, TUE, WED, THU, FRI}),
    ],
)
def test_weekdays_as_people_type_them(typed: str, expected: set[Weekday]) -> None:
    assert parse_weekdays(typed) == frozenset(expected)


@pytest.mark.parametrize("typed", ["demain", "lundi au", "", "mardi 8h", "🚗", "x" * 5000])
def test_not_weekdays(typed: str) -> None:
    assert parse_weekdays(typed) is None


# Sunday 22 November 2026.
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("aujourd'hui", date(2026, 11, 22)),
        ("demain", date(2026, 11, 23)),
        ("Après-demain", date(2026, 11, 24)),
        ("jeudi", date(2026, 11, 26)),
        ("jeudi prochain", date(2026, 11, 26)),
        ("dimanche", date(2026, 11, 29)),  # a weekday named on that day means the next one
        ("12/12", date(2026, 12, 12)),
        ("le 12/12", date(2026, 12, 12)),
        ("12/01", date(2027, 1, 12)),  # January is to come, next year
        ("12.12.26", date(2026, 12, 12)),
        ("le 3", date(2026, 12, 3)),  # the 3rd of this month has passed
        ("le 30", date(2026, 11, 30)),
        ("le 1er", date(2026, 12, 1)),
        ("3 décembre", date(2026, 12, 3)),
        ("mardi 24", date(2026, 11, 24)),
        ("tomorrow", date(2026, 11, 23)),
        ("Thursday", date(2026, 11, 26)),
        ("Dec 3", date(2026, 12, 3)),
        ("the 3rd", date(2026, 12, 3)),
        ("hier", date(2026, 11, 21)),  # in the past: the caller says so
        ("3/12/2025", date(2025, 12, 3)),
    ],
)
def test_dates_as_people_type_them(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["31/02", "bientôt", "", "demain 9h", "13/13", "🚗", "x" * 5000])
def test_not_dates(typed: str) -> None:
    assert parse_date(typed, TODAY) is None


def test_a_day_and_a_time_at_once() -> None:
    assert parse_day_and_time("demain 9h", TODAY) == (date(2026, 11, 23), time(9, 0))
    assert parse_day_and_time("jeudi à 14h30", TODAY) == (date(2026, 11, 26), time(14, 30))
    assert parse_day_and_time("demain", TODAY) == (date(2026, 11, 23), None)
    assert parse_day_and_time("9h", TODAY) is None
