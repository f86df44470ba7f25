using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Teams;

/// <summary>Says at start-up how the Teams endpoint authenticates, loudly when it does not.</summary>
public sealed class TeamsStartupNotice(IOptions<TeamsOptions> options, ILogger<TeamsStartupNotice> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Emulator)
            log.LogWarning("Teams: Emulator mode, so POST /api/messages accepts Bot Framework Emulator activities WITHOUT authentication (local mode only).");
        else if (!o.Authenticated)
            log.LogInformation("Teams: off (Teams__AppId is not set); POST /api/messages answers 404.");
        else
            log.LogInformation("Teams: app {AppId}; tokens checked against {Metadata}; bot token from {TokenSource}; tenants: {Tenants}",
                o.AppId, o.OpenIdMetadataUrl, string.IsNullOrWhiteSpace(o.TokenEndpoint) ? "Microsoft Entra ID (MSAL)" : o.TokenEndpoint,
                o.AllowedTenants.Count == 0 ? "any" : string.Join(", ", o.AllowedTenants));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
