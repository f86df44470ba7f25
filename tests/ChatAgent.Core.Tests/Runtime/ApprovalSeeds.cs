using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>A launched deploy thread with one hand-made approval under a chosen policy (the given history).</summary>
internal static class ApprovalSeeds
{
    public static JsonElement ProductionParameters { get; } = JsonSerializer.SerializeToElement(new { service = "api", version = "1.4.2" });

    public static async Task<(string ThreadId, string ApprovalId)> AwaitingApprovalAsync(this CoreHarness h, ApprovalPolicy policy, string requester = "alice")
    {
        var id = await h.LaunchAsync("deploy", "api to production", requester);
        var toolCallId = "tc_" + id;
        var approvalId = "ap_" + id;
        var hash = ToolCallHash.Compute("deploy_to_production", ProductionParameters);
        await h.SeedAsync(id,
            (new ModelDecision(toolCallId, "offline", "prompt-hash", "{}", "deploy_to_production"), Actor.Agent),
            (new ApprovalRequested(approvalId, toolCallId, "deploy_to_production", ProductionParameters, hash, null, "web:" + requester, policy,
                h.Time.GetUtcNow() + policy.EffectiveExpiry), Actor.Agent));
        return (id, approvalId);
    }
}
