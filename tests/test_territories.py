"""Several territories in one deployment (issue 22, item 1), end to end: the Lot (46) and
Corrèze (19), each with its team's group. Matching ignores the border; the teams do not."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.places.gazetteer import Gazetteer
from bot.settings import Settings, describe_settings_error
from handlers import keyboards as kb
from tests.conftest import DATA, OPERATORS, RunningBot, paris
from tests.fakebot import FakeGroup, FakeUser, SentMessage
from tests.setups import describe_need, reads, register_trip, two_teams
from tests.test_aids import answer_questions, apply
from tests.test_privacy import registered_by_phone
from tests.test_settings import run_bot
from tests.test_volunteers import person_id, volunteer

CORREZE = -1009876543210
ADMIN = 4999  # runs the deployment (ADMIN_USER_IDS)
ADMIN_ONLY = 4998  # runs the deployment, in no team

TERRITORIES = f"""
# Two teams, one deployment.
[[territory]]
id = "lot"
name = "Lotocar"
departments = ["46"]
team_chat_id = {OPERATORS}

[[territory]]
id = "correze"
name = "Covoit' Corrèze"
departments = ["19"]
team_chat_id = {CORREZE}
sms_number = "06 12 34 56 78"
"""


@pytest.fixture
async def region(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES, encoding="utf-8")
    running = RunningBot(
        tmp_path, gazetteer, territories_file=declared, admin_user_ids=(ADMIN, ADMIN_ONLY)
    )
    await running.start()
    yield running
    await running.stop()


teams = two_teams


def need_post(group: FakeGroup, need_id: int) -> SentMessage:
    """The need's post in a team's group: the message whose buttons act on that need."""
    for message in reversed(group.messages()):
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                pressed = kb.OPERATOR.read(button.get("callback_data"))
                if pressed is not None and int(pressed[0]) == need_id:
                    return message
    raise AssertionError(f"no post of need {need_id} in {group.title}")


def doing(message: SentMessage, action: str) -> str:
    """The data of the post's button that does `action` (claim, history…)."""
    for row in (message.reply_markup or {}).get("inline_keyboard", []):
        for button in row:
            pressed = kb.OPERATOR.read(button.get("callback_data"))
            if pressed is not None and pressed[1] == action:
                return str(button["callback_data"])
    raise AssertionError(f"no button does {action!r}")


def everything(group: FakeGroup) -> str:
    return "\n".join(m.text or "" for m in group.messages())


async def need_id_of(bot: RunningBot, name: str) -> int:
    [row] = await bot.rows(
        "SELECT n.id FROM needs n JOIN people p ON p.id = n.person_id"
        " WHERE p.display_name LIKE ? ORDER BY n.id DESC LIMIT 1",
        f"{name}%",
    )
    return int(row["id"])


async def people_on_both_sides(bot: RunningBot) -> dict[str, FakeUser]:
    jean = bot.fake.user(4101, "Jean", last_name="Martin", username="jean_m")
    await register_trip(jean, "Saint-Céré", "Brive-la-Gaillarde", "7h30")
    lina = bot.fake.user(4102, "Lina", last_name="Vern")  # lives in the Lot
    await describe_need(lina, origin="Saint-Céré", destination="Brive-la-Gaillarde")
    claire = bot.fake.user(4103, "Claire", last_name="Faure")  # lives in Corrèze
    await describe_need(claire, origin="Meyssac", destination="Brive-la-Gaillarde")
    paul = bot.fake.user(4104, "Paul", last_name="Cros")  # Lot, nobody drives his road
    await describe_need(paul, origin="Gourdon", destination="Cahors")
    marc = bot.fake.user(4105, "Marc", last_name="Roux")  # Corrèze, nobody either
    await describe_need(marc, origin="Tulle", destination="Brive-la-Gaillarde")
    return {"jean": jean, "lina": lina, "claire": claire, "paul": paul, "marc": marc}


