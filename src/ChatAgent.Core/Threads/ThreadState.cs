using System.Collections.Immutable;
using ChatAgent.Core.Events;

namespace ChatAgent.Core.Threads;

/// <summary>
/// Everything known about a thread, derived only from its events (factor 5). Never stored as the
/// truth: <see cref="ThreadReducer"/> rebuilds it from the stream, at any seq.
/// </summary>
public sealed record ThreadState
{
    public static readonly ThreadState Empty = new();

    public string Id { get; init; } = "";
    public string Agent { get; init; } = "";
    public ThreadStatus Status { get; init; } = ThreadStatus.Running;
    public string Input { get; init; } = "";
    public ImmutableSortedDictionary<string, string> Arguments { get; init; } = ImmutableSortedDictionary<string, string>.Empty;
    public Origin Origin { get; init; } = new("api");
    public string RequestedBy { get; init; } = "";
    public string? ParentThreadId { get; init; }

    /// <summary>The thread and seq this thread was forked from; null for a thread that was launched.</summary>
    public ForkedFrom? ForkedFrom { get; init; }

    /// <summary>A dry run: no side-effecting tool runs, nobody is asked (docs/RUNTIME.md, "Dry runs").</summary>
    public bool DryRun { get; init; }

    /// <summary>The planner this thread asked for when it is not the configured one (<c>offline</c>); null: the configured one.</summary>
    public string? Planner { get; init; }

    /// <summary>Planner decisions taken so far (one per step), against <see cref="MaxSteps"/>.</summary>
    public int Step { get; init; }
    public int MaxSteps { get; init; }

    /// <summary>The agent's budget at launch; a resume after an exhausted budget grants this many more steps.</summary>
    public int BudgetPerRound { get; init; }

    /// <summary>The seq of the last event applied; the expected version for the next append.</summary>
    public long Version { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public ImmutableList<PendingApproval> PendingApprovals { get; init; } = [];
    public ImmutableList<ApprovalOutcome> SettledApprovals { get; init; } = [];

    /// <summary>Calls decided on and waiting for their approval (or, once granted, to run).</summary>
    public ImmutableList<DecidedCall> AwaitingCalls { get; init; } = [];

    /// <summary>A call whose approval was granted and that has not started yet: the loop runs it next.</summary>
    public DecidedCall? ReadyToRun { get; init; }

    public HumanRequest? PendingQuestion { get; init; }
    public int ConsecutiveErrors { get; init; }
    public int TotalErrors { get; init; }
    public ToolCallState? LastToolCall { get; init; }
    public ImmutableList<CompletedCall> Results { get; init; } = [];

    /// <summary>A workflow's child threads by step id.</summary>
    public ImmutableSortedDictionary<string, ChildThread> Children { get; init; } = ImmutableSortedDictionary<string, ChildThread>.Empty;

    /// <summary>The approvals a workflow's children wait for: what the workflow waits for.</summary>
    public ImmutableList<ChildApproval> ChildApprovals => [.. Children.Values.Where(c => !c.Finished).SelectMany(c => c.PendingApprovals)];

    /// <summary>Every precondition and verification outcome, in order.</summary>
    public ImmutableList<CheckOutcome> Checks { get; init; } = [];

    /// <summary>Outbox entries by message key, with their platform references once delivered.</summary>
    public ImmutableSortedDictionary<string, ChatMessage> Messages { get; init; } = ImmutableSortedDictionary<string, ChatMessage>.Empty;

    /// <summary>Feedback given on resume (or a denial's comment) not yet seen by a planner decision.</summary>
    public ImmutableList<string> Feedback { get; init; } = [];

    /// <summary>The standing grants revoked in this thread (always the thread that created them), so a second revocation is refused.</summary>
    public ImmutableHashSet<string> RevokedGrants { get; init; } = [];

    public string? PausedReason { get; init; }
    public string? PausedDetail { get; init; }
    public bool Escalated { get; init; }
    public string? Summary { get; init; }

    /// <summary>The final structured result (the <c>done</c> call's parameters), once completed.</summary>
    public System.Text.Json.JsonElement? FinalResult { get; init; }
    public string? FailureReason { get; init; }

    public bool IsEnded => Status.IsEnded();
    public bool BudgetExhausted => Step >= MaxSteps;

    public PendingApproval? FindPendingApproval(string approvalId) =>
        PendingApprovals.Find(a => a.Id == approvalId);

    public ApprovalOutcome? FindSettledApproval(string approvalId) =>
        SettledApprovals.Find(a => a.Id == approvalId);
}
