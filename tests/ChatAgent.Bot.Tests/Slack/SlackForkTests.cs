using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>
/// A dry run of a Slack thread posts nothing to Slack (the fake Slack Web API receives no call at all) unless the fork
/// asks with <c>"post": true</c>; then it posts into the origin's Slack thread, every message marked as a dry run, and
/// still asks nobody: no approval card, no buttons.
/// </summary>
public sealed class SlackForkTests
{
    private const string Key = "k-fork-slack";

    [Fact]
    public async Task AForkOfASlackDeploy_PostsNothing_UnlessAsked_AndThenOnlyMarkedDryRunMessagesWithoutButtons()
    {
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: new Dictionary<string, string?> { ["Api:Keys:ci:Key"] = Key });
        var origin = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var waiting = await rig.WaitForAsync(origin, s => s.PendingApprovals.Count == 1, "the approval request");
        var decided = await rig.Host.Get<ThreadService>().DecideApprovalAsync(origin, waiting.PendingApprovals[0].Id, true, Actor.User("slack:UBOB"), "ship it");
        Assert.True(decided.Accepted, decided.Message);
        var done = await rig.WaitForAsync(origin, s => s.IsEnded && s.Messages.Values.All(m => m.IsDelivered), "the deploy to complete and its messages to be posted");
        var calls = rig.Slack.Calls.Count;
        var log = await File.ReadAllBytesAsync(Path.Combine(rig.Host.DataDir, "releases.log"));

        var quiet = await ForkAsync(rig, new { at = 2, dryRun = true });
        var quietDone = await rig.WaitForAsync(quiet, s => s.IsEnded, "the quiet dry run to end");
        Assert.Equal(ThreadStatus.Completed, quietDone.Status);
        Assert.Equal(("api", null), (quietDone.Origin.Platform, quietDone.Origin.Conversation));
        Assert.DoesNotContain(await rig.Host.Get<IEventStore>().ReadAsync(quiet), e => e.Data is MessagePosted);
        Assert.Equal(calls, rig.Slack.Calls.Count);

        var loud = await ForkAsync(rig, new { at = 2, dryRun = true, post = true });
        await rig.WaitForAsync(loud, s => s.IsEnded && s.Messages.Values.All(m => m.IsDelivered), "the posting dry run to end and post");
        var posted = rig.Slack.Calls.Skip(calls).ToList();
        Assert.NotEmpty(posted);
        Assert.All(posted.Where(c => c.Method == "chat.postMessage"), c => Assert.Equal(("C123", done.Origin.ThreadRef), (c.Str("channel"), c.Str("thread_ts"))));
        Assert.All(posted, c => Assert.Empty(c.Buttons));
        Assert.All(posted, c => Assert.Contains("dry run", (c.Str("text") ?? "") + c.BlocksJson, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(posted, c => ((c.Str("text") ?? "") + c.BlocksJson).Contains("Dry run: Deployed api 1.4.2 to production."));
        Assert.Equal(log, await File.ReadAllBytesAsync(Path.Combine(rig.Host.DataDir, "releases.log")));
        Assert.Empty(rig.Slack.Violations);
    }

    private static async Task<string> ForkAsync(SlackRig rig, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/threads/{await OriginAsync(rig)}/fork") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var response = await rig.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<string> OriginAsync(SlackRig rig) =>
        (await rig.ThreadsAsync()).Single(t => t.Platform == "slack").Id;
}
