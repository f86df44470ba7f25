namespace ChatAgent.Core.Agents;

/// <summary>
/// The agents folder is invalid. <see cref="Problems"/> lists every problem found, each as
/// <c>file:line: what is wrong</c>, so one start-up shows them all instead of one at a time.
/// </summary>
public sealed class AgentConfigurationException(IReadOnlyList<string> problems)
    : Exception($"The agent configuration has {problems.Count} problem(s):{Environment.NewLine}"
        + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
