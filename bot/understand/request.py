"""A whole request typed at once ("cahors demain 9h")."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.domain import Weekday
from bot.understand.days import read_day_and_time, read_regular_days
from bot.understand.times import TimeWish
from bot.understand.way_back import BackWish, split_way_back
from bot.understand.words import MAX_TEXT, _phrases, fold


@dataclass(frozen=True)
class Request:
    """A trip asked in one message: "cahors demain 9h", "de Gourdon à Cahors jeudi avant 9h",
    "Gourdon Cahors lundi et jeudi 8h" (every week).

    ``destination`` and ``origin`` are place texts still to be looked up (a destination
    without an origin may name both: "gourdon cahors", see `two_places`); ``unused``, the
    words after the day and time that say nothing the bot can use."""

    destination: str | None = None
    origin: str | None = None
    day: date | None = None
    wish: TimeWish | None = None
    weekdays: frozenset[Weekday] = frozenset()
    unused: str | None = None
    back: BackWish | None = None  # "… retour 17h"
    regular: bool = False  # "… chaque semaine": every week, on days still to ask


_OPENINGS = re.compile(
    r"^(?:(?:bonjour|bonsoir|salut|hello|hi)\s+)?"
    r"(?:(?:je (?:voudrais|veux|souhaite|souhaiterais|dois|aimerais|cherche)|j aimerais"
    r"|il me faut|i (?:would like|want|need)(?: to)?)\s+)?"
    r"(?:(?:aller|me rendre|partir|un trajet|une voiture|quelqu un|go|get|a ride)\s+)?"
)
# "figeac -> cahors", "Gourdon → Cahors": an arrow is "to" (folding would drop it).
_ARROWS = re.compile(r"\s*(?:-+>|=+>|[–—]+>|[→⇒⟶➜➔➝➞]|➡️?|>)\s*")
_FROM = ("de", "depuis", "d", "from")
# Words that may begin a day said in the middle of a sentence ("cahors demain 9h pour le
# médecin"), so that not every span of every message is read as a date.
_DAY_OPENERS = frozenset(
    "demain apres aujourd aujourdhui ce cet dans le lundi mardi mercredi jeudi vendredi samedi "
    "dimanche tomorrow today tonight this next on monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)


@dataclass(frozen=True)
class _When:
    day: date | None
    weekdays: frozenset[Weekday]
    wish: TimeWish | None
    regular: bool = False  # "chaque semaine", the days still to ask


# Said after the places, every week without its days yet ("cahors figeac chaque semaine").
_EVERY_WEEK = _phrases("chaque semaine", "toutes les semaines", "every week")


def _when(text: str, today: date) -> _When | None:
    regular = read_regular_days(text)
    if regular is not None:
        return _When(None, regular[0], regular[1])
    said = read_day_and_time(text, today)
    if said is not None:
        return _When(said[0], frozenset(), said[1])
    if fold(text) in _EVERY_WEEK:
        return _When(None, frozenset(), None, regular=True)
    return None


def _find_when(words: list[str], today: date) -> tuple[int, int, _When] | None:
    """Where the day and time are: last ("cahors demain 9h"), first ("demain 9h cahors"),
    or in between, before words the bot cannot use ("cahors demain 9h svp avec mon chien")."""
    count = len(words)
    for start in range(count):
        said = _when(" ".join(words[start:]), today)
        if said is not None:
            return start, count, said
    for end in range(count - 1, 0, -1):
        said = _when(" ".join(words[:end]), today)
        if said is not None:
            return 0, end, said
    for start in range(1, count - 1):
        if words[start] not in _DAY_OPENERS and not words[start][:1].isdigit():
            continue
        for end in range(min(count - 1, start + 6), start, -1):
            if words[end] not in _MORE_OF_A_REQUEST and not words[end][:1].isdigit():
                continue  # "oui mardi ça s'est bien passé" is no request
            said = _when(" ".join(words[start:end]), today)
            if said is not None:
                return start, end, said
    return None


# Words after the day that may still be about the trip ("… demain 9h pour le médecin",
# "… demain vers 25h"): only then is a sentence with words left over read as a request.
_MORE_OF_A_REQUEST = frozenset(
    "pour avec vers a au et de depuis d svp please for with at around from".split()
)
# Words before the day that name no place ("oui ce soir", "ok pour demain", "merci, à
# demain"): the sentence answers something else, it asks no trip.
_NO_PLACE = frozenset(
    "a au aux de du des d vers pour oui ouais non ok okay d accord merci bien bon ca c est "
    "alors ben yes no thanks see you for to".split()
)


_POLITE = frozenset("svp stp merci please".split())
_ROUTE_WORDS = frozenset("a au aux vers pour to".split())


class _Said:
    """A message as folded words, each knowing the word typed it came from: the places and
    the words left over are given back as typed ("12 rue de la République", not folded)."""

    def __init__(self, text: str) -> None:
        self.typed = text.split()
        self.words: list[str] = []
        self.owner: list[int] = []
        for index, token in enumerate(self.typed):
            for word in fold(token).split():
                self.words.append(word)
                self.owner.append(index)

    def drop(self, keep: Callable[[int], bool]) -> None:
        kept = [i for i in range(len(self.words)) if keep(i)]
        self.words = [self.words[i] for i in kept]
        self.owner = [self.owner[i] for i in kept]

    def typed_span(self, start: int, end: int) -> str:
        """Words start to end as typed (folded when a typed word is cut in two)."""
        if start >= end:
            return ""
        first, last = self.owner[start], self.owner[end - 1]
        cut = (start > 0 and self.owner[start - 1] == first) or (
            end < len(self.owner) and self.owner[end] == last
        )
        if cut:
            return " ".join(self.words[start:end])
        return " ".join(self.typed[first : last + 1]).strip(" ,;.!?")


def read_request(text: str, today: date) -> Request | None:
    """The places, day and time said in one message, as far as the words say them; None when
    the message names no day (it is then not clearly a request)."""
    if len(text) > MAX_TEXT:
        return None
    text, back, back_unused = split_way_back(text)
    said = _Said(_ARROWS.sub(" vers ", text))
    opening = _OPENINGS.match(" ".join(said.words))
    skip = len(opening.group().split()) if opening else 0
    words = said.words
    polite = {i for i in range(len(words) - 3) if words[i : i + 4] == ["s", "il", "vous", "plait"]}
    polite |= {i + n for i in polite for n in range(1, 4)}
    said.drop(lambda i: i >= skip and i not in polite and words[i] not in _POLITE)
    found = _find_when(said.words, today)
    if found is None:
        return None
    start, end, when = found
    if start > 0 and all(word in _NO_PLACE for word in said.words[:start]):
        return None
    if when.regular and start == 0 and end == len(said.words):
        return None  # "chaque semaine" alone: an answer, not a trip asked
    count = len(said.words)
    places, rest = ((0, start), (end, count)) if start > 0 else ((end, count), (count, count))
    origin, destination = _route(said, *places)
    if origin is None and rest[1] - rest[0] > 1 and said.words[rest[0]] in _FROM:
        # "cahors demain 9h depuis gourdon"
        origin, rest = said.typed_span(rest[0] + 1, rest[1]), (count, count)
    unused = " ".join(part for part in (said.typed_span(*rest), back_unused) if part)
    return Request(
        destination or None,
        origin,
        when.day,
        when.wish,
        when.weekdays,
        unused or None,
        back,
        when.regular,
    )


def _route(said: _Said, start: int, end: int) -> tuple[str | None, str]:
    """ "de Gourdon à Cahors", "Gourdon vers Cahors": the origin and the destination."""
    words = said.words
    first = start + 1 if end - start > 2 and words[start] in _FROM else start
    for middle in range(first + 1, end - 1):
        if words[middle] in _ROUTE_WORDS:
            return said.typed_span(first, middle), said.typed_span(middle + 1, end)
    return None, said.typed_span(start, end)


def two_places(text: str) -> list[tuple[str, str]]:
    """The ways to cut words naming two places with nothing between ("gourdon cahors"):
    (origin, destination), each cut once; none past a few words."""
    words = text.split()
    if not 2 <= len(words) <= 6:
        return []
    return [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words))]
