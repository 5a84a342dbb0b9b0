"""A week of the service, simulated in seconds: every scheduled message is sent once, at the
right local time, in its reader's language, across a crash in the middle of the week."""

from __future__ import annotations

from handlers import keyboards as kb
from tests.conftest import RunningBot, paris
from tests.fakebot import FakeUser, SentMessage
from tests.setups import agree_if_asked, describe_need, driver, team
from tests.test_ride_life import sent_at


def timeline(chats: dict[str, FakeUser], bot: RunningBot, after: str) -> list[tuple[str, ...]]:
    """(local time, reader, first line) of every message sent after `after`, in order."""
    sent: list[tuple[str, str, SentMessage]] = []
    readers = {**chats, "team": bot.operators}
    for name, chat in readers.items():
        sent += [(sent_at(m), name, m) for m in chat.messages() if sent_at(m) > after]
    sent.sort(key=lambda item: (item[0], item[2].message_id, item[1]))
    return [(when, name, message.text.split("\n")[0]) for when, name, message in sent]


async def test_a_week_of_the_service(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    jean = await driver(bot, 301, "Jean", username="jean_m")
    paul = await driver(bot, 303, "Paul", username="paul_r", time="7h45")
    await paul.command("langue")
    await paul.press_doing(kb.LANGUAGE, "en")  # Paul reads English from now on
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    emma = bot.fake.user(304, "Emma", last_name="Stone", username="emma_s", language_code="en")
    lina = bot.fake.user(312, "Lina", last_name="Vern")

    # Monday 10:00: Marie gets Jean for Tuesday; Emma asks Paul for Thursday; Lina's trip
    # (Saturday) has no driver and goes to the team.
    await describe_need(marie, when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await emma.command("find")
    await agree_if_asked(emma)
    await emma.send("Cahors")
    await emma.send("Figeac")
    await emma.send("thursday")
    await emma.press_doing(kb.FIND, "mode:arrive_before")
    await emma.send("9am")
    await emma.press_doing(kb.FIND, "back:none")
    await emma.press_doing(kb.FIND, "purpose:work")
    await emma.press_doing(kb.FIND, "special:none")
    await emma.press_doing(kb.FIND, "confirm")
    await emma.press_doing(kb.NEED, "ask", naming="Paul M.")
    await describe_need(lina, origin="Lacapelle-Marival", when="samedi")
    start = "2026-11-23 10:00"

    await bot.run_until(paris("2026-11-24 09:00"))
    await emma.press_doing(
        kb.NEED, "ask", naming="Jean M."
    )  # Tuesday morning, after Paul's silence
    await jean.press_doing(kb.INTRO, "yes")
    await bot.run_until(paris("2026-11-25 11:00"))
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim")
    await bot.run_until(paris("2026-11-25 12:00"))
    await bot.crash_and_restart()
    await bot.run_until(paris("2026-11-27 10:30"))
    await emma.press_doing(kb.RIDE, "happened")
    await bot.run_until(paris("2026-11-30 09:00"))

    people = {"jean": jean, "paul": paul, "marie": marie, "emma": emma, "lina": lina}
    assert timeline(people, bot, start) == [
        ("2026-11-23 18:00", "marie", "🔔 Rappel : votre trajet de demain"),
        ("2026-11-23 18:00", "jean", "🔔 Rappel : vous emmenez quelqu'un demain"),
        ("2026-11-23 22:00", "emma", "Paul M. did not answer in time."),
        ("2026-11-23 22:00", "emma", "Here are other possible drivers:"),
        ("2026-11-23 22:00", "paul", "Emma S.'s request expired without an answer. Please answer next time, even to say no."),
        ("2026-11-24 08:00", "team", "📋 Le point du jour — mardi 24 novembre"),
        ("2026-11-24 09:00", "emma", "I have sent your request to Jean M.: I will tell you as soon as I have the answer (expected by 21:00)."),
        ("2026-11-24 09:00", "emma", "🎉 Jean Martin agrees to take you (Thursday 26 November, around 07:30)!"),
        ("2026-11-24 09:00", "jean", "🙋 Demande de covoiturage"),
        ("2026-11-24 09:00", "jean", "✅ Merci ! Voici comment joindre Emma Stone : @emma_s"),
        ("2026-11-24 10:00", "team", "🆘 Demande n° 3"),  # posted again: nobody took it
        ("2026-11-25 08:00", "team", "📋 Le point du jour — mercredi 25 novembre"),
        ("2026-11-25 10:00", "team", "🆘 Demande n° 3"),
        ("2026-11-25 10:00", "marie", "Bonjour ! Votre trajet avec Jean M. le mardi 24 novembre (Cahors → Figeac, vers 7h30) a-t-il eu lieu ?"),
        ("2026-11-25 18:00", "emma", "🔔 Reminder: your ride tomorrow"),
        ("2026-11-25 18:00", "jean", "🔔 Rappel : vous emmenez quelqu'un demain"),
        ("2026-11-26 08:00", "team", "📋 Le point du jour — jeudi 26 novembre"),
        ("2026-11-27 08:00", "team", "📋 Le point du jour — vendredi 27 novembre"),
        ("2026-11-27 10:00", "emma", "Hello! Did your ride with Jean M. on Thursday 26 November (Cahors → Figeac, around 07:30) happen?"),
        ("2026-11-27 10:30", "emma", "Thank you! Glad it worked. 🙂 For another ride: /find"),
        ("2026-11-28 08:00", "team", "📋 Le point du jour — samedi 28 novembre"),
        ("2026-11-28 11:00", "team", "⏰ Olga Bru, demande n° 3 sans nouvelles depuis 3 jours"),
        ("2026-11-29 08:00", "team", "📋 Le point du jour — dimanche 29 novembre"),
        ("2026-11-29 10:00", "lina", "⌛ La date de cette demande est passée, je la ferme :"),
        ("2026-11-30 08:00", "team", "🔎 Aides à vérifier encore (5) : la dernière vérification a plus de 6 mois, ou n'a jamais été faite. Regardez leur page. Puis, dans votre fichier des aides (AIDS_FILE), corrigez-les et mettez la date du jour dans checkedOn (pour une aide livrée avec Mobilot, copiez sa ligne dans votre fichier)."),  # the catalogue's weekly review
        ("2026-11-30 08:00", "team", "📋 Le point du jour — lundi 30 novembre"),
    ]  # fmt: skip
    bot.take_blocked_errors()  # Olga never opened a private chat: reminded in the group instead
    bot.assert_clean()
