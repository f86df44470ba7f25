using System.Text.Json;
using System.Text.RegularExpressions;
using ChatAgent.TestSupport;
using ChatAgent.WebChat.Tests.Support;

namespace ChatAgent.WebChat.Tests.Scenarios;

/// <summary>
/// "Awaiting you" and "Approve and allow for …" in headless Chromium, clicked as people would (scripts in
/// <c>browser/</c>: <c>inbox-approve.mjs</c>, <c>allow-for.mjs</c>), on PostgreSQL.
/// </summary>
public sealed class ApprovalInboxBrowserTests
{
    [Fact]
    public async Task BobApprovesAlicesDeploy_FromAwaitingYou_AndAlicesOwnInboxNeverListsIt()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var r = await BrowserScenario.RunAsync("inbox-approve.mjs", host.BaseAddress);

        var threadId = r.GetProperty("threadId").GetString();
        var shown = r.GetProperty("shown");
        Assert.Equal("deploy_to_production", shown.GetProperty("title").GetString());
        Assert.Equal($"{threadId} · deploy", shown.GetProperty("thread").GetString());
        Assert.Matches(new Regex("^Requested by alice · approvers: group:deployers · expires .+$"), shown.GetProperty("request").GetString());
        Assert.Equal(["service=api", "version=1.4.2"], Texts(shown.GetProperty("parameters")));
        Assert.Equal(["Approve", "Deny"], Texts(shown.GetProperty("buttons")));
        Assert.Equal("1", shown.GetProperty("count").GetString());

        Assert.Equal(0, r.GetProperty("aliceEntries").GetInt32());
        Assert.Equal(0, r.GetProperty("asAliceEntries").GetInt32());
        Assert.Equal(0, r.GetProperty("bobEntriesAfter").GetInt32());
        Assert.Equal("Approved by bob: “from the inbox”", r.GetProperty("bobOutcome").GetString());
        Assert.Equal("Approved by bob: “from the inbox”", r.GetProperty("aliceOutcome").GetString());
        Assert.Equal(("completed", "completed"), (r.GetProperty("bobStatus").GetString(), r.GetProperty("aliceStatus").GetString()));
        Assert.Contains("Deployed api 1.4.2 to production.", r.GetProperty("final").GetString());
    }

    [Fact]
    public async Task ApproveAndAllowFor1h_OnTheCard_LetsAlicesSameDeployRunWithoutAnyoneClicking()
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      grants: {on: [service], max_for: 2h}\n");
        await using var host = await BotHost.StartAsync(new Dictionary<string, string?> { ["Agents:Path"] = agents.Path }, postgres: true);
        var r = await BrowserScenario.RunAsync("allow-for.mjs", host.BaseAddress);

        Assert.Equal(["Approve", "Approve and allow for 1 h", "Deny"], Texts(r.GetProperty("cardButtons")));
        Assert.Equal(["Approve", "Approve and allow for 1 h", "Deny"], Texts(r.GetProperty("inboxButtons")));
        Assert.Equal("Approved by bob: “release day”", r.GetProperty("firstOutcome").GetString());
        var grant = r.GetProperty("grant");
        Assert.Equal(("web:bob", """{"service":"api"}"""), (grant.GetProperty("grantedBy").GetString(), grant.GetProperty("constraints").GetRawText()));
        Assert.InRange(grant.GetProperty("expiresAt").GetDateTimeOffset() - grant.GetProperty("createdAt").GetDateTimeOffset(), TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal($"Also allowed such calls (service: api) until {r.GetProperty("expiryShown").GetString()}.", r.GetProperty("grantShown").GetString());

        Assert.NotEqual(r.GetProperty("first").GetString(), r.GetProperty("second").GetString());
        Assert.Equal("completed", r.GetProperty("secondStatus").GetString());
        Assert.Equal($"Approved by bob’s standing grant {grant.GetProperty("id").GetString()}: nobody was asked", r.GetProperty("secondOutcome").GetString());
        Assert.Equal(0, r.GetProperty("secondButtons").GetInt32());
        Assert.Equal(["deploy_to_production succeeded"], Texts(r.GetProperty("secondTools")));
        var production = (await File.ReadAllLinesAsync(Path.Combine(host.DataDir, "releases.log"))).Where(l => l.Contains(" tool=deploy_to_production service=api env=production "));
        Assert.Equal(2, production.Count());
    }

    private static List<string?> Texts(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()?.Trim())];
}
