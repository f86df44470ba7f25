using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Tests.Hosting;

/// <summary>
/// An outbox delivery is done by the bot's own delivery workers the moment its wake-up arrives (no Hangfire job while
/// Slack answers); one that Slack refuses becomes a Hangfire job, whose retry posts the message.
/// </summary>
public sealed class LocalDeliveryTests
{
    [Fact]
    public async Task ADeploysMessages_ArePostedWithoutAJob_AndARefusedPost_IsRetriedByOne()
    {
        await using var rig = await SlackRig.StartAsync(postgres: true);
        var first = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to staging", user: "UALICE"));
        await rig.WaitForAsync(first, s => s.Status == ThreadStatus.Completed && s.Messages.Values.All(m => m.IsDelivered), "the first deploy, every message posted");
        Assert.NotEmpty(rig.Slack.CallsTo("chat.postMessage"));
        Assert.Empty(await TwoHostsTests.DeliveryJobThreadsAsync(rig.Host.ConnectionString!));

        rig.Slack.FailNext("chat.postMessage", "internal_error");
        var second = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "web to staging", user: "UALICE"));
        await rig.WaitForAsync(second, s => s.Status == ThreadStatus.Completed && s.Messages.Values.All(m => m.IsDelivered), "the second deploy, every message posted in the end");
        Assert.Equal([second], await TwoHostsTests.DeliveryJobThreadsAsync(rig.Host.ConnectionString!));
    }
}
