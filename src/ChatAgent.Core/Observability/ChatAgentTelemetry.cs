using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChatAgent.Core.Observability;

/// <summary>
/// ChatAgent's own spans and instruments, on System.Diagnostics only (the host wires the OpenTelemetry SDK to them).
/// Nothing is recorded unless a listener subscribes to <see cref="Name"/>.
/// </summary>
public static class ChatAgentTelemetry
{
    public const string Name = "ChatAgent";

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> ThreadsStarted = Meter.CreateCounter<long>("chatagent.threads.started", "{thread}", "Threads launched, by agent");
    public static readonly Counter<long> ThreadsCompleted = Meter.CreateCounter<long>("chatagent.threads.completed", "{thread}", "Threads completed, by agent");
    public static readonly Counter<long> ThreadsFailed = Meter.CreateCounter<long>("chatagent.threads.failed", "{thread}", "Threads failed, by agent");
    public static readonly Counter<long> ThreadsEscalated = Meter.CreateCounter<long>("chatagent.threads.escalated", "{thread}", "Threads paused as stuck and escalated to a human, by agent");
    public static readonly Histogram<double> ApprovalDecisionDuration = Meter.CreateHistogram<double>(
        "chatagent.approval.decision.duration", "s", "Time from an approval request to each decision on it, by agent, tool and decision");
    public static readonly Counter<long> Steps = Meter.CreateCounter<long>("chatagent.steps", "{step}", "Loop steps, by agent and outcome");
    public static readonly Counter<long> ToolCalls = Meter.CreateCounter<long>("chatagent.tool.calls", "{call}", "Tool runs, by tool and outcome");
    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("chatagent.outbox.deliveries", "{message}", "Chat posts and updates, by platform, operation and outcome");
    public static readonly Counter<long> DeliveryRetries = Meter.CreateCounter<long>("chatagent.outbox.delivery.retries", "{attempt}", "Outbox delivery jobs run again after a failure");

    /// <summary>Span and metric attribute names.</summary>
    public static class Tags
    {
        public const string ThreadId = "chatagent.thread.id";
        public const string Agent = "chatagent.agent";
        public const string Step = "chatagent.step";
        public const string Tool = "chatagent.tool";
        public const string ToolKind = "chatagent.tool.kind";
        public const string Outcome = "chatagent.outcome";
        public const string Platform = "chatagent.platform";
        public const string Decision = "chatagent.decision";
    }
}
