namespace ChatAgent.Jobs.Tests.Support;

/// <summary>Tests that start bot processes run one at a time: they are heavy, and their timing should not fight each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTests
{
    public const string Name = "bot processes";
}