async def test_a_trip_across_the_border_serves_both_and_each_need_goes_to_its_team(
    region: RunningBot,
) -> None:
    bot = region
    lot, olga, correze, cora = teams(bot)
    people = await people_on_both_sides(bot)
    # Saint-Céré → Brive: Jean is offered to a passenger of the Lot and one of Corrèze.
    assert "Jean M." in people["lina"].last().text
    assert "Jean M." in people["claire"].last().text
    claire_choices = people["claire"].last()
    await people["claire"].press_data(
        claire_choices.inline_keyboard[0][0]["callback_data"], message=claire_choices
    )  # the first driver offered: Jean
    assert "Claire F." in people["jean"].last().text
    await people["jean"].press_doing(kb.INTRO, "yes")
    assert "Jean Martin accepte de vous emmener" in people["claire"].last().text

    belongs = {
        row["display_name"]: row["territory"]
        for row in await bot.rows("SELECT display_name, territory FROM people")
    }
    assert belongs == {
        "Jean Martin": "lot",
        "Lina Vern": "lot",
        "Claire Faure": "correze",
        "Paul Cros": "lot",
        "Marc Roux": "correze",
    }
    needs = {
        row["origin_name"]: row["territory"]
        for row in await bot.rows("SELECT origin_name, territory FROM needs")
    }
    assert needs == {
        "Saint-Céré": "lot",
        "Meyssac": "correze",
        "Gourdon": "lot",
        "Tulle": "correze",
    }

    # Each unmatched need is posted in its own team's group, and only there.
    assert "Paul Cros" in everything(lot) and "Marc Roux" not in everything(lot)
    assert "Marc Roux" in everything(correze) and "Paul Cros" not in everything(correze)
    paul_post = need_post(lot, await need_id_of(bot, "Paul"))
    marc_post = need_post(correze, await need_id_of(bot, "Marc"))
    assert "Tulle (19) → Brive-la-Gaillarde (19)" in marc_post.text

    # Each team claims its own; the other's is refused, with whose it is.
    await lot.press_data(olga, doing(paul_post, "claim"), message=paul_post)
    assert olga.callback_answers()[-1]["text"] == "Vous suivez cette demande."
    await correze.press_data(cora, doing(marc_post, "claim"), message=marc_post)
    assert cora.callback_answers()[-1]["text"] == "Vous suivez cette demande."
    marc_id, paul_id = await need_id_of(bot, "Marc"), await need_id_of(bot, "Paul")
    # A button of the other team's post, pressed in one's own group (forwarded, or typed).
    await lot.press_data(olga, f"op:{marc_id}:history", message=paul_post)
    assert olga.callback_answers()[-1]["text"] == (
        "Cette demande est suivie par l'équipe Covoit' Corrèze. Vous ne pouvez pas la voir."
    )
    await correze.press_data(cora, f"op:{paul_id}:close", message=marc_post)
    assert cora.callback_answers()[-1]["text"] == (
        "Cette demande est suivie par l'équipe Lotocar. Vous ne pouvez pas la voir."
    )
    await correze.press_data(cora, f"op:{paul_id}:drivers", message=marc_post)
    assert "Conducteurs possibles" not in everything(correze)
    [claimed] = await bot.rows("SELECT claimed_by, status FROM needs WHERE id = ?", paul_id)
    assert claimed["claimed_by"] is not None and claimed["status"] == "with_operators"

    # Both teams' groups have the team's menu.
    for chat_id in (OPERATORS, CORREZE):
        scope = {"type": "chat", "chat_id": chat_id}
        assert bot.fake.command_names(scope)[:3] == ["ouvertes", "stats", "export"]

    # /ouvertes: each team its own open needs.
    await lot.command(olga, "ouvertes")
    assert "Paul Cros" in lot.last().text and "Marc Roux" not in lot.last().text
    await correze.command(cora, "ouvertes")
    assert "Marc Roux" in correze.last().text and "Paul Cros" not in correze.last().text
    for group in (lot, correze):  # what each team saw (pytest -s)
        print(f"=== {group.title} ===\n" + "\n---\n".join(m.text for m in group.messages()))
    print("Olga's presses:", [a["text"] for a in olga.callback_answers()])
    print("Cora's presses:", [a["text"] for a in cora.callback_answers()])
    bot.assert_clean()


