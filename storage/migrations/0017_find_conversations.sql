-- only sqlite: this carries data of an older form over; PostgreSQL support came after it,
-- so no PostgreSQL database holds any (its tables are empty here).
-- Drafts of /chercher and /demande kept by python-telegram-bot's persistence before they
-- became Mobilot's conversations (the draft in the user's data, the question waiting in it
-- as "pending") move to `conversations`, as 0016 did for /proposer and /conducteur: who was
-- half-way through describing a need finds every answer where they left it, and the old
-- buttons carry the same nonce.
INSERT OR IGNORE INTO conversations (person_id, flow, step, state, updated_at)
SELECT p.id, f.flow, json_extract(d.data, '$.' || f.flow || '.pending'),
       json_set(json_extract(d.data, '$.' || f.flow), '$.flow', f.flow,
                '$.step', json_extract(d.data, '$.' || f.flow || '.pending')),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM persisted_data d
JOIN people p ON p.telegram_user_id = CAST(d.key AS INTEGER)
JOIN (SELECT 'find' AS flow UNION ALL SELECT 'behalf_need') f
WHERE d.scope = 'user'
  AND json_valid(d.data)
  AND json_type(d.data, '$.' || f.flow) = 'object'
  AND json_type(d.data, '$.' || f.flow || '.pending') = 'text';

UPDATE persisted_data SET data = json_remove(data, '$.find', '$.behalf_need')
WHERE scope = 'user' AND json_valid(data)
  AND (json_type(data, '$.find') IS NOT NULL OR json_type(data, '$.behalf_need') IS NOT NULL);

DELETE FROM conversation_states WHERE conversation IN ('find', 'behalf_need');
-- end
