"""What the team types after /tus, read by the core (bot/services/tus.py `read_command`):
the same on every channel, without Telegram."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.tus import Action, Command, read_command

TODAY = date(2026, 11, 23)


def test_a_member_with_the_fields_left_out_or_empty() -> None:
    command = read_command("adherent Odette Vialard ; Cajarc ; ; 05 65 11 22 33", TODAY)
    assert command.action is Action.MEMBER
    assert command.fields == ("Odette Vialard", "Cajarc", "", "05 65 11 22 33")
    short = read_command("  Adhérent  Marc Issaly ;Pradines ", TODAY)
    assert short.fields == ("Marc Issaly", "Pradines")
    assert (short.field(2), short.field(3)) == ("", "")
    assert read_command("member Marc Issaly ; Pradines ; AAH", TODAY).field(2) == "AAH"


def test_a_trip_and_its_day() -> None:
    today = read_command("trajet Marc Issaly ; Pradines ; Cahors", TODAY)
    assert today.action is Action.TRIP and today.day == TODAY and today.unread_day is None
    assert read_command("trip Marc ; Pradines ; Cahors ;", TODAY).day == TODAY
    assert read_command("trajet Marc ; Pradines ; Cahors ; 20/11", TODAY).day == date(2026, 11, 20)
    # A date well ahead is the one just past: "20/12" said on 23 November 2026 is 2025's.
    assert read_command("trajet Marc ; Pradines ; Cahors ; 20/12", TODAY).day == date(2025, 12, 20)
    unread = read_command("trajet Marc ; Pradines ; Cahors ; la semaine des quatre jeudis", TODAY)
    assert unread.day is None and unread.unread_day == "la semaine des quatre jeudis"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("registre", Command(Action.REGISTER)),
        ("REGISTER", Command(Action.REGISTER)),
        ("rapport 2026", Command(Action.REPORT, year=2026)),
        ("report", Command(Action.REPORT, year=2025)),  # last year, unless said
        ("rapport l'an dernier", Command(Action.REPORT, year=2025)),
        ("", Command(Action.HELP)),
        ("bonjour", Command(Action.HELP)),
        ("adherent Odette Vialard", Command(Action.HELP)),  # no commune
        ("trajet Odette Vialard ; Cajarc", Command(Action.HELP)),  # no destination
        ("x" * 5000, Command(Action.HELP)),
    ],
)
def test_the_other_words(typed: str, expected: Command) -> None:
    assert read_command(typed, TODAY) == expected
