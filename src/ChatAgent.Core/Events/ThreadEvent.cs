using System.Text.Json.Serialization;

namespace ChatAgent.Core.Events;

/// <summary>
/// One fact in a thread's life. Wire names are hand-written and never change:
/// renaming one would orphan every stored stream that uses it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(ThreadStarted), "thread_started")]
[JsonDerivedType(typeof(UserInput), "user_input")]
[JsonDerivedType(typeof(ModelDecision), "model_decision")]
[JsonDerivedType(typeof(ToolCalled), "tool_call")]
[JsonDerivedType(typeof(ToolReturned), "tool_result")]
[JsonDerivedType(typeof(ErrorOccurred), "error")]
[JsonDerivedType(typeof(ApprovalRequested), "approval_requested")]
[JsonDerivedType(typeof(ApprovalDecided), "approval_decided")]
[JsonDerivedType(typeof(ApprovalAmended), "approval_amended")]
[JsonDerivedType(typeof(ApprovalReminded), "approval_reminded")]
[JsonDerivedType(typeof(ApprovalEscalated), "approval_escalated")]
[JsonDerivedType(typeof(ApprovalExpired), "approval_expired")]
[JsonDerivedType(typeof(HumanContacted), "human_contacted")]
[JsonDerivedType(typeof(HumanResponded), "human_response")]
[JsonDerivedType(typeof(ThreadPaused), "thread_paused")]
[JsonDerivedType(typeof(ThreadResumed), "thread_resumed")]
[JsonDerivedType(typeof(MessageQueued), "message_queued")]
[JsonDerivedType(typeof(MessagePosted), "message_posted")]
[JsonDerivedType(typeof(ThreadCompleted), "thread_completed")]
[JsonDerivedType(typeof(ThreadFailed), "thread_failed")]
[JsonDerivedType(typeof(CheckPassed), "check_passed")]
[JsonDerivedType(typeof(CheckFailed), "check_failed")]
[JsonDerivedType(typeof(ChildStarted), "child_started")]
[JsonDerivedType(typeof(ChildUpdated), "child_updated")]
[JsonDerivedType(typeof(ChildFinished), "child_finished")]
[JsonDerivedType(typeof(GrantCreated), "grant_created")]
[JsonDerivedType(typeof(GrantRevoked), "grant_revoked")]
public abstract record ThreadEvent
{
    /// <summary>The wire name of this event type (the JSON <c>type</c> discriminator).</summary>
    [JsonIgnore]
    public string Type => EventTypes.NameOf(GetType());
}
