"""A funder's reviewers, in their group: see the proofs (sent in private to who pressed,
never into the group), validate with an amount (asked in private), reject with a reason;
/statsaides and /exportaides; and /mesdemandes' list of a person's applications.

Who may act on an application is the core's call (bot/services/applications.py); here the
presser's membership of a group is asked to Telegram (getChatMember, cached a few minutes).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from telegram import InputFile, Message, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.aids.amounts import parse_amount
from bot.aids.model import MAX_OTHER_REASON, RejectReason
from bot.domain import Person
from bot.services.applications import Done, Result
from handlers import aid_keyboards as aid_kb
from handlers import keyboards as kb
from handlers.aid_words import decision_note, euros, status_line
from handlers.conversation import CONVERSATION_COMMANDS, PRIVATE, TEXT, Context, State, text_of
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.operators import OperatorDirectory
from handlers.replies import answer_button, mark_answered, send, swap_keyboard
from handlers.talk import PHOTO

REVIEW = "aid_review"
AMOUNT, OTHER = "amount", "other"
Membership = Callable[[int], Awaitable[bool]]


def membership(update: Update, directory: OperatorDirectory) -> Membership:
    """Whether the person behind this update belongs to a group, asked to Telegram."""
    user = update.effective_user
    bot = update.get_bot()

    async def check(chat_id: int) -> bool:
        return user is not None and await directory.is_member(bot, chat_id, user.id)

    return check


class ReviewSession(BaseModel):
    application_id: int
    post_chat_id: int | None = None
    post_message_id: int | None = None
    post_html: str = ""


class ReviewConversation:
    """Validate (the amount) or reject for another reason (its words): pressed in the
    funder's group, answered in the reviewer's private chat."""

    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.lang = deps.settings.default_language

    def handler(self) -> ConversationHandler[Context]:
        return ConversationHandler(
            entry_points=[
                CallbackQueryHandler(self.on_validate, pattern=rf"^{aid_kb.REVIEW}:\d+:validate$"),
                CallbackQueryHandler(self.on_other, pattern=rf"^{aid_kb.REVIEW}:\d+:reason:other$"),
            ],
            states={
                AMOUNT: [MessageHandler(TEXT, self.on_amount)],
                OTHER: [MessageHandler(TEXT, self.on_other_text)],
            },
            fallbacks=[
                CommandHandler(["annuler", "cancel"], self.cancel, filters=PRIVATE),
                # Another conversation wanted: the amount is not asked any more.
                CommandHandler(CONVERSATION_COMMANDS, self.set_aside, filters=PRIVATE),
            ],
            name=REVIEW,
            persistent=True,
            per_chat=False,
            allow_reentry=True,
        )

    async def on_validate(self, update: Update, context: Context) -> State:
        return await self._begin(update, context, AMOUNT)

    async def on_other(self, update: Update, context: Context) -> State:
        return await self._begin(update, context, OTHER)

    async def _begin(self, update: Update, context: Context, step: str) -> State:
        query = update.callback_query
        assert query is not None
        data = kb.decode(query.data)
        application_id = data.number(0) if data else None
        lang = await self._lang(update)
        if application_id is None:
            await answer_button(update, self.t(lang, "common.old_button"))
            return ConversationHandler.END
        allowed = await self.deps.applications.may_review(
            application_id, membership(update, self.directory)
        )
        if allowed.result is not Result.DONE or allowed.application is None:
            await refuse(self.t, update, lang, allowed)
            return ConversationHandler.END
        post = query.message if isinstance(query.message, Message) else None
        session = ReviewSession(
            application_id=application_id,
            post_chat_id=post.chat.id if post else None,
            post_message_id=post.message_id if post else None,
            post_html=(post.text_html or "") if post else "",
        )
        assert context.user_data is not None
        context.user_data[REVIEW] = session.model_dump()
        await answer_button(update, self.t(lang, "aids.review_in_private"))
        key = "aids.ask_amount" if step == AMOUNT else "aids.ask_other_reason"
        text = self.t(lang, key, id=application_id, title=allowed.application.aid_title,
                      most=MAX_OTHER_REASON)  # fmt: skip
        await context.bot.send_message(query.from_user.id, text)
        return step

    async def on_amount(self, update: Update, context: Context) -> State:
        session = self._load(context)
        reviewer = await self.deps.person(update)
        lang = reviewer.language
        if session is None:
            return ConversationHandler.END
        parsed = parse_amount(text_of(update))
        if parsed is None:
            await send(update, context, self.t(lang, "aids.amount_not_understood"))
            return None
        cents, frequency = parsed
        done = await self.deps.applications.validate(
            reviewer, session.application_id, cents, frequency, membership(update, self.directory)
        )
        return await self._decided(update, context, reviewer, session, done)

    async def on_other_text(self, update: Update, context: Context) -> State:
        session = self._load(context)
        reviewer = await self.deps.person(update)
        if session is None:
            return ConversationHandler.END
        done = await self.deps.applications.reject(
            reviewer, session.application_id, RejectReason.OTHER, text_of(update),
            membership(update, self.directory),
        )  # fmt: skip
        if done.result is Result.TOO_LONG:
            text = self.t(reviewer.language, "aids.other_too_long", most=MAX_OTHER_REASON)
            await send(update, context, text)
            return None
        return await self._decided(update, context, reviewer, session, done)

    async def _decided(
        self, update: Update, context: Context, reviewer: Person, session: ReviewSession,
        done: Done,
    ) -> State:  # fmt: skip
        lang = reviewer.language
        if context.user_data is not None:
            context.user_data.pop(REVIEW, None)
        if done.result is not Result.DONE or done.application is None:
            await send(update, context, self.t(lang, refusal_key(done)))
            return ConversationHandler.END
        await send(update, context, self.t(lang, "aids.decision_recorded", id=done.application.id))
        if session.post_chat_id is not None and session.post_message_id is not None:
            # The post keeps its text, without the buttons: decided, nothing more to press.
            note = decision_note(self.t, self.lang, done.application, reviewer.display_name)
            await context.bot.edit_message_text(
                f"{session.post_html}\n\n<b>{note}</b>", chat_id=session.post_chat_id,
                message_id=session.post_message_id, reply_markup=None,
            )  # fmt: skip
        await self.notifier.write(context, done.notices)
        return ConversationHandler.END

    async def cancel(self, update: Update, context: Context) -> State:
        person = await self.deps.person(update)
        if context.user_data is not None:
            context.user_data.pop(REVIEW, None)
        await send(update, context, self.t(person.language, "aids.review_cancelled"))
        return ConversationHandler.END

    async def set_aside(self, update: Update, context: Context) -> State:
        person = await self.deps.person(update)
        session = self._load(context)
        if context.user_data is not None:
            context.user_data.pop(REVIEW, None)
        number = session.application_id if session else 0
        await send(update, context, self.t(person.language, "aids.review_set_aside", id=number))
        return ConversationHandler.END

    def _load(self, context: Context) -> ReviewSession | None:
        data = (context.user_data or {}).get(REVIEW)
        try:
            return ReviewSession.model_validate(data) if data else None
        except ValidationError:
            return None

    async def _lang(self, update: Update) -> str:
        person = await self.deps.person(update)
        return person.language


def refusal_key(done: Done) -> str:
    return {
        Result.NOT_MEMBER: "aids.reviewers_only",
        Result.DECIDED: "aids.already_decided",
    }.get(done.result, "common.old_button")


async def refuse(t: Any, update: Update, lang: str, done: Done) -> None:
    await answer_button(update, t(lang, refusal_key(done)))


class ReviewHandlers:
    """The buttons under an application's post (but validate and "other"), and the funder
    group's commands: /statsaides, /exportaides."""

    def __init__(self, deps: Deps, notifier: Notifier, directory: OperatorDirectory) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier
        self.directory = directory
        self.lang = deps.settings.default_language

    def handlers(self) -> list[BaseHandler[Update, Context, None]]:
        return [
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
            await self._reasons(update, application_id, lang, show=action == "reject")
        elif action == "reason" and data.part(2) in {r.value for r in RejectReason}:
            await self._reject(update, context, person, application_id, data.part(2) or "")
        else:
            await answer_button(update, self.t(lang, "common.old_button"))

    async def _proofs(
        self, update: Update, context: Context, reviewer: Person, application_id: int
    ) -> None:
        """Sent to the reviewer who pressed, in private; never into the group."""
        lang = reviewer.language
        shown = await self.deps.applications.proofs_for(
            reviewer, application_id, membership(update, self.directory)
        )
        if shown.result is not Result.DONE:
            await refuse(self.t, update, lang, shown)
            return
        if not shown.proofs:
            await answer_button(update, self.t(lang, "aids.proofs_none"))
            return
        assert reviewer.telegram_user_id is not None
        chat = reviewer.telegram_user_id
        for number, proof in enumerate(shown.proofs, start=1):
            caption = self.t(lang, "aids.proof_caption", id=application_id, number=number,
                             count=len(shown.proofs))  # fmt: skip
            if proof.telegram_file_id.startswith(PHOTO):
                await context.bot.send_photo(
                    chat, proof.telegram_file_id.removeprefix(PHOTO), caption=caption
                )
            else:
                await context.bot.send_document(chat, proof.telegram_file_id, caption=caption)
        await answer_button(update, self.t(lang, "aids.proofs_sent", count=len(shown.proofs)))

    async def _reasons(self, update: Update, application_id: int, lang: str, *, show: bool) -> None:
        await answer_button(update)
        markup = (
            aid_kb.reject_reasons(self.t, self.lang, application_id)
            if show else aid_kb.review(self.t, self.lang, application_id)
        )  # fmt: skip
        await swap_keyboard(update, markup)

    async def _reject(
        self, update: Update, context: Context, reviewer: Person, application_id: int, reason: str
    ) -> None:
        done = await self.deps.applications.reject(
            reviewer, application_id, RejectReason(reason), None,
            membership(update, self.directory),
        )  # fmt: skip
        if done.result is not Result.DONE:
            await refuse(self.t, update, reviewer.language, done)
            return
        await answer_button(update)
        assert done.application is not None
        await mark_answered(
            update, decision_note(self.t, self.lang, done.application, reviewer.display_name)
        )
        await self.notifier.write(context, done.notices)

    async def statistics(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        assert chat is not None
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
            lines.append(self.t(
                lang, "aids.stats_line", title=aid.aid_title,
                to_process=counts.get("to_process", 0), validated=counts.get("validated", 0),
                rejected=counts.get("rejected", 0), amount=euros(self.t, lang, aid.validated_cents),
            ))  # fmt: skip
        if not figures.aids:
            lines.append(self.t(lang, "aids.stats_none"))
        await send(update, context, "\n".join(lines))

    async def export(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        assert chat is not None
        content = await self.deps.applications.export(chat.id, membership(update, self.directory))
        if content is None:
            await send(update, context, self.t(self.lang, "aids.reviewers_only"))
            return
        name = "aides-validees.csv"
        await context.bot.send_document(
            chat.id, InputFile(content.encode("utf-8-sig"), filename=name), caption=name
        )

    async def mine(self, update: Update, context: Context) -> None:
        person = await self.deps.person(update)
        lang = person.language
        applications = await self.deps.applications.listing(person)
        if not applications:
            return
        lines = [self.t(lang, "aids.mine_header")]
        lines += [status_line(self.t, lang, a) for a in applications]
        await send(update, context, "\n".join(lines))
