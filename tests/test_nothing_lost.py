"""What Mobilot promises about messages, with faults injected (design notes, "What Mobilot
promises about messages"): each update takes effect once or not at all; every message it
causes is delivered at least once, through 429s, 5xx and crashes; a message that cannot reach
someone who matters reaches the team.
"""

from __future__ import annotations

from typing import Any

import pytest

from handlers import keyboards as kb
from tests.conftest import OPERATORS, RunningBot
from tests.fakebot import FakeUser
from tests.setups import describe_need, driver, register_trip, team
from tests.test_offer_flow import register_trip_until_summary

APOLOGY = "Désolé, un problème est survenu de notre côté"


def to_chat(chat_id: int) -> Any:
    return lambda params: int(params.get("chat_id", 0)) == chat_id


def saying(text: str) -> Any:
    return lambda params: text in str(params.get("text", ""))


def nobody_apologised(bot: RunningBot) -> None:
    assert not [m for m in bot.fake.sent_messages() if APOLOGY in m.text]


def count(user: FakeUser, text: str) -> int:
    return sum(text in m.text for m in user.messages())


async def asked(bot: RunningBot) -> tuple[FakeUser, FakeUser]:
    """Jean drives Cahors → Figeac; Marie found him and asked him."""
    jean = await driver(bot, 301, "Jean", username="jean_m")
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    assert "🙋 Demande de covoiturage" in jean.last().text
    return jean, marie


# Faults on chosen sends: each message arrives once the fault clears, once, no apology.


async def test_the_passengers_good_news_survives_a_flood_limit(bot: RunningBot) -> None:
    jean, marie = await asked(bot)
    fault = bot.fake.inject("sendMessage", 429, retry_after=2, match=saying("accepte de vous"))
    await jean.press_doing(kb.INTRO, "yes")
    assert fault.hits == 1
    assert count(marie, "Jean Martin accepte de vous emmener") == 0  # not yet
    assert "Voici comment joindre Marie Delpech" in jean.last().text  # others go on
    await bot.later(seconds=1)
    assert count(marie, "Jean Martin accepte de vous emmener") == 0  # Telegram said 2 s
    await bot.later(seconds=2)
    assert count(marie, "Jean Martin accepte de vous emmener") == 1
    assert "@jean_m" in marie.last().text
    [need] = await bot.rows("SELECT status FROM needs")
    assert need == {"status": "matched"}
    bot.fake.take_errors()
    nobody_apologised(bot)
    bot.assert_clean()


async def test_the_teams_post_of_an_unmatched_need_survives_bad_gateways(
    bot: RunningBot,
) -> None:
    team(bot)
    bot.fake.inject("sendMessage", 502, times=3, match=to_chat(OPERATORS))
    rose = bot.fake.user(303, "Rose", last_name="Vidal")
    await describe_need(rose)  # nobody drives there yet
    assert "L'équipe locale est prévenue" in rose.last().text
    assert not bot.operators.messages()
    await bot.later(seconds=10)  # tried again after 1, 2 and 5 seconds
    [post] = bot.operators.messages()
    assert "Demande n° 1" in post.text and "Rose Vidal" in post.text
    # The post is known, so it is kept up to date and posted again tomorrow if unclaimed.
    [need] = await bot.rows("SELECT status, operator_message_id AS post FROM needs")
    assert need == {"status": "with_operators", "post": post.message_id}
    [repost] = await bot.rows("SELECT status FROM agenda WHERE kind = 'need_repost'")
    assert repost == {"status": "pending"}
    bot.fake.take_errors()
    nobody_apologised(bot)
    bot.assert_clean()


async def test_a_saved_trip_is_confirmed_late_rather_than_apologised_for(
    bot: RunningBot,
) -> None:
    ida = bot.fake.user(304, "Ida", last_name="Roux")
    bot.fake.inject("sendMessage", 429, retry_after=3, match=saying("Trajet enregistré"))
    bot.fake.inject("sendMessage", 502, times=2, match=saying("Trajet enregistré"))
    await register_trip_until_summary(ida)
    await ida.press_doing(kb.OFFER, "confirm")
    assert count(ida, "Trajet enregistré") == 0
    await bot.later(seconds=30)
    assert count(ida, "Trajet enregistré") == 1
    assert len(await bot.rows("SELECT id FROM trips")) == 1
    bot.fake.take_errors()
    nobody_apologised(bot)
    bot.assert_clean()


