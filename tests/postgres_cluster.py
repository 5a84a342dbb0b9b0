"""A throwaway PostgreSQL cluster for the tests (MOBILOT_TEST_DATABASE=postgresql).

Debian's PostgreSQL binaries (initdb, pg_ctl) start a cluster in a temporary folder that
listens only on a unix socket there; as root it runs as the ``postgres`` user (PostgreSQL
refuses root). Fsync is off: a test's database needs no durability beyond the process.
A template database holds every migration, so each test's fresh database is a quick copy.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ENGINE_VARIABLE = "MOBILOT_TEST_DATABASE"
TEMPLATE = "mobilot_template"


def wanted() -> bool:
    """Whether this run's tests use PostgreSQL (else SQLite, the default)."""
    engine = os.environ.get(ENGINE_VARIABLE, "sqlite").strip().lower()
    if engine not in ("sqlite", "postgresql"):
        raise RuntimeError(f"{ENGINE_VARIABLE} must be sqlite or postgresql, not {engine!r}")
    return engine == "postgresql"


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if not candidates:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    return Path(candidates[0]).parent


class Cluster:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="mobilot-pg-"))
        self.data = self.root / "data"
        self.user = "postgres" if os.getuid() == 0 else None
        self._names = itertools.count(1)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        subprocess.run(
            [*prefix, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def start(self) -> None:
        if self.user:
            shutil.chown(self.root, self.user)
        self.root.chmod(0o700)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-locale",
            "--encoding=UTF8",
            "--no-sync",
        )
        options = (
            f"-k {self.root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def create(self, template: str | None = TEMPLATE) -> str:
        """A fresh database (a copy of the migrated template); its URL."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        with self.admin() as admin:
            if template:
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            else:
                admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def create_template(self) -> None:
        """The template every test's database copies: all migrations applied once."""
        import asyncio

        from storage.postgres import PostgresDatabase

        with self.admin() as admin:
            admin.execute(f'CREATE DATABASE "{TEMPLATE}"')

        async def migrate() -> None:
            database = await PostgresDatabase.open(self.url(TEMPLATE))
            await database.close()

        asyncio.run(migrate())

    def drop(self, url: str) -> None:
        with self.admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')

    def cut(self, url: str) -> None:
        """Drop every connection to the database of ``url``: the server rolls back what they
        had in flight, as after a crash."""
        name = _name(url)
        with self.admin() as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid != pg_backend_pid()",
                (name,),
            )


def _name(url: str) -> str:
    """The database a URL names (its host may be a socket folder holding slashes)."""
    return urlsplit(url).path.lstrip("/")
