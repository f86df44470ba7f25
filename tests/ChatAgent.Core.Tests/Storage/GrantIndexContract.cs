using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Grants;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>
/// The grants projection every event store writes from <c>grant_created</c> / <c>grant_revoked</c> in the append's commit,
/// run against each implementation. Each test owns its thread ids, grant ids and tool name (the tool scopes every list),
/// so tests never see each other's grants.
/// </summary>
public abstract class GrantIndexContract
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
    private static readonly Actor Bob = Actor.User("slack:U2", "Bob");
    private static readonly Actor Carol = Actor.User("slack:U3", "Carol");
    private static readonly JsonElement Api = JsonSerializer.SerializeToElement("api");

    protected abstract IEventStore Store { get; }

    protected abstract IGrantIndex Grants { get; }

    /// <summary>Loses the grants rows (not the events), as a damaged table would.</summary>
    protected abstract Task WipeGrantsAsync();

    [Fact]
    public async Task AnAppendWithGrantCreated_MakesTheGrantFoundAndListed_AsItsEventSaid()
    {
        var (thread, tool, grant) = (NewId("th"), NewTool(), NewId("gr"));

        await AppendAsync(thread, 0, (Start(), Bob, T0), (Created(grant, tool, T0.AddHours(1)), Bob, T0.AddSeconds(1)));

        var found = await Grants.FindGrantAsync(grant);
        Assert.NotNull(found);
        Assert.Equal((grant, thread, "appr-1", tool, Bob, T0.AddSeconds(1), T0.AddHours(1), "release window"),
            (found.Id, found.ThreadId, found.ApprovalId, found.Tool, found.GrantedBy, found.CreatedAt, found.ExpiresAt, found.Comment));
        Assert.Equal("service=api", found.DescribeConstraints());
        Assert.Equal("\"api\"", found.Constraints["service"].GetRawText());
        Assert.Equal((null, null), (found.RevokedBy, found.RevokedAt));
        Assert.Equal([Row(found)], (await Grants.ListGrantsAsync(tool)).Select(Row));
        Assert.Null(await Grants.FindGrantAsync(NewId("gr")));
    }

    [Fact]
    public async Task ListGrants_LiveAt_OmitsTheExpiredAndTheRevoked_WithoutItListsAllNewestFirst()
    {
        var tool = NewTool();
        var (live, expired, revoked) = (NewId("gr-live"), NewId("gr-expired"), NewId("gr-revoked"));
        var (a, b, c) = (NewId("th"), NewId("th"), NewId("th"));
        await AppendAsync(a, 0, (Start(), Bob, T0), (Created(live, tool, T0.AddHours(2)), Bob, T0));
        await AppendAsync(b, 0, (Start(), Bob, T0), (Created(expired, tool, T0.AddMinutes(10)), Bob, T0.AddMinutes(1)));
        await AppendAsync(c, 0, (Start(), Bob, T0), (Created(revoked, tool, T0.AddHours(2)), Bob, T0.AddMinutes(2)));
        await AppendAsync(c, 2, (new GrantRevoked(revoked, "shift over"), Carol, T0.AddMinutes(3)));

        Assert.Equal([live], (await Grants.ListGrantsAsync(tool, liveAt: T0.AddMinutes(30))).Select(g => g.Id));
        Assert.Equal([expired, live], (await Grants.ListGrantsAsync(tool, liveAt: T0.AddMinutes(5))).Select(g => g.Id));
        // A grant ends at its expiry: at that instant it no longer covers.
        Assert.Equal([live], (await Grants.ListGrantsAsync(tool, liveAt: T0.AddMinutes(10))).Select(g => g.Id));
        Assert.Equal([revoked, expired, live], (await Grants.ListGrantsAsync(tool)).Select(g => g.Id));
        Assert.Equal([revoked], (await Grants.ListGrantsAsync(tool, limit: 1)).Select(g => g.Id));
        Assert.Empty(await Grants.ListGrantsAsync(NewTool()));
    }

    [Fact]
    public async Task GrantRevoked_RecordsWhoAndWhen_AndASecondRevocationChangesNothing()
    {
        var (thread, tool, grant) = (NewId("th"), NewTool(), NewId("gr"));
        await AppendAsync(thread, 0, (Start(), Bob, T0), (Created(grant, tool, T0.AddHours(1)), Bob, T0));

        await AppendAsync(thread, 2, (new GrantRevoked(grant, "shift over"), Carol, T0.AddMinutes(5)));
        await AppendAsync(thread, 3, (new GrantRevoked(grant, "again"), Bob, T0.AddMinutes(6)));

        var found = (await Grants.FindGrantAsync(grant))!;
        Assert.Equal((Carol, T0.AddMinutes(5)), (found.RevokedBy, found.RevokedAt));
        Assert.False(found.IsLive(T0.AddMinutes(10)));
        Assert.Equal((Bob, T0, T0.AddHours(1)), (found.GrantedBy, found.CreatedAt, found.ExpiresAt));
    }

    /// <summary>One append that creates and then revokes a grant leaves it revoked, as a rebuild from those events would.</summary>
    [Fact]
    public async Task OneAppend_CreatingAndRevokingAGrant_LeavesItRevoked_AsTheRebuildDoes()
    {
        var (thread, tool, grant) = (NewId("th"), NewTool(), NewId("gr"));

        await AppendAsync(thread, 0, (Start(), Bob, T0), (Created(grant, tool, T0.AddHours(1)), Bob, T0), (new GrantRevoked(grant, "mistake"), Bob, T0.AddSeconds(1)));

        var found = (await Grants.FindGrantAsync(grant))!;
        Assert.Equal((Bob, T0.AddSeconds(1)), (found.RevokedBy, found.RevokedAt));
        Assert.Empty(await Grants.ListGrantsAsync(tool, liveAt: T0.AddMinutes(1)));
    }

    /// <summary>A revocation counts in the grant's own thread (where the service appends it); one in another thread is not this grant's.</summary>
    [Fact]
    public async Task GrantRevoked_InAnotherThread_DoesNotRevokeTheGrant()
    {
        var (thread, other, tool, grant) = (NewId("th"), NewId("th"), NewTool(), NewId("gr"));
        await AppendAsync(thread, 0, (Start(), Bob, T0), (Created(grant, tool, T0.AddHours(1)), Bob, T0));

        await AppendAsync(other, 0, (Start(), Carol, T0), (new GrantRevoked(grant, "not mine"), Carol, T0.AddMinutes(1)));

        Assert.Equal((null, null), ((await Grants.FindGrantAsync(grant))!.RevokedBy, (await Grants.FindGrantAsync(grant))!.RevokedAt));
        Assert.Equal([grant], (await Grants.ListGrantsAsync(tool, liveAt: T0.AddMinutes(2))).Select(g => g.Id));
    }

    [Fact]
    public async Task ARejectedAppend_WritesNoGrant_AndRevokesNothing()
    {
        var (thread, tool, grant, late) = (NewId("th"), NewTool(), NewId("gr"), NewId("gr-late"));
        await AppendAsync(thread, 0, (Start(), Bob, T0), (Created(grant, tool, T0.AddHours(1)), Bob, T0));

        await Assert.ThrowsAsync<ConcurrencyException>(() => AppendAsync(thread, 1, (Created(late, tool, T0.AddHours(1)), Carol, T0.AddMinutes(1))));
        await Assert.ThrowsAsync<ConcurrencyException>(() => AppendAsync(thread, 0, (Start(), Carol, T0), (new GrantRevoked(grant, null), Carol, T0.AddMinutes(1))));

        Assert.Null(await Grants.FindGrantAsync(late));
        var kept = (await Grants.FindGrantAsync(grant))!;
        Assert.Equal((null, null), (kept.RevokedBy, kept.RevokedAt));
        Assert.Equal([grant], (await Grants.ListGrantsAsync(tool)).Select(g => g.Id));
        Assert.Equal(2, (await Store.ReadAsync(thread)).Count);
    }

    [Fact]
    public async Task RebuildProjection_RestoresTheGrantsRows_Exactly()
    {
        var tool = NewTool();
        var (a, b) = (NewId("th"), NewId("th"));
        var (first, second, third) = (NewId("gr-1"), NewId("gr-2"), NewId("gr-3"));
        await AppendAsync(a, 0, (Start(), Bob, T0), (Created(first, tool, T0.AddHours(1)), Bob, T0.AddSeconds(1)));
        await AppendAsync(a, 2, (Created(second, tool, T0.AddDays(7)), Carol, T0.AddSeconds(2)), (new UserInput("and staging"), Bob, T0.AddSeconds(3)));
        await AppendAsync(b, 0, (Start(), Bob, T0), (Created(third, tool, T0.AddMinutes(30)), Bob, T0.AddSeconds(4)));
        await AppendAsync(a, 4, (new GrantRevoked(first, "done"), Carol, T0.AddMinutes(9)));
        var live = (await Grants.ListGrantsAsync(tool)).Select(Row).ToList();
        Assert.Equal(3, live.Count);

        await WipeGrantsAsync();
        Assert.Null(await Grants.FindGrantAsync(first));
        var rebuilt = await ((IProjectionRebuilder)Store).RebuildProjectionAsync();

        Assert.Equal(live, (await Grants.ListGrantsAsync(tool)).Select(Row));
        Assert.Equal((Carol, T0.AddMinutes(9)), ((await Grants.FindGrantAsync(first))!.RevokedBy, (await Grants.FindGrantAsync(first))!.RevokedAt));
        Assert.Contains(rebuilt, p => p.Table == "grants" && p.Rows >= 3);
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static string NewTool() => $"tool_{Guid.NewGuid():N}"[..20];

    private static ThreadStarted Start() => new("deploy", "api to production", new Dictionary<string, string>(), new Origin("slack", User: "slack:U1"), 10);

    private static GrantCreated Created(string grantId, string tool, DateTimeOffset expiresAt) =>
        new(grantId, "appr-1", tool, new Dictionary<string, JsonElement> { ["service"] = Api }, expiresAt, "release window");

    /// <summary>Every field of a row, the constraints as JSON text (a grant's dictionary has no value equality).</summary>
    private static string Row(Grant g) =>
        $"{g.Id}|{g.ThreadId}|{g.ApprovalId}|{g.Tool}|{JsonSerializer.Serialize(g.Constraints)}|{g.GrantedBy}|{g.CreatedAt:O}|{g.ExpiresAt:O}|{g.Comment}|{g.RevokedBy}|{g.RevokedAt:O}";

    /// <summary>Appends with the summary a real caller would pass: the state after these events, reduced.</summary>
    private async Task AppendAsync(string id, long expectedVersion, params (ThreadEvent Data, Actor Actor, DateTimeOffset At)[] events)
    {
        var news = events.Select(e => new NewEvent(e.Data, e.Actor, e.At)).ToList();
        var history = await Store.ReadAsync(id);
        var state = ThreadReducer.Replay(history.Take((int)expectedVersion)
            .Concat(news.Select((e, i) => new StoredEvent(id, expectedVersion + 1 + i, e.At, e.Actor, e.Data))));
        await Store.AppendAsync(id, expectedVersion, news, ThreadSummary.From(state) with { Id = id });
    }
}
