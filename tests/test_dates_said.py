"""Dates and words people notice (issue 23, item 18): a day that is tomorrow says so ("mardi
prochain" on a Monday), the first of a month is "1er", no wheelchair sign for "no need", and
the help tells that drivers offer one-off trips too."""

from __future__ import annotations

from datetime import date

from handlers import keyboards as kb
from i18n import Translator
from tests.conftest import RunningBot
from tests.setups import agree_if_asked, reads

# The fake clock is Monday 23 November 2026.


async def test_mardi_prochain_on_a_monday_says_it_is_tomorrow(bot: RunningBot) -> None:
    marie = bot.fake.user(701, "Marie")
    await marie.command("chercher")
    await agree_if_asked(marie)
    await marie.send("Cahors")
    await marie.send("Figeac")
    mark = marie.mark()
    await marie.send("mardi prochain")
    assert "📅 Le mardi 24 novembre, demain" in marie.texts_since(mark)
    # A driver's trip made once: the same.
    jean = bot.fake.user(702, "Jean")
    await jean.command("proposer")
    await jean.press_doing(kb.OFFER, "consent:yes")
    await jean.send("Cahors")
    await jean.send("Figeac")
    await jean.press_doing(kb.OFFER, "often:once")
    mark = jean.mark()
    await jean.send("mardi prochain")
    assert "📅 Le mardi 24 novembre, demain" in jean.texts_since(mark)
    # A sentence at once ("cahors demain 9h"), and today.
    lea = bot.fake.user(703, "Léa")
    await lea.command("start")
    mark = lea.mark()
    await lea.send("Figeac aujourd'hui 18h")
    await agree_if_asked(lea)  # the consent first, then the sentence read
    assert any("📅 Le lundi 23 novembre, aujourd'hui" in t for t in lea.texts_since(mark))
    # A day further on says its date only.
    paul = bot.fake.user(704, "Paul")
    await paul.command("chercher")
    await agree_if_asked(paul)
    await paul.send("Cahors")
    await paul.send("Figeac")
    mark = paul.mark()
    await paul.send("jeudi")
    assert "📅 Le jeudi 26 novembre" in paul.texts_since(mark)
    bot.assert_clean()


async def test_the_first_of_a_month_is_1er(bot: RunningBot) -> None:
    marie = bot.fake.user(711, "Marie")
    await marie.command("chercher")
    await agree_if_asked(marie)
    await marie.send("Cahors")
    await marie.send("Figeac")
    mark = marie.mark()
    await marie.send("1 décembre")
    assert "📅 Le mardi 1er décembre" in marie.texts_since(mark)
    t = Translator()
    assert t.date("fr", date(2027, 1, 1)) == "vendredi 1er janvier"
    assert t.date("fr", date(2027, 1, 11)) == "lundi 11 janvier"
    assert t.day("fr", date(2025, 2, 1), "d MMMM y") == "1er février 2025"
    assert t.date("en", date(2027, 1, 1)) == "Friday 1 January"  # French only


async def test_no_special_need_has_no_wheelchair_sign(bot: RunningBot) -> None:
    marie = bot.fake.user(721, "Marie")
    await marie.command("chercher")
    await agree_if_asked(marie)
    for words in ("Cahors", "Figeac", "jeudi"):
        await marie.send(words)
    await marie.press_doing(kb.FIND, "mode:arrive_before")
    await marie.send("9h")
    await marie.press_doing(kb.FIND, "back:none")
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:none")
    summary = marie.last().text
    assert reads(bot, "special.none") in summary and "♿" not in summary
    # A wheelchair keeps its own sign, once.
    lise = bot.fake.user(722, "Lise")
    await lise.command("chercher")
    await agree_if_asked(lise)
    for words in ("Cahors", "Figeac", "jeudi"):
        await lise.send(words)
    await lise.press_doing(kb.FIND, "mode:arrive_before")
    await lise.send("9h")
    await lise.press_doing(kb.FIND, "back:none")
    await lise.press_doing(kb.FIND, "purpose:health")
    await lise.press_doing(kb.FIND, "special:wheelchair")
    await lise.press_doing(kb.FIND, "special:ok")
    summary = lise.last().text
    assert summary.count("♿") == 1 and reads(bot, "special.wheelchair") in summary


async def test_the_help_says_drivers_offer_one_off_trips_too(bot: RunningBot) -> None:
    anne = bot.fake.user(731, "Anne")
    await anne.command("aide")
    text = anne.last().text
    assert "chaque semaine les mêmes trajets" not in text
    assert "ceux qu'ils font chaque semaine, ou un trajet d'un seul jour" in text
    assert "/proposer — proposer un trajet, chaque semaine ou une fois" in text
    sam = bot.fake.user(732, "Sam", language_code="en")
    await sam.command("help")
    text = sam.last().text
    assert "the same trips every week" not in text
    assert "the ones they make every week, or a trip on a single day" in text
    assert "/offer — offer a trip, every week or just once" in text
