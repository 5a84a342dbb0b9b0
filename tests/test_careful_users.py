"""End to end: smaller things careful users noticed (issue 23, items 13, 14 and 17)."""

from __future__ import annotations

from datetime import timedelta

from handlers import keyboards as kb
from tests.conftest import RunningBot
from tests.fakebot import FakeUser
from tests.setups import describe_need, driver, reads, team


def links(message: object) -> list[str]:
    entities = getattr(message, "entities", None) or []
    return [e["url"] for e in entities if e.get("type") == "text_link"]


# Item 13: someone without a username, as the team sees them.


async def test_the_team_sees_a_name_once_and_a_way_to_write_to_someone_without_a_username(
    bot: RunningBot,
) -> None:
    team(bot)
    lina = bot.fake.user(2330, "Lina", last_name="Vern")  # neither a username nor a phone
    await describe_need(lina, origin="Lacapelle-Marival")  # no driver: the team's post
    post = bot.operators.last()
    assert post.text.count("Lina Vern") == 1, post.text
    assert "👤 Lina Vern · profil Telegram" in post.text
    assert "tg://user?id=2330" in links(post)
    bot.assert_clean()


async def test_a_passenger_without_username_nor_phone_who_blocked_the_bot_can_be_written_to(
    bot: RunningBot,
) -> None:
    team(bot)
    jean = await driver(bot, 2331, "Jean", username="jean_m")
    lina = bot.fake.user(2332, "Lina", last_name="Vern")
    await describe_need(lina)
    await lina.press_doing(kb.NEED, "ask", naming="Jean M.")
    lina.blocked = True
    await jean.press_doing(kb.INTRO, "yes")
    call = bot.operators.last()
    assert call.text.startswith("📞 À appeler — demande n° 1")
    assert (
        "Appelez Lina Vern : pas de numéro enregistré ; écrivez-lui sur Telegram : profil Telegram"
        in call.text
    )
    assert "tg://user?id=2332" in links(call)
    bot.take_blocked_errors()
    bot.assert_clean()


# Item 14: a long message Telegram cuts in two.

# 4,300 characters: Telegram sends 4,096, then the 204 left, one right after the other.
LONG = ("Bonjour, je vous écris un long message pour les passagers. " * 80)[:4300]


async def register_trip_until_note(user: FakeUser) -> None:
    await user.command("proposer")
    await user.press_doing(kb.OFFER, "consent:yes")
    await user.send("Cahors")
    await user.send("Figeac")
    await user.press_doing(kb.OFFER, "often:weekly")
    await user.press_doing(kb.OFFER, "days:work")
    await user.press_doing(kb.OFFER, "days:ok")
    await user.send("7h30")
    await user.press_doing(kb.OFFER, "noreturn")
    await user.press_doing(kb.OFFER, "seats:3")


async def test_the_rest_of_a_cut_message_is_not_the_next_answer(bot: RunningBot) -> None:
    anne = bot.fake.user(2340, "Anne")
    await register_trip_until_note(anne)
    await anne.send(LONG)  # sent as 4,096 characters, then the 204 left, as Telegram's apps do
    assert "Ce message fait 4096 caractères : 300 au plus" in anne.messages()[-2].text
    # The 204 left would make a message: not taken as one.
    assert anne.last().text.startswith(
        "Votre message était très long : Telegram l'a coupé en deux."
    )
    await anne.send("Non fumeur")
    await anne.press_doing(kb.OFFER, "contact:tg")
    assert "📝 « Non fumeur »" in anne.last().text  # the summary: the note she meant
    bot.clock.current = bot.fake.now = bot.clock.current + timedelta(minutes=1)
    await anne.send("x" * 4096)
    bot.clock.current = bot.fake.now = bot.clock.current + timedelta(minutes=1)
    await anne.send("oui")  # a minute later: an answer again, not the rest of anything
    assert "Trajet enregistré" in anne.last().text
    bot.assert_clean()


async def test_a_long_message_where_a_driver_is_chosen_is_echoed_short_and_once(
    bot: RunningBot,
) -> None:
    await driver(bot, 2341, "Jean", username="jean_m")
    kim = bot.fake.user(2342, "Kim")
    await describe_need(kim)
    mark = kim.mark()
    long = ("Je ne sais pas lequel choisir, aidez-moi. " * 130)[:5000]
    await kim.send(long)
    said = kim.texts_since(mark)
    assert len(said) == 2, said
    assert said[0].startswith("Je n'ai pas compris à qui demander (« Je ne sais pas")
    assert len(said[0]) < 200
    assert said[1].startswith("Votre message était très long")
    bot.assert_clean()


# Item 17: /mesdonnees once forgotten.


async def test_my_data_right_after_forget_me_says_nothing_is_kept(bot: RunningBot) -> None:
    marie = bot.fake.user(2350, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie)
    await marie.command("oublier")
    await marie.press_doing(kb.FORGET, "forget:yes")
    assert await bot.rows("SELECT id FROM people WHERE telegram_user_id = 2350") == []
    mark = marie.mark()
    await marie.command("mesdonnees")
    assert marie.texts_since(mark) == [
        "Mobilot ne garde rien sur vous : aucune donnée n'est enregistrée à votre nom."
    ]
    assert await bot.rows("SELECT id FROM people WHERE telegram_user_id = 2350") == []
    tom = bot.fake.user(2351, "Tom", language_code="en")  # never came
    await tom.command("mydata")
    assert tom.last().text == reads(bot, "privacy.mydata_nothing", "en")
    assert await bot.rows("SELECT id FROM people WHERE telegram_user_id = 2351") == []
    bot.assert_clean()
