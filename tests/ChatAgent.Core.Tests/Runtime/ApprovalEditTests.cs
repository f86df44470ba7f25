using System.Text.Json;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary><see cref="ThreadService.ApproveWithChangesAsync"/>: the approved call is the edited one; refusals append nothing.</summary>
public sealed class ApprovalEditTests
{
    private static readonly ApprovalPolicy Deployers = new(["group:deployers"], ExpiresAfter: TimeSpan.FromHours(1));
    private static readonly JsonElement Web = JsonSerializer.SerializeToElement(new { service = "web", version = "1.4.2" });

    private static CoreHarness Harness() => new(approvals: CoreHarness.Groups(("deployers", ["web:bob", "web:carol", "web:dana"])));

    [Fact]
    public async Task AToolThatForbidsEdits_RefusesThem_AndAppendsNothing_ButAPlainApprovalStillWorks()
    {
        using var h = Harness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers with { Editable = false });
        var before = await h.EventsAsync(id);

        var refused = await h.Service.ApproveWithChangesAsync(id, approvalId, Web, CoreHarness.User("bob"), "ship web instead");

        Assert.Equal((false, RejectionCodes.ApprovalNotEditable), (refused.Accepted, refused.Code));
        Assert.Contains("deploy_to_production", refused.Message);
        Assert.Equal(before.Count, (await h.EventsAsync(id)).Count);
        var plain = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), null);
        Assert.True(plain.Accepted, plain.Message);
    }

    [Fact]
    public async Task SameParameters_AreAPlainApproval_WithNoAmendment()
    {
        using var h = Harness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers);

        var result = await h.Service.ApproveWithChangesAsync(id, approvalId, JsonSerializer.SerializeToElement(new { version = "1.4.2", service = "api" }), CoreHarness.User("bob"), null);

        Assert.True(result.Accepted, result.Message);
        Assert.DoesNotContain(await h.EventsAsync(id), e => e.Data is ApprovalAmended);
        Assert.Equal(ApprovalOutcome.Granted, result.State!.FindSettledApproval(approvalId)!.Outcome);
        Assert.Empty(result.State.FindSettledApproval(approvalId)!.Amendments);
    }

    /// <summary>With a quorum of 2, a vote cast before the edit was a vote for another call: it stops counting.</summary>
    [Fact]
    public async Task AnEdit_UnderAQuorum_ResetsTheVotes_AndTheEditedCallIsWhatIsReadyToRun()
    {
        using var h = Harness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers with { Quorum = 2 });

        Assert.True((await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), "ship api")).Accepted);
        var edited = await h.Service.ApproveWithChangesAsync(id, approvalId, Web, CoreHarness.User("carol"), "api is frozen");

        Assert.True(edited.Accepted, edited.Message);
        var pending = edited.State!.FindPendingApproval(approvalId)!;
        Assert.Equal(["web:carol"], pending.Votes.Select(v => v.By));
        Assert.Equal(ToolCallHash.Compute("deploy_to_production", Web), pending.ParametersHash);
        var amendment = Assert.Single(pending.Amendments);
        Assert.Equal(("web:carol", "api is frozen"), (amendment.By, amendment.Reason));
        Assert.Equal("service: \"api\" → \"web\"", ParameterDiff.Describe(amendment.Changes));

        var second = await h.Service.DecideApprovalAsync(id, approvalId, approve: true, CoreHarness.User("bob"), "fine, web");
        Assert.True(second.Accepted, second.Message);
        var state = second.State!;
        Assert.Equal(ApprovalOutcome.Granted, state.FindSettledApproval(approvalId)!.Outcome);
        Assert.Equal(["web:carol", "web:bob"], state.FindSettledApproval(approvalId)!.Votes.Select(v => v.By));
        Assert.Equal("""{"service":"web","version":"1.4.2"}""", state.ReadyToRun!.Parameters.GetRawText());
        var amended = (await h.EventsAsync(id)).Where(e => e.Data is ApprovalAmended).Select(e => (ApprovalAmended)e.Data).Single();
        Assert.Equal(ToolCallHash.Compute("deploy_to_production", ApprovalSeeds.ProductionParameters), amended.PreviousParametersHash);
    }

    [Fact]
    public async Task AnEdit_IsRefusedForTheRequester_AndForSomeoneOutsideTheGroup()
    {
        using var h = Harness();
        var (id, approvalId) = await h.AwaitingApprovalAsync(Deployers, requester: "bob");
        var before = await h.EventsAsync(id);

        var self = await h.Service.ApproveWithChangesAsync(id, approvalId, Web, CoreHarness.User("bob"), null);
        var outsider = await h.Service.ApproveWithChangesAsync(id, approvalId, Web, CoreHarness.User("mallory"), null);

        Assert.Equal((RejectionCodes.ApprovalSelf, RejectionCodes.ApprovalNotAllowed), (self.Code, outsider.Code));
        Assert.Equal(before.Count, (await h.EventsAsync(id)).Count);
    }

    /// <summary>Known-answer vectors: added, removed and changed keys in name order; equal values in another key order are no change.</summary>
    [Fact]
    public void ParameterDiff_NamesEachChangedKey_InNameOrder()
    {
        var before = JsonDocument.Parse("""{"version":"1.4.2","service":"api","opts":{"a":1,"b":2},"dry":true}""").RootElement;
        var after = JsonDocument.Parse("""{"service":"web","opts":{"b":2,"a":1},"version":"1.4.2","force":1}""").RootElement;

        var changes = ParameterDiff.Between(before, after);

        Assert.Equal("dry: true → (none); force: (none) → 1; service: \"api\" → \"web\"", ParameterDiff.Describe(changes));
        Assert.Empty(ParameterDiff.Between(before, before));
    }
}
