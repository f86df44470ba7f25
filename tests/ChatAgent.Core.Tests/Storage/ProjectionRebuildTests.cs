using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Tests.Runtime;
using ChatAgent.Core.Threads;
using Npgsql;

namespace ChatAgent.Core.Tests.Storage;

/// <summary>
/// Every projection (<c>threads</c>, <c>conversations</c>) is a function of the events: after real threads on real
/// PostgreSQL (a Slack launch from a reply thread with its card posted, an approval granted and one denied, a web
/// thread, a Teams install and a removal), emptying the projections and rebuilding them gives the same rows, each
/// also checked against what a person would expect.
/// </summary>
public sealed class ProjectionRebuildTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly DateTimeOffset T0 = CoreHarness.Start;

    [Fact]
    public async Task EmptiedProjections_AreRebuiltFromTheEvents_RowForRow()
    {
        var store = new PostgresEventStore(database.DataSource);
        var conversations = new PostgresConversations(database.DataSource);
        using var h = new CoreHarness(store: store);

        var slack = await LaunchAsync(h, "deploy", "api to production", new Origin("slack", "C1", "1700000000.000100", "slack:U1"), Actor.User("slack:U1", "Alice"));
        var approval = (await h.Loop.RunAsync(slack)).PendingApprovals.Single();
        await PostedAsync(h, slack, "approval:" + approval.Id, "C1|1700000000.000200");
        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await h.Service.DecideApprovalAsync(slack, approval.Id, approve: true, Actor.User("slack:U2", "Bob"), "go")).Accepted);
        Assert.Equal(ThreadStatus.Completed, (await h.Loop.RunAsync(slack)).Status);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        var denied = await LaunchAsync(h, "deploy", "web to production", new Origin("web", "session-1"), CoreHarness.User("carol"));
        var second = (await h.Loop.RunAsync(denied)).PendingApprovals.Single();
        Assert.True((await h.Service.DecideApprovalAsync(denied, second.Id, approve: false, CoreHarness.User("dave"), "not today")).Accepted);
        Assert.Equal(ThreadStatus.Completed, (await h.Loop.RunAsync(denied)).Status); // the denial is told to the model, which ends
        var waiting = await LaunchAsync(h, "deploy", "db to production", new Origin("web", "session-1"), CoreHarness.User("carol"));
        await h.Loop.RunAsync(waiting);

        await conversations.SaveAsync(new("teams", "19:ops@thread.tacv2", "https://smba.example/emea/", "tenant-1", "28:app", "channel", "Ops", T0.AddMinutes(3)), Actor.User("teams:aad-erin", "Erin"));
        await conversations.SaveAsync(new("teams", "19:gone@thread.tacv2", "https://smba.example/emea/", "tenant-1", "28:app", "groupChat", null, T0.AddMinutes(4)), Actor.System);
        await conversations.RemoveAsync("teams", "19:gone@thread.tacv2", Actor.System, T0.AddMinutes(5));

        var threads = await RowsAsync("SELECT row_to_json(t)::text FROM threads t ORDER BY id COLLATE \"C\"");
        var places = await RowsAsync("SELECT row_to_json(c)::text FROM conversations c ORDER BY platform, conversation_id COLLATE \"C\"");
        Assert.Equal(3, threads.Count);
        Assert.Equal(
        [
            $$"""{"platform":"slack","conversation_id":"C1|1700000000.000100","thread_id":"{{slack}}","service_url":null,"tenant_id":null,"bot_id":null,"conversation_type":null,"name":null,"installed":false,"version":0,"updated_at":"2026-03-02T09:00:00+00:00"}""",
            $$"""{"platform":"slack","conversation_id":"C1|1700000000.000200","thread_id":"{{slack}}","service_url":null,"tenant_id":null,"bot_id":null,"conversation_type":null,"name":null,"installed":false,"version":0,"updated_at":"2026-03-02T09:00:00+00:00"}""",
            """{"platform":"teams","conversation_id":"19:gone@thread.tacv2","thread_id":null,"service_url":null,"tenant_id":null,"bot_id":null,"conversation_type":null,"name":null,"installed":false,"version":2,"updated_at":"2026-03-02T09:05:00+00:00"}""",
            """{"platform":"teams","conversation_id":"19:ops@thread.tacv2","thread_id":null,"service_url":"https://smba.example/emea/","tenant_id":"tenant-1","bot_id":"28:app","conversation_type":"channel","name":"Ops","installed":true,"version":1,"updated_at":"2026-03-02T09:03:00+00:00"}""",
        ], places);
        var list = (await store.ListAsync(new ThreadQuery())).ToDictionary(t => t.Id);
        Assert.Equal(("completed", "slack", "slack:U1", 0), (list[slack].Status, list[slack].Platform, list[slack].RequestedBy, list[slack].PendingApprovals));
        Assert.Equal(("completed", "web", "web:carol"), (list[denied].Status, list[denied].Platform, list[denied].RequestedBy));
        Assert.Equal(("awaiting_human", 1), (list[waiting].Status, list[waiting].PendingApprovals));

        await ExecuteAsync("TRUNCATE threads, conversations");
        Assert.Empty(await RowsAsync("SELECT id FROM threads UNION ALL SELECT conversation_id FROM conversations"));
        var rebuilt = await store.RebuildProjectionAsync();

        Assert.Equal(threads, await RowsAsync("SELECT row_to_json(t)::text FROM threads t ORDER BY id COLLATE \"C\""));
        Assert.Equal(places, await RowsAsync("SELECT row_to_json(c)::text FROM conversations c ORDER BY platform, conversation_id COLLATE \"C\""));
        var events = list.Values.Sum(t => t.Version);
        Assert.Equal([new RebuiltProjection("threads", 3, events), new RebuiltProjection("conversations", 4, events + 3), new RebuiltProjection("grants", 0, events)], rebuilt);
        Assert.Equal("https://smba.example/emea/", (await conversations.FindAsync("teams", "19:ops@thread.tacv2"))?.ServiceUrl);
        Assert.Null(await conversations.FindAsync("teams", "19:gone@thread.tacv2"));
        Assert.Equal(slack, await conversations.FindThreadAsync("slack", "C1|1700000000.000200"));
    }

    private static async Task<string> LaunchAsync(CoreHarness h, string agent, string input, Origin origin, Actor actor)
    {
        var result = await h.Service.LaunchAsync(new LaunchCommand(agent, input, origin, actor));
        Assert.True(result.Accepted, result.Message);
        return result.State!.Id;
    }

    /// <summary>What the outbox records after Slack took a message: its <c>channel|ts</c>.</summary>
    private static async Task PostedAsync(CoreHarness h, string threadId, string key, string messageRef)
    {
        var state = await h.StateAsync(threadId);
        await h.SeedAsync(threadId, (new MessagePosted(key, "slack", messageRef, state.Messages[key].Version), Actor.System));
    }

    private async Task<List<string>> RowsAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
