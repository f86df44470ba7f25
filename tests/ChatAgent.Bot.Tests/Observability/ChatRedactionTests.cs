using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Bot.Tests.Teams;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Trace;

namespace ChatAgent.Bot.Tests.Observability;

/// <summary>
/// Full Slack and Teams flows (launch from chat, approval card, click, resumed steps, card update, final message) with
/// known secret values and a model planner on a local fake OpenAI server. Every log entry at every level, every span
/// (name, attributes, events), every row of every table of the PostgreSQL database (events, thread list, Hangfire's
/// jobs) and every request body the model received is searched for each secret.
/// </summary>
public sealed class ChatRedactionTests
{
    private const string LlmKey = "sk-5ecr3t-llm-key-31d7aa";

    [Fact]
    public async Task SlackFlow_SigningSecretAndBotToken_NeverAppear_InLogsSpansStoreOrModelContext()
    {
        const string signingSecret = "slack-signing-5ecr3t-9b02fe";
        const string botToken = "xoxb-5ecr3t-bot-token-e41c58";
        await using var model = DeployModel();
        var (logs, spans) = (new CapturingLoggerProvider(), new SpanCollection());
        var settings = ModelSettings(model);
        settings["Slack:SigningSecret"] = signingSecret;
        settings["Slack:BotToken"] = botToken;
        await using var rig = await SlackRig.StartAsync(postgres: true, settings: settings, services: Capture(logs, spans));

        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        var card = (await rig.WaitForCallsAsync(calls => calls.Any(IsApprovalCard), "the approval card")).First(IsApprovalCard);
        await TracingTests.IdleAsync(rig.Host);
        var click = await rig.ClickAsync(SlackActions.Approve, card.Buttons.Single(b => b.ActionId == SlackActions.Approve).Value, user: "UBOB");
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        await rig.WaitForAsync(threadId, s => s.Status == ThreadStatus.Completed, "completion");
        await rig.WaitForCallsAsync(calls => calls.Any(c => c.Method == "chat.update" && c.Ts == card.Ts && c.BlocksJson.Contains("Approved")), "the card updated");
        await rig.WaitForCallsAsync(calls => calls.Any(c => c.Method == "chat.postMessage" && c.Str("text") == "Deployed api 1.4.2 to production."), "the final message");
        await TracingTests.IdleAsync(rig.Host);

        // The secrets were in use: a wrong signing secret would have been refused, and Slack saw the bot token.
        Assert.All(rig.Slack.Calls, c => Assert.Equal("Bearer " + botToken, c.Authorization));
        await AssertNowhereAsync(rig.Host, logs, spans, model, signingSecret, botToken, LlmKey);
    }

    [Fact]
    public async Task TeamsFlow_AppPasswordAndBotFrameworkTokens_NeverAppear_InLogsSpansStoreOrModelContext()
    {
        const string appPassword = "teams-app-pa55w0rd-5ecr3t-70aa1d";
        const string issuedToken = "eyJ5ecr3t-connector-access-token-c0ffee";
        await using var model = DeployModel();
        var (logs, spans) = (new CapturingLoggerProvider(), new SpanCollection());
        var settings = ModelSettings(model);
        settings["Teams:AppPassword"] = appPassword;
        await using var bed = await TeamsTestBed.StartAsync(postgres: true, settings, Capture(logs, spans));
        bed.Fake.IssuedToken = issuedToken;
        // The token Bot Framework signs each inbound activity with: one for the whole flow, so it can be searched for.
        var inbound = bed.Token();

        Assert.Equal(HttpStatusCode.OK, (await bed.PostAsync(bed.Message("<at>ChatAgent</at> deploy api to production"), inbound)).StatusCode);
        var card = (await bed.ConnectorCallAsync(c => c.Cards.Any(IsPendingTeamsApproval), "the approval card")).Cards.Single();
        var (threadId, approvalId) = TeamsIds(card);
        await TracingTests.IdleAsync(bed.Host);
        var answer = await bed.PostAsync(bed.Invoke("approve", threadId, approvalId, "bob", comment: "ship it"), inbound);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        await bed.ConnectorCallAsync(c => c.Method == "PUT" && c.Cards.Any(x => x.GetRawText().Contains("Approved by")), "the shared card replaced");
        await bed.ConnectorCallAsync(c => c.Text?.Contains("Deployed api 1.4.2 to production.") == true, "the completion message");
        await Poll.UntilAsync(() => bed.ThreadAsync(threadId), s => s.GetProperty("status").GetString() == "completed", TeamsTestBed.Patience, "completion");
        await TracingTests.IdleAsync(bed.Host);

        // The secrets were in use: the token endpoint got the app password, the connector the token it issued.
        Assert.Contains(bed.Fake.TokenCalls, c => c.Body.Contains("client_secret=" + Uri.EscapeDataString(appPassword), StringComparison.Ordinal));
        Assert.All(bed.Fake.ConnectorCalls, c => Assert.Equal("Bearer " + issuedToken, c.Authorization));
        await AssertNowhereAsync(bed.Host, logs, spans, model, appPassword, issuedToken, inbound, LlmKey);
    }

