using System.Text.Json;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Storage;

namespace ChatAgent.Bot.Audit;

/// <summary>
/// <c>dotnet run --project src/ChatAgent.Bot -- verify-audit</c>: walks the hash chains of the configured store, prints
/// the report as JSON and exits 0 when intact, 2 when an event was altered or removed or a checkpointed thread deleted.
/// With <c>--checkpoint</c> (and <c>Audit__Key</c>) a clean walk also writes the next checkpoint; ship the
/// <c>checkpoint.mac</c> it prints to a store outside the database. The web server is not started.
/// </summary>
public static class AuditCommand
{
    public const string Name = "verify-audit";

    public const string CheckpointFlag = "--checkpoint";

    /// <summary>Run by <see cref="Hosting.Commands.RunCommand"/> when the arguments name <see cref="Name"/>.</summary>
    public static async Task RunAsync(WebApplication app, bool checkpoint)
    {
        await app.Services.GetRequiredService<IStorageInitializer>().EnsureSchemaAsync();
        if (checkpoint && app.Services.GetRequiredService<AuditKey>().Value is null)
        {
            Console.Error.WriteLine("verify-audit --checkpoint needs Audit__Key: checkpoints are signed with it.");
            Environment.ExitCode = 1;
            return;
        }
        var audit = app.Services.GetRequiredService<AuditVerification>();
        var report = checkpoint ? await audit.CheckpointAsync() : await audit.VerifyAsync();
        Console.Out.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        Environment.ExitCode = report.Ok ? 0 : 2;
    }
}
