using System.Net;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Planners;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>
/// A model that answers nonsense three times escalates the thread: the stuck card is posted in the channel; "Retry
/// with a hint…" opens Slack's modal, and the hint typed there is in the model's very next request.
/// </summary>
public sealed class SlackStuckCardTests
{
    private const string Hint = "Run the tests for service api first.";

    [Fact]
    public async Task ThreeBadAnswers_PostTheStuckCard_AndTheHintFromTheModalReachesTheModel()
    {
        await using var model = new FakeModelServer(i => (200, i < 3
            ? ModelPlannerWireTests.Text("openai", "I would rather not.")
            : ModelPlannerWireTests.ToolCall("openai", "done", """{"summary":"retried with the hint"}""")));
        await using var rig = await SlackRig.StartAsync(settings: model.OpenAiSettings());
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to staging", user: "UALICE"));

        var card = (await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.postMessage" && x.Buttons.Any(b => b.ActionId == SlackActions.RetryWithHint)), "the stuck card"))
            .First(x => x.Method == "chat.postMessage" && x.Buttons.Any(b => b.ActionId == SlackActions.RetryWithHint));
        Assert.Equal("C123", card.Str("channel"));
        Assert.Contains("3 errors in a row", card.BlocksJson);
        Assert.Equal(ThreadStatus.Paused, (await rig.StateAsync(threadId))!.Status);
        Assert.Equal(3, model.Requests.Count);

        var click = await rig.ClickAsync(SlackActions.RetryWithHint, card.Buttons.Single(b => b.ActionId == SlackActions.RetryWithHint).Value, user: "UALICE");
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var view = (JsonObject)Assert.Single(rig.Slack.CallsTo("views.open")).Body["view"]!;
        Assert.Equal(SlackActions.HintModal, (string?)view["callback_id"]);
        var submit = await rig.SubmitViewAsync(new JsonObject
        {
            ["callback_id"] = SlackActions.HintModal,
            ["private_metadata"] = (string?)view["private_metadata"],
            ["state"] = new JsonObject
            {
                ["values"] = new JsonObject
                {
                    [SlackActions.TextBlock] = new JsonObject { [SlackActions.TextInput] = new JsonObject { ["type"] = "plain_text_input", ["value"] = Hint } },
                },
            },
        }, user: "UALICE");
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);

        var done = await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Completed, "the retried thread to finish");
        Assert.Equal("retried with the hint", done.Summary);
        Assert.Equal(4, model.Requests.Count);
        Assert.Contains(Hint, model.Requests[3].Body);
        Assert.DoesNotContain(Hint, model.Requests[2].Body);
        await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.update" && x.Ts == card.Ts && x.Buttons.Count == 0), "the stuck card updated without buttons");
        Assert.Empty(rig.Slack.Violations);
    }
}
