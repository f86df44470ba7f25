-- Standing grants, a projection of the grant_created / grant_revoked events in the threads that made them, written by
-- the same statement as those events (so a grant exists exactly when its event does, and a revocation stops it at the
-- commit). data is the grant_created event as stored; the lookup on each approval request reads the live rows of a tool.
CREATE TABLE grants (
    id         text        PRIMARY KEY,
    thread_id  text        NOT NULL,
    tool       text        NOT NULL,
    data       jsonb       NOT NULL,
    granted_by jsonb       NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_by jsonb       NULL,
    revoked_at timestamptz NULL
);
CREATE INDEX grants_live_idx ON grants (tool, expires_at) WHERE revoked_at IS NULL;
CREATE INDEX grants_created_idx ON grants (created_at DESC);