    private static FakeOpenAiServer DeployModel() => new(
        ("run_tests", new { service = "api" }),
        ("deploy_to_staging", new { service = "api", version = "1.4.2" }),
        ("deploy_to_production", new { service = "api", version = "1.4.2" }),
        ("done", new { summary = "Deployed api 1.4.2 to production." }));

    private static Dictionary<string, string?> ModelSettings(FakeOpenAiServer model) => new()
    {
        ["Llm:Provider"] = "openai",
        ["Llm:Model"] = "gpt-test",
        ["Llm:BaseUrl"] = model.Url,
        ["Llm:ApiKey"] = LlmKey,
        ["Logging:LogLevel:Default"] = "Trace",
    };

    private static Action<IServiceCollection> Capture(CapturingLoggerProvider logs, SpanCollection spans) => s =>
    {
        s.AddSingleton<ILoggerProvider>(logs);
        s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans));
    };

    private static async Task AssertNowhereAsync(BotHost host, CapturingLoggerProvider logs, SpanCollection spans, FakeOpenAiServer model, params string[] secrets)
    {
        var lines = logs.Lines.ToList();
        var spanTexts = spans.Snapshot().Select(Render).ToList();
        var database = await DumpAsync(host.ConnectionString!);
        Assert.Contains(lines, l => l.StartsWith("Debug ", StringComparison.Ordinal) || l.StartsWith("Trace ", StringComparison.Ordinal));
        Assert.Contains(spanTexts, s => s.StartsWith("chatagent.step", StringComparison.Ordinal));
        Assert.Contains("model_decision", database);
        Assert.Contains("Deployed api 1.4.2 to production.", database);
        Assert.True(model.Requests.Count >= 4, $"the model was asked {model.Requests.Count} times");
        Assert.All(model.Requests, r => Assert.Equal("Bearer " + LlmKey, r.Authorization));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(spanTexts, s => s.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, database);
            Assert.DoesNotContain(model.Requests, r => r.Body.Contains(secret, StringComparison.Ordinal));
        }
    }

    /// <summary>A span as an exporter would send it: name, attributes, events and status.</summary>
    private static string Render(Activity a) =>
        $"{a.DisplayName} {string.Join(" ", a.TagObjects.Select(t => $"{t.Key}={t.Value}"))} "
        + string.Join(" ", a.Events.Select(e => e.Name + " " + string.Join(" ", e.Tags.Select(t => $"{t.Key}={t.Value}"))))
        + " " + a.StatusDescription;

    /// <summary>Every row of every table (ChatAgent's and Hangfire's), as text.</summary>
    private static async Task<string> DumpAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        var tables = new List<string>();
        await using (var list = db.CreateCommand(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables " +
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Contains(tables, t => t.EndsWith(".events", StringComparison.Ordinal));
        var dump = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            await using var rows = db.CreateCommand($"SELECT t::text FROM {table} t");
            await using var reader = await rows.ExecuteReaderAsync();
            while (await reader.ReadAsync()) dump.AppendLine(reader.GetString(0));
        }
        return dump.ToString();
    }

    private static bool IsApprovalCard(SlackCall call) => call.Method == "chat.postMessage" && call.Buttons.Any(b => b.ActionId == SlackActions.Approve);

    private static bool IsPendingTeamsApproval(JsonElement card) => card.GetRawText().Contains("\"verb\":\"approve\"");

    private static (string ThreadId, string ApprovalId) TeamsIds(JsonElement card)
    {
        var data = FindAction(card, "approve").GetProperty("data");
        return (data.GetProperty("threadId").GetString()!, data.GetProperty("approvalId").GetString()!);
    }

    private static JsonElement FindAction(JsonElement e, string verb)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty("verb", out var v) && v.GetString() == verb && e.TryGetProperty("type", out var t) && t.GetString() == "Action.Execute") return e;
            foreach (var p in e.EnumerateObject()) if (FindAction(p.Value, verb) is { ValueKind: JsonValueKind.Object } found) return found;
        }
        if (e.ValueKind == JsonValueKind.Array)
            foreach (var x in e.EnumerateArray()) if (FindAction(x, verb) is { ValueKind: JsonValueKind.Object } found) return found;
        return default;
    }
}
