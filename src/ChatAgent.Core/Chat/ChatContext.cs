using ChatAgent.Core.Events;

namespace ChatAgent.Core.Chat;

/// <summary>
/// Who typed a line and where, as the surface authenticated it (never taken from the line).
/// </summary>
/// <param name="Actor">The authenticated person.</param>
/// <param name="Origin">Where a thread launched by the line replies (platform, conversation, reply thread).</param>
/// <param name="Style">How the surface writes the answer.</param>
/// <param name="DeliveryKey">The platform's delivery id, so a redelivered launch starts nothing new.</param>
/// <param name="DefaultAgent">The agent a line that names no agent goes to (the web chat's picked agent); null: none.</param>
/// <param name="AnswersQuestions">
/// A line that is no command answers the question a thread of this conversation waits for (Teams, where a personal
/// chat has no reply threads to tell answers apart).
/// </param>
public sealed record ChatContext(
    Actor Actor,
    Origin Origin,
    ChatStyle Style,
    string? DeliveryKey = null,
    string? DefaultAgent = null,
    bool AnswersQuestions = false);
