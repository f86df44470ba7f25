using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Agents;

/// <summary>The loaded, validated agents and tools; immutable. Create with <see cref="Load"/>.</summary>
public sealed class AgentCatalog : IAgentCatalog
{
    private readonly Dictionary<string, AgentDefinition> _agents;
    private readonly Dictionary<string, ToolDefinition> _tools;

    public AgentCatalog(IEnumerable<AgentDefinition> agents, IEnumerable<KeyValuePair<string, ToolDefinition>> tools)
    {
        _agents = agents.ToDictionary(a => a.Name, StringComparer.Ordinal);
        _tools = new Dictionary<string, ToolDefinition>(tools, StringComparer.Ordinal);
        Agents = [.. _agents.Values.OrderBy(a => a.Name, StringComparer.Ordinal)];
    }

    /// <summary>Loads and validates <paramref name="agentsPath"/>; throws <see cref="AgentConfigurationException"/> listing every problem.</summary>
    public static AgentCatalog Load(string agentsPath) => AgentLoader.Load(agentsPath);

    public IReadOnlyList<AgentDefinition> Agents { get; }

    /// <summary>Every tool: the built-ins and the catalog's, by name.</summary>
    public IReadOnlyDictionary<string, ToolDefinition> Tools => _tools;

    public AgentDefinition? FindAgent(string name) => _agents.GetValueOrDefault(name);

    public ToolDefinition? FindTool(string name) => _tools.GetValueOrDefault(name);

    /// <summary>The agent whose triggers declare slash word <paramref name="word"/> (case-insensitive).</summary>
    public AgentDefinition? FindBySlashWord(string word) =>
        Agents.FirstOrDefault(a => a.Triggers.Slash.Contains(word, StringComparer.OrdinalIgnoreCase));
}
