namespace ChatAgent.Core.Tests.Tools;

/// <summary>A clock stuck at one instant; timers still run in real time.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
