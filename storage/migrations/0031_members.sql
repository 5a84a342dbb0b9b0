-- Members of the association and the people they are (issue 24, item 3): a register member
-- linked to a person (matched by phone or name when they ask a volunteer, or by the team),
-- and the day the yearly membership fee was last paid (NULL: never recorded).
ALTER TABLE tus_members ADD COLUMN person_id INTEGER REFERENCES people (id);
ALTER TABLE tus_members ADD COLUMN fee_paid_on TEXT;
CREATE INDEX tus_members_person ON tus_members (person_id);
-- A health trip a doctor prescribed: the health insurance pays for it, no volunteer is offered.
ALTER TABLE needs ADD COLUMN prescribed INTEGER NOT NULL DEFAULT 0;
