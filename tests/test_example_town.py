"""A deployment of one territory gives an example request in its own territory: in the
Aveyron (TERRITORY_DEPARTMENTS=12) /aide says « Rodez demain 9h » and AIDE by SMS "rodez
demain 9h", not Cahors, a town 100 km away in the Lot. The town is EXAMPLE_TOWN when set
(checked at start as a territory's example_town is), else the most populous commune of the
territory's departments; without a department, the catalogue's ("Cahors"). The service's name
stays the deployment's ("Mobilot"), and texts still leave from SMS_NUMBER.

The Lot (TERRITORY_DEPARTMENTS=46, most tests) says Cahors as before: the rest of the suite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TypeVar

import pytest
from pydantic import ValidationError

from bot.assembly import build_core
from bot.places.gazetteer import Gazetteer
from bot.settings import SettingFileError, Settings, describe_settings_error
from tests.conftest import RunningBot
from tests.phones import NUMBER, TextingBot
from tests.setups import reads, team, two_territories
from tests.test_privacy import registered_by_phone
from tests.test_settings import run_bot

MARIE = "06 12 34 56 78"
YVETTE = "06 98 76 54 32"
AVEYRON = ("12",)


@pytest.fixture(scope="module")
def aveyron() -> Gazetteer:
    """Every commune, the Aveyron's first, no places of the Lot's own (a deployment of the
    Aveyron)."""
    return Gazetteer.load(AVEYRON)


Bot = TypeVar("Bot", bound=RunningBot)


async def started(bot: Bot) -> Bot:
    await bot.start()
    return bot


@pytest.fixture
async def in_aveyron(tmp_path: Path, aveyron: Gazetteer) -> AsyncIterator[TextingBot]:
    running = await started(TextingBot(tmp_path, aveyron, territory_departments=AVEYRON))
    yield running
    await running.stop()


async def test_aide_gives_an_example_in_the_aveyron(in_aveyron: TextingBot) -> None:
    bot = in_aveyron
    zoe = bot.fake.user(4130, "Zoé")
    await zoe.command("start")
    await zoe.command("aide")
    helped = zoe.last().text
    assert helped == reads(bot, "help.text", town="Rodez")
    assert "par exemple « Rodez demain 9h »" in helped
    assert helped.startswith("Comment marche Mobilot")  # the deployment's name, as before
    assert "Cahors" not in helped
    print("Zoé, /aide in the Aveyron:", helped, sep="\n  ")
    bot.assert_clean()


async def test_sms_aide_gives_an_example_in_the_aveyron(in_aveyron: TextingBot) -> None:
    bot = in_aveyron
    [helped] = await bot.text(MARIE, "AIDE")
    assert "Ecrivez : rodez demain 9h." in helped
    assert helped.startswith("Mobilot, covoiturage solidaire.")
    assert "cahors" not in helped.lower()
    # From SMS_NUMBER, as a deployment of one territory always texts.
    assert bot.last_to(MARIE).sender == NUMBER
    rows = await bot.rows("SELECT params FROM outbox WHERE method = 'sms'")
    assert rows and all('"from"' not in row["params"] for row in rows)
    print("Marie texts AIDE in the Aveyron:", helped, sep="\n  ")
    bot.assert_clean()


async def test_the_example_is_read_back_as_the_town_it_names(in_aveyron: TextingBot) -> None:
    bot = in_aveyron
    [hello] = await bot.text(MARIE, "rodez demain 9h")  # what AIDE told her to write
    assert hello.startswith("Bonjour, ici Mobilot")
    await bot.text(MARIE, "oui")
    [asked] = await bot.text(MARIE, "Marie Dupont")
    assert "Arrivée : Rodez (12)" in asked  # not a question of which Rodez
    bot.assert_clean()


async def test_the_team_still_names_sms_number_in_the_aveyron(in_aveyron: TextingBot) -> None:
    bot = in_aveyron
    olga, _, _ = team(bot)
    await registered_by_phone(olga, "Yvette Roux", YVETTE)
    await bot.operators.command(olga, "sms", YVETTE)
    assert f"Un premier SMS part vers ce numéro, depuis le {NUMBER}." in bot.operators.last().text
    assert bot.last_to(YVETTE).sender == NUMBER
    bot.assert_clean()


async def test_example_town_is_the_one_given(tmp_path: Path, aveyron: Gazetteer) -> None:
    bot = await started(
        TextingBot(tmp_path, aveyron, territory_departments=AVEYRON, example_town="millau")
    )
    try:
        zoe = bot.fake.user(4131, "Zoé")
        await zoe.command("aide")
        assert zoe.last().text == reads(bot, "help.text", town="Millau")
        assert "par exemple « Millau demain 9h »" in zoe.last().text
        [helped] = await bot.text(MARIE, "aide")
        assert "Ecrivez : millau demain 9h." in helped
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_without_a_department_the_catalogues_town(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = await started(
        RunningBot(tmp_path, gazetteer.with_territory(()), territory_departments=())
    )
    try:
        zoe = bot.fake.user(4132, "Zoé")
        await zoe.command("aide")
        assert zoe.last().text == reads(bot, "help.text")
        assert "par exemple « Cahors demain 9h »" in zoe.last().text
        bot.assert_clean()
    finally:
        await bot.stop()


@pytest.mark.parametrize(
    ("town", "said"),
    [
        ("Nullepart", "'Nullepart' is not one commune the bot knows by that name"),
        ("Cahors", "'Cahors' is read as Cahors (46), not a commune of this territory"),
        ("Villefranche-de-Rouergue", "'Villefranche-de-Rouergue' is too long for a text"),
    ],
)
async def test_a_wrong_example_town_stops_the_start_naming_it(
    tmp_path: Path, aveyron: Gazetteer, town: str, said: str
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        territory_departments=AVEYRON,
        example_town=town,
        database_path=tmp_path / "m.db",
    )
    with pytest.raises(SettingFileError) as raised:
        core = await build_core(settings, gazetteer=aveyron)
        await core.close()
    line = f"Setting {raised.value.setting}: {raised.value}"
    assert line.startswith(f"Setting EXAMPLE_TOWN: {said}"), line


def test_the_start_itself_stops_on_an_unknown_example_town(tmp_path: Path) -> None:
    result = run_bot(
        tmp_path,
        {"BOT_TOKEN": "1:abc", "TERRITORY_DEPARTMENTS": "12", "EXAMPLE_TOWN": "Nullepart"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Setting EXAMPLE_TOWN: 'Nullepart' is not one commune the bot knows by that name"
        " (unknown, or several communes near bear it and the bot would ask which; e.g."
        ' "Brive" or "Tulle")'
    ]
    print(result.stderr.strip())


def test_example_town_with_several_territories_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "territories.toml"
    path.write_text(two_territories(), encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, territories_file=path, example_town="Rodez")  # type: ignore[call-arg]
    assert describe_settings_error(raised.value) == [
        "Settings: EXAMPLE_TOWN is for a deployment of one territory: with TERRITORIES_FILE,"
        " give a [[territory]] its own example_town"
    ]
