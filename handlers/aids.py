"""/aides (/aids) on Telegram: the questions are a conversation of Mobilot's engine
(bot/conversations/aids.py, rendered by handlers/talk.py); here, how the aids found are
shown (each with how to apply, and a button to apply in the bot), and the answer to "keep my
answers for next time?". Applying in the bot is bot/conversations/apply.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot.conversations.aids import AidsShown
from handlers import aid_keyboards as aid_kb
from handlers import keyboards as kb
from handlers.aid_words import aid_block
from handlers.deps import Deps
from handlers.replies import answer_button, drop_keyboard, send
from i18n import Translator

Context = ContextTypes.DEFAULT_TYPE


async def show_found(
    update: Update, context: Context, t: Translator, lang: str, view: AidsShown
) -> None:
    """The aids found, most local first, then "keep my answers?" (or "change them"). Each in
    the reader's language where the catalogue gives it; if some are in French only, the
    reader is told so once, before them."""
    found = view.found
    place = found.profile.commune_name or t(lang, "aids.not_said")
    if not found.aids:
        await send(update, context, t(lang, "aids.none", commune=place))
    else:
        header = t(lang, "aids.found", count=len(found.aids), commune=place)
        if not all(aid.written_in(lang) for aid in found.aids):
            header += "\n" + t(lang, "aidcheck.french_only")
        await send(update, context, header)
        for aid in found.aids:
            markup = aid_kb.apply_here(t, lang, aid.id) if aid.apply_here else None
            await send(update, context, aid_block(t, lang, aid.in_language(lang)), markup)
    if view.kept:
        await send(update, context, t(lang, "aids.from_kept"), aid_kb.change_answers(t, lang))
    else:
        await send(update, context, t(lang, "aids.ask_keep"), aid_kb.keep_answers(t, lang))


class KeepAnswers:
    """ "Keep my answers" under the aids found: the answers last given, kept for next time."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.t = deps.t

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [CallbackQueryHandler(self.on_keep, pattern=kb.pattern(aid_kb.KEEP))]

    async def on_keep(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        data = kb.decode(update.callback_query.data if update.callback_query else None)
        choice = data.part(0) if data else None
        if choice not in ("yes", "no") or not await self.deps.aids.answer_keep(
            person, choice == "yes"
        ):
            await answer_button(update, self.t(lang, "common.old_button"))
            return
        await answer_button(update)
        await drop_keyboard(update)
        key = "aids.kept" if choice == "yes" else "aids.not_kept"
        await send(update, context, self.t(lang, key))
