-- Conversations that belong to Mobilot (bot/conversations): each person's conversation in
-- progress, its step and draft, read and written in the update's transaction so that any
-- process continues any conversation. One open conversation per person.
CREATE TABLE conversations (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    flow TEXT NOT NULL,
    step TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- only sqlite: this carries data of an older form over; PostgreSQL support came after it,
-- so no PostgreSQL database holds any (its tables are empty here).
-- Drafts of /proposer and /conducteur kept by python-telegram-bot's persistence before the
-- upgrade (the draft in the user's data, the question waiting in it as "pending") move here,
-- so that a driver half-way through finds every answer where they left it; their old
-- buttons carry the same nonce and keep working.
INSERT OR IGNORE INTO conversations (person_id, flow, step, state, updated_at)
SELECT p.id, f.flow, json_extract(d.data, '$.' || f.flow || '.pending'),
       json_set(json_extract(d.data, '$.' || f.flow), '$.flow', f.flow,
                '$.step', json_extract(d.data, '$.' || f.flow || '.pending')),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM persisted_data d
JOIN people p ON p.telegram_user_id = CAST(d.key AS INTEGER)
JOIN (SELECT 'offer' AS flow UNION ALL SELECT 'behalf_driver') f
WHERE d.scope = 'user'
  AND json_valid(d.data)
  AND json_type(d.data, '$.' || f.flow) = 'object'
  AND json_type(d.data, '$.' || f.flow || '.pending') = 'text';

UPDATE persisted_data SET data = json_remove(data, '$.offer', '$.behalf_driver')
WHERE scope = 'user' AND json_valid(data)
  AND (json_type(data, '$.offer') IS NOT NULL OR json_type(data, '$.behalf_driver') IS NOT NULL);

DELETE FROM conversation_states WHERE conversation IN ('offer', 'behalf_driver');
-- end
