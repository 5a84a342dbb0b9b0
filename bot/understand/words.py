"""Plain words: folding, fillers, yes and no, numbers, phone numbers."""

from __future__ import annotations

import re
import unicodedata

from bot import folding
from bot.timeparse import NUMBER_WORDS

MAX_TEXT = 200


def fold(text: str) -> str:
    """Lower case, no accents, apostrophes and punctuation as spaces: "D'accord !" → "d accord"
    (times, dates and decimals keep their ":", "/" and ".")."""
    return folding.fold(text, keep=":/.").strip(" .")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s.\-/]+", fold(text)) if w]


# Words that carry nothing but the way people talk.
FILLERS = frozenset(
    "ben bah bon alors euh heu hum eh ok oui voila donc enfin plutot normalement "
    "disons genre svp stp merci please well so um uh".split()
)
_FILLER_PHRASES = (
    "comme d habitude", "d habitude", "comme toujours", "s il vous plait", "s il te plait",
    "je pense", "je crois", "je dirais", "eh bien", "as usual", "i think",
)  # fmt: skip


def without_fillers(text: str) -> str:
    folded = f" {fold(text)} "
    for phrase in _FILLER_PHRASES:
        folded = folded.replace(f" {phrase} ", " ")
    return " ".join(w for w in folded.split() if w not in FILLERS)


def _mentions(folded: str, phrase: str) -> bool:
    """Whether `phrase` is said as whole words in the folded text."""
    return re.search(rf"(^| ){re.escape(phrase)}( |$)", folded) is not None


# Yes and no.


def _phrases(*phrases: str) -> frozenset[str]:
    return frozenset(phrases)


YES = _phrases(
    "oui",
    "ouais",
    "ouai",
    "ok",
    "okay",
    "d accord",
    "dac",
    "bien sur",
    "volontiers",
    "exact",
    "exactement",
    "parfait",
    "c est bon",
    "c est ca",
    "c est juste",
    "tout est juste",
    "tout est bon",
    "ca marche",
    "ca va",
    "valider",
    "je valide",
    "je confirme",
    "confirme",
    "entendu",
    "absolument",
    "evidemment",
    "j accepte",
    "accepte",
    "je suis d accord",
    "pourquoi pas",
    "bien entendu",
    "oui oui",
    "yes",
    "yeah",
    "yep",
    "yup",
    "sure",
    "of course",
    "correct",
    "right",
    "fine",
    "that s right",
    "all good",
    "i agree",
    "agreed",
)
NO = _phrases(
    "non",
    "nan",
    "nom",
    "pas du tout",
    "non merci",
    "surtout pas",
    "jamais",
    "pas question",
    "je refuse",
    "refuse",
    "pas d accord",
    "je ne veux pas",
    "je veux pas",
    "aucun",
    "aucune",
    "rien",
    "pas cette fois",
    "je ne peux pas",
    "je peux pas",
    "impossible",
    "no",
    "nope",
    "nah",
    "no thanks",
    "no thank you",
    "not at all",
    "never",
    "not this time",
    "i can t",
    "i cannot",
)


def read_yes_no(text: str, *, strict: bool = False) -> bool | None:
    """ "oui", "d'accord", "yes" → True; "non", "non merci", "no" → False; else None. Not
    `strict`, a first "oui" or "non" says it ("non, pas cette fois"); `strict` where the
    words could be an answer of their own ("Non fumeur" as a note for passengers)."""
    if len(text) > MAX_TEXT:
        return None
    folded = fold(text)
    for polite in (" merci", " merci beaucoup", " thanks", " thank you", " svp", " please"):
        if folded.endswith(polite) and folded != polite.strip():
            folded = folded[: -len(polite)].strip()
    folded = re.sub(r"^(?:ben|bah|euh|eh bien|alors|bon|well|um|uh) ", "", folded)
    if folded in YES:
        return True
    if folded in NO:
        return False
    if strict:
        return None
    first = folded.split(" ", 1)[0] if folded else ""
    # "oui, tout est juste", "non pas cette fois": the first word says it.
    if first in ("oui", "yes", "ouais", "ok", "okay"):
        return True
    if first in ("non", "no", "nope"):
        return False
    return None


# Numbers ("3 places", "trois", "three seats").

_NUMBER_NOUNS = frozenset(
    "place places siege sieges personne personnes passager passagers seat seats "
    "people person passenger passengers".split()
)


def read_number(text: str) -> int | None:
    """A small count: "3", "3 places", "trois", "deux personnes", "three seats"."""
    if len(text) > MAX_TEXT:
        return None
    words = [w for w in without_fillers(text).split() if w not in _NUMBER_NOUNS]
    words = [w for w in words if w not in ("j ai", "je", "peux", "prendre", "il", "y", "a")]
    phrase = " ".join(w for w in words if w not in ("j", "ai", "i", "have", "can", "take"))
    if phrase.isascii() and phrase.isdigit() and len(phrase) <= 3:
        return int(phrase)
    return NUMBER_WORDS.get(phrase)


# Phones.

_PHONE = re.compile(r"(?<![\d+])(\+?\d[\d .\-/()]{7,18}\d)(?!\d)")


def read_phone(text: str) -> str | None:
    """The phone-like part of a message ("06 12 34 56 78", "mon numéro : +33 6 12 34 56 78"),
    as typed: the one place that normalises numbers is given it as it is."""
    if len(text) > MAX_TEXT:
        return None
    found = _PHONE.findall(unicodedata.normalize("NFKC", text))
    if len(found) != 1:
        return None
    digits = "".join(ch for ch in found[0] if ch.isdigit())
    return found[0].strip() if 9 <= len(digits) <= 15 else None
