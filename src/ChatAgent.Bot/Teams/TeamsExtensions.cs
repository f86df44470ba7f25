using ChatAgent.Bot.Teams.Cards;
using ChatAgent.Bot.Teams.Connector;
using ChatAgent.Core.Chat;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Teams;

/// <summary>Teams wiring: <c>builder.AddTeams()</c> and <c>app.MapTeams()</c>.</summary>
public static class TeamsExtensions
{
    public static WebApplicationBuilder AddTeams(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TeamsOptions>().BindConfiguration(TeamsOptions.Section)
            .Validate(o => Uri.TryCreate(o.OpenIdMetadataUrl, UriKind.Absolute, out _), "Teams:OpenIdMetadataUrl must be an absolute URL.")
            .Validate(o => !o.Authenticated || !string.IsNullOrWhiteSpace(o.AppPassword), "Teams:AppPassword is required when Teams:AppId is set.")
            .Validate(o => string.IsNullOrWhiteSpace(o.TokenEndpoint) || Uri.TryCreate(o.TokenEndpoint, UriKind.Absolute, out _), "Teams:TokenEndpoint must be an absolute URL.")
            .Validate<Security.BotMode>((o, mode) => !(o.Emulator && mode.Exposed),
                "Teams:Emulator=true accepts unauthenticated activities and is allowed in local mode only (no Slack, no Teams:AppId, no API keys, loopback addresses); this process is in exposed mode.")
            .Validate(o => !(o.Emulator && o.Authenticated), "Teams:Emulator=true and Teams:AppId cannot be set together.")
            .ValidateOnStart();
        services.AddHttpClient(nameof(BotFrameworkAuthenticator));
        services.AddHttpClient<BotConnectorClient>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpClient<ClientCredentialsTokenProvider>(c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TeamsOptions>>().Value);
        services.AddSingleton<IBotTokenProvider>(sp =>
        {
            var o = sp.GetRequiredService<TeamsOptions>();
            if (!o.Authenticated) return new NoBotToken();
            if (!string.IsNullOrWhiteSpace(o.TokenEndpoint)) return sp.GetRequiredService<ClientCredentialsTokenProvider>();
            return new MsalBotTokenProvider(o);
        });
        services.AddSingleton<ConversationPacer>();
        services.AddSingleton<BotFrameworkAuthenticator>();
        services.AddSingleton<TeamsCards>();
        services.AddSingleton<TeamsTargets>();
        services.AddSingleton<TeamsChatSurface>();
        services.AddSingleton<IChatSurface>(sp => sp.GetRequiredService<TeamsChatSurface>());
        services.AddSingleton<IDirectMessages>(sp => sp.GetRequiredService<TeamsChatSurface>());
        services.AddSingleton<IWorkingIndicator, TeamsTypingIndicator>();
        services.AddSingleton<TeamsReplies>();
        services.AddHostedService(sp => sp.GetRequiredService<TeamsReplies>());
        services.AddSingleton<TeamsMessages>();
        services.AddSingleton<TeamsCardActions>();
        services.AddSingleton<TeamsActivities>();
        services.AddHostedService<TeamsStartupNotice>();
        return builder;
    }
}
