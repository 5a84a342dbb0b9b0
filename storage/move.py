"""`python -m storage.move`: move a territory's SQLite file into an empty PostgreSQL database.

    python -m storage.move --from data/mobilot.sqlite3 --to postgresql://user:password@host/db

``--from`` defaults to DATABASE_PATH, ``--to`` to DATABASE_URL (better than a password on the
command line). Stop the bot first. The SQLite file is opened read-only and read in one snapshot;
it must be at this Mobilot's schema version (start the bot once on it to upgrade it). The
PostgreSQL database must hold no Mobilot data: it is migrated by the project's own runner
(storage/postgres.py), then every table is copied in ONE transaction, parents before the rows
that refer to them (read from the schema's foreign keys), each identity set past the copied ids,
and the row counts compared before the commit: all or nothing, never a merge.

What exists only on SQLite is left out: ``sqlite_*`` tables and the virtual tables (the R*Tree
of waiting needs, migration 0014) with their shadow tables; PostgreSQL keeps its own index.
``schema_migrations`` is not copied either: each database records its own migrations.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import unquote, urlsplit

import psycopg

from storage.db import migrations
from storage.engine import is_postgres_url

# Each database records its own migrations (the target's own runner has filled it).
NOT_COPIED = frozenset({"schema_migrations"})
# Rows read from SQLite and written to PostgreSQL at a time.
BATCH = 5000
# Seconds to wait for the PostgreSQL server before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10

EXIT_REFUSED = 1
EXIT_INTERRUPTED = 130


class MoveError(Exception):
    """What went wrong, in one line the person moving can act on (no password in it)."""


@dataclass
class Moved:
    """What the move copied: rows per table on each side, and how long it took."""

    version: int
    sqlite_counts: dict[str, int] = field(default_factory=dict)
    postgres_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# -- The URL, said without its password. -------------------------------------------------------


def without_password(url: str) -> str:
    """``url`` with its password (if any) as ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc
    credentials, _, host = netloc.rpartition("@")
    user = credentials.split(":", 1)[0]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def hide_password(text: str, url: str) -> str:
    """``text`` (an error's words) with neither the URL nor its password left in it."""
    text = text.replace(url, without_password(url))
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    for secret in (password, unquote(password) if password else None):
        if secret:
            text = text.replace(secret, "***")
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- The SQLite side. -------------------------------------------------------------------------


@dataclass
class ForeignKey:
    column: str
    parent: str


@dataclass
class SourceTable:
    name: str
    columns: list[str]
    key: list[str]  # the primary key's columns (rows are read in its order), or [] for rowid
    foreign_keys: list[ForeignKey]


def latest_version() -> int:
    return migrations()[-1][0]


def open_source(path: Path) -> sqlite3.Connection:
    """The SQLite file, read-only, checked: a Mobilot database at this code's schema version."""
    if not path.is_file():
        raise MoveError(
            f"{path}: no such file (give the SQLite file with --from or DATABASE_PATH)."
        )
    try:
        source = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
        )
    except sqlite3.Error as error:
        raise MoveError(f"{path}: cannot open it ({error}).") from None
    try:
        versions = {row[0] for row in source.execute("SELECT version FROM schema_migrations")}
        source.execute("SELECT 1 FROM people LIMIT 1").fetchall()
    except sqlite3.Error:
        source.close()
        raise MoveError(f"{path}: not a Mobilot database.") from None
    latest = latest_version()
    found = max(versions, default=0)
    if found > latest:
        source.close()
        raise MoveError(
            f"{path} comes from a newer Mobilot (schema version {found}, this one knows up to"
            f" {latest}): move it with that newer Mobilot."
        )
    if not {version for version, _, _ in migrations()} <= versions:
        source.close()
        raise MoveError(
            f"{path} has an older schema (version {found}, this Mobilot is at {latest}): start"
            " the bot once on this file (without DATABASE_URL) to upgrade it, stop it, then"
            " move it."
        )
    return source


def sqlite_only_tables(source: sqlite3.Connection) -> set[str]:
    """SQLite's own tables, the virtual tables (R*Tree) and their shadow tables."""
    rows = source.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return {
        name
        for name, _ in rows
        if name.startswith("sqlite_")
        or any(name == table or name.startswith(table + "_") for table in virtual)
    }


