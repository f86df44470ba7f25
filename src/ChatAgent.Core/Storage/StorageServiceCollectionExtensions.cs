using ChatAgent.Core.Audit;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Storage.InMemory;
using ChatAgent.Core.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Connections per host when nothing says otherwise: room for the default 8 workers' two each, requests and
    /// Hangfire's own housekeeping, and a bounded share of PostgreSQL's default <c>max_connections</c> (100).
    /// </summary>
    public const int DefaultMaxPoolSize = 40;

    /// <summary>
    /// Registers <see cref="IEventStore"/>, <see cref="IConversationIndex"/>, <see cref="IConversationReferences"/>, <see cref="IWebhookDeliveries"/>, <see cref="IStorageInitializer"/>, <see cref="IProjectionRebuilder"/>, <see cref="Grants.IGrantIndex"/>, <see cref="IAuditStore"/>, <see cref="IAuditCheckpoints"/> and <see cref="IWakeupQueue"/>:
    /// PostgreSQL when <paramref name="postgresConnectionString"/> is set, else the in-memory store
    /// (data lost on exit; the host says so at start-up). The host must await
    /// <see cref="IStorageInitializer.EnsureSchemaAsync"/> before serving requests.
    /// </summary>
    /// <param name="maxPoolSize">The most PostgreSQL connections this host opens through its one data source (Hangfire's
    /// included). When null, the connection string's own <c>Maximum Pool Size</c> if it names one, else
    /// <see cref="DefaultMaxPoolSize"/>.</param>
    /// <param name="auditKey">The audit chain's key (<see cref="AuditKey"/>); null: an unkeyed SHA-256 chain.</param>
    public static IServiceCollection AddChatAgentStorage(this IServiceCollection services, string? postgresConnectionString, int? maxPoolSize = null, string? auditKey = null)
    {
        services.AddSingleton(AuditKey.From(auditKey));
        services.AddSingleton<WakeSignal>();
        if (string.IsNullOrWhiteSpace(postgresConnectionString))
        {
            services.AddSingleton<InMemoryConversations>();
            services.AddSingleton(sp => new InMemoryEventStore(sp.GetRequiredService<AuditKey>(), sp.GetRequiredService<InMemoryConversations>(), sp.GetRequiredService<WakeSignal>()));
            services.AddSingleton<IConversationReferences>(sp => sp.GetRequiredService<InMemoryConversations>());
            services.AddSingleton<IConversationIndex>(sp => sp.GetRequiredService<InMemoryConversations>());
            services.AddSingleton<IWebhookDeliveries, InMemoryWebhookDeliveries>();
            services.AddSingleton<IAuditCheckpoints, InMemoryAuditCheckpoints>();
            Forward<InMemoryEventStore>(services);
            services.AddSingleton<IAuditStore>(sp => sp.GetRequiredService<InMemoryEventStore>());
            services.AddSingleton<IWakeupQueue>(sp => sp.GetRequiredService<InMemoryEventStore>());
        }
        else
        {
            services.AddPostgresEventStore(postgresConnectionString, maxPoolSize, DefaultMaxPoolSize);
            Forward<PostgresEventStore>(services);
        }
        return services;
    }

    private static void Forward<TStore>(IServiceCollection services)
        where TStore : class, IEventStore, IStorageInitializer, IProjectionRebuilder, Grants.IGrantIndex
    {
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IStorageInitializer>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<IProjectionRebuilder>(sp => sp.GetRequiredService<TStore>());
        services.AddSingleton<Grants.IGrantIndex>(sp => sp.GetRequiredService<TStore>());
    }
}
