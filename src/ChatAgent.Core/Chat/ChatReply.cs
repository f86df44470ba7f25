using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Chat;

/// <summary>
/// What a chat line did, for a surface to render: the sentence (<see cref="Text"/>, already in the surface's
/// <see cref="ChatStyle"/>) and, where a surface shows more than words, the data behind it. A closed family, kept in one
/// file like <see cref="ChatCommand"/>.
/// </summary>
public abstract record ChatReply(string Text);

/// <summary>A thread was started (or, for a repeated delivery, had been: <see cref="Duplicate"/>).</summary>
public sealed record ThreadLaunched(string ThreadId, string Agent, bool Duplicate, string Text) : ChatReply(Text);

/// <summary>An answer in words: help, the agent list, a thread's status.</summary>
public sealed record ChatAnswer(string Text) : ChatReply(Text);

/// <summary>A thread was paused, resumed or aborted.</summary>
public sealed record ThreadSteered(string ThreadId, string Verb, string Text) : ChatReply(Text);

/// <summary>
/// The approvals the person may decide now (operators: all), the soonest to expire first (<see cref="Approvals.ApprovalInbox"/>); <see cref="ChatReply.Text"/>
/// is the headline and each item's <see cref="PendingItem.Line"/> a one-line description, for surfaces without cards.
/// </summary>
public sealed record ApprovalsPending(string Text, IReadOnlyList<PendingItem> Items) : ChatReply(Text);

/// <summary>One approval waiting for the person asking.</summary>
public sealed record PendingItem(ThreadState Thread, PendingApproval Approval, string Line);

/// <summary>The line was taken as the answer to the question <see cref="ThreadId"/> waited for; nothing more to say.</summary>
public sealed record QuestionAnswered(string ThreadId) : ChatReply("");

/// <summary>
/// Not done, with a stable <see cref="Code"/> (<c>input.usage</c>, <c>command.unknown</c>, <c>thread.not_allowed</c>, …, as
/// <see cref="Runtime.RejectionCodes"/>) and a sentence the person understands.
/// </summary>
public sealed record CommandRefused(string Code, string Text) : ChatReply(Text);
