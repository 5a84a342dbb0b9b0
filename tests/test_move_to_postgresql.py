"""A territory moves from its SQLite file to PostgreSQL (`python -m storage.move`): the bot
started on PostgreSQL carries on as if nothing happened, and each mistake is refused in one
line, with nothing half-copied.

These need PostgreSQL's binaries (Debian's `postgresql`), whichever engine the suite runs on:
the source is always a SQLite file; without PostgreSQL they are skipped."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pydantic import SecretStr

from bot.places.gazetteer import Gazetteer
from handlers import keyboards as kb
from storage import move as moving
from storage.db import Database, migrations
from tests.conftest import ON_POSTGRES, RunningBot, free_port, open_sqlite, paris
from tests.postgres_cluster import Cluster
from tests.setups import describe_need, driver, reads

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> Iterator[Cluster]:
    """The suite's cluster on a PostgreSQL run; else one of this module's own."""
    if ON_POSTGRES:
        yield request.getfixturevalue("postgres")
        return
    try:
        own = Cluster()
    except RuntimeError:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    own.start()
    try:
        yield own
    finally:
        own.stop()


@pytest.fixture
def target(cluster: Cluster) -> Iterator[str]:
    """An empty PostgreSQL database, as a region's administrator creates it: no table yet."""
    url = cluster.create(template=None)
    yield url
    cluster.drop(url)


@pytest.fixture
def on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    """The territory before the move runs on SQLite, whatever engine the suite runs on."""
    monkeypatch.setattr(RunningBot, "databases", None)
    monkeypatch.setattr(Database, "open", open_sqlite)


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchall()


def tables(url: str) -> list[str]:
    return [
        row[0]
        for row in rows(
            url,
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() ORDER BY table_name",
        )
    ]


def small_territory(path: Path) -> Path:
    """A SQLite file at today's schema with two people: Paul (id 1) was registered by
    Olga (id 2), who came after him in the file (a row refers to a later one)."""

    async def migrate() -> None:
        database = await open_sqlite(path)
        await database.close()

    asyncio.run(migrate())
    with sqlite3.connect(path) as connection:
        insert = (
            "INSERT INTO people (id, display_name, phone_visible, created_at, updated_at,"
            " registered_by) VALUES (?, ?, ?, '2026-11-23T09:00:00+00:00',"
            " '2026-11-23T09:00:00+00:00', ?)"
        )
        connection.execute("PRAGMA foreign_keys = OFF")  # Olga is inserted just after
        connection.execute(insert, (1, "Paul Vidal", 0, 2))
        connection.execute(insert, (2, "Olga Bru", 1, None))
    connection.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = moving.main(list(arguments))
    out, err = capsys.readouterr()
    return code, out, err


async def test_a_moved_territory_carries_on_on_postgresql(
    tmp_path: Path, gazetteer: Gazetteer, target: str, on_sqlite: None
) -> None:
    # A territory on SQLite: Jean drives Cahors → Figeac, Ana asked him for Tuesday and he
    # accepted (consents, an introduction, notices in the outbox, the evening's reminder due).
    bot = RunningBot(tmp_path, gazetteer)
    await bot.start()
    assert bot.app.database.dialect.name == "sqlite"
    jean = await driver(bot, 301, "Jean", username="jean_m")
    ana = bot.fake.user(302, "Ana", last_name="Roux", username="ana_r")
    await describe_need(ana)
    await ana.press_doing(kb.NEED, "ask", naming="Jean M.")
    await jean.press_doing(kb.INTRO, "yes")
    await bot.stop()

    moved = await moving.move(bot.settings.database_path, target)
    for table in ("people", "trips", "needs", "introductions", "consents", "outbox", "agenda"):
        assert moved.sqlite_counts[table] > 0, table
    assert moved.postgres_counts == moved.sqlite_counts
    assert "waiting_need_points" not in moved.sqlite_counts  # SQLite's own index

    # The same bot started with DATABASE_URL: Ana and Jean notice nothing.
    bot.settings = bot.settings.model_copy(update={"database_url": SecretStr(target)})
    await bot.start()
    assert bot.app.database.dialect.name == "postgresql"
    await ana.command("mesdemandes")
    header, need = ana.messages()[-2:]
    assert header.text == reads(bot, "needs.header")
    assert "Cahors" in need.text and reads(bot, "need.status.matched") in need.text

    await bot.run_until(paris("2026-11-23 18:00"))  # the agenda moved with the rest
    assert ana.last().text == reads(
        bot,
        "reminder.passenger",
        date="mardi 24 novembre",
        pickup="7h30",
        origin="Cahors",
        destination="Figeac",
        driver="Jean Martin",
        contact="@jean_m",
    )

    # A newcomer registers (new ids after the moved ones) and finds the moved trip.
    marie = bot.fake.user(303, "Marie", last_name="Delpech")
    await describe_need(marie, when="jeudi")
    await marie.press_doing(kb.NEED, "ask", naming="Jean M.")
    assert jean.last().text.startswith(reads(bot, "intro.request").split("\n")[0])
    people = await bot.rows("SELECT id, display_name FROM people ORDER BY id")
    assert [person["display_name"] for person in people][-1] == "Marie Delpech"
    assert len({person["id"] for person in people}) == len(people) == 3
    [newest_need] = await bot.rows("SELECT max(id) AS id FROM needs")
    assert newest_need["id"] == moved.sqlite_counts["needs"] + 1
    bot.assert_clean()
    await bot.stop()


