using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Slack;

/// <summary>
/// Edit, then approve from Slack, over real HTTP with signed payloads as Slack sends them: the card's "Edit…" opens a
/// modal holding the call's current values, submitting it approves and runs the edited call, and an invalid edit or
/// one by someone who may not approve is answered in the modal with nothing appended.
/// </summary>
public sealed class SlackEditTests
{
    [Fact]
    public async Task Edit_OpensTheCurrentValues_SubmittingServiceWeb_RunsTheEditedDeploy_AndTellsTheRequester()
    {
        await using var rig = await SlackRig.StartAsync(postgres: true);
        // web reaches staging first, so an edit to service=web passes the production deploy's precondition.
        var web = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "web to production", user: "UALICE"));
        await rig.WaitForAsync(web, s => s.PendingApprovals.Count == 1, "web's production approval");
        var api = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        await rig.WaitForAsync(api, s => s.PendingApprovals.Count == 1, "api's production approval");
        var card = await CardOfAsync(rig, api);

        var view = await OpenEditAsync(rig, card, "UBOB");
        Assert.Equal(SlackActions.EditModal, (string?)view["callback_id"]);
        Assert.Equal(("api", "1.4.2"), (Initial(view, "service"), Initial(view, "version")));
        Assert.Contains(Inputs(view), b => (string?)b["block_id"] == SlackActions.EditReasonBlock && (bool?)b["optional"] == true);

        var submit = await SubmitAsync(rig, view, "UBOB", ("service", "web"), ("version", "1.4.2"), (SlackActions.EditReasonBlock, "api is frozen; ship web"));
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        Assert.DoesNotContain("response_action", await submit.Content.ReadAsStringAsync());

        var done = await rig.WaitForAsync(api, s => s.Status == ThreadStatus.Completed, "the edited deploy to complete");
        var log = await File.ReadAllLinesAsync(Path.Combine(rig.Host.DataDir, "releases.log"));
        Assert.Single(log, l => l.Contains(" tool=deploy_to_production service=web env=production version=1.4.2 "));
        Assert.DoesNotContain(log, l => l.Contains("tool=deploy_to_production service=api"));
        var settled = Assert.Single(done.SettledApprovals);
        Assert.Equal(("granted", "slack:UBOB"), (settled.Outcome, Assert.Single(settled.Amendments).By));

        var update = (await rig.WaitForCallsAsync(calls => calls.Any(c => IsCardUpdate(c, card) && Texts(c).Contains("Approved with changes")), "the card showing the change"))
            .Last(c => IsCardUpdate(c, card) && Texts(c).Contains("Approved with changes"));
        Assert.Contains("service: \"api\" → \"web\"", Texts(update));
        Assert.Contains("<@UBOB>", Texts(update));
        Assert.Empty(update.Buttons);
        var told = await rig.WaitForCallsAsync(calls => calls.Any(c => c.Method == "chat.postMessage" && Texts(c).Contains("changed deploy_to_production before approving it")), "the requester told");
        var message = told.Single(c => c.Method == "chat.postMessage" && Texts(c).Contains("changed deploy_to_production before approving it"));
        Assert.Contains("<@UALICE>", Texts(message));
        Assert.Contains("service: \"api\" → \"web\"", Texts(message));
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task AnInvalidEdit_IsAnsweredNextToItsField_AndAppendsNothing()
    {
        await using var rig = await SlackRig.StartAsync();
        var (threadId, view) = await PendingWithModalAsync(rig);

        var errors = await ErrorsAsync(await SubmitAsync(rig, view, "UBOB", ("service", "api"), ("version", "latest")));
        Assert.Equal(["version"], errors.Select(e => e.Key));
        Assert.Contains("'version' must match the pattern", (string?)errors["version"]);

        // A block the modal never had (only a forged payload sends one) is an unknown parameter, shown on that block.
        errors = await ErrorsAsync(await SubmitAsync(rig, view, "UBOB", ("service", "api"), ("version", "1.4.2"), ("force", "true")));
        Assert.Contains("unknown parameter 'force'", (string?)errors["force"]);

        // An emptied required field: the schema's refusal, on that field.
        errors = await ErrorsAsync(await SubmitAsync(rig, view, "UBOB", ("service", "api"), ("version", null)));
        Assert.Contains("missing required parameter 'version'", (string?)errors["version"]);

        Assert.Empty(await DecisionsAsync(rig, threadId));
        var state = await rig.StateAsync(threadId);
        Assert.Empty(Assert.Single(state!.PendingApprovals).Votes);
        Assert.Empty(rig.Slack.Violations);
    }

    [Fact]
    public async Task TheRequesterOrANonApprover_ChangesNothing()
    {
        await using var rig = await SlackRig.StartAsync();
        var (threadId, view) = await PendingWithModalAsync(rig);

        // Not even offered the modal.
        var card = await CardOfAsync(rig, threadId);
        foreach (var user in new[] { "UALICE", "UEVE" })
            await rig.ClickAsync(SlackActions.Edit, card.Buttons.Single(b => b.ActionId == SlackActions.Edit).Value, user);
        Assert.Single(rig.Slack.CallsTo("views.open"));
        Assert.Contains(rig.Slack.CallsTo("chat.postEphemeral"), c => c.Str("user") == "UALICE");
        Assert.Contains(rig.Slack.CallsTo("chat.postEphemeral"), c => c.Str("user") == "UEVE" && c.Str("text")!.Contains("not an approver"));

        // And a submission of the modal (opened by an approver) counts as its submitter, never as whoever opened it.
        var self = await ErrorsAsync(await SubmitAsync(rig, view, "UALICE", ("service", "web"), ("version", "1.4.2")));
        Assert.NotNull(self[SlackActions.EditReasonBlock]);
        var outsider = await ErrorsAsync(await SubmitAsync(rig, view, "UEVE", ("service", "web"), ("version", "1.4.2")));
        Assert.Contains("not an approver", (string?)outsider[SlackActions.EditReasonBlock]);

        Assert.Empty(await DecisionsAsync(rig, threadId));
        Assert.Empty(Assert.Single((await rig.StateAsync(threadId))!.PendingApprovals).Votes);
        Assert.DoesNotContain(File.Exists(Path.Combine(rig.Host.DataDir, "releases.log")) ? File.ReadAllLines(Path.Combine(rig.Host.DataDir, "releases.log")) : [],
            l => l.Contains("tool=deploy_to_production"));
    }

    [Fact]
    public async Task ANotEditableTool_HasNoEditButton_AndAForgedEditIsRefused()
    {
        using var agents = SampleAgents.WithToolsLine("      confirm: true\n", "      confirm: true\n      editable: false\n");
        await using var rig = await SlackRig.StartAsync(settings: new Dictionary<string, string?> { ["Agents:Path"] = agents.Path, ["Workflows:Path"] = RepositoryPaths.Workflows });
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        await rig.WaitForAsync(threadId, s => s.PendingApprovals.Count == 1, "the approval");
        var card = await CardOfAsync(rig, threadId);
        Assert.Equal([SlackActions.Approve, SlackActions.Deny, SlackActions.ApproveWithComment, SlackActions.DenyWithComment], card.Buttons.Select(b => b.ActionId));

        var approvalId = (await rig.StateAsync(threadId))!.PendingApprovals[0].Id;
        var forged = new JsonObject
        {
            ["callback_id"] = SlackActions.EditModal,
            ["private_metadata"] = JsonSerializer.Serialize(new EditMetadata(threadId, approvalId), SlackJson.Options),
        };
        var errors = await ErrorsAsync(await SubmitAsync(rig, forged, "UBOB", ("service", "web"), ("version", "1.4.2")));
        Assert.Contains("does not allow changes", (string?)errors[SlackActions.EditReasonBlock]);
        Assert.Empty(await DecisionsAsync(rig, threadId));
        Assert.Empty(rig.Slack.Violations);
    }

    /// <summary>The thread's decisions and edits: a refused edit appends none (delivery receipts may still arrive meanwhile).</summary>
    private static async Task<string[]> DecisionsAsync(SlackRig rig, string threadId) =>
        [.. (await rig.Host.Get<ThreadService>().GetEventsAsync(threadId)).Select(e => e.Data.Type).Where(t => t is "approval_decided" or "approval_amended")];

    [Fact]
    public void Fields_AreTypedByTheSchema_AndAValueThatDoesNotParseIsAnErrorOnItsField()
    {
        const string schema = """{"type":"object","properties":{"name":{"type":"string"},"count":{"type":"integer"},"tags":{"type":"array"},"note":{"type":["string","null"]},"any":{}}}""";
        var (parameters, errors) = SlackEditModal.Build([("name", "42"), ("count", "3"), ("tags", "[\"a\"]"), ("note", "true"), ("any", "x y"), ("gone", "")], schema);
        Assert.Empty(errors);
        Assert.Equal("""{"name":"42","count":3,"tags":["a"],"note":"true","any":"x y"}""", parameters.GetRawText());

        (_, errors) = SlackEditModal.Build([("name", "ok"), ("count", "three")], schema);
        Assert.Equal(["count"], errors.Keys);
        Assert.StartsWith("Not a valid integer", errors["count"]);

        var byField = SlackEditModal.ErrorsByField("The changed parameters are not valid for t: 'count' must be a whole number; 'tags.0' must be a string; parameters: Odd.", ["name", "count", "tags"]);
        Assert.Equal(("'count' must be a whole number", "'tags.0' must be a string", "parameters: Odd"), (byField["count"], byField["tags"], byField["name"]));
    }

    private static async Task<(string ThreadId, JsonObject View)> PendingWithModalAsync(SlackRig rig)
    {
        var threadId = SlackRig.ThreadIdFrom(await rig.CommandAsync("/deploy", "api to production", user: "UALICE"));
        await rig.WaitForAsync(threadId, s => s.PendingApprovals.Count == 1, "the approval");
        return (threadId, await OpenEditAsync(rig, await CardOfAsync(rig, threadId), "UBOB"));
    }

    /// <summary>Clicks the card's Edit… button as <paramref name="user"/>; returns the modal the bot opened.</summary>
    private static async Task<JsonObject> OpenEditAsync(SlackRig rig, SlackCall card, string user)
    {
        var edit = card.Buttons.Single(b => b.ActionId == SlackActions.Edit);
        var opened = rig.Slack.CallsTo("views.open").Count();
        var click = await rig.ClickAsync(SlackActions.Edit, edit.Value, user);
        Assert.Equal(HttpStatusCode.OK, click.StatusCode);
        var open = (await rig.WaitForCallsAsync(c => c.Count(x => x.Method == "views.open") > opened, "views.open")).Where(c => c.Method == "views.open").Last();
        Assert.StartsWith("trig-", open.Str("trigger_id"));
        return (JsonObject)open.Body["view"]!;
    }

    /// <summary>Submits the modal as Slack does: its callback id and private_metadata, and state.values[block][action].value.</summary>
    private static Task<HttpResponseMessage> SubmitAsync(SlackRig rig, JsonObject view, string user, params (string Block, string? Value)[] values)
    {
        var state = new JsonObject();
        foreach (var (block, value) in values)
            state[block] = new JsonObject { [SlackActions.EditInput] = new JsonObject { ["type"] = "plain_text_input", ["value"] = value } };
        return rig.SubmitViewAsync(new JsonObject
        {
            ["id"] = "V" + Guid.NewGuid().ToString("N")[..8],
            ["type"] = "modal",
            ["callback_id"] = (string?)view["callback_id"],
            ["private_metadata"] = (string?)view["private_metadata"],
            ["state"] = new JsonObject { ["values"] = state },
        }, user);
    }

    private static async Task<JsonObject> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("errors", (string?)body["response_action"]);
        return body["errors"]!.AsObject();
    }

    private static IEnumerable<JsonObject> Inputs(JsonObject view) =>
        (view["blocks"] as JsonArray ?? []).OfType<JsonObject>().Where(b => (string?)b["type"] == "input");

    private static string? Initial(JsonObject view, string block) =>
        (string?)Inputs(view).Single(b => (string?)b["block_id"] == block)["element"]!["initial_value"];

    private static async Task<SlackCall> CardOfAsync(SlackRig rig, string threadId)
    {
        bool IsCard(SlackCall c) => c.Method == "chat.postMessage" && c.Buttons.Any(b => b.ActionId == SlackActions.Approve && b.Value.StartsWith(threadId + "|", StringComparison.Ordinal));
        return (await rig.WaitForCallsAsync(calls => calls.Any(IsCard), "the approval card of " + threadId)).First(IsCard);
    }

    private static bool IsCardUpdate(SlackCall call, SlackCall card) => call.Method == "chat.update" && call.Str("ts") == card.Ts;

    /// <summary>Every text in the message's blocks, as Slack shows it (unescaped JSON strings), one per line.</summary>
    private static string Texts(SlackCall call) =>
        string.Join("\n", (call.Body["blocks"]?.ToJsonString() is { } json ? Strings(JsonNode.Parse(json)) : []).Append(call.Str("text") ?? ""));

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "text" && p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? [s] : Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        _ => [],
    };
}
