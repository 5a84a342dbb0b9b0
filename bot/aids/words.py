"""What people type where /aides offers buttons: "je cherche du travail", "retraitée",
"j'ai le RSA", "aucun", "24 ans"; None when it says nothing the question can use."""

from __future__ import annotations

import re

from bot.aids.model import MAX_AGE, Situation
from bot.folding import fold

_SITUATIONS: tuple[tuple[Situation, str], ...] = (
    (Situation.APPRENTICE, r"apprenti|alternan|apprentice"),
    (Situation.RETIRED, r"retrait|retire|pension"),
    (Situation.JOB_SEEKER, r"chom|emploi|travail\b|boulot|france travail|pole emploi|job|unemploy"),
    (Situation.STUDENT, r"etudi|ecole|lycee|college|fac\b|universit|student|school"),
    (Situation.EMPLOYEE, r"salari|je travaille|cdi|cdd|interim|employ|i work"),
    (Situation.OTHER, r"autre|other|rien de tout"),
)
_BOTH = r"les deux|both|\btous\b"
_NONE = r"^(non|no|aucun\w*|ni\b|neither|none|rien)"
_UNSAID = r"pas repondre|prefere pas|ne pas dire|not say|rather not|pass"
_RSA = r"\brsa\b|\baah\b"
_RQTH = r"rqth|handicap|disab"


_NUMBER = re.compile(r"\d{1,3}")


# A number followed by what makes it a time, a date, an amount or a distance.
_NOT_AN_AGE = re.compile(r"\d\s*(?:h\b|h\d|:|/|€|eur|km)", re.IGNORECASE)


def parse_age(text: str) -> int | None:
    """ "24", "24 ans", "j'ai 67 ans"; None for anything else or an age out of bounds: a
    time ("7h30", "25h99", "8h"), a date ("le 12/12"), two numbers."""
    numbers = _NUMBER.findall(text)
    if len(numbers) != 1 or len(text) > 40 or _NOT_AN_AGE.search(text):
        return None
    age = int(numbers[0])
    return age if 1 <= age <= MAX_AGE else None


def situation_in(text: str) -> Situation | None:
    said = fold(text)
    if len(said) > 200:
        return None
    # "je cherche du travail" is a job seeker, though "travail" alone is work.
    if re.search(r"cherche|recherche|looking for", said):
        return Situation.JOB_SEEKER
    for situation, pattern in _SITUATIONS:
        if re.search(pattern, said):
            return situation
    return None


def benefits_in(text: str) -> str | None:
    """One of the buttons' answers: rsa, rqth, both, none, unsaid."""
    said = fold(text)
    if len(said) > 200:
        return None
    if re.search(_UNSAID, said):
        return "unsaid"
    if re.search(_BOTH, said):
        return "both"
    rsa, rqth = bool(re.search(_RSA, said)), bool(re.search(_RQTH, said))
    if rsa and rqth:
        return "both"
    if re.search(_NONE, said):
        return "none"
    if rsa:
        return "rsa"
    if rqth:
        return "rqth"
    return None
