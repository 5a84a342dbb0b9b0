"""What every user meets: /start, /aide, /langue, /confidentialite, /annuler, the command
menus, and the answers to whatever nothing else understood (never silence)."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import outside
from bot.languages import LANGUAGES
from bot.outside import NotYetKnown, Unavailable
from handlers import keyboards as kb
from handlers.deps import Deps
from handlers.replies import answer_button, edit, not_text_reason, send
from handlers.updates import handler_failed

Context = ContextTypes.DEFAULT_TYPE
log = logging.getLogger(__name__)

# (French command, English command, catalog key of its description), in menu order.
MENU = [
    ("chercher", "find", "menu.find"),
    ("proposer", "offer", "menu.offer"),
    ("mestrajets", "mytrips", "menu.mytrips"),
    ("mesdemandes", "myrequests", "menu.myrequests"),
    ("aides", "aids", "menu.aids"),
    ("aide", "help", "menu.help"),
    ("langue", "language", "menu.language"),
    ("confidentialite", "privacy", "menu.privacy"),
    ("mesdonnees", "mydata", "privacy.menu_mydata"),
    ("oublier", "forgetme", "privacy.menu_forgetme"),
    ("annuler", "cancel", "menu.cancel"),
]
COMMANDS = {name for french, english, _ in MENU for name in (french, english)} | {"start"}
# The operators' conversations on someone's behalf also happen in private.
BEHALF_COMMANDS = {"demande", "request", "conducteur", "driver", "aidepour", "applyfor"}
# Private too, though not in the menu: reporting someone to the team (bot/conversations/report.py).
REPORT_COMMANDS = {"signaler", "report"}
# Telegram cuts a message longer than 4,096 characters into parts sent one after the other
# (apps cut at a word, a little before): a text this long, and no longer, may have its rest
# coming, at once (within a couple of seconds by Telegram's own clock).
CUT_LENGTH, TELEGRAM_LENGTH = 4000, 4096
REST_SECONDS = 3
# Kept with what python-telegram-bot keeps for the person (stored, and rolled back with
# the update's transaction): when their last text long enough to be cut was sent.
CUT_SENT_AT = "long_text_sent_at"


def menu_commands(deps: Deps, language: str) -> list[BotCommand]:
    index = 0 if language == "fr" else 1
    return [BotCommand(names[index], deps.t(language, names[2])) for names in MENU]


async def set_command_menus(deps: Deps, bot: Bot) -> None:
    """The menu per language (Telegram picks it from the user's app language)."""
    for language in LANGUAGES:
        await bot.set_my_commands(menu_commands(deps, language), language_code=language)
    await bot.set_my_commands(menu_commands(deps, deps.settings.default_language))
    # Each team's group (one per territory) gets the team's own menu, in its language.
    chats = deps.settings.territories.team_chats or (
        (deps.settings.operator_chat_id,) if deps.settings.operator_chat_id is not None else ()
    )
    for chat_id in chats:
        language = deps.settings.default_language
        team = [
            BotCommand("ouvertes" if language == "fr" else "open", deps.t(language, "menu.open")),
            BotCommand("stats", deps.t(language, "menu.stats")),
            BotCommand("export", deps.t(language, "menu.export")),
        ]
        if deps.tus.enabled:  # an association running a Transport d'Utilité Sociale
            team.append(BotCommand("tus", deps.t(language, "menu.tus")))
        if deps.texts is not None:  # texts go out: the team gives them to its callers
            team.append(BotCommand("sms", deps.t(language, "smsteam.menu")))
        try:
            await bot.set_my_commands(team, scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            log.warning("could not set the operators' menu in %s: %s", chat_id, error)
    await set_funder_menus(deps, bot)


async def set_funder_menus(deps: Deps, bot: Bot) -> None:
    """Each funder's group gets its reviewers' menu (figures, CSV), in the territory's words."""
    language = deps.settings.default_language
    french = language == "fr"
    menu = [
        BotCommand("statsaides" if french else "aidstats", deps.t(language, "menu.aidstats")),
        BotCommand("exportaides" if french else "aidexport", deps.t(language, "menu.aidexport")),
    ]
    chats = {f.chat_id for f in deps.applications.funders.funders}
    teams = {deps.settings.operator_chat_id, *deps.settings.territories.team_chats}
    for chat_id in sorted(chats - teams):
        try:
            await bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id))
        except TelegramError as error:
            log.warning("could not set the reviewers' menu in %s: %s", chat_id, error)