def source_tables(source: sqlite3.Connection) -> dict[str, SourceTable]:
    names = [
        row[0]
        for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if row[0] not in NOT_COPIED
    ]
    skipped = sqlite_only_tables(source)
    tables = {}
    for name in sorted(set(names) - skipped):
        info = source.execute(f"PRAGMA table_info({_quoted(name)})").fetchall()
        keys = sorted((row[5], row[1]) for row in info if row[5])
        foreign = [
            ForeignKey(row[3], row[2])
            for row in source.execute(f"PRAGMA foreign_key_list({_quoted(name)})")
        ]
        tables[name] = SourceTable(name, [row[1] for row in info], [k for _, k in keys], foreign)
    return tables


def check_references(source: sqlite3.Connection, path: Path) -> None:
    """PostgreSQL enforces every foreign key: a row that refers to a row gone would stop the
    move half-way through; say so before anything is written."""
    broken = source.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise MoveError(
            f"{path}: {len(broken)} rows refer to rows that no longer exist (the first:"
            f" {table} row {rowid}, in {parent}); PostgreSQL would refuse them."
        )


def copy_order(tables: dict[str, SourceTable]) -> list[str]:
    """Every table after the tables its foreign keys refer to. A table that refers to itself
    (a person registered by another) needs no order of rows: PostgreSQL checks a foreign key
    at the end of the statement, and each table is one COPY."""
    waiting = {
        name: {fk.parent for fk in table.foreign_keys if fk.parent != name and fk.parent in tables}
        for name, table in tables.items()
    }
    order: list[str] = []
    while waiting:
        ready = sorted(name for name, parents in waiting.items() if not parents)
        if not ready:
            raise MoveError(f"the tables refer to each other in a circle: {sorted(waiting)}.")
        for name in ready:
            del waiting[name]
            order.append(name)
        for parents in waiting.values():
            parents.difference_update(ready)
    return order


# -- Values: what PostgreSQL's column type needs. ---------------------------------------------
# The schema keeps SQLite's storage classes on both engines (storage/schema_text.py: INTEGER →
# BIGINT, REAL → DOUBLE PRECISION, TEXT → TEXT, BLOB → BYTEA; booleans are 0/1 integers, dates
# and times and JSON are text). SQLite may still hold a value of another class in a column
# (its types are affinities): such a value is converted, or the move refused with its place.


class BadValue(ValueError):
    pass


def _to_integer(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str | bytes):
        try:
            return int(value)
        except ValueError:
            pass
    raise BadValue(value)


def _to_real(value: Any) -> Any:
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        raise BadValue(value) from None


def _to_text(value: Any) -> Any:
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise BadValue(value) from None
    elif not isinstance(value, str):
        value = str(value)
    if "\x00" in value:  # PostgreSQL's text cannot hold it
        raise BadValue(value)
    return value


def _to_bytes(value: Any) -> Any:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise BadValue(value)


def _to_boolean(value: Any) -> Any:
    if isinstance(value, int | float):
        return bool(value)
    raise BadValue(value)


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "bigint": _to_integer,
    "integer": _to_integer,
    "smallint": _to_integer,
    "double precision": _to_real,
    "real": _to_real,
    "text": _to_text,
    "character varying": _to_text,
    "bytea": _to_bytes,
    "boolean": _to_boolean,
}


def converters(types: Sequence[str]) -> list[Callable[[Any], Any] | None]:
    """Per column, the conversion its PostgreSQL type needs (None: the text as it is, which
    PostgreSQL reads itself, e.g. a date or JSON)."""
    return [_CONVERT.get(kind) for kind in types]


def convert_row(
    table: str,
    columns: Sequence[str],
    convert: Sequence[Callable[[Any], Any] | None],
    row: Sequence[Any],
) -> tuple[Any, ...]:
    values = []
    for column, conversion, value in zip(columns, convert, row, strict=True):
        if value is None or conversion is None:
            values.append(value)
            continue
        try:
            values.append(conversion(value))
        except BadValue:
            where = f"{columns[0]} {row[0]}" if columns else "a row"
            raise MoveError(
                f"table {table}, {where}: column {column} holds {str(value)[:40]!r}, which"
                " PostgreSQL cannot store there."
            ) from None
    return tuple(values)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- The PostgreSQL side. ---------------------------------------------------------------------


Connection = psycopg.AsyncConnection[Any]


async def _connect(url: str) -> Connection:
    try:
        # autocommit: the copy's transaction is opened below, one BEGIN … COMMIT
        return await psycopg.AsyncConnection.connect(
            url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
        )
    except psycopg.Error as error:
        raise MoveError(
            f"Cannot connect to PostgreSQL at {without_password(url)}:"
            f" {hide_password(_one_line(str(error)), url)}"
        ) from None


