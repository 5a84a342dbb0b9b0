"""What a second pair of eyes found by playing each kind of user (QA pass, 7 December), each
fixed with the test that shows it: the team's volunteer file, a volunteer and an older
passenger who only text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.places.gazetteer import Gazetteer
from tests.conftest import RunningBot
from tests.test_operators import team
from tests.test_volunteers import ALLOWANCE_RATE, person_id, volunteer


@pytest.fixture
async def tus_bot(tmp_path: Path, gazetteer: Gazetteer) -> RunningBot:
    running = RunningBot(tmp_path, gazetteer, tus_eur_per_km=ALLOWANCE_RATE)
    await running.start()
    return running


async def test_a_file_with_one_seat_and_an_insurance_to_the_first_reads_right(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors")
        number = await person_id(bot, bruno.id)
        await bot.operators.command(
            olga, "fiche", f"{number} permis oui assurance 01/01/2028 places 1"
        )
        card = bot.operators.last().text
        # Was "Assurance jusqu'au 1 janvier 2028" and "🚗 1 places".
        assert "🛡 Assurance jusqu'au 1er janvier 2028" in card
        assert "🚗 1 place · fauteuil roulant : Non" in card
        await bot.operators.command(
            olga, "fiche", f"{number} permis oui assurance 31/12/2027 places 3"
        )
        card = bot.operators.last().text
        assert "Assurance jusqu'au 31 décembre 2027" in card and "🚗 3 places ·" in card
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_checking_a_file_the_volunteer_cannot_drive_with_says_so(
    tus_bot: RunningBot,
) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        bruno = await volunteer(bot, 602, "Bruno", "Cahors")
        number = await person_id(bot, bruno.id)
        # The licence not seen: checked, but not "may now be offered" (it was told so).
        await bot.operators.command(olga, "fiche", f"{number} permis non assurance 31/12/2027")
        await bot.operators.press(olga, "✅ Fiche vérifiée")
        assert olga.callback_answers()[-1]["text"] == (
            "Fiche vérifiée, mais le permis n'est pas vu : ce bénévole n'est proposé à personne."
        )
        # The insurance ended last week (today is 23 November 2026).
        await bot.operators.command(olga, "fiche", f"{number} permis oui assurance 20/11/2026")
        await bot.operators.press(olga, "✅ Fiche vérifiée")
        assert olga.callback_answers()[-1]["text"] == (
            "Fiche vérifiée, mais l'assurance est finie : ce bénévole n'est proposé à personne."
        )
        await bot.operators.command(olga, "fiche", f"{number} permis oui assurance 31/12/2027")
        await bot.operators.press(olga, "✅ Fiche vérifiée")
        assert olga.callback_answers()[-1]["text"] == (
            "Fiche vérifiée : ce bénévole peut maintenant être proposé."
        )
        bot.assert_clean()
    finally:
        await bot.stop()
