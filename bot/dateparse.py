"""Weekdays as people type them: "lundi mardi", "du lundi au vendredi", "lun-ven",
"en semaine", "tous les jours", "mon, wed, fri". Words come from Babel's locale data (French
and English), so "mer." and "Wednesday" both work. Anything else gives None.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from functools import cache

from babel.dates import get_day_names

from bot.domain import WORKING_DAYS, Weekday
from bot.folding import fold
from bot.timeparse import NUMBER_WORDS, parse_time

_ALL_DAYS = frozenset(Weekday)
_PHRASES: dict[str, frozenset[Weekday]] = {
    "en semaine": WORKING_DAYS,
    "semaine": WORKING_DAYS,
    "jours ouvres": WORKING_DAYS,
    "weekdays": WORKING_DAYS,
    "working days": WORKING_DAYS,
    "week days": WORKING_DAYS,
    "tous les jours": _ALL_DAYS,
    "toute la semaine": _ALL_DAYS,
    "every day": _ALL_DAYS,
    "everyday": _ALL_DAYS,
    "daily": _ALL_DAYS,
    "week end": frozenset({Weekday.SATURDAY, Weekday.SUNDAY}),
    "weekend": frozenset({Weekday.SATURDAY, Weekday.SUNDAY}),
}
_FILLERS = {"le", "les", "du", "de", "et", "and", "on", "the", "chaque", "every", "tous", "a"}
_RANGE_WORDS = {"au", "a", "to", "through", "till", "until", "-"}


def _fold(text: str) -> str:
    return fold(text.replace("-", " - "), keep="-")


@cache
def _day_words() -> dict[str, Weekday]:
    words: dict[str, Weekday] = {}
    for locale in ("fr", "en"):
        for width in ("wide", "abbreviated"):
            for day, name in get_day_names(width, locale=locale).items():
                folded = _fold(str(name))
                words[folded] = Weekday(day)
                words[folded + "s"] = Weekday(day)  # "les lundis", "mondays"
    for word, day in list(words.items()):
        if len(word) > 3:
            words.setdefault(word[:3], day)  # "lun", "mar", "jeu", "thu"
    return words


def parse_weekdays(text: str) -> frozenset[Weekday] | None:
    folded = _fold(text)
    if not folded or len(folded) > 120:
        return None
    if folded in _PHRASES:
        return _PHRASES[folded]
    words = _day_words()
    tokens = [token for token in folded.split(" ") if token]
    days: set[Weekday] = set()
    pending_range_from: Weekday | None = None
    last: Weekday | None = None
    for token in tokens:
        if token in words:
            day = words[token]
            if pending_range_from is not None:
                days.update(_span(pending_range_from, day))
                pending_range_from = None
            else:
                days.add(day)
            last = day
        elif token in _RANGE_WORDS and last is not None and pending_range_from is None:
            pending_range_from = last
        elif token in _FILLERS:
            continue
        else:
            return None
    if pending_range_from is not None or not days:
        return None
    return frozenset(days)


def _span(first: Weekday, last: Weekday) -> set[Weekday]:
    """Days from first to last, wrapping over the week end ("vendredi au lundi")."""
    span = {first}
    day = first
    while day != last:
        day = Weekday((day + 1) % 7)
        span.add(day)
    return span


_RELATIVE = {
    "aujourd hui": 0,
    "aujourdhui": 0,
    "ce jour": 0,
    "today": 0,
    "demain": 1,
    "tomorrow": 1,
    "apres demain": 2,
    "day after tomorrow": 2,
    "hier": -1,
    "yesterday": -1,
}
# "dans 3 jours", "dans une semaine", "in 3 days": a count of days or weeks from today. In
# French "dans huit jours" is a week and "dans quinze jours" two weeks (the same weekday).
_IN_SOME = re.compile(
    r"^(?:dans|in) (?P<count>[a-z0-9 ]+?) (?P<unit>jours?|semaines?|days?|weeks?)$"
)
_COUNT_WORDS = {**NUMBER_WORDS, "a": 1, "an": 1, "one": 1}
_IDIOM_DAYS = {8: 7, 15: 14}
_DATE_FILLERS = {"le", "du", "ce", "on", "the", "next", "prochain", "prochaine", "this", "for"}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:er|st|nd|rd|th)?(?: ([a-z]+))?(?: (\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+) (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?$")


@cache
def _month_words() -> dict[str, int]:
    from babel.dates import get_month_names

    words: dict[str, int] = {}
    for locale in ("fr", "en"):
        for width in ("wide", "abbreviated"):
            for month, name in get_month_names(width, locale=locale).items():
                folded = _fold(str(name))
                words[folded] = month
                words.setdefault(folded[:3], month)
    return words


def parse_date(text: str, today: date) -> date | None:
    """A day as people type it: "demain", "jeudi", "12/12", "le 3", "3 décembre", "Dec 3".

    A date without a year is the next one to come; a date with a year may be in the past
    (the caller says so). Anything else gives None.
    """
    if len(text) > 60:
        return None
    numeric = _NUMERIC_DATE.match(re.sub(r"^(le|du|on|the)\s+", "", text.strip().lower()))
    if numeric:
        return _build(today, int(numeric[1]), int(numeric[2]), _year(numeric[3]))
    folded = _fold(text).replace(" - ", " ")
    if not folded:
        return None
    if folded in _RELATIVE:
        return today + timedelta(days=_RELATIVE[folded])
    later = _in_some(folded)
    if later is not None:
        return today + later
    words = [word for word in folded.split(" ") if word and word not in _DATE_FILLERS]
    phrase = " ".join(words)
    if phrase in _RELATIVE:
        return today + timedelta(days=_RELATIVE[phrase])
    days = _day_words()
    if len(words) == 1 and words[0] in days:
        ahead = (days[words[0]] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if words and words[0] in days:  # "jeudi 12", "mardi 3 décembre"
        words = words[1:]
        phrase = " ".join(words)
    months = _month_words()
    day_month = _DAY_MONTH.match(phrase)
    if day_month and (day_month[2] is None or day_month[2] in months):
        named_month = months[day_month[2]] if day_month[2] else None
        return _build(today, int(day_month[1]), named_month, _year(day_month[3]))
    month_day = _MONTH_DAY.match(phrase)
    if month_day and month_day[1] in months:
        return _build(today, int(month_day[2]), months[month_day[1]], _year(month_day[3]))
    return None


def _in_some(folded: str) -> timedelta | None:
    """ "dans 3 jours", "dans une semaine", "dans quinze jours", "in 2 weeks"."""
    found = _IN_SOME.match(folded)
    if found is None:
        return None
    said = found["count"]
    count = int(said) if said.isdigit() else _COUNT_WORDS.get(said)
    if count is None or not 0 < count <= 365:
        return None
    if found["unit"].startswith(("semaine", "week")):
        return timedelta(weeks=count) if count <= 52 else None
    if found["unit"].startswith("jour"):
        count = _IDIOM_DAYS.get(count, count)
    return timedelta(days=count)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text) + (2000 if len(text) == 2 else 0)


def _build(today: date, day: int, month: int | None, year: int | None) -> date | None:
    """The date, or the next one to come when the month or the year is left out."""
    try:
        if month is None:
            candidate = date(today.year, today.month, day) if day <= 31 else None
            if candidate is not None and candidate < today:
                following = today.replace(day=1) + timedelta(days=32)
                candidate = date(following.year, following.month, day)
            return candidate
        if year is None:
            candidate = date(today.year, month, day)
            return candidate if candidate >= today else date(today.year + 1, month, day)
        return date(year, month, day)
    except ValueError:
        return None


def parse_day_and_time(text: str, today: date) -> tuple[date, time | None] | None:
    """ "demain", or "demain 9h" / "jeudi à 14h30": a day and, if given, a time."""
    day = parse_date(text, today)
    if day is not None:
        return day, None
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        day = parse_date(" ".join(words[:cut]), today)
        at = parse_time(" ".join(words[cut:]))
        if day is not None and at is not None:
            return day, at
    return None
