using ChatAgent.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>The host's one PostgreSQL pool is bounded: by the option, else by the connection string, else by the default.</summary>
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
    }
}
