-- The operators' follow-up of a need: its message in the group, who claimed it, how it ended.
ALTER TABLE needs ADD COLUMN operator_message_id INTEGER;
ALTER TABLE needs ADD COLUMN claimed_by INTEGER REFERENCES people (id);
ALTER TABLE needs ADD COLUMN closed_reason TEXT
