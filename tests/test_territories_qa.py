"""QA of a two-territory deployment (issue 22, item 1), played by each kind of user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.places.gazetteer import Gazetteer
from tests.conftest import RunningBot
from tests.test_privacy import registered_by_phone
from tests.test_territories import ADMIN, TERRITORIES, teams


@pytest.fixture
async def region(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES, encoding="utf-8")
    running = RunningBot(tmp_path, gazetteer, territories_file=declared, admin_user_ids=(ADMIN,))
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def texting_region(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[Any]:
    from tests.phones import TextingBot

    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES, encoding="utf-8")
    running = TextingBot(tmp_path, gazetteer, territories_file=declared, admin_user_ids=(ADMIN,))
    await running.start()
    yield running
    await running.stop()


def show(title: str, texts: list[str]) -> None:
    print(f"\n===== {title} =====")
    for t in texts:
        print(t)
        print("---")


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
    assert (
        f"La demande n° {need['id']} part du territoire de l'équipe Lotocar :"
        " elle est dans le groupe de cette équipe." in told
    )
    bot.assert_clean()
