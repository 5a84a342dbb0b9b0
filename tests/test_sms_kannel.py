"""End to end through a real Kannel (bearerbox and smsbox, tests/kannel.py) playing the
phone network: the bot runs as deployed (its HTTP side on loopback, the update runner, the
text runner and the deliverer in the background), Kannel calls it for each text a phone
sends, and every text the bot sends goes out through Kannel's sendsms to the phone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from tests.conftest import free_port
from tests.kannel import Kannel, require_kannel
from tests.phones import SECRET, TextingBot, assert_fit_for_a_simple_phone
from tests.setups import driver

MARIE, PAUL = "0612345678", "0645112233"
# Numbers the fake operator refuses (a number that can never be reached).
REFUSED = "+33799"


class Deployed:
    def __init__(self, bot: TextingBot, kannel: Kannel) -> None:
        self.bot, self.kannel = bot, kannel

    async def text(self, phone: str, words: str) -> str:
        """`phone` texts the territory's number; the next text it gets back."""
        await self.kannel.text_from(phone, words)
        return await self.reply(phone)

    async def reply(self, phone: str, timeout: float = 15) -> str:
        text = await self.kannel.next_text(to="+33" + phone[1:], timeout=timeout)
        assert_fit_for_a_simple_phone(text)
        return text

    async def until(self, check: Callable[[], bool], timeout: float = 15) -> None:
        for _ in range(int(timeout / 0.05)):
            if check():
                return
            await asyncio.sleep(0.05)
        raise AssertionError("still not so")


