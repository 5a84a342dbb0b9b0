"""The Telegram side of Mobilot's conversations (bot/conversations): an update becomes an
answer for the engine, and its reply becomes messages, buttons and edits.

Nothing here decides what comes next: a command opens a conversation, a press or words go
to the person's open conversation, and the reply is rendered. Updates that belong to no
conversation of the engine go on to the other handlers (the group after this one).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time
from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, MessageHandler, filters
from telegram.ext.filters import MessageFilter

from bot import outside
from bot.conversations.aids import AidsShown
from bot.conversations.engine import Conversations
from bot.conversations.model import (
    Answer,
    Bullets,
    ContactOf,
    Days,
    Expect,
    Location,
    Money,
    NeedDraftView,
    Option,
    Phone,
    Press,
    Question,
    Redraw,
    Reply,
    Say,
    SentFile,
    SharedContact,
    Show,
    TeamCandidates,
    Term,
    Text,
    TripDraftView,
    Unusable,
    Words,
)
from bot.conversations.review import Decided
from bot.domain import Person, PlaceRef, Trip
from bot.phones import show_phone
from bot.understand import read_request
from handlers import keyboards as kb
from handlers import render
from handlers.aid_words import PHOTO, euros
from handlers.aids import show_found
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import IncompleteUpdate, answer_button, drop_keyboard, edit, send
from handlers.reviews import show_decided
from handlers.roles import OperatorDirectory
from handlers.teams import Teams
from i18n import Html, Translator, Voiced

Context = ContextTypes.DEFAULT_TYPE
TEXT = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND

# The commands that open a conversation of the engine, and its buttons' kind.
OPENED_BY = {"proposer": "offer", "offer": "offer", "conducteur": "behalf_driver",
             "driver": "behalf_driver", "signaler": "report", "report": "report", "aides": "aids",
             "aids": "aids", "oublier": "forget", "forgetme": "forget", "chercher": "find",
             "find": "find", "demande": "behalf_need", "request": "behalf_need",
             "aidepour": "apply_for", "applyfor": "apply_for", "benevole": "volunteer",
             "volunteer": "volunteer"}  # fmt: skip
KIND_OF = {"offer": kb.OFFER, "behalf_driver": kb.OFFER, "report": kb.REPORT, "aids": kb.AIDS,
           "forget": kb.FORGET, "find": kb.FIND, "behalf_need": kb.FIND, "apply": kb.APPLY,
           "apply_for": kb.APPLY, "volunteer": kb.OFFER}  # fmt: skip
# Commands that, with words after them, are the team's about someone who phoned
# (/oublier 06 12 34 56 78: handlers/privacy.py), not the conversation they open.
FOR_A_CALLER = frozenset({"forget"})
FOR_THE_TEAM = frozenset({"behalf_driver", "behalf_need", "apply_for"})
# Buttons outside any conversation that open one: (kind, first part) → the flow; the next
# part is how it opens (Turn.opening): "ap:new:<aid>" applies for that aid.
OPENED_BY_PRESS = {(str(kb.APPLY), "new"): "apply"}
# Buttons under a post in a group that open a conversation in private with who pressed:
# (kind, action) → the flow, opened as "<action>:<first part>" ("ar:12:validate").
OPENED_FROM_GROUPS = {
    (str(kb.REVIEW), "validate"): "review",
    (str(kb.REVIEW), "reason:other"): "review",
}
# Flows that another conversation's command sets aside rather than being refused.
GIVE_WAY = frozenset({"review"})
# Menu buttons ("st:<name>") that open a flow another way: the flow, and how (Turn.opening).
OPENINGS = {"aids_again": ("aids", "again")}
# How a result the core shows in full (model.Show) is shown here, by its type.
VIEWS: dict[type, Callable[[Update, Any, Translator, str, Any], Awaitable[None]]] = {
    AidsShown: show_found,
    Decided: show_decided,
}
# The conversation a trip asked in one message opens ("cahors demain 9h").
OPENED_BY_WORDS = "find"


def word(t: Translator, lang: str, text: Text) -> str:
    """A sentence of the core in the reader's language, its values shown the reader's way."""
    values: dict[str, Any] = {}
    for name, value in text.values.items():
        values[name] = _shown(t, lang, value)
    view = text.values.get("view")
    if isinstance(view, TripDraftView):
        return _draft_summary(t, lang, view)
    if isinstance(view, NeedDraftView):
        return render.need_summary(t, lang, view.draft)
    if text.count is not None:
        return t.plural(lang, text.key, text.count, **values)
    return t(lang, text.key, **values)


def _shown(t: Translator, lang: str, value: object) -> object:
    if isinstance(value, PlaceRef):
        return Html(render.place(t, lang, value))
    if isinstance(value, time):
        return t.time(lang, value)
    if isinstance(value, date):
        return t.date(lang, value)
    if isinstance(value, Days):
        return t.weekdays(lang, value.weekdays)
    if isinstance(value, Phone):
        return show_phone(value.e164)
    if isinstance(value, ContactOf):
        return Html(render.telegram_contact(t, lang, value.person))
    if isinstance(value, Trip):
        return Html(render.trip_line(t, lang, value))
    if isinstance(value, Term):
        return t(lang, value.key)
    if isinstance(value, Bullets):
        if not value.items and value.empty:
            return t(lang, value.empty)
        return "\n".join(f"• {item}" for item in value.items)
    if isinstance(value, Money):
        amount = euros(t, lang, value.cents)
        if not value.frequency:
            return amount
        return t(lang, f"aids.amount_{value.frequency}", amount=amount)
    return value


def _draft_summary(t: Translator, lang: str, view: TripDraftView) -> str:
    if view.caller is None:
        return render.draft_summary(t, lang, view.draft, view.driver)
    caller = view.caller
    key = "behalf.caller_shown" if caller.phone_visible else "behalf.caller_hidden"
    line = t(lang, key, name=caller.name, phone=show_phone(caller.phone))
    stand_in = Person(
        id=0,
        display_name=caller.name,
        phone=caller.phone,
        phone_visible=caller.phone_visible,
        created_at=datetime.now(UTC),
    )
    return Html(line + "\n\n" + render.draft_summary(t, lang, view.draft, stand_in))


def answer_of(message: Message, user_id: int) -> Answer:
    """What a message answers, whatever the step."""
    if message.text is not None:
        return Words(message.text)
    if message.location is not None:
        return Location(message.location.latitude, message.location.longitude)
    if message.contact is not None:
        return SharedContact(message.contact.phone_number, own=message.contact.user_id == user_id)
    if message.sticker:
        return Unusable.STICKER
    if message.photo or message.video or message.animation or message.video_note:
        return Unusable.PHOTO
    if message.voice or message.audio:
        return Unusable.VOICE
    if message.document:
        return Unusable.DOCUMENT
    return Unusable.OTHER


def file_of(message: Message, bot: Any) -> SentFile | None:
    """A photo or a document, its bytes asked to Telegram outside the update's transaction
    (bot/outside.py) when the conversation wants them."""
    if message.photo:
        biggest = message.photo[-1]
        file_id, size, kind = biggest.file_id, biggest.file_size, "photo"
        ref, name, mime = PHOTO + file_id, None, None
    elif message.document is not None:
        document = message.document
        file_id, size, kind = document.file_id, document.file_size, "document"
        ref, name, mime = file_id, document.file_name, document.mime_type
    else:
        return None

    async def fetch() -> bytes:
        telegram_file = await bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())

    async def download() -> bytes:
        # If it fails, the person is told to send it again (handlers/common.py).
        return await outside.ask(outside.FILE, file_id, fetch)

    return SentFile(kind, ref, size, download, name=name, mime=mime)


def _command(message: Message) -> str | None:
    text = message.text or ""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(text) > 1 else ""


class TelegramConversations(BaseHandler[Update, Context, None]):
    """Registered in a group of its own before the others: what it takes stops there."""

    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        super().__init__(self._handle)
        self.deps = deps
        self.t = deps.t
        self.conversations: Conversations = deps.conversations
        self.notifier = notifier
        self.directory = directory

    def check_update(self, update: object) -> bool:
        if not isinstance(update, Update) or update.effective_user is None:
            return False
        if _opened_from_group(update) is not None:
            return True
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            return False
        if update.callback_query is not None:
            data = kb.decode(update.callback_query.data)
            if data is None:
                return False
            return data.kind in KIND_OF.values() or (
                data.kind == kb.START
                and (data.part(0) in OPENED_BY.values() or data.part(0) in OPENINGS)
            )
        return update.message is not None

    async def _handle(self, update: Update, context: Context) -> None:
        if await self.take(update, context):
            raise ApplicationHandlerStop

    async def take(self, update: Update, context: Context) -> bool:
        """Handle the update if it belongs to the engine's conversations; False if not."""
        message, user = update.message, update.effective_user
        if message is not None and user is not None and _command(message) not in OPENED_BY:
            if await self.deps.people.find_by_telegram_id(user.id) is None:
                # Someone Mobilot keeps nothing about (never came, or forgotten): no
                # conversation is open, and an aside (/mesdonnees) must not make them
                # someone; what opens a conversation, or words said, does.
                return False
        person = await self.deps.person(update)
        # Said in the name of their service as known when they wrote: /oublier's last words
        # too, once their territory is erased with them.
        named = await self.deps.named(person.id)
        reply: Reply | None
        query = update.callback_query
        if query is not None:
            data = kb.decode(query.data)
            if data is None:
                raise IncompleteUpdate("a button this bot did not make")
            from_group = _opened_from_group(update)
            if from_group is not None:
                reply = await self.open_from_group(context, person, query, *from_group)
                await self.render(update, context, person, reply, named)
                return True
            opened = OPENED_BY_PRESS.get((data.kind, data.part(0) or ""))
            if opened is not None:
                reply = await self.start(update, person, opened, data.part(1) or "")
                await self.render(update, context, person, reply, named)
                return True
            if data.kind == kb.START:
                name = data.part(0) or ""
                flow, opening = OPENINGS.get(name, (name, ""))
                # Pressed twice (a double tap): the question asked at the first is not asked
                # again, and the second finds the menu's buttons gone already.
                menu = query.message.message_id if query.message is not None else ""
                reply = await self.start(
                    update, person, flow, opening, source=f"menu:{menu}", anew=False
                )
                reply.drop_choices = bool(reply.outputs)  # the menu's buttons, once chosen
                await self.render(update, context, person, reply, named)
                return True
            value = ":".join(data.parts[1:])
            reply = await self.conversations.answer(person, Press(value, nonce=data.part(0)))
            if reply is None:
                return False  # no conversation: an old button, said by the last handlers
            await self.render(update, context, person, reply, named)
            return True
        message = update.message
        if message is None:
            raise IncompleteUpdate("neither a button nor a message")
        command = _command(message)
        if command is not None:
            reply = await self.on_command(update, context, person, command)
            if reply is None:
                return False
            await self.render(update, context, person, reply, named)
            return True
        if update.effective_user is None:
            raise IncompleteUpdate("a message without its sender")
        answer = file_of(message, context.bot) or answer_of(message, update.effective_user.id)
        reply = await self.conversations.answer(person, answer)
        if reply is None:
            return False
        await self.render(update, context, person, reply, named)
        return True

    async def on_command(
        self, update: Update, context: Context, person: Person, command: str
    ) -> Reply | None:
        flow = OPENED_BY.get(command)
        if flow in FOR_A_CALLER and _has_arguments(update) and await self._operator(update):
            return None
        current = await self.conversations.current(person)
        if current is not None and current.flow in GIVE_WAY and flow is not None:
            return await self.conversations.set_aside(person)
        if flow is not None:
            return await self.start(update, person, flow)
        if current is not None and command in ("annuler", "cancel"):
            return await self.conversations.cancel(person)
        return None  # an aside (/aide, /mestrajets…): answered, then the question again

    async def _operator(self, update: Update) -> bool:
        if update.effective_user is None:
            raise IncompleteUpdate("an update without its sender")
        return await self.directory.is_operator(update.get_bot(), update.effective_user.id)

    async def open_from_group(
        self, context: Context, person: Person, query: Any, flow: str, opening: str
    ) -> Reply:
        """A button under a group's post: the conversation goes on in private; the post is
        handed in as it is, to be shown decided at the end."""
        post = query.message if isinstance(query.message, Message) else None
        given = (
            {"chat_id": post.chat.id, "message_id": post.message_id, "html": post.text_html or ""}
            if post is not None
            else {}
        )
        return await self.conversations.start(person, flow, opening=opening, given=given)

    async def start(
        self,
        update: Update,
        person: Person,
        flow: str,
        opening: str = "",
        words: Words | None = None,
        *,
        source: str = "",
        anew: bool = True,
    ) -> Reply:
        """Every conversation opened here, however (a command, a menu, a button, words): the
        team's own only for an operator, whose team is handed in (a forged menu button
        opens nothing)."""
        team: str | None = None
        if flow in FOR_THE_TEAM:
            if not await self._operator(update):
                return _said("operators.only")
            territory = await Teams(self.deps, self.directory).team(update)
            team = territory.id if territory is not None else None
        return await self.conversations.start(
            person, flow, opening=opening, words=words, source=source, anew=anew, team=team
        )

    def words_start(self) -> MessageHandler[Context, None]:
        """A trip asked in one message, before any command ("cahors demain 9h"): registered
        after the other conversations' handlers, so that it never takes their answers."""
        return MessageHandler(TEXT & _Request(self.deps.today), self._start_from_words)

    async def _start_from_words(self, update: Update, context: Context) -> None:
        message = update.message
        if message is None:
            raise IncompleteUpdate("an update without its message")
        person = await self.deps.person(update)
        reply = await self.start(update, person, OPENED_BY_WORDS, words=Words(message.text or ""))
        await self.render(update, context, person, reply)

    async def ask_again(self, update: Update, context: Context) -> bool:
        """The pending question again after an aside, if a conversation is open."""
        person = await self.deps.person(update)
        reply = await self.conversations.ask_again(person)
        if reply is None:
            return False
        await self.render(update, context, person, reply)
        return True

    # Rendering.

    def translator(self, reply: Reply, named: Translator | None = None) -> Translator:
        t = named or self.t
        return Voiced(t, reply.voice) if reply.voice else t

    async def render(
        self,
        update: Update,
        context: Context,
        person: Person,
        reply: Reply,
        named: Translator | None = None,
    ) -> None:
        """The reply, in the name of the person's service (`named`: as known when they
        wrote; else as known now)."""
        named = named or await self.deps.named(person.id)
        t, lang = self.translator(reply, named), person.language
        query = update.callback_query
        if query is not None:
            await answer_button(update, word(t, lang, reply.alert) if reply.alert else None)
            if reply.drop_choices:
                await drop_keyboard(update)
        kind = KIND_OF.get(reply.flow, kb.OFFER)
        state = await self.conversations.current(person)
        nonce = state.nonce if state is not None else ""
        chat, user = update.effective_chat, update.effective_user

        async def say(text: str, markup: Any) -> None:
            if chat is not None and chat.type != "private" and user is not None:
                # Pressed in a group: the conversation goes on in private.
                await context.bot.send_message(user.id, text, reply_markup=markup)
            else:
                await send(update, context, text, markup)

        for output in reply.outputs:
            if isinstance(output, Say) and output.replace and query is not None:
                await edit(update, word(t, lang, output.text))
            elif isinstance(output, Say):
                markup = ReplyKeyboardRemove() if output.clear_keyboard else None
                await say(word(t, lang, output.text), markup)
            elif isinstance(output, Question):
                markup_ = self.markup(t, lang, output, kind, nonce)
                await say(word(t, lang, output.text), markup_)
            elif isinstance(output, Redraw) and query is not None:
                inline = self.markup(t, lang, output.question, kind, nonce)
                if isinstance(query.message, Message) and isinstance(inline, InlineKeyboardMarkup):
                    await query.message.edit_reply_markup(inline)
            elif isinstance(output, Show):
                await VIEWS[type(output.view)](update, context, t, lang, output.view)
        if reply.erased and context.user_data is not None:
            # The drafts python-telegram-bot keeps go too (the rows on disk are gone already).
            context.user_data.clear()
        if reply.notices:
            await self.notifier.write(context, reply.notices)
        for output in reply.outputs:
            if isinstance(output, TeamCandidates):
                # After the notices, as the team's post about the need.
                chat = update.effective_chat
                await self.notifier.operator_candidates(
                    context, chat.id if chat else 0, output.need, list(output.candidates), lang
                )

    def markup(
        self, t: Translator, lang: str, question: Question, kind: str, nonce: str
    ) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
        if question.expect is Expect.PLACE:
            return kb.share_location(t, lang)
        if question.expect is Expect.PHONE:
            return kb.share_phone(t, lang)
        if not question.rows:
            return None
        return kb.inline(
            *[
                [
                    (self.label(t, lang, option), kb.encode(kind, nonce, *option.value.split(":")))
                    for option in row
                ]
                for row in question.rows
            ]
        )

    def label(self, t: Translator, lang: str, option: Option) -> str:
        if option.weekday is not None:
            name = t.weekday(lang, option.weekday, "abbreviated")
            return f"✅ {name}" if option.checked else name
        label = word(t, lang, option.label) if isinstance(option.label, Text) else option.label
        return f"✅ {label}" if option.checked else label


class _Request(MessageFilter):
    """A message that asks for a trip in one go (it names a day): "cahors demain 9h"."""

    def __init__(self, today: Callable[[], date]) -> None:
        super().__init__(name="trip request")
        self._today = today

    def filter(self, message: Message) -> bool:
        # A bare number ("1") answers buttons (seats, a list), never asks for the 1st.
        text = (message.text or "").strip()
        return not text.isdigit() and read_request(text, self._today()) is not None


def _has_arguments(update: Update) -> bool:
    text = update.message.text if update.message is not None else None
    return len((text or "").split(maxsplit=1)) > 1


def _opened_from_group(update: object) -> tuple[str, str] | None:
    """The flow and its opening, for a button that opens a conversation from a group."""
    if not isinstance(update, Update) or update.callback_query is None:
        return None
    data = kb.decode(update.callback_query.data)
    if data is None or update.effective_user is None:
        return None
    action = ":".join(data.parts[1:])
    flow = OPENED_FROM_GROUPS.get((data.kind, action))
    return None if flow is None else (flow, f"{action}:{data.part(0)}")


def _said(key: str) -> Reply:
    reply = Reply(ended=True)
    reply.outputs.append(Say(Text(key)))
    return reply
