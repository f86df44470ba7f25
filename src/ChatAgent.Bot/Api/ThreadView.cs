using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatAgent.Bot.Api;

// The public view of a thread: what GET /api/threads/{id}, every command's answer, time travel and the web chat's live
// feed return (docs/API.md, "The thread view"). Made for readers and kept stable: the reducer's bookkeeping (calls waiting
// to run, unread feedback, outbox entries, error counters) is not in it, so changing the reducer does not change the API.
// Every field is always written, null when it does not apply (the host otherwise leaves nulls out), so a client sees one shape. Built only by ThreadViews.
// The records of the view are kept together in this file so the whole contract reads in one place.

/// <summary>A thread as clients see it.</summary>
public sealed record ThreadView(
    string Id,
    string Agent,
    string Status,
    string Input,
    IReadOnlyDictionary<string, string> Arguments,
    OriginView Origin,
    string RequestedBy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ParentThreadId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ForkView? ForkedFrom,
    int Step,
    int MaxSteps,
    long Version,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StatusLine,
    IReadOnlyList<ApprovalView> PendingApprovals,
    IReadOnlyList<SettledApprovalView> SettledApprovals,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] QuestionView? PendingQuestion,
    IReadOnlyList<CheckView> Checks,
    IReadOnlyList<ResultView> Results,
    IReadOnlyList<ChildView> Children,
    IReadOnlyList<ChildApprovalView> ChildApprovals,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PausedReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? PausedDetail,
    bool Escalated,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Summary,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FailureReason);

/// <summary>Where the thread came from: <c>slack</c>, <c>teams</c>, <c>web</c>, <c>api</c>, <c>webhook</c>, <c>cron</c>, <c>workflow</c>, and the conversation there.</summary>
public sealed record OriginView(
    string Platform,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Conversation);

/// <summary>The thread a fork was made from, the seq it starts after, and whether it is a dry run.</summary>
public sealed record ForkView(string ThreadId, long Seq, bool DryRun);

/// <summary>An approval waiting for people.</summary>
public sealed record ApprovalView(
    string Id,
    string ToolCallId,
    string Tool,
    JsonElement Parameters,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Reason,
    string RequestedBy,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string> Approvers,
    int Quorum,
    IReadOnlyList<VoteView> Votes,
    IReadOnlyList<string> EscalatedTo,
    IReadOnlyList<CheckView> Checks)
{
    /// <summary>Whether an approver may change the parameters before approving (the tool's <c>editable</c>).</summary>
    public bool Editable { get; init; } = true;

    /// <summary>The approvers' edits so far, oldest first; <see cref="Parameters"/> is the call as edited.</summary>
    public IReadOnlyList<AmendmentView> Amendments { get; init; } = [];

    /// <summary>
    /// What "Approve and allow for …" offers as the approval route's <c>allowFor</c> (<c>1h</c>, <c>30m</c>): the policy's
    /// longest grant, at most an hour; null when the tool is not grantable.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? AllowFor { get; init; }
}

/// <summary>An approval waiting for the person whose inbox is read, with its thread (<c>GET /api/approvals</c>).</summary>
public sealed record InboxItemView(string ThreadId, string Agent, string Status, ApprovalView Approval);

/// <summary>One approver's edit: who, what changed (each parameter's value before and after) and why.</summary>
public sealed record AmendmentView(
    string By,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ByName,
    IReadOnlyList<ChatAgent.Core.Events.ParameterChange> Changes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Reason,
    DateTimeOffset At);

/// <summary>One person's vote; <see cref="Grant"/>: the standing grant that cast it (null when they clicked).</summary>
public sealed record VoteView(
    string By,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ByName,
    bool Granted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Comment,
    DateTimeOffset At)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Grant { get; init; }
}

/// <summary>How an approval ended: <c>granted</c>, <c>denied</c> or <c>expired</c>.</summary>
public sealed record SettledApprovalView(
    string Id,
    string ToolCallId,
    string Tool,
    string Outcome,
    IReadOnlyList<VoteView> Votes,
    DateTimeOffset At)
{
    /// <summary>The approvers' edits before it was settled (empty: decided as proposed).</summary>
    public IReadOnlyList<AmendmentView> Amendments { get; init; } = [];
}

/// <summary>The question the thread waits an answer for.</summary>
public sealed record QuestionView(
    string Id,
    string Question,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? To,
    DateTimeOffset AskedAt);

/// <summary>A precondition (<c>precondition</c>, before an approval is asked) or verification (<c>verify</c>, after the call ran).</summary>
public sealed record CheckView(
    string ToolCallId,
    string Tool,
    string Phase,
    string Check,
    bool Passed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Message,
    DateTimeOffset At);

/// <summary>A step that produced a result: a tool's output, or a person's answer.</summary>
public sealed record ResultView(
    string ToolCallId,
    string Tool,
    JsonElement Result);

/// <summary>A workflow's child thread, by the workflow step that started it.</summary>
public sealed record ChildView(
    string StepId,
    string ThreadId,
    string Agent,
    string Input,
    string Status,
    bool Finished,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Summary);

/// <summary>An approval a workflow's child waits for (decide it on the child: <c>childThreadId</c>).</summary>
public sealed record ChildApprovalView(
    string ChildThreadId,
    string ApprovalId,
    string Tool,
    JsonElement Parameters,
    DateTimeOffset ExpiresAt);
