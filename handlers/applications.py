"""Applying for an aid in the bot: its own questions, the proofs as photos or PDF files
(checked by the core: at most 10, 10 MB each, JPEG, PNG or PDF by their content), consent,
submit. The funder's reviewers' side is handlers/reviews.py.
"""

from __future__ import annotations

import secrets
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import outside
from bot.aids.model import MAX_PROOFS, Aid, Application
from bot.domain import Person
from bot.services.applications import Result
from handlers import aid_keyboards as aid_kb
from handlers import keyboards as kb
from handlers.conversation import PRIVATE, TEXT, Context, State, open_elsewhere, text_of
from handlers.deps import Deps
from handlers.notify import Notifier
from handlers.replies import answer_button, drop_keyboard, send
from handlers.sessions import NoncedSession, SessionSteps

NAME = "apply"
FIELD, PROOFS, CONSENT = "field", "proofs", "consent"
# A proof that came as a photo is shown again as a photo (Telegram keeps them apart).
PHOTO = "photo:"
AnyHandler = BaseHandler[Any, Any, Any]


class ApplySession(NoncedSession):
    application_id: int = 0
    aid_id: str = ""
    # An operator applying for someone who phoned: who, and what they said.
    caller: dict[str, Any] = {}
    age: int | None = None
    situation: str | None = None
    choices: list[dict[str, Any]] = []


