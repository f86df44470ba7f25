using ChatAgent.Core.Agents;
using ChatAgent.Jobs.Cron;
using ChatAgent.TestSupport;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatAgent.Jobs.Tests.Cron;

/// <summary>The agents' cron triggers become Hangfire recurring jobs in PostgreSQL; removed triggers lose theirs.</summary>
public sealed class CronRegistrarTests : IDisposable
{
    private readonly TempDirectory _agents = new();

    public void Dispose() => _agents.Dispose();

    [Fact]
    public async Task Register_AddsEveryCronTriggerWithItsTimeZone_AndRemovesCronJobsNoLongerDefined()
    {
        var storage = await StorageAsync();
        var manager = new RecurringJobManager(storage);
        manager.AddOrUpdate<CronLaunchJob>("cron:retired:retired:cron:0", j => j.RunAsync("retired", "retired:cron:0", CancellationToken.None), "0 * * * *", new RecurringJobOptions());
        manager.AddOrUpdate<CronLaunchJob>("cron:nightly:nightly:cron:7", j => j.RunAsync("nightly", "nightly:cron:7", CancellationToken.None), "0 * * * *", new RecurringJobOptions());
        manager.AddOrUpdate<CronLaunchJob>("housekeeping", j => j.RunAsync("nightly", "nightly:cron:0", CancellationToken.None), "0 4 * * *", new RecurringJobOptions());
        var catalog = AgentCatalog.Load(CronTestAgents.Create(_agents));

        new CronRegistrar(catalog, manager, storage, NullLogger<CronRegistrar>.Instance).Register();

        var jobs = Jobs(storage);
        Assert.Equal(["cron:daily-summary:cron:0", "cron:nightly:cron:0", "cron:nightly:cron:1", "cron:nightly:cron:2", "housekeeping"], jobs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("30 2 * * *", jobs["cron:nightly:cron:0"].Cron);
        Assert.Equal("Europe/Berlin", jobs["cron:nightly:cron:0"].TimeZoneId);
        Assert.Equal("*/15 * * * *", jobs["cron:nightly:cron:1"].Cron);
        Assert.Equal("0 9 * * 1-5", jobs["cron:daily-summary:cron:0"].Cron);
        Assert.Equal("UTC", jobs["cron:daily-summary:cron:0"].TimeZoneId);
        Assert.Equal(["nightly", "nightly:cron:0"], jobs["cron:nightly:cron:0"].Job.Args.Take(2).Select(a => a?.ToString()));
        // The next 02:30 in Berlin, within a day.
        var nextUtc = DateTime.SpecifyKind(jobs["cron:nightly:cron:0"].NextExecution!.Value, DateTimeKind.Utc);
        var next = TimeZoneInfo.ConvertTimeFromUtc(nextUtc, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal((2, 30, 0), (next.Hour, next.Minute, next.Second));
        Assert.InRange(nextUtc - DateTime.UtcNow, TimeSpan.Zero, TimeSpan.FromHours(25));
    }

    [Fact]
    public async Task Register_AfterAnAgentIsDeleted_RemovesItsJobs_AndIsRepeatable()
    {
        var storage = await StorageAsync();
        var manager = new RecurringJobManager(storage);
        var agents = CronTestAgents.Create(_agents);
        new CronRegistrar(AgentCatalog.Load(agents), manager, storage, NullLogger<CronRegistrar>.Instance).Register();
        Assert.Contains("cron:nightly:cron:1", Jobs(storage).Keys);

        File.Delete(Path.Combine(agents, "nightly.yaml"));
        var registrar = new CronRegistrar(AgentCatalog.Load(agents), manager, storage, NullLogger<CronRegistrar>.Instance);
        registrar.Register();
        registrar.Register();

        Assert.Equal(["cron:daily-summary:cron:0"], Jobs(storage).Keys);
    }

    private static Dictionary<string, RecurringJobDto> Jobs(JobStorage storage)
    {
        using var connection = storage.GetConnection();
        return connection.GetRecurringJobs().ToDictionary(j => j.Id);
    }

    private static async Task<JobStorage> StorageAsync()
    {
        var cs = await PostgresServer.CreateDatabaseAsync();
        var options = new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = true };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(cs, options), options);
    }
}
