"""Every keyboard the bot shows, and the callback-data codec of its buttons.

Callback data is "<kind>:<part>:<part>…" and at most 64 bytes (Telegram's limit). Buttons of
a conversation carry that conversation's nonce, so a button from an earlier, finished
conversation is recognised as stale instead of acting on the current one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.domain import MAX_SEATS, Trip, TripStatus, Weekday
from i18n import Translator

OFFER = "of"
TRIP = "tr"
START = "st"
LANGUAGE = "lg"


@dataclass(frozen=True)
class Callback:
    kind: str
    parts: tuple[str, ...]

    def part(self, index: int) -> str | None:
        return self.parts[index] if index < len(self.parts) else None


def encode(kind: str, *parts: object) -> str:
    data = ":".join([kind, *(str(part) for part in parts)])
    if len(data.encode()) > 64:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    if not data or len(data) > 64:
        return None
    kind, *parts = data.split(":")
    return Callback(kind, tuple(parts))


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
        input_field_placeholder=t(lang, "offer.place_placeholder"),
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
    t: Translator, lang: str, nonce: str, labels: Sequence[str]
) -> InlineKeyboardMarkup:
    rows: list[Row] = [[(label, encode(OFFER, nonce, "pick", i))] for i, label in enumerate(labels)]
    rows.append([(t(lang, "button.none_of_these"), encode(OFFER, nonce, "retype"))])
    return inline(*rows)


def weekdays(
    t: Translator, lang: str, nonce: str, selected: frozenset[Weekday]
) -> InlineKeyboardMarkup:
    def day(d: Weekday) -> tuple[str, str]:
        name = t.weekday(lang, d, "abbreviated")
        return (f"✅ {name}" if d in selected else name, encode(OFFER, nonce, "day", int(d)))

    return inline(
        [day(Weekday(d)) for d in range(4)],
        [day(Weekday(d)) for d in range(4, 7)],
        [
            (t(lang, "button.working_days"), encode(OFFER, nonce, "days", "work")),
            (t(lang, "button.every_day"), encode(OFFER, nonce, "days", "all")),
        ],
        [(t(lang, "button.days_done"), encode(OFFER, nonce, "days", "ok"))],
    )


def one_button(text: str, data: str) -> InlineKeyboardMarkup:
    return inline([(text, data)])


def seats(nonce: str) -> InlineKeyboardMarkup:
    return inline([(str(n), encode(OFFER, nonce, "seats", n)) for n in range(1, 5)])


def contact_choice(t: Translator, lang: str, nonce: str) -> InlineKeyboardMarkup:
    return inline(
        [(t(lang, "button.telegram_only"), encode(OFFER, nonce, "contact", "tg"))],
        [(t(lang, "button.also_phone"), encode(OFFER, nonce, "contact", "phone"))],
    )


def yes_no(t: Translator, lang: str, nonce: str, action: str) -> InlineKeyboardMarkup:
    return inline(
        [
            (t(lang, "button.yes"), encode(OFFER, nonce, action, "yes")),
            (t(lang, "button.no"), encode(OFFER, nonce, action, "no")),
        ]
    )


def consent(t: Translator, lang: str, nonce: str) -> InlineKeyboardMarkup:
    return inline(
        [(t(lang, "button.accept_privacy"), encode(OFFER, nonce, "consent", "yes"))],
        [(t(lang, "button.refuse_privacy"), encode(OFFER, nonce, "consent", "no"))],
    )


SUMMARY_FIELDS = ("origin", "destination", "days", "time", "return", "seats", "note", "contact")


def summary(t: Translator, lang: str, nonce: str) -> InlineKeyboardMarkup:
    edits = [(t(lang, f"button.edit_{f}"), encode(OFFER, nonce, "edit", f)) for f in SUMMARY_FIELDS]
    return inline(
        [(t(lang, "button.confirm"), encode(OFFER, nonce, "confirm"))],
        *[edits[i : i + 2] for i in range(0, len(edits), 2)],
        [(t(lang, "button.cancel_registration"), encode(OFFER, nonce, "cancel"))],
    )


def trip_actions(t: Translator, lang: str, trip: Trip) -> InlineKeyboardMarkup:
    if trip.status is TripStatus.PAUSED:
        toggle = (t(lang, "button.resume"), encode(TRIP, trip.id, "resume"))
    else:
        toggle = (t(lang, "button.pause"), encode(TRIP, trip.id, "pause"))
    return inline([toggle, (t(lang, "button.delete"), encode(TRIP, trip.id, "delete"))])


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
