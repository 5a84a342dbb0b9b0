"""PostgreSQL behind the same interface as storage/db.py's SQLite ``Database``.

The repositories speak aiosqlite's shape: ``connection.execute(sql, params)`` (awaited or as
an ``async with``), ``fetchone``/``fetchall``, ``lastrowid``, ``rowcount``, rows read by name
and by index, ``?`` placeholders. ``PgConnection`` gives them that shape over a pool of psycopg
connections, so one repository serves both engines:

- a transaction holds one pooled connection for its whole context (nested transactions join
  it, as on SQLite); a read outside a transaction borrows a connection for one statement;
- ``?`` becomes ``%s`` (and ``%`` becomes ``%%``) once per statement text (a cache);
- an ``INSERT`` into a table with an identity column (SQLite's ``INTEGER PRIMARY KEY``) gets
  ``RETURNING`` it, which is what SQLite's ``lastrowid`` tells;
- Python's ``bool`` is written as 0/1 (the schema keeps SQLite's 0/1 INTEGER columns) and a
  ``numeric`` result (``SUM`` of integers, ``AVG``) is read as an int or a float, as SQLite
  gives them.

Transactions of one process take turns, as on SQLite: the same code keeps the same behaviour;
what several processes do at once is the next step (issue 22, several workers).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Generator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from types import TracebackType
from typing import Any, cast

import aiosqlite
import psycopg
from psycopg import AsyncClientCursor
from psycopg.adapt import Loader
from psycopg.rows import RowMaker
from psycopg.types.numeric import Int8Dumper
from psycopg_pool import AsyncConnectionPool

from storage.db import Database, Written, migrations
from storage.dialect import POSTGRESQL
from storage.schema_text import for_engine, statements

PoolConnection = psycopg.AsyncConnection[Any]


class Row(tuple[Any, ...]):
    """A result row read as sqlite3.Row is: by index, by column name, ``keys()``, ``dict(row)``."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: Any) -> RowMaker[Row]:
    description = cursor.description
    if description is None:
        return lambda values: Row(values, {})
    names: dict[str, int] = {}
    for index, column in enumerate(description):
        names.setdefault(column.name, index)
    return lambda values: Row(values, names)


class _NumberLoader(Loader):
    """``numeric`` (PostgreSQL's SUM of integers, AVG) as SQLite gives it: int or float."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        if "." in text or "e" in text.lower() or "n" in text.lower():
            return float(text)
        return int(text)


async def _configure(connection: PoolConnection) -> None:
    connection.adapters.register_dumper(bool, Int8Dumper)
    connection.adapters.register_loader("numeric", _NumberLoader)


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """SQLite's ``?`` placeholders as psycopg's ``%s``; a literal ``%`` doubled. Quoted text
    and identifiers keep their question marks."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if char == "%":
            out.append("%%")
            continue
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append(char)
    return "".join(out)


_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


class Cursor:
    """What a statement gave: its rows (all read at once), ``rowcount``, ``lastrowid``."""

    def __init__(
        self,
        rows: list[Row],
        rowcount: int,
        lastrowid: int | None,
        description: Any = None,
    ) -> None:
        self._rows = rows
        self._position = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid
        self.description = description

    async def fetchone(self) -> Row | None:
        if self._position >= len(self._rows):
            return None
        row = self._rows[self._position]
        self._position += 1
        return row

    async def fetchall(self) -> list[Row]:
        rows = self._rows[self._position :]
        self._position = len(self._rows)
        return rows

    async def fetchmany(self, size: int = 1) -> list[Row]:
        rows = self._rows[self._position : self._position + size]
        self._position += len(rows)
        return rows

    async def close(self) -> None:
        return None

    def __aiter__(self) -> AsyncIterator[Row]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Row]:
        while (row := await self.fetchone()) is not None:
            yield row


class _Execution:
    """``await connection.execute(...)`` and ``async with connection.execute(...)`` alike."""

    def __init__(self, run: Awaitable[Cursor]) -> None:
        self._run = run
        self._cursor: Cursor | None = None

    def __await__(self) -> Generator[Any, None, Cursor]:
        return self._run.__await__()

    async def __aenter__(self) -> Cursor:
        self._cursor = await self._run
        return self._cursor

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        return None


class PgConnection:
    """aiosqlite.Connection's shape over the pool: the transaction's connection inside one,
    a borrowed one for a single statement outside."""

    def __init__(self, database: PostgresDatabase) -> None:
        self._database = database

    def execute(self, sql: str, parameters: Iterable[Any] = ()) -> _Execution:
        return _Execution(self._database._run(sql, tuple(parameters)))

    async def executemany(self, sql: str, many: Iterable[Iterable[Any]]) -> Cursor:
        return await self._database._run_many(sql, [tuple(one) for one in many])

    @property
    def in_transaction(self) -> bool:
        return self._database.in_transaction

    async def commit(self) -> None:
        return None

    async def close(self) -> None:
        await self._database.close()


class Severed(ConnectionError):
    """The database was cut off (a simulated crash): nothing more reaches it."""


