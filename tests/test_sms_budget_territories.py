"""Each territory its own monthly budget of texts (issue 22): a territory with its own
`sms_monthly_segments` pays for its people's texts alone, and once it is spent their texts go
through its team (the same "budget reached" post as with one territory) while the other
territories' people are still texted; the others share SMS_MONTHLY_SEGMENTS. /stats in a
team's group shows its own territory's month; /stats tout, the deployment's."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.delivery import SMS, Outgoing, sms_lane
from bot.places.gazetteer import Gazetteer
from bot.services.territories import Belonging
from bot.services.texts import TextService
from bot.settings import Settings, describe_settings_error
from bot.territories import Territories, Territory
from storage.claims import engine_of
from storage.db import Database
from storage.outbox import SqlOutbox
from storage.texts import SqlTextInbox
from tests.conftest import OPERATORS, START, FakeClock
from tests.phones import TextingBot
from tests.setups import reads, two_teams, two_territories

LOT_NUMBER, LOT_SENDS = "06 70 00 00 46", "+33670000046"
CORREZE_NUMBER = "06 70 00 00 19"
MARIE = "06 12 34 56 78"  # texts the Lot's number
PIERRE = "06 45 11 22 33"  # texts Corrèze's
ADMIN = 4999  # runs the deployment (ADMIN_USER_IDS)


def territories(correze_budget: int | None = 3, lot_more: str = "") -> str:
    lot = f'sms_number = "{LOT_NUMBER}"' + (f"\n{lot_more}" if lot_more else "")
    correze = f'sms_number = "{CORREZE_NUMBER}"'
    if correze_budget is not None:
        correze += f"\nsms_monthly_segments = {correze_budget}"
    return two_territories(lot=lot, correze=correze)


async def region(
    tmp_path: Path, gazetteer: Gazetteer, declared: str, **settings: Any
) -> TextingBot:
    path = tmp_path / "territories.toml"
    path.write_text(declared, encoding="utf-8")
    running = TextingBot(
        tmp_path, gazetteer, territories_file=path, admin_user_ids=(ADMIN,), **settings
    )
    await running.start()
    return running


async def welcome(bot: TextingBot, phone: str, to: str, first: str, name: str) -> list[str]:
    """A newcomer's first text, their OUI and their name (3 texts back, one segment each)."""
    got = await bot.text(phone, first, to=to)
    got += await bot.text(phone, "oui", to=to)
    got += await bot.text(phone, name, to=to)
    return got


def over_budget(bot: TextingBot) -> str:
    """The start of the team's post for a text the month's budget cannot pay for."""
    return reads(bot, "operators.sms_over_budget", name="", phone="", text="").split(".")[0]


