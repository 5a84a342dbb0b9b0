"""Each territory its own TUS (issue 22): the Lot and Corrèze, each with its rate per km, its
volunteers, its register (/tus), its volunteers' donations (/dons) and its coordinator's day,
in its own group. Whoever runs the deployment may ask for everyone's (`tout`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from handlers.ride_paper_notices import GIVE
from handlers.volunteers import FILE as VOLUNTEER_FILE
from tests.conftest import OPERATORS, RunningBot, paris
from tests.fakebot import FakeGroup, FakeUser, SentMessage
from tests.setups import CORREZE, describe_need, reads, two_teams, two_territories
from tests.test_volunteers import person_id, volunteer

ADMIN = 4999  # runs the deployment (ADMIN_USER_IDS)
LOT_RATE, CORREZE_RATE = 0.25, 0.30


@pytest.fixture
async def tus_region(tmp_path: Path, gazetteer: Gazetteer) -> AsyncIterator[RunningBot]:
    declared = tmp_path / "territories.toml"
    declared.write_text(
        two_territories(
            lot=f"tus_eur_per_km = {LOT_RATE}", correze=f"tus_eur_per_km = {CORREZE_RATE}"
        ),
        encoding="utf-8",
    )
    running = RunningBot(tmp_path, gazetteer, territories_file=declared, admin_user_ids=(ADMIN,))
    await running.start()
    yield running
    await running.stop()


teams = two_teams


async def checked_file(group: FakeGroup, operator: FakeUser, person: int) -> None:
    """The team writes the volunteer's file in its own group, then checks it."""
    await group.command(operator, "fiche", f"{person} permis oui assurance 31/12/2027 places 3")
    await group.press_doing(operator, VOLUNTEER_FILE, "check")


Teams = tuple[FakeGroup, FakeUser, FakeGroup, FakeUser]


async def rides_on_both_sides(bot: RunningBot, both: Teams) -> dict[str, FakeUser]:
    """Bruno drives for the Lot from Cahors, Chantal for Corrèze from Tulle; on Tuesday Marie
    goes from Lalbenque to Cahors with Bruno, Claire from Tulle to Brive with Chantal."""
    lot, olga, correze, cora = both
    bruno = await volunteer(bot, 4201, "Bruno", "Cahors")
    chantal = await volunteer(bot, 4202, "Chantal", "Tulle")
    await checked_file(lot, olga, await person_id(bot, bruno.id))
    await checked_file(correze, cora, await person_id(bot, chantal.id))
    marie = bot.fake.user(4301, "Marie", last_name="Delpech")
    await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Bruno L.")
    await bruno.press_doing(kb.INTRO, "yes")
    claire = bot.fake.user(4302, "Claire", last_name="Faure")
    await describe_need(claire, origin="Tulle", destination="Brive-la-Gaillarde", when="mardi")
    await claire.press_doing(kb.NEED, "ask", naming="Chantal L.")
    await chantal.press_doing(kb.INTRO, "yes")
    return {"bruno": bruno, "chantal": chantal, "marie": marie, "claire": claire}


def files(group: FakeGroup, mark: int = 0) -> dict[str, str]:
    return {
        m.document.filename: m.document.content.decode("utf-8-sig")
        for m in group.messages()[mark:]
        if m.document is not None and m.document.filename.endswith((".csv", ".txt"))
    }


def last_document(group: FakeGroup) -> SentMessage:
    return next(m for m in reversed(group.messages()) if m.document is not None)


async def test_each_volunteer_ride_is_priced_at_its_territorys_rate(
    tus_region: RunningBot,
) -> None:
    bot = tus_region
    people = await rides_on_both_sides(bot, teams(bot))
    await bot.run_until(paris("2026-11-25 10:30"))
    for passenger in (people["marie"], people["claire"]):
        await passenger.press_doing(kb.RIDE, "happened")
    rows = await bot.rows(
        "SELECT p.display_name, r.allowance_rate, r.participation_rate, r.driven_km,"
        " r.allowance_cents FROM volunteer_rides r JOIN people p ON p.id = r.volunteer_id"
    )
    rates = {row["display_name"]: row for row in rows}
    assert rates["Bruno Lafon"]["allowance_rate"] == LOT_RATE
    assert rates["Bruno Lafon"]["participation_rate"] == LOT_RATE
    assert rates["Chantal Lafon"]["allowance_rate"] == CORREZE_RATE
    assert rates["Chantal Lafon"]["participation_rate"] == CORREZE_RATE
    chantal = rates["Chantal Lafon"]
    assert chantal["allowance_cents"] == round(chantal["driven_km"] * CORREZE_RATE * 100)
    bot.assert_clean()


