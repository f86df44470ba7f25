using ChatAgent.Core.Runtime;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>Ids <c>prefix_1</c>, <c>prefix_2</c> … with a per-instance tag, so each test owns its ids.</summary>
internal sealed class SequentialIds : IIdGenerator
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];
    private int _next;

    public string NewId(string prefix) => $"{prefix}_{_tag}{Interlocked.Increment(ref _next)}";
}
