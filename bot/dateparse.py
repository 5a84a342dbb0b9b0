"""Weekdays as people type them: "lundi mardi", "du lundi au vendredi", "lun-ven",
"en semaine", "tous les jours", "mon, wed, fri". Words come from Babel's locale data (French
and English), so "mer." and "Wednesday" both work. Anything else gives None.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from babel.dates import get_day_names

from bot.domain import WORKING_DAYS, Weekday

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
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9\- ]", " ", text.replace("-", " - "))).strip()


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
