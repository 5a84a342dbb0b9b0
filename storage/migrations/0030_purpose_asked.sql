-- Whether a need's purpose and special needs were asked (QA pass, 7 December): a person who
-- did not agree to give them, or who texts, is never asked; the team's post and the driver's
-- request then say "not asked" instead of "Other" and "no special need".
ALTER TABLE needs ADD COLUMN purpose_asked INTEGER NOT NULL DEFAULT 1;
