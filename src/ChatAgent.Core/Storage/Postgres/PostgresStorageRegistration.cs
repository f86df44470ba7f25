using ChatAgent.Core.Chat;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>The PostgreSQL half of <c>AddChatAgentStorage</c>, here because Npgsql stays inside this namespace.</summary>
internal static class PostgresStorageRegistration
{
    /// <summary>
    /// Registers the <see cref="NpgsqlDataSource"/>, <see cref="PostgresEventStore"/> (not yet forwarded to the ports),
    /// the <see cref="Audit.IAuditStore"/> over its tables, the conversations (index and references over one table), the webhook delivery claims and the wake-up queue.
    /// </summary>
    /// <param name="defaultMaxPoolSize">The pool's bound unless <paramref name="maxPoolSize"/> or the connection string sets one.</param>
    public static IServiceCollection AddPostgresEventStore(this IServiceCollection services, string connectionString, int? maxPoolSize, int defaultMaxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (maxPoolSize is int max) builder.MaxPoolSize = max;
        else if (!NamesPoolSize(connectionString)) builder.MaxPoolSize = defaultMaxPoolSize;
        var bounded = builder.ConnectionString;
        services.AddSingleton(_ => NpgsqlDataSource.Create(bounded));
        services.AddSingleton(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<Audit.AuditKey>(), sp.GetRequiredService<WakeSignal>()));
        services.AddSingleton<IWakeupQueue>(sp => new PostgresWakeups(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<WakeSignal>()));
        services.AddSingleton<Audit.IAuditStore>(sp => new PostgresAuditStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<Audit.AuditKey>()));
        services.AddSingleton(sp => new PostgresConversations(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<Audit.AuditKey>()));
        services.AddSingleton<IConversationIndex>(sp => sp.GetRequiredService<PostgresConversations>());
        services.AddSingleton<IConversationReferences>(sp => sp.GetRequiredService<PostgresConversations>());
        services.AddSingleton<Audit.IAuditCheckpoints>(sp => new PostgresAuditCheckpoints(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<IWebhookDeliveries>(sp => new PostgresWebhookDeliveries(sp.GetRequiredService<NpgsqlDataSource>()));
        return services;
    }

    private static bool NamesPoolSize(string connectionString) =>
        connectionString.Split(';').Select(p => p.Split('=')[0].Trim().Replace(" ", "", StringComparison.Ordinal))
            .Any(k => k.Equals("MaxPoolSize", StringComparison.OrdinalIgnoreCase) || k.Equals("MaximumPoolSize", StringComparison.OrdinalIgnoreCase));
}
