-- Work a committed change asked for (run the thread, deliver its outbox). A row is inserted by the same statement
-- as the events that need it and deleted by the dispatcher that handed it on, in the transaction that claimed it:
-- a crash at any point leaves it for the next dispatcher. Append-only, so an append never waits on a claimed row.
CREATE TABLE wakeups (
    id        bigserial   PRIMARY KEY,
    thread_id text        NOT NULL,
    kind      text        NOT NULL,
    -- The W3C trace context of the request that asked, so the work is in its trace.
    traceparent text      NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wakeups_kind_id_idx ON wakeups (kind, id);
