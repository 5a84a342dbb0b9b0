"""A territory's own Telegram bot (issue 22, item 1): the Lot is served by BOT_TOKEN's bot,
Corrèze by its own (`bot_token`), both by one deployment. Each person is answered and told
through the bot they write to, each team's group is written to through its territory's bot,
and each bot's update ids are its own. The fake Bot API serves both tokens; it refuses to
write to someone who never started that bot, or in a group that bot is not in."""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from telegram.request import BaseRequest, RequestData

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from tests.conftest import API_URL, OPERATORS, RunningBot
from tests.fakebot import FakeBotAPI
from tests.setups import CORREZE, CORREZE_NAME, describe_need, reads, register_trip, two_territories
from tests.test_territories import doing, need_id_of, need_post

CORREZE_TOKEN = "654321:CORREZE-own-bot-token-for-tests"

TERRITORIES = two_territories(correze=f'bot_token = "{CORREZE_TOKEN}"')


class Switchboard(BaseRequest):
    """Both bots' calls, each to the fake serving its token."""

    def __init__(self, *fakes: FakeBotAPI) -> None:
        self.fakes = fakes

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        for fake in self.fakes:
            await fake.initialize()

    async def shutdown(self) -> None:
        for fake in self.fakes:
            await fake.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        for fake in self.fakes:
            if f"bot{fake.token}/" in unquote(url):
                return await fake.do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
        raise AssertionError(f"no bot has the token of {url}")


class TwoBots(RunningBot):
    """RunningBot with Corrèze's own bot beside BOT_TOKEN's (`fake`, the Lot's)."""

    def __init__(self, tmp_path: Path, gazetteer: Gazetteer, **settings: Any) -> None:
        super().__init__(tmp_path, gazetteer, **settings)
        self.own = FakeBotAPI(
            api_url=API_URL,
            token=CORREZE_TOKEN,
            bot_username="covoit_correze_bot",
            bot_id=654321,
            bot_first_name="Covoit' Corrèze",
        )
        self.own.now = self.clock.current
        self.own.before_call.append(self._outside_transactions)

    async def start(self, *, background: bool = False, serve_http: bool = False) -> None:
        from bot.app import create_bot

        self.mobilot = await create_bot(
            self.settings,
            request=Switchboard(self.fake, self.own),
            gazetteer=self.gazetteer,
            clock=self.clock,
            rate_limit=self.rate_limit,
        )
        [correze] = self.mobilot.territory_bots
        for fake, application, territory in (
            (self.fake, self.mobilot.application, ""),
            (self.own, correze.application, "correze"),
        ):
            fake.application = application
            application.add_error_handler(fake._record_exception)
            fake.receiver = functools.partial(self.mobilot.receive, territory=territory)
        await self.mobilot.start(background=background, serve_http=serve_http)

    def _set_time(self, moment: datetime) -> None:
        super()._set_time(moment)
        self.own.now = moment

    def assert_clean(self) -> None:
        for fake in (self.fake, self.own):
            assert fake.errors == []
            assert fake.exceptions == []


@pytest.fixture
async def two_bots(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[TwoBots]:
    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES, encoding="utf-8")
    running = TwoBots(tmp_path, gazetteer, territories_file=declared)
    await running.start()
    yield running
    await running.stop()


async def test_each_person_is_answered_and_told_through_the_bot_they_write_to(
    two_bots: TwoBots,
) -> None:
    bot = two_bots
    # Jean, a Lot driver, writes to the Lot's bot; Claire, of Corrèze, to Corrèze's.
    jean = bot.fake.user(4101, "Jean", last_name="Martin", username="jean_m")
    await register_trip(jean, "Saint-Céré", "Brive-la-Gaillarde", "7h30")
    claire = bot.own.user(4103, "Claire", last_name="Faure")
    await describe_need(claire, origin="Meyssac", destination="Brive-la-Gaillarde")

    # Claire is offered Jean by Corrèze's bot; she picks him.
    choices = claire.last()
    assert "Jean M." in choices.text
    await claire.press_data(choices.inline_keyboard[0][0]["callback_data"], message=choices)
    # Jean is asked by the Lot's bot (Corrèze's never wrote to him: he never started it).
    assert "Claire F." in jean.last().text
    await jean.press_doing(kb.INTRO, "yes")
    told = claire.last().text
    assert "Jean Martin accepte de vous emmener" in told

    # Neither bot wrote to the other's person (the fake would have refused: never started).
    assert all(m.text for m in claire.messages()) and all(m.text for m in jean.messages())
    rows = {
        row["display_name"]: (row["telegram_bot"], row["territory"])
        for row in await bot.rows("SELECT display_name, telegram_bot, territory FROM people")
    }
    assert rows == {"Jean Martin": ("", "lot"), "Claire Faure": ("correze", "correze")}
    print("Jean, on the Lot's bot:", *[m.text for m in jean.messages()][-2:], sep="\n  ")
    print("Claire, on Corrèze's bot:", *[m.text for m in claire.messages()][-3:], sep="\n  ")
    bot.assert_clean()


