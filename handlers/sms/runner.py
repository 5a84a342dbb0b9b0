"""Texts in: recorded before the gateway is told they arrived, then handled one at a time,
each in one transaction with everything it causes (as Telegram's updates:
handlers/updates.py).

A text that needs an answer from outside (the partners' journeys, the online geocoder) asks
for it (bot/outside.py): the transaction is rolled back, the answer fetched outside any
transaction, and the text handled again with it. A text whose handling fails is rolled back
and marked failed, and the person gets a short apology: never silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.conversations.model import Text
from bot.outside import Answers, NotYetKnown, Unavailable, answering
from bot.phones import parse_phone
from bot.ports import UnitOfWork
from bot.services.delivery import DeliveryService
from bot.services.texts import ReceivedText, TextService
from handlers.deliverer import Deliverer, wait_for_event
from handlers.outbox_bot import recording
from handlers.sms.outgoing import TextWriter
from handlers.sms.talk import TextTalk, sms_text
from i18n import Translator

log = logging.getLogger(__name__)

BATCH = 20
MAX_QUESTIONS = 5


class TextRunner:
    def __init__(
        self,
        texts: TextService,
        talk: TextTalk,
        unit_of_work: UnitOfWork,
        delivery: DeliveryService,
        deliverer: Deliverer,
        writer: TextWriter,
        t: Translator,
        idle: float = 60.0,
    ) -> None:
        # Seconds between two looks when nothing woke it: short with several workers, since
        # a text another worker recorded (and may have died holding) wakes no one here.
        self._idle = idle
        self._texts = texts
        self._talk = talk
        self._uow = unit_of_work
        self._delivery = delivery
        self._deliverer = deliverer
        self._writer = writer
        self._t = t
        self._wake = asyncio.Event()
        self._handling = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.handled = 0

    async def receive(self, gateway_id: str | None, sender: str, receiver: str, text: str) -> bool:
        """Record a text (committed when this returns); False when it is a repeat."""
        new = await self._texts.receive(gateway_id, sender, receiver, text)
        self._wake.set()
        return new

    async def handle_pending(self) -> int:
        """Handle every text recorded and not yet handled, oldest first."""
        done = 0
        tried: set[int] = set()
        async with self._handling:
            while texts := [t for t in await self._texts.pending(BATCH) if t.id not in tried]:
                for text in texts:
                    # Once a pass: one that could not even be marked failed (the database,
                    # say) waits for the next pass, not holding up the others forever.
                    tried.add(text.id)
                    await self._handle(text)
                    done += 1
                    self._deliverer.wake()
        return done

    async def _handle(self, text: ReceivedText) -> None:
        answers = Answers()
        while True:
            error = await self._run(text, answers)
            if error is None:
                self.handled += 1
                return
            if not isinstance(error, NotYetKnown) or error in answers:
                break
            if len(answers) >= MAX_QUESTIONS:
                error = RuntimeError(f"more than {MAX_QUESTIONS} questions: {error}")
                break
            await answers.fetch(error)
        if not isinstance(error, Unavailable):
            log.error("text %s could not be handled: %r", text.id, error)
        try:
            async with recording(self._uow, self._delivery):
                await self._texts.failed(text, f"{type(error).__name__}: {error}")
                await self._apologise(text, error)
        except Exception:  # the database, say: left pending, taken again later
            log.exception("text %s: recording its failure failed", text.id)

    async def _run(self, text: ReceivedText, answers: Answers) -> BaseException | None:
        try:
            with answering(answers):
                async with recording(self._uow, self._delivery):
                    await self._talk.handle(text)
            return None
        except (NotYetKnown, Unavailable) as question:
            return question
        except Exception as raised:
            log.exception("text %s: handling failed", text.id)
            return raised

    async def _apologise(self, text: ReceivedText, error: BaseException) -> None:
        phone = parse_phone(text.sender)
        if phone is None:
            return
        person = await self._talk.deps.people.identify_by_phone(phone)  # (a rolled-back text)
        key = "sms.try_again" if isinstance(error, Unavailable) else "sms.sorry"
        said = sms_text(self._t, person.language, Text(key))
        await self._writer.write(person, said, to=phone)

    # In the background, for the deployed bot.

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._run_forever(), name="texts")

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run_forever(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.handle_pending()
            except Exception:
                log.exception("handling texts failed; trying again in 5 s")
                await asyncio.sleep(5)
                continue
            await wait_for_event(self._wake, self._idle)
