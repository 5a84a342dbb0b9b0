"""Sending answers: one place for how the bot writes into a chat and answers a button."""

from __future__ import annotations

from telegram import (
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.delivery import SendMessages, WordedMessage
from handlers.outbox_bot import about

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply

Context = ContextTypes.DEFAULT_TYPE


class IncompleteUpdate(ValueError):
    """An update without the part its handler is registered for (a chat, a sender, a message,
    a pressed button): Telegram's side broke its word, not a person's mistake."""


async def send(
    update: Update, context: Context, text: str, markup: ReplyMarkup | None = None
) -> Message:
    chat = update.effective_chat
    if chat is None:
        raise IncompleteUpdate("an update without its chat")
    return await context.bot.send_message(chat.id, text, reply_markup=markup)


async def answer_button(update: Update, text: str | None = None) -> None:
    """Answer a button press; a text is shown as a dialog, hard to miss for anyone."""
    query = update.callback_query
    if query is None:
        return
    # A press older than Telegram keeps queries for (about 15 minutes of a stopped bot)
    # cannot be answered any more: the text then comes as a message.
    too_late = SendMessages((WordedMessage(query.from_user.id, text),)).step() if text else None
    with about(if_unreachable=too_late):
        await query.answer(text, show_alert=bool(text))


def not_text_reason(update: Update) -> str:
    """Why a message cannot be used where text was expected, as a catalog key."""
    message = update.effective_message
    if message is None:
        return "common.text_expected"
    if message.sticker:
        return "common.sticker"
    if message.photo or message.video or message.animation or message.video_note:
        return "common.photo"
    if message.voice or message.audio:
        return "common.voice"
    if message.location or message.venue:
        return "common.location_not_here"
    if message.contact:
        return "common.contact_not_here"
    if message.document:
        return "common.document"
    return "common.text_expected"


async def edit(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Rewrite the message whose button was pressed (a double press changes nothing)."""
    query = update.callback_query
    if query is None:
        raise IncompleteUpdate("an edit without a pressed button")
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def drop_keyboard(update: Update) -> None:
    """Remove the buttons of the message just answered, so they cannot be pressed twice."""
    query = update.callback_query
    if query and isinstance(query.message, Message) and query.message.reply_markup:
        await query.message.edit_reply_markup(None)


async def mark_answered(update: Update, note: str) -> None:
    """Keep the message readable but without its buttons, with the answer below it."""
    query = update.callback_query
    if query and isinstance(query.message, Message):
        original = query.message.text_html or ""
        await query.message.edit_text(f"{original}\n\n<b>{note}</b>", reply_markup=None)


async def swap_keyboard(update: Update, markup: InlineKeyboardMarkup) -> None:
    """Show other buttons under the same text (a confirmation, then back)."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
