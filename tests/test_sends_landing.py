"""A message is sent once, even when the deliverer's look at the outbox raced with the
recording of that very send (on PostgreSQL, reads and writes go on different connections)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from handlers import keyboards as kb
from tests.conftest import RunningBot


async def test_a_message_read_pending_while_its_send_lands_is_sent_once(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    delivery = bot.app.core.delivery
    read = delivery.due

    async def read_then_wait(*args: Any, **kwargs: Any) -> Any:
        entries = await read(*args, **kwargs)
        await asyncio.sleep(0.05)  # meanwhile the sends on their way come back and are recorded
        return entries

    monkeypatch.setattr(delivery, "due", read_then_wait)
    jeanne = bot.fake.user(601, "Jeanne")
    await jeanne.command("proposer")
    # The answer to her press goes to no chat (chat 0): nothing else holds it back.
    await jeanne.press_doing(kb.OFFER, "consent:yes")
    assert "D'où partez-vous" in jeanne.last().text
    assert len(jeanne.callback_answers()) == 1
    bot.assert_clean()  # Telegram refuses a second answer to the same press