class FromNoOne(BaseHandler[Update, Context, None]):
    """An update without a user: a channel post, a message with no sender, a poll's state."""

    def check_update(self, update: object) -> bool:
        return isinstance(update, Update) and update.effective_user is None


class CommonHandlers:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.t = deps.t

    def early_handlers(self) -> list[BaseHandler[Update, Context, None]]:
        """Run before everything else (group -1)."""
        return [
            # An update from no one (a channel post, a message without a sender): nobody to
            # answer and no person to speak for; it is taken as handled and nothing is said.
            FromNoOne(self.from_no_one),
            MessageHandler(filters.UpdateType.EDITED_MESSAGE, self.on_edited),
            MessageHandler(
                filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT,
                self.rest_of_a_cut_text,
            ),
            CommandHandler(
                sorted(COMMANDS | BEHALF_COMMANDS | REPORT_COMMANDS),
                self.in_group,
                filters=filters.ChatType.GROUPS,
            ),
        ]

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        private = filters.ChatType.PRIVATE
        return [
            CommandHandler("start", self.start, filters=private),
            CommandHandler(["aide", "help"], self.help, filters=private),
            CommandHandler(["langue", "language"], self.language, filters=private),
            CommandHandler(["confidentialite", "privacy"], self.privacy, filters=private),
            CommandHandler(["annuler", "cancel"], self.nothing_to_cancel, filters=private),
            CallbackQueryHandler(self.on_language, pattern=kb.pattern(kb.LANGUAGE)),
        ]

    def last_handlers(self) -> list[BaseHandler[Update, Context, None]]:
        """What nothing else took: an unknown command, a stray message, a stale button."""
        private = filters.ChatType.PRIVATE
        return [
            MessageHandler(private & filters.COMMAND, self.unknown_command),
            MessageHandler(private & filters.UpdateType.MESSAGE, self.not_understood),
            CallbackQueryHandler(self.stale_button),
        ]

    async def start(self, update: Update, context: Context) -> None:
        # A newcomer on a territory's own bot belongs to it from here (Deps.person).
        person = await self.deps.person(update)
        lang = person.language
        first_name = person.display_name.split()[0]
        t = await self.deps.named(person.id)
        welcome = t(lang, "start.welcome", name=first_name)
        await send(update, context, welcome)
        if await self.deps.conversations.current(person):
            await send(update, context, self.t(lang, "start.in_progress"))
            return
        await send(update, context, self.t(lang, "start.what"), kb.start_menu(self.t, lang))

    async def help(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        t = await self.deps.named(person.id)
        await send(update, context, t(person.language, "help.text"))

    async def privacy(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        t = await self.deps.named(person.id)
        text = t(
            person.language,
            "privacy.text",
            months=self.deps.settings.retention_months,
            inactive=self.deps.settings.inactive_months,
        )
        await send(update, context, text)

    async def language(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        await send(update, context, self.t(lang, "language.ask"), kb.languages(self.t, lang))

    async def on_language(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        pressed = kb.LANGUAGE.read(update.callback_query.data if update.callback_query else None)
        chosen = pressed.choice if pressed else None
        if chosen not in LANGUAGES:
            await answer_button(update, self.t(person.language, "common.old_button"))
            return
        await answer_button(update)
        person = await self.deps.people.set_language(person, chosen)  # type: ignore[arg-type]
        await edit(update, self.t(chosen, "language.set"))
        chat = update.effective_chat
        if chat is not None:
            try:
                await context.bot.set_my_commands(
                    menu_commands(self.deps, chosen), scope=BotCommandScopeChat(chat.id)
                )
            except TelegramError:
                log.warning("could not set the command menu of chat %s", chat.id)

    async def nothing_to_cancel(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        await send(update, context, self.t(person.language, "cancel.nothing"))

    async def in_group(self, update: Update, context: Context) -> None:
        """Conversations happen in private: point there instead of chatting in the group."""
        user = update.effective_user
        lang = self.deps.settings.default_language
        if user is not None:
            person = await self.deps.people.find_by_telegram_id(user.id)
            lang = person.language if person else lang
        await send(
            update,
            context,
            self.t(lang, "group.private_only"),
            kb.private_chat_link(self.t, lang, context.bot.username),
        )
        raise ApplicationHandlerStop

    async def from_no_one(self, update: Update, context: Context) -> None:
        raise ApplicationHandlerStop

    async def rest_of_a_cut_text(self, update: Update, context: Context) -> None:
        """The rest of a long message Telegram cut in two is not an answer of its own (nor
        the next question's): the part before was answered; this is said, nothing taken."""
        message = update.message
        if message is None or message.text is None or context.user_data is None:
            return
        sent = message.date.timestamp()
        before = context.user_data.pop(CUT_SENT_AT, None)
        if CUT_LENGTH <= len(message.text) <= TELEGRAM_LENGTH:
            context.user_data[CUT_SENT_AT] = sent
        if isinstance(before, float | int) and 0 <= sent - before <= REST_SECONDS:
            person = await self.deps.person(update)
            await send(update, context, self.t(person.language, "common.rest_of_long_text"))
            raise ApplicationHandlerStop

    async def on_edited(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is not None and chat.type == chat.PRIVATE:
            person = await self.deps.person(update)
            await send(update, context, self.t(person.language, "common.edited"))
        raise ApplicationHandlerStop

    async def unknown_command(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        message = update.effective_message
        command = (message.text or "").split()[0] if message else ""
        await send(update, context, self.t(lang, "common.unknown_command", command=command))

    async def not_understood(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        message = update.effective_message
        reason = "common.not_understood" if message and message.text else not_text_reason(update)
        if reason == "common.text_expected":
            reason = "common.not_understood"
        t = await self.deps.named(person.id)  # its example names a town of their territory
        await send(update, context, t(lang, reason))
        await send(update, context, self.t(lang, "start.what"), kb.start_menu(self.t, lang))

    async def stale_button(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        await answer_button(update, self.t(person.language, "common.old_button"))

    async def on_error(self, update: object, context: Context) -> None:
        """Log the fault; the person gets an apology, never a stack trace."""
        error = context.error
        if isinstance(error, NotYetKnown | Unavailable) and handler_failed(error):
            # A question for the network (bot/outside.py), or its answer missing: the runner
            # rolls back and asks, or tells the person. No other handler need run.
            if isinstance(error, Unavailable):
                log.warning("%s", error)
            raise ApplicationHandlerStop
        log.error("error while handling an update", exc_info=error)
        if handler_failed(error):
            return  # its effects are rolled back, and the runner apologises
        if isinstance(update, Update):
            await self.apologise(update, context.bot)

    async def _language(self, update: Update) -> str | None:
        if update.effective_user is None:
            return None
        try:
            person = await self.deps.people.find_by_telegram_id(update.effective_user.id)
        except Exception:  # the database may be what failed
            return None
        return person.language if person else None

    async def apologise(self, update: Update, bot: Bot) -> None:
        """Something went wrong on our side: say so, in private (the group is not told)."""
        if update.effective_chat is None:
            return
        if update.effective_chat.type != update.effective_chat.PRIVATE:
            return
        language = await self._language(update)
        try:
            await bot.send_message(update.effective_chat.id, self.t(language, "common.error"))
        except TelegramError:
            log.warning("could not apologise to chat %s", update.effective_chat.id)

    async def unavailable(self, update: Update, bot: Bot, missing: Unavailable) -> None:
        """What the update needed from outside could not be had (Telegram would not say who
        is in a group, a file could not be fetched): nothing was done; say what to do, where
        it was asked (a button's answer, or the chat, the team's group included)."""
        key = {outside.MEMBERSHIP: "common.cannot_check", outside.FILE: "common.file_failed"}.get(
            missing.what
        )
        if key is None:
            await self.apologise(update, bot)
            return
        text = self.t(await self._language(update), key)
        try:
            if update.callback_query is not None:
                await bot.answer_callback_query(update.callback_query.id, text, show_alert=True)
            elif update.effective_chat is not None:
                await bot.send_message(update.effective_chat.id, text)
        except TelegramError:
            log.warning("could not tell %s what is missing", update.effective_chat)
