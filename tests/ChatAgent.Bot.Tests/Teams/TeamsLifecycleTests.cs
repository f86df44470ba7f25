using System.Net;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// Teams as people use it: a reply in the conversation answers the agent's question; the stored conversation
/// references follow installs and removals (<c>conversationUpdate</c> membersAdded/membersRemoved and
/// <c>installationUpdate</c> add/remove), so a conversation the bot was removed from gets no more posts, and a
/// thread meant for it ends instead of retrying for hours.
/// </summary>
public sealed class TeamsLifecycleTests
{
    private const string Channel = "19:ops-lifecycle@thread.tacv2";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RemovedFromAChannel_NoMorePostsThere_AndAReinstallBringsThemBack(bool postgres)
    {
        await using var bed = await TeamsTestBed.StartAsync(postgres);
        var references = bed.Host.Get<IConversationReferences>();
        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(Update(bed, "conversationUpdate", membersAdded: true))).StatusCode);
        Assert.NotNull(await references.FindAsync("teams", Channel));
        // The welcome is sent in the background; counted before it arrives, it would look like a post after the removal.
        await bed.ConnectorCallAsync(c => c.Text?.Contains("Say \"help\"") == true, "the welcome");

        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(Update(bed, "conversationUpdate", membersRemoved: true))).StatusCode);
        Assert.Null(await references.FindAsync("teams", Channel));
        var before = bed.Fake.ConnectorCalls.Count();
        var orphan = await LaunchSummaryAsync(bed, "first");
        var ended = await Poll.UntilAsync(() => bed.Host.Get<ThreadService>().GetStateAsync(orphan),
            s => s is { IsEnded: true } && s.Messages.Values.All(m => m.IsDelivered), TeamsTestBed.Patience, "the summary to end with its message recorded as undelivered");
        Assert.All(ended!.Messages.Values, m => Assert.StartsWith("refused:not_installed|", m.Ref));
        Assert.Equal(before, bed.Fake.ConnectorCalls.Count());

        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(Update(bed, "installationUpdate", action: "add"))).StatusCode);
        Assert.NotNull(await references.FindAsync("teams", Channel));
        await LaunchSummaryAsync(bed, "second");
        await bed.ConnectorCallAsync(c => c.Path.Contains(Uri.EscapeDataString(Channel)) && c.Text?.Contains("Daily summary") == true, "the summary after the reinstall");

        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(Update(bed, "installationUpdate", action: "remove"))).StatusCode);
        Assert.Null(await references.FindAsync("teams", Channel));
    }

    [Fact]
    public async Task AReplyInTheConversation_AnswersTheAgentsQuestion()
    {
        await using var bed = await TeamsTestBed.StartAsync();
        await bed.PostAsync(bed.Message("incident checkout is down"));
        var question = await bed.ConnectorCallAsync(c => c.Text?.Contains("customer impact") == true, "the question");
        Assert.Contains("Reply in this conversation", question.Text);
        var id = Assert.Single(await bed.ThreadsAsync()).GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Message("all EU customers cannot pay"))).StatusCode);

        var done = await Poll.UntilAsync(() => bed.Host.Get<ThreadService>().GetStateAsync(id), s => s is { IsEnded: true }, TeamsTestBed.Patience, "the incident to be opened");
        Assert.Equal(ThreadStatus.Completed, done!.Status);
        var answer = Assert.Single(await bed.Host.Get<IEventStore>().ReadAsync(id), e => e.Data is HumanResponded);
        Assert.Equal(("teams:aad-alice", "all EU customers cannot pay"), (answer.Actor.Id, ((HumanResponded)answer.Data).Text));
        Assert.Single(await bed.ThreadsAsync());
    }

    /// <summary>What a cron trigger naming this channel launches: no service URL of its own, so the stored reference decides.</summary>
    private static async Task<string> LaunchSummaryAsync(TeamsTestBed bed, string key)
    {
        var launched = await bed.Host.Get<ThreadService>().LaunchAsync(new LaunchCommand(
            "daily-summary", "Summarize the last 24 hours.", new Origin("teams", Channel), Actor.System, "cron:lifecycle:" + key));
        Assert.True(launched.Accepted, launched.Message);
        return launched.State!.Id;
    }

    private static object Update(TeamsTestBed bed, string type, bool membersAdded = false, bool membersRemoved = false, string? action = null) => new
    {
        type,
        id = $"upd-{type}-{action}-{membersAdded}-{membersRemoved}",
        serviceUrl = bed.Fake.ServiceUrl,
        channelId = "msteams",
        from = TeamsTestBed.User("alice"),
        conversation = new { id = Channel, tenantId = TeamsTestBed.Tenant, conversationType = "channel" },
        recipient = new { id = "28:" + TeamsTestBed.AppId, name = "ChatAgent" },
        action,
        membersAdded = membersAdded ? new[] { new { id = "28:" + TeamsTestBed.AppId } } : null,
        membersRemoved = membersRemoved ? new[] { new { id = "28:" + TeamsTestBed.AppId } } : null,
        channelData = new { tenant = new { id = TeamsTestBed.Tenant }, team = new { id = Channel, name = "Ops" } },
    };
}
