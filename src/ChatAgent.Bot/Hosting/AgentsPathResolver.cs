namespace ChatAgent.Bot.Hosting;

/// <summary>Finds the agents folder: <c>Agents:Path</c> when set, else the nearest <c>agents/</c> holding YAML above the working or app directory.</summary>
public static class AgentsPathResolver
{
    public static string Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "agents");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.yaml").Any()) return candidate;
            }
        }
        throw new InvalidOperationException("No agents folder found: set Agents__Path to a folder of agent YAML files.");
    }
}