async def test_each_teams_figures_and_exports_are_its_own(region: RunningBot) -> None:
    bot = region
    lot, olga, correze, cora = teams(bot)
    await people_on_both_sides(bot)

    await lot.command(olga, "stats")
    figures = lot.last().text
    assert figures.startswith("📍 Chiffres de Lotocar")
    assert "🚗 Conducteurs : 1 · trajets actifs : 1" in figures  # Jean drives from the Lot
    assert "🙋 Demandes : 2" in figures  # Lina and Paul
    await correze.command(cora, "stats")
    figures = correze.last().text
    assert figures.startswith("📍 Chiffres de Covoit' Corrèze")
    assert "🚗 Conducteurs : 0 · trajets actifs : 0" in figures
    assert "🙋 Demandes : 2" in figures  # Claire and Marc

    # The chart's axes without drivers are each team's own too.
    [lot_axes] = [m.text for m in lot.messages() if "Où il manque des conducteurs" in m.text]
    [correze_axes] = [m.text for m in correze.messages() if "Où il manque" in m.text]
    assert "Gourdon → Cahors" in lot_axes and "Tulle" not in lot_axes
    assert "Tulle → Brive-la-Gaillarde" in correze_axes and "Gourdon" not in correze_axes

    # The whole deployment: for whoever runs it, not for a team.
    await correze.command(cora, "stats", "tout")
    assert correze.last().text == (
        "Seuls les responsables du service voient les chiffres et fichiers de toutes les équipes."
    )
    admin = bot.fake.user(ADMIN, "Ada")
    bot.fake.set_member(OPERATORS, ADMIN, "member")
    await lot.command(admin, "stats", "tout")
    assert lot.last().text.startswith("📍 Chiffres de toutes les équipes")
    assert "🙋 Demandes : 4" in lot.last().text
    # Whoever runs the deployment need not be in a team to read everyone's figures (no
    # one's data: counts), in private.
    director = bot.fake.user(ADMIN_ONLY, "Denis")
    await director.command("stats", "tout")
    assert director.last().text.startswith("📍 Chiffres de toutes les équipes")
    await director.command("stats")
    assert director.last().text == reads(bot, "operators.only")
    print(
        "\n=== /stats ===\n"
        + "\n---\n".join(m.text for m in [*lot.messages(), *correze.messages()] if m.text)
    )

    await lot.command(olga, "export")
    await correze.command(cora, "export")

    def files(group: FakeGroup) -> dict[str, str]:
        return {
            m.document.filename: m.document.content.decode("utf-8-sig")
            for m in group.messages()
            if m.document and m.document.filename.endswith(".csv")
        }

    await correze.command(cora, "export", "tout")
    assert correze.last().text == (
        "Seuls les responsables du service voient les chiffres et fichiers de toutes les équipes."
    )
    lot_needs = files(lot)["mobilot-needs-2026-11-23.csv"]
    correze_needs = files(correze)["mobilot-needs-2026-11-23.csv"]
    assert "Paul Cros" in lot_needs and "Lina Vern" in lot_needs
    assert "Marc Roux" not in lot_needs and "Claire Faure" not in lot_needs
    assert "Marc Roux" in correze_needs and "Claire Faure" in correze_needs
    assert "Paul Cros" not in correze_needs and "Lina Vern" not in correze_needs
    assert "Jean Martin" in files(lot)["mobilot-trips-2026-11-23.csv"]
    assert "Jean Martin" not in files(correze)["mobilot-trips-2026-11-23.csv"]
    # Whoever runs it gets every territory's rows.
    await lot.command(admin, "export", "tout")
    every_need = files(lot)["mobilot-needs-2026-11-23.csv"]  # the last sent
    assert all(name in every_need for name in ("Paul Cros", "Marc Roux", "Claire Faure"))
    bot.assert_clean()


