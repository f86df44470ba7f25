namespace ChatAgent.Bot.Webhooks;

/// <summary>The webhooks' composition: their shared options, validated at start.</summary>
public static class WebhookExtensions
{
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => o.ReplayRetention > TimeSpan.Zero, "Webhooks:ReplayRetention must be a positive time span (e.g. 7.00:00:00).")
            .ValidateOnStart();
        return builder;
    }
}
