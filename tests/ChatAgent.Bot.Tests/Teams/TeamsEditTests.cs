using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>Edit, then approve, from the Teams card: one Input.Text per parameter and an Action.Execute that approves the call as edited.</summary>
public sealed class TeamsEditTests
{
    private static bool IsApiCard(JsonElement card) =>
        TeamsApprovalTests.IsPendingApproval(card) && card.GetRawText().Contains("\"title\":\"service\",\"value\":\"api\"");

    private static async Task<(TeamsTestBed Bed, string ThreadId, string ApprovalId, JsonElement Card)> ApiWaitingAsync()
    {
        var bed = await TeamsTestBed.StartAsync(postgres: true);
        // web reaches staging first (its own production deploy then waits), so an edit to service=web passes the precondition.
        await bed.PostAsync(bed.Message("deploy web to production"));
        await bed.ConnectorCallAsync(c => c.Cards.Any(x => TeamsApprovalTests.IsPendingApproval(x) && x.GetRawText().Contains("\"value\":\"web\"")), "web's approval card");
        await bed.PostAsync(bed.Message("deploy api to production"));
        var card = (await bed.ConnectorCallAsync(c => c.Cards.Any(IsApiCard), "api's approval card")).Cards.Single(IsApiCard);
        var (threadId, approvalId) = TeamsApprovalTests.Ids(card);
        return (bed, threadId, approvalId, card);
    }

    /// <summary>The thread's decisions and edits (delivery receipts may still arrive while a test runs).</summary>
    private static async Task<string[]> DecisionsAsync(TeamsTestBed bed, string threadId) =>
        [.. (await bed.Host.Client.GetFromJsonAsync<JsonElement[]>($"/api/threads/{threadId}/events"))!
            .Select(e => e.GetProperty("type").GetString()!).Where(t => t is "approval_decided" or "approval_amended")];

    private static async Task<JsonElement> PressAsync(TeamsTestBed bed, string threadId, string approvalId, string user, Dictionary<string, string> inputs, string? comment = null)
    {
        var answer = await bed.PostAsync(bed.Invoke("approve_edited", threadId, approvalId, user, comment, inputs));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("value");
    }

    private static IEnumerable<(string Title, string Value)> Facts(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty("type", out var t) && t.GetString() == "FactSet")
                foreach (var f in e.GetProperty("facts").EnumerateArray()) yield return (f.GetProperty("title").GetString()!, f.GetProperty("value").GetString()!);
            foreach (var p in e.EnumerateObject()) foreach (var f in Facts(p.Value)) yield return f;
        }
        if (e.ValueKind == JsonValueKind.Array) foreach (var x in e.EnumerateArray()) foreach (var f in Facts(x)) yield return f;
    }

    private static IEnumerable<(string Id, string? Label, string? Value)> Inputs(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (e.TryGetProperty("type", out var t) && t.GetString() == "Input.Text")
                yield return (e.GetProperty("id").GetString()!, e.TryGetProperty("label", out var l) ? l.GetString() : null, e.TryGetProperty("value", out var v) ? v.GetString() : null);
            foreach (var p in e.EnumerateObject()) foreach (var i in Inputs(p.Value)) yield return i;
        }
        if (e.ValueKind == JsonValueKind.Array) foreach (var x in e.EnumerateArray()) foreach (var i in Inputs(x)) yield return i;
    }

    [Fact]
    public async Task TheCardHoldsTheParameters_AndApprovingWithChanges_RunsTheEditedCall_AndEveryCopySaysSo()
    {
        var (bed, threadId, approvalId, card) = await ApiWaitingAsync();
        await using var _ = bed;
        var text = card.GetRawText();
        Assert.Equal([("param.service", "service", "api"), ("param.version", "version", "1.4.2")], Inputs(card).Where(i => i.Id.StartsWith("param.")));
        Assert.Contains("\"verb\":\"approve_edited\"", text);

        var refreshed = await PressAsync(bed, threadId, approvalId, "bob", new() { ["param.service"] = "web", ["param.version"] = "1.4.2" }, "api is frozen");

        var after = refreshed.GetRawText();
        Assert.Contains("\"Approved with changes: deploy_to_production\"", after);
        Assert.Contains(("Changed by Bob", "service: \"api\" → \"web\""), Facts(refreshed));
        Assert.Contains("\"title\":\"Comment\",\"value\":\"api is frozen\"", after);
        Assert.DoesNotContain("approve_edited", after);
        await bed.ConnectorCallAsync(c => c.Method == "PUT" && c.Cards.Any(x => x.GetRawText().Contains("Approved with changes")), "the shared card replaced");
        await bed.ConnectorCallAsync(c => c.Text?.Contains("changed deploy_to_production before approving it") == true, "the requester told");
        await Poll.UntilAsync(() => bed.ThreadAsync(threadId), s => s.GetProperty("status").GetString() == "completed", TeamsTestBed.Patience);
        var production = File.ReadAllLines(Path.Combine(bed.Host.DataDir, "releases.log")).Where(l => l.Contains("tool=deploy_to_production")).ToList();
        Assert.Contains("service=web", Assert.Single(production));
        bed.AssertEveryCardValid(card, refreshed);
    }

    [Fact]
    public async Task AnEditOutsideTheSchema_OrByTheRequester_ShowsTheRefusalOnTheCard_AndAppendsNothing()
    {
        var (bed, threadId, approvalId, _) = await ApiWaitingAsync();
        await using var __ = bed;

        var invalid = await PressAsync(bed, threadId, approvalId, "bob", new() { ["param.service"] = "api", ["param.version"] = "latest" });
        var self = await PressAsync(bed, threadId, approvalId, "alice", new() { ["param.service"] = "web", ["param.version"] = "1.4.2" });
        var outsider = await PressAsync(bed, threadId, approvalId, "carol", new() { ["param.service"] = "web", ["param.version"] = "1.4.2" });

        Assert.Contains("not valid for deploy_to_production", invalid.GetRawText());
        Assert.Contains("version", invalid.GetRawText());
        Assert.Contains("\"verb\":\"approve_edited\"", invalid.GetRawText()); // bob may still decide, with the refusal shown
        Assert.Contains("approve", self.GetRawText());
        Assert.DoesNotContain("Approved", self.GetRawText());
        Assert.Contains("You are not an approver", outsider.GetRawText());
        Assert.Empty(await DecisionsAsync(bed, threadId));
        Assert.Equal("awaiting_human", (await bed.ThreadAsync(threadId)).GetProperty("status").GetString());
        bed.AssertEveryCardValid(invalid, self, outsider);
    }
}
