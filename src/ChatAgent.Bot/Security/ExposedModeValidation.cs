using ChatAgent.Core.Agents;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Tools;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Security;

/// <summary>
/// Exposed mode fails closed at start-up: every approval policy an agent can reach must resolve to at least one person,
/// and every group it names (approvers and escalation) must have members. Each problem names the agent, the tool and
/// the group. Runs with the options validation, before the host listens.
/// </summary>
public sealed class ExposedModeValidation(BotMode mode, IAgentCatalog catalog, IOptions<PeopleOptions> people) : IValidateOptions<ApprovalOptions>
{
    public ValidateOptionsResult Validate(string? name, ApprovalOptions options)
    {
        if (!mode.Exposed) return ValidateOptionsResult.Success;
        var directory = new ApproverDirectory(Options.Create(options), new PeopleDirectory(people));
        var problems = new List<string>();
        foreach (var agent in catalog.Agents)
        foreach (var toolName in agent.Tools)
        {
            if (catalog.FindTool(toolName) is not { Kind: ToolKind.RequiresApproval } tool) continue;
            var policy = tool.Approval ?? ApprovalPolicy.Default;
            var where = $"agent '{agent.Name}', tool '{tool.Name}'";
            if (policy.Approvers.Count == 0)
                problems.Add($"{where}: the approval policy names no approvers, so no one could approve it. List approvers in its approval policy (approvers: [group:<name>]).");
            foreach (var entry in policy.Approvers.Concat(policy.EscalateTo ?? []).Where(e => directory.Members(e).Count == 0))
            {
                var group = entry.StartsWith(ApproverDirectory.GroupPrefix, StringComparison.OrdinalIgnoreCase) ? entry[ApproverDirectory.GroupPrefix.Length..] : entry;
                problems.Add($"{where}: approver group '{group}' has no members, so no one could approve through it. Set Approvals__Groups__{group}__0 (a person's name or a platform id such as slack:U123).");
            }
        }
        if (problems.Count == 0) return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail(problems.Distinct().Select(p => $"Exposed mode ({string.Join("; ", mode.Reasons)}): {p}"));
    }
}
