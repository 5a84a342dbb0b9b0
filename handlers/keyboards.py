"""Every keyboard the bot shows, and the callback-data codec of its buttons.

Callback data is "<kind>:<part>:<part>…" and at most 64 bytes (Telegram's limit). Buttons of
a conversation carry that conversation's nonce, so a button from an earlier, finished
conversation is recognised as stale instead of acting on the current one.

Each kind of button is a `ButtonKind`: its two-letter prefix, declared once in the registry
(a second kind with the same prefix is refused at import), and the named, typed fields its
parts stand for (a NamedTuple), in the order they are written. `kind.read(data)` gives those
fields, or None for data that is not (or no longer) such a button; `encode` writes the same
bytes as ever, so buttons already in chats keep working.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, NamedTuple, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.conversations.find import SUMMARY_FIELDS as FIND_FIELDS
from bot.domain import Ride, Trip, TripStatus
from i18n import Translator

F = TypeVar("F", bound=tuple[object, ...])

# Every kind of button, by its prefix.
REGISTRY: dict[str, ButtonKind[typing.Any]] = {}


class Parts(NamedTuple):
    """The parts of a conversation's buttons, read by the conversation itself."""


class ButtonKind(str, Generic[F]):
    """A kind of button: its prefix (the kind is that string, for the code that matches or
    writes data by prefix) and the NamedTuple of the fields its parts stand for."""

    fields: type[F]
    purpose: str
    _types: tuple[tuple[str, type, bool], ...]  # name, int or str, optional

    def __new__(cls, prefix: str, fields: type[F], purpose: str = "") -> ButtonKind[F]:
        if not re.fullmatch(r"[a-z]{2}", prefix):
            raise ValueError(f"a button's prefix is two small letters, not {prefix!r}")
        if prefix in REGISTRY:
            raise ValueError(f"two kinds of button with the prefix {prefix!r}")
        kind = super().__new__(cls, prefix)
        kind.fields = fields
        kind.purpose = purpose
        hints = typing.get_type_hints(fields)
        kind._types = tuple(
            (name, _base(hints[name]), name in fields._field_defaults)  # type: ignore[attr-defined]
            for name in fields._fields  # type: ignore[attr-defined]
        )
        REGISTRY[prefix] = kind
        return kind

    @property
    def prefix(self) -> str:
        return str.__str__(self)

    def write(self, fields: F) -> str:
        """The data of a button: the fields in order, without the unset ones at the end."""
        parts = list(fields)
        while parts and parts[-1] is None:
            parts.pop()
        return encode(self, *parts)

    def read(self, data: str | Callback | None) -> F | None:
        """The fields of a button of this kind, or None (another kind, or malformed)."""
        callback = decode(data) if not isinstance(data, Callback) else data
        if callback is None or callback.kind != self.prefix:
            return None
        if len(callback.parts) > len(self._types) and self._types:
            return None
        values: list[object] = []
        for index, (name, base, optional) in enumerate(self._types):
            part = callback.part(index)
            if part is None or part == "":
                if not optional:
                    return None
                values.append(self.fields._field_defaults[name])  # type: ignore[attr-defined]
            elif base is int:
                if not is_number(part):
                    return None
                values.append(int(part))
            else:
                values.append(part)
        make: typing.Any = self.fields  # a NamedTuple: its fields in order
        return typing.cast(F, make(*values))


def _base(hint: object) -> type:
    """int or str, from a field's type (`int`, `str | None`…)."""
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for arg in args:
        if arg in (int, str):
            return arg  # type: ignore[no-any-return]
    raise TypeError(f"a button's field is an int or a str, not {hint}")


class SubjectAction(NamedTuple):
    """ "<kind>:<record id>:<action>[:<detail>]": most buttons about one record."""

    subject: int
    action: str
    detail: str | None = None


class Choice(NamedTuple):
    """ "<kind>:<choice>": a choice among words (a language, a menu entry)."""

    choice: str


class Share(NamedTuple):
    """ "sh:<need>[:off]"."""

    need: int
    off: str | None = None


