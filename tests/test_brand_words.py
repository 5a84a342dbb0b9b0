"""People hear their territory's name, not "Mobilot" (issue 22, item 1): with several
territories, wherever Mobilot speaks as itself to a person whose territory is known — the
welcome on a territory's own bot, /aide, /confidentialite, /mesdonnees, /oublier, the
question to people inactive for long, the consents, the answers to AIDE, STOP, START and
OUBLIER by SMS. With one territory, or to someone whose territory is not known yet, it says
"Mobilot" as it always did.

The two territories are tests/setups.py's (the Lot, "Lotocar"; Corrèze, "Covoit' Corrèze"),
with Corrèze's own bot as in tests/test_bots.py and own numbers as in tests/test_brand.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.assembly import build_core
from bot.places.gazetteer import Gazetteer
from bot.services.brand import MAX_EXAMPLE_TOWN, example_towns
from bot.services.places import PlaceService
from bot.settings import SettingFileError, Settings, describe_settings_error
from bot.territories import Territories, Territory
from bot.understand import read_request
from handlers import keyboards as kb
from handlers.sms.text import is_gsm7, segments, sms
from i18n import DEPLOYMENT_TOWN, LANGUAGES, Translator, load_catalog, typed
from tests.conftest import RunningBot
from tests.phones import TextingBot
from tests.setups import CORREZE_NAME, LOT_NAME, describe_need, reads, two_territories
from tests.test_bots import TERRITORIES as OWN_BOT
from tests.test_bots import TwoBots
from tests.test_brand import CORREZE_NUMBER, LOT_NUMBER, MARIE, PIERRE, region_texting
from tests.test_brand import TERRITORIES as OWN_NUMBERS
from tests.test_privacy import registered_by_phone
from tests.test_settings import run_bot
from tests.test_territories import teams

YVETTE = "06 11 22 33 44"  # registered by the Lot's team, who phoned


@pytest.fixture
async def own_bot(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[TwoBots]:
    declared = tmp_path / "territories.toml"
    declared.write_text(OWN_BOT, encoding="utf-8")
    running = TwoBots(tmp_path, gazetteer, territories_file=declared)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def numbers(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[TextingBot]:
    running = await region_texting(tmp_path, gazetteer, OWN_NUMBERS)
    yield running
    await running.stop()


def texted(bot: RunningBot, key: str, **values: object) -> str:
    """The text a simple phone reads for the message `key`."""
    return sms(bot.app.deps.t("fr", key, **values))


# Telegram.


async def test_a_newcomer_on_correzes_own_bot_is_welcomed_in_its_name(own_bot: TwoBots) -> None:
    bot = own_bot
    claire = bot.own.user(4103, "Claire", last_name="Faure")
    await claire.command("start")
    welcome = claire.messages()[0].text
    assert welcome == reads(bot, "start.welcome", name="Claire", service=CORREZE_NAME)
    assert "Je suis Covoit' Corrèze" in welcome
    # /aide and /confidentialite speak in its name too.
    await claire.command("aide")
    assert claire.last().text == reads(bot, "help.text", service=CORREZE_NAME, town="Brive")
    assert claire.last().text.startswith("Comment marche Covoit' Corrèze")
    await claire.command("confidentialite")
    assert claire.last().text.startswith("Vos données et Covoit' Corrèze")
    assert "Mobilot" not in claire.last().text
    print("Claire, on Corrèze's bot:", welcome, sep="\n  ")
    bot.assert_clean()


async def test_on_the_shared_bot_mobilot_until_the_territory_is_known(own_bot: TwoBots) -> None:
    bot = own_bot
    # Jean writes to BOT_TOKEN's bot first: nothing places him yet, Mobilot speaks as itself.
    jean = bot.fake.user(4101, "Jean", last_name="Martin")
    await jean.command("start")
    assert jean.messages()[0].text == reads(bot, "start.welcome", name="Jean")
    await jean.command("aide")
    assert jean.last().text == reads(bot, "help.text")
    # His first need leaves from Cahors: he is the Lot's, and hears Lotocar's name from then.
    await describe_need(jean, origin="Cahors", destination="Figeac")
    await jean.command("aide")
    assert jean.last().text == reads(bot, "help.text", service=LOT_NAME)
    await jean.command("confidentialite")
    assert jean.last().text.startswith("Vos données et Lotocar")
    await jean.command("start")
    assert reads(bot, "start.welcome", name="Jean", service=LOT_NAME) in [
        m.text for m in jean.messages()[-3:]
    ]
    bot.assert_clean()


async def test_with_one_territory_telegram_says_mobilot(bot: RunningBot) -> None:
    zoe = bot.fake.user(4120, "Zoé")
    await describe_need(zoe)  # her territory is the one there is
    await zoe.command("start")
    assert reads(bot, "start.welcome", name="Zoé") in [m.text for m in zoe.messages()[-3:]]
    await zoe.command("aide")
    assert zoe.last().text == reads(bot, "help.text")
    assert zoe.last().text.startswith("Comment marche Mobilot")
    await zoe.command("confidentialite")
    assert zoe.last().text.startswith("Vos données et Mobilot")
    bot.assert_clean()


# SMS.


async def test_aide_stop_and_start_answer_in_each_territorys_name(numbers: TextingBot) -> None:
    bot = numbers
    # Marie texts the Lot's number, Pierre Corrèze's: each is their territory's from then.
    [helped] = await bot.text(MARIE, "AIDE", to=LOT_NUMBER)
    assert helped == texted(bot, "sms.help", service=LOT_NAME)
    assert helped.startswith("Lotocar, covoiturage solidaire.")
    [helped] = await bot.text(PIERRE, "aide", to=CORREZE_NUMBER)
    assert helped == texted(bot, "sms.help", service=CORREZE_NAME, town="Brive")
    assert helped.startswith("Covoit' Corrèze, covoiturage solidaire.")

    [stopped] = await bot.text(MARIE, "STOP", to=LOT_NUMBER)
    assert stopped == texted(bot, "sms.stopped", service=LOT_NAME)
    assert "plus de SMS de Lotocar" in stopped
    [stopped] = await bot.text(PIERRE, "stop", to=CORREZE_NUMBER)
    assert "plus de SMS de Covoit' Corrèze" in stopped

    [started] = await bot.text(PIERRE, "START", to=CORREZE_NUMBER)
    assert started == texted(bot, "sms.started", service=CORREZE_NAME)
    assert started.startswith("C'est noté : Covoit' Corrèze vous écrit de nouveau")
    [started] = await bot.text(MARIE, "start", to=LOT_NUMBER)
    assert started.startswith("C'est noté : Lotocar vous écrit de nouveau")
    for words in ("AIDE", "STOP", "START"):
        print(f"Pierre texts {words}:", *await bot.text(PIERRE, words, to=CORREZE_NUMBER))
    bot.assert_clean()


async def test_without_own_numbers_the_territory_known_names_the_service(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    # One shared number for both territories: the name comes from where a person belongs.
    bot = await region_texting(tmp_path, gazetteer, two_territories())
    try:
        _, olga, _, _ = teams(bot)
        await registered_by_phone(olga, "Yvette Roux", YVETTE)  # from Cahors: the Lot's
        await olga.command("sms", f"{YVETTE} oui")
        # The team's word that she agreed: the first text she gets says the Lot's name.
        [agreed] = bot.inbox(YVETTE)
        assert agreed == texted(bot, "smsteam.person_agreed", service=LOT_NAME)
        assert agreed.startswith("Bonjour, ici Lotocar. Comme convenu avec l'équipe")
        [helped] = await bot.text(YVETTE, "aide")
        assert helped == texted(bot, "sms.help", service=LOT_NAME)
        # Someone nothing places yet hears Mobilot, as before.
        [helped] = await bot.text(MARIE, "aide")
        assert helped == texted(bot, "sms.help")
        assert helped.startswith("Mobilot, covoiturage solidaire.")
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_with_one_territory_the_keywords_say_mobilot(texting: TextingBot) -> None:
    bot = texting
    [helped] = await bot.text(MARIE, "AIDE")
    assert helped == texted(bot, "sms.help")
    [stopped] = await bot.text(MARIE, "STOP")
    assert stopped == texted(bot, "sms.stopped")
    assert "plus de SMS de Mobilot" in stopped
    [started] = await bot.text(MARIE, "START")
    assert started == texted(bot, "sms.started")
    bot.assert_clean()


async def test_oublier_and_the_consents_by_sms_speak_in_the_territorys_name(
    numbers: TextingBot,
) -> None:
    bot = numbers
    # Pierre texts Corrèze's own number: the welcome, then a trip offered asks the consent
    # for trips in its name.
    await bot.text(PIERRE, "bonjour", to=CORREZE_NUMBER)
    await bot.text(PIERRE, "oui", to=CORREZE_NUMBER)
    await bot.text(PIERRE, "Pierre Faure", to=CORREZE_NUMBER)
    await bot.text(PIERRE, "annuler", to=CORREZE_NUMBER)  # the search "bonjour" began
    [consent] = await bot.text(PIERRE, "je propose un trajet", to=CORREZE_NUMBER)
    assert consent.startswith(texted(bot, "sms.offer.consent", service=CORREZE_NAME))
    assert consent.startswith("Covoit' Corrèze garde votre nom")
    await bot.text(PIERRE, "non", to=CORREZE_NUMBER)
    [asked] = await bot.text(PIERRE, "OUBLIER", to=CORREZE_NUMBER)
    [forgotten] = await bot.text(PIERRE, "oui", to=CORREZE_NUMBER)
    # Said once his territory is erased with him: in the name he knew when he wrote.
    assert forgotten == texted(bot, "sms.privacy.forgotten", service=CORREZE_NAME)
    assert "Covoit' Corrèze ne vous écrira plus" in forgotten
    assert await bot.rows("SELECT id FROM people WHERE phone IS NOT NULL") == []
    print("Pierre texts OUBLIER:", asked, "Pierre texts oui:", forgotten, sep="\n  ")

    # Marie, on the Lot's, came to drive: a search asks the consent for needs in its name.
    await bot.text(MARIE, "je propose un trajet", to=LOT_NUMBER)
    await bot.text(MARIE, "oui", to=LOT_NUMBER)
    await bot.text(MARIE, "Marie Dupont", to=LOT_NUMBER)
    await bot.text(MARIE, "annuler", to=LOT_NUMBER)
    [need] = await bot.text(MARIE, "peut-etre", to=LOT_NUMBER)  # begins a search
    assert need.startswith(texted(bot, "sms.privacy.consent_need", service=LOT_NAME, months=24))
    assert need.startswith("Lotocar garde votre demande")
    bot.assert_clean()


async def test_the_question_to_inactive_people_names_their_territory(numbers: TextingBot) -> None:
    bot = numbers
    await bot.text(PIERRE, "bonjour", to=CORREZE_NUMBER)
    await bot.text(PIERRE, "oui", to=CORREZE_NUMBER)
    await bot.text(PIERRE, "Pierre Faure", to=CORREZE_NUMBER)
    bot.inbox(PIERRE)
    bot._set_time(bot.clock.current + timedelta(days=365 * 3 + 30))
    await bot.tick()
    [question] = bot.inbox(PIERRE)
    assert question == texted(bot, "privacy.stay_question", service=CORREZE_NAME, days="30 jours")
    assert "Vous n'avez pas utilisé Covoit' Corrèze depuis longtemps" in question
    assert "Sans réponse d'ici 30 jours, tout" in question  # once "jours"
    print("Pierre, inactive:", question, sep="\n  ")
    bot.assert_clean()


async def test_my_data_reminder_and_forget_on_correzes_own_bot(own_bot: TwoBots) -> None:
    bot = own_bot
    claire = bot.own.user(4103, "Claire", last_name="Faure")
    await claire.command("start")
    await claire.command("mesdonnees")
    summary = claire.messages()[-2].text
    assert "Ce que Covoit' Corrèze garde sur vous" in summary
    assert "Connu de Covoit' Corrèze depuis" in summary and "Mobilot" not in summary
    print("Claire's /mesdonnees:", summary, sep="\n  ")

    mark = claire.mark()
    bot._set_time(bot.clock.current + timedelta(days=365 * 3 + 30))
    await bot.tick()
    [question] = claire.texts_since(mark)
    assert question == reads(bot, "privacy.stay_question", service=CORREZE_NAME, days="30 jours")
    print("Claire, inactive:", question, sep="\n  ")

    await claire.command("oublier")
    assert claire.last().text == reads(bot, "privacy.forget_confirm", service=CORREZE_NAME)
    await claire.press_doing(kb.FORGET, "forget:yes")
    assert claire.last().text == reads(bot, "privacy.forgotten", service=CORREZE_NAME)
    assert claire.last().text.startswith("C'est fait : Covoit' Corrèze a effacé")
    bot.assert_clean()


async def test_with_one_territory_the_reminder_and_my_data_say_mobilot(bot: RunningBot) -> None:
    zoe = bot.fake.user(4121, "Zoé")
    await describe_need(zoe)
    await zoe.command("mesdonnees")
    assert "Ce que Mobilot garde sur vous" in zoe.messages()[-2].text
    mark = zoe.mark()
    bot._set_time(bot.clock.current + timedelta(days=365 * 3 + 30))
    await bot.tick()
    [question] = zoe.texts_since(mark)
    assert question == reads(bot, "privacy.stay_question", days="30 jours")
    assert "Vous n'avez pas utilisé Mobilot depuis longtemps" in question
    bot.assert_clean()


# Texts said by SMS with the service's name: each as many segments with a 23-character name
# as with "Mobilot" (alone, or followed by what to answer when it is a question).
SAID_BY_SMS = {
    "sms.help": "",
    "sms.stopped": "",
    "sms.started": "",
    "sms.welcome_agree": "sms.reply_yes_no",
    "sms.welcome_agree_driver": "sms.reply_yes_no",
    "sms.offer.consent": "sms.reply_yes_no",
    "sms.privacy.consent_need": "choices",
    "sms.privacy.forgotten": "",
    "smsteam.person_agreed": "",
    "privacy.stay_question": "",
    "privacy.suspended_person": "",
    "privacy.lifted_person": "",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", sorted(SAID_BY_SMS))
def test_a_long_name_costs_no_more_segments(key: str, language: str) -> None:
    t = Translator("fr")
    values = {"days": "30 jours", "months": 24}
    after = SAID_BY_SMS[key]
    if after == "choices":  # the consent for needs, with its three choices
        after_text = "\n1 J'accepte\n2 Oui, sans motif ni aide\n3 Non merci\nRépondez 1, 2 ou 3"
    else:
        after_text = "\n" + t(language, after) if after else ""
    plain = sms(t(language, key, **values) + after_text)
    named = sms(t.named("Mobilité Vallée du Célé")(language, key, **values) + after_text)
    assert "Mobilité Vallée du Célé" in named
    assert is_gsm7(named), named
    assert segments(named) == segments(plain), named


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", ["sms.help", "sms.stopped", "sms.started"])
def test_each_branded_text_fits_one_segment_with_a_long_name(key: str, language: str) -> None:
    t = Translator("fr")
    for name in (CORREZE_NAME, "Mobilité Vallée du Célé"):  # MAX_NAME (23) characters
        text = sms(t(language, key, service=name))
        assert is_gsm7(text), text
        assert segments(text) == 1, text


@pytest.fixture(scope="module")
def region_places() -> Gazetteer:
    """The places as a deployment of the Lot and Corrèze loads them (both departments)."""
    return Gazetteer.load(("46", "19"))


# The town of an example request (issue 22): a person of Corrèze reads "brive demain 9h",
# one of the Lot "cahors demain 9h" (each territory's most populous commune, by the short
# name people type, unless the file names its `example_town`). With the Lot alone, "Cahors"
# as always (the tests of the single-territory texts above and elsewhere are unchanged).


async def test_aide_gives_an_example_in_the_persons_own_territory(own_bot: TwoBots) -> None:
    bot = own_bot
    claire = bot.own.user(4103, "Claire", last_name="Faure")  # on Corrèze's own bot
    await claire.command("start")
    await claire.command("aide")
    aide = claire.last().text
    assert "par exemple « Brive demain 9h »" in aide
    assert "Cahors" not in aide
    # "Bonjour" outside any conversation: greeted back with the same example.
    await claire.send("bonjour")
    greeted = [m.text for m in claire.messages()[-2:]]
    assert reads(bot, "words.hello", town="Brive") in greeted
    assert "« Brive demain 9h »" in greeted[0]

    jean = bot.fake.user(4101, "Jean", last_name="Martin")
    await describe_need(jean, origin="Cahors", destination="Figeac")  # the Lot's
    await jean.command("aide")
    assert "par exemple « Cahors demain 9h »" in jean.last().text
    print("Claire (Corrèze), /aide:", *[x for x in aide.splitlines() if "9h" in x], sep="\n  ")
    print(
        "Jean (Lot), /aide:", *[x for x in jean.last().text.splitlines() if "9h" in x], sep="\n  "
    )
    bot.assert_clean()


async def test_texts_give_an_example_in_the_persons_own_territory(numbers: TextingBot) -> None:
    bot = numbers
    [helped] = await bot.text(PIERRE, "AIDE", to=CORREZE_NUMBER)
    assert "Ecrivez : brive demain 9h." in helped
    assert "cahors" not in helped.lower()
    [helped] = await bot.text(MARIE, "AIDE", to=LOT_NUMBER)
    assert "Ecrivez : cahors demain 9h." in helped
    print("Pierre (Corrèze) texts AIDE:", *await bot.text(PIERRE, "aide", to=CORREZE_NUMBER))
    print("Marie (Lot) texts AIDE:", helped)
    bot.assert_clean()


async def test_a_declared_example_town_is_the_one_given(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    declared = two_territories(
        lot=f'sms_number = "{LOT_NUMBER}"',
        correze=f'sms_number = "{CORREZE_NUMBER}"\nexample_town = "tulle"',
    )
    bot = await region_texting(tmp_path, gazetteer, declared)
    try:
        [helped] = await bot.text(PIERRE, "aide", to=CORREZE_NUMBER)
        assert helped == texted(bot, "sms.help", service=CORREZE_NAME, town="Tulle")
        assert "Ecrivez : tulle demain 9h." in helped
        # The Lot keeps its default.
        [helped] = await bot.text(MARIE, "aide", to=LOT_NUMBER)
        assert "Ecrivez : cahors demain 9h." in helped
        bot.assert_clean()
    finally:
        await bot.stop()


@pytest.mark.parametrize(
    ("town", "said"),
    [
        ("Nullepart", "example_town 'Nullepart' is not one commune the bot knows by that"),
        ("Ussel", "several communes near bear it"),  # Ussel (19) and Ussel (46)
        ("Figeac", "example_town 'Figeac' is read as Figeac (46), not a commune of this territory"),
        ("Villefranche-de-Rouergue", "example_town 'Villefranche-de-Rouergue' is too long"),
        ("", "example_town must be the name of a commune"),
    ],
)
async def test_a_wrong_example_town_stops_the_start_naming_it(
    tmp_path: Path, region_places: Gazetteer, town: str, said: str
) -> None:
    path = tmp_path / "territories.toml"
    path.write_text(two_territories(correze=f'example_town = "{town}"'), encoding="utf-8")
    with pytest.raises((SettingFileError, ValidationError)) as raised:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, territories_file=path, database_path=tmp_path / "m.db"
        )
        core = await build_core(settings, gazetteer=region_places)
        await core.close()
    error = raised.value
    if isinstance(error, ValidationError):  # a wrong value: read with the file
        [line] = describe_settings_error(error)
    else:  # a commune the bot does not read as the territory's: once the places are loaded
        assert isinstance(error, SettingFileError)
        line = f"Setting {error.setting}: {error}"
    assert line.startswith(f"Setting TERRITORIES_FILE: {path}, line 8, territory 'correze': ")
    assert said in line


def test_the_start_itself_stops_on_an_unknown_example_town(tmp_path: Path) -> None:
    declared = tmp_path / "territories.toml"
    declared.write_text(two_territories(correze='example_town = "Nullepart"'), encoding="utf-8")
    result = run_bot(tmp_path, {"BOT_TOKEN": "1:abc", "TERRITORIES_FILE": str(declared)})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Setting TERRITORIES_FILE: {declared}, line 8, territory 'correze': example_town"
        " 'Nullepart' is not one commune the bot knows by that name (unknown, or several"
        ' communes near bear it and the bot would ask which; e.g. "Brive" or "Tulle")'
    ]
    print(result.stderr.strip())


@pytest.mark.parametrize(
    ("correze", "expected"),
    [
        ("", {"lot": "Cahors", "correze": "Brive-la-Gaillarde"}),
        ('example_town = "Tulle"', {"lot": "Cahors", "correze": "Tulle"}),
        ('example_town = "egletons"', {"lot": "Cahors", "correze": "Égletons"}),
        ('example_town = "brive"', {"lot": "Cahors", "correze": "Brive-la-Gaillarde"}),
    ],
)
async def test_each_example_typed_back_is_read_as_its_town(
    tmp_path: Path, region_places: Gazetteer, correze: str, expected: dict[str, str]
) -> None:
    path = tmp_path / "territories.toml"
    path.write_text(two_territories(correze=correze), encoding="utf-8")
    settings = Settings(_env_file=None, territories_file=path)  # type: ignore[call-arg]
    assert region_places.territory_departments == set(settings.territory_departments)
    service = PlaceService(region_places)
    towns = await example_towns(settings.territories, region_places, service)
    for territory, commune in expected.items():
        for said in (f"{towns[territory]} demain 9h", f"{typed(towns[territory])} demain 9h"):
            request = read_request(said, date(2025, 3, 3))
            assert request is not None and request.destination is not None, said
            assert request.day == date(2025, 3, 4), said
            taken = (await service.understand(request.destination)).taken
            assert taken is not None and taken.name == commune, said
    if not correze:
        assert towns == {"lot": "Cahors", "correze": "Brive"}


@pytest.mark.parametrize(
    ("department", "town"),
    [("46", "Cahors"), ("19", "Brive"), ("12", "Rodez"), ("87", "Limoges"), ("15", "Aurillac")],
)
async def test_a_territorys_example_is_its_most_populous_commune(
    department: str, town: str
) -> None:
    places = Gazetteer.load((department,))
    territories = Territories((Territory(id="t", name="T", departments=(department,)),))
    assert await example_towns(territories, places, PlaceService(places)) == {"t": town}


# The texts whose example names the town: as many segments with the longest example town
# (MAX_EXAMPLE_TOWN characters, a real one) and a 23-character name as with Cahors and
# "Mobilot".
TOWN_BY_SMS = [
    "sms.help",
    "sms.nothing_to_cancel",
    "welcome.lost",
    "sms.find.lost",
    "sms.privacy.consent_refused",
    "sms.steps.place_name_wanted",
]
LONGEST_TOWN = "Yssingeaux"  # Haute-Loire's (Le Puy-en-Velay's name is too long)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", TOWN_BY_SMS)
def test_a_long_example_town_costs_no_more_segments(key: str, language: str) -> None:
    assert len(LONGEST_TOWN) == MAX_EXAMPLE_TOWN
    t = Translator("fr")
    plain = sms(t(language, key))
    named = sms(t.named("Mobilité Vallée du Célé", LONGEST_TOWN)(language, key))
    assert "yssingeaux" in named.lower() and "cahors" in plain.lower()
    assert is_gsm7(named), named
    assert segments(named) == segments(plain), named


# Still naming Lot towns: the try page's demo (a territory in the Lot), and the question
# for a place's name ("« Cahors » ou « gare de Figeac »": a town and a landmark of the Lot).
STILL_THE_LOTS = ("try.", "steps.place_name_wanted", DEPLOYMENT_TOWN)


def test_every_text_with_an_example_names_the_town() -> None:
    # No example request left naming Cahors in a catalogue.
    for language in LANGUAGES:
        for key, text in load_catalog(language).items():
            if key.startswith(STILL_THE_LOTS):
                continue
            assert "cahors" not in text.lower(), key