class PostgresDatabase(Database):
    """The same interface as ``Database`` (SQLite) over a psycopg pool."""

    dialect = POSTGRESQL

    def __init__(self, pool: AsyncConnectionPool[PoolConnection], url: str) -> None:
        super().__init__(cast(aiosqlite.Connection, PgConnection(self)))
        self.url = url
        self._pool = pool
        self._held: PoolConnection | None = None
        self._identities: dict[str, str] = {}
        self._severed = False

    @classmethod
    async def open(cls, path: Any) -> PostgresDatabase:  # type: ignore[override]
        url = str(path)
        pool: AsyncConnectionPool[PoolConnection] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=10,
            kwargs={"autocommit": True, "cursor_factory": AsyncClientCursor},
            configure=_configure,
            # A connection the server dropped while idle in the pool (a restart, an idle
            # timeout) is replaced when borrowed, not found dead by the next update.
            check=AsyncConnectionPool.check_connection,
            open=False,
            name="mobilot",
        )
        await pool.open(wait=True, timeout=30)
        database = cls(pool, url)
        try:
            await database.migrate()
        except BaseException:
            await pool.close()
            raise
        return database

    async def close(self) -> None:
        await self._pool.close()

    async def sever(self) -> None:
        """As after a power cut: every connection dropped, what was in flight not committed
        (the server rolls it back), and nothing more sent from this object."""
        self._severed = True
        held = self._held
        if held is not None:
            await held.close()
        await self._pool.close(timeout=1)

    # Running statements.

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[PoolConnection]:
        if self._severed:
            raise Severed("the database connection was cut")
        if self.in_transaction and self._held is not None:
            yield self._held
            return
        async with self._pool.connection() as connection:
            yield connection

    def _prepare(self, sql: str) -> tuple[str, bool]:
        text = translate(sql)
        insert = _INSERT_INTO.match(text)
        identity = self._identities.get(insert[1].lower()) if insert is not None else None
        returning = identity is not None and not _RETURNING.search(text)
        if returning:
            text += f" RETURNING {identity}"
        return text, returning

    async def _run(self, sql: str, parameters: tuple[Any, ...]) -> Cursor:
        text, returning = self._prepare(sql)
        async with self._connection() as connection:
            async with connection.cursor(row_factory=_row_factory) as cursor:
                await cursor.execute(text, parameters)
                rows = await cursor.fetchall() if cursor.description is not None else []
                rowcount = cursor.rowcount
                description = cursor.description
        if returning:
            return Cursor([], rowcount, rows[-1][0] if rows else None)
        return Cursor(rows, rowcount, None, description)

    async def _run_many(self, sql: str, many: list[tuple[Any, ...]]) -> Cursor:
        text = translate(sql)
        async with self._connection() as connection:
            async with connection.cursor(row_factory=_row_factory) as cursor:
                await cursor.executemany(text, many)
                rowcount = cursor.rowcount
        return Cursor([], rowcount, None)

    # Transactions: the same rules as storage/db.py's, on one pooled connection.

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        if self._open is not None and self._inside.get() is self._open:
            yield self.connection
            return
        async with self._transaction_lock:
            if self._severed:
                raise Severed("the database connection was cut")
            token = object()
            async with self._pool.connection() as held:
                self._held = held
                self._open = token
                reset = self._inside.set(token)
                try:
                    await held.execute("BEGIN")
                    try:
                        yield self.connection
                        while self._before_commit:
                            await self._before_commit.pop(0)()
                        await held.execute("COMMIT")
                    except BaseException:
                        if not held.closed:
                            await held.execute("ROLLBACK")
                        raise
                    committed, self._after_commit = self._after_commit, []
                    for action in committed:
                        action()
                finally:
                    self._held = None
                    self._open = None
                    self._after_commit = []
                    self._before_commit = []
                    self._inside.reset(reset)

    async def write(self, sql: str, parameters: tuple[Any, ...] = ()) -> Written:
        async with self.transaction():
            cursor = await self._run(sql, tuple(parameters))
        return Written(cursor.lastrowid, cursor.rowcount)

    # Schema.

    async def migrate(self) -> list[int]:
        async with self._pool.connection() as connection:
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            # Two processes starting together: one migrates, the other waits for it.
            await connection.execute("SELECT pg_advisory_lock(20260022)")
            try:
                done = await self._migrate()
            finally:
                await connection.execute("SELECT pg_advisory_unlock(20260022)")
        self._identities = await self._identity_columns()
        return done

    async def _migrate(self) -> list[int]:
        cursor = await self._run("SELECT version FROM schema_migrations", ())
        applied = {row[0] for row in await cursor.fetchall()}
        done = []
        for version, name, sql in migrations():
            if version in applied:
                continue
            async with self.transaction():
                for statement in statements(for_engine(sql, "postgresql")):
                    await self._run(statement, ())
                await self._run(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, datetime.now(UTC).isoformat()),
                )
            done.append(version)
        return done

    async def _identity_columns(self) -> dict[str, str]:
        """Each table's identity column (SQLite's INTEGER PRIMARY KEY, the rowid)."""
        cursor = await self._run(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_identity = 'YES'",
            (),
        )
        return {row[0]: row[1] for row in await cursor.fetchall()}
