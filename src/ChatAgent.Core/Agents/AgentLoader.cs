using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Agents;

/// <summary>
/// Loads an agents folder: <c>tools.yaml</c> (the shared tool catalog), every other <c>*.yaml</c> as one agent,
/// prompts under <c>prompts/</c>, shell scripts under <c>scripts/</c>. Either everything is valid, or one
/// <see cref="AgentConfigurationException"/> lists every problem found.
/// </summary>
public static class AgentLoader
{
    public static AgentCatalog Load(string agentsPath)
    {
        var problems = new ConfigProblems();
        if (!Directory.Exists(agentsPath))
        {
            problems.Add(agentsPath, (YamlDotNet.Core.Mark?)null, "the agents folder does not exist");
            problems.ThrowIfAny();
        }
        var tools = ToolCatalogLoader.Load(agentsPath, problems, out var declared);
        var agents = new List<AgentDefinition>();
        var files = Directory.EnumerateFiles(agentsPath, "*.yaml")
            .Concat(Directory.EnumerateFiles(agentsPath, "*.yml"))
            .Where(f => Path.GetFileName(f) != ToolCatalogLoader.FileName)
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (AgentFileLoader.Load(agentsPath, file, declared, problems) is { } agent) agents.Add(agent);
        }
        CheckUnique(agents, a => [a.Name], "agent name", problems);
        CheckUnique(agents, a => a.Triggers.Slash, "slash word", problems);
        problems.ThrowIfAny();
        return new AgentCatalog(agents, tools);
    }

    private static void CheckUnique(List<AgentDefinition> agents, Func<AgentDefinition, IEnumerable<string>> keys, string what, ConfigProblems problems)
    {
        var firstFile = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var agent in agents)
        {
            var file = Path.GetFileName(agent.SourceFile);
            foreach (var key in keys(agent))
            {
                if (firstFile.TryAdd(key, file)) continue;
                problems.Add(file, (YamlDotNet.Core.Mark?)null, $"duplicate {what} '{key}' (already used in {firstFile[key]})");
            }
        }
    }
}
