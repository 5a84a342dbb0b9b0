"""The summary: confirm, give up or correct one thing; another place; a language."""

from __future__ import annotations

import re

from bot.settings import Language
from bot.understand.words import MAX_TEXT, _phrases, fold, read_yes_no, without_fillers

# The summary: confirm, give up, or correct one thing.

FIELD_WORDS = {
    "origin": ("depart", "lieu de depart", "d ou", "origine", "from", "start"),
    "destination": ("arrivee", "destination", "ou", "lieu d arrivee", "to", "where"),
    "when": ("jour", "date", "quand", "le jour", "when", "day"),
    "days": ("jours", "les jours", "days"),
    "mode": ("heure", "horaire", "l heure", "time"),
    "time": ("heure", "heure de depart", "horaire", "l heure", "time"),
    "return": ("retour", "le retour", "return"),
    "seats": ("places", "nombre de places", "seats"),
    "note": ("message", "mot", "note", "le message"),
    "contact": ("contact", "telephone", "numero", "phone"),
    "purpose": ("motif", "raison", "pourquoi", "purpose", "reason"),
    "special": ("besoin", "besoins", "besoins particuliers", "needs"),
    "caller": ("nom", "le nom", "name"),
}
_CANCEL = _phrases(
    "annuler",
    "abandonner",
    "laisser tomber",
    "laisse tomber",
    "j abandonne",
    "tout annuler",
    "on arrete",
    "arreter",
    "stop",
    "cancel",
    "give up",
    "forget it",
)
_CORRECT = re.compile(
    r"^(?:non |no )?(?:(?:il faut |je veux |je voudrais )?(?:corriger|changer|modifier)"
    r"|correct|change|fix)? ?(?:le |la |l |les |the )?"
)


def read_summary(text: str, fields: tuple[str, ...] | list[str]) -> str | None:
    """ "oui" → "confirm"; "annuler" → "cancel"; "changer l'heure" → "edit:time" (a field
    among `fields`); "non" → "no"; else None."""
    if len(text) > MAX_TEXT:
        return None
    folded = fold(text)
    if folded in _CANCEL:
        return "cancel"
    answer = read_yes_no(text)
    if answer is True:
        return "confirm"
    named = _CORRECT.sub("", folded, count=1).strip()
    for field in fields:
        if named in FIELD_WORDS.get(field, ()):
            return f"edit:{field}"
    return "no" if answer is False else None


# "Another one": a place taken without asking was not the one meant.

_ANOTHER = re.compile(
    r"^(?:non |no )?(?:(?:un |une |l |the )?autres?|(?:an|the )?other|another"
    r"|(?:ce n est |c est )?pas (?:celui|celle) (?:la|ci)"
    r"|(?:ce n est |c est )?pas (?:le|la) bon(?:ne)?"
    r"|pas (?:ce|cet|cette)|not (?:that|this)(?: one)?|wrong)(?: (?P<rest>.+))?$"
)
_PLACE_WORDS = frozenset("lieu commune endroit ville village one place town".split())


def may_say_another(text: str) -> bool:
    """Whether the words could be an "another one" (checked against the place by
    `read_another`)."""
    return len(text) <= MAX_TEXT and _ANOTHER.match(fold(text)) is not None


def read_another(text: str, place_name: str) -> bool:
    """ "un autre", "un autre Gourdon", "pas celui-là", "pas ce Gourdon", "another one":
    the place just taken (`place_name`) was not the one meant."""
    if len(text) > MAX_TEXT:
        return False
    found = _ANOTHER.match(fold(text))
    if found is None:
        return False
    rest = [w for w in (found["rest"] or "").split() if w not in ("le", "la", "les", "l", "de")]
    return all(w in _PLACE_WORDS for w in rest) or " ".join(rest) == fold(place_name)


# A language, named in either language ("anglais", "English", "en français").

LANGUAGE_WORDS: dict[Language, tuple[str, ...]] = {
    "fr": ("francais", "en francais", "french", "in french", "fr"),
    "en": ("anglais", "en anglais", "english", "in english", "en"),
}


def read_language(text: str) -> Language | None:
    """ "English", "en français" → "en", "fr"; anything else None."""
    if len(text) > MAX_TEXT:
        return None
    folded = without_fillers(text)
    folded = re.sub(
        r"^(?:je veux |je voudrais |parle(?:z)? |parlez moi |speak |please )+", "", folded
    )
    for language, words in LANGUAGE_WORDS.items():
        if folded in words:
            return language
    return None
