using ChatAgent.Bot.Planners;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Observability;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Tools;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChatAgent.Bot.Observability;

/// <summary>
/// Traces, metrics and structured logs. ChatAgent's spans and instruments (Core's <see cref="ChatAgentTelemetry"/>) plus
/// ASP.NET Core, HttpClient, Npgsql, Hangfire jobs and model calls; <c>/metrics</c> in Prometheus format; OTLP export
/// only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Call last: it decorates the ports registered before it.
/// </summary>
public static class ObservabilityExtensions
{
    public const string ServiceName = "chatagent";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        if (string.Equals(config["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        // Every log line written inside a span carries its TraceId and SpanId as a scope.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var services = builder.Services;
        services.Decorate<IToolRunner>((runner, _) => new InstrumentedToolRunner(runner));
        services.Decorate<IChatSurface>((surface, _) => new InstrumentedChatSurface(surface));
        services.Decorate<IEventStore>((store, sp) => new InstrumentedEventStore(store, ChatPlatforms(sp)));
        services.AddSingleton<HangfireQueueMetrics>();

        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName))
            .WithTracing(t => t
                .SetSampler(new ParentBasedSampler(new DropRootClientSpansSampler()))
                .AddSource(ChatAgentTelemetry.Name, PlannerFactory.ModelTelemetrySource)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsPlumbing(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(m => m
                .AddMeter(ChatAgentTelemetry.Name, PlannerFactory.ModelTelemetrySource, HangfireQueueMetrics.MeterName, "Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (!string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"])) otel.UseOtlpExporter();
        return builder;
    }

    /// <summary><c>/metrics</c> (Prometheus text format), unauthenticated like <c>/healthz</c>: expose it to the scraper only.</summary>
    public static WebApplication MapObservability(this WebApplication app)
    {
        app.Services.GetRequiredService<HangfireQueueMetrics>();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/hangfire");

    /// <summary>
    /// The platforms with a chat surface, read when first enumerated: surfaces depend on the event store themselves,
    /// so resolving them while the store is being built would be a cycle (a start-up deadlock).
    /// </summary>
    private static IEnumerable<string> ChatPlatforms(IServiceProvider services)
    {
        foreach (var surface in services.GetServices<IChatSurface>()) yield return surface.Platform;
    }
}
