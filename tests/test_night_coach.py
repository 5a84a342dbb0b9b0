"""A night coach of the evening before (issue 23, item 5): a passenger who must arrive before
1:00 on a Thursday is offered the coach that leaves on Wednesday at 23:50, and is told it
leaves the evening before, on which date, on Telegram and by SMS alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.places.gazetteer import Gazetteer
from bot.transit.planner import Leg, TransitOption
from handlers.transit_words import TransitWords
from i18n import Translator
from tests.conftest import RunningBot
from tests.phones import TextingBot
from tests.setups import describe_need
from tests.transit_feed import write_lot_feed

# The fake clock's Monday 23 November 2026: "jeudi" is Thursday the 26th.
EVE = "la veille, mercredi 25 novembre, à 23h50"


async def test_a_night_coach_says_it_leaves_the_evening_before(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    feed = write_lot_feed(tmp_path / "lot.zip", night_coach=True)
    bot = RunningBot(tmp_path, gazetteer, gtfs_files=str(feed))
    await bot.start()
    try:
        odette = bot.fake.user(401, "Odette", last_name="Vialard")
        mark = odette.mark()
        await describe_need(odette, origin="Cahors", destination="Cajarc", when="jeudi", time="1h")
        coach = next(t for t in odette.texts_since(mark) if "En car ou en train" in t)
        assert "jeudi 26 novembre" in coach
        assert f"Ligne 881 : départ {EVE} de l'arrêt « Cahors Gare routière »" in coach
        assert "arrivée à 0h30 à « Cajarc Tour de ville »" in coach
        assert "départ à 23h50" not in coach
        team = next(m.text for m in bot.operators.messages() if "autres solutions" in m.text)
        assert EVE in team
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_by_sms_the_night_coach_says_the_evening_before_too(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    feed = write_lot_feed(tmp_path / "lot.zip", night_coach=True)
    bot = TextingBot(tmp_path, gazetteer, gtfs_files=str(feed))
    await bot.start()
    try:
        phone = "06 12 34 56 78"
        await bot.text(phone, "cajarc jeudi avant 1h")
        await bot.text(phone, "oui")
        await bot.text(phone, "odette vialard")
        await bot.text(phone, "Cahors")
        got = await bot.text(phone, "1")  # no way back
        assert "jeudi 26 novembre, arrivée avant 1h00" in got[-1]
        [answer] = await bot.text(phone, "oui")  # fits two segments (checked by the phone)
        assert "En car ou en train, jeudi 26 novembre :" in answer
        assert (
            "- Ligne 881 : départ la veille, mercredi 25 novembre, à 23h50,"
            " arret Cahors Gare routière. Arrivée à 0h30, arret Cajarc Tour de ville." in answer
        )
        bot.assert_clean()
    finally:
        await bot.stop()


def test_the_evening_before_in_both_languages_and_with_a_change() -> None:
    words = TransitWords(Translator())
    night = Leg(
        "N",
        "881",
        "Cahors - Figeac",
        "liO",
        "Cajarc",
        "CAH",
        "Cahors Gare routière",
        -600,
        "CAJ",
        "Cajarc Tour de ville",
        1800,
    )
    direct = TransitOption(date(2026, 12, 10), (night,), 50, 50)
    assert "départ la veille, mercredi 9 décembre, à 23h50 de l'arrêt" in words.option("fr", direct)
    assert "leaves the day before, Wednesday 9 December, at 23:50 from" in words.option(
        "en", direct
    )
    early = Leg(
        "E",
        "TER",
        "TER",
        "TER",
        "Figeac",
        "CAJ",
        "Cajarc Tour de ville",
        2400,
        "FIG",
        "Figeac Gare routière",
        4200,
    )
    changing = TransitOption(date(2026, 12, 10), (night, early), 50, 50)
    text = words.option("fr", changing)
    assert "départ la veille, mercredi 9 décembre, à 23h50" in text
    assert "Puis ligne <b>TER</b> à 0h40, arrivée à 1h10" in text
    # A coach of the day itself says its hour only.
    day = TransitOption(date(2026, 12, 10), (early,), 50, 50)
    assert "départ à 0h40 de l'arrêt" in words.option("fr", day)
