"""No network call inside a write transaction (bot/outside.py), and nobody waits for another
person's slow network call: a membership check, a file download, a partner's search are made
outside the update's transaction while other chats' updates, the deliverer and the agenda go
on. The fake Bot API and the fake partner are held and released by the tests (no sleeps).

Every test of the suite also checks, through the fake Bot API, that no Bot API call reaches
Telegram from inside a write transaction (tests/conftest.py, RunningBot.stop)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.agenda import Due, Kind
from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from storage.agenda import SqlAgenda
from tests.conftest import OPERATORS, RunningBot, eventually, free_port
from tests.interop_helpers import FakePartner
from tests.setups import agree_if_asked, describe_need, driver, reads, team
from tests.test_interop_api import KEY, karos_journey
from tests.test_nothing_lost import APOLOGY

CANNOT_CHECK = "je ne peux pas vérifier que vous faites partie du groupe"


async def test_the_guard_sees_a_bot_api_call_made_inside_a_transaction(bot: RunningBot) -> None:
    """The check every test relies on does catch a call made inside a transaction."""
    team(bot)
    async with bot.app.database.transaction():
        await bot.app.application.bot.get_chat_member(OPERATORS, 401)
    assert bot.called_in_transaction == ["getChatMember"]
    bot.called_in_transaction.clear()


async def test_a_slow_membership_check_holds_back_no_other_person_nor_the_deliverer(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    jean = await driver(bot, 301, "Jean")
    slow = bot.fake.hold("getChatMember")
    checking = asyncio.create_task(olga.command("ouvertes"))
    await slow.entered.wait()  # Telegram takes its time to say whether Olga is one of us
    assert not bot.app.database.connection.in_transaction  # nothing waits for it
    # Another person, in another chat, is answered at once.
    zoe = bot.fake.user(305, "Zoé")
    await zoe.command("start")
    assert any("Bonjour Zoé" in m.text for m in zoe.messages())
    # The deliverer goes on too: a message written meanwhile is sent meanwhile.
    await jean.command("mestrajets")
    assert "Cahors" in jean.last().text
    assert not checking.done() and olga.messages() == []  # both answered before hers
    slow.release()
    await checking
    assert "Aucune demande ouverte" in olga.last().text
    bot.assert_clean()


async def test_each_chats_updates_still_go_in_order_behind_a_slow_check(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    slow = bot.fake.hold("getChatMember")
    first = asyncio.create_task(olga.command("ouvertes"))
    await slow.entered.wait()
    second = asyncio.create_task(olga.command("aide"))  # the same chat: waits its turn
    await eventually(lambda: len(bot.app.updates.in_flight) == 2)
    assert olga.messages() == [] and not second.done()
    slow.release()
    await asyncio.gather(first, second)
    texts = [m.text for m in olga.messages()]
    assert "Aucune demande ouverte" in texts[0] and len(texts) >= 2
    bot.assert_clean()


async def test_a_flood_limit_on_the_membership_check_gets_the_operator_a_clear_answer(
    bot: RunningBot,
) -> None:
    olga, omar, _ = team(bot)
    bot.fake.inject("getChatMember", 429, retry_after=60)  # too long to wait for
    await olga.command("ouvertes")
    assert CANNOT_CHECK in olga.last().text and APOLOGY not in olga.last().text
    # In the team's group too (never silence), and for a button (its answer).
    bot.fake.inject("getChatMember", 429, retry_after=60)
    await bot.operators.command(omar, "ouvertes")
    assert CANNOT_CHECK in bot.operators.last().text
    [failed, _] = await bot.rows("SELECT error FROM inbox WHERE status = 'failed'")
    assert "membership" in failed["error"]
    await olga.command("ouvertes")  # a moment later, it works: nothing was cached
    assert "Aucune demande ouverte" in olga.last().text
    bot.fake.take_errors()
    bot.assert_clean()


async def test_a_flood_limit_on_the_check_for_a_button_is_said_in_the_buttons_answer(
    bot: RunningBot,
) -> None:
    _, omar, _ = team(bot)
    rose = bot.fake.user(303, "Rose", last_name="Vidal")
    await describe_need(rose)  # nobody drives there: the team gets her request
    post = bot.operators.last()
    bot.fake.inject("getChatMember", 429, retry_after=60)
    await bot.operators.press_doing(omar, kb.OPERATOR, "claim", message=post)
    answer = omar.callback_answers()[-1]
    assert CANNOT_CHECK in answer["text"] and answer.get("show_alert")
    [need] = await bot.rows("SELECT status FROM needs")
    assert need == {"status": "with_operators"}  # not claimed: nothing was done
    await bot.operators.press_doing(omar, kb.OPERATOR, "claim", message=post)
    assert omar.callback_answers()[-1]["text"] == reads(bot, "operators.claimed")
    bot.fake.take_errors()
    bot.assert_clean()


async def test_a_short_flood_wait_on_the_check_is_waited_for_outside_the_transaction(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    bot.fake.inject("getChatMember", 429, retry_after=1)
    bot.fake.inject("getChatMember", 502)
    await olga.command("ouvertes")
    assert "Aucune demande ouverte" in olga.last().text
    assert len(bot.fake.calls_to("getChatMember")) == 3
    bot.fake.take_errors()
    bot.assert_clean()


# Partners.


@pytest.fixture
async def slow_partner(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[Any]:
    partner = FakePartner(free_port())
    await partner.start()
    partners = tmp_path / "partners.csv"
    partners.write_text(
        "operator,name,key,api_url,api_key\n"
        f"karos.example.com,Karos,{KEY},{partner.url},our-key-at-karos\n"
    )
    running = RunningBot(
        tmp_path,
        gazetteer,
        interop_operator="mobilot.example.org",
        interop_partners_file=partners,
        interop_timeout_s=30,
    )
    await running.start()
    yield running, partner
    await running.stop()
    await partner.stop()


async def test_a_slow_partner_holds_back_no_other_person(slow_partner: Any) -> None:
    bot, partner = slow_partner
    await driver(bot, 301, "Jean")
    partner.answer = lambda route, params: karos_journey(params)
    partner.held = asyncio.Event()
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await marie.command("chercher")
    await agree_if_asked(marie)
    for said in ("Cahors", "Figeac", "mardi"):
        await marie.send(said)
    await marie.press_doing(kb.FIND, "mode:arrive_before")
    await marie.send("9h")
    await marie.press_doing(kb.FIND, "back:none")
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:none")
    searching = asyncio.create_task(marie.press_doing(kb.FIND, "confirm"))
    await partner.searching.wait()
    await eventually(lambda: bool(bot.app.updates.asking_outside))
    assert not bot.app.database.connection.in_transaction
    zoe = bot.fake.user(305, "Zoé")
    await zoe.command("start")
    assert any("Bonjour Zoé" in m.text for m in zoe.messages())
    assert not searching.done()  # Zoé was answered before Marie's search came back
    assert not any("J'ai trouvé" in m.text for m in marie.messages())
    partner.held.set()
    await searching
    texts = [m.text for m in marie.messages()]
    ours = next(i for i, t in enumerate(texts) if "J'ai trouvé des conducteurs" in t)
    theirs = next(i for i, t in enumerate(texts) if "Sur d'autres sites de covoiturage" in t)
    assert ours < theirs
    assert len(await bot.rows("SELECT id FROM needs")) == 1
    bot.assert_clean()


# The agenda.


async def test_peoples_updates_go_before_the_agendas_catch_up(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a long downtime many entries are due at once: a passenger who writes during the
    catch-up is answered before the next entry, not at its end."""
    zoe = bot.fake.user(305, "Zoé")
    now = bot.clock.now()
    await SqlAgenda(bot.app.database).schedule(
        [Due(Kind.TRIP_CHECK, subject, now) for subject in range(1, 21)], now
    )
    job_queue = bot.app.application.job_queue
    assert job_queue is not None
    [job] = job_queue.get_jobs_by_name("agenda")
    runner = job.callback.__self__  # type: ignore[attr-defined]
    answered: list[bool] = []

    work = runner._work  # the core's scheduled work (bot/services/scheduled.py)
    check_trip = work._work[Kind.TRIP_CHECK]

    async def step(entry: Any) -> Any:
        if not answered:  # she writes while the agenda catches up (recorded, not yet handled)
            bot.fake.receiver = bot.app.updates.receive_one  # type: ignore[assignment]
            await zoe.command("start")
        rows = await bot.rows("SELECT id FROM outbox WHERE chat_id = ?", zoe.id)
        answered.append(bool(rows))
        return await check_trip(entry)

    monkeypatch.setitem(work._work, Kind.TRIP_CHECK, step)
    await bot.tick()
    assert answered == [False] + [True] * 19
    assert any("Bonjour Zoé" in m.text for m in zoe.messages())
    bot.assert_clean()


async def test_a_rolled_back_update_leaves_the_draft_as_it_was(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What python-telegram-bot keeps in memory (the draft) is put back with the rollback: the
    same press works again, as the apology promises ("your answers are kept")."""
    await driver(bot, 301, "Jean")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    finding = bot.app.deps.finding
    real_submit = finding.submit

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(finding, "submit", broken)
    await describe_need(marie)
    assert APOLOGY in marie.last().text
    monkeypatch.setattr(finding, "submit", real_submit)
    summary = next(m for m in reversed(marie.messages()) if "Tout est juste" in m.text)
    await marie.press_doing(kb.FIND, "confirm", message=summary)
    assert any("J'ai trouvé des conducteurs" in m.text for m in marie.messages())
    bot.fake.exceptions.clear()
    bot.assert_clean()
