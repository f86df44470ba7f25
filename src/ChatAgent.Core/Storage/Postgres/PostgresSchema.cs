using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// The event store's tables. Created idempotently at start-up; the DDL runs under a transaction-scoped
/// advisory lock because concurrent <c>CREATE TABLE IF NOT EXISTS</c> can still collide in the catalog
/// when two processes start at once.
/// </summary>
public static class PostgresSchema
{
    /// <summary>Arbitrary but fixed: the key of the advisory lock that serializes schema changes ("chatagnt").</summary>
    public const long SchemaLockKey = 0x6368_6174_6167_6e74;

    public const string Ddl = """
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
        """;

    public static async Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SchemaLockKey });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var ddl = new NpgsqlCommand(Ddl, connection, tx))
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }
}