async def test_a_newcomer_on_a_territorys_bot_belongs_to_it(two_bots: TwoBots) -> None:
    bot = two_bots
    # Léa writes to Corrèze's bot first, though her first need leaves from the Lot.
    lea = bot.own.user(4110, "Léa", last_name="Blanc")
    await describe_need(lea, origin="Saint-Céré", destination="Brive-la-Gaillarde")
    # Paul is known to the Lot already (his need leaves from Gourdon), then writes to
    # Corrèze's bot: he stays the Lot's, and is now answered by Corrèze's bot.
    paul = bot.fake.user(4104, "Paul", last_name="Cros")
    await describe_need(paul, origin="Gourdon", destination="Cahors")
    paul_there = bot.own.user(4104, "Paul", last_name="Cros")
    await paul_there.command("aide")
    assert paul_there.last().text
    rows = {
        row["display_name"]: (row["telegram_bot"], row["territory"])
        for row in await bot.rows("SELECT display_name, telegram_bot, territory FROM people")
    }
    assert rows == {"Léa Blanc": ("correze", "correze"), "Paul Cros": ("correze", "lot")}
    bot.assert_clean()


async def test_each_team_is_written_to_through_its_territorys_bot(two_bots: TwoBots) -> None:
    bot = two_bots
    correze = bot.own.group(CORREZE, "Équipe Corrèze")
    cora = bot.own.user(4002, "Cora", last_name="Vidal")
    bot.own.set_member(CORREZE, cora.id, "member")
    olga = bot.fake.user(4001, "Olga", last_name="Bru")
    bot.fake.set_member(OPERATORS, olga.id, "member")
    # Nobody drives their roads: each need goes to its team, through its team's bot.
    paul = bot.fake.user(4104, "Paul", last_name="Cros")
    await describe_need(paul, origin="Gourdon", destination="Cahors")
    marc = bot.own.user(4105, "Marc", last_name="Roux")
    await describe_need(marc, origin="Tulle", destination="Brive-la-Gaillarde")
    marc_post = need_post(correze, await need_id_of(bot, "Marc"))
    paul_post = need_post(bot.operators, await need_id_of(bot, "Paul"))
    assert "Marc Roux" in marc_post.text and "Paul Cros" in paul_post.text
    assert all("Marc Roux" not in (m.text or "") for m in bot.operators.messages())

    # Cora claims Marc's need in her group: answered (and the post edited) by Corrèze's bot.
    await correze.press_data(cora, doing(marc_post, "claim"), message=marc_post)
    assert cora.callback_answers()[-1]["text"] == "Vous suivez cette demande."
    await bot.operators.press_data(olga, doing(paul_post, "claim"), message=paul_post)
    assert olga.callback_answers()[-1]["text"] == "Vous suivez cette demande."
    sent_by = {
        (row["chat_id"], json.loads(row["params"]).get("__bot__", ""))
        for row in await bot.rows("SELECT chat_id, params FROM outbox WHERE chat_id < 0")
    }
    assert sent_by == {(CORREZE, "correze"), (OPERATORS, "")}
    # Cora writes privately to the Lot's bot, which is not in her group: who is in Corrèze's
    # group is asked through Corrèze's bot, and she sees her own team's needs.
    cora_on_lot = bot.fake.user(4002, "Cora", last_name="Vidal")
    await cora_on_lot.command("ouvertes")
    assert "Marc Roux" in cora_on_lot.last().text
    assert "Paul Cros" not in cora_on_lot.last().text
    bot.assert_clean()


async def test_the_same_update_id_from_both_bots_is_recorded_and_handled_twice(
    two_bots: TwoBots,
) -> None:
    bot = two_bots
    jean = bot.fake.user(4101, "Jean", last_name="Martin")
    claire = bot.own.user(4103, "Claire", last_name="Faure")
    # Each fake counts its own update ids from 1, as Telegram does per bot.
    await jean.command("aide")
    await claire.command("aide")
    # Both are answered; Claire, Corrèze's from her first word to its bot, in its name.
    assert jean.last().text == reads(bot, "help.text")
    assert claire.last().text == reads(bot, "help.text", service=CORREZE_NAME, town="Brive")
    rows = await bot.rows("SELECT bot, update_id, status FROM inbox ORDER BY bot")
    assert [(r["bot"], r["update_id"], r["status"]) for r in rows] == [
        ("", 1, "handled"),
        ("correze", 1, "handled"),
    ]
    # Telegram sending one again: dropped, for that bot only.
    assert await bot.app.updates_of("correze").receive([{"update_id": 1}]) == 0
    assert await bot.app.updates.receive([{"update_id": 1}]) == 0
    bot.assert_clean()


