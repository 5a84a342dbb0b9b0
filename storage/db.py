"""The SQLite connection: WAL, foreign keys, and numbered migrations applied at start-up."""

from __future__ import annotations

import asyncio
import contextvars
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import aiosqlite

from bot.domain import Missing
from storage.dialect import SQLITE, Dialect
from storage.schema_text import for_engine, statements

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Seconds a transaction keeps trying to begin while another process writes (busy_timeout
# covers the usual wait; this, the "busy at once" of an older snapshot).
BUSY_RETRY_S = 10.0


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration shipped in storage/migrations, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


class Written(NamedTuple):
    lastrowid: int | None
    rowcount: int

    @property
    def new_id(self) -> int:
        """The id of the row an INSERT has just made."""
        if self.lastrowid is None:
            raise Missing("the statement inserted no row")
        return self.lastrowid


class Database:
    """One aiosqlite connection shared by the repositories (SQLite serialises writes anyway).

    storage/postgres.py's PostgresDatabase has the same interface over PostgreSQL."""

    # the SQL that differs between the engines (storage/dialect.py)
    dialect: Dialect = SQLITE

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        # One connection is shared (updates, the agenda, the deliverer): transactions take
        # turns. A transaction opened inside another one joins it, so that a service can make
        # several repositories' writes (and the agenda and notices they cause) atomic, and so
        # that one update's whole effect commits at once. "Inside" follows the context, not the
        # task: python-telegram-bot writes conversation states from tasks it gathers.
        self._transaction_lock = asyncio.Lock()
        self._open: object | None = None
        self._after_commit: list[Callable[[], None]] = []
        self._before_commit: list[Callable[[], Awaitable[None]]] = []
        self._inside: contextvars.ContextVar[object | None] = contextvars.ContextVar(
            f"transaction-{id(self)}", default=None
        )

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        await connection.execute("PRAGMA journal_mode = WAL")
        await connection.execute("PRAGMA foreign_keys = ON")
        await connection.execute("PRAGMA busy_timeout = 5000")
        await connection.execute("PRAGMA synchronous = NORMAL")
        database = cls(connection)
        await database.migrate()
        return database

    async def close(self) -> None:
        await self.connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._open is not None and self._inside.get() is self._open:
            yield self.connection  # the outer transaction commits or rolls back
            return
        async with self._transaction_lock:
            token = object()
            self._open = token
            reset = self._inside.set(token)
            try:
                await self._begin()
                try:
                    yield self.connection
                    while self._before_commit:
                        await self._before_commit.pop(0)()
                    await self.connection.execute("COMMIT")
                except BaseException:
                    # Also after a failed COMMIT: the next transaction must start clean.
                    if self.connection.in_transaction:
                        await self.connection.execute("ROLLBACK")
                    raise
                committed, self._after_commit = self._after_commit, []
                for action in committed:
                    action()
            finally:
                self._open = None
                self._after_commit = []
                self._before_commit = []
                self._inside.reset(reset)

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE, again while SQLite answers "busy" at once.

        With several processes on the file (bot/workers.py), a read of this shared
        connection still open from another task keeps an older snapshot; once another
        process has committed, taking the write lock from it fails at once (SQLITE_BUSY,
        without the busy timeout's wait): nothing is done yet, so it is tried again."""
        deadline = asyncio.get_running_loop().time() + BUSY_RETRY_S
        pause = 0.002
        while True:
            try:
                await self.connection.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                busy = "locked" in str(error) or "busy" in str(error)
                if not busy or asyncio.get_running_loop().time() > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(0.05, pause * 2)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the caller's transaction has committed (never if it rolls
        back), or now outside a transaction: for what lives beside the database in memory."""
        if self.in_transaction:
            self._after_commit.append(action)
        else:
            action()

    def before_commit(self, action: Callable[[], Awaitable[None]]) -> None:
        """Run ``action`` in the caller's transaction once all its other writes are made,
        just before it commits (and not at all if it rolls back first): for a write that must
        also cover what the rest of the transaction writes. Outside a transaction: an error."""
        if not self.in_transaction:
            raise RuntimeError("before_commit outside a transaction")
        self._before_commit.append(action)

    @property
    def in_transaction(self) -> bool:
        """Whether the caller is inside an open transaction (its writes commit with it)."""
        return self._open is not None and self._inside.get() is self._open

    async def write(self, sql: str, parameters: tuple[Any, ...] = ()) -> Written:
        """One statement that writes, in its own transaction or in the caller's.

        Never straight on the shared connection: inside another task's open transaction it
        would be committed or rolled back with that one.
        """
        async with self.transaction() as db:
            cursor = await db.execute(sql, parameters)
            written = Written(cursor.lastrowid, cursor.rowcount)
            await cursor.close()
        return written

    async def migrate(self) -> list[int]:
        """Apply the migrations not yet applied; safe to run at every start."""
        await self.connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        async with self.connection.execute("SELECT version FROM schema_migrations") as cursor:
            applied = {row[0] for row in await cursor.fetchall()}
        done = []
        for version, name, sql in migrations():
            if version in applied:
                continue
            async with self.transaction() as db:
                # Several workers starting at once: another may have applied it meanwhile.
                async with db.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                ) as cursor:
                    if await cursor.fetchone() is not None:
                        continue
                for statement in _statements(sql):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, datetime.now(UTC).isoformat()),
                )
            done.append(version)
        return done

    async def schema_version(self) -> int:
        async with self.connection.execute("SELECT MAX(version) FROM schema_migrations") as cursor:
            row = await cursor.fetchone()
        return int(row[0] or 0) if row else 0


def _statements(sql: str) -> list[str]:
    return statements(for_engine(sql, "sqlite"))
