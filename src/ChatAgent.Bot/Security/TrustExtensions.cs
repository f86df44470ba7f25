using ChatAgent.Bot.Api;
using ChatAgent.Core.Approvals;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Security;

/// <summary>
/// Who may reach the bot and act through it: the mode (<see cref="BotMode"/>), people, API keys and their grants, host
/// names, origins and body limits. <c>builder.AddTrust()</c> before the rest; <c>app.UseTrust()</c> first in the pipeline.
/// </summary>
public static class TrustExtensions
{
    public static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    public static WebApplicationBuilder AddTrust(this WebApplicationBuilder builder)
    {
        var mode = BotMode.From(builder.Configuration);
        var services = builder.Services;
        services.AddSingleton(mode);
        services.AddOptions<ApprovalOptions>().PostConfigure(o => o.Exposed = mode.Exposed).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApprovalOptions>, ExposedModeValidation>();
        services.AddOptions<PeopleOptions>().Configure<IConfiguration>((o, config) =>
        {
            foreach (var person in config.GetSection("People").GetChildren())
                o.People[person.Key] = [.. person.GetChildren().Select(c => c.Value).OfType<string>()];
        }).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PeopleOptions>, PeopleOptionsValidation>();
        services.AddOptions<ApiOptions>().Configure<IConfiguration>((o, config) => o.Keys = [.. ApiKey.Read(config.GetSection("Api:Keys"))]).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiKeysValidation>();
        // Local mode answers loopback host names only, so a page on another site cannot reach it through DNS rebinding.
        if (!mode.Exposed) services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = LoopbackHosts);
        services.AddExceptionHandler<BodyTooLargeHandler>();
        // The Hangfire dashboard checks antiforgery tokens on its POSTs when the service is registered.
        services.AddAntiforgery();
        // Its key ring is read when the dashboard first checks a token, not at start-up: the hosted service that would
        // warm it parses the key files with System.Xml in every bot (~1 MB of working set) and writes one under
        // ~/.aspnet on a first start, and most bots never serve the dashboard.
        foreach (var warmUp in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "DataProtectionHostedService").ToList())
            services.Remove(warmUp);
        return builder;
    }

    public static WebApplication UseTrust(this WebApplication app)
    {
        app.UseMiddleware<RequestGuard>();
        return app;
    }
}
