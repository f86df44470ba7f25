using System.Net;

namespace ChatAgent.Bot.Teams.Connector;

/// <summary>The connector refused for good (403: the bot was blocked or removed from the conversation); not retried.</summary>
public sealed class TeamsDeliveryRefusedException(HttpStatusCode status, string conversationId, string detail)
    : Exception($"Teams refused the message to {conversationId} with {(int)status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;

    public string ConversationId { get; } = conversationId;
}
