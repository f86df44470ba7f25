using ChatAgent.Core.Storage.Postgres;
using ChatAgent.TestSupport;
using Npgsql;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>One fresh database (schema created) per test class, dropped with the test process's server.</summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private readonly List<NpgsqlDataSource> _owned = [];

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>The connection string of <see cref="DataSource"/>'s database, password included (for pools of other sizes).</summary>
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.CreateDatabaseAsync();
        DataSource = NpgsqlDataSource.Create(_connectionString);
        lock (_owned) _owned.Add(DataSource);
        await PostgresSchema.EnsureAsync(DataSource);
    }

    /// <summary>A data source on another fresh, empty database; disposed with this fixture.</summary>
    public async Task<NpgsqlDataSource> CreateDataSourceAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateDatabaseAsync());
        lock (_owned) _owned.Add(dataSource);
        return dataSource;
    }

    /// <summary>A pool of one connection on <see cref="DataSource"/>'s database that gives up waiting after 3 s: a store that needed two at once would fail.</summary>
    public NpgsqlDataSource OneConnectionPool()
    {
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_connectionString) { MaxPoolSize = 1, Timeout = 3 }.ConnectionString);
        lock (_owned) _owned.Add(dataSource);
        return dataSource;
    }

    public async Task DisposeAsync()
    {
        foreach (var dataSource in _owned) await dataSource.DisposeAsync();
    }
}
