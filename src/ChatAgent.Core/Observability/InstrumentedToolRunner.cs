using System.Diagnostics;
using ChatAgent.Core.Tools;
using static ChatAgent.Core.Observability.ChatAgentTelemetry;

namespace ChatAgent.Core.Observability;

/// <summary>A span around every tool run: tool, kind, runner, thread and outcome (never the parameters).</summary>
public sealed class InstrumentedToolRunner(IToolRunner inner) : IToolRunner
{
    public string Type => inner.Type;

    public async Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        using var activity = Source.StartActivity("chatagent.tool " + invocation.Tool.Name);
        activity?.SetTag(Tags.ThreadId, invocation.Thread.Id);
        activity?.SetTag(Tags.Agent, invocation.Thread.Agent);
        activity?.SetTag(Tags.Tool, invocation.Tool.Name);
        activity?.SetTag(Tags.ToolKind, invocation.Tool.Kind.ToString());
        activity?.SetTag("chatagent.tool.runner", inner.Type);
        activity?.SetTag("chatagent.tool.call_id", invocation.ToolCallId);
        var outcome = await inner.RunAsync(invocation, cancellationToken);
        activity?.SetTag(Tags.Outcome, outcome.Succeeded ? "ok" : "error");
        if (!outcome.Succeeded) activity?.SetStatus(ActivityStatusCode.Error, outcome.Error);
        return outcome;
    }
}
