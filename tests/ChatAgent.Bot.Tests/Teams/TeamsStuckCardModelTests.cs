using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Planners;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// A model that answers nonsense three times escalates the thread: the stuck card reaches the Teams conversation
/// with a hint input; "Retry" with a hint resumes it, and the hint is in the model's very next request.
/// </summary>
public sealed class TeamsStuckCardModelTests
{
    private const string Hint = "Run the tests for service api first.";

    [Fact]
    public async Task ThreeBadAnswers_PostTheStuckCard_AndTheHintFromItsInputReachesTheModel()
    {
        await using var model = new FakeModelServer(i => (200, i < 3
            ? ModelPlannerWireTests.Text("openai", "I would rather not.")
            : ModelPlannerWireTests.ToolCall("openai", "done", """{"summary":"retried with the hint"}""")));
        await using var bed = await TeamsTestBed.StartAsync(settings: model.OpenAiSettings());
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Message("deploy api to staging"))).StatusCode);

        var stuck = await bed.ConnectorCallAsync(c => c.Body.Contains("\"verb\":\"retry\"") && c.Body.Contains("3 errors in a row"), "the stuck card");
        Assert.Contains("/connector/v3/conversations/" + Uri.EscapeDataString(TeamsTestBed.Conversation) + "/activities", stuck.Path);
        var card = JsonDocument.Parse(stuck.Body).RootElement.GetProperty("attachments")[0].GetProperty("content");
        Assert.Empty(AdaptiveCardChecker.Check(card));
        Assert.Contains("\"id\":\"hint\"", card.GetRawText());
        var thread = Assert.Single(await bed.ThreadsAsync());
        var id = thread.GetProperty("id").GetString()!;
        Assert.Equal("paused", thread.GetProperty("status").GetString());
        Assert.Equal(3, model.Requests.Count);

        var retry = await bed.PostAsync(new
        {
            type = "invoke",
            name = "adaptiveCard/action",
            id = "inv-retry-hint",
            serviceUrl = bed.Fake.ServiceUrl,
            channelId = "msteams",
            from = TeamsTestBed.User("alice"),
            conversation = new { id = TeamsTestBed.Conversation, tenantId = TeamsTestBed.Tenant },
            recipient = new { id = "28:" + TeamsTestBed.AppId },
            value = new { action = new { type = "Action.Execute", verb = "retry", data = new { verb = "retry", threadId = id, hint = Hint } } },
            channelData = new { tenant = new { id = TeamsTestBed.Tenant } },
        });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);

        var done = await Poll.UntilAsync(() => bed.ThreadAsync(id), t => t.GetProperty("status").GetString() == "completed", TeamsTestBed.Patience, "the retried thread to finish");
        Assert.Equal("retried with the hint", done.GetProperty("summary").GetString());
        Assert.Equal(4, model.Requests.Count);
        Assert.Contains(Hint, model.Requests[3].Body);
        Assert.DoesNotContain(Hint, model.Requests[2].Body);
    }
}
