using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>The stuck card's Retry (with a hint) and Abort, and the pause command that stops a thread.</summary>
public sealed class TeamsStuckCardTests
{
    [Fact]
    public async Task PausedThread_RetryWithHint_ResumesWithTheFeedback_AndAbortEndsAnother()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        var first = await StartPausedAsync(bed);

        var retry = await bed.PostAsync(StuckInvoke(bed, "retry", first, hint: "use version 1.4.1"));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var card = (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value");
        Assert.Empty(AdaptiveCardChecker.Check(card));
        Assert.DoesNotContain("\"verb\":\"retry\"", card.GetRawText()); // no longer paused: no buttons
        var events = await EventsAsync(bed, first);
        var resumed = Assert.Single(events, e => e.GetProperty("type").GetString() == "thread_resumed");
        Assert.Equal("use version 1.4.1", resumed.GetProperty("data").GetProperty("feedback").GetString());
        Assert.Equal("teams:aad-bob", resumed.GetProperty("actor").GetProperty("id").GetString());

        var second = await StartPausedAsync(bed);
        var abort = await bed.PostAsync(StuckInvoke(bed, "abort", second));
        Assert.Equal(HttpStatusCode.OK, abort.StatusCode);
        Assert.Equal("failed", (await bed.ThreadAsync(second)).GetProperty("status").GetString());
    }

    private static async Task<string> StartPausedAsync(TeamsTestBed bed)
    {
        var before = (await bed.ThreadsAsync()).Select(t => t.GetProperty("id").GetString()).ToHashSet();
        await bed.PostAsync(bed.Message("deploy api to production"));
        var thread = await Poll.UntilAsync(async () => (await bed.ThreadsAsync()).FirstOrDefault(t => !before.Contains(t.GetProperty("id").GetString())),
            t => t.ValueKind == JsonValueKind.Object && t.GetProperty("status").GetString() == "awaiting_human", TeamsTestBed.Patience, "a thread waiting for approval");
        var id = thread.GetProperty("id").GetString()!;
        await bed.PostAsync(bed.Message($"pause {id}", user: "bob"));
        await bed.ConnectorCallAsync(c => c.Text == $"Paused {id}.", "the pause confirmation");
        return id;
    }

    private static object StuckInvoke(TeamsTestBed bed, string verb, string threadId, string? hint = null) => new
    {
        type = "invoke",
        name = "adaptiveCard/action",
        id = "inv-" + Guid.NewGuid().ToString("N")[..12],
        serviceUrl = bed.Fake.ServiceUrl,
        channelId = "msteams",
        from = TeamsTestBed.User("bob"),
        conversation = new { id = TeamsTestBed.Conversation, tenantId = TeamsTestBed.Tenant },
        recipient = new { id = "28:" + TeamsTestBed.AppId },
        value = new { action = new { type = "Action.Execute", verb, data = new { verb, threadId, hint } } },
        channelData = new { tenant = new { id = TeamsTestBed.Tenant } },
    };

    private static async Task<JsonElement[]> EventsAsync(TeamsTestBed bed, string id) =>
        (await bed.Host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{id}/events"))!;
}