class PrivacyButton(NamedTuple):
    """ "pv:forget:yes:<person>", "pv:forget:no", "pv:caller:<person>", "pv:stay:<person>"."""

    action: str
    value: str | None = None  # "yes"/"no" to forget oneself; the person for the others
    person: int | None = None  # the person who forgets themself

    @property
    def subject(self) -> int | None:
        """The person a "caller" or "stay" button is about."""
        return int(self.value) if self.value is not None and is_number(self.value) else None


class Page(NamedTuple):
    """ "pg:<list>:<page>"."""

    list: str
    page: int


OFFER = ButtonKind("of", Parts, "offering a trip (the conversation's nonce, then its step)")
FIND = ButtonKind("fd", Parts, "finding a ride (the conversation's nonce, then its step)")
NEED = ButtonKind("nd", SubjectAction, "a passenger's need: ask a driver, the team, cancel")
INTRO = ButtonKind("in", SubjectAction, "a driver answers an introduction, or withdraws")
TRIP = ButtonKind("tr", SubjectAction, "a driver's trip: pause, resume, delete, seats")
OPERATOR = ButtonKind("op", SubjectAction, "the team's buttons under a need")
START = ButtonKind("st", Choice, "the /start menu")
LANGUAGE = ButtonKind("lg", Choice, "a language")
RIDE = ButtonKind("rd", SubjectAction, "did the ride happen?")
CHECK = ButtonKind("tc", SubjectAction, "does the trip still run?")
BOOKING = ButtonKind("bk", SubjectAction, "a partner platform's passenger asks our driver")
SHARE = ButtonKind("sh", Share, "show a need to the partner platforms")
PAGE = ButtonKind("pg", Page, "a page of a long list")
AIDS = ButtonKind("ai", Parts, "the /aides questions (the conversation's nonce, then its step)")
APPLY = ButtonKind("ap", Parts, 'an application being made; "ap:new:<aid>" starts one')
REVIEW = ButtonKind("ar", Parts, 'a funder\'s reviewers: "ar:<application>:<action>[:<reason>]"')
KEEP = ButtonKind("ak", Parts, 'keep the answers of /aides for next time: "ak:yes" / "ak:no"')
PRIVACY = ButtonKind("pv", PrivacyButton, "forgetting someone, staying (handlers/privacy.py)")
FORGET = ButtonKind("fg", Parts, "/oublier: the conversation's nonce, then the answer")
TRUST = ButtonKind("ts", Parts, "reporting someone, suspending, lifting (handlers/trust.py)")
REPORT = ButtonKind("sg", Parts, "/signaler (the conversation's nonce, then its step)")
REMIND = ButtonKind("od", SubjectAction, "on-demand transport: remind me before the deadline")


@dataclass(frozen=True)
class Callback:
    kind: str
    parts: tuple[str, ...]

    def part(self, index: int) -> str | None:
        return self.parts[index] if index < len(self.parts) else None

    def number(self, index: int) -> int | None:
        """The part as a record id, or None when it is not one."""
        part = self.part(index)
        return int(part) if part is not None and is_number(part) else None


def encode(kind: str, *parts: object) -> str:
    data = ":".join([kind, *(str(part) for part in parts)])
    if len(data.encode()) > 64:
        raise ValueError(f"callback data too long: {data!r}")
    return data


# What our own buttons carry: a kind and parts of letters, digits, "_" and "-". Anything else
# (forged by a client, or from an older version of the bot) reads as an old button.
_CALLBACK = re.compile(r"[a-z]{2}(:[A-Za-z0-9_-]*)*")


def decode(data: str | None) -> Callback | None:
    if not data or len(data) > 64 or not _CALLBACK.fullmatch(data):
        return None
    kind, *parts = data.split(":")
    return Callback(kind, tuple(parts))


def is_number(text: str | None) -> bool:
    """A record id as our buttons write it: ASCII digits ("²" is a digit for str.isdigit)."""
    return text is not None and 0 < len(text) <= 12 and text.isascii() and text.isdigit()


