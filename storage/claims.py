"""Claims and leases of several workers (bot/workers.py), as SQL.

Every claim is one statement, `UPDATE … SET claimed_by = ?, claimed_until = ? WHERE id IN
(SELECT … LIMIT ?) RETURNING …`, run in a write transaction. On SQLite the transaction holds
the database's one write lock (BEGIN IMMEDIATE) from before the sub-select until the commit:
no two claims ever interleave, whatever the number of processes on the file (WAL mode).

PostgreSQL lets claims run side by side, so each claim names its one extra line here
(`CLAIM_LOCK`, `SKIP_LOCKED`), chosen by the engine's name:

- the agenda's entries are independent: `FOR UPDATE SKIP LOCKED` in the sub-select lets
  two workers claim different entries at once, none twice;
- the inbox's updates, the outbox's messages and the texts received are claimed *per chat*
  (no other live claim on the same chat): that reads rows the sub-select does not lock, so
  the claims of those tables take turns on a transaction-scoped advisory lock, held until the
  claim commits, the next claimant's statement then seeing it (READ COMMITTED);
- a trip's change is logged under the same kind of lock (`LOG_LOCK`), so that the log's ids
  commit in order and a worker reading "every id above the last one I saw" misses none;
- the texts' monthly budget is checked under one too (`BUDGET_LOCK`), so that two workers
  never both spend its last segments.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bot.agenda import utc_text
from storage.db import Database

Engine = Literal["sqlite", "postgresql"]

# Run first in the claiming transaction.
CLAIM_LOCK: dict[Engine, str | None] = {
    "sqlite": None,  # BEGIN IMMEDIATE took the write lock already
    "postgresql": "SELECT pg_advisory_xact_lock(22033)",  # 22033: the claims of chats
}
# Appended to the claiming sub-select of a table claimed row by row (the agenda).
SKIP_LOCKED: dict[Engine, str] = {
    "sqlite": "",  # the write lock: nobody else claims meanwhile
    "postgresql": " FOR UPDATE SKIP LOCKED",
}
# Run first in a transaction that logs a trip's change (storage/trip_search.py).
LOG_LOCK: dict[Engine, str | None] = {
    "sqlite": None,  # one writer at a time: ids commit in order
    "postgresql": "SELECT pg_advisory_xact_lock(22034)",  # 22034: the trips' change log
}

# Run before the month's texts are counted against a budget (bot/services/texts.py): two
# workers never both find room for the last segments; the second counts the first's text.
BUDGET_LOCK: dict[Engine, str | None] = {
    "sqlite": None,  # BEGIN IMMEDIATE: one writer at a time
    "postgresql": "SELECT pg_advisory_xact_lock(22035)",  # 22035: the texts' monthly budget
}

# A row no live worker but `?` holds: unclaimed, claimed by it, or its lease ran out.
# Parameters: worker, now.
FREE = "({0}.claimed_by IS NULL OR {0}.claimed_by = ? OR {0}.claimed_until <= ?)"
# Another worker holds a pending row of the same chat. Parameters: worker, now.
HELD_BY_ANOTHER = (
    "EXISTS (SELECT 1 FROM {table} AS h WHERE h.status = 'pending' AND h.{chat} = {row}.{chat}"
    " AND h.claimed_by <> ? AND h.claimed_until > ?)"
)

_RENEW = "UPDATE {} SET claimed_until = ? WHERE claimed_by = ? AND status = 'pending'"
CLAIMED_TABLES = ("inbox", "outbox", "agenda", "sms_inbox")


class SqlClaims:
    def __init__(self, database: Database, engine: Engine = "sqlite") -> None:
        self._db = database
        self.engine = engine

    async def renew(self, worker: str, until: datetime, now: datetime) -> None:
        async with self._db.transaction() as db:
            for table in CLAIMED_TABLES:
                await db.execute(_RENEW.format(table), (utc_text(until), worker))

    async def hold(self, name: str, worker: str, until: datetime, now: datetime) -> bool:
        # Taken when nobody holds it, kept by its holder, taken over once its lease ran out.
        written = await self._db.write(
            "INSERT INTO leases (name, holder, until) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until"
            " WHERE leases.holder = excluded.holder OR leases.until <= ?",
            (name, worker, utc_text(until), utc_text(now)),
        )
        return written.rowcount > 0

    async def let_go(self, name: str, worker: str) -> None:
        await self._db.write("DELETE FROM leases WHERE name = ? AND holder = ?", (name, worker))

    async def holder(self, name: str) -> str | None:
        async with self._db.connection.execute(
            "SELECT holder FROM leases WHERE name = ?", (name,)
        ) as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else None


def engine_of(database: Database) -> Engine:
    """The engine behind a database, by its dialect (storage/dialect.py)."""
    return "postgresql" if database.dialect.name == "postgresql" else "sqlite"


async def lock_for_claim(db: object, engine: Engine) -> None:
    """The engine's extra line before a per-chat claim (none on SQLite)."""
    statement = CLAIM_LOCK[engine]
    if statement is not None:
        await db.execute(statement)  # type: ignore[attr-defined]
