"""Every keyboard the bot shows, and the callback-data codec of its buttons.

Callback data is "<kind>:<part>:<part>…" and at most 64 bytes (Telegram's limit). Buttons of
a conversation carry that conversation's nonce, so a button from an earlier, finished
conversation is recognised as stale instead of acting on the current one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.domain import Trip, TripStatus, Weekday
from i18n import Translator

OFFER = "of"
FIND = "fd"
NEED = "nd"
INTRO = "in"
TRIP = "tr"
OPERATOR = "op"
START = "st"
LANGUAGE = "lg"
RIDE = "rd"
CHECK = "tc"
BOOKING = "bk"  # a partner platform's passenger asks one of our drivers
SHARE = "sh"  # show a need to the partner platforms
PAGE = "pg"
REPORT = "sg"  # /signaler's buttons (with the conversation's nonce)


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


def place_choices(
    t: Translator, lang: str, kind: str, nonce: str, labels: Sequence[str]
) -> InlineKeyboardMarkup:
    rows: list[Row] = [[(label, encode(kind, nonce, "pick", i))] for i, label in enumerate(labels)]
    rows.append([(t(lang, "button.none_of_these"), encode(kind, nonce, "retype"))])
    return inline(*rows)


def weekdays(
    t: Translator, lang: str, kind: str, nonce: str, selected: frozenset[Weekday]
) -> InlineKeyboardMarkup:
    def day(d: Weekday) -> tuple[str, str]:
        name = t.weekday(lang, d, "abbreviated")
        return (f"✅ {name}" if d in selected else name, encode(kind, nonce, "day", int(d)))

    return inline(
        [day(Weekday(d)) for d in range(4)],
        [day(Weekday(d)) for d in range(4, 7)],
        [
            (t(lang, "button.working_days"), encode(kind, nonce, "days", "work")),
            (t(lang, "button.every_day"), encode(kind, nonce, "days", "all")),
        ],
        [(t(lang, "button.days_done"), encode(kind, nonce, "days", "ok"))],
    )


def one_button(text: str, data: str) -> InlineKeyboardMarkup:
    return inline([(text, data)])


def stay(t: Translator, lang: str, person_id: int, *, for_team: bool) -> InlineKeyboardMarkup:
    """An inactive person stays or goes: pressed by them, or by the team for someone who
    phoned."""
    go = encode("pv", "caller", person_id) if for_team else encode("pv", "forget", "yes", person_id)
    stays = "privacy.button_stay_team" if for_team else "privacy.button_stay"
    return inline(
        [(t(lang, stays), encode("pv", "stay", person_id))],
        [(t(lang, "privacy.button_go"), go)],
    )


def yes_no(t: Translator, lang: str, kind: str, nonce: str, action: str) -> InlineKeyboardMarkup:
    return inline(
        [
            (t(lang, "button.yes"), encode(kind, nonce, action, "yes")),
            (t(lang, "button.no"), encode(kind, nonce, action, "no")),
        ]
    )


SUMMARY_FIELDS = ("origin", "destination", "days", "time", "return", "seats", "note", "contact")
FIND_SUMMARY_FIELDS = ("origin", "destination", "when", "mode", "purpose", "special")


def summary(
    t: Translator,
    lang: str,
    nonce: str,
    *,
    kind: str = OFFER,
    fields: Sequence[str] = SUMMARY_FIELDS,
    confirm: str = "button.confirm",
) -> InlineKeyboardMarkup:
    edits = [(t(lang, f"button.edit_{f}"), encode(kind, nonce, "edit", f)) for f in fields]
    return inline(
        [(t(lang, confirm), encode(kind, nonce, "confirm"))],
        *[edits[i : i + 2] for i in range(0, len(edits), 2)],
        [(t(lang, "button.cancel_registration"), encode(kind, nonce, "cancel"))],
    )


def when_choice(t: Translator, lang: str, nonce: str) -> InlineKeyboardMarkup:
    return inline(
        [
            (t(lang, "button.today"), encode(FIND, nonce, "when", "today")),
            (t(lang, "button.tomorrow"), encode(FIND, nonce, "when", "tomorrow")),
        ],
        [(t(lang, "button.regular"), encode(FIND, nonce, "when", "regular"))],
    )


def mode_choice(t: Translator, lang: str, nonce: str) -> InlineKeyboardMarkup:
    return inline(
        [(t(lang, "button.leave_after"), encode(FIND, nonce, "mode", "leave_after"))],
        [(t(lang, "button.arrive_before"), encode(FIND, nonce, "mode", "arrive_before"))],
    )


def purposes(t: Translator, lang: str, nonce: str, choices: Sequence[str]) -> InlineKeyboardMarkup:
    buttons = [(t(lang, f"purpose.{p}"), encode(FIND, nonce, "purpose", p)) for p in choices]
    return inline(*[buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def special_needs(
    t: Translator, lang: str, nonce: str, choices: Sequence[str], selected: frozenset[str]
) -> InlineKeyboardMarkup:
    def button(need: str) -> tuple[str, str]:
        label = t(lang, f"special.{need}")
        return (f"✅ {label}" if need in selected else label, encode(FIND, nonce, "special", need))

    return inline(
        *[[button(need)] for need in choices],
        [
            (t(lang, "button.no_special"), encode(FIND, nonce, "special", "none")),
            (t(lang, "button.special_done"), encode(FIND, nonce, "special", "ok")),
        ],
    )


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


def operator_actions(t: Translator, lang: str, need_id: int) -> InlineKeyboardMarkup:
    return inline(
        [
            (t(lang, "button.op_claim"), encode(OPERATOR, need_id, "claim")),
            (t(lang, "button.op_candidates"), encode(OPERATOR, need_id, "drivers")),
        ],
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
        [(t(lang, "button.withdraw_yes", name=name),
          encode(INTRO, introduction_id, "withdraw", "yes"))],
        [(t(lang, "button.withdraw_no", name=name), encode(INTRO, introduction_id, "stay"))],
    )  # fmt: skip


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
