"""End to end, what careful users found about seats, the team's post and reminders (issue 23,
items 1, 15 and 16).

The clock starts on Monday 23 November 2026, 10:00 in Cahors.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from handlers import keyboards as kb
from tests.conftest import RunningBot, paris
from tests.fakebot import FakeUser
from tests.setups import agree_if_asked, describe_need, driver, team
from tests.test_interop_api import TUESDAY_0730, Interop, booking, interop, places
from tests.test_one_off_and_seats import Transcript as NewMessages
from tests.test_ride_life import matched_ride

__all__ = ["interop"]  # the fixture, used by name


class Transcript(NewMessages):
    """The transcript, with the messages the bot changed in place (a question replacing a
    trip's buttons) shown as they now read."""

    async def _do(self, user: FakeUser, shown: str, action: object) -> None:
        before = {
            (chat.first_name, m.message_id): (m.text, tuple(m.buttons))
            for chat in self._chats
            for m in chat.messages()
        }
        await super()._do(user, shown, action)
        for chat in self._chats:
            for m in chat.messages():
                was = before.get((chat.first_name, m.message_id))
                if was is not None and was != (m.text, tuple(m.buttons)):
                    buttons = f"   {m.buttons}" if m.buttons else ""
                    text = m.text.replace("\n", "\n      ")
                    self.lines.append(f"   bot ✎ {chat.first_name} (edited): {text}{buttons}")


async def one_seat(jean: FakeUser) -> None:
    await jean.command("mestrajets")
    await jean.press_doing(kb.TRIP, "seats")
    await jean.press_doing(kb.TRIP, "seats:1")


async def every_tuesday(user: FakeUser, script: Transcript | None = None) -> None:
    """A regular need: Cahors → Figeac every Tuesday, arriving before 9:00."""
    steps: list[tuple[str, str]] = [
        ("command", "chercher"), ("agree", ""), ("say", "Cahors"), ("say", "Figeac"),
        ("tap", "when:regular"), ("say", "mardi"), ("tap", "mode:arrive_before"), ("say", "9h"),
        ("tap", "back:none"), ("tap", "purpose:work"), ("tap", "special:none"), ("tap", "confirm"),
    ]  # fmt: skip
    for kind, value in steps:
        if kind == "agree":
            await agree_if_asked(user)
        elif script is None:
            act: dict[str, Callable[[str], Awaitable[object]]] = {
                "command": user.command,
                "say": user.send,
                "tap": lambda action: user.press_doing(kb.FIND, action),
            }
            await act[kind](value)
        elif kind == "command":
            await script.command(user, value)
        elif kind == "say":
            await script.say(user, value)
        else:
            await script.tap(user, kb.FIND, value)


# ----------------------------------------------------------------------------- item 1


async def test_a_regular_passenger_is_not_given_a_seat_a_one_off_passenger_has_next_week(
    bot: RunningBot,
) -> None:
    jean = await driver(bot, 301, "Jean", username="jean_m")  # weekdays, 7:30
    await one_seat(jean)
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie, when="mardi")  # Tuesday 24 November, once
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")

    lou = bot.fake.user(303, "Lou", last_name="Garric", username="lou_g")
    script = Transcript()
    script.watch(lou)
    await every_tuesday(lou, script)
    print(f"\n{script}\n")
    answer = lou.last().text
    assert "Jean M." not in answer and "Je n'ai pas trouvé de conducteur" in answer
    await jean.command("mestrajets")
    assert "Lou" not in jean.last().text
    bot.assert_clean()


async def test_a_driver_cannot_accept_a_regular_passenger_on_a_seat_taken_one_tuesday(
    bot: RunningBot,
) -> None:
    """Both asked him before he answered: he accepts the one-off passenger, then the regular
    one: the regular one is told kindly, with the team, and his car stays at one a Tuesday."""
    jean = await driver(bot, 301, "Jean", username="jean_m")
    await one_seat(jean)
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    lou = bot.fake.user(303, "Lou", last_name="Garric", username="lou_g")
    await describe_need(marie, when="mardi")
    await every_tuesday(lou)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    asked_for_marie = jean.last()
    await lou.press_doing(kb.NEED, "ask", naming="Jean M.")
    asked_for_lou = jean.last()
    await jean.press_doing(kb.INTRO, "yes", message=asked_for_marie)
    await jean.press_doing(kb.INTRO, "yes", message=asked_for_lou)
    assert "Il ne reste plus de place" in asked_for_lou.text  # the request, edited
    assert "Jean Martin accepte" not in "\n".join(m.text for m in lou.messages())
    [taken] = await bot.rows("SELECT COUNT(*) AS n FROM introductions WHERE status = 'accepted'")
    assert taken["n"] == 1
    bot.assert_clean()


