"""A territory's own SMS number (issue 22, item 1): a newcomer texting it is welcomed in the
territory's name and belongs to it; every text to a person leaves from their territory's
number (Kannel's sendsms `from`), else from SMS_NUMBER, as a single-number deployment does."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from tests.phones import NUMBER, TextingBot
from tests.setups import driver, two_territories
from tests.test_privacy import registered_by_phone
from tests.test_territories import teams

LOT_NUMBER, LOT_SENDS = "06 70 00 00 46", "+33670000046"
CORREZE_NUMBER, CORREZE_SENDS = "06 70 00 00 19", "+33670000019"
MARIE = "06 12 34 56 78"  # texts the Lot's number
PIERRE = "06 45 11 22 33"  # texts Corrèze's

TERRITORIES = two_territories(
    lot=f'sms_number = "{LOT_NUMBER}"', correze=f'sms_number = "{CORREZE_NUMBER}"'
)


async def region_texting(tmp_path: Path, gazetteer: Gazetteer, declared: str) -> TextingBot:
    path = tmp_path / "territories.toml"
    path.write_text(declared, encoding="utf-8")
    running = TextingBot(tmp_path, gazetteer, territories_file=path)
    await running.start()
    return running


@pytest.fixture
async def numbers(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[TextingBot]:
    running = await region_texting(tmp_path, gazetteer, TERRITORIES)
    yield running
    await running.stop()


async def territory_of(bot: TextingBot, phone: str) -> str | None:
    [row] = await bot.rows("SELECT territory FROM people WHERE phone = ?", phone)
    return row["territory"]


async def test_each_territory_number_welcomes_in_its_name_and_answers_from_itself(
    numbers: TextingBot,
) -> None:
    bot = numbers
    jeanne = await driver(bot, 301, "Jeanne", username="jeanne_m")

    # Marie texts the Lot's number; Pierre Corrèze's, which Kannel passes as +33… (`to=%P`).
    [hello] = await bot.text(MARIE, "figeac demain 9h", to=LOT_NUMBER)
    assert hello.startswith("Bonjour, ici Lotocar, covoiturage solidaire.")
    assert bot.last_to(MARIE).sender == LOT_SENDS
    [hello] = await bot.text(PIERRE, "je propose un trajet", to=CORREZE_SENDS)
    assert hello.startswith("Bonjour, ici Covoit' Corrèze. Nous gardons votre nom")
    assert bot.last_to(PIERRE).sender == CORREZE_SENDS
    assert await territory_of(bot, "+33612345678") == "lot"
    assert await territory_of(bot, "+33645112233") == "correze"

    # Every answer leaves from their own territory's number.
    for words in ("oui", "Marie Dupont", "Cahors", "2", "pas de retour"):
        await bot.text(MARIE, words, to=LOT_NUMBER)
        assert bot.last_to(MARIE).sender == LOT_SENDS
    for words in ("oui", "Pierre Roux", "Tulle"):
        await bot.text(PIERRE, words, to=CORREZE_NUMBER)
        assert bot.last_to(PIERRE).sender == CORREZE_SENDS
    # Pierre's first trip leaves from Tulle, yet he stays Corrèze's: the number placed him.
    assert await territory_of(bot, "+33645112233") == "correze"

    # A notice (not an answer) too: Jeanne accepts Marie on Telegram.
    await bot.text(MARIE, "oui", to=LOT_NUMBER)
    offered = await bot.text(MARIE, "oui", to=LOT_NUMBER)
    assert offered == ["J'ai demandé à Jeanne M., je vous écris dès sa réponse."]
    await jeanne.press_doing(kb.INTRO, "yes")
    [told] = bot.inbox(MARIE)
    assert "Bonne nouvelle : Jeanne Martin vous emmène" in told
    assert bot.last_to(MARIE).sender == LOT_SENDS
    [row] = await bot.rows(
        "SELECT COUNT(*) AS n FROM outbox WHERE method = 'sms' AND params LIKE ?",
        f'%"from": "{CORREZE_SENDS}"%',
    )
    assert row["n"] == 4  # Pierre's four answers, and only his
    bot.assert_clean()


async def test_a_person_already_placed_keeps_their_territory_and_its_number(
    numbers: TextingBot,
) -> None:
    bot = numbers
    await bot.text(MARIE, "figeac demain 9h", to=LOT_NUMBER)
    await bot.text(MARIE, "oui", to=LOT_NUMBER)
    await bot.text(MARIE, "Marie Dupont", to=LOT_NUMBER)
    # Later she texts Corrèze's number: still the Lot's, answered from the Lot's number.
    await bot.text(MARIE, "merci", to=CORREZE_NUMBER)
    assert await territory_of(bot, "+33612345678") == "lot"
    assert bot.last_to(MARIE).sender == LOT_SENDS
    bot.assert_clean()


async def test_territories_without_numbers_text_from_sms_number_as_before(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    declared = TERRITORIES.replace(f'sms_number = "{LOT_NUMBER}"', "").replace(
        f'sms_number = "{CORREZE_NUMBER}"', ""
    )
    bot = await region_texting(tmp_path, gazetteer, declared)
    try:
        [hello] = await bot.text(MARIE, "figeac demain 9h")
        assert hello.startswith("Bonjour, ici Mobilot, covoiturage solidaire.")
        assert bot.last_to(MARIE).sender == NUMBER
        [row] = await bot.rows("SELECT params FROM outbox WHERE method = 'sms'")
        assert '"from"' not in row["params"]
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_single_number_deployment_is_unchanged(texting: TextingBot) -> None:
    bot = texting
    [hello] = await bot.text(MARIE, "je propose un trajet")
    assert hello.startswith("Bonjour, ici Mobilot. Nous gardons votre nom")
    await bot.text(MARIE, "oui")
    assert bot.last_to(MARIE).sender == NUMBER
    rows = await bot.rows("SELECT params FROM outbox WHERE method = 'sms'")
    assert len(rows) == 2 and all('"from"' not in row["params"] for row in rows)
    bot.assert_clean()


async def test_a_team_registering_a_caller_by_sms_names_its_own_number(
    numbers: TextingBot,
) -> None:
    bot = numbers
    _, olga, _, _ = teams(bot)
    await registered_by_phone(olga, "Yvette Roux", "06 11 22 33 44")  # Cahors: the Lot's
    await olga.command("sms", "06 11 22 33 44 oui")
    assert "Un premier SMS part vers ce numéro, depuis le 06 70 00 00 46." in olga.last().text
    assert bot.inbox("06 11 22 33 44")
    assert bot.last_to("06 11 22 33 44").sender == LOT_SENDS
    bot.assert_clean()
