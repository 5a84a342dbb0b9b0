-- Applying for an aid, /aidepour (/applyfor) and a funder's review belong to Mobilot's
-- conversations (bot/conversations/apply.py, review.py).

-- only sqlite: this carries data of an older form over; PostgreSQL support came after it,
-- so no PostgreSQL database holds any (its tables are empty here).
-- Applications in progress before the upgrade (the session in the user's data under "apply"
-- or "apply_for", the step waiting in python-telegram-bot's conversation_states) move to
-- `conversations`, unless another conversation of Mobilot is open: the person goes on where
-- they were, at the same step with the same draft, and the buttons already shown keep
-- working (same kind "ap", same nonce, same actions). The steps keep their names. The
-- answers and papers received so far are counted from the application itself.
INSERT OR IGNORE INTO conversations (person_id, flow, step, state, updated_at)
SELECT p.id, s.conversation, json_extract(s.state, '$'),
       json_object(
           'flow', s.conversation,
           'step', json_extract(s.state, '$'),
           'nonce', json_extract(d.data, '$.' || s.conversation || '.nonce'),
           'draft', json_object(
               'application_id',
               coalesce(json_extract(d.data, '$.' || s.conversation || '.application_id'), 0),
               'aid_id', coalesce(json_extract(d.data, '$.' || s.conversation || '.aid_id'), ''),
               'age', json_extract(d.data, '$.' || s.conversation || '.age'),
               'situation', json_extract(d.data, '$.' || s.conversation || '.situation'),
               -- Where the caller lives, once the aids there were shown (/aidepour).
               'place', CASE WHEN json_extract(s.state, '$') = 'caller_aid'
                        THEN json(json_extract(d.data, '$.' || s.conversation || '.choices[0].place'))
                        END,
               'answered', coalesce((SELECT json_array_length(a.answers) FROM aid_applications a
                   WHERE a.id = json_extract(d.data, '$.' || s.conversation || '.application_id')
                     AND json_valid(a.answers)), 0),
               'proofs', (SELECT count(*) FROM aid_proofs f
                   WHERE f.application_id =
                         json_extract(d.data, '$.' || s.conversation || '.application_id'))),
           -- The communes offered to choose from (/aidepour, the caller's commune).
           'choices', CASE WHEN json_extract(s.state, '$') = 'caller_commune'
                      THEN json(coalesce(json_extract(d.data, '$.' || s.conversation || '.choices'),
                                         '[]'))
                      ELSE json('[]') END,
           'caller', json(coalesce(json_extract(d.data, '$.' || s.conversation || '.caller'), '{}'))),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM persisted_data d
JOIN people p ON p.telegram_user_id = CAST(d.key AS INTEGER)
JOIN conversation_states s
  ON s.conversation IN ('apply', 'apply_for') AND json_valid(s.chat_key) AND json_valid(s.state)
 AND json_extract(s.chat_key, '$[1]') = CAST(d.key AS INTEGER)
WHERE d.scope = 'user'
  AND json_valid(d.data)
  AND json_type(d.data, '$.' || s.conversation) = 'object'
  AND json_type(d.data, '$.' || s.conversation || '.nonce') = 'text'
  AND (
      (s.conversation = 'apply' AND json_extract(s.state, '$') IN ('field', 'proofs', 'consent'))
      OR (s.conversation = 'apply_for' AND json_extract(s.state, '$') IN (
          'field', 'proofs', 'consent', 'caller_name', 'caller_phone', 'caller_age',
          'caller_situation', 'caller_commune', 'caller_aid'))
  );

UPDATE persisted_data SET data = json_remove(data, '$.apply', '$.apply_for')
WHERE scope = 'user' AND json_valid(data)
  AND (json_type(data, '$.apply') IS NOT NULL OR json_type(data, '$.apply_for') IS NOT NULL);

DELETE FROM conversation_states WHERE conversation IN ('apply', 'apply_for');

-- A reviewer asked for an amount or a reason before the upgrade (the review in the user's
-- data under "aid_review", the step waiting in conversation_states, keyed by the reviewer
-- alone): their answer is still taken, and the group's post still shown decided. Its
-- question had no buttons, so a new nonce is as good as the old.
INSERT OR IGNORE INTO conversations (person_id, flow, step, state, updated_at)
SELECT p.id, 'review', json_extract(s.state, '$'),
       json_object(
           'flow', 'review',
           'step', json_extract(s.state, '$'),
           'nonce', lower(hex(randomblob(3))),
           'draft', json_object(
               'application_id', json_extract(d.data, '$.aid_review.application_id'),
               'title', coalesce((SELECT a.aid_title FROM aid_applications a
                   WHERE a.id = json_extract(d.data, '$.aid_review.application_id')), ''),
               'post', CASE WHEN json_type(d.data, '$.aid_review.post_chat_id') = 'integer'
                             AND json_type(d.data, '$.aid_review.post_message_id') = 'integer'
                       THEN json_object(
                           'chat_id', json_extract(d.data, '$.aid_review.post_chat_id'),
                           'message_id', json_extract(d.data, '$.aid_review.post_message_id'),
                           'html', coalesce(json_extract(d.data, '$.aid_review.post_html'), ''))
                       ELSE json_object() END)),
       strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM persisted_data d
JOIN people p ON p.telegram_user_id = CAST(d.key AS INTEGER)
JOIN conversation_states s
  ON s.conversation = 'aid_review' AND json_valid(s.chat_key) AND json_valid(s.state)
 AND json_extract(s.chat_key, '$[0]') = CAST(d.key AS INTEGER)
WHERE d.scope = 'user'
  AND json_valid(d.data)
  AND json_type(d.data, '$.aid_review.application_id') = 'integer'
  AND json_extract(s.state, '$') IN ('amount', 'other');

UPDATE persisted_data SET data = json_remove(data, '$.aid_review')
WHERE scope = 'user' AND json_valid(data) AND json_type(data, '$.aid_review') IS NOT NULL;

DELETE FROM conversation_states WHERE conversation = 'aid_review';
-- end