async def test_a_team_cannot_forget_or_suspend_the_other_teams_person(region: RunningBot) -> None:
    bot = region
    lot, olga, correze, cora = teams(bot)
    await people_on_both_sides(bot)
    [lina] = await bot.rows("SELECT id FROM people WHERE display_name = 'Lina Vern'")
    # The confirmation button of "/oublier <phone>" for Lina, pressed by Corrèze's team.
    await correze.send(cora, "/ouvertes")
    await correze.press_data(cora, kb.encode(kb.PRIVACY, "caller", lina["id"]))
    assert cora.callback_answers()[-1]["text"] == (
        "Cette personne est suivie par l'équipe Lotocar. Vous ne pouvez pas la voir."
    )
    # Her own team gets past that check (she has Telegram: she forgets herself).
    await lot.send(olga, "/ouvertes")
    await lot.press_data(olga, kb.encode(kb.PRIVACY, "caller", lina["id"]))
    assert "Lotocar" not in olga.callback_answers()[-1]["text"]
    [still] = await bot.rows("SELECT forgotten_at FROM people WHERE id = ?", lina["id"])
    assert still["forgotten_at"] is None
    # Nor suspend her (the button under a report about her, pressed in Corrèze's group).
    await correze.press_data(cora, kb.encode(kb.TRUST, "suspend", lina["id"]))
    assert cora.callback_answers()[-1]["text"] == (
        "Cette personne est suivie par l'équipe Lotocar. Vous ne pouvez pas la voir."
    )
    [free] = await bot.rows("SELECT suspended_at FROM people WHERE id = ?", lina["id"])
    assert free["suspended_at"] is None
    bot.assert_clean()


def test_a_wrong_territories_file_names_the_line_and_the_territory(tmp_path: Path) -> None:
    declared = tmp_path / "territories.toml"
    declared.write_text(TERRITORIES.replace('departments = ["19"]', 'departments = ["1X"]'))
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, territories_file=declared)  # type: ignore[call-arg]
    assert describe_settings_error(raised.value) == [
        f"Setting TERRITORIES_FILE: {declared}, line 9, territory 'correze':"
        " '1X' is not a French department code (e.g. 46, 2A, 971)"
    ]
    # The start itself stops with that one line.
    result = run_bot(tmp_path, {"BOT_TOKEN": "1:abc", "TERRITORIES_FILE": str(declared)})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Setting TERRITORIES_FILE: {declared}, line 9, territory 'correze':"
        " '1X' is not a French department code (e.g. 46, 2A, 971)"
    ]
    declared.write_text(
        TERRITORIES.replace(f"team_chat_id = {CORREZE}", f"team_chat_id = {OPERATORS}")
    )
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, territories_file=declared)  # type: ignore[call-arg]
    assert "territory 'correze': team_chat_id" in describe_settings_error(raised.value)[0]


def test_without_a_territories_file_there_is_one_territory() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        operator_chat_id=OPERATORS,
        territory_departments=("46",),
    )
    [only] = settings.territories.items
    assert (only.id, only.team_chat_id, only.departments) == ("default", OPERATORS, ("46",))


async def test_each_team_gets_its_own_morning_digest(region: RunningBot) -> None:
    bot = region
    lot, _, correze, _ = teams(bot)
    await people_on_both_sides(bot)
    await bot.run_until(paris("2026-11-24 08:00"))
    lot_digest = next(m for m in reversed(lot.messages()) if "Le point du jour" in m.text)
    correze_digest = next(m for m in reversed(correze.messages()) if "Le point du jour" in m.text)
    assert "Paul Cros" in lot_digest.text and "Marc Roux" not in lot_digest.text
    assert "Marc Roux" in correze_digest.text and "Paul Cros" not in correze_digest.text
    # Nobody claimed them: each need is posted again a day later, in its own group.
    before = [m.text for m in correze.messages() if m.text.startswith("🆘 Demande")]
    await bot.run_until(paris("2026-11-24 11:00"))
    after = [m.text for m in correze.messages() if m.text.startswith("🆘 Demande")]
    assert len(after) > len(before) and all("Marc Roux" in text for text in after)
    assert "Marc Roux" not in everything(lot)
    bot.assert_clean()