def pattern(kind: str, *parts: str) -> str:
    """A regex for CallbackQueryHandler matching buttons of `kind` (and leading parts)."""
    return "^" + ":".join([kind, *parts]) + "(:|$)"


Row = Sequence[tuple[str, str]]


def inline(*rows: Row) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows]
    )


def start_menu(t: Translator, lang: str) -> InlineKeyboardMarkup:
    return inline(
        [(t(lang, "button.offer"), encode(START, "offer"))],
        [(t(lang, "button.find"), encode(START, "find"))],
        [(t(lang, "aids.button_show"), encode(START, "aids"))],
    )


def languages(t: Translator, lang: str) -> InlineKeyboardMarkup:
    return inline(
        [
            (t("fr", "language.name"), encode(LANGUAGE, "fr")),
            (t("en", "language.name"), encode(LANGUAGE, "en")),
        ]
    )


def share_location(t: Translator, lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(t(lang, "button.share_location"), request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
        input_field_placeholder=t(lang, "steps.place_placeholder"),
    )


def share_phone(t: Translator, lang: str) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(t(lang, "button.share_phone"), request_contact=True)],
            [KeyboardButton(t(lang, "button.telegram_only"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def one_button(text: str, data: str) -> InlineKeyboardMarkup:
    return inline([(text, data)])


def stay(t: Translator, lang: str, person_id: int, *, for_team: bool) -> InlineKeyboardMarkup:
    """An inactive person stays or goes: pressed by them, or by the team for someone who
    phoned."""
    go = (
        encode(PRIVACY, "caller", person_id)
        if for_team
        else encode(PRIVACY, "forget", "yes", person_id)
    )
    stays = "privacy.button_stay_team" if for_team else "privacy.button_stay"
    return inline(
        [(t(lang, stays), encode(PRIVACY, "stay", person_id))],
        [(t(lang, "privacy.button_go"), go)],
    )


SUMMARY_FIELDS = ("origin", "destination", "days", "time", "return", "seats", "note", "contact")
FIND_SUMMARY_FIELDS = FIND_FIELDS


def candidates(
    t: Translator, lang: str, need_id: int, choices: Sequence[tuple[str, int]]
) -> InlineKeyboardMarkup:
    rows: list[Row] = [
        [(label, encode(NEED, need_id, "ask", trip_id))] for label, trip_id in choices
    ]
    rows.append([(t(lang, "button.ask_team"), encode(NEED, need_id, "team"))])
    return inline(*rows)


def introduction_answer(t: Translator, lang: str, introduction_id: int) -> InlineKeyboardMarkup:
    return inline(
        [
            (t(lang, "button.accept_request"), encode(INTRO, introduction_id, "yes")),
            (t(lang, "button.decline_request"), encode(INTRO, introduction_id, "no")),
        ]
    )


def need_actions(t: Translator, lang: str, need_id: int) -> InlineKeyboardMarkup:
    return inline([(t(lang, "button.cancel_need"), encode(NEED, need_id, "cancel"))])


def confirm_cancel_need(t: Translator, lang: str, need_id: int) -> InlineKeyboardMarkup:
    return inline(
        [
            (t(lang, "button.cancel_need_yes"), encode(NEED, need_id, "cancel", "yes")),
            (t(lang, "button.cancel_need_no"), encode(NEED, need_id, "keep")),
        ]
    )


def trip_actions(t: Translator, lang: str, trip: Trip) -> InlineKeyboardMarkup:
    if trip.status is TripStatus.PAUSED:
        toggle = (t(lang, "button.resume"), encode(TRIP, trip.id, "resume"))
    else:
        toggle = (t(lang, "button.pause"), encode(TRIP, trip.id, "pause"))
    return inline(
        [toggle, (t(lang, "button.delete"), encode(TRIP, trip.id, "delete"))],
        [(t(lang, "rides.button_seats"), encode(TRIP, trip.id, "seats"))],
    )


def trip_seats(t: Translator, lang: str, trip: Trip, most: int) -> InlineKeyboardMarkup:
    """How many seats the trip offers: the current number ticked."""

    def seat(n: int) -> tuple[str, str]:
        return (f"✅ {n}" if n == trip.seats else str(n), encode(TRIP, trip.id, "seats", n))

    return inline(
        [seat(n) for n in range(1, min(most, 4) + 1)],
        [seat(n) for n in range(5, most + 1)],
        [(t(lang, "rides.button_back"), encode(TRIP, trip.id, "keep"))],
    )


def too_few_seats(
    t: Translator, lang: str, trip: Trip, seats: int, rides: Sequence[Ride]
) -> InlineKeyboardMarkup:
    """Fewer seats than passengers: keep the seats, or call one of them off."""
    return inline(
        [(t(lang, "seats.button_keep", seats=trip.seats), encode(TRIP, trip.id, "seatskeep"))],
        *[
            [
                (
                    t(lang, "seats.button_call_off", name=ride.passenger.short_name),
                    encode(TRIP, trip.id, "seatsoff", f"{seats}-{ride.introduction.id}"),
                )
            ]
            for ride in rides
        ],
    )


def confirm_delete(t: Translator, lang: str, trip: Trip) -> InlineKeyboardMarkup:
    return inline(
        [
            (t(lang, "button.delete_yes"), encode(TRIP, trip.id, "delete", "yes")),
            (t(lang, "button.delete_no"), encode(TRIP, trip.id, "keep")),
        ]
    )


def private_chat_link(t: Translator, lang: str, bot_username: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "button.open_private"), url=f"https://t.me/{bot_username}")]]
    )


