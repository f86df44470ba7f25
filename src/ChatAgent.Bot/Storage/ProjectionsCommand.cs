using ChatAgent.Core.Storage;

namespace ChatAgent.Bot.Storage;

/// <summary>
/// <c>dotnet run --project src/ChatAgent.Bot -- rebuild-projections</c>: brings the schema to this build's version, then
/// recomputes every projection from the events in one transaction (the thread list and the conversations; the bot may
/// keep running: its appends wait for the rebuild and then write over it) and prints what it did. The tables that
/// are not projections are named and left alone. Exit code 0; a failure rolls back and exits non-zero with the error.
/// </summary>
public static class ProjectionsCommand
{
    public const string Name = "rebuild-projections";

    /// <summary>The tables that hold primary data: no event says what they say, so they are never rebuilt.</summary>
    public static readonly IReadOnlyList<(string Table, string Why)> PrimaryData =
    [
        ("events", "the source of truth"),
        ("deliveries", "launch idempotency keys"),
        ("webhook_deliveries", "webhook delivery ids already handled"),
        ("audit_checkpoints", "signed audit checkpoints"),
        ("schema_version", "the migrations applied"),
    ];

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken = default)
    {
        await services.GetRequiredService<IStorageInitializer>().EnsureSchemaAsync(cancellationToken);
        var configuration = services.GetRequiredService<IConfiguration>();
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Postgres")))
            await output.WriteLineAsync("No ConnectionStrings__Postgres: the in-memory store of this process starts empty, so there is nothing to rebuild.");
        var rebuilt = await services.GetRequiredService<IProjectionRebuilder>().RebuildProjectionAsync(cancellationToken);
        foreach (var projection in rebuilt)
            await output.WriteLineAsync($"rebuilt {projection.Table}: {projection.Rows} rows from {projection.EventsRead} events");
        await output.WriteLineAsync("left alone (primary data, not projections): " + string.Join(", ", PrimaryData.Select(t => $"{t.Table} ({t.Why})")));
        return 0;
    }
}
