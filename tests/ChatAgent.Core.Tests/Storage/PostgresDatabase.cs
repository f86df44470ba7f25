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
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await PostgresServer.CreateDatabaseAsync();
        DataSource = NpgsqlDataSource.Create(ConnectionString);
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

    public async Task DisposeAsync()
    {
        foreach (var dataSource in _owned) await dataSource.DisposeAsync();
    }
}
