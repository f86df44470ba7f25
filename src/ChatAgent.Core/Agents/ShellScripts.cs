namespace ChatAgent.Core.Agents;

/// <summary>The allow-list for shell tools: a script must be an existing file under the agents folder's <c>scripts/</c>.</summary>
public static class ShellScripts
{
    public const string Folder = "scripts";

    /// <summary>The script's full path, or why it is not allowed.</summary>
    public static (string? FullPath, string? Error) Resolve(string agentsPath, string script)
    {
        var scriptsDir = Path.GetFullPath(Path.Combine(agentsPath, Folder)) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(agentsPath, script));
        if (!full.StartsWith(scriptsDir, StringComparison.Ordinal))
            return (null, $"shell script '{script}' must lie under the agents folder's {Folder}/ folder");
        if (!File.Exists(full))
            return (null, $"shell script '{script}' does not exist");
        return (full, null);
    }
}
