using ChatAgent.Core.Agents;

namespace ChatAgent.Core.Chat;

/// <summary><c>Chat:*</c>: how agents are shown to people.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>
    /// The agent a new person meets first: first in <c>list</c> and <c>help</c>, first (so selected) in the web chat's
    /// agent list. The others follow by name. An agent that is not loaded is simply not first.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Required(AllowEmptyStrings = false, ErrorMessage = "Chat:FirstAgent must name an agent (default: deploy).")]
    public string FirstAgent { get; set; } = "deploy";

    /// <summary>The agents in the order people see them.</summary>
    public IReadOnlyList<AgentDefinition> InOrder(IEnumerable<AgentDefinition> agents) =>
        [.. agents.OrderBy(a => string.Equals(a.Name, FirstAgent, StringComparison.OrdinalIgnoreCase) ? 0 : 1).ThenBy(a => a.Name, StringComparer.Ordinal)];
}
