namespace ChatAgent.Jobs.Tests.Support;

/// <summary>The sample scripts' <c>releases.log</c>: one line per tool execution, with its tool call id.</summary>
public sealed record ReleaseLine(string Tool, string Service, string Env, string CallId)
{
    public static IReadOnlyList<ReleaseLine> Read(string dataDir)
    {
        var path = Path.Combine(dataDir, "releases.log");
        if (!File.Exists(path)) return [];
        return [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(Parse)];
    }

    private static ReleaseLine Parse(string line)
    {
        var fields = line.Split(' ').Skip(1).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
        return new ReleaseLine(fields["tool"], fields["service"], fields["env"], fields["call"]);
    }
}