async def test_correzes_budget_spent_stops_its_texts_not_the_lots(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = await region(tmp_path, gazetteer, territories(correze_budget=3))
    try:
        lot, _, correze, _ = two_teams(bot)
        # Pierre (Corrèze) spends his territory's 3 segments on his welcome.
        got = await welcome(bot, PIERRE, CORREZE_NUMBER, "je propose un trajet", "Pierre Roux")
        assert len(got) == 3 and bot.segments_to(PIERRE) == 3
        correze_before, lot_before = len(correze.messages()), len(lot.messages())
        # His next answer is over Corrèze's budget: not texted, his team phones him instead.
        assert await bot.text(PIERRE, "Tulle", to=CORREZE_NUMBER) == []
        [post] = [m.text for m in correze.messages()[correze_before:]]
        assert post.startswith(over_budget(bot)) and "06 45 11 22 33" in post
        print("\n=== Corrèze's group ===\n" + post)
        assert not any(over_budget(bot) in m.text for m in lot.messages()[lot_before:] if m.text)
        # Marie (the Lot) is texted all along: her territory shares no budget with Corrèze.
        got = await welcome(bot, MARIE, LOT_NUMBER, "figeac demain 9h", "Marie Dupont")
        got += await bot.text(MARIE, "Cahors", to=LOT_NUMBER)
        assert len(got) == 4 and bot.last_to(MARIE).sender == LOT_SENDS
        assert not any(over_budget(bot) in m.text for m in lot.messages() if m.text)
        # And Pierre still is not.
        assert await bot.text(PIERRE, "Brive", to=CORREZE_NUMBER) == []
        rows = await bot.rows(
            "SELECT territory, SUM(segments) AS used FROM outbox WHERE method = 'sms'"
            " GROUP BY territory ORDER BY territory"
        )
        assert [(r["territory"], r["used"]) for r in rows] == [("correze", 3), ("lot", 4)]
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_the_shared_budget_pays_only_for_territories_without_their_own(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    # SMS_MONTHLY_SEGMENTS = 4 for the Lot (no budget of its own); Corrèze pays its own 50.
    bot = await region(tmp_path, gazetteer, territories(correze_budget=50), sms_monthly_segments=4)
    try:
        lot, _, correze, _ = two_teams(bot)
        got = await welcome(bot, PIERRE, CORREZE_NUMBER, "je propose un trajet", "Pierre Roux")
        got += await bot.text(PIERRE, "Tulle", to=CORREZE_NUMBER)
        got += await bot.text(PIERRE, "Brive", to=CORREZE_NUMBER)
        assert len(got) == 5 and bot.segments_to(PIERRE) >= 5  # beyond the shared 4
        # Marie's 4 segments still fit in the shared budget; her 5th does not.
        got = await welcome(bot, MARIE, LOT_NUMBER, "figeac demain 9h", "Marie Dupont")
        got += await bot.text(MARIE, "Cahors", to=LOT_NUMBER)
        assert len(got) == 4
        assert await bot.text(MARIE, "pas de retour", to=LOT_NUMBER) == []
        assert over_budget(bot) in lot.last().text and "06 12 34 56 78" in lot.last().text
        assert not any(over_budget(bot) in m.text for m in correze.messages() if m.text)
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_each_teams_stats_show_its_own_month_and_the_admin_all(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = await region(tmp_path, gazetteer, territories(correze_budget=3), sms_monthly_segments=100)
    try:
        lot, olga, correze, cora = two_teams(bot)
        await welcome(bot, PIERRE, CORREZE_NUMBER, "je propose un trajet", "Pierre Roux")
        assert await bot.text(PIERRE, "Tulle", to=CORREZE_NUMBER) == []  # over Corrèze's
        await welcome(bot, MARIE, LOT_NUMBER, "figeac demain 9h", "Marie Dupont")
        await bot.text(MARIE, "Cahors", to=LOT_NUMBER)

        await correze.command(cora, "stats")
        correze_stats = correze.last().text
        assert (
            "✉️ SMS ce mois-ci\nEnvoyés : 3 (segments : 3 sur 3 prévus)\nReste : 0 segment\n"
            "Passés par l'équipe, budget atteint : 1\n" + reads(bot, "smsteam.stats_spent")
        ) in correze_stats
        await lot.command(olga, "stats")
        lot_stats = lot.last().text
        assert (
            "✉️ SMS ce mois-ci\nEnvoyés : 4 (segments : 4 sur 100 prévus)\nReste : 96 segments\n"
            "Passés par l'équipe, budget atteint : 0"
        ) in lot_stats
        assert "⚠️" not in lot_stats

        admin = bot.fake.user(ADMIN, "Ada")
        await admin.command("stats", "tout")
        everything = admin.last().text
        assert (
            "✉️ SMS ce mois-ci, toutes les équipes\nEnvoyés : 7 (segments : 7)\n"
            "Passés par l'équipe, budget atteint : 1\n"
            "• Covoit' Corrèze : 3 segments sur 3 prévus, reste 0 ⚠️ atteint\n"
            "• Budget commun (Lotocar) : 4 segments sur 100 prévus, reste 96"
        ) in everything
        print("\n=== Corrèze /stats ===\n" + correze_stats)
        print("\n=== Lot /stats ===\n" + lot_stats)
        print("\n=== /stats tout ===\n" + everything)
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_team_sharing_the_budget_with_others_reads_what_is_left_of_it(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    # No territory has its own: both share SMS_MONTHLY_SEGMENTS.
    bot = await region(
        tmp_path, gazetteer, territories(correze_budget=None), sms_monthly_segments=10
    )
    try:
        lot, olga, correze, cora = two_teams(bot)
        await welcome(bot, PIERRE, CORREZE_NUMBER, "je propose un trajet", "Pierre Roux")
        await welcome(bot, MARIE, LOT_NUMBER, "figeac demain 9h", "Marie Dupont")
        await correze.command(cora, "stats")
        assert (
            "Envoyés : 3 (segments : 3)\n"
            "Budget commun avec d'autres équipes : 6 segments sur 10 prévus\nReste : 4 segments"
        ) in correze.last().text
        await lot.command(olga, "stats")
        assert "Envoyés : 3 (segments : 3)\n" in lot.last().text
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_one_territory_with_its_own_budget_counts_it_as_before(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    declared = tmp_path / "territories.toml"
    declared.write_text(
        f'[[territory]]\nid = "lot"\nname = "Lotocar"\ndepartments = ["46"]\n'
        f"team_chat_id = {OPERATORS}\nsms_monthly_segments = 3\n",
        encoding="utf-8",
    )
    bot = TextingBot(tmp_path, gazetteer, territories_file=declared)
    await bot.start()
    try:
        olga = bot.fake.user(401, "Olga")
        bot.fake.set_member(OPERATORS, olga.id, "member")
        await welcome(bot, MARIE, "36111", "figeac jeudi 9h", "Marie Dupont")
        assert await bot.text(MARIE, "Cahors") == []
        assert over_budget(bot) in bot.operators.last().text
        await olga.command("stats")
        assert "Envoyés : 3 (segments : 3 sur 3 prévus)" in olga.last().text
        bot.assert_clean()
    finally:
        await bot.stop()


@pytest.mark.parametrize("value", ['"beaucoup"', "-5", "true", "12.5"])
def test_a_wrong_budget_names_the_file_line_and_territory(tmp_path: Path, value: str) -> None:
    declared = tmp_path / "territories.toml"
    declared.write_text(
        territories(correze_budget=None).replace(
            f'sms_number = "{CORREZE_NUMBER}"',
            f'sms_number = "{CORREZE_NUMBER}"\nsms_monthly_segments = {value}',
        )
    )
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, territories_file=declared)  # type: ignore[call-arg]
    [line] = describe_settings_error(raised.value)
    assert line.startswith(f"Setting TERRITORIES_FILE: {declared}, line 9, territory 'correze':")
    assert "is not a number of SMS segments a month" in line


async def test_two_workers_never_both_spend_a_territorys_last_segments(tmp_path: Path) -> None:
    """Two workers (each its own connection to the one database) check Corrèze's budget at
    the same time: the second waits for the first's text and counts it."""
    territories_ = Territories(
        (
            Territory("lot", "Lotocar", ("46",)),
            Territory("correze", "Covoit' Corrèze", ("19",), sms_monthly_segments=3),
        )
    )
    path = tmp_path / "mobilot.db"
    first, second = await Database.open(path), await Database.open(path)
    checked = asyncio.Event()

    async def worker(database: Database, wait_for_the_other: bool) -> bool:
        outbox = SqlOutbox(database, engine=engine_of(database))
        texts = TextService(
            SqlTextInbox(database),
            outbox,
            cast(Any, None),
            FakeClock(),
            ZoneInfo("Europe/Paris"),
            None,
            belonging=Belonging(territories_, cast(Any, None)),
        )
        if wait_for_the_other:
            await checked.wait()  # the first has found room and not yet written
        async with database.transaction():
            room = await texts.affordable(2, "correze")
            if not wait_for_the_other:
                checked.set()
                await asyncio.sleep(0.3)
            if room:
                text = Outgoing(sms_lane(1), SMS, {"to": "+33645112233", "text": "x"})
                await outbox.add(replace(text, segments=2, territory="correze"), START)
        return room

    try:
        done = await asyncio.gather(worker(first, False), worker(second, True))
        assert sorted(done) == [False, True]
        async with second.connection.execute("SELECT SUM(segments) FROM outbox") as cursor:
            row = await cursor.fetchone()
        assert row is not None and row[0] == 2
    finally:
        await first.close()
        await second.close()
