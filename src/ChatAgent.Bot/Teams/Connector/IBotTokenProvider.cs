namespace ChatAgent.Bot.Teams.Connector;

/// <summary>The bot's own bearer token for the Bot Connector; null in unauthenticated (Emulator) mode.</summary>
public interface IBotTokenProvider
{
    Task<string?> GetTokenAsync(CancellationToken cancellationToken);
}
