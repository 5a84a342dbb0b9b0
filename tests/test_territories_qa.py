"""QA of a two-territory deployment (issue 22, item 1), played by each kind of user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.setups import reads, register_trip
from tests.test_privacy import registered_by_phone
from tests.test_territories import (
    ADMIN,
    TERRITORIES,
    doing,
    need_post,
    teams,
)


@pytest.fixture
async def region(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES, encoding="utf-8")
    running = RunningBot(tmp_path, gazetteer, territories_file=declared, admin_user_ids=(ADMIN,))
    await running.start()
    yield running
    await running.stop()


async def test_a_team_registering_a_caller_of_the_other_territory_is_told_which_team_follows(
    region: RunningBot,
) -> None:
    bot = region
    lot, _, correze, cora = teams(bot)
    # Corrèze's team takes a call from Yvette, who travels from Cahors (the Lot).
    await registered_by_phone(cora, "Yvette Roux", "06 11 22 33 44")
    [need] = await bot.rows("SELECT id, territory FROM needs")
    assert need["territory"] == "lot"
    assert "Yvette Roux" in lot.last().text and not correze.messages()
    # Cora is told where the need went, not left wondering why her group has nothing.
    told = "\n".join(m.text for m in cora.messages()[-2:])
    assert reads(bot, "qaregion.registered_for_team", id=need["id"], team="Lotocar") in told
    bot.assert_clean()


async def test_a_caller_of_the_other_territory_gets_no_drivers_list_the_team_cannot_use(
    region: RunningBot,
) -> None:
    bot = region
    lot, _, correze, cora = teams(bot)
    dan = bot.fake.user(4150, "Dan", last_name="Delmas", username="dan_d")
    await register_trip(dan, "Cahors", "Figeac", "8h")  # a driver of the Lot
    await registered_by_phone(cora, "Yvette Roux", "06 11 22 33 44")  # Cahors → Figeac: Lot
    [need] = await bot.rows("SELECT id FROM needs")
    shown = [m for m in cora.messages() if "Conducteurs possibles" in m.text]
    # Before: Cora saw Dan's contact and a button "Demander à Dan D." that, pressed, told
    # her the need was Lotocar's. Now only where the need went.
    assert shown == []
    assert "@dan_d" not in "\n".join(m.text for m in cora.messages())
    assert cora.last().text == reads(
        bot, "qaregion.registered_for_team", id=need["id"], team="Lotocar"
    )
    assert "Yvette Roux" in lot.last().text
    bot.assert_clean()


async def test_a_need_registered_for_the_other_team_waits_unclaimed_in_its_group(
    region: RunningBot,
) -> None:
    bot = region
    lot, olga, _, cora = teams(bot)
    # Corrèze's team takes a call for a trip from Cahors: the Lot's team follows it, so it is
    # left for them to take, not held by Cora, who cannot act on it.
    await registered_by_phone(cora, "Yvette Roux", "06 11 22 33 44")
    [need] = await bot.rows("SELECT id, claimed_by, status FROM needs")
    assert need["claimed_by"] is None
    post = need_post(lot, need["id"])
    assert reads(bot, "operators.reason.on_behalf_other_team") in (post.text or "")
    await lot.press_data(olga, doing(post, "claim"))
    [taken] = await bot.rows("SELECT claimed_by FROM needs")
    [olga_row] = await bot.rows("SELECT id FROM people WHERE telegram_user_id = ?", olga.id)
    assert taken["claimed_by"] == olga_row["id"]
    bot.assert_clean()


async def test_a_need_registered_for_ones_own_team_is_followed_by_who_took_the_call(
    region: RunningBot,
) -> None:
    bot = region
    lot, olga, _, _ = teams(bot)
    await registered_by_phone(olga, "Yvette Roux", "06 11 22 33 44")  # Cahors → Figeac: Lot
    [need] = await bot.rows("SELECT claimed_by FROM needs")
    [olga_row] = await bot.rows("SELECT id FROM people WHERE telegram_user_id = ?", olga.id)
    assert need["claimed_by"] == olga_row["id"]
    # Nothing to say about another team: the drivers to call come next, as with one team.
    elsewhere = reads(bot, "qaregion.registered_for_team", id=1, team="Lotocar")[:20]
    assert not any(elsewhere in (m.text or "") for m in olga.messages())
    bot.assert_clean()


async def test_a_forged_menu_button_does_not_open_the_teams_own_conversations(
    region: RunningBot,
) -> None:
    bot = region
    paul = bot.fake.user(4300, "Paul", last_name="Castel")
    await paul.command("start")
    for flow in ("behalf_need", "behalf_driver", "apply_for"):
        await paul.press_data(kb.encode(kb.START, flow))
        assert paul.last().text == reads(bot, "operators.only"), flow
    opened = await bot.rows("SELECT state FROM conversations")
    assert not any(flow in row["state"] for row in opened for flow in ("behalf", "apply_for"))
    bot.assert_clean()
