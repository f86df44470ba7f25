-- The schema as it stood before migrations were numbered: every statement is idempotent, so a database created by
-- an earlier ChatAgent (which ran this DDL at each start) is adopted as it is, and an empty one is created.
CREATE TABLE IF NOT EXISTS events (
    thread_id text        NOT NULL,
    seq       bigint      NOT NULL,
    type      text        NOT NULL,
    data      jsonb       NOT NULL,
    actor     jsonb       NOT NULL,
    at        timestamptz NOT NULL,
    PRIMARY KEY (thread_id, seq)
);
ALTER TABLE events ADD COLUMN IF NOT EXISTS prev_hash text NULL;
ALTER TABLE events ADD COLUMN IF NOT EXISTS hash text NULL;
CREATE INDEX IF NOT EXISTS events_type_at_idx ON events (type, at);
CREATE TABLE IF NOT EXISTS threads (
    id                text        PRIMARY KEY,
    agent             text        NOT NULL,
    status            text        NOT NULL,
    step              integer     NOT NULL,
    max_steps         integer     NOT NULL,
    version           bigint      NOT NULL,
    platform          text        NOT NULL,
    requested_by      text        NOT NULL,
    pending_approvals integer     NOT NULL,
    started_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    parent_thread_id  text        NULL
);
ALTER TABLE threads ADD COLUMN IF NOT EXISTS undelivered_messages integer NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS threads_updated_at_idx ON threads (updated_at DESC);
CREATE INDEX IF NOT EXISTS threads_status_idx ON threads (status, updated_at DESC);
CREATE INDEX IF NOT EXISTS threads_agent_idx ON threads (agent, updated_at DESC);
CREATE INDEX IF NOT EXISTS threads_undelivered_idx ON threads (platform, updated_at) WHERE undelivered_messages > 0;
CREATE TABLE IF NOT EXISTS deliveries (
    key       text        PRIMARY KEY,
    thread_id text        NOT NULL,
    at        timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    webhook    text        NOT NULL,
    key        text        NOT NULL,
    launch_key text        NOT NULL,
    at         timestamptz NOT NULL,
    PRIMARY KEY (webhook, key)
);
CREATE INDEX IF NOT EXISTS webhook_deliveries_at_idx ON webhook_deliveries (webhook, at);
CREATE TABLE IF NOT EXISTS audit_checkpoints (
    number       bigint      PRIMARY KEY,
    at           timestamptz NOT NULL,
    threads      jsonb       NOT NULL,
    previous_mac text        NULL,
    mac          text        NOT NULL
);
CREATE TABLE IF NOT EXISTS conversation_refs (
    ref       text        PRIMARY KEY,
    thread_id text        NOT NULL,
    at        timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS conversation_references (
    platform          text        NOT NULL,
    conversation_id   text        NOT NULL,
    service_url       text        NULL,
    tenant_id         text        NULL,
    bot_id            text        NULL,
    conversation_type text        NULL,
    name              text        NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (platform, conversation_id)
);
