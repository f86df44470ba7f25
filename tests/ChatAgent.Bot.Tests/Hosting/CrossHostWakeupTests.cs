using System.Net.Http.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using Npgsql;

namespace ChatAgent.Bot.Tests.Hosting;

/// <summary>
/// Two hosts in one process on one PostgreSQL database: A only answers (<c>Jobs:RunWorkers</c> 0), B runs threads.
/// A launch and a click on A are run by B, woken by the notification A's commit sends. Neither host's sweeper runs
/// within the test (an hour apart), their dispatchers look at the table on their own only at start-up and then every
/// ten minutes, and no run ever becomes a Hangfire job: nothing but the notification can have handed the runs to B.
/// </summary>
public sealed class CrossHostWakeupTests
{
    private static readonly Dictionary<string, string?> NoSweeps = new()
    {
        ["Jobs:Sweeper:Interval"] = "01:00:00",
        ["Jobs:Sweeper:StaleAfter"] = "01:00:00",
        ["Jobs:DispatchPollInterval"] = "00:10:00",
    };

    [Fact]
    public async Task AClickOnHostA_ResumesTheRunOnHostB_WithoutTheSweeperOrAJobQueue()
    {
        await using var b = await BotHost.StartAsync(NoSweeps, postgres: true);
        await using var a = await BotHost.StartAsync(new Dictionary<string, string?>(NoSweeps) { ["Jobs:RunWorkers"] = "0" }, connectionString: b.ConnectionString);

        var id = await a.LaunchAsync("deploy", "api to production");
        // Only B runs threads: the launch's run reached the approval there.
        var waiting = await a.WaitForStatusAsync(id, "awaiting_human");
        var approval = waiting.GetProperty("pendingApprovals")[0].GetProperty("id").GetString();

        var click = await a.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approval}", new { decision = "approve", user = "web:bob" });
        click.EnsureSuccessStatusCode();

        var done = await a.WaitForStatusAsync(id, "completed");
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(0, await RunJobsAsync(b.ConnectionString!));
        Assert.Equal(0, await WakeupsLeftAsync(b.ConnectionString!));
    }

    private static async Task<long> RunJobsAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var query = db.CreateCommand("SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%RunThreadJob%'");
        return (long)(await query.ExecuteScalarAsync())!;
    }

    private static async Task<long> WakeupsLeftAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var query = db.CreateCommand("SELECT count(*) FROM wakeups WHERE kind = 'run'");
        return (long)(await query.ExecuteScalarAsync())!;
    }
}