async def test_with_one_bot_nothing_changes(tmp_path: Path, gazetteer: Gazetteer) -> None:
    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES.replace(f'bot_token = "{CORREZE_TOKEN}"', ""), "utf-8")
    bot = RunningBot(tmp_path, gazetteer, territories_file=declared)
    await bot.start()
    try:
        assert bot.app.territory_bots == ()
        team = bot.fake.group(CORREZE, "Équipe Corrèze")
        claire = bot.fake.user(4103, "Claire", last_name="Faure")
        await describe_need(claire, origin="Tulle", destination="Brive-la-Gaillarde")
        assert "Claire Faure" in team.last().text
        [row] = await bot.rows("SELECT telegram_bot, territory FROM people")
        assert (row["telegram_bot"], row["territory"]) == (None, "correze")
        params = [json.loads(r["params"]) for r in await bot.rows("SELECT params FROM outbox")]
        assert params and all("__bot__" not in p for p in params)
        assert {r["bot"] for r in await bot.rows("SELECT bot FROM inbox")} == {""}
        bot.assert_clean()
    finally:
        await bot.stop()


WEBHOOK_URL = "https://mobilot.example.org/telegram"


async def test_by_webhook_each_bot_has_its_path_and_its_secret(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    import httpx

    from bot.app import webhook_secret
    from tests.conftest import eventually, free_port

    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES, encoding="utf-8")
    port = free_port()
    bot = TwoBots(
        tmp_path, gazetteer, territories_file=declared, http_port=port, webhook_url=WEBHOOK_URL
    )
    for fake, path in ((bot.fake, "/telegram"), (bot.own, "/telegram/correze")):
        fake.deliver = "webhook"
        fake.webhook_target = f"http://127.0.0.1:{port}{path}"
    await bot.start(background=True, serve_http=True)
    try:
        assert bot.fake.webhook is not None and bot.own.webhook is not None
        assert bot.own.webhook["url"] == f"{WEBHOOK_URL}/correze"
        own_secret = bot.own.webhook["secret_token"]
        assert own_secret and own_secret != webhook_secret(bot.settings)
        zoe = bot.fake.user(209, "Zoé")
        claire = bot.own.user(4103, "Claire", last_name="Faure")
        await zoe.command("start")
        await claire.command("start")
        await eventually(lambda: bool(zoe.messages()) and bool(claire.messages()))
        assert zoe.messages()[0].text.startswith("Bonjour Zoé !")
        assert claire.messages()[0].text.startswith("Bonjour Claire !")
        assert bot.fake.webhook_answers == [200] and bot.own.webhook_answers == [200]
        # Corrèze's path takes only its own secret.
        update = {"update_id": 77, "message": {"message_id": 1, "date": 0, "text": "/start",
                  "chat": {"id": 5, "type": "private"},
                  "from": {"id": 5, "is_bot": False, "first_name": "Eve"}}}  # fmt: skip
        async with httpx.AsyncClient() as client:
            wrong = await client.post(
                f"http://127.0.0.1:{port}/telegram/correze",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": webhook_secret(bot.settings)},
            )
        assert wrong.status_code == 403
        assert await bot.rows("SELECT * FROM inbox WHERE update_id = 77") == []
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_by_long_polling_each_bot_has_its_poller(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    from tests.conftest import eventually

    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES, encoding="utf-8")
    bot = TwoBots(tmp_path, gazetteer, territories_file=declared)
    bot.fake.deliver = bot.own.deliver = "polling"
    await bot.start(background=True)
    try:
        zoe = bot.fake.user(209, "Zoé")
        claire = bot.own.user(4103, "Claire", last_name="Faure")
        await zoe.command("start")
        await claire.command("start")
        await eventually(lambda: bool(zoe.messages()) and bool(claire.messages()))
        assert claire.messages()[0].text.startswith("Bonjour Claire !")
        assert bot.fake.calls_to("getUpdates") and bot.own.calls_to("getUpdates")
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_each_bot_has_its_own_send_budget(tmp_path: Path, gazetteer: Gazetteer) -> None:
    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES, encoding="utf-8")
    bot = TwoBots(
        tmp_path,
        gazetteer,
        rate_limit=True,
        territories_file=declared,
        telegram_messages_per_second=1,
    )
    await bot.start()
    try:
        bot.clock.advance(seconds=5)
        jean = bot.fake.user(4101, "Jean", last_name="Martin")
        claire = bot.own.user(4103, "Claire", last_name="Faure")
        await jean.command("aide")
        # One message a second per bot: the Lot's spent its own, Corrèze's has its own.
        await claire.command("aide")
        assert jean.messages() and claire.messages()
        zoe = bot.fake.user(209, "Zoé")
        await zoe.command("aide")
        assert not zoe.messages()  # the Lot's bot waits for its next second
        bot._set_time(bot.clock.current + timedelta(seconds=2))
        await bot.app.settle()
        assert zoe.messages()
        bot.assert_clean()
    finally:
        await bot.stop()
