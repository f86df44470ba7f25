using ChatAgent.Core.Events;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using Xunit.Abstractions;

namespace ChatAgent.Jobs.Tests.Faults;

/// <summary>
/// Two bot processes on one database both register the same cron agent; its occurrence is fired several times at once,
/// so that both servers run it: the channel gets one thread.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class CronTwoServersTests(ITestOutputHelper output)
{
    /// <summary>Once a year, so the occurrence ("the latest at or before now") is the same for every firing in this test.</summary>
    private const string YearlyYaml = """
        name: yearly
        description: Yearly report.
        prompt: prompts/daily-summary.md
        tools: [done]
        max_steps: 3
        triggers:
          cron:
            - schedule: "0 0 1 1 *"
              time_zone: UTC
              input: Report on the year.
        plan:
          - tool: done
            parameters: {summary: "{{input}}"}
        """;

    private const string JobId = "cron:yearly:cron:0";
    private const int FiringsPerRound = 8;

    [Fact]
    public async Task ACronOccurrenceFiredOnTwoServers_LaunchesOneThread()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        var agents = CopyAgentsWith(data.Path);
        var settings = new Dictionary<string, string> { ["Agents__Path"] = agents };
        var started = await Task.WhenAll(BotProcess.StartAsync(connectionString, data.Path, settings), BotProcess.StartAsync(connectionString, data.Path, settings));
        await using var a = started[0];
        await using var b = started[1];
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource);

        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false };
        var manager = new RecurringJobManager(new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options));
        // Fire the occurrence until both servers have run it (each round: several firings at once, spread over the workers).
        var fired = new List<string>();
        for (var round = 0; round < 5 && (await ServersThatRanAsync(dataSource, fired)).Count < 2; round++)
        {
            for (var i = 0; i < FiringsPerRound; i++) fired.Add(manager.TriggerJob(JobId));
            await Poll.UntilAsync(() => SucceededAsync(dataSource, fired), n => n == fired.Count, TimeSpan.FromSeconds(30),
                $"the firings ran\nA:\n{a.RecentOutput}\nB:\n{b.RecentOutput}");
        }
        var servers = await ServersThatRanAsync(dataSource, fired);
        output.WriteLine($"{fired.Count} firings ran on {servers.Count} servers: {string.Join(", ", servers)}");
        Assert.Equal(2, servers.Count);

        var threads = (await Threads.ListAsync(store)).Where(t => t.Agent == "yearly").ToList();
        var thread = Assert.Single(threads);
        var (events, state) = await Poll.UntilAsync(() => Threads.LoadAsync(store, thread.Id), t => t.State.Status == ThreadStatus.Completed,
            TimeSpan.FromSeconds(30), "the cron thread completed");
        Assert.Equal("Report on the year.", state.Input);
        Assert.Single(events, e => e.Data is ThreadStarted);
        Assert.Single(events, e => e.Data is ThreadCompleted);
    }

    private static string CopyAgentsWith(string under)
    {
        var dir = Path.Combine(under, "agents");
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Agents, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir, Path.GetRelativePath(RepositoryPaths.Agents, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.WriteAllText(Path.Combine(dir, "yearly.yaml"), YearlyYaml);
        return dir;
    }

    private static async Task<int> SucceededAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> jobs)
    {
        await using var query = dataSource.CreateCommand("SELECT count(*) FROM hangfire.job WHERE id = ANY($1) AND statename = 'Succeeded'");
        query.Parameters.AddWithValue(jobs.Select(long.Parse).ToArray());
        return (int)(long)(await query.ExecuteScalarAsync())!;
    }

    /// <summary>The Hangfire servers that processed the given jobs (from their Processing states).</summary>
    private static async Task<List<string>> ServersThatRanAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> jobs)
    {
        await using var query = dataSource.CreateCommand("SELECT DISTINCT data::jsonb ->> 'ServerId' FROM hangfire.state WHERE jobid = ANY($1) AND name = 'Processing'");
        query.Parameters.AddWithValue(jobs.Select(long.Parse).ToArray());
        var servers = new List<string>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) servers.Add(reader.GetString(0));
        return servers;
    }
}