async def test_messages_to_one_person_keep_their_order_behind_a_failing_one(
    bot: RunningBot,
) -> None:
    """A reply held up by a 429 is not overtaken by the next one to the same person."""
    zoe = bot.fake.user(305, "Zoé")
    bot.fake.inject("sendMessage", 429, retry_after=5, match=saying("Bonjour Zoé"))
    await zoe.command("start")
    await zoe.command("aide")
    assert zoe.messages() == []
    await bot.later(seconds=6)
    texts = [m.text for m in zoe.messages()]
    assert texts[0].startswith("Bonjour Zoé !") and len(texts) >= 2
    bot.fake.take_errors()
    bot.assert_clean()


# Crashes.


async def test_updates_recorded_but_not_handled_before_a_crash_are_handled_after(
    bot: RunningBot,
) -> None:
    """As when the bot dies right after getUpdates: the updates are in the inbox, handled
    once at the next start, and their answers sent once."""
    app = bot.app
    # Recorded, and then the power goes off (the update's number it answers is not read).
    bot.fake.receiver = app.updates.receive_one  # type: ignore[assignment]
    users = [bot.fake.user(400 + i, f"Personne{i}") for i in range(30)]
    for user in users:
        await user.command("start")
    assert all(user.messages() == [] for user in users)
    assert len(await bot.rows("SELECT * FROM inbox WHERE status = 'pending'")) == 30
    await bot.crash_and_restart()
    for user in users:
        assert count(user, f"Bonjour {user.first_name} !") == 1
    assert await bot.rows("SELECT * FROM inbox WHERE status = 'pending'") == []
    await bot.restart()  # and nothing is handled twice
    assert all(count(user, "Bonjour") == 1 for user in users)
    bot.assert_clean()


async def test_messages_committed_but_not_sent_before_a_crash_are_sent_after(
    bot: RunningBot,
) -> None:
    jean, marie = await asked(bot)
    bot.fake.outage = True  # the commit happens, the sends do not
    await jean.press_doing(kb.INTRO, "yes")
    pending = await bot.rows("SELECT chat_id FROM outbox WHERE status = 'pending'")
    assert {row["chat_id"] for row in pending} >= {jean.id, marie.id}
    bot.fake.outage = False
    bot.fake.take_errors()
    await bot.crash_and_restart()
    await bot.later(seconds=5)  # their next try was due a few seconds after the outage
    assert count(marie, "Jean Martin accepte de vous emmener") == 1
    assert count(jean, "Voici comment joindre Marie Delpech") == 1
    bot.assert_clean()


