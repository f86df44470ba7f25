namespace ChatAgent.Core.Events;

/// <summary>A workflow started step <see cref="StepId"/>: agent <see cref="Agent"/> runs as child thread <see cref="ChildThreadId"/>.</summary>
public sealed record ChildStarted(string StepId, string ChildThreadId, string Agent, string Input) : ThreadEvent;