class ApplyConversation(SessionSteps[ApplySession]):
    session_model = ApplySession
    name = NAME
    button_steps: frozenset[str] = frozenset()

    def __init__(self, deps: Deps, notifier: Notifier) -> None:
        self.deps = deps
        self.t = deps.t
        self.notifier = notifier

    def button(self, action: str, callback: Any) -> AnyHandler:
        return CallbackQueryHandler(callback, pattern=kb.pattern(aid_kb.APPLY, "[0-9a-f]+", action))

    def entry_points(self) -> list[AnyHandler]:
        return [CallbackQueryHandler(self.start, pattern=kb.pattern(aid_kb.APPLY, "new"))]

    def more_states(self) -> dict[object, list[AnyHandler]]:
        return {}

    def handler(self) -> ConversationHandler[Context]:
        button = self.button
        cancel = button("cancel", self.on_give_up)
        states: dict[object, list[AnyHandler]] = {
            FIELD: [MessageHandler(TEXT, self.on_answer), cancel],
            PROOFS: [
                MessageHandler(PRIVATE & (filters.PHOTO | filters.Document.ALL), self.on_proof),
                button("done", self.on_done),
                cancel,
            ],
            CONSENT: [button("submit", self.on_submit), cancel],
            **self.more_states(),
        }
        for step, handlers in states.items():
            handlers.append(MessageHandler(PRIVATE & ~filters.COMMAND, self._unexpected(str(step))))
            handlers.append(CallbackQueryHandler(self._stale, pattern=f"^{aid_kb.APPLY}:"))
        return ConversationHandler(
            entry_points=self.entry_points(),
            states=states,
            fallbacks=[CommandHandler(["annuler", "cancel"], self.cancel)],
            name=self.name,
            persistent=True,
            allow_reentry=True,
        )

    async def start(self, update: Update, context: Context) -> State:
        person = await self.deps.person(update)
        lang = person.language
        data = kb.decode(update.callback_query.data if update.callback_query else None)
        aid_id = data.part(1) if data else None
        if await self.busy(update, context, lang):
            return ConversationHandler.END
        started = await self.deps.applications.start_from_answers(person, aid_id or "")
        if started.result is not Result.DONE or started.application is None or not started.aid:
            await answer_button(update, self.t(lang, "aids.apply_unavailable"))
            return ConversationHandler.END
        await answer_button(update)
        session = ApplySession(
            nonce=secrets.token_hex(3), application_id=started.application.id, aid_id=started.aid.id
        )
        self._save(context, session)
        await send(update, context, self.t(lang, "aids.apply_intro", title=started.aid.title))
        return await self._next(update, context, person, session, started.application, started.aid,
                                started.count)  # fmt: skip

    async def busy(self, update: Update, context: Context, lang: str) -> bool:
        """Another conversation is open: finish or cancel it first, lose nothing."""
        person = await self.deps.person(update)
        other = await open_elsewhere(self.deps, context, person, self.name)
        if other is not None:
            await answer_button(update)
            await send(update, context, self.t(lang, f"{other}.busy"))
            return True
        return False

    async def _next(
        self, update: Update, context: Context, person: Person, session: ApplySession,
        application: Application, aid: Aid, count: int,
    ) -> State:  # fmt: skip
        """The aid's next own question, else the proofs."""
        t, lang = self.t, person.language
        if len(application.answers) < len(aid.fields):
            question = aid.fields[len(application.answers)]
            await send(update, context, t(lang, "aids.ask_field", question=question))
            return FIELD
        proofs = "\n".join(f"• {p}" for p in aid.proofs) or t(lang, "aids.proofs_any")
        text = t(lang, "aids.ask_proofs", proofs=proofs, count=count, most=MAX_PROOFS)
        await send(update, context, text, aid_kb.proofs_done(t, lang, session.nonce))
        return PROOFS

    async def on_answer(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        done = await self.deps.applications.answer(person, session.application_id, text_of(update))
        if done.result is Result.TOO_LONG:
            await send(update, context, self.t(person.language, "aids.answer_too_long"))
            return None
        if done.result is not Result.DONE or done.application is None or done.aid is None:
            return await self._gone(update, context, person)
        return await self._next(update, context, person, session, done.application, done.aid, 0)

    async def on_proof(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        message = update.effective_message
        assert message is not None
        if message.photo:
            biggest = message.photo[-1]
            file_id, size, shown = biggest.file_id, biggest.file_size, PHOTO + biggest.file_id
        else:
            assert message.document is not None
            file_id, size = message.document.file_id, message.document.file_size
            shown = file_id
        bot = context.bot

        async def fetch() -> bytes:
            telegram_file = await bot.get_file(file_id)
            return bytes(await telegram_file.download_as_bytearray())

        async def download() -> bytes:
            # Before the transaction (bot/outside.py); if it fails, the person sends it again.
            return await outside.ask(outside.FILE, file_id, fetch)

        added = await self.deps.applications.add_proof(
            person, session.application_id, size, shown, download
        )
        t, lang = self.t, person.language
        if added.result is Result.NOT_DRAFT:
            return await self._gone(update, context, person)
        key = {
            Result.DONE: "aids.proof_added",
            Result.TOO_BIG: "aids.proof_too_big",
            Result.WRONG_KIND: "aids.proof_wrong_kind",
            Result.TOO_MANY: "aids.proof_too_many",
        }[added.result]
        markup = aid_kb.proofs_done(t, lang, session.nonce)
        await send(update, context, t(lang, key, count=added.count, most=MAX_PROOFS), markup)
        return None

    async def on_done(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        aid = self.deps.applications.catalogue.get(session.aid_id)
        await drop_keyboard(update)
        funder = aid.funder_name if aid else ""
        t, lang = self.t, person.language
        if session.caller:  # the operator asks the caller on the phone
            text = t(lang, "aids.ask_consent_caller", name=session.caller["name"], funder=funder)
        else:
            text = t(lang, "aids.ask_consent", funder=funder)
        await send(update, context, text, aid_kb.submit(t, lang, session.nonce))
        return CONSENT

    async def on_submit(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        submitted = await self.deps.applications.submit(person, session.application_id)
        t, lang = self.t, person.language
        if submitted.result is Result.NO_PROOF:
            await drop_keyboard(update)
            await send(update, context, t(lang, "aids.no_proof"),
                       aid_kb.proofs_done(t, lang, session.nonce))  # fmt: skip
            return PROOFS
        if submitted.result is not Result.DONE:
            await drop_keyboard(update)
            return await self._gone(update, context, person)
        await drop_keyboard(update)
        self._clear(context)
        if session.caller:
            await send(update, context, t(lang, "aids.filed_for", name=session.caller["name"]))
        await self.notifier.write(context, submitted.notices)
        return ConversationHandler.END

    async def on_give_up(self, update: Update, context: Context) -> State:
        pressed = await self._pressed(update, context)
        if pressed is None:
            return None
        person, session, _ = pressed
        await drop_keyboard(update)
        return await self._give_up(update, context, person, session)

    async def cancel(self, update: Update, context: Context) -> State:
        loaded = await self._session(update, context)
        if loaded is None:
            return ConversationHandler.END
        person, session = loaded
        return await self._give_up(update, context, person, session)

    async def _give_up(
        self, update: Update, context: Context, person: Person, session: ApplySession
    ) -> State:
        await self.deps.applications.forget_draft(person, session.application_id)
        self._clear(context)
        await send(update, context, self.t(person.language, "aids.given_up"))
        return ConversationHandler.END

    async def _gone(self, update: Update, context: Context, person: Person) -> State:
        self._clear(context)
        await send(update, context, self.t(person.language, "aids.apply_unavailable"))
        return ConversationHandler.END

    def _unexpected(self, step: str) -> Any:
        async def handle(update: Update, context: Context) -> State:
            loaded = await self._session(update, context)
            if loaded is None:
                return ConversationHandler.END
            person, session = loaded
            t, lang = self.t, person.language
            if step == PROOFS:
                markup = aid_kb.proofs_done(t, lang, session.nonce)
                await send(update, context, t(lang, "aids.proof_expected"), markup)
            elif step == CONSENT:
                await send(update, context, t(lang, "common.use_buttons"),
                           aid_kb.submit(t, lang, session.nonce))  # fmt: skip
            elif step in self.button_steps:
                await send(update, context, t(lang, "common.use_buttons"))
            else:
                await send(update, context, t(lang, "common.text_expected"))
            return None

        return handle

    async def _stale(self, update: Update, context: Context) -> State:
        person = await self.deps.person(update)
        await answer_button(update, self.t(person.language, "common.old_button"))
        return None

    def _save(self, context: Context, session: ApplySession) -> None:
        assert context.user_data is not None
        context.user_data[self.name] = session.model_dump(mode="json")

    def _clear(self, context: Context) -> None:
        if context.user_data is not None:
            context.user_data.pop(self.name, None)
