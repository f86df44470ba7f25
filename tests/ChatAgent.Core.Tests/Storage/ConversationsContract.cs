using ChatAgent.Core.Chat;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>
/// What both conversation stores promise over their one projection: Teams installs and removals recorded and read
/// back, and the Slack places a thread's own events link to it. Each test owns its conversation and thread ids.
/// </summary>
public abstract class ConversationsContract
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 8, 0, 0, TimeSpan.Zero);

    protected abstract IEventStore Store { get; }

    protected abstract IConversationIndex Index { get; }

    protected abstract IConversationReferences References { get; }

    private readonly string _tag = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task AnInstall_IsFoundAndListed_AndARemoval_ForgetsIt()
    {
        var ops = Reference("ops", "Ops", T0);
        var dev = Reference("dev", "Dev", T0.AddMinutes(1));
        await References.SaveAsync(ops, Actor.User("teams:aad-erin", "Erin"));
        await References.SaveAsync(dev, Actor.System);

        Assert.Equal(ops, await References.FindAsync("teams", ops.ConversationId));
        Assert.Equal([dev, ops], (await References.ListAsync("teams")).Where(Mine));

        await References.RemoveAsync("teams", ops.ConversationId, Actor.System, T0.AddMinutes(2));
        await References.RemoveAsync("teams", ops.ConversationId, Actor.System, T0.AddMinutes(3));

        Assert.Null(await References.FindAsync("teams", ops.ConversationId));
        Assert.Equal([dev], (await References.ListAsync("teams")).Where(Mine));
        Assert.DoesNotContain(await References.ListAsync("slack"), Mine);
    }

    [Fact]
    public async Task AReinstallWithoutAName_KeepsTheNameKnownBefore_AndTakesTheNewServiceUrl()
    {
        var first = Reference("named", "Release room", T0);
        await References.SaveAsync(first, Actor.System);
        var again = first with { ServiceUrl = "https://smba.example/amer/", Name = null, UpdatedAt = T0.AddHours(1) };

        await References.SaveAsync(again, Actor.System);

        Assert.Equal(again with { Name = "Release room" }, await References.FindAsync("teams", first.ConversationId));
    }

    [Fact]
    public async Task AThreadsOwnEvents_LinkItsSlackPlaces_AndTheFirstLinkWins()
    {
        var channel = "C" + _tag;
        var x = "th_x" + _tag;
        var y = "th_y" + _tag;
        await AppendAsync(x, 0, Started(new Origin("slack", channel, "1.000100", "slack:U1")));
        await AppendAsync(x, 1,
            new MessageQueued("status", "status", "running"),
            new MessagePosted("status", "slack", channel + "|1.000200", 2),
            new MessagePosted("notice", "slack", "refused:not_in_channel|" + channel, 2),
            new MessagePosted("teams", "teams", channel + "|1.000300", 2));
        await AppendAsync(y, 0, Started(new Origin("slack", channel, "1.000100", "slack:U2")));
        await AppendAsync("th_c" + _tag, 0, Started(new Origin("slack", channel, "1.000400", "slack:U1"), parent: x));

        Assert.Equal(x, await Index.FindThreadAsync("slack", channel + "|1.000100"));
        Assert.Equal(x, await Index.FindThreadAsync("slack", channel + "|1.000200"));
        Assert.Null(await Index.FindThreadAsync("slack", "refused:not_in_channel|" + channel));
        Assert.Null(await Index.FindThreadAsync("slack", channel + "|1.000300"));
        Assert.Null(await Index.FindThreadAsync("teams", channel + "|1.000300"));
        Assert.Null(await Index.FindThreadAsync("slack", channel + "|1.000400"));
    }

    [Fact]
    public async Task AConversationsStream_IsNoThread()
    {
        var stream = ConversationProjection.StreamId("teams", "19:" + _tag);
        await References.SaveAsync(Reference(_tag, null, T0), Actor.System);

        Assert.Empty(await Store.ReadAsync(stream));
        var summary = ThreadSummary.From(ThreadReducer.Replay([new StoredEvent(stream, 1, T0, Actor.System, Started(new Origin("web")))]));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendAsync(stream, 0, [new NewEvent(Started(new Origin("web")), Actor.System, T0)], summary));
    }

    private ConversationReference Reference(string name, string? display, DateTimeOffset at) =>
        new("teams", $"19:{name}-{_tag}@thread.tacv2", "https://smba.example/emea/", "tenant-1", "28:app", "channel", display, at);

    private bool Mine(ConversationReference r) => r.ConversationId.Contains(_tag, StringComparison.Ordinal);

    private static ThreadStarted Started(Origin origin, string? parent = null) =>
        new("deploy", "api", new Dictionary<string, string>(), origin, 8, parent);

    private async Task AppendAsync(string threadId, long version, params ThreadEvent[] events)
    {
        var existing = await Store.ReadAsync(threadId);
        var news = events.Select(e => new NewEvent(e, Actor.System, T0)).ToList();
        var all = existing.Concat(news.Select((e, i) => new StoredEvent(threadId, version + 1 + i, e.At, e.Actor, e.Data)));
        await Store.AppendAsync(threadId, version, news, ThreadSummary.From(ThreadReducer.Replay([.. all])));
    }
}
