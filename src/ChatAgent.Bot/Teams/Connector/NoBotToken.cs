namespace ChatAgent.Bot.Teams.Connector;

/// <summary>Unauthenticated local mode (no <c>Teams:AppId</c>): the Emulator takes calls without a token.</summary>
public sealed class NoBotToken : IBotTokenProvider
{
    public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
