using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>One numbered schema change: <c>Migrations/NNNN_name.sql</c>, embedded in this assembly.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// The schema, as numbered SQL files applied once each and recorded in <c>schema_version</c>. All pending files run
/// in one transaction under an advisory lock, so two processes starting at once apply each file once, and a failing
/// file leaves the database as it was. A database at a newer version than this build knows is refused, not touched.
/// </summary>
public static partial class PostgresMigrations
{
    /// <summary>Arbitrary but fixed: the key of the advisory lock that serializes schema changes ("chatagnt").</summary>
    public const long SchemaLockKey = 0x6368_6174_6167_6e74;

    /// <summary>This build's migrations, in order.</summary>
    public static IReadOnlyList<Migration> All { get; } = Load(typeof(PostgresMigrations).Assembly);

    /// <summary>The schema version this build writes and reads.</summary>
    public static int Latest => All[^1].Version;

    /// <summary>Applies the migrations the database lacks; returns the versions applied now (empty when it was current).</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, IReadOnlyList<Migration>? migrations = null, CancellationToken cancellationToken = default)
    {
        migrations ??= All;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, tx))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SchemaLockKey });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var table = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", connection, tx))
            await table.ExecuteNonQueryAsync(cancellationToken);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM schema_version", connection, tx))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetInt32(0));
        }
        var known = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (applied.Count > 0 && applied.Max() > known)
            throw new InvalidOperationException(
                $"The database is at schema version {applied.Max()}, newer than this ChatAgent knows ({known}). Run the release that wrote it, or restore a backup taken before the upgrade.");

        var now = new List<int>();
        foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
        {
            await using (var run = new NpgsqlCommand(migration.Sql, connection, tx))
                await run.ExecuteNonQueryAsync(cancellationToken);
            await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version, name) VALUES ($1, $2)", connection, tx))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }
            now.Add(migration.Version);
        }
        await tx.CommitAsync(cancellationToken);
        return now;
    }

    /// <summary>Reads <c>NNNN_name.sql</c> resources; the numbers must run 1, 2, 3… with no gap or repeat.</summary>
    internal static IReadOnlyList<Migration> Load(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (FileName().Match(resource) is not { Success: true } match) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var text = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, text.ReadToEnd()));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"Migrations must be numbered 1, 2, 3… without gaps or repeats; found {string.Join(", ", migrations.Select(m => m.Version))}.");
        }
        return migrations;
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();
}
