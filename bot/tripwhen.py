"""What a driver types when asked "every week, or once?": the days of a regular trip
("du lundi au vendredi"), the date of a one-off one ("mardi prochain", "le 12/12", with a
time if said: "demain 8h"), or just which of the two ("chaque semaine", "une fois").

The one place where the offer's answers about days and dates are read: it relies on
bot.understand (and bot.dateparse beneath it), so whatever those understand is understood
here too ("ben comme d'habitude, en semaine", "mardi prochain à partir de 8h").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.domain import Weekday
from bot.folding import fold
from bot.understand import read_day_and_time, read_weekdays, says_regular

_ONCE = {
    "une fois", "une seule fois", "1 fois", "juste une fois", "une fois seulement",
    "ponctuel", "exceptionnel", "once", "just once", "one time", "only once", "one off",
}  # fmt: skip


@dataclass(frozen=True)
class TripWhen:
    """One of: `weekly` (days still to ask), `once` (date still to ask), `weekdays` given, or
    `date` given (with the departure time when it was said too)."""

    weekly: bool = False
    once: bool = False
    weekdays: frozenset[Weekday] = frozenset()
    date: date | None = None
    at: time | None = None


def _fold(text: str) -> str:
    return fold(text, keep="/")


def understand_trip_when(text: str, today: date) -> TripWhen | None:
    """The answer to "every week, or once?" (or to "which day?"), or None."""
    folded = _fold(text)
    if not folded or len(text) > 120:
        return None
    if folded in _ONCE:
        return TripWhen(once=True)
    # Asked "every week, or once?", bare days ("le mardi", "lundi et jeudi") are the days of
    # a regular trip; a day that names one date ("mardi prochain", "ce mardi", "le 12") is once.
    days = read_weekdays(text)
    if days is not None:
        return TripWhen(weekdays=days)
    if says_regular(text):
        return TripWhen(weekly=True)
    return understand_trip_date(text, today)


def understand_trip_date(text: str, today: date) -> TripWhen | None:
    """A one-off trip's day, and its time if said with it ("demain 8h")."""
    parsed = read_day_and_time(text, today)
    if parsed is None:
        return None
    day, wish = parsed
    return TripWhen(once=True, date=day, at=wish.at if wish is not None else None)
