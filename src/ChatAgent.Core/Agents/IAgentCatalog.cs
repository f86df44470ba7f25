using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Agents;

/// <summary>The agents and tools loaded at start-up. Immutable once loaded.</summary>
public interface IAgentCatalog
{
    IReadOnlyList<AgentDefinition> Agents { get; }

    AgentDefinition? FindAgent(string name);

    ToolDefinition? FindTool(string name);
}
