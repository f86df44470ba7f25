namespace ChatAgent.TestSupport;

/// <summary>Paths inside the repository the tests run from (found by walking up to <c>ChatAgent.slnx</c>).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shipped <c>agents/</c> folder.</summary>
    public static string Agents => Path.Combine(Root, "agents");

    /// <summary>The shipped <c>workflows/</c> folder.</summary>
    public static string Workflows => Path.Combine(Root, "workflows");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatAgent.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("ChatAgent.slnx not found above " + AppContext.BaseDirectory);
    }
}