async def test_each_team_gets_its_own_coordinators_day(tus_region: RunningBot) -> None:
    bot = tus_region
    lot, olga, correze, cora = both = teams(bot)
    await rides_on_both_sides(bot, both)
    lot_mark, correze_mark = len(lot.messages()), len(correze.messages())
    await bot.run_until(paris("2026-11-24 08:01"))
    [lot_day] = [t for t in lot.texts_since(lot_mark) if "La journée des bénévoles" in t]
    [correze_day] = [t for t in correze.texts_since(correze_mark) if "La journée des" in t]
    print(f"\n=== Lot ===\n{lot_day}\n=== Corrèze ===\n{correze_day}")
    assert "Marie Delpech : Lalbenque → Cahors, avec Bruno Lafon" in lot_day
    assert "Claire" not in lot_day and "Chantal" not in lot_day
    assert "Claire Faure : Tulle → Brive-la-Gaillarde, avec Chantal Lafon" in correze_day
    assert "Marie" not in correze_day and "Bruno" not in correze_day
    bot.assert_clean()


async def test_each_team_keeps_its_own_tus_register_and_report(tus_region: RunningBot) -> None:
    bot = tus_region
    lot, olga, correze, cora = teams(bot)
    await lot.command(olga, "tus", "adherent Odette Vialard ; Cajarc")
    await correze.command(cora, "tus", "adherent Jeanne Roux ; Meyssac")
    assert correze.last().text.startswith("✅ Inscription au registre faite pour Jeanne Roux")
    # The same name in the other register is another person.
    await correze.command(cora, "tus", "adherent Odette Vialard ; Meyssac")
    assert correze.last().text.startswith("✅ Inscription au registre faite pour Odette")

    # Trips at each territory's rate; the other team's member is not in one's register.
    await lot.command(olga, "tus", "trajet Odette Vialard ; Cajarc ; Figeac ; 20/11")
    lot_trip = lot.last().text
    await correze.command(cora, "tus", "trajet Jeanne Roux ; Meyssac ; Brive-la-Gaillarde ; 20/11")
    correze_trip = correze.last().text
    print(f"\n=== Lot ===\n{lot_trip}\n=== Corrèze ===\n{correze_trip}")
    assert "0,25 € par km" in lot_trip
    assert "Trajet noté pour Jeanne Roux" in correze_trip and "0,30 € par km" in correze_trip
    await lot.command(olga, "tus", "trajet Jeanne Roux ; Meyssac ; Brive")
    assert "n'est pas au registre" in lot.last().text
    trips = await bot.rows("SELECT km, participation_cents FROM tus_trips ORDER BY id")
    assert trips[1]["participation_cents"] == round(trips[1]["km"] * CORREZE_RATE * 100)

    # Each register and report, into its own group, with its own members only.
    for group, operator in ((lot, olga), (correze, cora)):
        await group.command(operator, "tus", "registre")
        await group.command(operator, "tus", "rapport 2026")
    lot_files, correze_files = files(lot), files(correze)
    print(
        "\n=== /tus registre, Lot ===\n"
        + lot_files["tus-registre.csv"]
        + "=== /tus registre, Corrèze ===\n"
        + correze_files["tus-registre.csv"]
    )
    assert "Odette Vialard" in lot_files["tus-registre.csv"]
    assert "Jeanne Roux" not in lot_files["tus-registre.csv"]
    assert "Jeanne Roux" in correze_files["tus-registre.csv"]
    assert "Cajarc" not in correze_files["tus-registre.csv"]
    assert "Adhérents au registre : 1" in lot_files["tus-rapport-2026.txt"]
    assert "Adhérents au registre : 2" in correze_files["tus-rapport-2026.txt"]
    assert "Trajets : 1\n" in correze_files["tus-rapport-2026.txt"]
    assert "0,30 €" in correze_files["tus-rapport-2026.txt"]
    assert "0,25 €" in lot_files["tus-rapport-2026.txt"]

    # Everyone's register: for whoever runs the deployment only.
    await correze.command(cora, "tus", "registre tout")
    assert correze.last().text == reads(bot, "territories.all_refused")
    admin = bot.fake.user(ADMIN, "Ada")
    bot.fake.set_member(OPERATORS, ADMIN, "member")
    await lot.command(admin, "tus", "registre tout")
    everyone = last_document(lot)
    assert everyone.document is not None
    register = everyone.document.content.decode("utf-8-sig")
    assert "Odette Vialard" in register and "Jeanne Roux" in register
    await lot.command(admin, "tus", "rapport 2026 tout")
    report = last_document(lot)
    assert report.document is not None and report.document.filename == "tus-rapport-2026.txt"
    assert "Adhérents au registre : 3" in report.document.content.decode("utf-8")
    bot.assert_clean()


