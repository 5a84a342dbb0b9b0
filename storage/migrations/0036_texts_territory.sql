-- Whose texts these are (issue 22): each text in the outbox keeps the territory of the person
-- it goes to, as it was when written, so that a territory with its own monthly budget of
-- segments (TERRITORIES_FILE's sms_monthly_segments) counts its own, and a team's /stats shows
-- its own month, even once the person moved or was forgotten (their words erased).
ALTER TABLE outbox ADD COLUMN territory TEXT;
-- The texts written before: their person's territory now (the best there is to know).
UPDATE outbox SET territory = (SELECT p.territory FROM people AS p WHERE p.id = outbox.person_id)
    WHERE method = 'sms';
