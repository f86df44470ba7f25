namespace ChatAgent.Core.Runtime;

/// <summary>Where new ids come from; injected so tests and replays are deterministic.</summary>
public interface IIdGenerator
{
    /// <summary>A short id with a prefix, e.g. <c>th_k3m9q2xd</c>; easy to type in a chat command.</summary>
    string NewId(string prefix);
}