async def test_a_volunteer_belongs_to_the_territory_of_their_home(region: RunningBot) -> None:
    bot = region
    lot, olga, correze, cora = teams(bot)
    await volunteer(bot, 4201, "Bruno", "Cahors")
    await volunteer(bot, 4202, "Chantal", "Tulle")
    bruno, chantal = await person_id(bot, 4201), await person_id(bot, 4202)
    belongs = {
        row["display_name"]: row["territory"]
        for row in await bot.rows("SELECT display_name, territory FROM people")
    }
    assert belongs == {"Bruno Lafon": "lot", "Chantal Lafon": "correze"}
    # Each team is told of its own new volunteer, and lists only its own.
    assert "Bruno Lafon" in everything(lot) and "Chantal Lafon" not in everything(lot)
    assert "Chantal Lafon" in everything(correze) and "Bruno Lafon" not in everything(correze)
    await correze.command(cora, "benevoles")
    assert "Chantal Lafon" in correze.last().text and "Bruno" not in correze.last().text
    # The other team's volunteer's file can be neither read nor written.
    await lot.command(olga, "fiche", f"{chantal} permis oui assurance 31/12/2027")
    assert lot.last().text == (
        "Cette personne est suivie par l'équipe Covoit' Corrèze. Vous ne pouvez pas la voir."
    )
    await lot.command(olga, "fiche", f"{bruno}")
    assert "Bruno Lafon" in lot.last().text
    [row] = await bot.rows("SELECT licence_seen FROM volunteers WHERE person_id = ?", chantal)
    assert not row["licence_seen"]
    bot.assert_clean()


async def test_a_caller_of_one_team_cannot_be_read_or_forgotten_by_the_other(
    region: RunningBot,
) -> None:
    bot = region
    _, olga, _, cora = teams(bot)
    await registered_by_phone(olga, "Yvette Roux", "06 11 22 33 44")  # Cahors → Figeac: Lot
    [yvette] = await bot.rows("SELECT id, territory FROM people WHERE display_name = 'Yvette Roux'")
    assert yvette["territory"] == "lot"
    # Corrèze's team, in private: neither her data nor the question to forget her.
    await cora.command("mesdonnees", "06 11 22 33 44")
    assert cora.last().text == (
        "Cette personne est suivie par l'équipe Lotocar. Vous ne pouvez pas la voir."
    )
    assert not any(m.document for m in cora.messages())
    await cora.command("oublier", "06 11 22 33 44")
    assert cora.last().text == (
        "Cette personne est suivie par l'équipe Lotocar. Vous ne pouvez pas la voir."
    )
    # Her own team may.
    await olga.command("oublier", "06 11 22 33 44")
    assert "Yvette Roux" in olga.last().text
    await olga.press_data(kb.encode(kb.PRIVACY, "caller", yvette["id"]))
    [gone] = await bot.rows("SELECT forgotten_at FROM people WHERE id = ?", yvette["id"])
    assert gone["forgotten_at"] is not None
    bot.assert_clean()


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (('name = "Lotocar"\n', ""), "line 3, territory 'lot': name is missing"),
        (
            ('name = "Lotocar"', 'name = "Communauté de communes du Grand Figeac"'),
            "territory 'lot': name 'Communauté de communes du Grand Figeac' is too long",
        ),
        (('id = "correze"', 'id = "lot"'), "line 9: two territories have the id 'lot'"),
        (("sms_number", "colour"), "line 9, territory 'correze': unknown key 'colour'"),
        (
            ('departments = ["19"]', 'departments = ["46"]'),
            "territory 'correze': department 46 is already 'lot''s",
        ),
        (
            ('departments = ["19"]', 'departments = ["19"]\nservices_file = "nowhere.csv"'),
            "territory 'correze': services_file: file",
        ),
        (
            ('departments = ["19"]', 'departments = ["19"]\ntus_eur_per_km = 0.5'),
            "above the legal cap",
        ),
        (('[[territory]]\nid = "lot"', '[[territory]]\nid = "Lot 46"'), "id must be"),
        (("team_chat_id = -1009876543210", 'team_chat_id = "groupe"'), "not a group id"),
        (('departments = ["19"]', 'departments = ["19"\n'), "not valid TOML"),
    ],
)
def test_each_mistake_in_the_territories_file_is_named(
    tmp_path: Path, change: tuple[str, str], said: str
) -> None:
    declared = tmp_path / "territories.toml"
    assert change[0] in TERRITORIES
    declared.write_text(TERRITORIES.replace(change[0], change[1], 1))
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, territories_file=declared)  # type: ignore[call-arg]
    [line] = describe_settings_error(raised.value)
    assert line.startswith(f"Setting TERRITORIES_FILE: {declared}")
    assert said in line


