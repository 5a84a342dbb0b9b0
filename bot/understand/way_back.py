"""The way back: "retour vers 17h", "pas de retour", "je ne sais pas"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.domain import WayBack
from bot.understand.times import read_time_wish
from bot.understand.words import MAX_TEXT, _phrases, without_fillers

# The way back (issue 23, item 11): "retour vers 17h", "pas de retour", "je ne sais pas".


@dataclass(frozen=True)
class BackWish:
    """What was said of the way back: none, a time (`at`), not known yet; or only that one
    is wanted (`kind` None: "aller-retour", "oui"), the time still to ask."""

    kind: WayBack | None
    at: time | None = None


_BACK_NONE = _phrases(
    "non", "pas de retour", "sans retour", "aucun retour", "pas besoin", "pas besoin de retour",
    "aller simple", "juste l aller", "seulement l aller", "l aller seulement", "aller seulement",
    "je rentre autrement", "je me debrouille", "quelqu un me ramene", "on me ramene", "rien",
    "no", "no return", "none", "one way", "no way back", "not needed", "i ll manage",
)  # fmt: skip
_BACK_UNKNOWN = _phrases(
    "je ne sais pas", "je ne sais pas encore", "je sais pas", "je sais pas encore", "sais pas",
    "ne sais pas", "pas encore", "je ne sais pas l heure", "je ne connais pas l heure",
    "je ne connais pas encore l heure", "on verra", "je verrai", "je vous dirai",
    "je vous le dirai", "je ne sais pas quand", "je sais pas quand", "ca depend",
    "pas sur", "pas sure", "inconnu", "plus tard", "je ne sais pas a quelle heure",
    "i don t know", "don t know", "dont know", "i dont know", "not yet", "not sure",
    "i don t know yet", "unknown", "later",
)  # fmt: skip
_BACK_WANTED = _phrases(
    "oui", "yes", "aller retour", "un aller retour", "avec retour", "retour", "le retour",
    "oui un retour", "oui retour", "il faut me ramener", "return", "round trip", "both ways",
)  # fmt: skip
# "retour vers 17h", "pour le retour, 17h", "return at 5pm": what comes first about the way.
_BACK_LEAD = re.compile(
    r"^(?:(?:et|avec|puis|pour)\s)?(?:(?:un|le)\s)?(?:aller\s)?(?:retour|return|back|revenir"
    r"|rentrer|repartir)\s?(?:(?:a|le|l|est|:|par|sera)\s)*"
)


def read_way_back(text: str) -> BackWish | None:
    """ "pas de retour" → none; "je ne sais pas encore" → not known yet; "retour vers 17h",
    "17h", "après 16h30", "return at 5pm" → a time; "aller-retour", "oui" → a way back
    wanted, its time not said; else None."""
    if len(text) > MAX_TEXT:
        return None
    folded = without_fillers(text)
    if not folded:
        return None
    for said in (folded, re.sub(r"^(?:non|no) (?=\S)", "", folded)):  # "non, pas de retour"
        for phrases, kind in ((_BACK_UNKNOWN, WayBack.UNKNOWN), (_BACK_NONE, WayBack.NONE)):
            if said in phrases:
                return BackWish(kind)
    if folded in _BACK_WANTED:
        return BackWish(None)
    rest = _BACK_LEAD.sub("", folded, count=1).strip()
    for phrases, kind in ((_BACK_UNKNOWN, WayBack.UNKNOWN), (_BACK_NONE, WayBack.NONE)):
        if rest in phrases:
            return BackWish(kind)
    if not rest:
        return BackWish(None)
    wish = read_time_wish(rest)
    if wish is None or not wish.said:
        return None
    at = wish.at if wish.at is not None else wish.window[0] if wish.window else None
    return BackWish(WayBack.AT, at)


# "cahors demain 9h retour 17h": where the words about the way back begin.
_BACK_IN_REQUEST = re.compile(
    r"(?i)(?:[\s,;.!]+|^)(?:(?:et|avec|puis|pour)\s+)?(?:(?:le|un)\s+)?"
    r"(?:aller[\s-]+)?(?:retour|return)\b"
)


def split_way_back(text: str) -> tuple[str, BackWish | None, str | None]:
    """A request's words before the way back, what they say of it, and those words as typed
    when they say nothing usable ("retour bof")."""
    found = _BACK_IN_REQUEST.search(text)
    if found is None or found.start() == 0:
        return text, None, None
    said = text[found.start() :].strip(" ,;.!")
    wish = read_way_back(said)
    return text[: found.start()], wish, (None if wish is not None else said)
