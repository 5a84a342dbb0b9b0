"""End to end: lists of any size stay under Telegram's 4,096 characters, in pages."""

from __future__ import annotations

from datetime import date, time

from bot.domain import NeedStatus, NewNeed, PlaceRef, Purpose, TimeMode
from bot.interop.theirs import TheirJourney
from handlers import keyboards as kb
from handlers import pages
from handlers.interop_words import their_journeys
from i18n import Translator
from tests.conftest import OPERATORS, RunningBot
from tests.setups import describe_need, driver, reads, register_trip


def utf16_len(text: str) -> int:
    """What Telegram counts against its 4,096 characters."""
    return len(text.encode("utf-16-le")) // 2


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
        origin=CAHORS,
        destination=FIGEAC,
        travel_date=date(2026, 12, 1),
        time_mode=TimeMode.ARRIVE_BEFORE,
        at=time(9),
        purpose=Purpose.HEALTH,
    )
    for _ in range(200):
        await bot.app.deps.needs.record(person.id, need, NeedStatus.WITH_OPERATORS)

    await bot.operators.command(olga, "ouvertes")
    first = bot.operators.last()
    assert "Demandes ouvertes : 200" in first.text
    assert utf16_len(first.text) < 4096
    buttons = first.buttons
    assert buttons[0] == "1 / " + buttons[0].split(" / ")[1] and buttons[-1] == reads(
        bot, "words.page_next"
    )
    count = int(buttons[0].split(" / ")[1])
    seen = first.text.count("n° ")
    for page in range(2, count + 1):
        await bot.operators.press_doing(olga, kb.PAGE, f"open:{page - 1}", message=first)
        assert utf16_len(first.text) < 4096
        assert f"{page} / {count}" in first.buttons
        seen += first.text.count("n° ")
    assert seen == 200  # every need shown once, on one page or another
    assert "Suivantes ▶️" not in first.buttons
    await bot.operators.press_doing(olga, kb.PAGE, "open:7", message=first)
    assert f"{count - 1} / {count}" in first.buttons
    bot.assert_clean()


async def test_many_trips_are_shown_a_few_at_a_time(bot: RunningBot) -> None:
    jean = bot.fake.user(503, "Jean")
    for hour in range(6, 18):
        await register_trip(jean, time=f"{hour}h")
    mark = jean.mark()
    await jean.command("mestrajets")
    shown = jean.texts_since(mark)
    assert shown[0] == reads(bot, "trips.header") and len(shown) == 1 + 5 + 1
    assert shown[-1] == "5 sur 12."
    await jean.press_doing(kb.PAGE, "trips:1")
    await jean.press_doing(kb.PAGE, "trips:2")
    assert jean.texts_since(mark)[-1].count("🚗") == 1  # the 12th trip, last of the list
    assert sum(text.count("départ à") for text in jean.texts_since(mark)) == 12
    assert "▶️ Voir la suite" not in jean.buttons()
    bot.assert_clean()


def test_pages_are_cut_by_length_and_keep_every_item() -> None:
    items = [f"{i:03} " + "x" * (i * 7 % 300) for i in range(500)]
    found = pages.chunks(items, 3500)
    assert [item for run in found for item in run] == items
    assert all(len("\n\n".join(run)) <= 3500 for run in found)
    assert pages.pages([]) == [""]
    assert pages.chunks(["y" * 5000], 3500) == [["y" * 3499 + "…"]]


def test_page_buttons_go_back_and_forth() -> None:
    t = Translator("fr")
    assert pages.page_buttons(t, "fr", "open", 0, 1) is None
    first = pages.page_buttons(t, "fr", "open", 0, 3)
    middle = pages.page_buttons(t, "fr", "open", 1, 3)
    assert first is not None and middle is not None
    assert [b.text for b in first.inline_keyboard[0]] == ["1 / 3", "Suivantes ▶️"]
    assert [b.callback_data for b in middle.inline_keyboard[0]] == [
        "pg:open:0",
        "pg:open:1",
        "pg:open:2",
    ]


async def test_many_drivers_for_the_team_in_messages_that_fit(bot: RunningBot) -> None:
    olga = bot.fake.user(504, "Olga")
    bot.fake.set_member(OPERATORS, olga.id, "administrator")
    long_name = "Jean-Baptiste-Marie-Joseph-Emmanuel-Dieudonné"
    for i in range(10):
        await driver(
            bot, 600 + i, f"{long_name}{i:02}", username=f"driver_number_{i:02}_of_the_lot"
        )
    lina = bot.fake.user(505, "Lina")
    await describe_need(lina, origin="Lacapelle-Marival")  # off their road: to the team
    post = bot.operators.last()
    mark = bot.operators.mark()
    await bot.operators.press_doing(olga, kb.OPERATOR, "drivers", message=post)
    lists = bot.operators.messages()[mark:]
    assert lists and all(utf16_len(m.text) < 4096 for m in lists)
    asked = [b for m in lists for b in m.buttons]
    assert len(asked) == 8 and all(b.startswith("📨 Demander à Jean-Baptiste") for b in asked)
    bot.assert_clean()


def test_partners_journeys_fit_in_one_message_whatever_their_number() -> None:
    t = Translator("fr")
    journey = TheirJourney(
        platform="Covoit'Occitanie",
        driver="Bernard",
        pickup_at=None,
        pickup_time=time(8),
        days=frozenset({0, 1, 2, 3, 4}),
        web_url="https://example.org/" + "j" * 150,
        seats=3,
    )
    text = their_journeys(t, "fr", [journey] * 100)
    assert len(text) < 4096 and text.count("Bernard") < 100
    assert "… et " in text and " de plus" in text