def test_a_commune_lent_to_a_neighbour_belongs_to_it(tmp_path: Path) -> None:
    declared = tmp_path / "territories.toml"
    declared.write_text(
        TERRITORIES.replace('departments = ["19"]', 'departments = ["19"]\ncommunes = ["46311"]')
    )
    settings = Settings(_env_file=None, territories_file=declared)  # type: ignore[call-arg]
    territories = settings.territories
    assert territories.of_place("insee:46311", "46").id == "correze"  # Sousceyrac-en-Quercy
    assert territories.of_place("insee:46042", "46").id == "lot"  # Cahors
    assert territories.of_place("insee:19031", "19").id == "correze"  # Brive
    assert territories.of_place("insee:12202", "12").id == "lot"  # elsewhere: the first
    assert settings.territory_departments == ("46", "19")
    assert settings.operator_chat_id == OPERATORS


@pytest.fixture
async def region_with_aids(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    """The Lot and Corrèze, each with its own driving-licence aid (its territory's aids
    file), reviewed by each team."""
    with (DATA / "aids.csv").open(encoding="utf-8-sig") as source:
        lot_aid = next(csv.DictReader(source))
    correze_aid = {
        **lot_aid,
        "id": "correze-permis",
        "title": "Coup de pouce permis de la Corrèze",
        "territoryName": "Corrèze",
        "departmentCodes": "19",
    }
    for name, aid in (("lot-aides.csv", lot_aid), ("correze-aides.csv", correze_aid)):
        with (tmp_path / name).open("w", encoding="utf-8", newline="") as target:
            writer = csv.DictWriter(target, fieldnames=list(aid))
            writer.writeheader()
            writer.writerow(aid)
    declared = tmp_path / "territories.toml"
    declared.write_text(
        TERRITORIES.replace(
            'departments = ["46"]', 'departments = ["46"]\naids_file = "lot-aides.csv"'
        ).replace('departments = ["19"]', 'departments = ["19"]\naids_file = "correze-aides.csv"'),
        encoding="utf-8",
    )
    running = RunningBot(tmp_path, gazetteer, territories_file=declared)
    await running.start()
    yield running
    await running.stop()


async def lea_and_zoe_apply(bot: RunningBot) -> None:
    """Léa of Cahors applies for the Lot's aid, Zoé of Tulle for Corrèze's."""
    lea = bot.fake.user(4301, "Léa", last_name="Roux")  # lives in Cahors
    await apply(bot, lea, [("photo", b"\xff\xd8\xff\xe0 id"), ("devis.pdf", b"%PDF-1.4\n")])
    zoe = bot.fake.user(4302, "Zoé", last_name="Mas")  # lives in Tulle
    await answer_questions(zoe, "24", "job_seeker", "Tulle")
    await zoe.press_doing(kb.APPLY, "correze-permis")
    await zoe.send("Auto-école de Tulle")
    await zoe.send_photo(content=b"\xff\xd8\xff\xe0 id")
    await zoe.send_document("devis.pdf", b"%PDF-1.4\n")
    await zoe.press_doing(kb.APPLY, "done")
    await zoe.press_doing(kb.APPLY, "submit")


async def test_an_aid_application_goes_to_its_persons_team(region_with_aids: RunningBot) -> None:
    bot = region_with_aids
    lot, _, correze, _ = teams(bot)
    await lea_and_zoe_apply(bot)
    belongs = {
        row["display_name"]: row["territory"]
        for row in await bot.rows("SELECT display_name, territory FROM people")
    }
    assert belongs == {"Léa Roux": "lot", "Zoé Mas": "correze"}
    assert "Léa Roux" in everything(lot) and "Zoé Mas" not in everything(lot)
    assert "Zoé Mas" in everything(correze) and "Léa Roux" not in everything(correze)
    sent = {
        row["funder_chat_id"]
        for row in await bot.rows("SELECT funder_chat_id FROM aid_applications")
    }
    assert sent == {OPERATORS, CORREZE}
    titles = {row["aid_title"] for row in await bot.rows("SELECT aid_title FROM aid_applications")}
    assert titles == {"Coup de pouce permis du Lot", "Coup de pouce permis de la Corrèze"}
    bot.assert_clean()


async def test_an_aid_applied_for_a_caller_is_the_callers_not_the_operators(
    region_with_aids: RunningBot,
) -> None:
    bot = region_with_aids
    _, _, correze, cora = teams(bot)
    await cora.command("aidepour")
    await cora.send("Zoé Mas")
    await cora.send("06 12 34 56 78")
    await cora.send("24")
    await cora.send("chômeuse")
    await cora.send("Tulle")
    await cora.press_doing(kb.APPLY, "aid:correze-permis")
    await cora.send("Auto-école de Tulle")
    await cora.send_photo(content=b"\xff\xd8\xff\xe0 id")
    await cora.send_document("devis.pdf", b"%PDF-1.4\n")
    await cora.press_doing(kb.APPLY, "done")
    await cora.press_doing(kb.APPLY, "submit")
    [operator] = await bot.rows(
        "SELECT id, territory FROM people WHERE telegram_user_id = ?", cora.id
    )
    [caller] = await bot.rows("SELECT id, territory FROM people WHERE display_name = 'Zoé Mas'")
    # The caller's age and situation are kept with the caller's application (and go when
    # she is forgotten), never as the operator's own answers; the operator belongs nowhere.
    assert await bot.rows("SELECT person_id FROM aid_answers_given") == []
    assert operator["territory"] is None
    assert caller["territory"] == "correze"
    [sent] = await bot.rows("SELECT funder_chat_id FROM aid_applications")
    assert sent["funder_chat_id"] == CORREZE
    assert "Zoé Mas" in everything(correze)
    bot.assert_clean()


def test_a_territory_without_a_group_is_followed_by_the_first_team(tmp_path: Path) -> None:
    declared = tmp_path / "territories.toml"
    declared.write_text(
        TERRITORIES + '\n[[territory]]\nid = "cantal"\nname = "Cantal"\ndepartments = ["15"]\n'
    )
    territories = Settings(_env_file=None, territories_file=declared).territories  # type: ignore[call-arg]
    lot, correze = territories.scope("lot"), territories.scope("correze")
    assert lot.holds("cantal") and lot.holds("lot") and lot.holds("default")
    assert not lot.holds("correze")
    assert correze.holds("correze") and not correze.holds("cantal")


async def test_each_teams_aid_figures_count_its_own_applications(
    region_with_aids: RunningBot,
) -> None:
    bot = region_with_aids
    lot, olga, correze, cora = teams(bot)
    await lea_and_zoe_apply(bot)
    # Each team reviews its territory's aids: its figures are its own applications only.
    await lot.command(olga, "statsaides")
    assert "Coup de pouce permis du Lot" in lot.last().text
    assert "Corrèze" not in lot.last().text
    await correze.command(cora, "statsaides")
    assert "Coup de pouce permis de la Corrèze" in correze.last().text
    assert "du Lot" not in correze.last().text
    bot.assert_clean()


async def test_a_territory_without_a_group_is_posted_once_in_the_first_teams(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    declared = tmp_path / "territories.toml"
    declared.write_text(
        TERRITORIES + '\n[[territory]]\nid = "cantal"\nname = "Cantal"\ndepartments = ["15"]\n',
        encoding="utf-8",
    )
    bot = RunningBot(tmp_path, gazetteer, territories_file=declared)
    await bot.start()
    try:
        lot, _, _, cora = teams(bot)
        await people_on_both_sides(bot)
        await bot.run_until(paris("2026-11-24 08:00"))
        # The Cantal's needs are the Lot team's: one morning digest in its group, not two.
        digests = [m for m in lot.messages() if "Le point du jour" in (m.text or "")]
        assert len(digests) == 1
        # Corrèze's operator registering a caller of the Cantal is told the team that
        # follows it, the Lot's, not a "Cantal team" that has no group.
        assert bot.app.core.belonging is not None
        elsewhere = bot.app.core.belonging.followed_elsewhere("correze", "cantal")
        assert elsewhere is not None and elsewhere.name == "Lotocar"
        bot.assert_clean()
    finally:
        await bot.stop()
