"""A territory's own SMS number (issue 22, item 1): a text received on it places a newcomer
in that territory and welcomes them in its name; every text to a person goes out from their
territory's number, else from SMS_NUMBER (the gateway's own sender).

A territory's name too: with several territories, a person whose territory is known is
spoken to in its name ("Covoit' Corrèze"), on Telegram and by SMS, wherever a message says
`{service}` (`voice_for`; the adapters word it with i18n's `Translator.named`). With one
territory, or for someone whose territory is not known yet, None: the deployment's own words
("Mobilot").

A territory's town likewise: an example request names it ("brive demain 9h" to a person of
Corrèze, not "cahors demain 9h", a town 100 km away). Its `example_town`, else its most
populous commune, by the short name people type ("Brive" for Brive-la-Gaillarde) when the
bot reads that name back as the commune: chosen once at start (`example_towns`), handed
with the name (`voice_for`, `Translator.named`); to someone not placed yet, the first
territory's. One territory has its town too (a deployment in the Aveyron says "Rodez", not
"Cahors"): its EXAMPLE_TOWN, else its most populous commune of TERRITORY_DEPARTMENTS; without
a department, None: the catalogue's own ("Cahors").

The number a text leaves from is decided when it is written, in the transaction that writes
it, and kept in its outbox row (`from`): the deliverer sends what the row says, reads nothing
at send time, and a text written before a territory got its number still leaves as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from weakref import WeakKeyDictionary

from bot.phones import parse_phone
from bot.places.gazetteer import Gazetteer
from bot.places.model import COMMUNE, Place
from bot.services.places import PlaceService
from bot.services.territories import Belonging
from bot.territories import Territories, Territory
from bot.understand import fold, read_request


@dataclass(frozen=True)
class Voice:
    """How Mobilot speaks of itself to a person: the service's name (None: the deployment's
    own, "Mobilot") and the town of an example request (None: the catalogue's, "Cahors")."""

    service: str | None = None
    town: str | None = None


# The longest example town: AIDE's text (sms.help) stays one SMS with it and a territory's
# name of 23 characters ("Mobilité Vallée du Célé").
MAX_EXAMPLE_TOWN = 10


class ExampleTownError(ValueError):
    """A territory's example_town is no commune the bot reads back: the message names the
    file, the line and the territory (one territory's EXAMPLE_TOWN: the value only, the
    caller names the setting)."""


def same_number(number: str) -> str:
    """A number as compared and sent: E.164 for a phone ("+33612345678"), else its digits
    (a short code such as 36111)."""
    return parse_phone(number) or "".join(ch for ch in number if ch.isdigit() or ch == "+")


class Brand:
    def __init__(
        self,
        territories: Territories,
        belonging: Belonging,
        shared_number: str = "",
        towns: Mapping[str, str] | None = None,
    ) -> None:
        self._belonging = belonging
        self._several = territories.several
        # Each territory's example town (`example_towns`), by id; the first's for the others.
        self._towns = dict(towns or {})
        self._first = territories.first.id
        # SMS_NUMBER is everyone's (the single territory's, or a region's shared number): a
        # territory naming it has no number of its own, and texts leave as they always did.
        shared = same_number(shared_number) if shared_number.strip() else None
        self._numbers = {
            same_number(t.sms_number): t
            for t in territories.items
            if t.sms_number.strip() and same_number(t.sms_number) != shared
        }

    @property
    def numbered(self) -> bool:
        """Some territory has its own number (without, nothing here is ever asked)."""
        return bool(self._numbers)

    @property
    def named(self) -> bool:
        """Some person may be spoken to in their territory's name (several territories)."""
        return self._several

    @property
    def voiced(self) -> bool:
        """Some example request names a territory's own town (else the catalogue's)."""
        return bool(self._towns)

    async def voice_for(self, person_id: int) -> Voice:
        """The name the person's service goes by (their territory's, when there are several
        and theirs is known; else None, the deployment's own words) and the town of an
        example request: their territory's, the first's while not known; with one territory,
        its own."""
        if not self._several:
            return Voice(None, self._towns.get(self._first))
        theirs = await self._belonging.known_of_person(person_id)
        if theirs is None:
            return Voice(None, self._towns.get(self._first))
        return Voice(theirs.name, self._towns.get(theirs.id))

    def of_number(self, number: str) -> Territory | None:
        """The territory whose own number this is (what a text was sent to)."""
        if not self._numbers or not number.strip():
            return None
        return self._numbers.get(same_number(number))

    async def received_on(self, person_id: int, number: str) -> None:
        """A text from the person came to `number`: a territory's own number places them in
        that territory unless they already belong somewhere (whose name the welcome then
        says: `voice_for`)."""
        territory = self.of_number(number)
        if territory is not None:
            await self._belonging.settle(person_id, territory.id)

    async def sender_of(self, person_id: int) -> str | None:
        """The number a text to the person leaves from: their territory's own, else None
        (the gateway's SMS_NUMBER)."""
        if not self._numbers:
            return None
        theirs = await self._belonging.of_person(person_id)
        return same_number(theirs.sms_number) if self._own(theirs) else None

    def _own(self, territory: Territory) -> bool:
        return any(t.id == territory.id for t in self._numbers.values())


async def example_towns(
    territories: Territories, gazetteer: Gazetteer, places: PlaceService
) -> dict[str, str]:
    """Each territory's example town, as written in a message ("Brive"): its declared
    `example_town` (a commune of its own; its spelling when it is its whole name), else its most
    populous commune that has a short enough example, by its short name when the bot reads
    that back as the commune ("Brive" for Brive-la-Gaillarde). ExampleTownError when the
    declared one is no commune the bot reads back (the person would be asked what they
    meant), another territory's, or too long for AIDE's text to stay one SMS.

    Kept per gazetteer and territories: finding them reads every commune (some 30 ms), and a
    process that starts several cores on one gazetteer (the tests, try mode) asks again."""
    known = _EXAMPLES.setdefault(gazetteer, {}).get(territories)
    if known is not None:
        return dict(known)
    towns = await _example_towns(territories, gazetteer, places)
    _EXAMPLES[gazetteer][territories] = dict(towns)
    return towns


# What `example_towns` found, by gazetteer (gone with it) and territories.
_EXAMPLES: WeakKeyDictionary[Gazetteer, dict[Territories, dict[str, str]]] = WeakKeyDictionary()


async def _example_towns(
    territories: Territories, gazetteer: Gazetteer, places: PlaceService
) -> dict[str, str]:
    towns: dict[str, str] = {}
    for territory in territories.items:
        if territory.example_town is not None:
            towns[territory.id] = await _declared(territories, territory, places)
            continue
        for commune in _by_population(territories, territory, gazetteer):
            example = await _example(commune, places)
            if example is not None:
                towns[territory.id] = example
                break
    return towns


async def _declared(territories: Territories, territory: Territory, places: PlaceService) -> str:
    declared = territory.example_town or ""
    where = (
        f"{territory.declared_at}, territory {territory.id!r}: example_town {declared!r}"
        if territory.declared_at
        else repr(declared)  # EXAMPLE_TOWN, which the start's message names
    )
    if len(declared) > MAX_EXAMPLE_TOWN:
        raise ExampleTownError(
            f"{where} is too long for a text (at most {MAX_EXAMPLE_TOWN} characters: AIDE's"
            ' answer must stay one SMS; a short name people say, e.g. "Brive")'
        )
    read = await _read_back(declared, places)
    if read is None or read.kind != COMMUNE or read.commune is not None:
        raise ExampleTownError(
            f"{where} is not one commune the bot knows by that name (unknown, or several"
            ' communes near bear it and the bot would ask which; e.g. "Brive" or "Tulle")'
        )
    if not _holds(territories, territory, read):
        raise ExampleTownError(
            f"{where} is read as {read.label}, not a commune of this territory (its people"
            " would read of a town elsewhere)"
        )
    if _folded(declared) == _folded(read.name):
        return read.name
    return declared[:1].upper() + declared[1:]


def _holds(territories: Territories, territory: Territory, place: Place) -> bool:
    """The place is the territory's: it names its commune or department (without either,
    a single territory's is every place), and no other territory takes it."""
    named = bool(territory.departments or territory.communes)
    if named and not territory.holds(place.id.removeprefix("insee:"), place.department):
        return False
    return territories.of_place(place.id, place.department).id == territory.id


def _by_population(
    territories: Territories, territory: Territory, gazetteer: Gazetteer
) -> list[Place]:
    """Its communes in force, the most populous first (one lent to a neighbour is the
    neighbour's)."""
    found = [
        place
        for place in gazetteer
        if place.kind == COMMUNE
        and place.commune is None
        and territory.holds(place.id.removeprefix("insee:"), place.department)
        and territories.of_place(place.id, place.department).id == territory.id
    ]
    return sorted(found, key=lambda place: (-place.population, place.name))


async def _example(commune: Place, places: PlaceService) -> str | None:
    """ "Brive" for Brive-la-Gaillarde: the shortest first parts of its hyphenated name the
    bot reads back as that commune, else its whole name; None if none is (a name several
    communes near bear) or short enough."""
    parts = commune.name.split("-")
    for end in range(1, len(parts) + 1):
        said = "-".join(parts[:end])
        if len(said) > MAX_EXAMPLE_TOWN:
            return None
        read = await _read_back(said, places)
        if read is not None and read.id == commune.id:
            return said
    return None


async def _read_back(town: str, places: PlaceService) -> Place | None:
    """The place the bot takes when a person writes the example ("Brive demain 9h"; texted
    "brive demain 9h", the same to the reader), as its whole-request reader does."""
    request = read_request(f"{town} demain 9h", date.today())
    if request is None or request.destination is None or request.origin is not None:
        return None
    return (await places.understand(request.destination, online=False)).taken


def _folded(text: str) -> str:
    return " ".join(fold(text).replace("-", " ").split())
