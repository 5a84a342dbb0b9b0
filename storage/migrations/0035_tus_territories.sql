-- Each territory its own TUS register (issue 22): a member belongs to the territory of the
-- team that wrote them in the register, and only that team sees them and their trips.
-- Members written before belong to the single territory ('default', bot/territories.py),
-- which a territories file's first territory takes over.
ALTER TABLE tus_members ADD COLUMN territory TEXT NOT NULL DEFAULT 'default';
