"""/oublier forgets everything (issue 23, item 3): after it, no stored update, message or text
names the person (their full name, their name as others saw it, their Telegram handle, their
phone in any form), whether they were on Telegram or texted from a simple phone; and every day
the agenda prunes the updates, messages and texts settled longer ago than they are kept, and
never one still to be handled or sent."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from bot.agenda import Calendar, Kind, Outcome, utc_text
from bot.places.gazetteer import Gazetteer
from bot.services.delivery import (
    KEEP_HANDLED_UPDATES,
    KEEP_SETTLED_MESSAGES,
    DeliveryService,
    InboxService,
)
from bot.services.pruning import Pruning
from bot.services.texts import KEEP_HANDLED_TEXTS, TextService
from handlers import keyboards as kb
from storage.agenda import SqlAgenda
from storage.db import Database
from storage.inbox import SqlInbox
from storage.outbox import SqlOutbox
from storage.people import SqlPeopleRepository
from storage.texts import SqlTextInbox
from tests.conftest import FakeClock, RunningBot
from tests.fakebot import FakeUser
from tests.phones import TextingBot
from tests.setups import describe_need, team
from tests.test_sms_channel import MARIE, welcome


async def stored_texts(bot: RunningBot) -> list[str]:
    """Every update, message and text Mobilot keeps, as stored."""
    kept: list[str] = []
    for row in await bot.rows("SELECT payload FROM inbox"):
        kept.append(row["payload"])
    for row in await bot.rows("SELECT params, if_unreachable, after_sent FROM outbox"):
        kept += [row["params"], row["if_unreachable"] or "", row["after_sent"] or ""]
    for row in await bot.rows("SELECT sender, text FROM sms_inbox"):
        kept += [row["sender"], row["text"]]
    return kept


async def naming(bot: RunningBot, *words: str) -> list[str]:
    """The stored updates, messages and texts where any of `words` appears (any case)."""
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return [text for text in await stored_texts(bot) if pattern.search(text)]


async def driver_with_phone(bot: RunningBot) -> FakeUser:
    """Jean Martin (@jean_m), Cahors → Figeac on weekdays at 7:30, who shows his phone."""
    jean = bot.fake.user(801, "Jean", last_name="Martin", username="jean_m")
    await jean.command("proposer")
    await jean.press_doing(kb.OFFER, "consent:yes")
    await jean.send("Cahors")
    await jean.send("Figeac")
    await jean.press_doing(kb.OFFER, "often:weekly")
    await jean.press_doing(kb.OFFER, "days:work")
    await jean.press_doing(kb.OFFER, "days:ok")
    await jean.send("7h30")
    await jean.press_doing(kb.OFFER, "noreturn")
    await jean.press_doing(kb.OFFER, "seats:2")
    await jean.press_doing(kb.OFFER, "skipnote")
    await jean.press_doing(kb.OFFER, "contact:phone")
    await jean.send_contact("33612345678")
    await jean.press_doing(kb.OFFER, "show:yes")
    await jean.press_doing(kb.OFFER, "confirm")
    return jean


JEAN = ("Jean Martin", "Jean M.", "jean_m", "06 12 34 56 78", "0612345678", "612345678")


async def test_after_oublier_no_update_nor_message_names_the_driver(bot: RunningBot) -> None:
    jean = await driver_with_phone(bot)
    marie = bot.fake.user(802, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    given = marie.last().text
    assert "Jean Martin" in given and "@jean_m" in given and "06 12 34 56 78" in given
    # Before: his name, handle and phone are in what Marie was sent and in his own updates.
    assert await naming(bot, *JEAN)

    mark = marie.mark()
    await jean.command("oublier")
    await jean.press_doing(kb.FORGET, "forget:yes")
    assert "Mobilot a effacé tout ce qui vous concerne" in jean.last().text
    told = "\n".join(marie.texts_since(mark))
    assert "Jean M." in told  # she is told who called her ride off, as before

    assert await naming(bot, *JEAN) == []
    # What was said to Marie is still there (a week), without him.
    [kept] = [t for t in await stored_texts(bot) if "accepte de vous emmener" in t]
    assert "🎉 … accepte de vous emmener" in kept and "Contact : … · téléphone …" in kept
    [person] = await bot.rows("SELECT * FROM people WHERE id = 1")
    assert person["phone"] is None and person["telegram_username"] is None
    bot.assert_clean()


async def test_after_oublier_no_update_nor_message_names_the_passenger(bot: RunningBot) -> None:
    jean = await driver_with_phone(bot)
    marie = bot.fake.user(802, "Marie", last_name="Delpech", username="marie_d")
    await describe_need(marie)
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    contact = jean.last().text
    assert "Voici comment joindre Marie Delpech : @marie_d" in contact
    # Jean pressed a button of a message that named her: Telegram's update quotes it.
    await jean.command("mestrajets")
    assert await naming(bot, "Marie Delpech", "marie_d")

    await marie.command("oublier")
    await marie.send("oui")
    assert "Mobilot a effacé tout ce qui vous concerne" in marie.last().text
    assert await naming(bot, "Marie Delpech", "Marie D.", "marie_d") == []
    # Jean was told, and that message, once sent, keeps nothing of what it said.
    assert "Marie D. a annulé le trajet" in jean.last().text
    [erased] = await bot.rows(
        "SELECT params, status FROM outbox WHERE chat_id = 801 ORDER BY id DESC LIMIT 1"
    )
    assert (erased["params"], erased["status"]) == ("{}", "sent")
    bot.assert_clean()


async def test_the_team_forgets_someone_who_texts_and_nothing_keeps_her_number(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = TextingBot(tmp_path, gazetteer)
    await bot.start()
    try:
        from tests.setups import driver

        jeanne = await driver(bot, 301, "Jeanne", username="jeanne_m")
        await welcome(bot, MARIE, "figeac demain 9h", "marie dupont")
        await bot.text(MARIE, "Cahors")
        await bot.text(MARIE, "2")
        await bot.text(MARIE, "1")  # no way back
        await bot.text(MARIE, "oui")
        await bot.text(MARIE, "oui")
        await jeanne.press_doing(kb.INTRO, "yes")
        assert "06 12 34 56 78" in jeanne.last().text  # her number, given to Jeanne
        await bot.text(MARIE, "merci Jeanne")
        marie_words = ("Marie Dupont", "Marie D.", "06 12 34 56 78", "+33612345678", "0612345678")
        assert await naming(bot, *marie_words)
        [before] = await bot.rows("SELECT sms_since FROM people WHERE phone = '+33612345678'")
        assert before["sms_since"] is not None

        olga, _, _ = team(bot)
        await olga.command("oublier", "06 12 34 56 78")
        assert "Effacer tout ce qui concerne Marie Dupont" in olga.last().text
        await olga.press_doing(kb.PRIVACY, "caller")
        assert "Marie Dupont" in olga.last().text  # the team's answer names her, once

        assert await naming(bot, *marie_words) == []
        assert await bot.rows("SELECT * FROM sms_inbox WHERE sender LIKE '%612345678%'") == []
        texts = await bot.rows("SELECT params FROM outbox WHERE method = 'sms'")
        assert all("612345678" not in t["params"] for t in texts)
        [person] = await bot.rows("SELECT * FROM people WHERE id = 2")
        assert person["display_name"] == "" and person["phone"] is None
        assert person["sms_since"] is None and person["sms_consent_by"] is None
        assert person["sms_stopped_at"] is None
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_every_day_the_agenda_prunes_what_is_settled_and_older_than_kept(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    bot = TextingBot(tmp_path, gazetteer)
    await bot.start()
    try:
        [first] = await bot.rows("SELECT due_at FROM agenda WHERE kind = ?", Kind.PRUNE.value)
        anne = bot.fake.user(811, "Anne")
        await anne.command("aide")
        await bot.text(MARIE, "bonjour")
        updates = [r["update_id"] for r in await bot.rows("SELECT update_id FROM inbox")]
        sent = [r["id"] for r in await bot.rows("SELECT id FROM outbox WHERE status = 'sent'")]
        texts = [r["id"] for r in await bot.rows("SELECT id FROM sms_inbox")]
        assert updates and sent and texts

        # Two days on: the updates handled go (kept two days); messages and texts stay.
        bot.clock.advance(days=2, hours=1)
        await bot.run_until(bot.clock.now())
        assert await bot.rows("SELECT * FROM inbox") == []
        kept = [r["id"] for r in await bot.rows("SELECT id FROM outbox")]
        assert set(sent) <= set(kept)
        # Eight days on: those messages go (kept a week), not the digests sent since.
        bot.clock.advance(days=6)
        await bot.run_until(bot.clock.now())
        kept = [r["id"] for r in await bot.rows("SELECT id FROM outbox")]
        assert not set(sent) & set(kept)
        week_ago = utc_text(bot.clock.now() - KEEP_SETTLED_MESSAGES - timedelta(days=1))
        assert await bot.rows("SELECT * FROM outbox WHERE finished_at < ?", week_ago) == []
        assert [r["id"] for r in await bot.rows("SELECT id FROM sms_inbox")] == texts
        # A month on: the texts handled go (kept 30 days).
        bot.clock.advance(days=23)
        await bot.run_until(bot.clock.now())
        assert await bot.rows("SELECT * FROM sms_inbox") == []
        # Each pass scheduled the next, at 4:00 (Paris), without a start in between.
        passes = await bot.rows("SELECT status, due_at FROM agenda WHERE kind = 'prune'")
        assert [p["status"] for p in passes].count("pending") == 1
        assert [p["status"] for p in passes].count("done") >= 3
        assert all(p["due_at"][11:] == first["due_at"][11:] == "03:00:00+00:00" for p in passes)
        bot.assert_clean()
    finally:
        await bot.stop()


async def test_the_daily_pass_keeps_what_is_still_to_be_handled_or_sent(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "prune.sqlite3")
    clock = FakeClock()
    now = clock.now()
    long_ago, lately = utc_text(now - timedelta(days=40)), utc_text(now - timedelta(hours=1))
    rows = [
        # Updates: handled long ago, handled lately, never handled (a crash).
        ("INSERT INTO inbox (update_id, payload, status, received_at) VALUES (?, '{}', ?, ?)",
         [(1, "handled", long_ago), (2, "handled", lately), (3, "pending", long_ago)]),
        # Messages: sent long ago, sent lately, still to be sent (waiting for the network).
        ("INSERT INTO outbox (id, chat_id, method, params, status, next_attempt_at, created_at,"
         " finished_at) VALUES (?, 5, 'sendMessage', '{}', ?, ?, ?, ?)",
         [(1, "sent", long_ago, long_ago, long_ago), (2, "sent", lately, lately, lately),
          (3, "pending", lately, long_ago, None)]),
        # Texts received: handled long ago, handled lately, never handled.
        ("INSERT INTO sms_inbox (id, sender, text, status, received_at) VALUES"
         " (?, '+33611111111', 'x', ?, ?)",
         [(1, "handled", long_ago), (2, "handled", lately), (3, "pending", long_ago)]),
    ]  # fmt: skip
    for sql, values in rows:
        await database.connection.executemany(sql, values)
    outbox = SqlOutbox(database)
    agenda = SqlAgenda(database)
    calendar = Calendar(ZoneInfo("Europe/Paris"))
    pruning = Pruning(
        inbox=InboxService(SqlInbox(database), clock),
        delivery=DeliveryService(outbox, SqlPeopleRepository(database), clock, calendar),
        texts=TextService(SqlTextInbox(database), outbox, cast(Any, None), clock, None, None),
        agenda=agenda,
        clock=clock,
        calendar=calendar,
    )
    await pruning.ensure_scheduled()
    clock.advance(days=1)
    [entry] = await agenda.due(clock.now(), 10)
    assert await pruning.prune(entry) is Outcome.DONE

    async def ids(sql: str) -> list[int]:
        async with database.connection.execute(sql) as cursor:
            return [int(row[0]) for row in await cursor.fetchall()]

    assert await ids("SELECT update_id FROM inbox ORDER BY 1") == [2, 3]
    assert await ids("SELECT id FROM outbox ORDER BY 1") == [2, 3]
    assert await ids("SELECT id FROM sms_inbox ORDER BY 1") == [2, 3]
    [tomorrow] = await agenda.due(clock.now() + timedelta(days=1), 10)
    assert tomorrow.kind is Kind.PRUNE
    await database.close()


def test_the_kept_periods_are_the_privacy_pages() -> None:
    page = (Path(__file__).parent.parent / "docs" / "privacy.md").read_text(encoding="utf-8")
    assert KEEP_HANDLED_UPDATES == timedelta(days=2) and "| 2 days |" in page
    assert KEEP_SETTLED_MESSAGES == timedelta(days=7) and "| 7 days |" in page
    assert KEEP_HANDLED_TEXTS == timedelta(days=30) and "| 30 days |" in page