async def _tables_with_rows(connection: Connection, names: Iterable[str]) -> list[str]:
    """Those of ``names`` that exist in the target and hold at least one row."""
    cursor = await connection.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    )
    present = {row[0] for row in await cursor.fetchall()}
    holding = []
    for name in sorted(set(names) & present):
        cursor = await connection.execute(f"SELECT EXISTS (SELECT 1 FROM {_quoted(name)})")
        row = await cursor.fetchone()
        if row is not None and row[0]:
            holding.append(name)
    return holding


def _refuse_if_not_empty(holding: list[str], url: str) -> None:
    if holding:
        shown = ", ".join(holding[:5]) + (", …" if len(holding) > 5 else "")
        raise MoveError(
            f"{without_password(url)} already holds Mobilot data ({shown}): the move only fills"
            " an empty database, it never merges nor overwrites. Give it an empty database."
        )


async def _target_version(connection: Connection) -> int:
    cursor = await connection.execute(
        "SELECT 1 FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
    )
    if await cursor.fetchone() is None:
        return 0
    cursor = await connection.execute("SELECT MAX(version) FROM schema_migrations")
    row = await cursor.fetchone()
    return int(row[0] or 0) if row else 0


async def _migrate(url: str) -> None:
    """The project's own runner: the same migrations as the bot applies at start."""
    from storage.postgres import PostgresDatabase

    try:
        database = await PostgresDatabase.open(url)
    except (psycopg.Error, OSError) as error:
        raise MoveError(
            f"Cannot prepare the tables in {without_password(url)}:"
            f" {hide_password(_one_line(str(error)), url)}"
        ) from None
    await database.close()


async def _columns(connection: Connection) -> dict[str, list[tuple[str, str]]]:
    cursor = await connection.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in await cursor.fetchall():
        found.setdefault(table, []).append((column, kind))
    return found


async def _sequences(connection: Connection) -> list[tuple[str, str]]:
    """(table, column) of every identity or serial column."""
    cursor = await connection.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
        " AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')"
        " ORDER BY table_name"
    )
    return [(row[0], row[1]) for row in await cursor.fetchall()]


# -- The move. --------------------------------------------------------------------------------


async def move(path: Path, url: str, *, say: Callable[[str], None] = lambda line: None) -> Moved:
    """Copy the SQLite file at ``path`` into the empty PostgreSQL database at ``url``; ``say``
    tells how it goes."""
    started = time.monotonic()
    if not is_postgres_url(url):
        raise MoveError("The target must be a PostgreSQL URL: postgresql://user:password@host/db")
    source = open_source(path)
    try:
        # One read transaction: a consistent snapshot, even of a file still written to.
        source.execute("BEGIN")
        check_references(source, path)
        tables = source_tables(source)
        order = copy_order(tables)
        moved = Moved(version=latest_version())
        for name in order:
            moved.sqlite_counts[name] = source.execute(
                f"SELECT count(*) FROM {_quoted(name)}"
            ).fetchone()[0]

        connection = await _connect(url)
        try:
            if await _target_version(connection) > moved.version:
                raise MoveError(
                    f"{without_password(url)} was prepared by a newer Mobilot: move with that one."
                )
            _refuse_if_not_empty(await _tables_with_rows(connection, order), url)
            await _migrate(url)
            target = await _columns(connection)
            missing = sorted(set(order) ^ (set(target) - NOT_COPIED))
            if missing:
                raise MoveError(f"the two databases' tables differ ({', '.join(missing)}).")
            say(
                f"Copying {sum(moved.sqlite_counts.values())} rows of {len(order)} tables"
                f" from {path} to {without_password(url)}…"
            )
            current = ""
            try:
                async with connection.transaction():
                    # Again inside the transaction: nobody filled it meanwhile.
                    _refuse_if_not_empty(await _tables_with_rows(connection, order), url)
                    for name in order:
                        current = name
                        await _copy_table(source, connection, tables[name], target[name])
                    current = ""
                    for table, column in await _sequences(connection):
                        await connection.execute(
                            f"SELECT setval(pg_get_serial_sequence(%s, %s),"
                            f" GREATEST(COALESCE(MAX({_quoted(column)}), 0) + 1, 1), false)"
                            f" FROM {_quoted(table)}",
                            (_quoted(table), column),
                        )
                    for name in order:
                        cursor = await connection.execute(f"SELECT count(*) FROM {_quoted(name)}")
                        row = await cursor.fetchone()
                        moved.postgres_counts[name] = int(row[0]) if row else -1
                    differ = [
                        name
                        for name in order
                        if moved.postgres_counts[name] != moved.sqlite_counts[name]
                    ]
                    if differ:
                        raise MoveError(
                            f"the row counts differ after the copy ({', '.join(differ)})."
                        )
            except MoveError as error:
                raise MoveError(f"{error} Nothing was copied.") from None
            except psycopg.Error as error:
                place = f" the rows of {current}" if current else " the copy"
                raise MoveError(
                    f"PostgreSQL refused{place}:"
                    f" {hide_password(_one_line(str(error)), url)} Nothing was copied."
                ) from None
        finally:
            await connection.close()
    except psycopg.Error as error:  # before the copy: nothing written but the empty tables
        raise MoveError(f"PostgreSQL: {hide_password(_one_line(str(error)), url)}") from None
    except sqlite3.Error as error:
        raise MoveError(f"{path}: cannot read it ({error}). Nothing was copied.") from None
    finally:
        source.close()
    moved.seconds = time.monotonic() - started
    return moved


