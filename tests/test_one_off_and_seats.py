"""End to end: trips made once, seats counted per ride date, and the bot honest about time.

The clock starts on Monday 23 November 2026, 10:00 in Cahors.
"""

from __future__ import annotations

from handlers import keyboards as kb
from tests.conftest import RunningBot, paris
from tests.fakebot import FakeUser
from tests.setups import describe_need, driver, reads, team


class Transcript:
    """What each person typed or pressed, and what the bot answered, in order."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    async def say(self, user: FakeUser, text: str) -> None:
        await self._do(user, f"« {text} »", user.send(text))

    async def tap(
        self, user: FakeUser, kind: str, action: str, *, naming: str | None = None
    ) -> None:
        """Presses the button that does `action` (see FakeUser.press_doing); the transcript
        shows its label."""
        message, data = user.button_doing(kind, action, naming=naming)
        label = next(b["text"] for row in message.inline_keyboard for b in row
                     if b.get("callback_data") == data)  # fmt: skip
        await self._do(user, f"[{label}]", user.press_data(data, message=message))

    async def command(self, user: FakeUser, name: str) -> None:
        await self._do(user, f"/{name}", user.command(name))

    async def _do(self, user: FakeUser, shown: str, action: object) -> None:
        marks = {chat: chat.mark() for chat in self._chats}
        self.lines.append(f"{user.first_name} → {shown}")
        await action  # type: ignore[misc]
        self.note(marks)

    _chats: list[FakeUser] = []

    def watch(self, *chats: FakeUser) -> None:
        self._chats = list(chats)

    def note(self, marks: dict[FakeUser, int]) -> None:
        for chat, mark in marks.items():
            for message in chat.messages()[mark:]:
                buttons = f"   {message.buttons}" if message.buttons else ""
                text = message.text.replace("\n", "\n      ")
                self.lines.append(f"   bot → {chat.first_name}: {text}{buttons}")

    def __str__(self) -> str:
        return "\n".join(self.lines)


async def offer_once(
    user: FakeUser,
    when: str = "demain",
    origin: str = "Cahors",
    destination: str = "Figeac",
    time: str = "7h30",
    seats: str = "1",
) -> None:
    await user.command("proposer")
    if user.has_button(kb.OFFER, "consent:yes"):
        await user.press_doing(kb.OFFER, "consent:yes")
    await user.send(origin)
    await user.send(destination)
    await user.press_doing(kb.OFFER, "often:once")
    await user.send(when)
    await user.send(time)
    await user.press_doing(kb.OFFER, "noreturn")
    await user.send(seats)
    await user.press_doing(kb.OFFER, "skipnote")
    await user.press_doing(kb.OFFER, "contact:tg")
    await user.press_doing(kb.OFFER, "confirm")
    assert "Trajet enregistré" in user.last().text


async def test_a_one_off_trip_typed_in_words_is_matched_for_its_date_only(
    bot: RunningBot,
) -> None:
    jean = bot.fake.user(301, "Jean", last_name="Martin", username="jean_m")
    await jean.command("proposer")
    await jean.press_doing(kb.OFFER, "consent:yes")
    await jean.send("Cahors")
    await jean.send("Figeac")
    assert "chaque semaine, ou une seule fois ?" in jean.last().text
    assert jean.buttons() == ["🔁 Chaque semaine", "📅 Une seule fois"]
    await jean.send("n'importe quoi")
    assert "Je n'ai pas compris « n'importe quoi »" in jean.last().text
    mark = jean.mark()
    await jean.send("mardi prochain")  # a date: made once
    assert "📅 Le mardi 24 novembre, demain" in jean.texts_since(mark)
    assert "À quelle heure partez-vous ?" in jean.last().text
    await jean.send("7h30")
    await jean.press_doing(kb.OFFER, "noreturn")
    await jean.send("1")
    await jean.press_doing(kb.OFFER, "skipnote")
    await jean.press_doing(kb.OFFER, "contact:tg")
    summary = jean.last().text
    assert "une seule fois, le mardi 24 novembre, départ à 7h30, sans retour" in summary
    await jean.press_doing(kb.OFFER, "confirm")
    [trip] = await bot.rows("SELECT trip_date, weekdays, seats FROM trips")
    assert trip == {"trip_date": "2026-11-24", "weekdays": 0b10, "seats": 1}
    # Nobody will ask whether a trip made once still runs.
    kinds = [row["kind"] for row in await bot.rows("SELECT kind FROM agenda")]
    assert "trip_expiry" in kinds and "trip_check" not in kinds

    await jean.command("mestrajets")
    assert "une seule fois, le mardi 24 novembre" in jean.last().text

    # A need on Tuesday the 24th finds him; one on Tuesday 1 December, or every Tuesday, not.
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie, when="mardi")
    assert "Jean M. — mardi 24 novembre" in marie.last().text
    lina = bot.fake.user(303, "Lina", last_name="Vern")
    await describe_need(lina, when="1/12")
    assert "Je n'ai pas trouvé de conducteur" in lina.messages()[-1].text
    bot.assert_clean()


async def test_a_one_off_trip_ends_after_its_day_and_counts_in_the_statistics(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    jean = bot.fake.user(301, "Jean", last_name="Martin")
    await offer_once(jean, when="demain")
    await jean.command("mestrajets")
    assert "une seule fois, le mardi 24 novembre" in jean.last().text
    await bot.run_until(paris("2026-11-24 23:59"))
    [row] = await bot.rows("SELECT status, expired_at FROM trips")
    assert row["status"] == "active" and row["expired_at"] is None
    await bot.run_until(paris("2026-11-25 00:01"))
    [row] = await bot.rows("SELECT status, expired_at FROM trips")
    assert row["status"] == "deleted" and row["expired_at"] is not None  # read as expired
    await jean.command("mestrajets")
    assert "Vous n'avez pas de trajet enregistré" in jean.last().text

    await olga.command("stats")
    assert "📅 Trajets faits une seule fois : 1" in olga.last().text
    bot.assert_clean()


async def test_the_team_registers_a_one_off_trip_for_a_driver_who_phoned(bot: RunningBot) -> None:
    _, omar, _ = team(bot)
    await omar.command("conducteur")
    await omar.send("Roger Lafon")
    await omar.send("06 12 34 56 78")
    await omar.press_doing(kb.OFFER, "shows:yes")
    await omar.press_doing(kb.OFFER, "agreed:yes")
    await omar.send("Gramat")
    await omar.send("Figeac")
    assert "La personne fait-elle ce trajet chaque semaine, ou une seule fois ?" in (
        omar.last().text
    )
    await omar.send("une seule fois")
    assert "Quel jour ?" in omar.last().text
    await omar.send("22/11/2026")
    assert "Quel jour la personne fait-elle ce trajet ?" in omar.last().text
    await omar.send("le 12/12")
    await omar.send("8h")
    await omar.press_doing(kb.OFFER, "noreturn")
    await omar.press_doing(kb.OFFER, "seats:2")
    await omar.press_doing(kb.OFFER, "skipnote")
    assert "une seule fois, le samedi 12 décembre, départ à 8h00" in omar.last().text
    await omar.press_doing(kb.OFFER, "confirm")
    [trip] = await bot.rows("SELECT trip_date, seats, status FROM trips")
    assert trip == {"trip_date": "2026-12-12", "seats": 2, "status": "active"}
    bot.assert_clean()


async def test_a_date_in_the_past_is_asked_again(bot: RunningBot) -> None:
    jean = bot.fake.user(301, "Jean")
    await jean.command("proposer")
    await jean.press_doing(kb.OFFER, "consent:yes")
    await jean.send("Cahors")
    await jean.send("Figeac")
    await jean.press_doing(kb.OFFER, "often:once")
    await jean.send("22/11/2026")
    assert "Le dimanche 22 novembre est déjà passé" in jean.last().text
    await jean.send("hier soir peut-être")
    assert "Je n'ai pas compris la date" in jean.last().text
    await jean.press_doing(kb.OFFER, "date:tomorrow")
    assert "À quelle heure partez-vous ?" in jean.last().text
    bot.assert_clean()


async def test_one_seat_taken_by_the_first_passenger_the_second_is_offered_other_drivers(
    bot: RunningBot,
) -> None:
    """The "Done when" transcript: a driver offers a one-off trip with one seat; the first of
    two passengers takes it; the second is offered other drivers."""
    jean = bot.fake.user(301, "Jean", last_name="Martin", username="jean_m")
    paul = await driver(bot, 303, "Paul", username="paul_c", time="7h15")  # every weekday
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    lina = bot.fake.user(304, "Lina", last_name="Vern", username="lina_v")
    script = Transcript()
    script.watch(jean, marie, lina, paul)
    await script.command(jean, "proposer")
    await script.tap(jean, kb.OFFER, "consent:yes")
    await script.say(jean, "Cahors")
    await script.say(jean, "Figeac")
    await script.say(jean, "mardi prochain")
    await script.say(jean, "7h30")
    await script.tap(jean, kb.OFFER, "noreturn")
    await script.say(jean, "1")
    await script.tap(jean, kb.OFFER, "skipnote")
    await script.tap(jean, kb.OFFER, "contact:tg")
    await script.tap(jean, kb.OFFER, "confirm")

    await script.command(marie, "chercher")
    await script.tap(marie, kb.FIND, "consent:yes")  # the consent before a first need
    await script.say(marie, "Cahors")
    await script.say(marie, "Figeac")
    await script.say(marie, "mardi")
    await script.tap(marie, kb.FIND, "mode:arrive_before")
    await script.say(marie, "9h")
    await script.tap(marie, kb.FIND, "back:none")
    await script.tap(marie, kb.FIND, "purpose:health")
    await script.tap(marie, kb.FIND, "special:none")
    await script.tap(marie, kb.FIND, "confirm")
    assert "Jean M." in marie.last().text and "Paul M." in marie.last().text
    await script.tap(marie, kb.NEED, "ask", naming="Jean M.")
    await script.tap(jean, kb.INTRO, "yes")
    assert "Jean Martin accepte de vous emmener" in marie.last().text
    await script.command(jean, "mestrajets")
    assert "👥 mardi 24 novembre : Marie Delpech vient avec vous" in jean.last().text

    await script.command(lina, "chercher")
    await script.tap(lina, kb.FIND, "consent:yes")  # the consent before a first need
    await script.say(lina, "Cahors")
    await script.say(lina, "Figeac")
    await script.say(lina, "mardi")
    await script.tap(lina, kb.FIND, "mode:arrive_before")
    await script.say(lina, "9h")
    await script.tap(lina, kb.FIND, "back:none")
    await script.tap(lina, kb.FIND, "purpose:shopping")
    await script.tap(lina, kb.FIND, "special:none")
    await script.tap(lina, kb.FIND, "confirm")
    offered = lina.last()
    assert "Paul M." in offered.text and "Jean M." not in offered.text
    assert offered.buttons[0] == "🚗 Demander à Paul M. (mar. 7h15)"
    await script.tap(lina, kb.NEED, "ask", naming="Paul M.")
    await script.tap(paul, kb.INTRO, "yes")
    assert "Paul Martin accepte de vous emmener" in lina.last().text
    print(f"\n{script}\n")
    bot.assert_clean()


async def test_a_one_seat_trip_and_three_passengers(bot: RunningBot) -> None:
    """A regular 1-seat trip on weekdays: the seat of Tuesday 24 goes to the first passenger;
    the second, for the same Tuesday, is not offered the trip, and the team sees it as full;
    the third, for Tuesday 1 December, gets it. With a second seat, the second passenger
    hears of the trip at last."""
    olga, _, _ = team(bot)
    jean = await driver(bot, 301, "Jean", username="jean_m")
    await jean.command("mestrajets")
    await jean.press_doing(kb.TRIP, "seats")
    await jean.press_doing(kb.TRIP, "seats:1")
    assert "💺 C'est noté : 1 place pour ce trajet." in jean.last().text
    [trip] = await bot.rows("SELECT seats FROM trips")
    assert trip["seats"] == 1

    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    lina = bot.fake.user(303, "Lina", last_name="Vern")
    rose = bot.fake.user(304, "Rose", last_name="Bal")
    await describe_need(marie, when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    assert "Jean Martin accepte de vous emmener" in marie.last().text
    await jean.command("mestrajets")
    assert "👥 mardi 24 novembre : Marie Delpech vient avec vous" in jean.last().text

    await describe_need(lina, when="mardi")  # the same Tuesday: his seat is taken
    assert "Je n'ai pas trouvé de conducteur" in lina.last().text
    # The team's wider search shows him, full that day, without a button to ask him.
    post = bot.operators.last()
    await bot.operators.press_doing(olga, kb.OPERATOR, "drivers", message=post)
    found = bot.operators.last()
    assert "Jean M." in found.text and reads(bot, "rides.full_that_day") in found.text
    assert found.buttons == []

    # Another date still has its seat.
    await describe_need(rose, when="1/12")
    assert "Jean M. — mardi 1er décembre" in rose.last().text

    # Jean adds a seat: Lina, still waiting, is told; Marie and Rose, who saw him, are not.
    marks = {user: user.mark() for user in (marie, lina, rose)}
    await jean.command("mestrajets")
    await jean.press_doing(kb.TRIP, "seats")
    assert jean.last().buttons[:2] == ["✅ 1", "2"]
    await jean.press_doing(kb.TRIP, "seats:2")
    assert "Bonne nouvelle" in lina.last().text and "Jean M." in lina.last().text
    assert marie.texts_since(marks[marie]) == [] and rose.texts_since(marks[rose]) == []
    bot.assert_clean()


async def test_a_button_for_a_seat_taken_meanwhile_offers_the_other_drivers(
    bot: RunningBot,
) -> None:
    jean = bot.fake.user(301, "Jean", last_name="Martin", username="jean_m")
    await offer_once(jean, when="demain", seats="1")
    await driver(bot, 303, "Paul", time="7h15")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    lina = bot.fake.user(304, "Lina", last_name="Vern")
    await describe_need(marie, when="demain")
    await describe_need(lina, when="demain")  # both see Jean
    lina_choices = lina.last()
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await lina.press_doing(kb.NEED, "ask", naming="Jean M.", message=lina_choices)
    assert lina.callback_answers()[-1]["text"] == reads(bot, "intro.unavailable")
    assert "Paul M." in lina.last().text and "Jean M." not in lina.last().text
    assert lina.buttons(lina.last())[0] == "🚗 Demander à Paul M. (mar. 7h15)"
    bot.assert_clean()


async def test_a_full_car_is_a_kind_no_for_the_second_passenger_not_a_silent_wait(
    bot: RunningBot,
) -> None:
    jean = bot.fake.user(301, "Jean", last_name="Martin", username="jean_m")
    await offer_once(jean, when="demain", seats="1")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    lina = bot.fake.user(303, "Lina", last_name="Vern")
    await describe_need(marie, when="demain")
    await describe_need(lina, when="demain")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    to_marie = jean.last()
    await lina.press_doing(kb.NEED, "ask", naming="Jean M.")
    to_lina = jean.last()
    await jean.press_doing(kb.INTRO, "yes", message=to_marie)
    await jean.press_doing(kb.INTRO, "yes", message=to_lina)
    # Jean is told why, on the request itself; Lina hears it at once, not at the deadline.
    assert "Il ne reste plus de place ce jour-là" in to_lina.text
    assert to_lina.buttons == []
    assert any("Jean M. n'a plus de place ce jour-là" in m.text for m in lina.messages())
    [settled] = await bot.rows(
        "SELECT status FROM introductions WHERE passenger_id ="
        " (SELECT id FROM people WHERE telegram_user_id = 303)"
    )
    assert settled["status"] == "declined"
    # The deadline passes: nobody is told off for a request that was answered.
    seen_by_jean = len(jean.messages())
    await bot.run_until(paris("2026-11-24 06:00"))
    assert not any("expiré" in m.text for m in jean.messages()[seen_by_jean:])
    assert not any("n'a pas répondu" in m.text for m in lina.messages())
    bot.assert_clean()


# ---------------------------------------------------------------------------- time


async def test_the_driver_is_told_the_deadline_the_agenda_keeps(bot: RunningBot) -> None:
    """Asked at 20:20 for a 7:45 pickup, the driver must answer two hours before: 5:45."""
    jean = await driver(bot, 301, "Jean", username="jean_m", time="7h45")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await bot.run_until(paris("2026-11-23 20:20"))
    await describe_need(marie, when="demain", mode="leave_after", time="7h30")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    assert "(attendue demain avant 5h45)" in marie.last().text
    assert jean.last().text.endswith("⏳ Merci de répondre demain avant 5h45.")
    [row] = await bot.rows("SELECT expires_at FROM introductions")
    assert row["expires_at"].startswith("2026-11-24T04:45")  # 5:45 in Cahors, in UTC
    bot.assert_clean()


async def test_a_pickup_outside_the_window_is_shown_with_a_word(bot: RunningBot) -> None:
    await driver(bot, 301, "Jean", time="9h35")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie, when="mardi", mode="leave_after", time="10h")
    found = marie.last().text
    assert "Jean M. — mardi 24 novembre, prise en charge vers 9h35" in found
    assert "⚠️ passe 25 min avant 10h00, l'heure demandée" in found
    assert "(sur sa route)\n⚠️" in found  # the warning comes with the line, never without
    bot.assert_clean()


async def test_a_need_for_today_gets_no_driver_who_has_already_gone_by(bot: RunningBot) -> None:
    # 10:00 now; Paul picks up in Cahors at 9:45 (gone), Jean at 10:30.
    await driver(bot, 301, "Jean", time="10h30")
    await driver(bot, 303, "Paul", time="9h45")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie, when="aujourd'hui", mode="leave_after", time="9h30")
    found = marie.last()
    assert "Jean M." in found.text and "Paul M." not in found.text
    # The team's wider search does not bring him back either.
    olga, _, _ = team(bot)
    await describe_need(marie, when="aujourd'hui", mode="leave_after", time="9h")
    assert "Paul M." not in marie.last().text
    bot.assert_clean()


async def test_good_news_is_never_about_a_driver_the_person_already_saw(bot: RunningBot) -> None:
    jean = await driver(bot, 301, "Jean")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie, when="mardi")
    assert "Jean M." in marie.last().text  # seen, not chosen yet
    mark = marie.mark()
    await jean.command("mestrajets")
    await jean.press_doing(kb.TRIP, "pause")
    await jean.press_doing(kb.TRIP, "resume")
    await register_second_trip(jean)
    assert marie.texts_since(mark) == []
    bot.assert_clean()


async def register_second_trip(user: FakeUser) -> None:
    from tests.setups import register_trip

    await register_trip(user, "Cahors", "Figeac", "7h45")


# ---------------------------------------------------------------------------- double taps


async def test_buttons_pressed_twice_say_where_things_stand(bot: RunningBot) -> None:
    jean = await driver(bot, 301, "Jean")
    await jean.command("mestrajets")
    trip_message = jean.last()
    pause_button = trip_message.button("⏸ Mettre en pause")
    assert pause_button is not None
    pause = pause_button["callback_data"]
    await jean.press_doing(kb.TRIP, "pause", message=trip_message)
    await jean.press_data(pause, message=trip_message)
    assert jean.callback_answers()[-1]["text"] == reads(bot, "rides.already_paused")
    resume_button = trip_message.button("▶️ Reprendre")
    assert resume_button is not None
    resume = resume_button["callback_data"]
    await jean.press_doing(kb.TRIP, "resume", message=trip_message)
    await jean.press_data(resume, message=trip_message)
    assert jean.callback_answers()[-1]["text"] == reads(bot, "rides.already_active")

    # The question every few weeks: "pause" twice.
    await bot.later(days=29)
    question = jean.last()
    assert "Faites-vous toujours ce trajet" in question.text or question.buttons
    pause_check_button = question.button("⏸ Mettre en pause")
    assert pause_check_button is not None
    pause_check = pause_check_button["callback_data"]
    await jean.press_doing(kb.CHECK, "pause", message=question)
    answered = question.text
    await jean.press_data(pause_check, message=question)
    assert jean.callback_answers()[-1]["text"] == reads(bot, "rides.already_paused")
    assert question.text == answered  # not marked twice
    assert "n'existe plus" not in " ".join(a["text"] or "" for a in jean.callback_answers())

    # Accepting twice.
    await jean.command("mestrajets")
    await jean.press_doing(kb.TRIP, "resume")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await describe_need(marie, when="1/12")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    request = jean.last()
    accept_button = request.button("✅ J'accepte")
    assert accept_button is not None
    accept = accept_button["callback_data"]
    await jean.press_doing(kb.INTRO, "yes", message=request)
    await jean.press_data(accept, message=request)
    assert jean.callback_answers()[-1]["text"] == reads(bot, "intro.already")

    # Deleting, then pressing the trip's old buttons.
    await jean.command("mestrajets")
    listed = jean.last()
    delete_button = listed.button("🗑 Supprimer")
    assert delete_button is not None
    delete = delete_button["callback_data"]
    seats_button = listed.button("💺 Changer les places")
    assert seats_button is not None
    seats = seats_button["callback_data"]
    await jean.press_doing(kb.TRIP, "delete", message=listed)
    await jean.press_doing(kb.TRIP, "delete", message=listed)
    for old in (delete, seats, pause):
        await jean.press_data(old, message=trip_message)
        assert jean.callback_answers()[-1]["text"] == reads(bot, "rides.already_deleted"), old
    bot.assert_clean()


async def test_arriving_before_a_time_already_gone_today_is_asked_again(bot: RunningBot) -> None:
    await driver(bot, 301, "Jean", time="10h30")
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await marie.command("chercher")
    await marie.press_doing(kb.FIND, "consent:yes")  # the consent before a first need
    await marie.send("Cahors")
    await marie.send("Figeac")
    await marie.press_doing(kb.FIND, "when:today")
    await marie.press_doing(kb.FIND, "mode:arrive_before")
    await marie.send("9h")  # it is 10:00
    assert marie.last().text.startswith("Il est déjà 10h00 : arriver avant 9h00 aujourd'hui")
    await marie.send("midi")
    await marie.press_doing(kb.FIND, "back:none")
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:none")
    await marie.press_doing(kb.FIND, "confirm")
    assert "Jean M." in marie.last().text
    assert await bot.rows("SELECT at_time FROM needs") == [{"at_time": "12:00"}]
    bot.assert_clean()


async def test_a_need_confirmed_after_its_time_has_gone_is_asked_again(bot: RunningBot) -> None:
    marie = bot.fake.user(302, "Marie", last_name="Delpech")
    await marie.command("chercher")
    await marie.press_doing(kb.FIND, "consent:yes")  # the consent before a first need
    await marie.send("Cahors")
    await marie.send("Figeac")
    await marie.press_doing(kb.FIND, "when:today")
    await marie.press_doing(kb.FIND, "mode:arrive_before")
    await marie.send("10h30")
    await marie.press_doing(kb.FIND, "back:none")
    await marie.press_doing(kb.FIND, "purpose:health")
    await marie.press_doing(kb.FIND, "special:none")
    await bot.later(minutes=45)  # the summary waits while the time goes by
    await marie.press_doing(kb.FIND, "confirm")
    assert "Il est déjà 10h45 : arriver avant 10h30 aujourd'hui" in marie.messages()[-2].text
    assert reads(bot, "find.ask_mode") in marie.last().text
    assert await bot.rows("SELECT * FROM needs") == []
    bot.assert_clean()


async def test_a_one_off_trip_in_english(bot: RunningBot) -> None:
    tom = bot.fake.user(102, "Tom", language_code="en")
    await tom.command("offer")
    await tom.press_doing(kb.OFFER, "consent:yes")
    await tom.send("Cahors")
    await tom.send("Figeac")
    assert tom.buttons() == ["🔁 Every week", "📅 Just once"]
    await tom.send("just once")
    assert "Which day?" in tom.last().text
    mark = tom.mark()
    await tom.send("next Tuesday")
    assert "📅 On Tuesday 24 November, tomorrow" in tom.texts_since(mark)
    await tom.send("7:30 am")
    await tom.press_doing(kb.OFFER, "noreturn")
    await tom.send("2")
    await tom.press_doing(kb.OFFER, "skipnote")
    await tom.press_doing(kb.OFFER, "contact:tg")
    assert "just once, on Tuesday 24 November, leaving at 07:30" in tom.last().text
    await tom.press_doing(kb.OFFER, "confirm")
    await tom.command("mytrips")
    assert tom.messages()[-2].text == reads(bot, "trips.header", "en")
    assert "just once, on Tuesday 24 November" in tom.last().text
    bot.assert_clean()


async def test_correcting_the_days_switches_between_every_week_and_once(bot: RunningBot) -> None:
    jean = bot.fake.user(301, "Jean")
    await jean.command("proposer")
    await jean.press_doing(kb.OFFER, "consent:yes")
    await jean.send("Cahors")
    await jean.send("Figeac")
    await jean.send("demain 7h30")  # the day and the time at once
    assert "Revenez-vous le même jour ?" in jean.last().text
    await jean.press_doing(kb.OFFER, "noreturn")
    await jean.press_doing(kb.OFFER, "seats:2")
    await jean.press_doing(kb.OFFER, "skipnote")
    await jean.press_doing(kb.OFFER, "contact:tg")
    assert "une seule fois, le mardi 24 novembre, départ à 7h30" in jean.last().text
    await jean.press_doing(kb.OFFER, "edit:days")
    await jean.send("du lundi au vendredi")
    assert "📅 du lundi au vendredi, départ à 7h30" in jean.last().text
    await jean.press_doing(kb.OFFER, "edit:days")
    await jean.press_doing(kb.OFFER, "often:once")
    await jean.send("le 12/12")
    assert "une seule fois, le samedi 12 décembre, départ à 7h30" in jean.last().text
    await jean.press_doing(kb.OFFER, "confirm")
    [trip] = await bot.rows("SELECT trip_date, weekdays FROM trips")
    assert trip == {"trip_date": "2026-12-12", "weekdays": 0b100000}
    bot.assert_clean()


async def test_the_new_questions_take_anything_a_person_may_send(bot: RunningBot) -> None:
    jean = bot.fake.user(301, "Jean")
    await jean.command("proposer")
    await jean.press_doing(kb.OFFER, "consent:yes")
    await jean.send("Cahors")
    await jean.send("Figeac")
    question = jean.last()
    nonce_button = question.button("📅 Une seule fois")
    assert nonce_button is not None
    nonce = nonce_button["callback_data"].split(":")[1]
    await jean.send_sticker()
    assert "chaque semaine, ou une seule fois ?" in jean.last().text
    await jean.press_data(f"of:{nonce}:often:sometimes")
    assert "chaque semaine, ou une seule fois ?" in jean.last().text
    await jean.send("x" * 5000)  # 4,096 then the rest, as Telegram's apps send it
    assert "Je n'ai pas compris" in jean.messages()[-2].text
    await jean.press_doing(kb.OFFER, "often:once")
    await jean.send_photo()
    assert "Quel jour ?" in jean.last().text
    await jean.press_data(f"of:{nonce}:date:someday")
    assert "Quel jour ?" in jean.last().text
    await jean.press_doing(kb.OFFER, "date:today")
    assert "📅 Le lundi 23 novembre, aujourd'hui" in jean.messages()[-2].text
    await jean.send("7h30")  # it is 10:00
    assert jean.last().text.startswith("Il est déjà 10h00 : un départ à 7h30 aujourd'hui est passé")
    await jean.send("11h")
    assert "Revenez-vous le même jour ?" in jean.last().text
    bot.assert_clean()


async def test_a_trip_confirmed_after_its_day_is_asked_its_day_again(bot: RunningBot) -> None:
    jean = bot.fake.user(301, "Jean")
    await jean.command("proposer")
    await jean.press_doing(kb.OFFER, "consent:yes")
    await jean.send("Cahors")
    await jean.send("Figeac")
    await jean.send("demain 7h30")
    await jean.press_doing(kb.OFFER, "noreturn")
    await jean.press_doing(kb.OFFER, "seats:1")
    await jean.press_doing(kb.OFFER, "skipnote")
    await jean.press_doing(kb.OFFER, "contact:tg")
    await bot.run_until(paris("2026-11-25 09:00"))  # the summary waited two days
    await jean.press_doing(kb.OFFER, "confirm")
    assert jean.messages()[-2].text == "Le mardi 24 novembre est passé entre-temps."
    assert "Quel jour ?" in jean.last().text
    await jean.press_doing(kb.OFFER, "date:tomorrow")
    assert "une seule fois, le jeudi 26 novembre" in jean.last().text
    await jean.press_doing(kb.OFFER, "confirm")
    assert await bot.rows("SELECT trip_date FROM trips") == [{"trip_date": "2026-11-26"}]
    bot.assert_clean()
