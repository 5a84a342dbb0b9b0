"""Texts (SMS): the keywords a simple phone sends, and saying one wants to drive."""

from __future__ import annotations

import enum
import re

from bot.understand.words import MAX_TEXT, fold


class Keyword(enum.StrEnum):
    HELP = "help"
    CANCEL = "cancel"
    STOP = "stop"
    START = "start"
    FORGET = "forget"  # erase everything kept about them (/oublier on Telegram)


_KEYWORDS = {
    Keyword.HELP: ("aide", "help", "?", "info", "infos", "menu"),
    Keyword.CANCEL: ("annuler", "annule", "annulation", "cancel"),
    Keyword.STOP: ("stop", "arret", "arreter", "stop sms", "desabonner", "unsubscribe", "stopall"),
    Keyword.START: ("start", "reprendre", "unstop", "demarrer"),
    Keyword.FORGET: (
        "oublier",
        "oubliez moi",
        "oublie moi",
        "oubliez moi svp",
        "effacer",
        "tout effacer",
        "effacer tout",
        "effacer mes donnees",
        "supprimer mes donnees",
        "effacer mon compte",
        "supprimer mon compte",
        "forget",
        "forget me",
        "forgetme",
        "delete my data",
        "erase my data",
        "delete my account",
    ),
}
_KEYWORD_OF = {word: keyword for keyword, words in _KEYWORDS.items() for word in words}


def read_keyword(text: str) -> Keyword | None:
    """A whole text that is a keyword ("STOP", "Aide", "annuler !"), in either language; a
    sentence that merely holds one ("stop à Figeac") is not."""
    if len(text) > 40:
        return None
    if text.strip() == "?":
        return Keyword.HELP
    return _KEYWORD_OF.get(fold(text))


_OFFERING = re.compile(
    r"\b(?:je propose|proposer|propose un trajet|je conduis|conducteur|conductrice|"
    r"j ai une voiture|j ai de la place|des places|i offer|offer a (?:trip|ride)|i drive|driver)\b"
)


def says_offering(text: str) -> bool:
    """ "Je propose un trajet", "je suis conducteur": someone who drives, not who asks."""
    return len(text) <= MAX_TEXT and _OFFERING.search(fold(text)) is not None