async def _copy_table(
    source: sqlite3.Connection,
    connection: Connection,
    table: SourceTable,
    target: list[tuple[str, str]],
) -> None:
    columns = [column for column, _ in target]
    if set(columns) != set(table.columns):
        raise MoveError(
            f"table {table.name}: the columns differ between the two databases"
            f" ({sorted(set(columns) ^ set(table.columns))})."
        )
    convert = converters([kind for _, kind in target])
    listed = ", ".join(_quoted(column) for column in columns)
    order = ", ".join(_quoted(column) for column in table.key) or "rowid"
    cursor = source.execute(f"SELECT {listed} FROM {_quoted(table.name)} ORDER BY {order}")
    async with connection.cursor() as writer:
        async with writer.copy(f"COPY {_quoted(table.name)} ({listed}) FROM STDIN") as copy:
            while batch := cursor.fetchmany(BATCH):
                for row in batch:
                    await copy.write_row(convert_row(table.name, columns, convert, row))


# -- The command. -----------------------------------------------------------------------------


def report(moved: Moved, path: Path, url: str, out: TextIO) -> None:
    """The counts per table (those with rows), and the time taken."""
    filled = sorted(name for name in moved.sqlite_counts if moved.sqlite_counts[name])
    width = max([len("table"), len("total"), *(len(name) for name in filled)])
    print(f"{'table':<{width}}  {'SQLite':>9}  {'PostgreSQL':>10}", file=out)
    for name in filled:
        print(
            f"{name:<{width}}  {moved.sqlite_counts[name]:>9}  {moved.postgres_counts[name]:>10}",
            file=out,
        )
    empty = len(moved.sqlite_counts) - len(filled)
    total_sqlite = sum(moved.sqlite_counts.values())
    total_postgres = sum(moved.postgres_counts.values())
    print(f"{'total':<{width}}  {total_sqlite:>9}  {total_postgres:>10}", file=out)
    print(
        f"Moved {total_sqlite} rows of {len(filled)} tables ({empty} other tables empty) from"
        f" {path} to {without_password(url)} in {moved.seconds:.1f} s.",
        file=out,
    )
    print("Start Mobilot with DATABASE_URL set to this database.", file=out)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = argparse.ArgumentParser(
        prog="python -m storage.move",
        description="Move a Mobilot SQLite file into an empty PostgreSQL database."
        " Stop the bot and back up the file first.",
    )
    parser.add_argument(
        "--from",
        dest="source",
        default=os.environ.get("DATABASE_PATH", "data/mobilot.sqlite3"),
        help="the SQLite file (default: DATABASE_PATH, else data/mobilot.sqlite3)",
    )
    parser.add_argument(
        "--to",
        dest="target",
        default=os.environ.get("DATABASE_URL"),
        help="postgresql://user:password@host:port/database (default: DATABASE_URL)",
    )
    arguments = parser.parse_args(argv)
    if not arguments.target:
        print("Give the PostgreSQL database with --to or DATABASE_URL.", file=sys.stderr)
        return EXIT_REFUSED
    path, url = Path(arguments.source), str(arguments.target).strip()
    try:
        moved = asyncio.run(move(path, url, say=lambda line: print(line, file=out, flush=True)))
    except MoveError as error:
        print(error, file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print(
            "Interrupted: nothing was copied (PostgreSQL keeps Mobilot's tables, empty);"
            " run the move again.",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    report(moved, path, url, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
