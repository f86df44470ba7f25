using System.Text.Json.Nodes;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>Built-in sub-commands, usage messages, stuck cards and the channel a cron-style thread posts to.</summary>
public sealed class SlackCommandsTests
{
    [Fact]
    public async Task Help_List_AndUnknownWords_AnswerWithUsage_AndLaunchNothing()
    {
        await using var rig = await SlackRig.StartAsync();

        var help = await rig.CommandAsync("/agent", "help");
        Assert.Contains("/agent deploy <service>", (string?)help["text"]);
        Assert.Contains("/agent pending", (string?)help["text"]);
        var list = await rig.CommandAsync("/agent", "list");
        Assert.Contains("*incident*", (string?)list["text"]);
        Assert.Contains("`/deploy`", (string?)list["text"]);
        var unknown = await rig.CommandAsync("/agent", "frobnicate everything");
        Assert.StartsWith("I don't know \"frobnicate\"", (string?)unknown["text"]);
        var usage = await rig.CommandAsync("/deploy", "");
        Assert.Equal("Usage: `deploy <service> to [env=staging]`", (string?)usage["text"]);

        Assert.Empty(await rig.ThreadsAsync());
    }

    [Fact]
    public async Task Status_Pause_Resume_AndPending_WorkFromSlack()
    {
        await using var rig = await SlackRig.StartAsync(settings: new Dictionary<string, string?> { ["Approvals:Groups:deployers:0"] = "slack:UBOB" });
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        await SlackApprovalFlowTests.CardAsync(rig);

        var status = await rig.CommandAsync("/agent", $"status {threadId}");
        Assert.Contains("awaiting_human", (string?)status["text"]);
        Assert.Contains("deploy_to_production", (string?)status["text"]);

        var nothing = await rig.CommandAsync("/agent", "pending", user: "UEVE");
        Assert.Equal("Nothing is waiting for your approval.", (string?)nothing["text"]);
        var pending = await rig.CommandAsync("/agent", "pending", user: "UBOB");
        Assert.StartsWith("1 approval(s) waiting for you", (string?)pending["text"]);
        var buttons = ((JsonArray)pending["blocks"]!).OfType<JsonObject>().Where(b => (string?)b["type"] == "actions")
            .SelectMany(b => ((JsonArray)b["elements"]!).OfType<JsonObject>()).Select(e => (string?)e["action_id"]).ToList();
        Assert.Contains(SlackActions.Approve, buttons);

        var paused = await rig.CommandAsync("/agent", $"pause {threadId}", user: "UBOB");
        Assert.Equal($"Paused `{threadId}`.", (string?)paused["text"]);
        Assert.Equal(ThreadStatus.Paused, (await rig.StateAsync(threadId))!.Status);
        var resumed = await rig.CommandAsync("/agent", $"resume {threadId} carry on", user: "UBOB");
        Assert.Equal($"Resumed `{threadId}`.", (string?)resumed["text"]);
        var again = await rig.CommandAsync("/agent", $"resume {threadId}", user: "UBOB");
        Assert.Contains("is not paused", (string?)again["text"]);
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task StuckThread_PostsAStuckCard_AndAbortEndsIt()
    {
        // UBOB is an operator here: operators may steer any thread.
        await using var rig = await SlackRig.StartAsync(settings: new Dictionary<string, string?> { ["Approvals:Groups:operators:0"] = "slack:UBOB" });
        // An invalid service name breaks the tool's schema three times: the thread escalates.
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "Not_A_Service to staging"));
        await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Paused && s.Escalated, "escalation");
        var card = (await rig.WaitForCallsAsync(c => c.Any(x => x.Buttons.Any(b => b.ActionId == SlackActions.Abort)), "the stuck card"))
            .First(x => x.Buttons.Any(b => b.ActionId == SlackActions.Abort));
        Assert.Contains("is stuck", card.BlocksJson);
        Assert.Equal([SlackActions.Retry, SlackActions.RetryWithHint, SlackActions.Abort], card.Buttons.Select(b => b.ActionId));

        await rig.ClickAsync(SlackActions.Abort, threadId, user: "UBOB");

        var failed = await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Failed, "the abort");
        Assert.Equal("aborted", failed.FailureReason);
        await rig.WaitForCallsAsync(c => c.Any(x => x.Method == "chat.update" && x.Ts == card.Ts && x.Buttons.Count == 0 && x.BlocksJson.Contains("Aborted by")), "the stuck card updated");
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task DailySummaryInASlackChannel_IsOneMessageThere_WithoutAStatusLineOrAFinalEcho()
    {
        await using var rig = await SlackRig.StartAsync();
        var result = await rig.Host.Get<ThreadService>().LaunchAsync(new LaunchCommand(
            "daily-summary", "Summarize the last 24 hours.", new Origin("slack", "C777"), Actor.System, "cron:daily-summary:test"));
        Assert.True(result.Accepted, result.Message);

        // Completed with every queued message delivered: nothing more will be posted for this thread.
        await rig.WaitForAsync(result.State!.Id, s => s.Status == ThreadStatus.Completed && s.Messages.Values.All(m => m.IsDelivered), "the summary delivered");
        var posts = rig.Slack.Calls.Where(x => x.Method is "chat.postMessage" or "chat.update").ToList();
        var post = Assert.Single(posts);
        Assert.Equal("chat.postMessage", post.Method);
        Assert.Equal("C777", post.Str("channel"));
        Assert.StartsWith("Daily summary: ", post.Str("text"));
        Assert.Empty(rig.Slack.Violations);
    }
}
