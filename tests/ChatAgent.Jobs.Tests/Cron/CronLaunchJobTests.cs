using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Tools;
using ChatAgent.Jobs.Cron;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs.Tests.Cron;

/// <summary>A cron occurrence launches its agent once, however many servers fire it, on PostgreSQL.</summary>
public sealed class CronLaunchJobTests : IDisposable
{
    private readonly TempDirectory _agents = new();

    public void Dispose() => _agents.Dispose();

    private static readonly DateTimeOffset Occurrence = new(2026, 11, 25, 1, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task TheSameOccurrenceFiredTwice_LaunchesOneThread_PostingToTheTriggersSlackChannel()
    {
        await using var services = await ServicesAsync();
        var job = Job(services);

        var fired = await Task.WhenAll(
            job.LaunchAsync("nightly", "nightly:cron:0", Occurrence, CancellationToken.None),
            job.LaunchAsync("nightly", "nightly:cron:0", Occurrence, CancellationToken.None));
        var again = await Job(services).LaunchAsync("nightly", "nightly:cron:0", Occurrence, CancellationToken.None);

        var threads = await services.GetRequiredService<IEventStore>().ListAsync(new ThreadQuery());
        var thread = Assert.Single(threads);
        var results = fired.Append(again).Select(r => Assert.Single(r!)).ToList();
        Assert.All(results, r => Assert.Equal(thread.Id, r.State!.Id));
        Assert.Single(results, r => !r.Duplicate);
        var state = await services.GetRequiredService<ThreadService>().GetStateAsync(thread.Id);
        Assert.Equal(new Origin("slack", "C123"), state!.Origin);
        Assert.Equal("Report on the night.", state.Input);
        Assert.Equal("system", state.RequestedBy);
    }

    [Fact]
    public async Task TheNextOccurrence_LaunchesAnotherThread()
    {
        await using var services = await ServicesAsync();
        await Job(services).LaunchAsync("nightly", "nightly:cron:1", Occurrence, CancellationToken.None);
        await Job(services).LaunchAsync("nightly", "nightly:cron:1", Occurrence.AddMinutes(15), CancellationToken.None);
        var threads = await services.GetRequiredService<IEventStore>().ListAsync(new ThreadQuery());
        Assert.Equal(2, threads.Count);
        Assert.All(threads, t => Assert.Equal("teams", t.Platform));
    }

    [Fact]
    public async Task HangfiresEntryPoint_RunTwice_LaunchesOnce()
    {
        await using var services = await ServicesAsync();
        await Job(services).RunAsync("nightly", "nightly:cron:0", CancellationToken.None);
        await Job(services).RunAsync("nightly", "nightly:cron:0", CancellationToken.None);
        Assert.Single(await services.GetRequiredService<IEventStore>().ListAsync(new ThreadQuery()));
    }

    [Fact]
    public async Task ARemovedTrigger_LaunchesNothing()
    {
        await using var services = await ServicesAsync();
        Assert.Null(await Job(services).LaunchAsync("nightly", "nightly:cron:9", Occurrence, CancellationToken.None));
        Assert.Empty(await services.GetRequiredService<IEventStore>().ListAsync(new ThreadQuery()));
    }

    [Theory]
    [InlineData("slack:C123", null, null, "slack:C123")]
    [InlineData("teams:19:abc@thread.tacv2", "C9", null, "teams:19:abc@thread.tacv2")]
    [InlineData("C42", null, null, "slack:C42")]
    [InlineData(null, "C9", null, "slack:C9")]
    [InlineData(null, null, "19:def@thread.v2", "teams:19:def@thread.v2")]
    [InlineData(null, "C9", "19:def@thread.v2", "slack:C9 teams:19:def@thread.v2")]
    [InlineData(null, null, null, "cron:")]
    public void OriginsOf_AreTheTriggersChannels_ElseEveryConfiguredDefault(string? channel, string? slackDefault, string? teamsDefault, string expected)
    {
        var job = new CronLaunchJob(null!, null!, Options.Create(new CronOptions { SlackDefaultChannel = slackDefault, TeamsDefaultConversation = teamsDefault }),
            TimeProvider.System, NullLogger<CronLaunchJob>.Instance);
        var origins = job.OriginsOf(channel is null ? [] : [channel]);
        Assert.Equal(expected, string.Join(' ', origins.Select(o => $"{o.Platform}:{o.Conversation}")));
    }

    [Fact]
    public async Task ATriggerNamingSlackAndTeams_LaunchesOneThreadForEach_OnceHoweverOftenItFires()
    {
        await using var services = await ServicesAsync();
        var job = Job(services);

        var first = await job.LaunchAsync("nightly", "nightly:cron:2", Occurrence, CancellationToken.None);
        var again = await job.LaunchAsync("nightly", "nightly:cron:2", Occurrence, CancellationToken.None);

        var threads = await services.GetRequiredService<IEventStore>().ListAsync(new ThreadQuery());
        Assert.Equal(2, threads.Count);
        Assert.Equal(["slack", "teams"], threads.Select(t => t.Platform).Order(StringComparer.Ordinal));
        Assert.All(first!, r => Assert.False(r.Duplicate));
        Assert.All(again!, r => Assert.True(r.Duplicate));
        var service = services.GetRequiredService<ThreadService>();
        var origins = await Task.WhenAll(first!.Select(async r => (await service.GetStateAsync(r.State!.Id))!.Origin));
        Assert.Equal([new Origin("slack", "C123"), new Origin("teams", "19:abc@thread.tacv2")], origins);
    }

    [Fact]
    public void LatestOccurrence_IsTheScheduleTimeAtOrBeforeNow_InTheTriggersTimeZone()
    {
        var trigger = new CronTrigger("nightly:cron:0", "30 2 * * *", "Europe/Berlin", "x", []);
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 1, 30, 0, TimeSpan.Zero), CronLaunchJob.LatestOccurrence(trigger, now));
        var weekdays = new CronTrigger("d:cron:0", "0 9 * * 1-5", "UTC", "x", []);
        var sunday = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), CronLaunchJob.LatestOccurrence(weekdays, sunday));
    }

    private static CronLaunchJob Job(IServiceProvider services) => new(
        services.GetRequiredService<ThreadService>(), services.GetRequiredService<IAgentCatalog>(),
        Options.Create(new CronOptions()), TimeProvider.System, NullLogger<CronLaunchJob>.Instance);

    private async Task<ServiceProvider> ServicesAsync()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddChatAgentStorage(await PostgresServer.CreateDatabaseAsync())
            .AddChatAgentTools(o => o.Path = CronTestAgents.Create(_agents))
            .AddChatAgentCore()
            .AddSingleton<IThreadScheduler, NoScheduler>()
            .BuildServiceProvider();
        await services.GetRequiredService<IStorageInitializer>().EnsureSchemaAsync();
        return services;
    }

    /// <summary>The launch is what is under test; running the thread is not.</summary>
    private sealed class NoScheduler : IThreadScheduler
    {
        public Task ScheduleRunAsync(string threadId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task ScheduleDeliveryAsync(string threadId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task ScheduleApprovalCheckAsync(string threadId, string approvalId, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
