using ChatAgent.TestSupport;

namespace ChatAgent.Jobs.Tests.Cron;

/// <summary>A copy of the shipped agents folder plus <c>nightly</c>, whose cron triggers name a Slack channel, a Teams channel, and both.</summary>
internal static class CronTestAgents
{
    public const string NightlyYaml = """
        name: nightly
        description: Nightly report.
        prompt: prompts/daily-summary.md
        tools: [post_message, done]
        max_steps: 3
        triggers:
          cron:
            - schedule: "30 2 * * *"
              time_zone: Europe/Berlin
              input: Report on the night.
              channel: "slack:C123"
            - schedule: "*/15 * * * *"
              time_zone: UTC
              input: Quarter-hourly check.
              channel: "teams:19:abc@thread.tacv2"
            - schedule: "0 6 * * *"
              time_zone: UTC
              input: Morning report.
              channels: ["slack:C123", "teams:19:abc@thread.tacv2"]
        plan:
          - tool: done
            parameters: {summary: "{{input}}"}
        """;

    /// <summary>Copies the shipped agents and a nightly cron agent into <paramref name="into"/> (deleted with it); returns its path.</summary>
    public static string Create(TempDirectory into)
    {
        var dir = into.Path;
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Agents, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir, Path.GetRelativePath(RepositoryPaths.Agents, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.WriteAllText(Path.Combine(dir, "nightly.yaml"), NightlyYaml);
        return dir;
    }
}
