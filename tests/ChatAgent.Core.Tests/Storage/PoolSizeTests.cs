using ChatAgent.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>
/// The host's PostgreSQL pool is bounded: by the option, else by the connection string, else by the default; the store's
/// own pool is half that (at least 4), skips the reset on return, which the host's pool never does, and prepares its
/// statements unless the connection string says otherwise.
/// </summary>
public sealed class PoolSizeTests
{
    private const string Server = "Host=127.0.0.1;Port=1;Username=u;Database=d";

    [Theory]
    [InlineData(Server, null, 40)]
    [InlineData(Server + ";Maximum Pool Size=7", null, 7)]
    [InlineData(Server + ";MaxPoolSize=9", null, 9)]
    [InlineData(Server + ";Maximum Pool Size=7", 12, 12)]
    [InlineData(Server, 3, 3)]
    public void MaxPoolSize_IsTheOption_ElseTheConnectionStrings_ElseForty(string connectionString, int? option, int expected)
    {
        using var services = new ServiceCollection().AddChatAgentStorage(connectionString, option).BuildServiceProvider();
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize);
        Assert.False(new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).NoResetOnClose);
    }

    [Theory]
    [InlineData(null, 20)]
    [InlineData(12, 6)]
    [InlineData(3, 4)]
    public void TheStoresPool_IsHalfTheHosts_AtLeastFour_AndNotResetOnReturn(int? option, int expected)
    {
        using var services = new ServiceCollection().AddChatAgentStorage(Server, option).BuildServiceProvider();
        var store = new NpgsqlConnectionStringBuilder(services.GetRequiredService<ChatAgent.Core.Storage.Postgres.StoreDataSource>().Source.ConnectionString);
        Assert.Equal((expected, true), (store.MaxPoolSize, store.NoResetOnClose));
    }

    [Theory]
    [InlineData(Server, 32, 0)]
    [InlineData(Server + ";Max Auto Prepare=0", 0, 0)]
    [InlineData(Server + ";maxautoprepare=0", 0, 0)]
    [InlineData(Server + ";Max Auto Prepare=5", 5, 5)]
    public void TheStoresPool_PreparesItsStatements_UnlessTheConnectionStringSays(string connectionString, int expected, int hosts)
    {
        using var services = new ServiceCollection().AddChatAgentStorage(connectionString, null).BuildServiceProvider();
        var store = new NpgsqlConnectionStringBuilder(services.GetRequiredService<ChatAgent.Core.Storage.Postgres.StoreDataSource>().Source.ConnectionString);
        var host = new NpgsqlConnectionStringBuilder(services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
        Assert.Equal((expected, hosts), (store.MaxAutoPrepare, host.MaxAutoPrepare));
    }
}
