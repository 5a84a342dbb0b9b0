"""Delivery under load (handlers/deliverer.py): several chats at once, each in its order;
Telegram's limits kept without holding up anyone else; scheduled work never waits for the
outbox. What people would notice is asserted (what arrives, in which order), on the tests'
clock and the fake's counters, never on how long something took.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import AGENDA_JOB
from bot.places.gazetteer import Gazetteer
from handlers.deliverer import CONCURRENCY
from handlers.outbox_bot import recording
from tests.conftest import OPERATORS, RunningBot
from tests.fakebot import FakeUser


@pytest.fixture
async def limited(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    """The bot as deployed: Telegram's limits kept (on the tests' clock)."""
    running = RunningBot(tmp_path, gazetteer, rate_limit=True)
    await running.start()
    yield running
    await running.stop()


def person(bot: RunningBot, user_id: int, name: str) -> FakeUser:
    user = bot.fake.user(user_id, name)
    user.started = True  # wrote to the bot once: it may write to them
    return user


async def write(bot: RunningBot, messages: list[tuple[int, str]]) -> None:
    """Messages written to the outbox in one transaction, as a handler's would be."""
    async with recording(bot.app.database, bot.app.core.delivery):
        for chat_id, text in messages:
            await bot.app.application.bot.send_message(chat_id, text)


async def seconds_later(bot: RunningBot, seconds: float) -> None:
    """The clock moves (nothing runs meanwhile), then what is due is sent."""
    bot.clock.advance(seconds=seconds)
    bot.fake.now = bot.clock.current
    await bot.app.deliverer.flush()


def texts(chat: Any) -> list[str]:
    return [m.text for m in chat.messages()]


class InFlight:
    """Counts the fake Bot API's sends on their way (each answered after a short real
    pause, in a random order), overall and per chat; a chat's sends can be held."""

    def __init__(self, bot: RunningBot, seed: int = 46) -> None:
        self._fake = bot.fake
        self._real = bot.fake.do_request
        self._rng = random.Random(seed)
        self.now = 0
        self.most = 0
        self.per_chat: dict[int, int] = {}
        self.most_in_one_chat = 0
        self.held: dict[int, asyncio.Event] = {}
        bot.fake.do_request = self.do_request  # type: ignore[method-assign]

    async def do_request(
        self, url: str, method: str, request_data: Any = None, *a: Any, **k: Any
    ) -> tuple[int, bytes]:
        parameters = request_data.parameters if request_data is not None else {}
        chat = int(parameters.get("chat_id", 0) or 0)
        self.now += 1
        self.per_chat[chat] = self.per_chat.get(chat, 0) + 1
        self.most = max(self.most, self.now)
        if chat:
            self.most_in_one_chat = max(self.most_in_one_chat, self.per_chat[chat])
        try:
            if chat in self.held:
                await self.held[chat].wait()
            await asyncio.sleep(self._rng.random() * 0.005)
            return await self._real(url, method, request_data, *a, **k)
        finally:
            self.now -= 1
            self.per_chat[chat] -= 1


async def test_a_busy_team_group_does_not_hold_up_private_answers(limited: RunningBot) -> None:
    bot = limited
    await write(bot, [(OPERATORS, f"Demande n° {n}") for n in range(1, 31)])
    await bot.app.deliverer.flush()
    assert len(bot.operators.messages()) == 20  # the group's budget for this minute
    zoe = person(bot, 305, "Zoé")
    await zoe.command("start")  # the group's ten others are still waiting
    assert texts(zoe) and texts(zoe)[0].startswith("Bonjour Zoé")
    ana = person(bot, 306, "Ana")
    await write(bot, [(ana.id, "Votre trajet est enregistré.")])
    await bot.app.deliverer.flush()
    assert texts(ana) == ["Votre trajet est enregistré."]
    assert len(bot.operators.messages()) == 20
    await seconds_later(bot, 30)
    assert len(bot.operators.messages()) == 20  # not before its next minute
    await seconds_later(bot, 31)
    assert texts(bot.operators) == [f"Demande n° {n}" for n in range(1, 31)]
    bot.assert_clean()


