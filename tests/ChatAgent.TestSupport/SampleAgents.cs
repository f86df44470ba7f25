using Xunit;

namespace ChatAgent.TestSupport;

/// <summary>A copy of the repository's agents with one line of <c>tools.yaml</c> changed (the line must be there once).</summary>
public static class SampleAgents
{
    public static TempDirectory WithToolsLine(string line, string replacement)
    {
        var copy = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Agents, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.Path, Path.GetRelativePath(RepositoryPaths.Agents, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var tools = Path.Combine(copy.Path, "tools.yaml");
        var yaml = File.ReadAllText(tools);
        Assert.Single(yaml.Split(line)[1..]);
        File.WriteAllText(tools, yaml.Replace(line, replacement));
        return copy;
    }
}
