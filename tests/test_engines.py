"""SQLite and PostgreSQL: the same tables and columns from the same migrations, the same
shape of statements and rows for the repositories, and PostgreSQL's spatial index."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from storage.db import Database
from storage.schema_text import for_engine
from tests.conftest import ON_POSTGRES, RunningBot, open_sqlite
from tests.postgres_cluster import Cluster

# Each engine's spatial index of waiting needs (migration 0014): SQLite's R*Tree is a virtual
# table with shadow tables; PostgreSQL's is a GiST index on `needs`, not a table.
ENGINE_OWN = {"waiting_need_points"}
TYPES = {
    "INTEGER": "bigint",
    "REAL": "double precision",
    "TEXT": "text",
    "BLOB": "bytea",
}

Columns = dict[str, list[tuple[str, str, bool]]]


async def sqlite_columns(database: Database) -> Columns:
    found: Columns = {}
    async with database.connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ) as cursor:
        tables = [row[0] for row in await cursor.fetchall()]
    for table in tables:
        if any(table == own or table.startswith(own + "_") for own in ENGINE_OWN):
            continue
        async with database.connection.execute(f"PRAGMA table_info({table})") as cursor:
            found[table] = [
                # a primary key column is NOT NULL on PostgreSQL; SQLite's INTEGER one too
                (row["name"], TYPES[row["type"].upper()], bool(row["notnull"] or row["pk"]))
                for row in await cursor.fetchall()
            ]
    return found


async def postgres_columns(database: Database) -> Columns:
    found: Columns = {}
    async with database.connection.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ) as cursor:
        for row in await cursor.fetchall():
            found.setdefault(row[0], []).append((row[1], row[2], row[3] == "NO"))
    return found


@pytest.mark.skipif(not ON_POSTGRES, reason="compares with PostgreSQL: MOBILOT_TEST_DATABASE")
async def test_both_engines_have_the_same_tables_and_columns(
    tmp_path: Path, postgres: Cluster
) -> None:
    lite = await open_sqlite(tmp_path / "schema.sqlite3")
    pg = await Database.open(tmp_path / "schema-on-postgres")
    try:
        assert pg.dialect.name == "postgresql"
        on_sqlite, on_postgres = await sqlite_columns(lite), await postgres_columns(pg)
        assert sorted(on_sqlite) == sorted(on_postgres)
        for table, columns in on_sqlite.items():
            assert on_postgres[table] == columns, table
    finally:
        await lite.close()
        await pg.close()


def test_migrations_say_where_the_engines_differ() -> None:
    sql = "-- only sqlite: why\nA INTEGER;\n-- end\n-- only postgresql: why\nB INTEGER;\n-- end\nC REAL;"
    assert for_engine(sql, "sqlite").split() == ["A", "INTEGER;", "C", "REAL;"]
    assert for_engine(sql, "postgresql").split() == ["B", "INTEGER;", "C", "DOUBLE", "PRECISION;"]
    with pytest.raises(ValueError):
        for_engine("-- only sqlite: why\nA;", "sqlite")


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's plan: MOBILOT_TEST_DATABASE")
async def test_waiting_needs_are_searched_through_postgres_gist_index(tmp_path: Path) -> None:
    """The counterpart of SQLite's R*Tree (0014): the query of waiting_near can use it."""
    database = await Database.open(tmp_path / "plan")
    try:
        found_in, within, corners = database.dialect.waiting_needs_in_box((44.0, 45.0, 1.0, 2.0))
        async with database.transaction() as db:
            await db.execute("SET LOCAL enable_seqscan = off")
            async with db.execute(
                f"EXPLAIN SELECT n.* FROM {found_in} WHERE {within}"
                " AND n.status IN ('searching', 'with_operators')",
                corners,
            ) as cursor:
                plan = "\n".join(row[0] for row in await cursor.fetchall())
        assert "waiting_need_points" in plan, plan
    finally:
        await database.close()


async def test_the_repositories_see_the_same_shape_on_both_engines(tmp_path: Path) -> None:
    """What the repositories rely on, engine under test (MOBILOT_TEST_DATABASE) whichever:
    `?` placeholders (not inside quotes), a literal %, Python's bool stored as 0/1, the new
    row's id, rows by name and by index, sums and averages as numbers."""
    database = await Database.open(tmp_path / "shape.sqlite3")
    insert = (
        "INSERT INTO outbox (chat_id, method, params, urgent, next_attempt_at, created_at)"
        " VALUES (7, ?, '{}', ?, '', '')"
    )
    try:
        first = await database.write(insert, ("100% sure?", True))
        second = await database.write(insert, ("?", False))
        assert (first.new_id, second.new_id) == (1, 2)
        changed = await database.write("UPDATE outbox SET method = ? WHERE urgent = ?", ("x", 0))
        assert changed.rowcount == 1
        async with database.connection.execute(
            "SELECT id, urgent, method FROM outbox WHERE method LIKE '100%' ORDER BY id"
        ) as cursor:
            [row] = await cursor.fetchall()
        assert (row["id"], row["urgent"], row["method"]) == (1, 1, "100% sure?")
        assert (row[0], row[1]) == (1, 1)
        assert dict(row) == {"id": 1, "urgent": 1, "method": "100% sure?"}
        async with database.connection.execute(
            "SELECT SUM(urgent), AVG(urgent), COUNT(*), '?' FROM outbox"
        ) as cursor:
            totals = await cursor.fetchone()
        assert totals is not None
        assert (totals[0], totals[1], totals[2], totals[3]) == (1, 0.5, 2, "?")
        assert type(totals[0]) is int and type(totals[1]) is float
    finally:
        await database.close()


async def test_the_running_bot_is_on_the_engine_under_test(bot: RunningBot) -> None:
    """On PostgreSQL the whole application runs through DATABASE_URL, as deployed."""
    if ON_POSTGRES:
        assert bot.settings.database_url is not None
        assert bot.app.database.dialect.name == "postgresql"
    else:
        assert bot.settings.database_url is None
        assert bot.app.database.dialect.name == "sqlite"
    jeanne = bot.fake.user(611, "Jeanne")
    await jeanne.command("start")
    assert jeanne.last().text == "Que voulez-vous faire ?"
    assert any(m.text.startswith("Bonjour Jeanne") for m in jeanne.messages())
    bot.assert_clean()


@pytest.mark.skipif(not ON_POSTGRES, reason="a PostgreSQL server's restart: MOBILOT_TEST_DATABASE")
async def test_a_connection_the_server_dropped_is_replaced_before_it_is_used(
    tmp_path: Path, postgres: Cluster | None
) -> None:
    """After the server restarts (or drops idle connections), the pool's connections are
    dead: the next update must not fail on one of them, but take a fresh one."""
    assert postgres is not None
    database = await Database.open(tmp_path / "dropped")
    try:
        await database.write("INSERT INTO leases (name, holder, until) VALUES ('a', 'w1', '')")
        postgres.cut(database.url)  # type: ignore[attr-defined]
        await asyncio.sleep(0.5)  # the server ends the connections it was told to
        written = await database.write(
            "INSERT INTO leases (name, holder, until) VALUES ('b', 'w1', '')"
        )
        assert written.rowcount == 1
        async with database.connection.execute("SELECT name FROM leases ORDER BY name") as rows:
            assert [row[0] for row in await rows.fetchall()] == ["a", "b"]
    finally:
        await database.close()
