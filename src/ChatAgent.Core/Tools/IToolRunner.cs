using System.Text.Json;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tools;

/// <summary>Runs one kind of tool (<c>builtin</c>, <c>http</c>, <c>shell</c>). Picked by <see cref="RunnerSpec.Type"/>.</summary>
public interface IToolRunner
{
    string Type { get; }

    /// <summary>Runs the call. Failures are returned, not thrown; only cancellation throws.</summary>
    Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>A validated call to run. <see cref="ToolCallId"/> is the idempotency key.</summary>
public sealed record ToolInvocation(ThreadState Thread, ToolDefinition Tool, string ToolCallId, JsonElement Parameters);

/// <summary>What a run produced: a JSON result, or an error message with a compacted detail.</summary>
public sealed record ToolOutcome(bool Succeeded, JsonElement Result, string? Error = null, string? Detail = null, bool Transient = false)
{
    public static ToolOutcome Success(JsonElement result) => new(true, result);

    public static ToolOutcome Failure(string error, string? detail = null, bool transient = false) =>
        new(false, default, error, detail, transient);
}
