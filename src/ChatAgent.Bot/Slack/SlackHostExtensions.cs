using ChatAgent.Core.Chat;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Slack;

/// <summary>Slack's composition: options, verifier, Web API client, the chat surface, handlers and Socket Mode.</summary>
public static class SlackHostExtensions
{
    /// <summary>
    /// Registers Slack. The chat surface is registered when a bot token is configured (threads from Slack, and cron
    /// threads aimed at Slack, post through it); Socket Mode runs when an app token is configured.
    /// </summary>
    public static WebApplicationBuilder AddSlack(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section)
            .Validate(o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _), "Slack:ApiBaseUrl must be an absolute URL.")
            .Validate(o => !o.Enabled || !string.IsNullOrWhiteSpace(o.BotToken), "Slack:BotToken is required when Slack:SigningSecret or Slack:AppToken is set.")
            .ValidateOnStart();
        services.AddSingleton(sp => new SlackSignatureVerifier(sp.GetRequiredService<IOptions<SlackOptions>>().Value.SigningSecret, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SlackApiClient(
            SlackHttp.Create(sp.GetRequiredService<IOptions<SlackOptions>>().Value, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SlackApiClient>>()),
            sp.GetRequiredService<IOptions<SlackOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SlackApiClient>>()));
        services.AddSingleton<SlackCards>();
        services.AddSingleton<SlackResponseUrls>();
        services.AddSingleton<SlackCommands>();
        services.AddSingleton<SlackEditModal>();
        services.AddSingleton<SlackHome>();
        services.AddSingleton<SlackInteractions>();
        services.AddSingleton<SlackEvents>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Slack:BotToken"]))
        {
            services.AddSingleton<SlackChatSurface>();
            services.AddSingleton<IChatSurface>(sp => sp.GetRequiredService<SlackChatSurface>());
            services.AddSingleton<IDirectMessages>(sp => sp.GetRequiredService<SlackChatSurface>());
        }
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Slack:AppToken"]))
            services.AddHostedService<SlackSocketMode>();
        return builder;
    }
}
