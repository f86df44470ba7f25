using ChatAgent.Core.Chat;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>The PostgreSQL half of <c>AddChatAgentStorage</c>, here because Npgsql stays inside this namespace.</summary>
internal static class PostgresStorageRegistration
{
    /// <summary>
    /// Registers the host's <see cref="NpgsqlDataSource"/> (the wake-ups' LISTEN, Hangfire; the thread locks have
    /// a pool of their own, ChatAgent.Jobs' <c>ThreadLockDataSource</c>), and, over a pool
    /// of their own (<see cref="StoreDataSource"/>), <see cref="PostgresEventStore"/> (not yet forwarded to the ports), the
    /// <see cref="Audit.IAuditStore"/> over its tables, the conversations (index and references over one table), the
    /// webhook delivery claims and the wake-up queue's claims (its LISTEN stays on the host's pool, which resets).
    /// </summary>
    /// <param name="defaultMaxPoolSize">The pool's bound unless <paramref name="maxPoolSize"/> or the connection string sets one.</param>
    public static IServiceCollection AddPostgresEventStore(this IServiceCollection services, string connectionString, int? maxPoolSize, int defaultMaxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (maxPoolSize is int max) builder.MaxPoolSize = max;
        else if (!ConnectionStrings.Names(connectionString, "Max Pool Size", "Maximum Pool Size")) builder.MaxPoolSize = defaultMaxPoolSize;
        // Each pool names itself in pg_stat_activity: "chatagent" (this one), "chatagent store", "chatagent thread locks".
        builder.ApplicationName ??= "chatagent";
        var bounded = builder.ConnectionString;
        services.AddSingleton(_ => NpgsqlDataSource.Create(bounded));
        services.AddSingleton(_ => new StoreDataSource(StoreDataSource.Create(bounded)));
        static NpgsqlDataSource Store(IServiceProvider sp) => sp.GetRequiredService<StoreDataSource>().Source;
        services.AddSingleton(sp => new PostgresEventStore(Store(sp), sp.GetService<Audit.AuditKey>(), sp.GetRequiredService<WakeSignal>()));
        services.AddSingleton<IWakeupQueue>(sp => new PostgresWakeups(Store(sp), sp.GetRequiredService<WakeSignal>(), sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<Audit.IAuditStore>(sp => new PostgresAuditStore(Store(sp), sp.GetService<Audit.AuditKey>()));
        services.AddSingleton(sp => new PostgresConversations(Store(sp), sp.GetService<Audit.AuditKey>()));
        services.AddSingleton<IConversationIndex>(sp => sp.GetRequiredService<PostgresConversations>());
        services.AddSingleton<IConversationReferences>(sp => sp.GetRequiredService<PostgresConversations>());
        services.AddSingleton<Audit.IAuditCheckpoints>(sp => new PostgresAuditCheckpoints(Store(sp)));
        services.AddSingleton<IWebhookDeliveries>(sp => new PostgresWebhookDeliveries(Store(sp)));
        return services;
    }
}
