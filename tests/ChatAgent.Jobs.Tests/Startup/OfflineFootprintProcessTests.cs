using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Jobs.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Jobs.Tests.Startup;

/// <summary>
/// What an offline bot holds (docs/PERFORMANCE.md, "memory"): the real bot binary, which never maps the model SDKs it does
/// not use, and reads or writes its antiforgery key ring (the Hangfire dashboard's) only once the dashboard needs it.
/// </summary>
public sealed class OfflineFootprintProcessTests
{
    [Fact]
    public async Task AnOfflineBot_PlansWithoutLoadingAModelSdk_AndMakesItsKeyRingOnlyForTheDashboard()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("reads /proc/PID/maps");
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        using var data = new TempDirectory();
        using var home = new TempDirectory();
        var keyRing = Path.Combine(home.Path, ".aspnet", "DataProtection-Keys");
        await using var bot = await BotProcess.StartAsync(connectionString, data.Path, new Dictionary<string, string> { ["HOME"] = home.Path });

        var thread = (await ThreadsClient.TryLaunchAsync(bot.Client, "api to production", "footprint-1"))!;
        await Poll.UntilAsync(() => bot.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{thread}"),
            v => v.GetProperty("pendingApprovals").GetArrayLength() > 0, what: "the offline planner to plan the deploy up to its approval");
        var mapped = await File.ReadAllTextAsync($"/proc/{bot.Pid}/maps");
        Assert.DoesNotContain("Anthropic.dll", mapped);
        Assert.DoesNotContain("OpenAI.dll", mapped);
        Assert.DoesNotContain("Microsoft.Extensions.AI.dll", mapped);
        Assert.Contains("ChatAgent.Core.dll", mapped);
        Assert.False(Directory.Exists(keyRing), "no key ring is made at start-up");

        var dashboard = await bot.Client.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.NotEmpty(Directory.GetFiles(keyRing, "key-*.xml"));
    }
}
