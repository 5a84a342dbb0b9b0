"""End to end: managing trips, and what every user meets around the conversations."""

from __future__ import annotations

import asyncio

from handlers import keyboards as kb
from tests.conftest import API_URL, RunningBot
from tests.fakebot import FakeBotAPI
from tests.setups import agree_if_asked, reads, register_trip


async def test_list_pause_resume_and_delete(bot: RunningBot) -> None:
    jo = bot.fake.user(201, "Jo")
    await jo.command("mestrajets")
    assert "Vous n'avez pas de trajet enregistré" in jo.last().text
    await register_trip(jo, "Cahors", "Figeac", "7h30")
    await register_trip(jo, "Gramat", "Rocamadour", "9h")

    mark = jo.mark()
    await jo.command("mestrajets")
    header, first, second = jo.messages()[mark:]
    assert header.text == reads(bot, "trips.header")
    assert "Cahors (46) → Figeac (46)" in first.text and reads(bot, "trip.active") in first.text
    assert "Gramat (46) → Rocamadour (46)" in second.text
    assert first.buttons == ["⏸ Mettre en pause", "🗑 Supprimer", "💺 Changer les places"]

    old_pause_button = first.button("⏸ Mettre en pause")
    assert old_pause_button is not None
    old_pause = old_pause_button["callback_data"]
    await jo.press_doing(kb.TRIP, "pause", message=first)
    assert reads(bot, "trip.paused") in first.text
    assert first.buttons == ["▶️ Reprendre", "🗑 Supprimer", "💺 Changer les places"]
    assert "Trajet mis en pause" in jo.last().text
    statuses = await bot.rows("SELECT status FROM trips ORDER BY id")
    assert [row["status"] for row in statuses] == ["paused", "active"]

    # A double press (an old copy of the button) changes nothing and says nothing twice.
    count = len(jo.messages())
    await jo.press_data(old_pause, message=first)
    assert len(jo.messages()) == count and reads(bot, "trip.paused") in first.text

    await jo.press_doing(kb.TRIP, "resume", message=first)
    assert reads(bot, "trip.active") in first.text and "Trajet repris" in jo.last().text

    await jo.press_doing(kb.TRIP, "delete", message=second)
    assert second.text.startswith("Supprimer ce trajet ?")
    await jo.press_doing(kb.TRIP, "keep", message=second)
    assert second.buttons == ["⏸ Mettre en pause", "🗑 Supprimer", "💺 Changer les places"]
    await jo.press_doing(kb.TRIP, "delete", message=second)
    delete_yes_button = second.button("Oui, supprimer")
    assert delete_yes_button is not None
    delete_yes = delete_yes_button["callback_data"]
    await jo.press_doing(kb.TRIP, "delete", message=second)
    assert second.text.startswith("🗑 Trajet supprimé.") and second.buttons == []
    statuses = await bot.rows("SELECT status FROM trips ORDER BY id")
    assert [row["status"] for row in statuses] == ["active", "deleted"]

    await jo.press_data(delete_yes, message=second)  # pressed again from an old screen
    assert jo.callback_answers()[-1]["text"] == reads(bot, "rides.already_deleted")

    mark = jo.mark()
    await jo.command("mytrips")
    assert len(jo.messages()[mark:]) == 2  # the header and the remaining trip
    bot.assert_clean()


async def test_someone_elses_trip_cannot_be_touched(bot: RunningBot) -> None:
    owner, other = bot.fake.user(202, "Owner"), bot.fake.user(203, "Other")
    await register_trip(owner)
    [trip] = await bot.rows("SELECT id FROM trips")
    await other.command("start")
    for forged in (f"tr:{trip['id']}:delete:yes", f"tr:{trip['id']}:pause", "tr:99999:pause"):
        await other.press_data(forged)
        assert other.callback_answers()[-1]["text"].startswith("Ce trajet n'existe plus")
    for junk in ("tr:abc:pause", "tr:1:explode", "zz:1", "of:000000:day:1", "x" * 64):
        await other.press_data(junk)
        assert other.callback_answers()[-1]["text"].startswith("Ce bouton ne sert plus")
    [row] = await bot.rows("SELECT status FROM trips")
    assert row["status"] == "active"
    bot.assert_clean()


async def test_command_menus_are_set_per_language(bot: RunningBot) -> None:
    french = [
        "chercher",
        "proposer",
        "mestrajets",
        "mesdemandes",
        "aides",
        "aide",
        "langue",
        "confidentialite",
        "mesdonnees",
        "oublier",
        "annuler",
    ]
    english = [
        "find", "offer", "mytrips", "myrequests", "aids", "help", "language", "privacy",
        "mydata", "forgetme", "cancel",
    ]  # fmt: skip
    assert bot.fake.command_names(language_code="fr") == french
    assert bot.fake.command_names(language_code="en") == english
    assert bot.fake.command_names() == french  # the default language
    bot.assert_clean()


async def test_switching_language(bot: RunningBot) -> None:
    sam = bot.fake.user(204, "Sam", language_code="fr")
    await sam.command("langue")
    assert sam.buttons() == ["🇫🇷 Français", "🇬🇧 English"]
    await sam.press_doing(kb.LANGUAGE, "en")
    assert sam.last().text == reads(bot, "language.set", "en")
    chat_scope = {"type": "chat", "chat_id": 204}
    assert bot.fake.command_names(scope=chat_scope)[:2] == ["find", "offer"]
    await sam.command("aide")  # French commands keep working
    assert sam.last().text.startswith("How Mobilot works")
    await sam.command("start")
    assert sam.buttons() == ["🚗 I offer a trip", "🙋 I need a ride", "💶 See the travel aids"]
    [person] = await bot.rows("SELECT language FROM people")
    assert person["language"] == "en"
    bot.assert_clean()


