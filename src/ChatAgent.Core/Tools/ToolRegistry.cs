using ChatAgent.Core.Agents;

namespace ChatAgent.Core.Tools;

/// <summary>Finds a tool's definition and the runner for its <see cref="RunnerSpec.Type"/>.</summary>
public sealed class ToolRegistry(IAgentCatalog catalog, IEnumerable<IToolRunner> runners)
{
    private readonly Dictionary<string, IToolRunner> _runners = runners.ToDictionary(r => r.Type, StringComparer.Ordinal);

    public ToolDefinition? FindTool(string name) => catalog.FindTool(name);

    /// <summary>The runner for <paramref name="tool"/>; null when none is registered for its type.</summary>
    public IToolRunner? FindRunner(ToolDefinition tool) => _runners.GetValueOrDefault(tool.Runner.Type);

    /// <summary>The tools an agent may use, in the order it lists them (the declarations the model sees).</summary>
    public IReadOnlyList<ToolDefinition> ToolsOf(AgentDefinition agent) =>
        [.. agent.Tools.Select(catalog.FindTool).OfType<ToolDefinition>()];
}