async def test_a_partners_bookings_never_take_more_seats_than_the_trip_has(
    interop: Interop,
) -> None:
    """Five of a partner's passengers book the same 3-seat ride before the driver answers;
    he says yes to each: three are confirmed, the last two refused, and the partner told."""
    bot = interop.bot
    jean = await driver(bot, 301, "Jean", username="jean_m")  # weekdays, 7:30, 3 seats
    where = await places(bot)
    [journey] = (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json()
    assert journey["availableSeats"] == 3
    names = ["Lucie B.", "Hugo P.", "Inès R.", "Marc T.", "Sara K."]
    asked = []
    for name in names:
        body = booking(journey)
        body["passenger"] = {**body["passenger"], "alias": name}
        created = await interop.send("POST", "/bookings", body)
        assert created.status_code == 201
        asked.append((body["id"], jean.last()))
    lines = []
    for (booking_id, request), name in zip(asked, names, strict=True):
        mark = jean.mark()
        await jean.press_doing(kb.BOOKING, "yes", message=request)
        status = (await interop.get(f"/bookings/{booking_id}")).json()["status"]
        lines.append(f"Jean → [✅ J'accepte] for {name}")
        lines.append(f"   request now ends: {request.text.splitlines()[-1]}")
        lines += [f"   bot → Jean: {text}" for text in jean.texts_since(mark)]
        lines.append(f"   GET /bookings/{{id}} → {status}")
    updates = bot.app.core.partner_updates
    assert updates is not None
    await updates.run_once()
    lines += [f"   PATCH to Karos: {status}" for _, status, _ in interop.partner.patches]
    print("\n" + "\n".join(lines) + "\n")
    statuses = [(await interop.get(f"/bookings/{i}")).json()["status"] for i, _ in asked]
    assert statuses == ["CONFIRMED"] * 3 + ["CANCELLED"] * 2
    assert [s for _, s, _ in interop.partner.patches] == ["CONFIRMED"] * 3 + ["CANCELLED"] * 2
    assert "Votre voiture est déjà pleine ce jour-là" in jean.last().text
    assert "Sara K." in jean.last().text
    assert (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json() == []
    bot.assert_clean()


async def two_passengers_on_two_seats(bot: RunningBot) -> tuple[FakeUser, FakeUser, FakeUser]:
    """Jean (2 seats, weekdays) takes Marie on Tuesday 24 November and Lou every Tuesday."""
    jean = await driver(bot, 301, "Jean", username="jean_m")
    await jean.command("mestrajets")
    await jean.press_doing(kb.TRIP, "seats")
    await jean.press_doing(kb.TRIP, "seats:2")
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    lou = bot.fake.user(303, "Lou", last_name="Garric", username="lou_g")
    await describe_need(marie, when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await every_tuesday(lou)
    await lou.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    return jean, marie, lou


async def test_a_driver_lowering_his_seats_below_his_passengers_chooses(bot: RunningBot) -> None:
    jean, marie, lou = await two_passengers_on_two_seats(bot)
    await driver(bot, 304, "Paul", username="paul_c", time="7h15")
    script = Transcript()
    script.watch(jean, marie, lou)
    await script.command(jean, "mestrajets")
    await script.tap(jean, kb.TRIP, "seats")
    await script.tap(jean, kb.TRIP, "seats:1")
    question = jean.last()
    assert "C'est noté : 1 place" not in question.text
    assert "mardi 24 novembre : Marie Delpech, Lou Garric" in question.text
    assert question.buttons == [
        "💺 Garder 2 places",
        "❌ Ne plus prendre Marie D.",
        "❌ Ne plus prendre Lou G.",
    ]
    [trip] = await bot.rows("SELECT seats FROM trips WHERE driver_id = 1")
    assert trip["seats"] == 2
    await script.tap(jean, kb.TRIP, "seatskeep")
    assert "vous gardez 2 places" in jean.last().text

    await script.command(jean, "mestrajets")
    await script.tap(jean, kb.TRIP, "seats")
    await script.tap(jean, kb.TRIP, "seats:1")
    marks = {user: user.mark() for user in (marie, lou)}
    await script.tap(jean, kb.TRIP, "seatsoff", naming="Marie D.")
    print(f"\n{script}\n")
    told = "\n".join(marie.texts_since(marks[marie]))
    assert "Jean M. a moins de places dans sa voiture" in told and "Paul M." in told
    assert lou.texts_since(marks[lou]) == []
    assert "C'est noté : 1 place pour ce trajet" in jean.last().text
    [trip] = await bot.rows("SELECT seats FROM trips WHERE driver_id = 1")
    assert trip["seats"] == 1
    mark = jean.mark()
    await jean.command("mestrajets")
    listed = "\n".join(jean.texts_since(mark))
    assert "Lou Garric" in listed and "Marie Delpech" not in listed
    bot.assert_clean()


# ----------------------------------------------------------------------------- item 15


async def test_a_claimed_post_keeps_why_it_came_and_loses_the_claim_button(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    await driver(bot, 411, "Jean", username="jean_m")
    lina = bot.fake.user(412, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival")  # off Jean's road: no match
    post = bot.operators.last()
    assert "Aucun conducteur ne fait ce trajet" in post.text
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim", message=post)
    assert "🙋 Suivie par Olga Bru" in post.text
    assert "Aucun conducteur ne fait ce trajet" in post.text
    assert post.buttons == ["🔎 Conducteurs possibles", "🔒 Clore", "📜 Historique"]
    # Back from the reasons to close: still without the claim button.
    await bot.operators.press_doing(olga, kb.OPERATOR, "close", message=post)
    await bot.operators.press_doing(olga, kb.OPERATOR, "back", message=post)
    assert post.buttons == ["🔎 Conducteurs possibles", "🔒 Clore", "📜 Historique"]
    assert "Aucun conducteur ne fait ce trajet" in post.text
    bot.assert_clean()


async def test_a_drivers_time_out_is_one_message_in_the_group(bot: RunningBot) -> None:
    olga, _, _ = team(bot)
    jean = await driver(bot, 411, "Jean", username="jean_m")
    lina = bot.fake.user(412, "Lina", last_name="Vern")
    await describe_need(lina, origin="Lacapelle-Marival")  # off Jean's road: to the team
    post = bot.operators.last()
    await bot.operators.press_doing(olga, kb.OPERATOR, "claim", message=post)
    await bot.operators.press_doing(olga, kb.OPERATOR, "drivers", message=post)
    await bot.operators.press_doing(olga, kb.OPERATOR, "ask", naming="Demander à Jean M.")
    assert "Lina V. aimerait faire la route avec vous" in jean.last().text
    mark = bot.operators.mark()
    await bot.later(hours=30)  # Jean never answers
    said = [text for text in bot.operators.texts_since(mark) if "Le point du jour" not in text]
    assert len(said) == 1, said
    assert "Jean Martin ne peut pas emmener Lina Vern" in said[0]
    assert "la demande revient à l'équipe" in said[0]
    # The post, still the one kept up to date, says where the need stands.
    assert "🙋 Suivie par Olga Bru" in post.text
    assert "Les conducteurs possibles ont décliné ou n'ont pas répondu" in post.text
    assert post.buttons == ["🔎 Conducteurs possibles", "🔒 Clore", "📜 Historique"]
    bot.assert_clean()


async def test_a_reminder_held_by_a_night_long_outage_is_not_sent_on_the_day(
    bot: RunningBot,
) -> None:
    jean, marie = await matched_ride(bot)  # for Tuesday 24 November, 7:30
    await bot.run_until(paris("2026-11-23 17:59"))
    marks = {user: user.mark() for user in (jean, marie)}
    bot.fake.outage = True  # Telegram down from 18:00 until the morning
    await bot.run_until(paris("2026-11-24 06:00"))
    bot.fake.outage = False
    bot.fake.take_errors()
    await bot.run_until(paris("2026-11-24 09:00"))
    for user in (jean, marie):
        assert not [t for t in user.texts_since(marks[user]) if "Rappel" in t]
    dropped = await bot.rows(
        "SELECT topic FROM outbox WHERE status = 'dropped' AND topic LIKE 'ride_reminder%'"
    )
    assert sorted(row["topic"] for row in dropped) == [
        "ride_reminder_driver",
        "ride_reminder_passenger",
    ]
    bot.assert_clean()


async def test_a_reminder_the_agenda_runs_only_on_the_day_says_nothing(bot: RunningBot) -> None:
    """The bot was stopped the whole evening: the reminder entry runs at 8:00 on the day of
    a ride at 10:30 (still ahead, but no longer "demain")."""
    jean = await driver(bot, 301, "Jean", username="jean_m", time="10h30")
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie, when="mardi", time="12h")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await bot.run_until(paris("2026-11-23 17:59"))
    marks = {user: user.mark() for user in (jean, marie)}
    bot.clock.current = bot.fake.now = paris("2026-11-24 08:00")
    await bot.tick()
    for user in (jean, marie):
        assert not [t for t in user.texts_since(marks[user]) if "demain" in t]
    bot.assert_clean()


# ----------------------------------------------------------------------------- item 16


async def phoned_driver(bot: RunningBot, operator: FakeUser, name: str, share: str) -> None:
    """The team registers a driver who phoned (no Telegram): Cahors → Figeac, weekdays
    7:30; `share` is "yes" or "no" for giving his number at an introduction."""
    await operator.command("conducteur")
    await operator.send(name)
    await operator.send("06 12 34 56 78")
    await operator.press_doing(kb.OFFER, f"shows:{share}")
    await operator.press_doing(kb.OFFER, "agreed:yes")
    await operator.send("Cahors")
    await operator.send("Figeac")
    await operator.press_doing(kb.OFFER, "often:weekly")
    await operator.press_doing(kb.OFFER, "days:work")
    await operator.press_doing(kb.OFFER, "days:ok")
    await operator.send("7h30")
    await operator.press_doing(kb.OFFER, "noreturn")
    await operator.press_doing(kb.OFFER, "seats:3")
    await operator.press_doing(kb.OFFER, "skipnote")
    await operator.press_doing(kb.OFFER, "confirm")


async def reminded_of_a_phoned_driver(bot: RunningBot, share: str) -> str:
    olga, _, _ = team(bot)
    await phoned_driver(bot, olga, "Roger Lafon", share)
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie, when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Roger L.")
    call = bot.operators.last()
    await bot.operators.press_doing(olga, kb.INTRO, "yes", message=call)
    mark = marie.mark()
    await bot.run_until(paris("2026-11-23 18:00"))
    [reminder] = marie.texts_since(mark)
    bot.assert_clean()
    return reminder


async def test_the_reminder_of_a_driver_without_telegram_says_the_team_calls(
    bot: RunningBot,
) -> None:
    reminder = await reminded_of_a_phoned_driver(bot, share="no")
    print(f"\n{reminder}\n")
    assert "— —" not in reminder and "06 12 34 56 78" not in reminder
    assert "🚗 avec Roger Lafon — sans Telegram : l'équipe locale vous appelle" in reminder


async def test_the_reminder_of_a_driver_who_shares_his_number_gives_it(bot: RunningBot) -> None:
    reminder = await reminded_of_a_phoned_driver(bot, share="yes")
    print(f"\n{reminder}\n")
    assert "🚗 avec Roger Lafon — 06 12 34 56 78" in reminder


async def test_lowering_the_seats_counts_the_partners_passengers_too(interop: Interop) -> None:
    bot = interop.bot
    jean = await driver(bot, 301, "Jean", username="jean_m")  # 3 seats
    where = await places(bot)
    [journey] = (await interop.get("/driver_journeys", **where, departureDate=TUESDAY_0730)).json()
    for name in ("Lucie B.", "Hugo P."):
        body = booking(journey)
        body["passenger"] = {**body["passenger"], "alias": name}
        await interop.send("POST", "/bookings", body)
        await jean.press_doing(kb.BOOKING, "yes", message=jean.last())
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie, when="mardi")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await jean.command("mestrajets")
    await jean.press_doing(kb.TRIP, "seats")
    await jean.press_doing(kb.TRIP, "seats:2")
    question = jean.last()
    print(f"\n{question.text}\n{question.buttons}\n")
    assert (
        "mardi 24 novembre : Marie Delpech, Lucie B. (karos.example.com),"
        " Hugo P. (karos.example.com)" in question.text
    )
    assert "« ❌ Je ne peux plus » sous votre réponse à sa demande" in question.text
    assert question.buttons == ["💺 Garder 3 places", "❌ Ne plus prendre Marie D."]
    await jean.press_doing(kb.TRIP, "seatsoff", naming="Marie D.", message=question)
    [trip] = await bot.rows("SELECT seats FROM trips")
    assert trip["seats"] == 2
    bot.assert_clean()
