"""The HTTP side, over real loopback HTTP: the health check and Telegram's webhook."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.app import webhook_secret
from bot.places.gazetteer import Gazetteer
from tests.conftest import RunningBot, eventually, free_port

WEBHOOK_URL = "https://mobilot.example.org/telegram"


@pytest.fixture
async def served(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    running = RunningBot(tmp_path, gazetteer, http_port=free_port())
    await running.start(serve_http=True)
    yield running
    await running.stop()


@pytest.fixture
async def webhooked(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    port = free_port()
    running = RunningBot(tmp_path, gazetteer, http_port=port, webhook_url=WEBHOOK_URL)
    running.fake.deliver = "webhook"
    running.fake.webhook_target = f"http://127.0.0.1:{port}/telegram"
    await running.start(background=True, serve_http=True)
    yield running
    await running.stop()


def url(bot: RunningBot, path: str) -> str:
    return f"http://127.0.0.1:{bot.settings.http_port}{path}"


async def test_health_says_ok_with_the_outbox_and_the_last_telegram_call(
    served: RunningBot,
) -> None:
    async with httpx.AsyncClient() as client:
        answer = await client.get(url(served, "/healthz"))
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["outbox"] == {"pending": 0, "lag_seconds": 0}
    assert body["last_telegram_success_at"] is not None  # getMe, the menus at start


async def test_health_is_503_when_messages_are_stuck_or_the_database_is_gone(
    served: RunningBot,
) -> None:
    zoe = served.fake.user(209, "Zoé")
    served.fake.outage = True
    await zoe.command("start")
    served.clock.advance(minutes=16)
    async with httpx.AsyncClient() as client:
        stuck = await client.get(url(served, "/healthz"))
        assert stuck.status_code == 503
        assert stuck.json()["status"] == "stuck"
        assert stuck.json()["outbox"]["pending"] >= 1
        served.fake.outage = False
        await served.app.settle()
        assert (await client.get(url(served, "/healthz"))).status_code == 200
        assert zoe.messages()[0].text.startswith("Bonjour Zoé !")
        await served.app.database.close()
        gone = await client.get(url(served, "/healthz"))
    assert gone.status_code == 503 and gone.json()["database"] == "unreachable"
    served.fake.take_errors()
    assert served.mobilot is not None and served.mobilot.http is not None
    await served.mobilot.http.stop()
    served.mobilot = None  # its database is closed already: nothing more to stop


async def test_updates_come_by_webhook_with_the_secret_and_are_answered(
    webhooked: RunningBot,
) -> None:
    fake = webhooked.fake
    assert fake.webhook is not None and fake.webhook["url"] == WEBHOOK_URL
    assert fake.webhook["secret_token"] == webhook_secret(webhooked.settings)
    zoe = fake.user(209, "Zoé")
    await zoe.command("start")
    await eventually(lambda: bool(zoe.messages()))
    assert zoe.messages()[0].text.startswith("Bonjour Zoé !")
    assert fake.webhook_answers == [200]
    [recorded] = await webhooked.rows("SELECT status FROM inbox")
    assert recorded == {"status": "handled"}
    assert not fake.calls_to("getUpdates")  # no polling beside the webhook
    webhooked.assert_clean()


async def test_a_webhook_call_without_the_secret_is_refused_and_records_nothing(
    webhooked: RunningBot,
) -> None:
    update = {
        "update_id": 77,
        "message": {
            "message_id": 1,
            "date": 0,
            "text": "/start",
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "Eve"},
        },
    }
    async with httpx.AsyncClient() as client:
        target = url(webhooked, "/telegram")
        none = await client.post(target, json=update)
        wrong = await client.post(
            target, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        garbage = await client.post(
            target,
            content=b"not json",
            headers={"X-Telegram-Bot-Api-Secret-Token": webhook_secret(webhooked.settings)},
        )
    assert (none.status_code, wrong.status_code, garbage.status_code) == (403, 403, 400)
    assert await webhooked.rows("SELECT * FROM inbox") == []


async def test_the_deployed_bot_keeps_within_telegrams_rates(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    from bot.app import create_bot
    from bot.delivery import SendBudget

    running = RunningBot(tmp_path, gazetteer)
    mobilot = await create_bot(running.settings, request=running.fake, gazetteer=gazetteer)
    try:
        # No limiter that sleeps inside a call: the deliverer's budget, which skips a busy
        # group instead; retries are the deliverer's too.
        assert mobilot.application.bot.rate_limiter is None
        budget = mobilot.deliverer._budget  # type: ignore[attr-defined]
        assert isinstance(budget, SendBudget)
        # About 30 messages a second overall, 20 a minute per group.
        assert (budget.overall.count, budget.overall.per.total_seconds()) == (30, 1)
        assert (budget.per_group.count, budget.per_group.per.total_seconds()) == (20, 60)
    finally:
        await mobilot.core.close()


async def test_health_is_503_when_polling_has_not_reached_telegram_for_minutes(
    served: RunningBot,
) -> None:
    served.app.updates.polling = True  # as the deployed bot; its poller is not started here
    bot = served.app.application.bot
    async with httpx.AsyncClient() as client:
        assert (await client.get(url(served, "/healthz"))).status_code == 200  # menus at start
        bot._last_success = bot.last_success - timedelta(minutes=4)  # type: ignore[operator]
        deaf = await client.get(url(served, "/healthz"))
    assert deaf.status_code == 503 and deaf.json()["status"] == "not polling"
