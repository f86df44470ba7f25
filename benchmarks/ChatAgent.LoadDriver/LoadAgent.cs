namespace ChatAgent.LoadDriver;

/// <summary>
/// The agents the driver's bots load: the shipped <c>agents/</c> folder plus <c>load-steps</c>, three
/// <c>post_message</c> steps and <c>done</c> with the offline planner. The loop figures use it because every
/// shipped agent's steps do more than the loop: shell tools, or <c>summarize_threads</c>, which reads the thread list
/// and a day's outcome events for its reliability section.
/// </summary>
public static class LoadAgent
{
    public const string Name = "load-steps";

    private const string Yaml = """
        name: load-steps
        description: Load driver agent - three post_message steps, then done.
        prompt: prompts/daily-summary.md
        tools: [post_message, done]
        max_steps: 6
        plan:
          - tool: post_message
            parameters: {text: "Step one."}
          - tool: post_message
            parameters: {text: "Step two."}
          - tool: post_message
            parameters: {text: "Step three."}
          - tool: done
            parameters: {summary: "Three steps done."}
        """;

    /// <summary>Copies the shipped agents into <paramref name="dataDir"/>/agents and adds <see cref="Name"/>; returns the folder.</summary>
    public static string Prepare(string dataDir)
    {
        var target = Path.Combine(dataDir, "agents");
        var source = TestSupport.RepositoryPaths.Agents;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true); // keeps the scripts' execute bits on Unix
        }
        File.WriteAllText(Path.Combine(target, Name + ".yaml"), Yaml);
        return target;
    }
}
