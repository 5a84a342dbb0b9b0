"""QA of a two-territory deployment (issue 22, item 1), second pass: the Lot ("Lotocar") and
Corrèze ("Covoit' Corrèze"), each with its own SMS number, played by the people who use them
(tests/test_territories_qa.py has the first pass)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.places.gazetteer import Gazetteer
from tests.phones import TextingBot
from tests.setups import reads
from tests.test_brand import CORREZE_NUMBER, region_texting
from tests.test_brand import TERRITORIES as OWN_NUMBERS
from tests.test_territories import teams

GERMAINE = "06 33 44 55 66"  # 78, a simple phone, lives in Tulle


@pytest.fixture
async def numbers(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[TextingBot]:
    running = await region_texting(tmp_path, gazetteer, OWN_NUMBERS)
    yield running
    await running.stop()


async def texts(bot: TextingBot, phone: str, *said: str) -> list[str]:
    """`phone` texts Corrèze's number each of `said` in turn; all it got back."""
    got: list[str] = []
    for words in said:
        got += await bot.text(phone, words, to=CORREZE_NUMBER)
    return got


async def test_a_need_whose_day_passed_is_closed_in_words_for_a_simple_phone(
    numbers: TextingBot,
) -> None:
    bot = numbers
    teams(bot)
    # Germaine texts a whole request; nobody drives Tulle → Brive, the team is told.
    await texts(bot, GERMAINE, "brive demain 9h", "oui", "Germaine Lavergne", "tulle", "2")
    [summary] = await texts(bot, GERMAINE, "1")
    assert "Tulle - Brive-la-Gaillarde" in summary
    await texts(bot, GERMAINE, "OUI")
    await bot.later(days=2)
    # The day passed: she is told her need is closed, in words for her phone (inbox checks
    # one or two segments, no /command), not Telegram's "/chercher" and its status line.
    [closed] = bot.inbox(GERMAINE)
    assert closed == reads(
        bot,
        "sms.needs.expired",
        origin="Tulle",
        destination="Brive-la-Gaillarde",
        when="mardi 24 novembre, arrivée avant 9h00",
    )
    print("Germaine, two days later:", closed, sep="\n  ")
    bot.assert_clean()


async def test_the_teams_post_of_a_need_whose_person_was_forgotten_says_so(
    numbers: TextingBot,
) -> None:
    bot = numbers
    _, _, correze, _ = teams(bot)
    await texts(bot, GERMAINE, "brive demain 9h", "oui", "Germaine Lavergne", "tulle", "2", "1")
    await texts(bot, GERMAINE, "OUI")  # nobody drives it: Corrèze's team is told
    await texts(bot, GERMAINE, "STOP", "START", "OUBLIER", "oui")
    [post] = [m for m in correze.messages() if "Demande n° 1" in (m.text or "")]
    # Before: "👤  · — · 📞 par téléphone (l'équipe appelle)", a blank name and the team
    # asked to phone someone who wanted to be forgotten.
    assert reads(bot, "regionqa.forgotten") in post.text
    assert reads(bot, "smsteam.by_phone") not in post.text
    assert "👤  ·" not in post.text
    print("Corrèze's post after OUBLIER:", post.text, sep="\n  ")
    bot.assert_clean()
