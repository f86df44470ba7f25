using System.Net.Http.Json;
using ChatAgent.Jobs;
using ChatAgent.TestHost;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Hosting;

/// <summary>The bot gives back what its work left in the heaps once it is idle again, once, and not before it did any work.</summary>
public sealed class IdleMemoryTrimTests
{
    [Fact]
    public async Task TheBot_TrimsOnce_AfterAThreadHasRun_AndNotBefore()
    {
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?> { ["Jobs:TrimMemoryAfterIdle"] = "00:00:00.2" });
        var trim = host.Get<IdleMemoryTrim>();
        await Task.Delay(TimeSpan.FromSeconds(1)); // five quiet spells' length with nothing done (a wait for absence, not synchronisation)
        Assert.Equal(0, trim.Trims);

        using var launched = await host.Client.PostAsJsonAsync("/api/threads", new { agent = "daily-summary", input = "", user = "web:alice" });
        launched.EnsureSuccessStatusCode();

        await Poll.UntilAsync(() => Task.FromResult(trim.Trims), n => n >= 1, TimeSpan.FromSeconds(30), "a trim after the run");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(1, trim.Trims);
    }
}