async def test_a_crash_between_a_send_and_its_record_repeats_that_message_only(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    jean, marie = await asked(bot)
    delivery = bot.app.core.delivery
    real_sent = delivery.sent_many
    crashed = False

    async def power_cut(sent: list[tuple[Any, int | None]]) -> Any:
        # Sends are recorded in batches: the power goes after the others' record, before
        # Marie's (the send reached Telegram, its record did not).
        nonlocal crashed
        if not crashed and any(entry.chat_id == marie.id for entry, _ in sent):
            crashed = True
            await real_sent([(e, m) for e, m in sent if e.chat_id != marie.id])
            raise SystemExit("power cut")
        return await real_sent(sent)

    monkeypatch.setattr(delivery, "sent_many", power_cut)
    with pytest.raises(SystemExit):
        await jean.press_doing(kb.INTRO, "yes")
    monkeypatch.undo()
    assert count(marie, "Jean Martin accepte de vous emmener") == 1
    await bot.crash_and_restart()
    # The message in flight is the one repeated; nothing else is, nothing is lost.
    assert count(marie, "Jean Martin accepte de vous emmener") == 2
    assert count(jean, "Voici comment joindre Marie Delpech") == 1
    assert count(jean, "Demande de covoiturage") == 1
    bot.assert_clean()


async def test_a_conversation_resumes_exactly_after_a_crash_draft_included(
    bot: RunningBot,
) -> None:
    ida = bot.fake.user(304, "Ida", last_name="Roux")
    await register_trip_until_summary(ida)
    summary = ida.last()
    await bot.crash_and_restart()  # no clean shutdown, no periodic flush
    assert "7h30" in summary.text and "départ à …" not in summary.text
    await ida.press_doing(kb.OFFER, "confirm", message=summary)
    assert "Trajet enregistré" in ida.last().text
    [trip] = await bot.rows("SELECT departure, seats FROM trips")
    assert trip == {"departure": "07:30", "seats": 3}
    bot.assert_clean()


async def test_a_handler_that_fails_takes_no_effect_and_the_person_is_told(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    jean, marie = await asked(bot)

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the disk is full")

    schedule = bot.app.core.introductions._schedule_ride
    monkeypatch.setattr(bot.app.core.introductions, "_schedule_ride", broken)
    await jean.press_doing(kb.INTRO, "yes")
    monkeypatch.setattr(bot.app.core.introductions, "_schedule_ride", schedule)
    assert APOLOGY in jean.last().text
    assert count(marie, "accepte de vous emmener") == 0  # nothing half-done
    [introduction] = await bot.rows("SELECT status FROM introductions")
    assert introduction == {"status": "pending"}
    [failed] = await bot.rows("SELECT status FROM inbox WHERE status = 'failed'")
    assert failed == {"status": "failed"}
    await jean.press_doing(kb.INTRO, "yes")  # the same press again, once it works
    assert count(marie, "Jean Martin accepte de vous emmener") == 1
    bot.fake.exceptions.clear()
    bot.assert_clean()


# People who cannot be reached.


async def test_a_passenger_who_blocked_the_bot_when_the_driver_accepts(bot: RunningBot) -> None:
    team(bot)
    jean, marie = await asked(bot)
    marie.blocked = True
    await jean.press_doing(kb.INTRO, "yes")
    said_to_jean = [m.text for m in jean.messages()[-2:]]
    assert "Voici comment joindre Marie Delpech : @marie_d" in said_to_jean[0]
    assert "Marie Delpech ne reçoit plus nos messages sur Telegram" in said_to_jean[1]
    call = bot.operators.last().text
    assert call.startswith("📞 À appeler — demande n° 1")
    assert "Telegram ne remet pas nos messages à Marie Delpech" in call
    assert "Appelez Marie Delpech : pas de numéro enregistré" in call
    assert "Contact de Jean Martin à lui donner : @jean_m" in call
    [person] = await bot.rows("SELECT unreachable_at FROM people WHERE telegram_user_id = 302")
    assert person["unreachable_at"] is not None
    bot.take_blocked_errors()
    bot.assert_clean()


async def test_a_driver_by_phone_who_keeps_his_number_private_is_reached_through_the_team(
    bot: RunningBot,
) -> None:
    olga, omar, _ = team(bot)
    await omar.command("conducteur")
    await omar.send("Roger Lafon")
    await omar.send("06 12 34 56 78")
    await omar.press_doing(kb.OFFER, "shows:no")  # his number stays with the team
    await omar.press_doing(kb.OFFER, "agreed:yes")
    await omar.send("Cahors")
    await omar.send("Figeac")
    await omar.press_doing(kb.OFFER, "often:weekly")
    await omar.press_doing(kb.OFFER, "days:work")
    await omar.press_doing(kb.OFFER, "days:ok")
    await omar.send("7h30")
    await omar.press_doing(kb.OFFER, "noreturn")
    await omar.press_doing(kb.OFFER, "seats:3")
    await omar.press_doing(kb.OFFER, "skipnote")
    await omar.press_doing(kb.OFFER, "confirm")
    marie = bot.fake.user(302, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie)
    assert "Roger L." in marie.last().text
    await marie.press_doing(kb.NEED, "ask", naming="Roger L.")
    call = bot.operators.last()
    assert "Roger Lafon (sans Telegram) : 06 12 34 56 78" in call.text
    mark = bot.operators.mark()
    await bot.operators.press_doing(omar, kb.INTRO, "yes", message=call)
    good_news = marie.last().text
    assert "Roger Lafon accepte de vous emmener" in good_news
    assert "l'équipe locale vous contacte bientôt" in good_news
    assert "Contact : \n" not in good_news and "06 12 34 56 78" not in good_news
    to_team = "\n".join(bot.operators.texts_since(mark))
    assert "Roger Lafon (06 12 34 56 78) emmène Marie Delpech" in to_team
    assert "Numéro de Marie Delpech à donner à Roger Lafon : numéro non partagé" in to_team
    assert "Pour joindre Marie Delpech : @marie_d" in to_team
    bot.assert_clean()


# Operators' membership checks.


async def test_a_failed_membership_check_is_retried_and_never_locks_an_operator_out(
    bot: RunningBot,
) -> None:
    olga, _, _ = team(bot)
    bot.fake.inject("getChatMember", 502)
    await olga.command("ouvertes")
    assert "Aucune demande ouverte" in olga.last().text or "ouverte" in olga.last().text
    assert APOLOGY not in olga.last().text

    omar_like = bot.fake.user(320, "Léa", last_name="Gros")
    bot.fake.set_member(OPERATORS, omar_like.id, "member")
    bot.fake.inject("getChatMember", 502, times=3)  # Telegram down for this check
    await omar_like.command("ouvertes")
    # Honest: Telegram could not say, try again; not "you are not one", not the apology.
    assert "je ne peux pas vérifier" in omar_like.last().text
    assert APOLOGY not in omar_like.last().text
    await omar_like.command("ouvertes")  # a moment later: not refused from a cache
    assert APOLOGY not in omar_like.last().text and "réservé" not in omar_like.last().text
    bot.fake.take_errors()
    bot.fake.exceptions.clear()
    bot.assert_clean()


# Button data.


async def test_forged_or_doubled_buttons_get_a_plain_answer(bot: RunningBot) -> None:
    ida = bot.fake.user(304, "Ida", last_name="Roux")
    await register_trip(ida)
    for forged in ("tr:²:pause", "tr:١٢:pause", "rd:abc:withdraw:yes", "in:9999999999999:yes"):
        await ida.press_data(forged)
        assert "Ce bouton ne sert plus" in ida.callback_answers()[-1]["text"], forged
    await ida.command("proposer")
    if ida.has_button(kb.OFFER, "consent:yes"):
        await ida.press_doing(kb.OFFER, "consent:yes")
    await ida.send("Cahors")
    await ida.send("Figeac")
    await ida.press_doing(kb.OFFER, "often:weekly")
    days = ida.last()
    await ida.press_doing(kb.OFFER, "days:work", message=days)
    await ida.press_doing(
        kb.OFFER, "days:work", message=days
    )  # twice: "message is not modified" is fine
    assert APOLOGY not in ida.last().text
    bot.fake.take_errors()
    assert bot.fake.exceptions == []
    bot.assert_clean()


async def test_when_telegram_is_back_those_waiting_go_at_once(bot: RunningBot) -> None:
    """Messages held up by server errors do not wait out their growing delay once another
    message goes through again."""
    zoe, ada = bot.fake.user(305, "Zoé"), bot.fake.user(306, "Ada")
    bot.fake.inject("sendMessage", 502, times=6, match=to_chat(zoe.id))
    await zoe.command("start")
    await bot.later(seconds=12)  # tried after 1, 2, 3 and 5 s: the next try is 10 s later
    assert zoe.messages() == []
    bot.fake.faults.clear()
    await ada.command("start")  # goes through: Telegram is back
    assert count(ada, "Bonjour Ada") == 1
    assert count(zoe, "Bonjour Zoé") == 1  # at once, not at the end of its delay
    bot.fake.take_errors()
    bot.assert_clean()


async def test_a_step_that_fails_after_a_send_does_not_send_it_again(
    bot: RunningBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    team(bot)
    operators = bot.app.core.operators
    real_posted = operators.posted
    calls = 0

    async def broken_once(need_id: int, post_id: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the disk is full")
        await real_posted(need_id, post_id)

    monkeypatch.setattr(operators, "posted", broken_once)
    rose = bot.fake.user(303, "Rose", last_name="Vidal")
    await describe_need(rose)
    await bot.later(seconds=30)
    posts = [m for m in bot.operators.messages() if "Demande n° 1" in m.text]
    assert len(posts) == 1  # sent once; only the record of its id was lost
    [sent] = await bot.rows("SELECT status FROM outbox WHERE chat_id = ?", OPERATORS)
    assert sent == {"status": "sent"}


async def test_an_unreadable_update_does_not_block_the_next_ones(bot: RunningBot) -> None:
    await bot.app.updates.receive([{"update_id": 999_999, "message": {"what": "no"}}])
    zoe = bot.fake.user(305, "Zoé")
    await zoe.command("start")
    assert count(zoe, "Bonjour Zoé") == 1
    [unreadable] = await bot.rows("SELECT status FROM inbox WHERE update_id = 999999")
    assert unreadable == {"status": "failed"}
