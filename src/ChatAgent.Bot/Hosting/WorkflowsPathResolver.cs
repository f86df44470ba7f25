namespace ChatAgent.Bot.Hosting;

/// <summary>
/// Finds the workflows folder: <c>Workflows:Path</c> when set (it must exist), else <c>workflows/</c> next to the agents
/// folder when it exists, else none (no workflows).
/// </summary>
public static class WorkflowsPathResolver
{
    public static string? Resolve(string? configured, string agentsPath)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            return Directory.Exists(full) ? full : throw new InvalidOperationException($"Workflows:Path '{full}' does not exist.");
        }
        var sibling = Path.GetFullPath(Path.Combine(agentsPath, "..", "workflows"));
        return Directory.Exists(sibling) ? sibling : null;
    }
}
