"""What a conversation says and hears, in neutral form: no channel, no wording.

A step asks a `Question` (a message key, its values as domain values, the choices as
`Option`s, and what else it can take: a place or a phone); the engine answers a person's
`Answer` with a `Reply`: the sentences to say, the next question, the notices to send. A
channel words each `Text` in its reader's language and draws the choices its own way
(Telegram: buttons; a simple phone: numbered lines).
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from pydantic import BaseModel

from bot.domain import Caller, Need, NeedDraft, Person, PlaceRef, Trip, TripDraft
from bot.notices import Notice
from bot.services.candidates import Candidate


@dataclass(frozen=True)
class Phone:
    """A phone number (E.164) to show the national way."""

    e164: str


@dataclass(frozen=True)
class ContactOf:
    """How a person is reached on their own channel (a Telegram handle or profile link)."""

    person: Person


@dataclass(frozen=True)
class TripDraftView:
    """The summary of a trip being registered; `caller` when the team speaks for them."""

    draft: TripDraft
    driver: Person
    caller: Caller | None = None


@dataclass(frozen=True)
class NeedDraftView:
    """The summary of a need being described."""

    draft: NeedDraft


@dataclass(frozen=True)
class Days:
    weekdays: frozenset[int]


@dataclass(frozen=True)
class Term:
    """A word of the catalogs inside a sentence (a situation's name, an answer's label)."""

    key: str


@dataclass(frozen=True)
class Bullets:
    """Items shown one a line (the papers an aid asks for); `empty`: a catalog key said
    instead when there is none."""

    items: tuple[str, ...]
    empty: str = ""


@dataclass(frozen=True)
class Money:
    """A sum in euros, shown in the reader's way ("5 000 €", "€5,000"); with how often it is
    paid ("once", "monthly", "quarterly") when `frequency` is set."""

    cents: int
    frequency: str = ""


# What a Text's values may hold: plain values, and the domain values a channel knows how
# to show (a place, a time, a date, days, a phone, a contact, a summary, a trip, a term).
Value = (
    str
    | int
    | float
    | time
    | date
    | PlaceRef
    | Days
    | Phone
    | ContactOf
    | TripDraftView
    | Trip
    | Term
    | NeedDraftView
    | Bullets
    | Money
)


@dataclass(frozen=True)
class Text:
    """A sentence to word: a catalog key and its values; `count` picks a plural form."""

    key: str
    values: Mapping[str, Value] = field(default_factory=dict)
    count: int | None = None


@dataclass(frozen=True)
class Option:
    """A choice under a question. `value` is what pressing it answers ("often:weekly");
    `label` is a sentence, or a literal (a place's label, a number); `checked` marks a
    choice already taken in a question that toggles (the days)."""

    value: str
    label: Text | str
    checked: bool = False
    # A day of the week shown by its short name (the days' keyboard).
    weekday: int | None = None


class Expect(enum.StrEnum):
    """What a question takes beside its choices and words."""

    WORDS = "words"
    PLACE = "place"  # a shared location too
    PHONE = "phone"  # a shared contact too ("Telegram only" as the way out)


@dataclass(frozen=True)
class Question:
    text: Text
    rows: tuple[tuple[Option, ...], ...] = ()
    expect: Expect = Expect.WORDS

    @property
    def options(self) -> list[Option]:
        return [option for row in self.rows for option in row]


@dataclass(frozen=True)
class Say:
    text: Text
    # Take away the keyboard a question put under the typing field (a place, a phone).
    clear_keyboard: bool = False
    # Said instead of the question whose choice was pressed (Telegram rewrites that message;
    # a channel without it just says it).
    replace: bool = False


@dataclass(frozen=True)
class Redraw:
    """The choices of the question just answered, drawn again in place (a day toggled)."""

    question: Question


@dataclass(frozen=True)
class Show:
    """A result of the core that the channel shows in full, its own way and with its own
    buttons (the aids found: bot/conversations/aids.py `AidsShown`)."""

    view: Any


@dataclass(frozen=True)
class TeamCandidates:
    """The drivers the team may call for a need, shown to the operator who registered it
    (each with how to reach them, and a button to ask them for the person)."""

    need: Need
    candidates: tuple[Candidate, ...]


Output = Say | Question | Redraw | Show | TeamCandidates


# What a person answers.


@dataclass(frozen=True)
class Press:
    """A choice taken (a button pressed, "2" texted to a numbered list)."""

    value: str
    nonce: str | None = None

    @property
    def action(self) -> str:
        return self.value.partition(":")[0]

    @property
    def argument(self) -> str:
        return self.value.partition(":")[2]


@dataclass(frozen=True)
class Words:
    text: str


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True)
class SharedContact:
    phone: str
    # The contact is the sender's own (not someone else's card).
    own: bool


class Unusable(enum.StrEnum):
    """Something a step cannot read, by what it is."""

    STICKER = "sticker"
    PHOTO = "photo"
    VOICE = "voice"
    LOCATION = "location"
    CONTACT = "contact"
    DOCUMENT = "document"
    OTHER = "other"


@dataclass(frozen=True)
class SentFile:
    """A photo or a document sent in the chat. `ref` is the channel's own reference, kept
    to show the file again; `download` fetches its bytes (the channel asks for them outside
    the update's write transaction, bot/outside.py), called only once the file is wanted."""

    kind: str  # "photo" or "document"
    ref: str
    size: int | None
    download: Callable[[], Awaitable[bytes]] = field(compare=False, repr=False)
    name: str | None = None
    mime: str | None = None


Answer = Press | Words | Location | SharedContact | Unusable | SentFile


@dataclass
class Reply:
    """What the engine answers: the button pressed is acknowledged (with `alert` shown
    if set), its choices taken away when `drop_choices`, then the outputs in order; the
    notices go to the outbox in the same transaction."""

    outputs: list[Output] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    alert: Text | None = None
    drop_choices: bool = False
    # The press came from a question no longer asked (an old button): said as an alert.
    stale: bool = False
    ended: bool = False
    # The flow the conversation belongs to, and its voice when the team speaks for someone.
    flow: str = ""
    voice: str | None = None
    # The person's data was erased: a channel forgets what it keeps about them too.
    erased: bool = False
    # Words to take again now the conversation ended, as if just sent (what a newcomer
    # texted first, once they agreed: bot/conversations/welcome.py).
    then: Words | None = None


class ConversationState(BaseModel):
    """A person's conversation in progress, as stored: which one, at which step, the draft
    and what the step offered. Kept in Mobilot's own table, in the update's transaction, so
    any process continues any conversation."""

    flow: str
    step: str
    nonce: str
    draft: dict[str, Any] = {}
    # Places offered to choose from, and the namesakes of a place taken without asking.
    choices: list[PlaceRef] = []
    others: dict[str, list[PlaceRef]] = {}
    # The question to come back to once "another one" is chosen.
    back_to: str | None = None
    # Correcting a field from the summary: back to the summary after it.
    editing: bool = False
    # Who the conversation is about, when the team speaks for someone who phoned.
    caller: dict[str, Any] = {}
    # The territory of the operator's team, when a team speaks for someone who phoned (with
    # several territories): what the team registers is theirs to follow only if it is theirs.
    team: str | None = None
    # The conversation set aside by a flow that opens over others (`Flow.aside`), as stored:
    # it goes on where it was once that flow ends.
    paused: dict[str, Any] | None = None
    # How and from what it was opened ("opening@source"), while nothing is answered yet; None
    # after the first answer. A second press on the menu that opened it asks nothing again.
    begun_by: str | None = None
    # A whole request said before the consent it needs ("brive demain 9h") and the day it
    # was said: the consent is asked alone (one short text), the sentence read once agreed.
    said_first: tuple[str, date] | None = None


# A day said back, and its forms that also say "today" or "tomorrow".
_DATE_SET = {
    "find.date_set": ("find.date_set_today", "find.date_set_tomorrow"),
    "rides.date_set": ("rides.date_set_today", "rides.date_set_tomorrow"),
}


def date_set(key: str, day: date, today: date) -> str:
    """The message saying back a day chosen: `key` itself, or its form that also says
    "today" or "tomorrow" ("mardi prochain" said on a Monday is tomorrow: it says so)."""
    on_the_day, the_day_after = _DATE_SET[key]
    if day == today:
        return on_the_day
    if (day - today).days == 1:
        return the_day_after
    return key
