using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// The event store's tables: brought to this build's version at start-up by <see cref="PostgresMigrations"/>
/// (numbered files in <c>Migrations/</c>; docs/DESIGN.md says how to add one).
/// </summary>
public static class PostgresSchema
{
    public static Task EnsureAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default) =>
        PostgresMigrations.MigrateAsync(dataSource, cancellationToken: cancellationToken);
}
