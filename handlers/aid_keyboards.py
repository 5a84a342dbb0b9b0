"""The keyboards of /aides, of applying, and of a funder's reviewers (codec in keyboards)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.aids.model import RejectReason
from bot.conversations.aids import BENEFIT_ANSWERS
from handlers import keyboards as kb
from handlers.keyboards import START, Row, encode, inline
from i18n import Translator

# The kinds of the aids' buttons, declared in the registry (handlers/keyboards.py).
AIDS, APPLY, REVIEW, KEEP = kb.AIDS, kb.APPLY, kb.REVIEW, kb.KEEP


def show_aids(t: Translator, lang: str) -> InlineKeyboardMarkup:
    return inline([(t(lang, "aids.button_show"), encode(START, "aids"))])


# The answers to "RSA or AAH? RQTH?", in the order of their buttons (/aides asks it in
# bot/conversations/aids.py; an operator's application for someone asks it too).
BENEFITS = tuple(BENEFIT_ANSWERS)


def change_answers(t: Translator, lang: str) -> InlineKeyboardMarkup:
    return inline([(t(lang, "aids.button_change"), encode(START, "aids_again"))])


def apply_here(t: Translator, lang: str, aid_id: str) -> InlineKeyboardMarkup:
    return inline([(t(lang, "aids.button_apply"), encode(APPLY, "new", aid_id))])


def keep_answers(t: Translator, lang: str) -> InlineKeyboardMarkup:
    return inline(
        [(t(lang, "aids.button_keep"), encode(KEEP, "yes"))],
        [(t(lang, "aids.button_dont_keep"), encode(KEEP, "no"))],
    )


def review(t: Translator, lang: str, application_id: int) -> InlineKeyboardMarkup:
    return inline(
        [(t(lang, "aids.button_see_proofs"), encode(REVIEW, application_id, "proofs"))],
        [
            (t(lang, "aids.button_validate"), encode(REVIEW, application_id, "validate")),
            (t(lang, "aids.button_reject"), encode(REVIEW, application_id, "reject")),
        ],
    )


def reject_reasons(t: Translator, lang: str, application_id: int) -> InlineKeyboardMarkup:
    rows: list[Row] = [
        [(t(lang, f"aids.reason.{r.value}"), encode(REVIEW, application_id, "reason", r.value))]
        for r in RejectReason
    ]
    rows.append([(t(lang, "aids.button_back"), encode(REVIEW, application_id, "back"))])
    return inline(*rows)


# What "Open the chat" starts the bot with, to send an application's papers (/start <this>).
PROOFS_START = "proofs-"


def open_chat_for_proofs(
    t: Translator, lang: str, bot_username: str, application_id: int
) -> InlineKeyboardMarkup:
    """A link that opens a private chat with the bot, which then sends the papers."""
    link = f"https://t.me/{bot_username}?start={PROOFS_START}{application_id}"
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, "aidcheck.button_open_chat"), url=link)]]
    )
