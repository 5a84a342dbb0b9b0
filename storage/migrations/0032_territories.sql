-- Several territories in one deployment (issue 22, item 1). A person belongs to the
-- territory they travel from (NULL: not known yet, their first need or trip tells); a need
-- goes to its territory's team; a trip counts in its territory's figures. Rows written
-- before territories existed belong to the single territory ('default', bot/territories.py),
-- which a territories file's first territory takes over.
ALTER TABLE people ADD COLUMN territory TEXT;
ALTER TABLE needs ADD COLUMN territory TEXT NOT NULL DEFAULT 'default';
ALTER TABLE trips ADD COLUMN territory TEXT NOT NULL DEFAULT 'default';
CREATE INDEX needs_by_territory ON needs (territory, status);
CREATE INDEX people_by_territory ON people (territory);