async def test_each_person_gets_their_messages_in_order_while_chats_go_at_once(
    bot: RunningBot,
) -> None:
    sends = InFlight(bot)
    people = [person(bot, 400 + n, f"P{n}") for n in range(30)]
    # Written interleaved, five for each, in one transaction.
    await write(bot, [(p.id, f"{p.first_name}: message {i}") for i in range(5) for p in people])
    await bot.app.deliverer.flush()
    for p in people:
        assert texts(p) == [f"{p.first_name}: message {i}" for i in range(5)]
    assert 1 < sends.most <= CONCURRENCY  # several chats at once, within the bound
    assert sends.most_in_one_chat == 1  # never two to the same person at once
    bot.assert_clean()


async def test_a_flood_limit_for_one_person_does_not_stop_the_others(bot: RunningBot) -> None:
    zoe, ana = person(bot, 305, "Zoé"), person(bot, 306, "Ana")
    fault = bot.fake.inject(
        "sendMessage", 429, retry_after=30, match=lambda p: int(p.get("chat_id", 0)) == zoe.id
    )
    await write(bot, [(zoe.id, "Zoé 1"), (ana.id, "Ana 1"), (zoe.id, "Zoé 2"), (ana.id, "Ana 2")])
    await bot.app.deliverer.flush()
    assert fault.hits == 1
    assert texts(ana) == ["Ana 1", "Ana 2"]
    assert texts(zoe) == []  # Telegram said 30 s: Zoé's second waits behind her first
    await seconds_later(bot, 10)
    assert texts(zoe) == []
    await seconds_later(bot, 21)
    assert texts(zoe) == ["Zoé 1", "Zoé 2"]
    bot.fake.take_errors()
    bot.assert_clean()


async def test_the_agenda_ticks_while_telegram_keeps_the_deliverer_busy(bot: RunningBot) -> None:
    sends = InFlight(bot)
    zoe, ana = person(bot, 305, "Zoé"), person(bot, 306, "Ana")
    sends.held[zoe.id] = asyncio.Event()  # Telegram does not answer for Zoé's chat
    bot.app.deliverer.start()  # as deployed: in the background
    try:
        await write(bot, [(zoe.id, "Zoé 1"), (zoe.id, "Zoé 2")])
        bot.app.deliverer.wake()
        job_queue = bot.app.application.job_queue
        assert job_queue is not None
        [job] = job_queue.get_jobs_by_name(AGENDA_JOB)
        for n in range(3):  # messages keep coming, the ticks still end
            await write(bot, [(ana.id, f"Ana {n}")])
            bot.app.deliverer.wake()
            await asyncio.wait_for(job.run(bot.app.application), timeout=30)
        assert sends.per_chat[zoe.id] == 1  # Zoé's first is still on its way
        sends.held[zoe.id].set()
        await bot.app.deliverer.flush()
        assert texts(zoe) == ["Zoé 1", "Zoé 2"]
        assert texts(ana) == ["Ana 0", "Ana 1", "Ana 2"]
    finally:
        await bot.app.deliverer.stop()
    bot.assert_clean()


async def test_no_more_than_thirty_a_second_go_out_and_the_rest_follow(
    limited: RunningBot,
) -> None:
    bot = limited
    people = [person(bot, 500 + n, f"P{n}") for n in range(20)]
    await write(bot, [(p.id, f"{p.first_name}: {i}") for i in range(2) for p in people])
    await bot.app.deliverer.flush()
    assert len(bot.fake.sent_messages()) == 30  # Telegram's limit for one second
    await seconds_later(bot, 0.5)
    assert len(bot.fake.sent_messages()) == 30
    await seconds_later(bot, 0.6)
    for p in people:
        assert texts(p) == [f"{p.first_name}: 0", f"{p.first_name}: 1"]
    bot.assert_clean()
