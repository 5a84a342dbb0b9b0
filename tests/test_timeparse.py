from datetime import time

import pytest

from bot.dateparse import parse_weekdays
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
    ["25h99", "24h", "7h60", "demain", "", "   ", "h", "12345", "13pm", "7h30 ou 8h", "😀", "x" * 5000],
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
