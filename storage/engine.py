"""Which engine the database runs on: SQLite (a file, the default) or PostgreSQL (a URL)."""

from __future__ import annotations

from pathlib import Path

from storage.db import Database


class CannotOpenDatabase(OSError):
    """The PostgreSQL server cannot be reached, or refuses us (said without the password)."""


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


async def open_database(path: Path | str, url: str | None = None) -> Database:
    """PostgreSQL when ``url`` (DATABASE_URL) is given, else the SQLite file at ``path``;
    migrated either way."""
    if not url:
        return await Database.open(path)
    if not is_postgres_url(url):
        raise ValueError("DATABASE_URL must start with postgresql://")
    import psycopg  # only a PostgreSQL deployment needs it loaded

    from storage.postgres import PostgresDatabase

    try:
        return await PostgresDatabase.open(url)
    except psycopg.Error as error:
        raise CannotOpenDatabase(str(error).replace(url, "DATABASE_URL")) from None