async def test_each_team_gets_its_own_volunteers_statements_and_donations(
    tus_region: RunningBot,
) -> None:
    bot = tus_region
    lot, olga, correze, cora = both = teams(bot)
    people = await rides_on_both_sides(bot, both)
    await bot.run_until(paris("2026-11-25 10:30"))
    for passenger in (people["marie"], people["claire"]):
        await passenger.press_doing(kb.RIDE, "happened")
    lot_mark, correze_mark = len(lot.messages()), len(correze.messages())
    await bot.run_until(paris("2026-12-01 08:01"))
    # The treasurer's CSV of the month: each team its own volunteers.
    lot_csv = next(v for k, v in files(lot, lot_mark).items() if k.endswith(".csv"))
    correze_csv = next(v for k, v in files(correze, correze_mark).items() if k.endswith(".csv"))
    assert "Bruno Lafon" in lot_csv and "Chantal" not in lot_csv
    assert "Chantal Lafon" in correze_csv and "Bruno" not in correze_csv
    for name in ("bruno", "chantal"):
        user = people[name]
        statement = next(m for m in reversed(user.messages()) if m.document is not None)
        await user.press_doing(GIVE, "ask", message=statement)
        await user.press_doing(GIVE, "yes", message=statement)
    # Each gift is told to the volunteer's own team.
    assert "Chantal Lafon" in "\n".join(correze.texts_since(correze_mark))
    assert "Chantal" not in "\n".join(lot.texts_since(lot_mark))

    lot_mark, correze_mark = len(lot.messages()), len(correze.messages())
    await lot.command(olga, "dons", "2026")
    await correze.command(cora, "dons", "2026")
    lot_told = "\n".join(lot.texts_since(lot_mark))
    correze_told = "\n".join(correze.texts_since(correze_mark))
    print(f"\n=== /dons, Lot ===\n{lot_told}\n=== /dons, Corrèze ===\n{correze_told}")
    assert "Bruno Lafon" in lot_told and "Chantal" not in lot_told
    assert "Chantal Lafon" in correze_told and "Bruno" not in correze_told
    assert "Chantal" not in files(lot, lot_mark)["dons-benevoles-2026.csv"]
    assert "Bruno" not in files(correze, correze_mark)["dons-benevoles-2026.csv"]
    await correze.command(cora, "dons", "2026 tout")
    assert correze.last().text == reads(bot, "territories.all_refused")
    admin = bot.fake.user(ADMIN, "Ada")
    bot.fake.set_member(CORREZE, ADMIN, "member")
    await correze.command(admin, "dons", "2026 tout")
    everyone = "\n".join(correze.texts_since(correze_mark))
    assert "Bruno Lafon" in everyone
    bot.assert_clean()


