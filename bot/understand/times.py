"""Times with their "before" or "after" ("avant 9h"), parts of the day, windows."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import time

from bot.domain import TimeMode
from bot.timeparse import NUMBER_WORDS, parse_time
from bot.understand.words import MAX_TEXT, without_fillers

# Times, with their "before" or "after".

_BEFORE = (
    "avant",
    "au plus tard a",
    "au plus tard",
    "pas apres",
    "pour",
    "y etre a",
    "y etre pour",
    "etre a",
    "etre la a",
    "arriver a",
    "arriver avant",
    "arriver pour",
    "arrivee a",
    "arrivee avant",
    "rdv a",
    "rendez vous a",
    "j ai rendez vous a",
    "j ai rdv a",
    "rendez vous",
    "rdv",
    "by",
    "before",
    "arrive by",
    "arrive before",
    "be there by",
    "no later than",
)
_AFTER = (
    "apres",
    "a partir de",
    "des",
    "depuis",
    "partir a",
    "partir apres",
    "depart a",
    "depart apres",
    "pas avant",
    "au plus tot a",
    "au plus tot",
    "after",
    "from",
    "leave after",
    "leave at",
    "not before",
)
_MODE_ONLY = {
    TimeMode.ARRIVE_BEFORE: ("arriver avant", "arriver avant une heure", "arrivee", "arriver",
                             "etre a l heure", "avant", "arrive before", "arrive", "before"),
    TimeMode.LEAVE_AFTER: ("partir apres", "partir apres une heure", "depart", "partir",
                           "apres", "leave after", "leave", "after"),
}  # fmt: skip


class DayPart(enum.StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


# The hours a part of the day stands for: too wide to search with, so the bot asks for a
# time within it rather than take its first hour ("demain après-midi" is not "after 12:00").
DAY_PARTS = {
    DayPart.MORNING: (time(6), time(12)),
    DayPart.AFTERNOON: (time(12), time(18)),
    DayPart.EVENING: (time(18), time(22)),
}
_PART_WORDS = {
    DayPart.MORNING: ("matin", "le matin", "au matin", "matinee", "la matinee", "en matinee",
                      "dans la matinee", "morning", "the morning", "in the morning"),
    DayPart.AFTERNOON: ("apres midi", "l apres midi", "dans l apres midi", "en apres midi",
                        "aprem", "l aprem", "afternoon", "the afternoon", "in the afternoon"),
    DayPart.EVENING: ("soir", "le soir", "soiree", "la soiree", "en soiree", "dans la soiree",
                      "evening", "the evening", "in the evening"),
}  # fmt: skip
_PART_OF = {phrase: part for part, phrases in _PART_WORDS.items() for phrase in phrases}
# Narrower parts of the day, said in words: a window of two hours.
_NAMED_WINDOWS = {
    "tot le matin": (time(6), time(8)), "de bon matin": (time(6), time(8)),
    "early morning": (time(6), time(8)), "early in the morning": (time(6), time(8)),
    "en debut de matinee": (time(8), time(10)), "en fin de matinee": (time(10), time(12)),
    "late morning": (time(10), time(12)), "en debut d apres midi": (time(13), time(15)),
    "early afternoon": (time(13), time(15)), "en fin d apres midi": (time(16), time(18)),
    "late afternoon": (time(16), time(18)), "en fin de journee": (time(17), time(19)),
}  # fmt: skip
# "ce soir", "this morning": today, with a part of the day.
_TODAY_PARTS = {
    "ce matin": DayPart.MORNING, "cet apres midi": DayPart.AFTERNOON,
    "cet aprem": DayPart.AFTERNOON, "ce soir": DayPart.EVENING, "this morning": DayPart.MORNING,
    "this afternoon": DayPart.AFTERNOON, "this evening": DayPart.EVENING,
    "tonight": DayPart.EVENING,
}  # fmt: skip


@dataclass(frozen=True)
class TimeWish:
    """What a person said about when: a time, and whether it is a "leave after" or an
    "arrive before" (either may be missing: "vers 10h", "arriver avant"); or a window
    ("entre 8h et 9h", "le matin": `part` names it when it is a part of the day), whose
    use depends on the "before" or "after" said or asked."""

    mode: TimeMode | None = None
    at: time | None = None
    window: tuple[time, time] | None = None
    part: DayPart | None = None

    @property
    def said(self) -> bool:
        """A time or a window, not only "before" or "after"."""
        return self.at is not None or self.window is not None


def part_wish(part: DayPart) -> TimeWish:
    return TimeWish(window=DAY_PARTS[part], part=part)


def part_of(window: tuple[time, time]) -> DayPart | None:
    """The part of the day a window is, if it is one ("le matin")."""
    return next((part for part, hours in DAY_PARTS.items() if hours == tuple(window)), None)


def window_minutes(window: tuple[time, time]) -> int:
    start, end = window
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def fit_in(at: time, window: tuple[time, time]) -> time:
    """A time said after a part of the day, read in it: "3h" in the afternoon is 15:00."""
    start, end = window
    if not start <= at <= end and at.hour < 12:
        later = time(at.hour + 12, at.minute)
        if start <= later <= end:
            return later
    return at


# "8h-9h", "8h30–9h": a dash between two times is "to".
_DASH = re.compile(r"(?<=[\dhH])\s*[-–—]+\s*(?=\d)")
_WINDOW = re.compile(
    r"^(?P<link>entre |de |from |between )?(?P<start>.+?) "
    r"(?:et|a|jusqu a|to|and|until|till) (?P<end>.+)$"
)


def _window(folded: str) -> TimeWish | None:
    """ "entre 8h et 9h", "de 8h à 9h30", "8h-9h", "between 8 and 9am", "le matin"."""
    part = _PART_OF.get(folded)
    if part is not None:
        return part_wish(part)
    if folded in _NAMED_WINDOWS:
        return TimeWish(window=_NAMED_WINDOWS[folded])
    found = _WINDOW.match(folded)
    if found is None:
        return None
    start, end = _clock(found["start"], bare=True), _clock(found["end"], bare=True)
    said_start, said_end = parse_time(found["start"]), parse_time(found["end"])
    if start is None or end is None or (found["link"] is None and not (said_start or said_end)):
        return None  # "8 à 9" alone is not clearly two times
    if start.hour < 12 <= end.hour and not re.search(r"[h:]", found["start"]):
        later = time(start.hour + 12, start.minute)  # "entre 2 et 4h de l'après-midi"
        start = later if later < end else start
    if not start < end:
        return None
    return TimeWish(window=(start, end))


def read_time_wish(text: str) -> TimeWish | None:
    """ "avant 9h" → arrive before 9:00; "à partir de 14h" → leave after 14:00; "vers 10h" →
    10:00 alone; "arriver avant" → the mode alone; "by 9", "after 2pm", "around 10am";
    "entre 8h et 9h", "8h-9h", "le matin" → a window."""
    if len(text) > MAX_TEXT:
        return None
    folded = without_fillers(_DASH.sub(" à ", text))
    folded = re.sub(
        r"^(?:je (?:dois|veux|voudrais|peux)|il faut|i (?:must|need to|can|want to)) ", "", folded
    )
    if not folded:
        return None
    at = parse_time(folded)
    if at is not None:
        return TimeWish(None, at)
    window = _window(folded)
    if window is not None:
        return window
    for mode, prefixes in ((TimeMode.ARRIVE_BEFORE, _BEFORE), (TimeMode.LEAVE_AFTER, _AFTER)):
        for prefix in sorted(prefixes, key=len, reverse=True):
            if folded.startswith(prefix + " "):
                at = _clock(folded[len(prefix) + 1 :], bare=True)
                if at is not None:
                    return TimeWish(mode, at)
    for mode, phrases in _MODE_ONLY.items():
        if folded in phrases:
            return TimeWish(mode, None)
    return None


def _clock(text: str, *, bare: bool = False) -> time | None:
    """A time; with `bare`, a lone hour too ("by 9", "avant 9"): the word before says it is
    one."""
    at = parse_time(text)
    if at is not None:
        return at
    if bare:
        hour = int(text) if text.isascii() and text.isdigit() else NUMBER_WORDS.get(text)
        if hour is not None and 0 <= hour <= 23:
            return time(hour, 0)
    return None
