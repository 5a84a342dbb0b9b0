"""End to end: lists of any size stay under Telegram's 4,096 characters, in pages."""

from __future__ import annotations

from datetime import date, time

from bot.domain import NeedStatus, NewNeed, PlaceRef, Purpose, TimeMode
from tests.conftest import OPERATORS, RunningBot
from tests.fakebot import utf16_len
from tests.test_offer_flow import register_trip

CAHORS = PlaceRef(id="insee:46042", name="Cahors", department="46", lat=44.4475, lon=1.4419)
FIGEAC = PlaceRef(id="insee:46102", name="Figeac", department="46", lat=44.6086, lon=2.0317)


async def test_two_hundred_open_needs_in_pages(bot: RunningBot) -> None:
    olga = bot.fake.user(501, "Olga")
    bot.fake.set_member(OPERATORS, olga.id, "administrator")
    albert = bot.fake.user(502, "Albert", last_name="Vidal de la Grande Maison du Quercy")
    await albert.command("start")
    person = await bot.app.deps.people.find_by_telegram_id(albert.id)
    assert person is not None
    need = NewNeed(
        origin=CAHORS, destination=FIGEAC, travel_date=date(2026, 12, 1),
        time_mode=TimeMode.ARRIVE_BEFORE, at=time(9), purpose=Purpose.HEALTH,
    )  # fmt: skip
    for _ in range(200):
        await bot.app.deps.needs.record(person.id, need, NeedStatus.WITH_OPERATORS)

    await bot.operators.command(olga, "ouvertes")
    first = bot.operators.last()
    assert "Demandes ouvertes : 200" in first.text
    assert utf16_len(first.text) < 4096
    buttons = first.buttons
    assert buttons[0] == "1 / " + buttons[0].split(" / ")[1] and buttons[-1] == "Suivantes ▶️"
    count = int(buttons[0].split(" / ")[1])
    seen = first.text.count("n° ")
    for page in range(2, count + 1):
        await bot.operators.press(olga, "Suivantes ▶️", message=first)
        assert utf16_len(first.text) < 4096
        assert f"{page} / {count}" in first.buttons
        seen += first.text.count("n° ")
    assert seen == 200  # every need shown once, on one page or another
    assert "Suivantes ▶️" not in first.buttons
    await bot.operators.press(olga, "◀️ Précédentes", message=first)
    assert f"{count - 1} / {count}" in first.buttons
    bot.assert_clean()


async def test_many_trips_are_shown_a_few_at_a_time(bot: RunningBot) -> None:
    jean = bot.fake.user(503, "Jean")
    for hour in range(6, 18):
        await register_trip(jean, time=f"{hour}h")
    mark = jean.mark()
    await jean.command("mestrajets")
    shown = jean.texts_since(mark)
    assert shown[0] == "Vos trajets réguliers" and len(shown) == 1 + 5 + 1
    assert shown[-1] == "5 sur 12."
    await jean.press("▶️ Voir la suite")
    await jean.press("▶️ Voir la suite")
    assert jean.texts_since(mark)[-1].count("🚗") == 1  # the 12th trip, last of the list
    assert sum(text.count("départ à") for text in jean.texts_since(mark)) == 12
    assert "▶️ Voir la suite" not in jean.buttons()
    bot.assert_clean()
