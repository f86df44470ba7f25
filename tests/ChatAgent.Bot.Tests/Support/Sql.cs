using Npgsql;

namespace ChatAgent.Bot.Tests.Support;

/// <summary>One-value queries a test asks of a host's database.</summary>
public static class Sql
{
    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        return await ScalarAsync<T>(db, sql);
    }
}
