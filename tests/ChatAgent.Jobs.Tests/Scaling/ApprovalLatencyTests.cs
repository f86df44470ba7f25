using ChatAgent.Core.Events;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Npgsql;
using Xunit.Abstractions;

namespace ChatAgent.Jobs.Tests.Scaling;

/// <summary>
/// An approval resumes its thread whichever process the click lands on. Also a measurement: it prints the time from
/// <c>approval_decided</c> to the next <c>tool_call</c> (both event timestamps), p50 and p95 (see docs/RUNTIME.md).
/// Timing is printed, never asserted: the machine running the tests decides it.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class ApprovalLatencyTests(ITestOutputHelper output)
{
    private const int Approvals = 25;

    [Fact]
    public async Task AnApprovalClickedOnTheProcessThatRanTheThread_StartsTheNextStep()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        await using var bot = await BotProcess.StartAsync(connectionString, data.Path);

        var latencies = await MeasureAsync(connectionString, ran: bot, clickedOn: bot);

        Report("click on the process that ran the thread (1 process)", latencies);
    }

    [Fact]
    public async Task AnApprovalClickedOnAnotherProcess_StartsTheNextStep()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        await using var ran = await BotProcess.StartAsync(connectionString, data.Path);

        // The second process starts only after the threads wait, so the first one ran all of their steps.
        var latencies = await MeasureAsync(connectionString, ran, clickedOn: null, startOther: () => BotProcess.StartAsync(connectionString, data.Path));

        Report("click on another process than the one that ran the thread (2 processes)", latencies);
    }

    private async Task<List<double>> MeasureAsync(string connectionString, BotProcess ran, BotProcess? clickedOn, Func<Task<BotProcess>>? startOther = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var store = new PostgresEventStore(dataSource);
        var ids = new List<string>();
        for (var i = 0; i < Approvals; i++)
            ids.Add(await ThreadsClient.TryLaunchAsync(ran.Client, $"svc{i} to production", $"latency-{i}") ?? throw new InvalidOperationException("no answer"));
        await Poll.UntilAsync(() => Threads.ListAsync(store, "awaiting_human"), w => w.Count == Approvals, TimeSpan.FromMinutes(2), "every thread to wait for its approval");

        await using var other = startOther is null ? null : await startOther();
        var click = clickedOn ?? other!;
        var latencies = new List<double>();
        foreach (var id in ids)
        {
            var (_, waiting) = await Threads.LoadAsync(store, id);
            Assert.True(await ThreadsClient.TryApproveAsync(click.Client, id, waiting.PendingApprovals.Single().Id));
            var events = await Poll.UntilAsync(() => store.ReadAsync(id), e => e.Any(x => x.Data is ToolCalled { Tool: "deploy_to_production" }),
                TimeSpan.FromSeconds(60), $"the approved deploy of {id} to start");
            var decided = events.Single(e => e.Data is ApprovalDecided);
            var started = events.First(e => e.Seq > decided.Seq && e.Data is ToolCalled);
            latencies.Add((started.At - decided.At).TotalMilliseconds);
        }
        await Poll.UntilAsync(() => Threads.ListAsync(store, "completed"), c => c.Count == Approvals, TimeSpan.FromMinutes(1), "every thread to complete");
        foreach (var id in ids) Assert.Equal(ThreadStatus.Completed, (await Threads.LoadAsync(store, id)).State.Status);
        return latencies;
    }

    private void Report(string scenario, List<double> latencies)
    {
        latencies.Sort();
        double Percentile(double p) => latencies[(int)Math.Ceiling(p * latencies.Count) - 1];
        var line = $"approval_decided -> tool_call, {scenario}: n={latencies.Count} p50={Percentile(0.50):F1} ms p95={Percentile(0.95):F1} ms max={latencies[^1]:F1} ms";
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
