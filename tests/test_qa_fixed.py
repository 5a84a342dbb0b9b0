"""The QA pass's findings (7 December) that were left open, each fixed with the test that
shows it: forgetting by SMS, a partial /fiche, /sms for someone who texted STOP, the team's
post for a need registered by SMS, and a driver's unclear words while a request waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.places.gazetteer import Gazetteer
from tests.phones import TextingBot
from tests.test_sms_channel import welcome

MARIE = "06 12 34 56 78"


@pytest.fixture
async def texting(tmp_path: Path, gazetteer: Gazetteer) -> Any:
    running = TextingBot(tmp_path, gazetteer)
    await running.start()
    yield running
    await running.stop()


# 1. OUBLIER by SMS.


async def test_oublier_by_sms_asks_oui_then_erases_everything(texting: TextingBot) -> None:
    bot = texting
    await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    for words in ("Cahors", "2", "1", "oui"):
        await bot.text(MARIE, words)
    # Was a new search ("oublier") or a place ("effacer mes données").
    asked = await bot.text(MARIE, "effacer mes données")
    assert asked == [
        "Tout effacer ? Votre nom, votre numéro, vos trajets et vos demandes.\nRépondez OUI ou NON"
    ]
    assert await bot.text(MARIE, "non") == ["Rien n'a été effacé."]
    [kept] = await bot.rows("SELECT display_name FROM people WHERE phone IS NOT NULL")
    assert kept == {"display_name": "Marie Dupont"}
    assert await bot.text(MARIE, "OUBLIER") == asked
    assert await bot.text(MARIE, "oui") == [
        "C'est fait, tout est effacé. Mobilot ne vous écrira plus, sauf si vous lui écrivez."
    ]
    assert await bot.rows("SELECT id FROM people WHERE phone IS NOT NULL") == []
    assert await bot.rows("SELECT id FROM people WHERE display_name = 'Marie Dupont'") == []
    [need] = await bot.rows("SELECT status FROM needs")
    assert need == {"status": "cancelled"}
    bot.assert_clean()


async def test_forget_by_sms_in_the_middle_of_a_question_is_asked_too(
    texting: TextingBot,
) -> None:
    bot = texting
    got = await welcome(bot, MARIE, "figeac mardi 9h", "Marie Dupont")
    assert "D'où partez-vous ?" in got[-1]
    got = await bot.text(MARIE, "forget me")
    assert got[-1].startswith("Tout effacer ?") and got[-1].endswith("Répondez OUI ou NON")
    assert await bot.text(MARIE, "non") == [
        "Rien n'a été effacé.\nReprenons :\nD'où partez-vous ? Ecrivez la commune."
    ]
