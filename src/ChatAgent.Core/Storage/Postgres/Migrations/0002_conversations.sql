-- One conversations projection in place of conversation_refs (Slack message -> thread) and conversation_references
-- (Teams installs), built from events like threads. The Slack links are derived here from the threads' own events, as
-- ConversationProjection.LinkOf derives them (a top-level thread_started from a Slack reply thread, every message_posted
-- to Slack that was not refused; the earliest link to a place wins), so they are exactly what a rebuild finds. The Teams
-- references had no events: they arrive as installed rows at version 0, and the store records each as a
-- conversation_installed event in the conversation's stream at the next start (sealed with the audit key, which SQL
-- does not have).
CREATE TABLE conversations (
    platform          text        NOT NULL,
    conversation_id   text        NOT NULL,
    thread_id         text        NULL,
    service_url       text        NULL,
    tenant_id         text        NULL,
    bot_id            text        NULL,
    conversation_type text        NULL,
    name              text        NULL,
    installed         boolean     NOT NULL,
    version           bigint      NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (platform, conversation_id)
);
CREATE INDEX conversations_installed_idx ON conversations (platform, updated_at DESC) WHERE installed;
INSERT INTO conversations (platform, conversation_id, service_url, tenant_id, bot_id, conversation_type, name, installed, version, updated_at)
SELECT platform, conversation_id, service_url, tenant_id, bot_id, conversation_type, name, true, 0, updated_at
FROM conversation_references;
INSERT INTO conversations (platform, conversation_id, thread_id, installed, version, updated_at)
SELECT DISTINCT ON (platform, conversation_id) platform, conversation_id, thread_id, false, 0, at
FROM (
    SELECT 'slack' AS platform, (data->'origin'->>'conversation') || '|' || (data->'origin'->>'threadRef') AS conversation_id, thread_id, seq, at
    FROM events
    WHERE type = 'thread_started' AND data->'origin'->>'platform' = 'slack' AND data->>'parentThreadId' IS NULL
      AND data->'origin'->>'conversation' IS NOT NULL AND data->'origin'->>'threadRef' IS NOT NULL
    UNION ALL
    SELECT 'slack', data->>'ref', thread_id, seq, at
    FROM events
    WHERE type = 'message_posted' AND data->>'platform' = 'slack' AND data->>'ref' NOT LIKE 'refused:%'
) AS links
ORDER BY platform, conversation_id, at, thread_id COLLATE "C", seq
ON CONFLICT (platform, conversation_id) DO UPDATE SET thread_id = EXCLUDED.thread_id WHERE conversations.thread_id IS NULL;
DROP TABLE conversation_refs;
DROP TABLE conversation_references;