@pytest.fixture
async def deployed(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[Deployed]:
    require_kannel()
    port = free_port()
    get_url = f"http://127.0.0.1:{port}/sms/incoming?secret={SECRET}&from=%p&to=%P&text=%a&id=%I"
    kannel = Kannel(tmp_path / "kannel", get_url, refused_prefix=REFUSED)
    await kannel.start()
    bot = TextingBot(
        tmp_path,
        gazetteer,
        http_port=port,
        sms_gateway_url=kannel.sendsms_url,
        sms_username=kannel.username,
        sms_password=kannel.password,
        sms_number=kannel.number,
        stand_in=False,
    )
    try:
        await bot.start(background=True, serve_http=True)
        yield Deployed(bot, kannel)
    finally:
        await bot.stop()
        await kannel.stop(kill=True)


async def test_a_passenger_who_only_texts_and_a_driver_who_only_texts(deployed: Deployed) -> None:
    bot = deployed.bot
    # Paul drives, by text only.
    assert "D'accord ?" in await deployed.text(PAUL, "je propose un trajet")
    assert "prénom" in await deployed.text(PAUL, "oui")
    assert "D'où partez-vous ?" in await deployed.text(PAUL, "Paul Durand")
    for words in ("Figeac", "Cahors", "du lundi au vendredi", "7h30", "non", "3", "non"):
        summary = await deployed.text(PAUL, words)
    assert "Votre trajet : Figeac - Cahors" in summary
    assert "Trajet enregistré" in await deployed.text(PAUL, "1")

    # Marie needs a ride, by text only.
    assert "D'accord ?" in await deployed.text(MARIE, "cahors demain 9h")
    assert "prénom" in await deployed.text(MARIE, "oui")
    assert "D'où partez-vous ?" in await deployed.text(MARIE, "Marie Dupont")
    assert "Répondez 1 ou 2" in await deployed.text(MARIE, "Figeac")
    assert "Et le retour, le meme jour ?" in await deployed.text(MARIE, "2")
    assert "C'est juste ?" in await deployed.text(MARIE, "1")
    offered = await deployed.text(MARIE, "oui")
    assert "Paul D., mardi 24 novembre vers 7h30" in offered

    # She says yes; Paul is asked by text, and answers OUI.
    assert "J'ai demandé à Paul D." in await deployed.text(MARIE, "oui")
    asked = await deployed.reply(PAUL)
    assert asked.startswith("Marie D. voudrait venir avec vous mardi 24 novembre vers 7h30")
    assert "de Figeac à Cahors" in asked
    assert asked.endswith("Répondez OUI ou NON")
    to_paul = await deployed.text(PAUL, "OUI")
    assert to_paul.startswith("Vous avez accepté.\nMerci !")
    to_marie = await deployed.reply(MARIE)
    assert "Marie Dupont" in to_paul and "06 12 34 56 78" in to_paul
    assert "Paul Durand" in to_marie and "06 45 11 22 33" in to_marie

    # Kannel reported each text delivered to its phone.
    await deployed.until(lambda: bot.app.deliverer.last_success is not None)
    await asyncio.sleep(0.5)
    reports = await bot.rows("SELECT reported FROM outbox WHERE method = 'sms'")
    assert {r["reported"] for r in reports} <= {"delivered", None}
    assert any(r["reported"] == "delivered" for r in reports)


async def test_a_text_the_operator_refuses_reaches_the_team(deployed: Deployed) -> None:
    bot = deployed.bot
    never = "0799000000"  # a valid number the operator will not take
    await deployed.kannel.text_from(never, "bonjour")
    await deployed.until(lambda: any("pas arrivé" in m.text for m in bot.operators.messages()))
    post = bot.operators.last().text
    assert "07 99 00 00 00" in post and "D'accord ?" in post
    await asyncio.sleep(1)  # Kannel's own report of the refusal tells nobody a second time
    assert sum("pas arrivé" in m.text for m in bot.operators.messages()) == 1


async def test_kannel_stopped_for_thirty_seconds_loses_nothing(deployed: Deployed) -> None:
    bot, kannel = deployed.bot, deployed.kannel
    jeanne = await driver(bot, 301, "Jeanne")
    assert "D'accord ?" in await deployed.text(MARIE, "figeac mardi 9h")
    assert "prénom" in await deployed.text(MARIE, "oui")
    await deployed.text(MARIE, "Marie Dupont")
    await deployed.text(MARIE, "Cahors")
    await deployed.text(MARIE, "2")
    await deployed.text(MARIE, "1")  # no way back
    await deployed.text(MARIE, "oui")
    await deployed.text(MARIE, "oui")  # she asks Jeanne
    # Every text so far handed to Kannel first (a two-part text reaches the phone as two).
    waiting = "SELECT id FROM outbox WHERE method = 'sms' AND status = 'pending'"
    for _ in range(300):
        if not await bot.rows(waiting):
            break
        await asyncio.sleep(0.05)

    await kannel.stop()
    # Meanwhile Jeanne accepts on Telegram: the text to Marie waits in the outbox.
    await jeanne.press_doing(kb.INTRO, "yes")
    sql = "SELECT params, status, attempts FROM outbox WHERE method = 'sms'"
    waited = 0.0
    # Down for thirty seconds at least, and until the deliverer has tried twice (a loaded
    # machine may take longer to get there).
    while waited < 30 or not any(
        "vous emmène" in row["params"] and row["attempts"] >= 2 for row in await bot.rows(sql)
    ):
        assert waited < 120, await bot.rows(sql)
        bot.clock.advance(seconds=5)  # the deliverer's retries, on the bot's clock
        bot.app.deliverer.wake()
        await asyncio.sleep(2.5)
        waited += 2.5
    texts = await bot.rows(sql)
    assert len({row["params"] for row in texts}) == len(texts)  # nothing written twice
    [pending] = [row for row in texts if "vous emmène" in row["params"]]
    assert pending["status"] == "pending"
    await kannel.start()
    bot.clock.advance(minutes=5)
    bot.app.deliverer.wake()
    told = await deployed.reply(MARIE, timeout=30)
    assert "Bonne nouvelle : Jeanne Martin vous emmène" in told
    assert kannel.unread("+33612345678") == 0  # once, not twice


async def test_stop_through_kannel_is_honoured(deployed: Deployed) -> None:
    bot = deployed.bot
    assert "D'accord ?" in await deployed.text(MARIE, "bonjour")
    assert "START" in await deployed.text(MARIE, "STOP")
    await deployed.kannel.text_from(MARIE, "cahors demain 9h")
    await deployed.until(lambda: deployed.bot.app.texts is not None)
    for _ in range(100):  # Kannel passed it on, the bot handled it...
        rows = await bot.rows("SELECT status FROM sms_inbox WHERE text = 'cahors demain 9h'")
        if rows and rows[0]["status"] != "pending":
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(1)  # ...and sent nothing back
    assert deployed.kannel.unread("+33612345678") == 0
    [last] = await bot.rows("SELECT text, status FROM sms_inbox ORDER BY id DESC LIMIT 1")
    assert last == {"text": "cahors demain 9h", "status": "ignored"}


async def test_the_modem_unplugged_holds_texts_until_it_is_back(deployed: Deployed) -> None:
    """The phone network gone (a modem unplugged, an operator's link down): Kannel takes the
    texts and keeps them (sendsms answers "queued"); they reach the phone once it is back."""
    bot, kannel = deployed.bot, deployed.kannel
    texts = bot.app.texts
    assert texts is not None
    await kannel.network_down()
    # A text that came in just before (none can come in now), answered while it is down.
    await texts.receive("before-unplugging", "+33612345678", kannel.number, "bonjour")
    await deployed.until(lambda: bot.app.deliverer.last_success is not None)
    sent = await bot.rows("SELECT params, status FROM outbox WHERE method = 'sms'")
    [welcome] = [row for row in sent if "D'accord ?" in row["params"]]
    assert welcome["status"] == "sent", sent  # Kannel took it
    await asyncio.sleep(1)
    assert kannel.unread("+33612345678") == 0
    await kannel.network_up()
    assert "D'accord ?" in await deployed.reply(MARIE, timeout=30)
