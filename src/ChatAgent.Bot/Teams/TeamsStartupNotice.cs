using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Teams;

/// <summary>Says at start-up how the Teams endpoint authenticates, loudly when it does not.</summary>
public sealed class TeamsStartupNotice(IOptions<TeamsOptions> options, ILogger<TeamsStartupNotice> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Authenticated)
            log.LogWarning("Teams: Teams:AppId is not set, so POST /api/messages accepts activities WITHOUT authentication (local Bot Framework Emulator mode). Never expose this to a network.");
        else
            log.LogInformation("Teams: app {AppId}; tokens checked against {Metadata}; bot token from {TokenSource}; tenants: {Tenants}",
                o.AppId, o.OpenIdMetadataUrl, string.IsNullOrWhiteSpace(o.TokenEndpoint) ? "Microsoft Entra ID (MSAL)" : o.TokenEndpoint,
                o.AllowedTenants.Count == 0 ? "any" : string.Join(", ", o.AllowedTenants));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
