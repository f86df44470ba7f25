using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ChatAgent.Jobs.Tests.Faults;

/// <summary>
/// Hangfire's invisibility timeout set to 2 s (<c>Jobs__InvisibilityTimeout</c>) and shell tools that take 6 s each:
/// the run outlives the timeout three times over, yet every script runs once. The run is started by the dispatcher
/// from the launch's wake-up, never as a Hangfire job, so no job claim can lapse under it.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class InvisibilityTimeoutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StepOutlivingTheInvisibilityTimeout_IsNotRunTwice()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        data.Write("script-delay-ms", "6000"); // each release script: 3 s before its log line, 3 s after
        await using var bot = await BotProcess.StartAsync(connectionString, data.Path, new Dictionary<string, string>
        {
            ["Jobs__InvisibilityTimeout"] = "00:00:02",
        });
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource);

        var id = await ThreadsClient.TryLaunchAsync(bot.Client, "api to staging", "slow-1") ?? throw new InvalidOperationException("no answer");
        var started = DateTime.UtcNow;
        await Poll.UntilAsync(async () => (await Threads.LoadAsync(store, id)).State.Status, s => s == ThreadStatus.Completed,
            TimeSpan.FromSeconds(90), $"completion\n{bot.RecentOutput}");
        output.WriteLine($"the run took {(DateTime.UtcNow - started).TotalSeconds:F1} s");

        var (events, _) = await Threads.LoadAsync(store, id);
        Threads.AssertContiguous(events);
        var calls = Threads.ToolCalls(events).ToList();
        Assert.Equal(["run_tests", "deploy_to_staging", "done"], calls.Select(c => c.Tool));
        Assert.All(calls, c => Assert.Equal(1, c.Attempt));
        // Each script ran once: one log line per tool call.
        var releases = ReleaseLine.Read(data.Path);
        Assert.Equal(calls.Where(c => c.Tool != "done").Select(c => c.ToolCallId), releases.Select(r => r.CallId));
        // No Hangfire worker ever fetched a run of this thread: a fetch records a Processing state.
        Assert.Equal(0, await ProcessingStatesAsync(dataSource, id));
    }

    private static async Task<long> ProcessingStatesAsync(NpgsqlDataSource dataSource, string threadId)
    {
        await using var query = dataSource.CreateCommand("""
            SELECT count(*) FROM hangfire.state s JOIN hangfire.job j ON j.id = s.jobid
            WHERE s.name = 'Processing' AND j.invocationdata::text LIKE '%RunThreadJob%' AND j.arguments::text LIKE '%' || $1 || '%'
            """);
        query.Parameters.AddWithValue(threadId);
        return (long)(await query.ExecuteScalarAsync())!;
    }
}
