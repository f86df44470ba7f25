using System.Text.Json;
using ChatAgent.WebChat.Tests.Support;

namespace ChatAgent.WebChat.Tests.Scenarios;

/// <summary>
/// The web chat in headless Chromium, driven by clicks like a person would: each scenario also fails on any console
/// error the page logs. The scripts live in <c>browser/</c>; see their headers for the story each tells.
/// </summary>
public sealed class WebChatBrowserTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deploy_WaitsForBobsApproval_ThenCompletesLiveOnAlicesPage(bool postgres)
    {
        await using var host = await BotHost.StartAsync(postgres: postgres);
        var r = await BrowserScenario.RunAsync("deploy-approve.mjs", host.BaseAddress);

        Assert.Equal("completed", r.GetProperty("aliceStatus").GetString());
        Assert.Equal("completed", r.GetProperty("bobStatus").GetString());
        Assert.True(r.GetProperty("aliceSawSelfApprovalHint").GetBoolean(), "alice's card should say someone else has to approve");
        Assert.Equal("Approved by bob: “ship it”", r.GetProperty("outcome").GetString());
        Assert.Equal(["✓ staging runs this version"], r.GetProperty("checksWhileWaiting").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["✓ staging runs this version", "✓ result.deployed = true", "✓ production answers with the deployed version"],
            r.GetProperty("checksAfter").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("Deployed api 1.4.2 to production.", r.GetProperty("final").GetString());
        Assert.Equal(["tool-run_tests", "tool-deploy_to_staging", "tool-deploy_to_production"],
            r.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("100.0%", r.GetProperty("productionToolRow").GetString());
        Assert.Contains("run_tests → deploy_to_staging → deploy_to_production → done", r.GetProperty("deployAgentRow").GetString());
    }

    [Fact]
    public async Task CommandBox_TakesChatLines_AndDeployIsTheAgentANewPersonSeesFirst()
    {
        await using var host = await BotHost.StartAsync();
        var r = await BrowserScenario.RunAsync("command-box.mjs", host.BaseAddress);

        Assert.Equal("deploy", r.GetProperty("selectedFirst").GetString());
        Assert.Equal("deploy", r.GetProperty("firstOption").GetString());
        Assert.Equal("campaign-audience ", r.GetProperty("filled").GetString());
        Assert.Equal("deploy — web to staging", r.GetProperty("title").GetString());
        Assert.StartsWith("Say one of:", r.GetProperty("help").GetString());
        Assert.Contains("· abort <thread> [reason]", r.GetProperty("help").GetString());
        Assert.StartsWith("• deploy — Test a service", r.GetProperty("listSecondLine").GetString());
        var threadId = r.GetProperty("threadId").GetString();
        Assert.StartsWith($"{threadId} · deploy · ", r.GetProperty("status").GetString());
        Assert.Equal("Nothing is waiting for your approval.", r.GetProperty("pending").GetString());
        Assert.Equal("Usage: deploy <service> to [env=staging]", r.GetProperty("usage").GetString());
    }

    [Fact]
    public async Task Deny_WithComment_EndsTheThreadSayingWhoDeniedAndWhy()
    {
        await using var host = await BotHost.StartAsync();
        var r = await BrowserScenario.RunAsync("deny-with-comment.mjs", host.BaseAddress);

        Assert.Equal("Denied by bob: “Change freeze until Monday”", r.GetProperty("outcome").GetString());
        Assert.Contains("denied by bob: Change freeze until Monday", r.GetProperty("final").GetString());
        Assert.Equal(0, r.GetProperty("productionRan").GetInt32());
    }

    [Fact]
    public async Task EditThenApprove_RunsTheEditedCall_AndBothPagesShowTheChange()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var r = await BrowserScenario.RunAsync("edit-approve.mjs", host.BaseAddress);

        Assert.Equal(["service=api", "version=1.4.2"], r.GetProperty("fieldsShown").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("completed", r.GetProperty("aliceStatus").GetString());
        Assert.Equal("Approved with changes by bob: “api is frozen”", r.GetProperty("outcome").GetString());
        Assert.Equal("bob changed service: \"api\" → \"web\" (“api is frozen”)", r.GetProperty("changes").GetString());
        Assert.Contains("web", r.GetProperty("productionInput").GetString());
        var production = File.ReadAllLines(Path.Combine(host.DataDir, "releases.log")).Where(l => l.Contains("production")).ToList();
        Assert.Single(production);
        Assert.Contains("service=web", production[0]);
    }

    [Fact]
    public async Task TimeTravel_ShowsAwaitingHumanAtTheApprovalRequest_AndCompletedAtTheEnd()
    {
        await using var host = await BotHost.StartAsync();
        var r = await BrowserScenario.RunAsync("time-travel.mjs", host.BaseAddress);

        Assert.Equal("awaiting human", r.GetProperty("atApproval").GetString());
        Assert.Equal("running", r.GetProperty("atStart").GetString());
        Assert.Equal("completed", r.GetProperty("atEnd").GetString());
        Assert.Equal("completed", r.GetProperty("stateJsonAtEnd").GetString());
        Assert.False(r.GetProperty("liveShownInPast").GetBoolean(), "a past state must not be labelled live");
        Assert.True(r.GetProperty("approvalSeq").GetInt32() < r.GetProperty("lastSeq").GetInt32());
    }

    [Fact]
    public async Task Reload_WhileWaitingForApproval_LosesNothing_AndTheThreadStillCompletes()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var r = await BrowserScenario.RunAsync("reload-midway.mjs", host.BaseAddress);

        var before = r.GetProperty("before");
        var after = r.GetProperty("after");
        Assert.Equal(Texts(before.GetProperty("entries")), Texts(after.GetProperty("entries")));
        Assert.Equal(before.GetProperty("approval").GetString(), after.GetProperty("approval").GetString());
        var seqsBefore = before.GetProperty("events").EnumerateArray().Select(e => e.GetInt64()).ToList();
        var seqsAfter = after.GetProperty("events").EnumerateArray().Select(e => e.GetInt64()).ToList();
        Assert.Equal(seqsBefore, seqsAfter.Take(seqsBefore.Count));
        Assert.Equal("alice", r.GetProperty("restoredName").GetString());
        Assert.Equal("completed", r.GetProperty("status").GetString());
        Assert.True(r.GetProperty("eventsContiguous").GetBoolean(), "the inspector should list every seq once, in order");
        Assert.Equal(1, r.GetProperty("finalShown").GetInt32());
    }

    [Fact]
    public async Task ForkFromHere_InTheInspector_StartsADryRun_ThatOpensLinkedToItsOrigin_AndRunsNoScript()
    {
        await using var host = await BotHost.StartAsync(postgres: true);
        var r = await BrowserScenario.RunAsync("fork-dry-run.mjs", host.BaseAddress);

        var origin = r.GetProperty("threadId").GetString();
        var fork = r.GetProperty("forkId").GetString()!;
        Assert.NotEqual(origin, fork);
        Assert.Equal($"Dry run of {origin} from event 2: no tool with side effects runs and nobody is asked.", r.GetProperty("note").GetString());
        Assert.Equal($"#thread={origin}", r.GetProperty("originHref").GetString());
        Assert.Equal([
            "tool-run_tests: run_tests recorded result reused (dry run)",
            "tool-deploy_to_staging: deploy_to_staging recorded result reused (dry run)",
            "tool-deploy_to_production: deploy_to_production recorded result reused (dry run)",
        ], Texts(r.GetProperty("tools")));
        Assert.Contains("Deployed api 1.4.2 to production.", r.GetProperty("final").GetString());
        Assert.True(r.GetProperty("originForkNoteHidden").GetBoolean(), "the origin is not a fork");
        // The origin's three scripts ran once each; the dry run ran none.
        var log = await File.ReadAllLinesAsync(Path.Combine(host.DataDir, "releases.log"));
        Assert.Equal(["run_tests", "deploy_to_staging", "deploy_to_production"], log.Select(l => l.Split(" tool=")[1].Split(' ')[0]));
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var view = JsonDocument.Parse(await client.GetStringAsync($"/api/threads/{fork}")).RootElement;
        Assert.Equal($$"""{"threadId":"{{origin}}","seq":2,"dryRun":true}""", view.GetProperty("forkedFrom").GetRawText());
    }

    private static List<string?> Texts(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString())];
}
