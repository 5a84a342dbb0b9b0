"""End to end: an accepted ride over the following days, driven by the agenda and a fake clock.

The clock starts on Monday 23 November 2026 at 10:00 in Cahors (09:00 UTC); every time below
is Paris time, as people read it.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers import keyboards as kb
from tests.conftest import RunningBot, paris
from tests.fakebot import FakeUser, SentMessage
from tests.setups import describe_need, driver, reads, team

PARIS = ZoneInfo("Europe/Paris")


def sent_at(message: SentMessage) -> str:
    return message.date.astimezone(PARIS).strftime("%Y-%m-%d %H:%M")


def containing(user: FakeUser, text: str) -> list[SentMessage]:
    return [m for m in user.messages() if text in m.text]


async def matched_ride(bot: RunningBot, when: str = "mardi") -> tuple[FakeUser, FakeUser]:
    """Jean drives Cahors → Figeac at 7:30 on weekdays; Marie asked him and he accepted."""
    jean = await driver(bot, 301, "Jean", username="jean_m")
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie, when=when)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    return jean, marie


async def test_both_are_reminded_the_evening_before_and_the_passenger_asked_the_day_after(
    bot: RunningBot,
) -> None:
    jean, marie = await matched_ride(bot)  # for Tuesday 24 November
    jean_mark, marie_mark = jean.mark(), marie.mark()
    await bot.run_until(paris("2026-11-23 17:59"))
    assert jean.texts_since(jean_mark) == [] and marie.texts_since(marie_mark) == []

    await bot.run_until(paris("2026-11-23 18:00"))
    [reminder] = marie.messages()[marie_mark:]
    assert sent_at(reminder) == "2026-11-23 18:00"
    assert reminder.text.startswith("🔔 Rappel : votre trajet de demain")
    assert "📅 mardi 24 novembre, prise en charge vers 7h30 à Cahors, pour Figeac" in reminder.text
    assert "🚗 avec Jean Martin — @jean_m" in reminder.text
    assert reminder.buttons == ["❌ Annuler ce trajet"]
    [to_jean] = jean.messages()[jean_mark:]
    assert sent_at(to_jean) == "2026-11-23 18:00"
    assert to_jean.text.startswith("🔔 Rappel : vous emmenez quelqu'un demain")
    assert "🙋 Marie Delpech — @marie_d" in to_jean.text
    assert to_jean.buttons == ["❌ Je ne peux plus"]

    await bot.run_until(paris("2026-11-25 09:59"))
    assert len(marie.messages()) == marie_mark + 1 and len(jean.messages()) == jean_mark + 1
    await bot.run_until(paris("2026-11-26 12:00"))
    [question] = marie.messages()[marie_mark + 1 :]
    assert sent_at(question) == "2026-11-25 10:00"
    assert question.text.startswith(
        "Bonjour ! Votre trajet avec Jean M. le mardi 24 novembre (Cahors → Figeac, vers 7h30)"
        " a-t-il eu lieu ?"
    )
    assert question.buttons == [
        "✅ Oui, il a eu lieu",
        "❌ Non, il n'a pas eu lieu",
        "🚫 Le conducteur n'est pas venu",
    ]
    assert len(jean.messages()) == jean_mark + 1  # the driver is not asked

    yes_button = question.button("✅ Oui, il a eu lieu")
    assert yes_button is not None
    yes = yes_button["callback_data"]
    no_show_button = question.button("🚫 Le conducteur n'est pas venu")
    assert no_show_button is not None
    no_show = no_show_button["callback_data"]
    await jean.press_data(yes, message=question)
    assert jean.callback_answers()[-1]["text"] == reads(bot, "outcome.not_yours")
    await marie.press_doing(kb.RIDE, "happened")
    assert question.buttons == [] and question.text.endswith("✅ Le trajet a eu lieu.")
    assert marie.last().text.startswith("Merci ! Ravi que cela ait marché.")
    await marie.press_data(no_show, message=question)  # an old press arriving late
    assert marie.callback_answers()[-1]["text"] == reads(bot, "outcome.already")
    [ride] = await bot.rows("SELECT ride_date, ride_outcome FROM introductions")
    assert ride == {"ride_date": "2026-11-24", "ride_outcome": "happened"}

    olga, _, _ = team(bot)
    await bot.operators.command(olga, "stats")
    assert "🏁 Trajets qui ont eu lieu (selon les passagers) : 1" in bot.operators.last().text
    assert bot.operators.messages()[0].text.startswith("📋 Le point du jour")  # Tuesday's
    bot.assert_clean()


async def test_a_ride_accepted_after_the_reminder_hour_is_not_reminded(bot: RunningBot) -> None:
    await bot.run_until(paris("2026-11-23 20:00"))
    jean, marie = await matched_ride(bot, when="demain")
    mark = marie.mark()
    await bot.run_until(paris("2026-11-24 12:00"))
    assert containing(marie, "Rappel") == [] and containing(jean, "Rappel") == []
    await bot.run_until(paris("2026-11-25 10:00"))
    assert [m.text.split(" ")[0] for m in marie.messages()[mark:]] == ["Bonjour"]
    bot.assert_clean()


async def test_the_passenger_cancels_from_the_reminder_and_the_driver_is_told(
    bot: RunningBot,
) -> None:
    jean, marie = await matched_ride(bot)
    await bot.run_until(paris("2026-11-23 18:00"))
    reminder = marie.last()
    await marie.press_doing(kb.NEED, "cancel_ride")
    assert reminder.buttons == ["Oui, annuler ce trajet", "Non, je garde ce trajet"]
    await marie.press_doing(kb.NEED, "keep_ride")
    assert reminder.text.startswith("🔔 Rappel") and reminder.buttons == ["❌ Annuler ce trajet"]
    await marie.press_doing(kb.NEED, "cancel_ride")
    await marie.press_doing(kb.NEED, "cancel", message=reminder)
    assert reminder.text.startswith("❌ Demande annulée.")
    assert jean.last().text.startswith(
        "Marie D. a annulé le trajet (mardi 24 novembre, vers 7h30) pour lequel vous aviez accepté."
    )
    mark = marie.mark()
    await bot.run_until(paris("2026-11-26 12:00"))
    assert marie.texts_since(mark) == []  # no "did it happen?" for a cancelled ride
    [question] = await bot.rows(
        "SELECT status, outcome FROM agenda WHERE kind = ?", "ride_outcome_question"
    )
    assert question == {"status": "done", "outcome": "skipped"}
    bot.assert_clean()


async def test_a_driver_who_can_no_longer_go_frees_the_passenger_for_the_next_one(
    bot: RunningBot,
) -> None:
    jean, marie = await matched_ride(bot)
    paul = await driver(bot, 303, "Paul", username="paul_r", time="7h45")
    await bot.run_until(paris("2026-11-23 18:00"))
    reminder = jean.last()
    await jean.press_doing(kb.INTRO, "withdraw")
    assert reminder.buttons == [
        "Oui, je ne peux plus emmener Marie Delpech",
        "Non, j'emmène bien Marie Delpech",
    ]
    await jean.press_doing(kb.INTRO, "stay")
    assert jean.callback_answers()[-1]["text"] == "Parfait, merci ! Bon trajet avec Marie Delpech."
    assert reminder.buttons == ["❌ Je ne peux plus"]
    cannot_button = reminder.button("❌ Je ne peux plus")
    assert cannot_button is not None
    await marie.press_data(cannot_button["callback_data"], message=reminder)
    assert marie.callback_answers()[-1]["text"] == reads(bot, "intro.not_yours")

    mark = marie.mark()
    await jean.press_doing(kb.INTRO, "withdraw")
    confirm_button = reminder.button("Oui, je ne peux plus emmener Marie Delpech")
    assert confirm_button is not None
    confirm = confirm_button["callback_data"]
    await jean.press_doing(kb.INTRO, "withdraw")
    assert reminder.buttons == []
    assert reminder.text.endswith(
        "C'est noté : je préviens Marie Delpech et lui cherche quelqu'un"
        " d'autre. Merci de l'avoir dit."
    )
    told, next_drivers = marie.messages()[mark:]
    assert told.text == "😕 Jean M. ne peut finalement plus vous emmener. Désolé !"
    assert next_drivers.buttons == [
        "🚗 Demander à Paul M. (mar. 7h45)",
        "🤝 Demander plutôt à l'équipe locale",
    ]
    await jean.press_data(confirm, message=reminder)  # a double press
    assert jean.callback_answers()[-1]["text"] == (reads(bot, "rides.already_withdrawn"))

    await marie.press_doing(kb.NEED, "ask", naming="Paul M.")
    await paul.press_doing(kb.INTRO, "yes")
    assert "Paul Martin accepte de vous emmener" in marie.last().text
    # Accepted after 18:00 for the next morning: no reminder, but the question the day after.
    await bot.run_until(paris("2026-11-25 10:00"))
    assert "Votre trajet avec Paul M." in marie.last().text
    assert len(containing(marie, "Votre trajet avec")) == 1
    bot.assert_clean()


async def test_the_driver_did_not_come_reaches_the_team(bot: RunningBot) -> None:
    jean, marie = await matched_ride(bot)
    await bot.run_until(paris("2026-11-25 10:00"))
    await marie.press_doing(kb.RIDE, "no_show")
    assert marie.last().text.startswith("Nous en sommes désolés. L'équipe locale est prévenue")
    assert bot.operators.last().text == (
        "🚫 Demande n° 1 : Marie Delpech dit que Jean Martin n'était pas au rendez-vous le mardi"
        " 24 novembre. Contact du conducteur : @jean_m"
    )
    events = await bot.rows("SELECT kind FROM need_events WHERE need_id = 1 ORDER BY id")
    assert events[-1] == {"kind": "ride_no_show"}
    bot.assert_clean()


async def test_people_without_telegram_are_reminded_and_asked_through_the_team(
    bot: RunningBot,
) -> None:
    olga, omar, _ = team(bot)
    await olga.start()
    jean = await driver(bot, 301, "Jean", username="jean_m")
    await olga.command("demande")
    await olga.send("Germaine Laval")
    await olga.send("05 65 00 00 00")
    await olga.press_doing(kb.FIND, "shows:yes")
    await olga.press_doing(kb.FIND, "agreed:yes")
    await olga.send("Cahors")
    await olga.send("Figeac")
    await olga.send("mardi")
    await olga.press_doing(kb.FIND, "mode:arrive_before")
    await olga.send("9h")
    await olga.press_doing(kb.FIND, "back:none")
    await olga.press_doing(kb.FIND, "purpose:health")
    await olga.press_doing(kb.FIND, "special:none")
    await olga.press_doing(kb.FIND, "confirm")
    await olga.press_doing(kb.OPERATOR, "ask", naming="Demander à Jean M.")
    await jean.press_doing(kb.INTRO, "yes")

    mark = bot.operators.mark()
    await bot.run_until(paris("2026-11-23 18:00"))
    [call] = bot.operators.messages()[mark:]
    assert call.text.startswith("📞 Rappel à faire par téléphone (demande n° 1)")
    assert "À appeler : Germaine Laval — 05 65 00 00 00" in call.text
    assert "Rappel : vous emmenez quelqu'un demain" in jean.last().text

    await bot.run_until(paris("2026-11-25 10:00"))
    question = bot.operators.last()
    assert question.text.startswith("📞 Demande n° 1 : le trajet a-t-il eu lieu ?")
    assert "Appelez Germaine Laval (05 65 00 00 00)" in question.text
    await bot.operators.press_doing(omar, kb.RIDE, "happened")
    assert question.text.endswith("✅ Le trajet a eu lieu.") and question.buttons == []
    [ride] = await bot.rows("SELECT ride_outcome FROM introductions")
    assert ride == {"ride_outcome": "happened"}
    bot.assert_clean()


async def test_a_dated_need_expires_once_its_day_is_over(bot: RunningBot) -> None:
    lina = bot.fake.user(312, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival", when="jeudi")  # nobody drives it
    post = bot.operators.last()
    assert post.buttons == [
        "🙋 Je m'en occupe",
        "🔎 Conducteurs possibles",
        "🔒 Clore",
        "📜 Historique",
    ]
    mark = lina.mark()
    await bot.run_until(paris("2026-11-27 00:00"))
    [need] = await bot.rows("SELECT status FROM needs")
    assert need == {"status": "expired"}  # at midnight, but told in the morning
    current = [m for m in bot.operators.messages() if "Demande n° 1" in m.text][-1]
    assert current.buttons == ["📜 Historique"]
    await bot.run_until(paris("2026-11-27 09:59"))
    assert lina.texts_since(mark) == []
    await bot.run_until(paris("2026-11-27 10:00"))
    [expired] = lina.messages()[mark:]
    assert expired.text.startswith("⌛ La date de cette demande est passée, je la ferme :")
    assert reads(bot, "need.status.expired") in expired.text
    current = [m for m in bot.operators.messages() if "Demande n° 1" in m.text][-1]
    assert reads(bot, "need.status.expired") in current.text and current.buttons == [
        "📜 Historique"
    ]
    [need] = await bot.rows("SELECT status FROM needs")
    assert need == {"status": "expired"}
    await lina.command("mesdemandes")
    assert reads(bot, "need.status.expired") in lina.last().text and lina.last().buttons == []
    bot.assert_clean()


async def test_a_request_to_a_driver_lapses_before_the_ride_at_the_latest(bot: RunningBot) -> None:
    paul = await driver(bot, 303, "Paul", time="14h")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie, when="aujourd'hui", mode="leave_after", time="13h")
    await marie.press_doing(kb.NEED, "ask", naming="Paul M.")
    # Told the deadline the agenda keeps (two hours before he leaves), not "within 12 h".
    assert "(attendue avant 12h00)" in marie.last().text
    assert paul.last().text.endswith("⏳ Merci de répondre avant 12h00.")
    mark = marie.mark()
    await bot.run_until(paris("2026-11-23 11:59"))  # two hours before he leaves at the latest
    assert marie.texts_since(mark) == []
    await bot.run_until(paris("2026-11-23 12:00"))
    assert marie.texts_since(mark)[0] == "Paul M. n'a pas répondu à temps."
    assert paul.last().text.startswith("La demande de Marie D. a expiré faute de réponse.")
    await paul.press_doing(kb.INTRO, "yes")
    assert paul.callback_answers()[-1]["text"] == reads(bot, "intro.no_longer")
    bot.assert_clean()


async def test_unclaimed_needs_are_posted_again_daily_and_quiet_claimed_ones_remind_their_operator(
    bot: RunningBot,
) -> None:
    olga, omar, _ = team(bot)
    jean = await driver(bot, 301, "Jean")
    lina = bot.fake.user(312, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival", when="10/12")
    first = bot.operators.last()
    await bot.run_until(paris("2026-11-24 09:59"))
    assert bot.operators.last() is not first  # the morning's digest came in between
    reposts = [m for m in bot.operators.messages() if "Toujours en attente" in m.text]
    assert reposts == []
    await bot.run_until(paris("2026-11-24 10:00"))
    [repost] = [m for m in bot.operators.messages() if "Toujours en attente" in m.text]
    assert sent_at(repost) == "2026-11-24 10:00" and "Demande n° 1" in repost.text
    assert first.buttons == [] and repost.buttons[0] == reads(bot, "button.op_claim")

    await bot.run_until(paris("2026-11-25 10:00"))
    second, third = [m for m in bot.operators.messages() if "Toujours en attente" in m.text]
    assert sent_at(third) == "2026-11-25 10:00" and second.buttons == []
    await bot.run_until(paris("2026-11-25 11:00"))
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim", message=third)
    assert "🙋 Suivie par Olga Bru" in third.text

    await bot.run_until(paris("2026-11-28 10:59"))
    reposts = [
        m
        for m in bot.operators.messages()
        if any("Toujours en attente" in text for text in [*m.edits, m.text])
    ]
    assert len(reposts) == 2  # claimed: not posted again
    assert not [m for m in bot.operators.messages() if "sans nouvelles" in m.text]
    await bot.run_until(paris("2026-11-28 11:00"))
    # Olga never opened a private chat with the bot: she is reminded in the group, by name.
    reminder = bot.operators.last()
    assert reminder.text.startswith("⏰ Olga Bru, demande n° 1 sans nouvelles depuis 3 jours")
    assert reminder.buttons == [  # hers already: no "Je m'en occupe" (issue 23, item 15)
        "🔎 Conducteurs possibles",
        "🔒 Clore",
        "📜 Historique",
    ]

    await olga.start()
    await bot.run_until(paris("2026-11-29 09:00"))
    await bot.operators.press_doing(omar, kb.OPERATOR, "drivers", message=reminder)
    await bot.operators.press_doing(omar, kb.OPERATOR, "ask", naming="Demander à Jean M.")
    await jean.press_doing(kb.INTRO, "no")  # news: the reminder moves to 3 days after it
    await bot.run_until(paris("2026-12-02 08:59"))
    assert "sans nouvelles" not in olga.last().text
    await bot.run_until(paris("2026-12-02 09:00"))
    assert olga.last().text.startswith("⏰ Demande n° 1 sans nouvelles depuis 3 jours")
    assert sent_at(olga.last()) == "2026-12-02 09:00"
    bot.take_blocked_errors()
    bot.assert_clean()


async def test_the_daily_digest_tells_the_team_what_is_new_open_and_planned(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    jean, marie = await matched_ride(bot)  # a ride on Tuesday
    lina = bot.fake.user(312, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival", when="10/12")
    await bot.run_until(paris("2026-11-24 08:00"))
    digest = bot.operators.last()
    assert sent_at(digest) == "2026-11-24 08:00"
    assert digest.text.startswith("📋 Le point du jour — mardi 24 novembre")
    assert (
        "🆕 Nouvelles demandes ouvertes (24 h) : 1\n"
        "• n° 2 Lina Vern — Lacapelle-Marival → Figeac, jeudi 10 décembre, arrivée avant 9h00"
        " · 📌 Personne ne s'en occupe encore"
    ) in digest.text
    assert "⏳ Toujours ouvertes : 0\n—" in digest.text
    assert (
        "🚗 Trajets prévus aujourd'hui : 1\n• 7h30 Marie Delpech avec Jean Martin — Cahors → Figeac"
    ) in digest.text
    assert "Messages non remis" not in digest.text
    assert digest.buttons == ["n° 2 · Lina V."]

    await bot.operators.press_doing(olga, kb.OPERATOR, "show")
    shown = bot.operators.last()
    assert shown.text.startswith("🆘 Demande n° 2") and shown.buttons[0] == reads(
        bot, "button.op_claim"
    )
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim", message=shown)
    assert "🙋 Suivie par Olga Bru" in shown.text  # the post shown is the one kept up to date

    await bot.run_until(paris("2026-11-25 08:00"))
    digest = bot.operators.last()
    assert "🆕 Nouvelles demandes ouvertes (24 h) : 0" in digest.text
    assert "⏳ Toujours ouvertes : 1\n• n° 2 Lina Vern" in digest.text
    assert "🙋 Suivie par Olga Bru" in digest.text
    assert "🚗 Trajets prévus aujourd'hui : 0" in digest.text
    digests = [m for m in bot.operators.messages() if m.text.startswith("📋")]
    assert [sent_at(m) for m in digests] == ["2026-11-24 08:00", "2026-11-25 08:00"]
    bot.assert_clean()


async def test_regular_trips_are_checked_every_four_weeks_and_paused_without_an_answer(
    bot: RunningBot,
) -> None:
    jean = await driver(bot, 301, "Jean")
    paul = await driver(bot, 303, "Paul", time="7h45")
    rose = await driver(bot, 304, "Rose", time="8h")
    await bot.run_until(paris("2026-12-21 09:59"))
    assert not containing(jean, "toujours lieu")
    await bot.run_until(paris("2026-12-21 10:00"))
    for person in (jean, paul, rose):
        question = person.last()
        assert sent_at(question) == "2026-12-21 10:00"
        assert question.text.startswith("🚗 Votre trajet a-t-il toujours lieu ?")
        assert "Sans réponse dans 7 jours, je le mets en pause" in question.text
        assert question.buttons == [
            "✅ Oui, il a toujours lieu",
            "⏸ Mettre en pause",
            "🗑 Supprimer",
        ]

    await paul.press_doing(kb.CHECK, "keep")
    assert paul.last().text.endswith(
        "✅ Merci ! Le trajet reste proposé ; je reposerai la question dans 4 semaines."
    )
    await rose.press_doing(kb.CHECK, "delete")
    assert rose.buttons() == ["Oui, supprimer", "Non, garder"]
    await rose.press_doing(kb.CHECK, "delete")
    assert rose.last().text.endswith("🗑 Trajet supprimé. Merci d'avoir prévenu !")

    mark = jean.mark()
    await bot.run_until(paris("2026-12-28 10:00"))
    [paused] = jean.messages()[mark:]
    assert paused.text.startswith("⏸ Faute de réponse, j'ai mis en pause votre trajet")
    assert paused.buttons == ["▶️ Reprendre"]
    statuses = await bot.rows("SELECT status FROM trips ORDER BY id")
    assert [s["status"] for s in statuses] == ["paused", "active", "deleted"]
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie, when="mardi")
    assert marie.last().buttons[0] == "🚗 Demander à Paul M. (mar. 7h45)"
    assert len(marie.last().buttons) == 2  # Jean's paused trip is not offered

    await jean.press_doing(kb.TRIP, "resume")
    assert "▶️ Trajet repris" in jean.last().text
    await bot.run_until(paris("2027-01-18 10:00"))
    assert paul.last().text.startswith("🚗 Votre trajet a-t-il toujours lieu ?")
    assert sent_at(paul.last()) == "2027-01-18 10:00"
    assert len(containing(rose, "toujours lieu ?")) == 1  # a deleted trip is not asked again
    await bot.run_until(paris("2027-01-25 10:00"))  # four weeks after Jean resumed
    assert jean.last().text.startswith("🚗 Votre trajet a-t-il toujours lieu ?")
    assert sent_at(jean.last()) == "2027-01-25 10:00"
    assert len(containing(paul, "toujours lieu ?")) == 2
    [check] = await bot.rows(
        "SELECT status FROM agenda WHERE kind = 'trip_check_timeout' AND subject_id = 2"
        " ORDER BY id LIMIT 1"
    )
    assert check == {"status": "done"}
    bot.assert_clean()


async def test_a_driver_without_telegram_is_checked_through_the_team(bot: RunningBot) -> None:
    olga, omar, _ = team(bot)
    await olga.start()
    await olga.command("conducteur")
    await olga.send("René Causse")
    await olga.send("06 11 22 33 44")
    await olga.press_doing(kb.OFFER, "shows:yes")
    await olga.press_doing(kb.OFFER, "agreed:yes")
    await olga.send("Gramat")
    await olga.send("Cahors")
    await olga.press_doing(kb.OFFER, "often:weekly")
    await olga.press_doing(kb.OFFER, "days:work")
    await olga.press_doing(kb.OFFER, "days:ok")
    await olga.send("8h")
    await olga.press_doing(kb.OFFER, "noreturn")
    await olga.press_doing(kb.OFFER, "seats:2")
    await olga.press_doing(kb.OFFER, "skipnote")
    await olga.press_doing(kb.OFFER, "confirm")
    await bot.run_until(paris("2026-12-21 10:00"))
    question = bot.operators.last()
    assert question.text.startswith("📞 Trajet à vérifier par téléphone")
    assert "Appelez René Causse (06 11 22 33 44)" in question.text
    nadia = bot.fake.users[403]  # not in the operators' group
    await bot.operators.press_doing(nadia, kb.CHECK, "pause", message=question)
    assert nadia.callback_answers()[-1]["text"] == reads(bot, "operators.only")
    await bot.operators.press_doing(omar, kb.CHECK, "pause", message=question)
    assert question.text.endswith("⏸ Trajet mis en pause. Le bouton ci-dessous le reprend.")
    assert question.buttons == ["▶️ Reprendre"]
    [trip] = await bot.rows("SELECT status FROM trips")
    assert trip == {"status": "paused"}
    mark = bot.operators.mark()
    await bot.run_until(paris("2026-12-28 10:00"))
    assert bot.operators.texts_since(mark)[-1].startswith("📋 Le point du jour")  # nothing else
    await bot.operators.press_doing(olga, kb.CHECK, "keep", message=question)
    assert question.text.endswith(
        "▶️ Merci ! Le trajet est repris : il est de nouveau proposé aux passagers. Je reposerai"
        " la question dans 4 semaines."
    )
    [trip] = await bot.rows("SELECT status FROM trips")
    assert trip == {"status": "active"}
    bot.assert_clean()


NOT_FOUND = "Cette demande n'existe plus ou est déjà terminée. Vos demandes : /mesdemandes"
OLD = "Ce bouton ne sert plus. Utilisez le dernier message, ou tapez /aide."


async def test_forged_and_stale_buttons_of_the_ride_messages(bot: RunningBot) -> None:
    jean, marie = await matched_ride(bot)
    for data in (
        "rd:999:happened",
        "rd:1:maybe",
        "rd:x",
        "tc:999:keep",
        "tc:1:explode",
        "in:999:withdraw",
        "op:1:show",
    ):
        await marie.press_data(data)
    answers = [a["text"] for a in marie.callback_answers()[-7:]]
    assert answers == [
        OLD,
        OLD,
        OLD,
        "Ce trajet n'existe plus. Tapez /mestrajets pour voir vos trajets.",
        OLD,
        OLD,
        "Réservé à l'équipe locale de Mobilot.",
    ]
    await bot.run_until(paris("2026-11-25 10:00"))
    await jean.press_data("rd:1:happened")
    assert jean.callback_answers()[-1]["text"] == reads(bot, "outcome.not_yours")
    await jean.press_data("tc:1:delete:yes")
    assert jean.callback_answers()[-1]["text"] is None  # his own trip: deleted
    [trip] = await bot.rows("SELECT status FROM trips")
    assert trip == {"status": "deleted"}
    bot.assert_clean()


async def test_a_driver_pausing_a_trip_is_reminded_of_the_rides_already_promised(
    bot: RunningBot,
) -> None:
    jean, marie = await matched_ride(bot)
    await jean.command("mestrajets")
    await jean.press_doing(kb.TRIP, "pause")
    promised = jean.last()
    assert promised.text == (
        "ℹ️ Vous aviez accepté d'emmener Marie Delpech (mardi 24 novembre, vers 7h30) : cela"
        " reste prévu. Si vous ne pouvez plus, dites-le avec le bouton ci-dessous, je préviendrai"
        " Marie Delpech."
    )
    mark = marie.mark()
    await jean.press_doing(kb.INTRO, "withdraw", message=promised)
    await jean.press_doing(kb.INTRO, "withdraw", message=promised)
    assert marie.texts_since(mark)[0] == "😕 Jean M. ne peut finalement plus vous emmener. Désolé !"
    await bot.run_until(paris("2026-11-24 12:00"))
    assert not containing(marie, "Rappel") and not containing(jean, "Rappel")
    await jean.press_doing(kb.TRIP, "resume")
    await jean.press_doing(kb.TRIP, "pause")
    assert "Vous aviez accepté" not in jean.last().text  # nothing promised any more
    bot.assert_clean()


async def test_a_ride_gone_by_can_no_longer_be_cancelled(bot: RunningBot) -> None:
    jean, marie = await matched_ride(bot)
    await bot.run_until(paris("2026-11-23 18:00"))
    reminder = marie.last()
    await marie.press_data("rd:1:happened", message=reminder)  # forged: the ride is to come
    assert marie.callback_answers()[-1]["text"] == OLD
    await bot.run_until(paris("2026-11-24 07:31"))  # Jean picked her up a minute ago
    mark = jean.mark()
    await marie.press_doing(kb.NEED, "cancel_ride", message=reminder)
    assert marie.callback_answers()[-1]["text"] == NOT_FOUND
    assert reminder.buttons == []
    await marie.press_data("nd:1:cancel:yes", message=reminder)
    assert marie.callback_answers()[-1]["text"] == NOT_FOUND
    await marie.command("mesdemandes")
    assert "un conducteur a accepté" in marie.last().text and marie.last().buttons == []
    assert jean.texts_since(mark) == []
    await bot.run_until(paris("2026-11-25 10:00"))
    assert marie.last().text.startswith("Bonjour ! Votre trajet avec Jean M.")
    bot.assert_clean()


async def test_a_paused_trip_resumes_when_its_driver_says_it_still_runs(bot: RunningBot) -> None:
    jean = await driver(bot, 301, "Jean")
    await bot.run_until(paris("2026-12-28 10:00"))  # asked on the 21st, paused on the 28th
    question = containing(jean, "a-t-il toujours lieu ?")[0]
    await jean.press_doing(kb.CHECK, "keep", message=question)
    assert question.text.endswith("Je reposerai la question dans 4 semaines.")
    assert question.text.split("\n\n")[-1].startswith("▶️ Merci ! Le trajet est repris")
    [trip] = await bot.rows("SELECT status FROM trips")
    assert trip == {"status": "active"}
    await bot.run_until(paris("2027-01-25 10:00"))
    assert len(containing(jean, "a-t-il toujours lieu ?")) == 2
    bot.assert_clean()


async def test_cancelling_a_ride_with_a_driver_without_telegram_asks_the_team_to_call(
    bot: RunningBot,
) -> None:
    olga, omar, _ = team(bot)
    await olga.start()
    await olga.command("conducteur")
    await olga.send("René Causse")
    await olga.send("06 11 22 33 44")
    await olga.press_doing(kb.OFFER, "shows:yes")
    await olga.press_doing(kb.OFFER, "agreed:yes")
    await olga.send("Cahors")
    await olga.send("Figeac")
    await olga.press_doing(kb.OFFER, "often:weekly")
    await olga.press_doing(kb.OFFER, "days:work")
    await olga.press_doing(kb.OFFER, "days:ok")
    await olga.send("7h30")
    await olga.press_doing(kb.OFFER, "noreturn")
    await olga.press_doing(kb.OFFER, "seats:2")
    await olga.press_doing(kb.OFFER, "skipnote")
    await olga.press_doing(kb.OFFER, "confirm")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="René C.")
    await bot.operators.press_doing(omar, kb.INTRO, "yes")
    await marie.command("mesdemandes")
    await marie.press_doing(kb.NEED, "cancel")
    await marie.press_doing(kb.NEED, "cancel")
    assert bot.operators.last().text == (
        "📞 Demande n° 1 : Marie Delpech a annulé le trajet (mardi 24 novembre, vers 7h30)."
        " Prévenez René Causse : 06 11 22 33 44"
    )
    mark = bot.operators.mark()
    await bot.run_until(paris("2026-11-23 18:00"))
    assert not [t for t in bot.operators.texts_since(mark) if "Rappel" in t]
    bot.assert_clean()


async def test_an_operator_answers_a_private_reminder_in_their_own_language(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    await olga.command("language")
    await olga.press_doing(kb.LANGUAGE, "en")
    lina = bot.fake.user(312, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival", when="10/12")
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim")
    await bot.run_until(paris("2026-11-26 10:00"))
    reminder = olga.last()
    assert reminder.text.startswith("⏰ Request no. 1 without news for 3 days")
    await olga.press_doing(kb.OPERATOR, "close", message=reminder)
    assert reminder.buttons[-1] == "↩️ Back"
    await olga.press_doing(kb.OPERATOR, "back", message=reminder)
    assert reminder.buttons == ["🙋 I'll take it", "🔎 Possible drivers", "🔒 Close", "📜 History"]
    await olga.press_doing(kb.OPERATOR, "close", message=reminder)
    await olga.press_doing(kb.OPERATOR, "close:solved_other", message=reminder)
    assert reminder.buttons == [] and "Request no. 1 closed" in reminder.text
    [need] = await bot.rows("SELECT status FROM needs")
    assert need == {"status": "closed"}
    bot.assert_clean()
