"""Times of day as people type them: "7h30", "7:30", "730", "7h", "19h15", "7.30", "7 am",
and in words: "midi et demi", "neuf heures", "9h du matin", "2h de l'après-midi", "8h et quart".

Anything that is not clearly a time of day ("25h99", "demain", "12345") gives None, so the
bot asks again instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time

from bot.folding import fold

_WORDS = {
    "midi": time(12, 0),
    "noon": time(12, 0),
    "minuit": time(0, 0),
    "midnight": time(0, 0),
}

# Hours said in words, in French and English ("neuf heures", "nine o'clock").
NUMBER_WORDS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "dix sept": 17, "dix huit": 18,
    "dix neuf": 19, "vingt": 20, "vingt et un": 21, "vingt deux": 22, "vingt trois": 23,
    "trente": 30, "quarante": 40, "quarante cinq": 45, "cinquante": 50,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
# "et demie", "et quart", "moins le quart" after an hour.
_FRACTIONS = {
    "et demi": 30,
    "et demie": 30,
    "et quart": 15,
    "moins le quart": -15,
    "moins quart": -15,
    "thirty": 30,
}
# Parts of the day that move an hour said on a 12-hour clock.
_AFTERNOON = (
    "de l apres midi",
    "de l aprem",
    "l apres midi",
    "apres midi",
    "du soir",
    "le soir",
    "soir",
    "in the afternoon",
    "in the evening",
    "at night",
    "de la nuit",
)
_MORNING = ("du matin", "le matin", "matin", "in the morning")

_PATTERN = re.compile(
    r"""^(?:a|à|at|vers|about|around)?\s*
        (?P<hour>\d{1,2})
        \s*(?:(?P<sep>h|heures?|hrs?|:|\.)\s*(?P<minute>\d{2})?|(?P<compact>\d{2}))?
        \s*(?:mn|min)?
        \s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?$""",
    re.VERBOSE,
)


def parse_time(text: str) -> time | None:
    cleaned = _clean(text)
    if not cleaned or len(cleaned) > 40:
        return None
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    match = _PATTERN.match(cleaned)
    if match:
        return _from_match(match)
    return _in_words(_fold(cleaned))


def _from_match(match: re.Match[str]) -> time | None:
    hour = int(match["hour"])
    minute_text = match["minute"] or match["compact"]
    minute = int(minute_text) if minute_text else 0
    ampm = (match["ampm"] or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return time(hour, minute)


_HOUR_WORD = re.compile(r"\s*\b(?:heures?|h|o clock)\b\s*")


def _in_words(folded: str) -> time | None:
    """ "neuf heures", "midi et demi", "9h du matin", "2h de l'après-midi", "8h et quart"."""
    text = re.sub(r"^(?:a|vers|at|about|around|pour)\s+", "", folded)
    shift = 0
    for part in _AFTERNOON:
        if text.endswith(" " + part):
            text, shift = text[: -len(part) - 1].strip(), 12
            break
    else:
        for part in _MORNING:
            if text.endswith(" " + part):
                text, shift = text[: -len(part) - 1].strip(), -1
                break
    fraction = 0
    for said, minutes in _FRACTIONS.items():
        if text.endswith(" " + said):
            text, fraction = text[: -len(said) - 1].strip(), minutes
            break
    if text in ("midi", "noon"):
        hour, minute = 12, 0
    elif text in ("minuit", "midnight"):
        hour, minute = 0, 0
    else:
        parts = _HOUR_WORD.split(text, maxsplit=1)
        hour_part, minute_part = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        said_hour = _number(hour_part)
        if said_hour is None:
            return None
        hour = said_hour
        if minute_part:
            said_minute = _number(minute_part)
            if said_minute is None:
                return None
            minute = said_minute
        elif len(parts) == 1 and not (shift or fraction):
            return None  # a bare number or word ("trois") is not a time
        else:
            minute = 0
    if shift == 12:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + 12 if hour != 12 else 12
    elif shift == -1 and not 0 <= hour <= 12:
        return None
    total = hour * 60 + minute + fraction
    if not (0 <= hour <= 23 and 0 <= minute <= 59) or not 0 <= total < 24 * 60:
        return None
    return time(total // 60, total % 60)


def _number(text: str) -> int | None:
    if text.isascii() and text.isdigit() and len(text) <= 2:
        return int(text)
    return NUMBER_WORDS.get(text)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"\s+", " ", text)


def _fold(text: str) -> str:
    text = fold(text, keep=":")
    text = re.sub(r"(\d)\s*h\s*(\d)", r"\1 h \2", text)
    return re.sub(r"(\d)h\b", r"\1 h", text)
