using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Tests.Storage;
using ChatAgent.Core.Threads;
using Npgsql;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// The append that stops a run carries the run's delivery wake-up in its own commit (PostgreSQL's <c>xmin</c>: the
/// same transaction wrote the thread's last event and the wake-up), so a crash right after it cannot leave the
/// thread's last messages undelivered until the sweeper, and the delivery costs no transaction of its own.
/// </summary>
public sealed class EndOfRunWakeupsTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Theory]
    [InlineData("api to staging", ThreadStatus.Completed)]
    [InlineData("api to production", ThreadStatus.AwaitingHuman)]
    public async Task TheAppendThatStopsARun_CarriesItsDelivery(string input, ThreadStatus stopped)
    {
        using var h = new CoreHarness(store: new PostgresEventStore(database.DataSource));
        var id = await h.LaunchAsync("deploy", input);

        var state = await h.Loop.RunAsync(id);

        Assert.Equal(stopped, state.Status);
        await using var command = database.DataSource.CreateCommand("""
            SELECT (SELECT xmin::text FROM events WHERE thread_id = $1 ORDER BY seq DESC LIMIT 1),
                   (SELECT string_agg(xmin::text, ',') FROM wakeups WHERE thread_id = $1 AND kind = 'deliver')
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        // One delivery wake-up, written by the transaction that wrote the last event.
        Assert.Equal(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}
