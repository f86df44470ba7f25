using System.Text.Json;
using ChatAgent.Core.Audit;
using ChatAgent.Core.Storage;

namespace ChatAgent.Bot.Audit;

/// <summary>
/// <c>dotnet run --project src/ChatAgent.Bot -- verify-audit</c>: walks the hash chains of the configured store, prints
/// the report as JSON and exits 0 when intact, 2 when an event was altered or removed. The web server is not started.
/// </summary>
public static class AuditCommand
{
    public const string Name = "verify-audit";

    /// <summary>
    /// Runs the command when <paramref name="args"/> asks for it; false means "start the server as usual". Synchronous
    /// on purpose: an <c>await</c> in Program.cs would make Main async, and the test host could no longer stop it after Build.
    /// </summary>
    public static bool RunCommand(this WebApplication app, string[] args)
    {
        if (!args.Contains(Name, StringComparer.Ordinal)) return false;
        RunAsync(app).GetAwaiter().GetResult();
        return true;
    }

    private static async Task RunAsync(WebApplication app)
    {
        await app.Services.GetRequiredService<IStorageInitializer>().EnsureSchemaAsync();
        var report = await app.Services.GetRequiredService<IAuditStore>().VerifyAsync();
        Console.Out.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
        Environment.ExitCode = report.Ok ? 0 : 2;
    }
}
