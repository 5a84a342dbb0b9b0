"""Transport d'Utilité Sociale: members, trips, the register and the yearly report."""

from __future__ import annotations

import pytest

from tests.conftest import OPERATORS, RunningBot
from tests.setups import reads, team


async def test_members_trips_and_the_report_for_the_prefet(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, _, nadia = team(bot)
        await olga.command("tus")
        assert "/tus adherent Nom ; Commune" in olga.last().text

        # A village: eligible by where she lives.
        await olga.command("tus", "adherent Odette Vialard ; Cajarc ; ; 05 65 11 22 33")
        assert olga.last().text.startswith("✅ Inscription au registre faite pour Odette Vialard")
        assert "commune rurale ou petite ville" in olga.last().text
        # Cahors (about 20,000 inhabitants) and Pradines, its suburb: only with a benefit.
        await olga.command("tus", "adherent Marc Issaly ; Pradines")
        refused = olga.last().text
        assert "unité urbaine de Cahors" in refused and reads(bot, "tus.by_benefit") in refused
        await olga.command("tus", "adherent Marc Issaly ; Pradines ; bonbons")
        assert "Je ne connais pas cette prestation" in olga.last().text
        await olga.command("tus", "adherent Marc Issaly ; Pradines ; AAH")
        assert "reçoit une prestation (AAH)" in olga.last().text
        await olga.command("tus", "adherent Jeanne Roux ; Cahors")
        assert "Cahors compte 19\u202f878 habitants, plus de 12 000" in olga.last().text
        await olga.command("tus", "adherent odette vialard ; Cajarc")
        assert "déjà au registre" in olga.last().text

        # Trips: at most 100 km, the participation at 0.30 € per km.
        await olga.command("tus", "trajet Odette Vialard ; Cajarc ; Figeac ; 20/11")
        recorded = olga.last().text
        assert "Trajet noté pour Odette Vialard, vendredi 20 novembre : Cajarc → Figeac" in recorded
        assert "0,30 € par km" in recorded
        await olga.command("tus", "trajet Marc Issaly ; Pradines ; Cahors")
        assert "Trajet noté pour Marc Issaly" in olga.last().text
        await olga.command("tus", "trajet Odette Vialard ; Cajarc ; Toulouse")
        assert "Trajet refusé" in olga.last().text and "100 km" in olga.last().text
        await olga.command("tus", "trajet Paul Inconnu ; Cajarc ; Figeac")
        assert "n'est pas au registre" in olga.last().text
        trips = await bot.rows("SELECT km, participation_cents FROM tus_trips ORDER BY id")
        assert len(trips) == 2
        assert trips[0]["participation_cents"] == round(trips[0]["km"] * 30)

        # The register and the year's report go to the team's group, as files.
        await olga.command("tus", "registre")
        await olga.command("tus", "rapport 2026")
        files = {
            m.document.filename: m.document.content for m in bot.operators.messages() if m.document
        }
        register = files["tus-registre.csv"].decode("utf-8-sig").splitlines()
        assert register[0] == reads(bot, "tus.register_header")
        assert register[1].startswith("1,Odette Vialard,05 65 11 22 33,Cajarc,46045,lieu de vie")
        assert register[2].startswith("2,Marc Issaly,,Pradines,46224,prestation,AAH")
        report = files["tus-rapport-2026.txt"].decode("utf-8")
        assert "rapport d'activité 2026" in report
        assert "Adhérents au registre : 2" in report
        assert "Personnes transportées dans l'année : 2" in report
        assert "Trajets : 2" in report
        assert "  novembre : 2 · " in report and "  mars : 0 · 0,0 km" in report

        # In the group too; its menu has the command.
        await bot.operators.command(olga, "tus")
        assert "/tus adherent Nom ; Commune" in bot.operators.last().text
        assert bot.fake.command_names(scope={"type": "chat", "chat_id": OPERATORS})[-1] == "tus"
        await nadia.command("tus", "registre")
        assert nadia.last().text == reads(bot, "operators.only")
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_a_member_named_like_a_formula_is_written_as_text(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        # As the team types it (";" parts the command's fields, so a "," in the formula)...
        await olga.command("tus", 'adherent =HYPERLINK("http://x","clic") ; Cajarc')
        assert "Inscription au registre faite" in olga.last().text
        # ...and as a spreadsheet in French writes it, straight into the register.
        await bot.rows(
            "INSERT INTO tus_members (name, commune_code, commune_name, eligible_by, joined_at)"
            " VALUES (?, '46045', 'Cajarc', 'residence', '2026-11-23T09:00:00+00:00')",
            '=HYPERLINK("http://x";"clic")',
        )
        await olga.command("tus", "registre")
        [register] = [
            m.document.content
            for m in bot.operators.messages()
            if m.document and m.document.filename == "tus-registre.csv"
        ]
        text = register.decode("utf-8-sig")
        lines = text.split("\r\n")
        assert lines[1].startswith('1,"\'=HYPERLINK(""http://x"",""clic"")",,Cajarc,46045,')
        assert lines[2].startswith('2,"\'=HYPERLINK(""http://x"";""clic"")",,Cajarc,46045,')
        assert ",=" not in text and '"=' not in text
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_without_a_rate_the_tus_is_off(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    await olga.command("tus", "registre")
    assert "TUS_EUR_PER_KM" in olga.last().text
    bot.assert_clean()


def test_a_rate_above_the_legal_cap_is_refused() -> None:
    from pydantic import ValidationError

    from bot.settings import Settings, describe_settings_error

    with pytest.raises(ValidationError) as error:
        Settings(_env_file=None, tus_eur_per_km=0.45)  # type: ignore[call-arg]
    [line] = describe_settings_error(error.value)
    assert line.startswith("Setting TUS_EUR_PER_KM:") and "0.32" in line


async def test_a_member_is_found_by_a_name_typed_in_small_letters(tus_bot: RunningBot) -> None:
    bot = tus_bot
    try:
        olga, _, _ = team(bot)
        await olga.command("tus", "adherent Élodie Vergnes ; Cajarc")
        # Typed in a hurry, accents in small letters: the same member, on either database.
        await olga.command("tus", "cotisation élodie  vergnes ; 02/11")
        assert "Élodie Vergnes" in olga.last().text
        [member] = await bot.rows("SELECT fee_paid_on FROM tus_members")
        assert member["fee_paid_on"] == "2026-11-02"
        bot.assert_clean()
    finally:
        await bot.stop()