def operator_actions(
    t: Translator, lang: str, need_id: int, *, claimed: bool = False
) -> InlineKeyboardMarkup:
    """A need's buttons for the team; once someone follows it, no more "I'll take it"."""
    claim = [] if claimed else [(t(lang, "button.op_claim"), encode(OPERATOR, need_id, "claim"))]
    return inline(
        [*claim, (t(lang, "button.op_candidates"), encode(OPERATOR, need_id, "drivers"))],
        [
            (t(lang, "button.op_close"), encode(OPERATOR, need_id, "close")),
            (t(lang, "privacy.button_history"), encode(OPERATOR, need_id, "history")),
        ],
    )


def suspension(t: Translator, lang: str, person_id: int, action: str) -> InlineKeyboardMarkup:
    """The team suspends someone reported, or lifts it."""
    return inline([(t(lang, f"privacy.button_{action}"), encode("ts", action, person_id))])


def operator_history(t: Translator, lang: str, need_id: int) -> InlineKeyboardMarkup:
    return inline([(t(lang, "privacy.button_history"), encode(OPERATOR, need_id, "history"))])


CLOSE_REASONS = ("solved", "solved_other", "no_driver", "person_cancelled")


def operator_close_reasons(t: Translator, lang: str, need_id: int) -> InlineKeyboardMarkup:
    rows: list[Row] = [
        [(t(lang, f"close.{reason}"), encode(OPERATOR, need_id, "close", reason))]
        for reason in CLOSE_REASONS
    ]
    rows.append([(t(lang, "button.op_back"), encode(OPERATOR, need_id, "back"))])
    return inline(*rows)


def operator_candidates(
    t: Translator, lang: str, need_id: int, choices: Sequence[tuple[str, int]]
) -> InlineKeyboardMarkup:
    return inline(
        *[[(label, encode(OPERATOR, need_id, "ask", trip_id))] for label, trip_id in choices]
    )


# A ride's life: reminders, the question the day after, the trips' freshness, the digest.


def ride_reminder_passenger(t: Translator, lang: str, need_id: int) -> InlineKeyboardMarkup:
    return inline([(t(lang, "button.cancel_ride"), encode(NEED, need_id, "cancel_ride"))])


def confirm_cancel_ride(t: Translator, lang: str, need_id: int) -> InlineKeyboardMarkup:
    return inline(
        [(t(lang, "button.cancel_ride_yes"), encode(NEED, need_id, "cancel", "yes"))],
        [(t(lang, "button.cancel_ride_no"), encode(NEED, need_id, "keep_ride"))],
    )


