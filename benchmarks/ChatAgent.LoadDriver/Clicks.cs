using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage.Postgres;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;
using Npgsql;

namespace ChatAgent.LoadDriver;

public sealed partial class Run
{
    /// <summary>
    /// Approval clicks (<c>POST /api/threads/{id}/approvals/{approvalId}</c>, one at a time) on deploy threads waiting
    /// for their production approval: from <c>approval_decided</c> (appended before the click's 200) to the first event
    /// the next step writes (both store timestamps, one clock). First on the process that ran the threads, then on a
    /// second process. Nearest limit: one INSERT+NOTIFY committed on one connection until a LISTEN on another connection
    /// wakes — the least a durable decision in one process needs to reach a worker in another.
    /// </summary>
    public async Task ClicksAsync()
    {
        var bot = await BotAsync();
        var store = Store(_botDb);
        var notify = await NotifyRoundTripAsync(_botDb, 200);
        var same = await ClickAsync(store, bot, bot, "same");
        await using var second = await StartBotAsync(_botDb, dataDir);
        var other = await ClickAsync(store, bot, second, "other");

        report.Add(new Row("clicks", "click -> next step p50, same process", same.Latency.P50, "ms", "<= 50 ms", same.Latency.P50 <= 50, "INSERT+NOTIFY -> LISTEN wake-up p50", notify.P50));
        report.Add(new Row("clicks", "click -> next step p95, same process", same.Latency.P95, "ms", null, null, "INSERT+NOTIFY -> LISTEN wake-up p95", notify.P95));
        report.Add(new Row("clicks", "click -> next step p99, same process", same.Latency.P99, "ms", "<= 1 s", same.Latency.P99 <= 1_000, "INSERT+NOTIFY -> LISTEN wake-up p99", notify.P99));
        report.Add(new Row("clicks", "click -> next step p50, click on a 2nd process", other.Latency.P50, "ms", "<= 50 ms", other.Latency.P50 <= 50, "INSERT+NOTIFY -> LISTEN wake-up p50", notify.P50));
        report.Add(new Row("clicks", "click -> next step p95, click on a 2nd process", other.Latency.P95, "ms", null, null, "INSERT+NOTIFY -> LISTEN wake-up p95", notify.P95));
        report.Add(new Row("clicks", "click -> next step p99, click on a 2nd process", other.Latency.P99, "ms", "<= 1 s", other.Latency.P99 <= 1_000, "INSERT+NOTIFY -> LISTEN wake-up p99", notify.P99));
        report.Details["clicks"] = new
        {
            approvals = options.Approvals,
            measured = "approval_decided.at -> at of the next step's first event (its precondition check, else its tool_call)",
            same_process = new { decided_to_next_step_ms = same.Latency.Summary(), decided_to_tool_call_ms = same.ToToolCall.Summary(), click_http_ms = same.Http.Summary() },
            second_process = new { decided_to_next_step_ms = other.Latency.Summary(), decided_to_tool_call_ms = other.ToToolCall.Summary(), click_http_ms = other.Http.Summary() },
            insert_notify_to_listen_ms = notify.Summary(),
        };
    }

    private sealed record ClickResult(Stats Latency, Stats ToToolCall, Stats Http);

    private async Task<ClickResult> ClickAsync(PostgresEventStore store, BotProcess ran, BotProcess clickOn, string tag)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var ids = new List<string>();
        for (var i = 0; i < options.Approvals; i++) ids.Add(await LaunchAsync(ran.Client, "deploy", $"svc{i} to production", $"click-{tag}-{run}-{i}"));
        await PollAsync(async () => (await Task.WhenAll(ids.Select(async id => ThreadReducer.Replay(await store.ReadAsync(id)).Status))).Count(s => s == ThreadStatus.AwaitingHuman),
            n => n == ids.Count, TimeSpan.FromMinutes(3), $"{ids.Count} deploys to wait for approval");
        await DrainAsync(_botDb, TimeSpan.FromMinutes(1));

        List<double> next = [], toCall = [], http = [];
        foreach (var id in ids)
        {
            var waiting = ThreadReducer.Replay(await store.ReadAsync(id));
            var approval = waiting.PendingApprovals.Single();
            var t = Machine.Now();
            using (var response = await clickOn.Client.PostAsJsonAsync($"/api/threads/{id}/approvals/{approval.Id}", new { decision = "approve", user = "web:bob" }))
            {
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"Approval answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            http.Add(Machine.MsSince(t));
            var events = await PollAsync(() => store.ReadAsync(id), e => e.Any(x => x.Data is ToolCalled { Tool: "deploy_to_production" }), TimeSpan.FromSeconds(60), $"the approved deploy of {id} to start");
            var decided = events.Single(e => e.Data is ApprovalDecided);
            next.Add((events.First(e => e.Seq > decided.Seq && e.Data is CheckPassed or CheckFailed or ModelDecision or ToolCalled or ErrorOccurred).At - decided.At).TotalMilliseconds);
            toCall.Add((events.First(e => e.Seq > decided.Seq && e.Data is ToolCalled).At - decided.At).TotalMilliseconds);
        }
        return new ClickResult(new Stats(next), new Stats(toCall), new Stats(http));
    }

    /// <summary>Launches over the REST API; returns the thread id.</summary>
    private static async Task<string> LaunchAsync(HttpClient client, string agent, string input, string key)
    {
        using var response = await client.PostAsJsonAsync("/api/threads", new { agent, input, user = "web:alice", idempotencyKey = key });
        if (response.StatusCode is not (HttpStatusCode.Accepted or HttpStatusCode.OK))
            throw new InvalidOperationException($"Launch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>One connection LISTENs; another commits an INSERT and a NOTIFY in one transaction; the time until the listener wakes.</summary>
    private static async Task<Stats> NotifyRoundTripAsync(string connectionString, int count)
    {
        await using var listener = new NpgsqlConnection(connectionString);
        await listener.OpenAsync();
        await using var sender = new NpgsqlConnection(connectionString);
        await sender.OpenAsync();
        await using (var setup = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS load_notify (n int, at timestamptz); LISTEN load_driver", listener)) await setup.ExecuteNonQueryAsync();
        var received = 0;
        listener.Notification += (_, _) => received++;
        var samples = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var t = Machine.Now();
            await using (var send = new NpgsqlCommand($"INSERT INTO load_notify VALUES ({i}, now()); NOTIFY load_driver, '{i}'", sender)) await send.ExecuteNonQueryAsync();
            while (received <= i) await listener.WaitAsync();
            samples.Add(Machine.MsSince(t));
        }
        return new Stats(samples);
    }
}
