"""People, whether they came through Telegram or were registered by an operator."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain import Missing, Person, TelegramIdentity
from bot.settings import Language
from storage.db import Database
from storage.territories import person_territory_of_row


class SqlPeopleRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def get(self, person_id: int) -> Person | None:
        return await self._one("SELECT * FROM people WHERE id = ?", (person_id,))

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        return await self._one(
            "SELECT * FROM people WHERE telegram_user_id = ?", (telegram_user_id,)
        )

    async def add_from_telegram(
        self, identity: TelegramIdentity, language: Language, now: datetime
    ) -> Person:
        # Two first updates of the same user may race: the UNIQUE constraint keeps one row.
        # NOT EXISTS first: PostgreSQL would spend an id on each conflict, SQLite does not.
        await self._db.write(
            "INSERT INTO people (display_name, telegram_user_id, telegram_username, language,"
            " created_at, updated_at) SELECT ?, ?, ?, ?, ?, ?"
            " WHERE NOT EXISTS (SELECT 1 FROM people WHERE telegram_user_id = ?)"
            " ON CONFLICT (telegram_user_id) DO NOTHING",
            (
                identity.display_name,
                identity.user_id,
                identity.username,
                language,
                now.isoformat(),
                now.isoformat(),
                identity.user_id,
            ),
        )
        person = await self.by_telegram_id(identity.user_id)
        if person is None:
            raise Missing(f"the person of Telegram user {identity.user_id} is gone")
        return person

    async def add_offline(
        self,
        name: str,
        phone: str,
        phone_visible: bool,
        language: Language,
        registered_by: int,
        now: datetime,
    ) -> Person:
        """Someone who phoned the team: no Telegram account; the operator vouches for consent."""
        written = await self._db.write(
            "INSERT INTO people (display_name, phone, phone_visible, language,"
            " privacy_accepted_at, phone_consent_at, registered_by, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name,
                phone,
                int(phone_visible),
                language,
                now.isoformat(),
                now.isoformat() if phone_visible else None,
                registered_by,
                now.isoformat(),
                now.isoformat(),
            ),
        )
        person = await self.get(written.new_id)
        if person is None:
            raise Missing(f"person {written.new_id} is gone")
        return person

    async def add_from_sms(self, phone: str, language: Language, now: datetime) -> Person:
        """Someone who texted the territory's number: known by it, not yet agreed to anything
        (their name comes later)."""
        written = await self._db.write(
            "INSERT INTO people (display_name, phone, language, created_at, updated_at)"
            " VALUES ('', ?, ?, ?, ?)",
            (phone, language, now.isoformat(), now.isoformat()),
        )
        person = await self.get(written.new_id)
        if person is None:
            raise Missing(f"person {written.new_id} is gone")
        return person

    async def texting_from(self, phone: str) -> Person | None:
        """Who texts from this number: someone reached by SMS at it, else someone the team
        registered with it, else someone on Telegram who gave it."""
        return await self._one(
            "SELECT * FROM people WHERE phone = ? AND forgotten_at IS NULL"
            " ORDER BY sms_since IS NULL, telegram_user_id IS NOT NULL, id LIMIT 1",
            (phone,),
        )

    async def set_sms(
        self, person_id: int, since: datetime | None, consent_by: int | None, now: datetime
    ) -> Person:
        """Reached by SMS from `since` (None: no longer), as agreed by them or the team."""
        return await self._update(
            person_id,
            now,
            sms_since=since.isoformat() if since else None,
            sms_consent_by=consent_by,
            sms_stopped_at=None,
        )

    async def set_sms_stopped(self, person_id: int, at: datetime | None, now: datetime) -> Person:
        return await self._update(person_id, now, sms_stopped_at=at.isoformat() if at else None)

    async def set_name(self, person_id: int, name: str, now: datetime) -> Person:
        return await self._update(person_id, now, display_name=name)

    async def refresh_telegram_identity(
        self, person_id: int, identity: TelegramIdentity, now: datetime
    ) -> Person:
        return await self._update(
            person_id,
            now,
            display_name=identity.display_name,
            telegram_username=identity.username,
        )

    async def set_language(self, person_id: int, language: Language, now: datetime) -> Person:
        return await self._update(person_id, now, language=language)

    async def accept_privacy(self, person_id: int, now: datetime) -> Person:
        return await self._update(person_id, now, privacy_accepted_at=now.isoformat())

    async def set_phone(
        self, person_id: int, phone: str | None, visible: bool, now: datetime
    ) -> Person:
        return await self._update(
            person_id,
            now,
            phone=phone,
            phone_visible=int(bool(phone) and visible),
            phone_consent_at=now.isoformat() if phone and visible else None,
        )

    async def set_unreachable(self, person_id: int, since: datetime | None) -> None:
        """Telegram refused to deliver to them (since then), or they wrote again (None)."""
        await self._db.write(
            "UPDATE people SET unreachable_at = ? WHERE id = ?",
            (since.isoformat() if since else None, person_id),
        )

    async def by_chat(self, chat_id: int) -> Person | None:
        return await self.by_telegram_id(chat_id) if chat_id > 0 else None

    async def seen(self, person_id: int, now: datetime) -> None:
        """They wrote to the bot: not inactive, and no longer waiting to say they stay."""
        await self._db.write(
            "UPDATE people SET last_seen_at = ?, stay_asked_at = NULL WHERE id = ?",
            (now.isoformat(), person_id),
        )

    async def offline_with_phone(self, phone: str) -> list[Person]:
        """People the team registered by phone (no Telegram) with this number."""
        async with self._db.connection.execute(
            "SELECT * FROM people WHERE phone = ? AND telegram_user_id IS NULL"
            " AND forgotten_at IS NULL ORDER BY id",
            (phone,),
        ) as cursor:
            return [_person(row) for row in await cursor.fetchall()]

    async def with_phone(self, phone: str) -> Person | None:
        """Someone already known with this number: on Telegram first, then by phone."""
        return await self._one(
            "SELECT * FROM people WHERE phone = ? AND forgotten_at IS NULL"
            " ORDER BY telegram_user_id IS NULL, id LIMIT 1",
            (phone,),
        )

    async def merge(self, into_id: int, from_id: int) -> None:
        """`from_id` was the same person as `into_id`, known another way: everything of
        theirs moves over, and the duplicate goes."""
        moves = (
            ("trips", "driver_id"),
            ("needs", "person_id"),
            ("introductions", "driver_id"),
            ("introductions", "passenger_id"),
            ("need_events", "actor_id"),
            ("consents", "person_id"),
            ("person_reports", "reporter_id"),
            ("person_reports", "reported_id"),
            ("outbox", "person_id"),
            ("tus_members", "person_id"),  # the association's member they are (issue 24)
        )
        async with self._db.transaction() as db:
            for table, column in moves:
                await db.execute(
                    f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (into_id, from_id)
                )
            await db.execute(
                "UPDATE people SET registered_by = NULL WHERE registered_by = ?", (from_id,)
            )
            await db.execute(
                "UPDATE people SET suspended_at = COALESCE(suspended_at,"
                " (SELECT suspended_at FROM people WHERE id = ?)) WHERE id = ?",
                (from_id, into_id),
            )
            await db.execute("DELETE FROM people WHERE id = ?", (from_id,))

    async def forget(self, person_id: int, now: datetime) -> None:
        """Empty the person's row; it stays (without identity) for the statistics' counts."""
        await self._db.write(
            "UPDATE people SET display_name = '', telegram_user_id = NULL,"
            " telegram_username = NULL, phone = NULL, phone_visible = 0,"
            " privacy_accepted_at = NULL, phone_consent_at = NULL, unreachable_at = NULL,"
            " sms_since = NULL, sms_consent_by = NULL, sms_stopped_at = NULL,"
            " last_seen_at = NULL, stay_asked_at = NULL, forgotten_at = ?, updated_at = ?"
            " WHERE id = ?",
            (now.isoformat(), now.isoformat(), person_id),
        )

    async def set_suspended(self, person_id: int, since: datetime | None) -> None:
        await self._db.write(
            "UPDATE people SET suspended_at = ? WHERE id = ?",
            (since.isoformat() if since else None, person_id),
        )

    async def inactive(self, before: datetime, limit: int) -> list[Person]:
        """People on Telegram not seen since `before` and not yet asked whether to stay."""
        async with self._db.connection.execute(
            "SELECT * FROM people WHERE forgotten_at IS NULL AND stay_asked_at IS NULL"
            " AND COALESCE(last_seen_at, created_at) < ? ORDER BY id LIMIT ?",
            (before.isoformat(), limit),
        ) as cursor:
            return [_person(row) for row in await cursor.fetchall()]

    async def stay_asked(self, person_id: int, now: datetime) -> None:
        await self._db.write(
            "UPDATE people SET stay_asked_at = ? WHERE id = ?", (now.isoformat(), person_id)
        )

    async def asked_to_stay_before(self, before: datetime) -> list[Person]:
        """People asked whether to stay before `before` who have not written since."""
        async with self._db.connection.execute(
            "SELECT * FROM people WHERE forgotten_at IS NULL AND stay_asked_at IS NOT NULL"
            " AND stay_asked_at < ? ORDER BY id",
            (before.isoformat(),),
        ) as cursor:
            return [_person(row) for row in await cursor.fetchall()]

    async def _update(self, person_id: int, now: datetime, **columns: Any) -> Person:
        assignments = ", ".join(f"{name} = ?" for name in columns)
        await self._db.write(
            f"UPDATE people SET {assignments}, updated_at = ? WHERE id = ?",
            (*columns.values(), now.isoformat(), person_id),
        )
        person = await self.get(person_id)
        if person is None:
            raise LookupError(f"no person {person_id}")
        return person

    async def _one(self, sql: str, parameters: tuple[Any, ...]) -> Person | None:
        async with self._db.connection.execute(sql, parameters) as cursor:
            row = await cursor.fetchone()
        return _person(row) if row else None


def _person(row: aiosqlite.Row) -> Person:
    return Person(
        id=row["id"],
        display_name=row["display_name"],
        telegram_user_id=row["telegram_user_id"],
        telegram_username=row["telegram_username"],
        phone=row["phone"],
        phone_visible=bool(row["phone_visible"]),
        language=row["language"],
        privacy_accepted_at=row["privacy_accepted_at"],
        phone_consent_at=row["phone_consent_at"],
        registered_by=row["registered_by"],
        created_at=row["created_at"],
        unreachable_at=row["unreachable_at"],
        last_seen_at=row["last_seen_at"],
        sms_since=row["sms_since"],
        sms_consent_by=row["sms_consent_by"],
        sms_stopped_at=row["sms_stopped_at"],
        forgotten_at=row["forgotten_at"],
        suspended_at=row["suspended_at"],
        territory=person_territory_of_row(row),
    )
