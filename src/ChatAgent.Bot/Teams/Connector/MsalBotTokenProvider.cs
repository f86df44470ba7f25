using Microsoft.Identity.Client;

namespace ChatAgent.Bot.Teams.Connector;

/// <summary>
/// Client credentials through MSAL against Microsoft Entra ID: authority <c>login.microsoftonline.com/{tenant}</c>
/// (<c>botframework.com</c> for multi-tenant bots), scope <c>https://api.botframework.com/.default</c>. MSAL keeps the
/// token in its app token cache until shortly before it expires.
/// </summary>
public sealed class MsalBotTokenProvider(TeamsOptions options) : IBotTokenProvider
{
    private readonly IConfidentialClientApplication _app = ConfidentialClientApplicationBuilder.Create(options.AppId)
        .WithClientSecret(options.AppPassword)
        .WithAuthority($"https://login.microsoftonline.com/{(string.IsNullOrWhiteSpace(options.TenantId) ? "botframework.com" : options.TenantId)}")
        .Build();

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        var result = await _app.AcquireTokenForClient([TeamsOptions.ConnectorScope]).ExecuteAsync(cancellationToken);
        return result.AccessToken;
    }
}