def ride_reminder_driver(t: Translator, lang: str, introduction_id: int) -> InlineKeyboardMarkup:
    return inline([(t(lang, "button.withdraw"), encode(INTRO, introduction_id, "withdraw"))])


def confirm_withdraw(
    t: Translator, lang: str, introduction_id: int, name: str
) -> InlineKeyboardMarkup:
    return inline(
        [
            (
                t(lang, "button.withdraw_yes", name=name),
                encode(INTRO, introduction_id, "withdraw", "yes"),
            )
        ],
        [(t(lang, "button.withdraw_no", name=name), encode(INTRO, introduction_id, "stay"))],
    )


RIDE_OUTCOMES = ("happened", "not_happened", "no_show")


def ride_outcome(t: Translator, lang: str, introduction_id: int) -> InlineKeyboardMarkup:
    return inline(
        *[
            [(t(lang, f"button.ride_{outcome}"), encode(RIDE, introduction_id, outcome))]
            for outcome in RIDE_OUTCOMES
        ]
    )


def trip_check(t: Translator, lang: str, trip_id: int) -> InlineKeyboardMarkup:
    return inline(
        [(t(lang, "button.trip_still_runs"), encode(CHECK, trip_id, "keep"))],
        [
            (t(lang, "button.pause"), encode(CHECK, trip_id, "pause")),
            (t(lang, "button.delete"), encode(CHECK, trip_id, "delete")),
        ],
    )


def confirm_check_delete(t: Translator, lang: str, trip_id: int) -> InlineKeyboardMarkup:
    return inline(
        [
            (t(lang, "button.delete_yes"), encode(CHECK, trip_id, "delete", "yes")),
            (t(lang, "button.delete_no"), encode(CHECK, trip_id, "back")),
        ]
    )


def resume_checked_trip(t: Translator, lang: str, trip_id: int) -> InlineKeyboardMarkup:
    """Resume a trip paused by its freshness check (also pressed by the team for a driver
    registered by phone): it says the trip still runs."""
    return inline([(t(lang, "button.resume"), encode(CHECK, trip_id, "keep"))])


def resume_trip(t: Translator, lang: str, trip_id: int) -> InlineKeyboardMarkup:
    return inline([(t(lang, "button.resume"), encode(TRIP, trip_id, "resume"))])


def digest(
    t: Translator, lang: str, needs: Sequence[tuple[str, int]]
) -> InlineKeyboardMarkup | None:
    buttons = [(label, encode(OPERATOR, need_id, "show")) for label, need_id in needs]
    if not buttons:
        return None
    return inline(*[buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def booking_answer(t: Translator, lang: str, number: int) -> InlineKeyboardMarkup:
    return inline(
        [
            (t(lang, "button.accept_request"), encode(BOOKING, number, "yes")),
            (t(lang, "button.decline_request"), encode(BOOKING, number, "no")),
        ]
    )


def booking_withdraw(t: Translator, lang: str, number: int) -> InlineKeyboardMarkup:
    return inline([(t(lang, "button.withdraw"), encode(BOOKING, number, "off"))])


def booking_confirm_withdraw(
    t: Translator, lang: str, number: int, name: str
) -> InlineKeyboardMarkup:
    return inline(
        [(t(lang, "button.withdraw_yes", name=name), encode(BOOKING, number, "off_yes"))],
        [(t(lang, "button.withdraw_no", name=name), encode(BOOKING, number, "keep"))],
    )


def share_need(t: Translator, lang: str, need_id: int) -> InlineKeyboardMarkup:
    return inline([(t(lang, "interop.button_share"), encode(SHARE, need_id))])


def unshare_need(t: Translator, lang: str, need_id: int) -> InlineKeyboardMarkup:
    return inline([(t(lang, "interop.button_unshare"), encode(SHARE, need_id, "off"))])


def remind_on_demand(t: Translator, lang: str, need_id: int, when: str) -> InlineKeyboardMarkup:
    return inline([(t(lang, "flex.button_remind", when=when), encode(REMIND, need_id, "remind"))])
