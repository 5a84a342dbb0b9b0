-- /aides (/aids) belongs to Mobilot's conversations (bot/conversations/aids.py).

-- The answers a person last gave in /aides, kept between conversations: applying for one of
-- the aids shown uses them, and "keep my answers" keeps them in aid_answers. Before, they
-- lived in python-telegram-bot's user data ("aids_profile"); they are part of the person's
-- data (/mesdonnees shows them, /oublier deletes them).
CREATE TABLE aid_answers_given (
    person_id INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    age INTEGER NOT NULL,
    situation TEXT NOT NULL,
    commune_code TEXT,
    commune_name TEXT,
    department TEXT,
    -- 1 / 0, or NULL when the person preferred not to say.
    rsa_or_aah INTEGER,
    rqth INTEGER,
    given_at TEXT NOT NULL
);

-- only sqlite: this carries data of an older form over; PostgreSQL support came after it,
-- so no PostgreSQL database holds any (its tables are empty here).
INSERT OR IGNORE INTO aid_answers_given (person_id, age, situation, commune_code, commune_name,
                                         department, rsa_or_aah, rqth, given_at)
SELECT p.id, json_extract(d.data, '$.aids_profile.age'),
       json_extract(d.data, '$.aids_profile.situation'),
       json_extract(d.data, '$.aids_profile.commune_code'),
       json_extract(d.data, '$.aids_profile.commune_name'),
       json_extract(d.data, '$.aids_profile.department'),
       json_extract(d.data, '$.aids_profile.rsa_or_aah'),
       json_extract(d.data, '$.aids_profile.rqth'),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM persisted_data d
JOIN people p ON p.telegram_user_id = CAST(d.key AS INTEGER)
WHERE d.scope = 'user'
  AND json_valid(d.data)
  AND json_type(d.data, '$.aids_profile') = 'object'
  AND json_type(d.data, '$.aids_profile.age') = 'integer'
  AND json_type(d.data, '$.aids_profile.situation') = 'text';

-- The questions of /aides half-answered before the upgrade (the draft in the user's data, the
-- question waiting in python-telegram-bot's conversation_states) move to `conversations`,
-- unless another conversation of Mobilot is open: the person goes on where they were, and
-- the buttons already shown keep working (same kind, same nonce, same actions).
INSERT OR IGNORE INTO conversations (person_id, flow, step, state, updated_at)
SELECT p.id, 'aids', json_extract(s.state, '$'),
       json_object(
           'flow', 'aids',
           'step', json_extract(s.state, '$'),
           'nonce', json_extract(d.data, '$.aids.nonce'),
           'draft', json_object(
               'age', json_extract(d.data, '$.aids.age'),
               'situation', json_extract(d.data, '$.aids.situation'),
               'benefits', json_extract(d.data, '$.aids.benefits'),
               'known', json(coalesce(json_extract(d.data, '$.aids.known'), 'null'))),
           'choices', json(coalesce(json_extract(d.data, '$.aids.choices'), '[]'))),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM persisted_data d
JOIN people p ON p.telegram_user_id = CAST(d.key AS INTEGER)
JOIN conversation_states s
  ON s.conversation = 'aids' AND json_valid(s.chat_key) AND json_valid(s.state)
 AND json_extract(s.chat_key, '$[1]') = CAST(d.key AS INTEGER)
WHERE d.scope = 'user'
  AND json_valid(d.data)
  AND json_type(d.data, '$.aids') = 'object'
  AND json_type(d.data, '$.aids.nonce') = 'text'
  AND json_extract(s.state, '$') IN ('age', 'situation', 'benefits', 'commune');

UPDATE persisted_data SET data = json_remove(data, '$.aids', '$.aids_profile')
WHERE scope = 'user' AND json_valid(data)
  AND (json_type(data, '$.aids') IS NOT NULL OR json_type(data, '$.aids_profile') IS NOT NULL);

DELETE FROM conversation_states WHERE conversation = 'aids';
-- end
