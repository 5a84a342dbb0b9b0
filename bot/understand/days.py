"""Days: dates, weekdays said casually ("en semaine"), every week, next week, greetings."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.dateparse import parse_date, parse_weekdays
from bot.domain import Weekday
from bot.understand.times import _TODAY_PARTS, TimeWish, fit_in, part_wish, read_time_wish
from bot.understand.words import MAX_TEXT, _phrases, fold, without_fillers

# Days: "tous les jours", "en semaine", "ben comme d'habitude, en semaine".

_REGULAR = _phrases(
    "chaque semaine",
    "toutes les semaines",
    "regulierement",
    "regulier",
    "reguliere",
    "tout le temps",
    "every week",
    "weekly",
    "regularly",
    "regular",
)


def read_weekdays(text: str) -> frozenset[Weekday] | None:
    """Weekdays, with the words around them left out: "ben comme d'habitude, en semaine"."""
    if len(text) > MAX_TEXT:
        return None
    days = parse_weekdays(text)
    if days is not None:
        return days
    stripped = without_fillers(text)
    for regular in _REGULAR:
        stripped = re.sub(rf"(^| ){regular}( |$)", " ", stripped).strip()
    return parse_weekdays(stripped) if stripped else None


def says_regular(text: str) -> bool:
    """ "chaque semaine", "toutes les semaines", "every week" (days may follow)."""
    folded = without_fillers(text)
    return any(re.search(rf"(^| ){regular}( |$)", folded) for regular in _REGULAR)


def read_date(text: str, today: date) -> date | None:
    """A day: "demain", "jeudi", "mardi prochain", "le 12/12", "3 décembre", "ben demain"."""
    if len(text) > MAX_TEXT:
        return None
    day = parse_date(text, today)
    if day is not None:
        return day
    stripped = without_fillers(text)
    return parse_date(stripped, today) if stripped and stripped != fold(text) else None


# A day and a time never take more words than this: longer texts are not read as one.
_WHEN_WORDS = 12


def _day(text: str, today: date) -> tuple[date, TimeWish | None] | None:
    """A day, with the part of the day said with it: "demain", "ce soir", "jeudi matin"."""
    day = read_date(text, today)
    if day is not None:
        return day, None
    folded = without_fillers(text)
    if folded in _TODAY_PARTS:
        return today, part_wish(_TODAY_PARTS[folded])
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        part = read_time_wish(" ".join(words[cut:]))
        if part is None or part.window is None or part.mode is not None:
            continue
        day = read_date(" ".join(words[:cut]), today)
        if day is not None:
            return day, part
    return None


def read_day_and_time(text: str, today: date) -> tuple[date, TimeWish | None] | None:
    """ "demain", "demain 9h", "jeudi avant 9h", "mardi prochain à partir de 14h",
    "après-demain matin", "ce soir", "demain entre 8h et 9h", "dans 3 jours"."""
    if len(text) > MAX_TEXT or len(text.split()) > _WHEN_WORDS:
        return None
    said = _day(text, today)
    if said is not None:
        return said
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        said = _day(" ".join(words[:cut]), today)
        if said is None:
            continue
        day, part = said
        wish = read_time_wish(" ".join(words[cut:]))
        if wish is not None and wish.said:
            if part is not None and wish.at is not None and part.window is not None:
                # "ce soir 8h" is 20:00.
                wish = TimeWish(wish.mode, fit_in(wish.at, part.window))
            return day, wish
    return None


_EACH = frozenset(
    "chaque tous toutes every each lundis mardis mercredis jeudis vendredis samedis dimanches "
    "mondays tuesdays wednesdays thursdays fridays saturdays sundays".split()
)


def _regular_days(text: str) -> frozenset[Weekday] | None:
    """Days said as the days of every week: two days or more ("lundi et jeudi"), or one
    with "chaque", "tous les", a plural ("les mardis"). One day alone is a date."""
    days = read_weekdays(text)
    if days is None:
        return None
    if len(days) > 1 or says_regular(text) or _EACH.intersection(fold(text).split()):
        return days
    return None


def read_regular_days(text: str) -> tuple[frozenset[Weekday], TimeWish | None] | None:
    """ "lundi et jeudi 8h", "tous les mardis avant 9h", "en semaine" → the days of every
    week, and the time said with them."""
    if len(text) > MAX_TEXT or len(text.split()) > _WHEN_WORDS:
        return None
    days = _regular_days(text)
    if days is not None:
        return days, None
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        days = _regular_days(" ".join(words[:cut]))
        if days is None:
            continue
        wish = read_time_wish(" ".join(words[cut:]))
        if wish is not None and wish.said:
            return days, wish
    return None


_NEXT_WEEK = _phrases(
    "la semaine prochaine",
    "semaine prochaine",
    "la semaine d apres",
    "la semaine qui vient",
    "next week",
    "the week after",
)


def says_next_week(text: str) -> bool:
    """ "la semaine prochaine": a week, not yet a day (the bot asks which)."""
    return len(text) <= MAX_TEXT and without_fillers(text) in _NEXT_WEEK


def next_week(today: date) -> list[date]:
    """The days of the week after this one, Monday to Sunday."""
    monday = today + timedelta(days=7 - today.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


_GREETINGS = _phrases(
    "bonjour",
    "bonsoir",
    "salut",
    "coucou",
    "allo",
    "hello",
    "hi",
    "hey",
    "good morning",
    "good afternoon",
    "good evening",
)


_TO_WHOM = frozenset("madame monsieur mobilot a tous toi vous there".split())


def says_hello(text: str) -> bool:
    """ "Bonjour !", "bonjour madame", "Hello": a greeting and nothing more."""
    if len(text) > 60:
        return False
    words = [w for w in fold(text).split() if w not in _TO_WHOM]
    return " ".join(words) in _GREETINGS