async def test_a_passenger_must_be_a_member_of_the_volunteers_own_association(
    tus_region: RunningBot,
) -> None:
    bot = tus_region
    lot, olga, correze, cora = teams(bot)
    chantal = await volunteer(bot, 4202, "Chantal", "Tulle")
    await checked_file(correze, cora, await person_id(bot, chantal.id))
    # Marie is a member of the Lot's association, her fee paid; Corrèze's keeps its own.
    await lot.command(olga, "tus", "adherent Marie Delpech ; Lalbenque")
    await lot.command(olga, "tus", "cotisation Marie Delpech ; 02/11")
    await correze.command(cora, "tus", "adherent Claire Faure ; Meyssac")
    marie = bot.fake.user(4301, "Marie", last_name="Delpech")
    await describe_need(marie, origin="Tulle", destination="Brive-la-Gaillarde", when="mardi")
    lot_mark, correze_mark, seen = lot.mark(), correze.mark(), marie.mark()
    await marie.press_doing(kb.NEED, "ask", naming="Chantal L.")
    # Riding with Corrèze's volunteer, she is asked to join Corrèze's association, and its
    # team hears of her; the Lot's register is the Lot's alone.
    told = marie.texts_since(seen)
    assert reads(bot, "members.passenger_join") in told, told
    assert "Marie Delpech" in "\n".join(correze.texts_since(correze_mark))
    assert "Marie Delpech" not in "\n".join(lot.texts_since(lot_mark))
    [member] = await bot.rows(
        "SELECT person_id, territory FROM tus_members WHERE name = ?", "Marie Delpech"
    )
    assert member["territory"] == "lot"
    bot.assert_clean()


async def test_a_team_cannot_link_its_member_to_the_other_teams_person(
    tus_region: RunningBot,
) -> None:
    bot = tus_region
    _, _, correze, cora = teams(bot)
    marie = bot.fake.user(4301, "Marie", last_name="Delpech")
    await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")  # Lot
    marie_id = await person_id(bot, marie.id)
    await correze.command(cora, "tus", "adherent Marie Delpech ; Meyssac")
    await correze.command(cora, "tus", f"lier Marie Delpech ; {marie_id}")
    # The Lot's person is no one Corrèze's team may name: as unknown as a wrong number.
    unknown = correze.last().text
    await correze.command(cora, "tus", "lier Marie Delpech ; 99999")
    assert unknown == correze.last().text.replace("99999", str(marie_id))
    [member] = await bot.rows("SELECT person_id FROM tus_members WHERE name = 'Marie Delpech'")
    assert member["person_id"] is None
    bot.assert_clean()


async def test_a_member_of_both_associations_is_found_in_each(tus_region: RunningBot) -> None:
    bot = tus_region
    lot, olga, correze, cora = teams(bot)
    bruno = await volunteer(bot, 4201, "Bruno", "Cahors")
    chantal = await volunteer(bot, 4202, "Chantal", "Tulle")
    await checked_file(lot, olga, await person_id(bot, bruno.id))
    await checked_file(correze, cora, await person_id(bot, chantal.id))
    # Marie pays her fee to both associations: she rides with the Lot's and Corrèze's.
    for group, operator in ((lot, olga), (correze, cora)):
        commune = "Lalbenque" if group is lot else "Meyssac"
        await group.command(operator, "tus", f"adherent Marie Delpech ; {commune}")
        await group.command(operator, "tus", "cotisation Marie Delpech ; 02/11")
    marie = bot.fake.user(4301, "Marie", last_name="Delpech")
    await describe_need(marie, origin="Lalbenque", destination="Cahors", when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Bruno L.")
    await bruno.press_doing(kb.INTRO, "no")
    await describe_need(marie, origin="Tulle", destination="Brive-la-Gaillarde", when="jeudi")
    seen, correze_mark = marie.mark(), correze.mark()
    await marie.press_doing(kb.NEED, "ask", naming="Chantal L.")
    await chantal.press_doing(kb.INTRO, "no")
    await describe_need(marie, origin="Tulle", destination="Brive-la-Gaillarde", when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Chantal L.")
    # A member of Corrèze's association too, each time: nothing to join, no word to the team.
    assert reads(bot, "members.passenger_join") not in marie.texts_since(seen)
    assert "Marie Delpech" not in "\n".join(correze.texts_since(correze_mark))
    linked = await bot.rows("SELECT territory FROM tus_members WHERE person_id IS NOT NULL")
    assert sorted(row["territory"] for row in linked) == ["correze", "lot"]
    bot.assert_clean()
