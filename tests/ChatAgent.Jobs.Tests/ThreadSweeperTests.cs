using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Jobs.Tests;

/// <summary>The sweeper finds running threads nobody runs (their enqueue was lost) and schedules them again.</summary>
[Collection(ProcessTests.Name)]
public sealed class ThreadSweeperTests
{
    [Fact]
    public async Task Sweep_ReschedulesStrandedRunningThreads_NotWaitingOnes()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        await using var harness = await JobsHarness.StartAsync(connectionString, data.Path,
            s => s.Configure<ThreadSweeperOptions>(o => o.StaleAfter = TimeSpan.Zero));
        var stranded = await harness.LaunchAsync("api to staging");
        var waiting = await harness.LaunchAsync("web to production");
        await harness.Get<RunThreadJob>().RunAttemptAsync(waiting, 0, CancellationToken.None);
        Assert.Equal(ThreadStatus.AwaitingHuman, (await Threads.LoadAsync(harness.Store, waiting)).State.Status);
        harness.Scheduler.Runs.Clear();

        var swept = await harness.Get<ThreadSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(1, swept);
        Assert.Equal([stranded], harness.Scheduler.Runs);
    }

    [Fact]
    public async Task Sweep_SchedulesNoRunsWhileRunsWaitInTheQueue_AndTheStrandedOnceItDrains()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        var hangfireOptions = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true };
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, hangfireOptions), hangfireOptions);
        await using var harness = await JobsHarness.StartAsync(connectionString, data.Path, s =>
        {
            s.Configure<ThreadSweeperOptions>(o => o.StaleAfter = TimeSpan.Zero);
            s.AddSingleton<IRunQueue>(new HangfireRunQueue(storage));
        });
        var stranded = await harness.LaunchAsync("api to staging"); // its enqueue was lost
        harness.Scheduler.Runs.Clear();
        // Another thread's run waits in the queue for a free worker (a backlog): the stranded thread may be one too.
        new BackgroundJobClient(storage).Create(
            Job.FromExpression<RunThreadJob>(j => j.RunAsync("queued-thread", null, CancellationToken.None)), new EnqueuedState(JobQueues.Threads));

        Assert.Equal(0, await harness.Get<ThreadSweeper>().SweepAsync(CancellationToken.None));
        Assert.Empty(harness.Scheduler.Runs);

        using (var connection = storage.GetConnection())
        using (var fetched = connection.FetchNextJob([JobQueues.Threads], CancellationToken.None))
            fetched.RemoveFromQueue(); // a worker took it: the queue has drained

        Assert.Equal(1, await harness.Get<ThreadSweeper>().SweepAsync(CancellationToken.None));
        Assert.Equal([stranded], harness.Scheduler.Runs);
    }

    [Fact]
    public async Task Sweep_LeavesThreadsThatMovedRecently()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        await using var harness = await JobsHarness.StartAsync(connectionString, data.Path,
            s => s.Configure<ThreadSweeperOptions>(o => o.StaleAfter = TimeSpan.FromMinutes(10)));
        await harness.LaunchAsync("api to staging");
        harness.Scheduler.Runs.Clear();

        Assert.Equal(0, await harness.Get<ThreadSweeper>().SweepAsync(CancellationToken.None));
        Assert.Empty(harness.Scheduler.Runs);
    }

    [Fact]
    public async Task Sweep_DeliversAStrandedOutbox_OnceThePlatformAnswers_AndNeverPostsTwice()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        var chat = new RecordingChatSurface("chat-test") { Down = true };
        await using var harness = await JobsHarness.StartAsync(connectionString, data.Path, s =>
        {
            s.AddSingleton<IChatSurface>(chat);
            s.Configure<ThreadSweeperOptions>(o => o.StaleAfter = TimeSpan.Zero);
        });
        var fromChat = await harness.LaunchAsync("api to staging", platform: "chat-test"); // its delivery job was lost
        var fromApi = await harness.LaunchAsync("web to staging");
        var sweeper = harness.Get<ThreadSweeper>();

        await sweeper.SweepAsync(CancellationToken.None); // the platform is down: nothing posted, nothing thrown
        Assert.Empty(chat.Posted);
        Assert.Single(await harness.Store.ListAsync(new ThreadQuery(Platform: "chat-test", UndeliveredOnly: true)));

        chat.Down = false;
        await sweeper.SweepAsync(CancellationToken.None);
        await sweeper.SweepAsync(CancellationToken.None);

        var posted = Assert.Single(chat.Posted);
        Assert.Equal((fromChat, "status"), (posted.ThreadId, posted.Key));
        Assert.Contains((await Threads.LoadAsync(harness.Store, fromChat)).Events, e => e.Data is MessagePosted { MessageKey: "status" });
        Assert.Empty(await harness.Store.ListAsync(new ThreadQuery(UndeliveredOnly: true, Platform: "chat-test")));
        Assert.DoesNotContain((await Threads.LoadAsync(harness.Store, fromApi)).Events, e => e.Data is MessagePosted);
    }

    [Fact]
    public async Task ALaunchWhoseEnqueueWasLost_IsCompletedByABotStartedLater()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        string id;
        await using (var crashed = await JobsHarness.StartAsync(connectionString, data.Path))
        {
            id = await crashed.LaunchAsync("api to staging"); // committed; its job never reaches Hangfire
        }

        await using var bot = await BotProcess.StartAsync(connectionString, data.Path, new Dictionary<string, string>
        {
            ["Jobs__Sweeper__Interval"] = "00:00:01",
            ["Jobs__Sweeper__StaleAfter"] = "00:00:02",
        });

        await using var reader = await JobsHarness.StartAsync(connectionString, data.Path);
        var state = await Poll.UntilAsync(async () => (await Threads.LoadAsync(reader.Store, id)).State,
            s => s.Status == ThreadStatus.Completed, TimeSpan.FromSeconds(60), $"the stranded thread to complete\n{bot.RecentOutput}");
        Assert.Equal("Deployed api 1.4.2 to staging.", state.Summary);
        Assert.Equal(2, ReleaseLine.Read(data.Path).Count);
    }
}
