"""A funder's reviewers, in their group: see the proofs (sent in private to who pressed,
never into the group), validate with an amount (asked in private), reject with a reason;
/statsaides and /exportaides; and /mesdemandes' list of a person's applications.

Who may act on an application is the core's call (bot/services/applications.py); here the
presser's membership of a group is asked to Telegram (getChatMember, cached a few minutes),
and whether the bot can write to them in private (a chat action, refused with 403 to someone
who never opened a chat with it). A reviewer who has not is told so in the group, with a
link that opens the chat and has the papers sent at once (/start proofs-<id>).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InputFile, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot import outside
from bot.aids.model import RejectReason
from bot.conversations.review import Decided, refusal_key
from bot.domain import Missing, Person
from bot.services.applications import Done, Result
from handlers import aid_keyboards as aid_kb
from handlers import keyboards as kb
from handlers.aid_words import PHOTO, decision_note, euros, status_line, validated_csv
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import IncompleteUpdate, answer_button, mark_answered, send, swap_keyboard
from handlers.roles import OperatorDirectory

Context = ContextTypes.DEFAULT_TYPE
PRIVATE = filters.ChatType.PRIVATE

Membership = Callable[[int], Awaitable[bool]]
GroupCheck = Callable[[Person, int], Awaitable[bool]]


def membership(update: Update, directory: OperatorDirectory) -> Membership:
    """Whether the person behind this update belongs to a group, asked to Telegram."""
    user = update.effective_user
    bot = update.get_bot()

    async def check(chat_id: int) -> bool:
        return user is not None and await directory.is_member(bot, chat_id, user.id)

    return check


def private_chat(update: Update) -> Callable[[], Awaitable[bool]]:
    """Whether the bot can write to the person behind this update in private: asked to
    Telegram (outside the update's transaction) with a chat action, which Telegram refuses
    (403) to someone who never opened a chat with the bot, or blocked it."""
    user, chat, bot = update.effective_user, update.effective_chat, update.get_bot()

    async def check() -> bool:
        if user is None:
            return False
        if chat is not None and chat.id == user.id:
            return True  # they are writing to the bot in private
        return await outside.ask(outside.PRIVATE_CHAT, user.id, lambda: can_write(bot, user.id))

    return check


async def can_write(bot: Bot, user_id: int) -> bool:
    try:
        await bot.send_chat_action(user_id, ChatAction.UPLOAD_DOCUMENT)
    except Forbidden:
        return False
    except BadRequest as error:
        if "chat not found" in str(error).lower():
            return False
        raise
    return True


def members_of_groups(bot: Bot, directory: OperatorDirectory) -> GroupCheck:
    """For the core's review (bot/conversations/review.py): whether a person belongs to a
    group, asked to Telegram (outside the update's transaction, cached a few minutes)."""

    async def check(person: Person, chat_id: int) -> bool:
        user_id = person.telegram_user_id
        return user_id is not None and await directory.is_member(bot, chat_id, user_id)

    return check


async def show_decided(update: Update, context: Context, t: Any, lang: str, view: Any) -> None:
    """The application's post keeps its text, without the buttons: decided, nothing more to
    press (in the group's language)."""
    if not isinstance(view, Decided):
        raise TypeError(f"not a decided application: {view!r}")
    post, group = view.post, getattr(t, "default_language", lang)
    note = decision_note(t, group, view.application, view.reviewer.display_name)
    await context.bot.edit_message_text(
        f"{post.get('html', '')}\n\n<b>{note}</b>",
        chat_id=post["chat_id"],
        message_id=post["message_id"],
        reply_markup=None,
    )


async def refuse(t: Any, update: Update, lang: str, done: Done) -> None:
    await answer_button(update, t(lang, refusal_key(done)))


class ReviewHandlers:
    """The buttons under an application's post (but validate and "other", which open the
    review of bot/conversations/review.py), and the funder group's commands: /statsaides,
    /exportaides."""

    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.lang = deps.settings.default_language

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        opened_for_proofs = filters.Regex(rf"^/start {aid_kb.PROOFS_START}\d{{1,12}}$")
        return [
            # Before /start's welcome (handlers/common.py): the chat opened for the papers.
            CommandHandler("start", self.opened_for_proofs, filters=PRIVATE & opened_for_proofs),
            CallbackQueryHandler(self.on_button, pattern=kb.pattern(aid_kb.REVIEW)),
            CommandHandler(["statsaides", "aidstats"], self.statistics),
            CommandHandler(["exportaides", "aidexport"], self.export),
        ]

    def mine_handlers(self) -> list[BaseHandler[Update, Context, None]]:
        """/mesdemandes shows the aid applications after the needs (another group)."""
        return [CommandHandler(["mesdemandes", "myrequests"], self.mine, filters=PRIVATE)]

    async def on_button(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        data = kb.decode(update.callback_query.data if update.callback_query else None)
        application_id = data.number(0) if data else None
        action = data.part(1) if data else None
        if application_id is None or data is None:
            await answer_button(update, self.t(lang, "common.old_button"))
        elif action == "proofs":
            await self._proofs(update, context, person, application_id)
        elif action in ("reject", "back"):
            await self._reasons(update, person, application_id, show=action == "reject")
        elif action == "reason" and data.part(2) in {r.value for r in RejectReason}:
            await self._reject(update, context, person, application_id, data.part(2) or "")
        else:
            await answer_button(update, self.t(lang, "common.old_button"))

    async def _proofs(
        self, update: Update, context: Context, reviewer: Person, application_id: int
    ) -> None:
        """Sent to the reviewer who pressed, in private; never into the group. Someone the
        bot cannot write to yet is told so in the group, with the link that opens the chat."""
        lang = reviewer.language
        shown = await self.deps.applications.proofs_for(
            reviewer, application_id, membership(update, self.directory), private_chat(update)
        )
        if shown.result is Result.NO_PRIVATE_CHAT:
            await self._open_chat_first(update, context, reviewer, application_id)
            return
        if shown.result is not Result.DONE:
            await refuse(self.t, update, lang, shown)
            return
        if not shown.proofs:
            await answer_button(update, self.t(lang, "aids.proofs_none"))
            return
        await self._send_proofs(context, reviewer, application_id, shown)
        await answer_button(update, self.t(lang, "aids.proofs_sent", count=len(shown.proofs)))

    async def _send_proofs(
        self, context: Context, reviewer: Person, application_id: int, shown: Done
    ) -> None:
        if reviewer.telegram_user_id is None:
            raise Missing(f"reviewer {reviewer.id} has no Telegram chat")
        lang, chat = reviewer.language, reviewer.telegram_user_id
        for number, proof in enumerate(shown.proofs, start=1):
            caption = self.t(
                lang,
                "aids.proof_caption",
                id=application_id,
                number=number,
                count=len(shown.proofs),
            )
            if proof.telegram_file_id.startswith(PHOTO):
                await context.bot.send_photo(
                    chat, proof.telegram_file_id.removeprefix(PHOTO), caption=caption
                )
            else:
                await context.bot.send_document(chat, proof.telegram_file_id, caption=caption)

    async def _open_chat_first(
        self, update: Update, context: Context, reviewer: Person, application_id: int
    ) -> None:
        """The bot cannot write to them yet: said on the button, and in the group (where the
        link to open the chat is), in the group's language."""
        await answer_button(update, self.t(reviewer.language, "aidcheck.open_chat_first_alert"))
        chat = update.effective_chat
        if chat is None:
            return
        markup = aid_kb.open_chat_for_proofs(
            self.t, self.lang, context.bot.username, application_id
        )
        text = self.t(
            self.lang, "aidcheck.open_chat_first", name=reviewer.display_name, id=application_id
        )
        await context.bot.send_message(chat.id, text, reply_markup=markup)

    async def opened_for_proofs(self, update: Update, context: Context) -> None:
        """/start proofs-<id>: the chat opened from the group's link; the papers follow at
        once (to a member of the funder's group, as on the button)."""
        person = await self.deps.person(update)
        lang = person.language
        text = update.effective_message.text if update.effective_message else None
        application_id = int((text or "").rsplit(aid_kb.PROOFS_START, 1)[-1])
        shown = await self.deps.applications.proofs_for(
            person, application_id, membership(update, self.directory)
        )
        if shown.result is not Result.DONE:
            await send(update, context, self.t(lang, refusal_key(shown)))
            return
        if not shown.proofs:
            await send(update, context, self.t(lang, "aids.proofs_none"))
            return
        await send(
            update,
            context,
            self.t(lang, "aidcheck.proofs_here", id=application_id, count=len(shown.proofs)),
        )
        await self._send_proofs(context, person, application_id, shown)

    async def _reasons(
        self, update: Update, reviewer: Person, application_id: int, *, show: bool
    ) -> None:
        """The reasons under the post (or back to its buttons): only for a member of the
        funder's group, and while it waits for an answer; anyone else is refused at once,
        the post left as it is."""
        allowed = await self.deps.applications.may_review(
            application_id, membership(update, self.directory)
        )
        if allowed.result is not Result.DONE:
            await refuse(self.t, update, reviewer.language, allowed)
            return
        await answer_button(update)
        markup = (
            aid_kb.reject_reasons(self.t, self.lang, application_id)
            if show
            else aid_kb.review(self.t, self.lang, application_id)
        )
        await swap_keyboard(update, markup)

    async def _reject(
        self, update: Update, context: Context, reviewer: Person, application_id: int, reason: str
    ) -> None:
        done = await self.deps.applications.reject(
            reviewer,
            application_id,
            RejectReason(reason),
            None,
            membership(update, self.directory),
        )
        if done.result is not Result.DONE:
            await refuse(self.t, update, reviewer.language, done)
            return
        await answer_button(update)
        if done.application is None:
            raise Missing("a decision without its application")
        await mark_answered(
            update, decision_note(self.t, self.lang, done.application, reviewer.display_name)
        )
        await self.notifier.write(context, done.notices)

    async def statistics(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            raise IncompleteUpdate("a command without its chat")
        figures = await self.deps.applications.statistics(
            chat.id, membership(update, self.directory)
        )
        if figures is None:
            await send(update, context, self.t(self.lang, "aids.reviewers_only"))
            return
        lang = self.lang
        lines = [self.t(lang, "aids.stats_header", funder=figures.funder.name)]
        for aid in figures.aids:
            counts = aid.by_status
            lines.append(
                self.t(
                    lang,
                    "aids.stats_line",
                    title=aid.aid_title,
                    to_process=counts.get("to_process", 0),
                    validated=counts.get("validated", 0),
                    rejected=counts.get("rejected", 0),
                    amount=euros(self.t, lang, aid.validated_cents),
                )
            )
        if not figures.aids:
            lines.append(self.t(lang, "aids.stats_none"))
        await send(update, context, "\n".join(lines))

    async def export(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            raise IncompleteUpdate("a command without its chat")
        validated = await self.deps.applications.export(chat.id, membership(update, self.directory))
        if validated is None:
            await send(update, context, self.t(self.lang, "aids.reviewers_only"))
            return
        name = "aides-validees.csv"
        content = validated_csv(self.t, self.lang, validated, self.deps.settings.zone)
        await context.bot.send_document(chat.id, InputFile(content, filename=name), caption=name)

    async def mine(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        applications = await self.deps.applications.listing(person)
        if not applications:
            return
        lines = [self.t(lang, "aids.mine_header")]
        catalogue = self.deps.applications.catalogue
        for application in applications:
            aid = catalogue.get(application.aid_id)
            title = aid.in_language(lang).title if aid else application.aid_title
            lines.append(status_line(self.t, lang, application, title))
        await send(update, context, "\n".join(lines))
