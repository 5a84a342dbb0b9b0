"""What the core's features keep about one person, to hand it over (/mesdonnees) or erase it
(/oublier): one holder per feature, registered with bot/services/privacy.py.

Erasing keeps what statistics count (a need's purpose, status and dates, an introduction's
outcome) without anything that points to the person: names, usernames, phones, notes, special
needs, shared positions, conversation drafts, messages.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from storage.db import Database
from storage.traces import Traces

# A position someone shared is their own doorstep: kept only to about 10 km once erased.
_BLUR = {
    f"{end}_{column}": (
        f"CASE WHEN {end}_id LIKE 'point:%' THEN {expression} ELSE {end}_{column} END"
    )
    for end in ("origin", "destination")
    for column, expression in (
        ("name", "''"),
        ("lat", f"ROUND(CAST({end}_lat AS NUMERIC), 1)"),
        ("lon", f"ROUND(CAST({end}_lon AS NUMERIC), 1)"),
        ("id", "'erased'"),
    )
}
# The id last: the others test it.
_BLURRED = ", ".join(
    f"{column} = {expression}"
    for column, expression in sorted(_BLUR.items(), key=lambda item: item[0].endswith("_id"))
)


# The stand-in's mark: forgotten "at the beginning of time", which no real person can be.
ANONYMOUS = "1970-01-01T00:00:00+00:00"


class _Holder:
    section = ""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def _rows(self, sql: str, *parameters: Any) -> list[dict[str, Any]]:
        async with self._db.connection.execute(sql, parameters) as cursor:
            return [dict(row) for row in await cursor.fetchall()]


class TripsHeld(_Holder):
    section = "trips"

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        return await self._rows(
            "SELECT id, origin_name, destination_name, weekdays, departure, return_time,"
            " seats, note, status, created_at, updated_at FROM trips"
            " WHERE driver_id = ? AND id NOT IN (SELECT trip_id FROM volunteers)"  # not a trip
            " ORDER BY id",
            person_id,
        )

    async def forget(self, person_id: int, now: datetime) -> None:
        await self._db.write(
            f"UPDATE trips SET note = NULL, status = 'deleted', {_BLURRED}, updated_at = ?"
            " WHERE driver_id = ?",
            (now.isoformat(), person_id),
        )


class NeedsHeld(_Holder):
    """Needs with their history (who claimed, asked, answered, closed, when)."""

    section = "needs"

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        needs = await self._rows(
            "SELECT id, origin_name, destination_name, travel_date, weekdays, time_mode,"
            " at_time, purpose, special_needs, status, closed_reason, created_at, updated_at"
            " FROM needs WHERE person_id = ? ORDER BY id",
            person_id,
        )
        for need in needs:
            need["history"] = await self._rows(
                "SELECT e.at, e.kind, CASE WHEN e.actor_id IS NULL THEN 'mobilot'"
                " WHEN e.actor_id = ? THEN 'you' WHEN e.actor_id IN"
                "  (SELECT driver_id FROM introductions WHERE need_id = e.need_id)"
                "  THEN 'driver' ELSE 'team' END AS by_whom"
                " FROM need_events e WHERE e.need_id = ? ORDER BY e.id",
                person_id,
                need["id"],
            )
        return needs

    async def forget(self, person_id: int, now: datetime) -> None:
        await self.anonymise("person_id = ?", (person_id,), now, unlink=False)

    async def anonymise(
        self,
        where: str,
        parameters: tuple[Any, ...],
        now: datetime,
        *,
        unlink: bool = True,
        limit: int = -1,
    ) -> int:
        """Erase the details of the needs `where` says, keep what statistics count. With
        `unlink` (retention: the people are still there), the needs, their introductions and
        their history no longer point to anyone: they go to an anonymous stand-in."""
        async with self._db.transaction() as db:
            chosen = f"SELECT id FROM needs WHERE anonymised_at IS NULL AND ({where})"
            if limit >= 0:  # PostgreSQL has no LIMIT -1 (SQLite's "no limit")
                chosen, parameters = chosen + " LIMIT ?", (*parameters, limit)
            async with db.execute(chosen, parameters) as cursor:
                ids = [int(row[0]) for row in await cursor.fetchall()]
            if not ids:
                return 0
            await db.execute("CREATE TEMP TABLE IF NOT EXISTS erased_needs (id INTEGER)")
            await db.execute("DELETE FROM erased_needs")
            await db.executemany("INSERT INTO erased_needs (id) VALUES (?)", [(i,) for i in ids])
            inside = "IN (SELECT id FROM erased_needs)"
            actor = ", actor_id = NULL" if unlink else ""
            await db.execute(f"UPDATE need_events SET detail = ''{actor} WHERE need_id {inside}")
            await db.execute(
                f"UPDATE needs SET special_needs = '', {_BLURRED}, anonymised_at = ?"
                f" WHERE id {inside}",
                (now.isoformat(),),
            )
            if unlink:
                nobody = await self._anonymous(db, now)
                await db.execute(
                    f"UPDATE needs SET person_id = ?, claimed_by = NULL WHERE id {inside}",
                    (nobody,),
                )
                await db.execute(
                    "UPDATE introductions SET driver_id = ?, passenger_id = ?"
                    f" WHERE need_id {inside}",
                    (nobody, nobody),
                )
            await db.execute("DELETE FROM erased_needs")
        return len(ids)

    async def _anonymous(self, db: Any, now: datetime) -> int:
        """The one row that anonymised records point to (no name, forgotten from the start)."""
        async with db.execute(
            "SELECT id FROM people WHERE forgotten_at = ? ORDER BY id LIMIT 1", (ANONYMOUS,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is not None:
            return int(row[0])
        cursor = await db.execute(
            "INSERT INTO people (display_name, created_at, updated_at, forgotten_at)"
            " VALUES ('', ?, ?, ?)",
            (ANONYMOUS, ANONYMOUS, ANONYMOUS),
        )
        return int(cursor.lastrowid)


class IntroductionsHeld(_Holder):
    """Kept for the statistics once the person is forgotten: they hold only ids and times."""

    section = "introductions"

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        return await self._rows(
            "SELECT i.id, i.need_id, CASE WHEN i.driver_id = ? THEN 'driver' ELSE 'passenger'"
            " END AS you_were, CASE WHEN i.driver_id = ? THEN s.display_name"
            " ELSE d.display_name END AS with_whom, i.travel_day, i.pickup, i.dropoff,"
            " i.status, i.created_at, i.answered_at, i.ride_date, i.ride_outcome"
            " FROM introductions i JOIN people d ON d.id = i.driver_id"
            " JOIN people s ON s.id = i.passenger_id"
            " WHERE i.driver_id = ? OR i.passenger_id = ? ORDER BY i.id",
            person_id,
            person_id,
            person_id,
            person_id,
        )

    async def forget(self, person_id: int, now: datetime) -> None:
        return None


class ConsentsHeld(_Holder):
    section = "consents"

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        return await self._rows(
            "SELECT c.topic, c.version, c.given_at,"
            " CASE WHEN c.confirmed_by IS NULL THEN 'you' ELSE 'team' END AS given_through"
            " FROM consents c WHERE c.person_id = ? ORDER BY c.id",
            person_id,
        )

    async def forget(self, person_id: int, now: datetime) -> None:
        await self._db.write("DELETE FROM consents WHERE person_id = ?", (person_id,))


class ReportsHeld(_Holder):
    """Reports the person made (the reason and their words); those about them go with them."""

    section = "reports"

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        return await self._rows(
            "SELECT r.reason, r.words, r.created_at, p.display_name AS about"
            " FROM person_reports r JOIN people p ON p.id = r.reported_id"
            " WHERE r.reporter_id = ? ORDER BY r.id",
            person_id,
        )

    async def forget(self, person_id: int, now: datetime) -> None:
        await self._db.write(
            "DELETE FROM person_reports WHERE reporter_id = ? OR reported_id = ?",
            (person_id, person_id),
        )


class DraftsHeld(_Holder):
    """What a person had typed in a conversation not finished (Mobilot's own, or
    python-telegram-bot's persistence), the answers last given in /aides (what applying
    starts from, kept or not for next time), and the messages exchanged with them still kept
    by the delivery."""

    section = "drafts"

    async def _telegram_id(self, person_id: int) -> int | None:
        rows = await self._rows("SELECT telegram_user_id FROM people WHERE id = ?", person_id)
        return rows[0]["telegram_user_id"] if rows else None

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        open_ = await self._rows(
            "SELECT flow, state FROM conversations WHERE person_id = ?", person_id
        )
        drafts = [{row["flow"]: json.loads(row["state"])} for row in open_]
        given = await self._rows("SELECT * FROM aid_answers_given WHERE person_id = ?", person_id)
        drafts += [{"aids_profile": row} for row in given]
        user_id = await self._telegram_id(person_id)
        if user_id is None:
            return drafts
        rows = await self._rows(
            "SELECT data FROM persisted_data WHERE scope = 'user' AND key = ?", str(user_id)
        )
        return drafts + [json.loads(row["data"]) for row in rows if row["data"] not in ("{}", "")]

    async def forget(self, person_id: int, now: datetime) -> None:
        # What names them in messages to others, in updates and in texts (while their name,
        # handle and phone are still known).
        await Traces(self._db).erase(person_id)
        await self._db.write("DELETE FROM conversations WHERE person_id = ?", (person_id,))
        await self._db.write("DELETE FROM aid_answers_given WHERE person_id = ?", (person_id,))
        # Messages to them already sent or settled (texts too); what is still to be sent (the
        # answer to /oublier itself) goes out and is pruned with the others.
        await self._db.write(
            "DELETE FROM outbox WHERE person_id = ? AND status != 'pending'", (person_id,)
        )
        user_id = await self._telegram_id(person_id)
        if user_id is None:
            return

        def sender(kind: str) -> str:
            return self._db.dialect.json_integer("payload", kind, "from", "id")

        async with self._db.transaction() as db:
            await db.execute(
                "DELETE FROM persisted_data WHERE scope = 'user' AND key = ?", (str(user_id),)
            )
            # python-telegram-bot keys a private conversation by [chat id, user id].
            await db.execute(
                "DELETE FROM conversation_states WHERE chat_key = ?",
                (json.dumps([user_id, user_id]),),
            )
            # Messages already sent or settled; what is still to be sent (the answer to
            # /oublier itself) goes out and is pruned with the others.
            await db.execute(
                "DELETE FROM outbox WHERE (chat_id = ? OR person_id = ?) AND status != 'pending'",
                (user_id, person_id),
            )
            await db.execute(
                "DELETE FROM inbox WHERE status != 'pending' AND ("
                f" {sender('message')} = ? OR {sender('callback_query')} = ?"
                f" OR {sender('edited_message')} = ?)",
                (user_id, user_id, user_id),
            )


class PartnerBookingsHeld(_Holder):
    """What the partner platforms (standard covoiturage) hold with us about a person: the
    bookings of our driver by their passengers, and the needs the person chose to show them.
    Forgetting a driver calls off the bookings still ahead (the partner is told, as when the
    driver calls one off); a need shown is shown no more."""

    section = "partner_platforms"

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        bookings = await self._rows(
            "SELECT partner, ride_date, pickup_at, passenger_alias, status, created_at"
            " FROM interop_bookings WHERE driver_id = ? ORDER BY number",
            person_id,
        )
        shown = await self._rows(
            "SELECT s.need_id, s.shared_at FROM interop_shared_needs s"
            " JOIN needs n ON n.id = s.need_id WHERE n.person_id = ? ORDER BY s.need_id",
            person_id,
        )
        return [{"booking": row} for row in bookings] + [{"need_shown": row} for row in shown]

    async def forget(self, person_id: int, now: datetime) -> None:
        async with self._db.transaction() as db:
            await db.execute(
                "UPDATE interop_bookings SET status = 'CANCELLED', updated_at = ?"
                " WHERE driver_id = ? AND pickup_at > ? AND status NOT IN"
                " ('CANCELLED', 'VALIDATED', 'COMPLETED_PENDING_VALIDATION')",
                (now.isoformat(), person_id, now.isoformat()),
            )
            await db.execute(
                "DELETE FROM interop_shared_needs WHERE need_id IN"
                " (SELECT id FROM needs WHERE person_id = ?)",
                (person_id,),
            )


class AidsHeld(_Holder):
    """Mobility aids (issue 12): the answers kept to check eligibility, the applications with
    their history and which papers were sent (never the papers themselves). Forgetting goes
    through the aids' own services, which delete the papers' files and anonymise the
    applications (the funders' figures keep their counts)."""

    section = "aid_applications"

    def __init__(
        self, database: Database, forgetting: list[Callable[[int], Awaitable[object]]]
    ) -> None:
        super().__init__(database)
        self._forgetting = forgetting

    async def export(self, person_id: int) -> list[dict[str, Any]]:
        answers = await self._rows("SELECT * FROM aid_answers WHERE person_id = ?", person_id)
        applications = await self._rows(
            "SELECT * FROM aid_applications WHERE person_id = ? ORDER BY id", person_id
        )
        for application in applications:
            application["papers"] = await self._rows(
                "SELECT kind, size, uploaded_at FROM aid_proofs"
                " WHERE application_id = ? ORDER BY id",
                application["id"],
            )
            application["history"] = await self._rows(
                "SELECT * FROM aid_application_events WHERE application_id = ? ORDER BY id",
                application["id"],
            )
        return [{"answers": row} for row in answers] + [
            {"application": row} for row in applications
        ]

    async def forget(self, person_id: int, now: datetime) -> None:
        for forget in self._forgetting:
            await forget(person_id)


def core_holders(database: Database) -> list[Any]:
    """The core's holders, drafts first (they need the person's Telegram id)."""
    return [
        DraftsHeld(database),
        ConsentsHeld(database),
        TripsHeld(database),
        NeedsHeld(database),
        IntroductionsHeld(database),
        ReportsHeld(database),
        PartnerBookingsHeld(database),
    ]
