namespace ChatAgent.Bot.Api;

/// <summary><c>POST /api/threads</c>: launch <see cref="Agent"/> with <see cref="Input"/> as <see cref="User"/>.</summary>
public sealed record LaunchRequest(string? Agent, string? Input, string? User, string? IdempotencyKey = null);

/// <summary>
/// <c>POST /api/threads/{id}/fork</c>: a dry run from the state right after event <see cref="At"/>. Who forks is the
/// authenticated caller; there is no <c>user</c> field.
/// </summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
public sealed record ForkRequest(long? At, bool? DryRun, string? PromptVersion = null, string? Planner = null, bool? Post = null);

/// <summary><c>POST /api/threads/{id}/approvals/{approvalId}</c>.</summary>
/// <param name="Parameters">Edit, then approve: the call's parameters as the approver wants them run (only with <c>approve</c>).</param>
public sealed record DecisionRequest(string? Decision, string? Comment, string? User, System.Text.Json.JsonElement? Parameters = null, string? AllowFor = null);

/// <summary><c>POST /api/threads/{id}/resume</c>.</summary>
public sealed record ResumeRequest(string? Feedback, string? User);

/// <summary><c>POST /api/threads/{id}/pause</c> and <c>/abort</c>.</summary>
public sealed record ActorRequest(string? User, string? Reason = null);

/// <summary><c>POST /api/threads/{id}/answer</c>: the answer to a pending <c>ask_human</c> question.</summary>
public sealed record AnswerRequest(string? Text, string? User);

/// <summary>One event as the API shows it.</summary>
public sealed record EventView(long Seq, string Type, DateTimeOffset At, ChatAgent.Core.Events.Actor Actor, ChatAgent.Core.Events.ThreadEvent Data);