async def test_help_privacy_and_unknown_things(bot: RunningBot) -> None:
    eve = bot.fake.user(205, "Ève", language_code="en")
    await eve.command("help")
    assert "/offer — offer a trip" in eve.last().text
    await eve.command("privacy")
    assert "Your data and Mobilot" in eve.last().text
    await eve.command("cancel")
    assert "nothing in progress" in eve.last().text
    await eve.command("teleport")
    assert (
        eve.last().text
        == "I do not know /teleport. Type /help to see what I can do, or just write where and when you want to go."
    )
    await eve.send("hmm?")  # ("hello?" is greeted back: tests/test_words_understood.py)
    assert eve.messages()[-2].text.startswith("I did not understand")
    assert eve.buttons() == ["🚗 I offer a trip", "🙋 I need a ride", "💶 See the travel aids"]
    await eve.send_sticker()
    assert eve.messages()[-2].text.startswith("Nice sticker!")
    await eve.send("😀" * 3000)
    assert eve.messages()[-2].text.startswith("I did not understand")
    await eve.press_doing(kb.START, "find")
    await agree_if_asked(eve)
    assert "Where do you leave from?" in eve.last().text
    bot.assert_clean()


async def test_edited_messages_are_answered_not_taken(bot: RunningBot) -> None:
    max_ = bot.fake.user(206, "Max")
    await max_.command("proposer")
    await max_.press_doing(kb.OFFER, "consent:yes")
    sent = await max_.send("Cahors")
    await max_.edit(sent, "Figeac")
    assert "je ne tiens compte que des nouveaux messages" in max_.last().text
    await max_.send("Figeac")
    assert "🏁 Arrivée : Figeac (46)" in max_.texts_since(0)
    bot.assert_clean()


async def test_commands_in_a_group_point_to_a_private_chat(bot: RunningBot) -> None:
    group = bot.fake.group(-100555, "Habitants de Cajarc")
    ana = bot.fake.user(207, "Ana")
    await group.command(ana, "proposer")
    reply = group.last()
    assert "en message privé" in reply.text
    assert reply.inline_keyboard[0][0]["url"] == "https://t.me/mobilot_test_bot"
    mark = group.mark()
    await group.send(ana, "bonjour à tous")  # privacy mode: the bot does not even see it
    assert group.texts_since(mark) == []
    assert await bot.rows("SELECT * FROM conversation_states") == []
    bot.assert_clean()


async def test_start_in_the_middle_of_a_registration_keeps_it(bot: RunningBot) -> None:
    ida = bot.fake.user(208, "Ida")
    await ida.command("proposer")
    await ida.press_doing(kb.OFFER, "consent:yes")
    await ida.send("Cahors")
    await ida.command("start")
    assert "Vous étiez en train de répondre à mes questions" in ida.messages()[-3].text
    assert "Où allez-vous ?" in ida.last().text  # the question comes back
    await ida.command("chercher")  # another conversation waits until this one ends
    await agree_if_asked(ida)
    assert "Vous êtes en train d'enregistrer un trajet" in ida.last().text
    await ida.send("Figeac")
    assert "chaque semaine, ou une seule fois ?" in ida.last().text
    bot.assert_clean()


async def test_telegram_api_url_is_used_with_real_polling(bot: RunningBot) -> None:
    fake: FakeBotAPI = bot.fake
    fake.deliver = "polling"
    bot.app.updates.start(polling=True)
    bot.app.deliverer.start()
    try:
        zoe = fake.user(209, "Zoé")
        await zoe.command("start")
        for _ in range(500):
            if zoe.messages():
                break
            await asyncio.sleep(0.01)
        assert zoe.messages()[0].text.startswith("Bonjour Zoé !")
    finally:
        await bot.app.updates.stop()
        await bot.app.deliverer.stop()
    assert any(url == f"{API_URL}/bot{fake.token}/getUpdates" for url in fake.urls)
    bot.assert_clean()


async def test_updates_without_a_user_are_ignored_quietly(bot: RunningBot) -> None:
    """A channel post, or a message with no sender (Telegram sends some): nothing is said, no
    handler raises, and the update is recorded as handled."""
    channel = {"id": -100_777, "type": "channel", "title": "Le canal"}
    group = {"id": -100_778, "type": "supergroup", "title": "Un groupe"}
    private = {"id": 4242, "type": "private", "first_name": "Personne"}
    updates: list[dict[str, object]] = []
    for number, (chat, text) in enumerate(
        [
            (channel, "/start"),
            (channel, "bonjour, je vais à Figeac demain"),
            (group, "/proposer"),
            (group, "/aide"),
            (private, "/start"),
            (private, "/proposer"),
            (private, "Cahors Figeac demain 8h"),
        ]
    ):
        message: dict[str, object] = {
            "message_id": 10 + number,
            "chat": chat,
            "date": 1_700_000_000,
            "text": text,
        }
        if text.startswith("/"):
            end = text.find(" ") if " " in text else len(text)
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": end}]
        if chat is channel:
            update: dict[str, object] = {"update_id": 500 + number, "channel_post": message}
        else:
            update = {"update_id": 500 + number, "message": message}
        updates.append(update)
    for update in updates:
        await bot.app.receive(update)
    assert bot.fake.sent_messages() == []
    bot.assert_clean()
    rows = await bot.rows("SELECT status FROM inbox WHERE update_id >= 500 AND update_id < 600")
    assert [row["status"] for row in rows] == ["handled"] * len(updates)
