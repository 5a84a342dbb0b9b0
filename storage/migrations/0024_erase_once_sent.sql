-- A message still to be sent when the person it names asked to be forgotten (/oublier): it
-- goes out as written, then loses its words (storage/traces.py, storage/outbox.py).
ALTER TABLE outbox ADD COLUMN erase_once_sent INTEGER NOT NULL DEFAULT 0;
