using System.Collections.Immutable;
using System.Text.Json;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Tests.Approvals;

/// <summary>Who may decide an approval, and what a refused person is told.</summary>
public sealed class ApproverDirectoryTests
{
    private static readonly ApproverDirectory Directory = new(Options.Create(new ApprovalOptions
    {
        Groups = new(StringComparer.OrdinalIgnoreCase) { ["deployers"] = ["slack:UDANA", " "] },
    }));

    private static PendingApproval Approval(string[] approvers, ImmutableList<string>? escalatedTo = null, bool allowSelf = false) =>
        new("a1", "c1", "deploy_to_production", JsonDocument.Parse("{}").RootElement.Clone(), "h", null, "slack:UALICE",
            new ApprovalPolicy(approvers, AllowSelfApproval: allowSelf), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1), [], EscalatedTo: escalatedTo);

    [Fact]
    public void Requester_IsRefused_WithTheSelfApprovalReason_UnlessThePolicyAllowsIt()
    {
        Assert.Equal(("approval.self", "You asked for this action, and its policy doesn't let the requester approve it. Someone else has to decide."),
            Directory.CheckMayDecide(Approval([]), "slack:ualice"));
        Assert.Null(Directory.CheckMayDecide(Approval([], allowSelf: true), "slack:UALICE"));
    }

    [Fact]
    public void NamedUsers_GroupMembers_AndEscalationTargets_MayDecide_OthersAreToldWhoMay()
    {
        var approval = Approval(["slack:UBOB", "group:deployers"], ["slack:ULEAD"]);

        Assert.Null(Directory.CheckMayDecide(approval, "slack:UBOB"));
        Assert.Null(Directory.CheckMayDecide(approval, "slack:udana"));
        Assert.Null(Directory.CheckMayDecide(approval, "slack:ULEAD"));
        Assert.Equal(("approval.not_allowed", "You are not an approver for deploy_to_production. Approvers: slack:UBOB, group:deployers (slack:UDANA), slack:ULEAD."),
            Directory.CheckMayDecide(approval, "slack:UEVE"));
        Assert.Equal(["slack:UBOB", "slack:UDANA", "slack:ULEAD"], Directory.ResolveApprovers(approval).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NoApprovers_OrOnlyEmptyGroups_MeansAnyoneButTheRequester()
    {
        Assert.Null(Directory.CheckMayDecide(Approval(["group:nobody"]), "slack:UEVE"));
        Assert.Equal("anyone but the requester", Directory.Describe(Approval([])));
        Assert.Equal("slack:UBOB, slack:ULEAD", Directory.Describe(Approval(["slack:UBOB"], ["slack:ULEAD"])));
    }

    private static readonly ApproverDirectory Exposed = new(Options.Create(new ApprovalOptions
    {
        Exposed = true,
        Groups = new(StringComparer.OrdinalIgnoreCase) { ["deployers"] = ["slack:UDANA", "slack:UALICE"], ["leads"] = ["teams:aad-sam", "sam"], ["ghosts"] = [] },
    }));

    [Fact]
    public void Describe_NamesEachGroupWithItsMembers_AndSaysWhatAnEmptyGroupMeans_LocallyAndExposed()
    {
        Assert.Equal("group:deployers (slack:UDANA)", Directory.Describe(Approval(["group:deployers"])));
        Assert.Equal("group:ghosts (empty: anyone but the requester)", Directory.Describe(Approval(["group:ghosts"])));
        Assert.Equal("group:ghosts (empty)", Exposed.Describe(Approval(["group:ghosts"])));
        Assert.Equal("no one", Exposed.Describe(Approval([])));
        Assert.Equal("group:deployers (slack:UDANA, slack:UALICE), group:leads (teams:aad-sam, sam)", Exposed.Describe(Approval(["group:deployers"], ["group:leads"])));
    }

    [Fact]
    public void Exposed_WithNoApproverConfigured_NoOneMayDecide_AndTheRefusalSaysSo()
    {
        Assert.Equal(("approval.not_allowed", "No one is configured to approve deploy_to_production (group:ghosts (empty)), so no one can."),
            Exposed.CheckMayDecide(Approval(["group:ghosts"]), "slack:UEVE"));
        Assert.Equal(("approval.not_allowed", "You are not an approver for deploy_to_production. Approvers: group:deployers (slack:UDANA, slack:UALICE)."),
            Exposed.CheckMayDecide(Approval(["group:deployers"]), "slack:UEVE"));
    }

    [Fact]
    public void TheLaddersNudges_NameTheEscalationGroupsOnAnEscalation_AndEveryoneButTheRequesterOnAReminder()
    {
        var approval = Approval(["group:deployers"], ["group:leads"]);

        // Platform ids only (a renderer mentions its own platform's); "sam" is a person without ids, so no one to mention.
        Assert.Equal(["teams:aad-sam"], Exposed.ToNudge(approval, escalation: true));
        Assert.Equal(["slack:UDANA", "teams:aad-sam"], Exposed.ToNudge(approval, escalation: false)); // slack:UALICE asked
        Assert.Empty(Exposed.ToNudge(Approval(["group:deployers"]), escalation: true));
    }
}
