using System.Text.Json.Serialization;

namespace ChatAgent.Core.Threads;

[JsonConverter(typeof(JsonStringEnumConverter<ThreadStatus>))]
public enum ThreadStatus
{
    [JsonStringEnumMemberName("running")] Running,
    [JsonStringEnumMemberName("awaiting_human")] AwaitingHuman,
    [JsonStringEnumMemberName("paused")] Paused,
    [JsonStringEnumMemberName("completed")] Completed,
    [JsonStringEnumMemberName("failed")] Failed,
}

public static class ThreadStatusExtensions
{
    public static bool IsEnded(this ThreadStatus status) => status is ThreadStatus.Completed or ThreadStatus.Failed;

    public static string WireName(this ThreadStatus status) => status switch
    {
        ThreadStatus.Running => "running",
        ThreadStatus.AwaitingHuman => "awaiting_human",
        ThreadStatus.Paused => "paused",
        ThreadStatus.Completed => "completed",
        ThreadStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParse(string? text, out ThreadStatus status)
    {
        foreach (var s in Enum.GetValues<ThreadStatus>())
        {
            if (string.Equals(s.WireName(), text, StringComparison.OrdinalIgnoreCase)) { status = s; return true; }
        }
        status = default;
        return false;
    }
}
