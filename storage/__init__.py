"""The only code that speaks SQL: SQLite through aiosqlite, migrations, repositories."""