def test_the_command_prints_the_counts_and_the_time(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = small_territory(tmp_path / "mobilot.sqlite3")
    code, out, err = run(capsys, "--from", str(source), "--to", target)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Copying 2 rows of ")
    assert lines[1].split() == ["table", "SQLite", "PostgreSQL"]
    assert lines[2].split() == ["people", "2", "2"]
    assert lines[3].split() == ["total", "2", "2"]
    assert lines[4].startswith("Moved 2 rows of 1 tables (") and lines[4].endswith(" s.")
    assert rows(target, "SELECT id, display_name, registered_by FROM people ORDER BY id") == [
        (1, "Paul Vidal", 2),
        (2, "Olga Bru", None),
    ]
    # The same schema version as the bot's, recorded by the project's own runner.
    [(version,)] = rows(target, "SELECT max(version) FROM schema_migrations")
    assert version == migrations()[-1][0]
    # Identities continue after the copied ids.
    with psycopg.connect(target) as connection:
        new = connection.execute(
            "INSERT INTO people (display_name, created_at, updated_at) VALUES ('Ana', '', '')"
            " RETURNING id"
        ).fetchone()
    assert new == (3,)


def test_a_database_that_already_holds_people_is_refused(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = small_territory(tmp_path / "mobilot.sqlite3")
    assert run(capsys, "--from", str(source), "--to", target)[0] == 0
    code, out, err = run(capsys, "--from", str(source), "--to", target)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "already holds Mobilot data (people)" in err
    assert "never merges" in err
    assert rows(target, "SELECT count(*) FROM people") == [(2,)]  # neither doubled nor replaced


def test_an_old_schema_is_refused_before_anything_is_written(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = small_territory(tmp_path / "mobilot.sqlite3")
    latest = migrations()[-1][0]
    with sqlite3.connect(source) as connection:
        connection.execute("DELETE FROM schema_migrations WHERE version = ?", (latest,))
    connection.close()
    code, out, err = run(capsys, "--from", str(source), "--to", target)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert f"older schema (version {migrations()[-2][0]}, this Mobilot is at {latest})" in err
    assert "start the bot once on this file" in err
    assert tables(target) == []


def test_a_missing_file_or_another_file_is_refused(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing.sqlite3"
    code, _, err = run(capsys, "--from", str(missing), "--to", target)
    assert (
        code == 1
        and err == f"{missing}: no such file (give the SQLite file with --from or DATABASE_PATH).\n"
    )
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all\n" * 100)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    for path in (text, other):
        code, _, err = run(capsys, "--from", str(path), "--to", target)
        assert code == 1 and err == f"{path}: not a Mobilot database.\n"
    assert tables(target) == []


def test_the_password_is_never_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = small_territory(tmp_path / "mobilot.sqlite3")
    nobody = f"postgresql://mobilot:s3cret-Pa55@127.0.0.1:{free_port()}/mobilot"
    code, out, err = run(capsys, "--from", str(source), "--to", nobody)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(
        f"Cannot connect to PostgreSQL at postgresql://mobilot:***@127.0.0.1:{nobody.split(':')[3]}"
    )
    assert "s3cret" not in err
    # A password psycopg cannot even read, which it quotes back in its error.
    garbled = "postgresql://mobilot:s3cret%zz@127.0.0.1:1/mobilot"
    code, out, err = run(capsys, "--from", str(source), "--to", garbled)
    assert code == 1 and err.count("\n") == 1 and "s3cret" not in err
    assert err == (
        "Cannot connect to PostgreSQL at postgresql://mobilot:***@127.0.0.1:1/mobilot:"
        ' invalid percent-encoded token: "***"\n'
    )


def test_an_interruption_leaves_nothing_half_copied(
    tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = small_territory(tmp_path / "mobilot.sqlite3")
    copy_table = moving._copy_table

    async def copy_then_ctrl_c(*arguments: Any) -> None:
        await copy_table(*arguments)
        if arguments[2].name == "people":
            raise KeyboardInterrupt

    monkeypatch.setattr(moving, "_copy_table", copy_then_ctrl_c)
    code, _, err = run(capsys, "--from", str(source), "--to", target)
    assert code == 130 and err.startswith("Interrupted: nothing was copied")
    assert rows(target, "SELECT count(*) FROM people") == [(0,)]
    monkeypatch.setattr(moving, "_copy_table", copy_table)
    assert run(capsys, "--from", str(source), "--to", target)[0] == 0  # again, to the end
    assert rows(target, "SELECT count(*) FROM people") == [(2,)]


def test_python_dash_m_storage_move_reads_database_url(tmp_path: Path, target: str) -> None:
    """The command as the person types it, the password kept out of the command line."""
    source = small_territory(tmp_path / "mobilot.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "storage.move", "--from", str(source)],
        cwd=ROOT,
        env={"DATABASE_URL": target, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert ["people", "2", "2"] in [line.split() for line in done.stdout.splitlines()]
