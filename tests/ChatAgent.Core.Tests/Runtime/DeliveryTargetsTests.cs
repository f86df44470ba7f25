using ChatAgent.Core.Chat;
using ChatAgent.Core.Threads;
using Moq;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// A run asks for a delivery only when the outbox could post something: its thread's chat has a surface here, or an
/// approval card has approvers' direct messages to go to. The harness launches from the web chat ("web").
/// </summary>
public sealed class DeliveryTargetsTests
{
    private static IChatSurface Surface(string platform) => Mock.Of<IChatSurface>(s => s.Platform == platform);

    private static IDirectMessages Direct(string platform) => Mock.Of<IDirectMessages>(d => d.Platform == platform);

    [Theory]
    // The thread's own chat has a surface: its status lines go out.
    [InlineData("api to staging", "web", false, ThreadStatus.Completed, true)]
    [InlineData("api to production", "web", false, ThreadStatus.AwaitingHuman, true)]
    // No surface for it (as for a thread launched over the API): nothing to post, no delivery.
    [InlineData("api to staging", "slack", false, ThreadStatus.Completed, false)]
    [InlineData("api to production", "slack", false, ThreadStatus.AwaitingHuman, false)]
    // No surface, but approvers get the card in direct messages: the approval still goes out.
    [InlineData("api to production", "slack", true, ThreadStatus.AwaitingHuman, true)]
    [InlineData("api to staging", "slack", true, ThreadStatus.Completed, false)]
    public async Task ARunThatStops_AsksForADelivery_OnlyWhenTheOutboxCanPostSomething(string input, string surface, bool directMessages,
        ThreadStatus stopped, bool delivered)
    {
        using var h = new CoreHarness(deliveries: new DeliveryTargets([Surface(surface)], directMessages ? [Direct("slack")] : []));
        var id = await h.LaunchAsync("deploy", input);

        var state = await h.Loop.RunAsync(id);

        Assert.Equal(stopped, state.Status);
        // Either way the thread's messages are there to read (the API and the web chat show them), undelivered.
        Assert.Contains(state.Messages.Values, m => !m.IsDelivered);
        Assert.Equal(delivered ? [id] : [], h.Scheduler.Deliveries.Distinct());
    }

    [Fact]
    public async Task ALoopBuiltWithoutTargets_DeliversAsBefore()
    {
        using var h = new CoreHarness();
        var id = await h.LaunchAsync("deploy", "api to staging");

        await h.Loop.RunAsync(id);

        Assert.Equal([id], h.Scheduler.Deliveries.Distinct());
    }
}
