"""Times of day as people type them: "7h30", "7:30", "730", "7h", "19h15", "7.30", "7 am".

Anything that is not clearly a time of day ("25h99", "demain", "12345") gives None, so the
bot asks again instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import time

_WORDS = {
    "midi": time(12, 0),
    "noon": time(12, 0),
    "minuit": time(0, 0),
    "midnight": time(0, 0),
}

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
    if not cleaned or len(cleaned) > 30:
        return None
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    match = _PATTERN.match(cleaned)
    if not match:
        return None
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


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"\s+", " ", text)
