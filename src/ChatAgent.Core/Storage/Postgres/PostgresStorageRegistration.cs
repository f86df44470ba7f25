using ChatAgent.Core.Chat;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>The PostgreSQL half of <c>AddChatAgentStorage</c>, here because Npgsql stays inside this namespace.</summary>
internal static class PostgresStorageRegistration
{
    /// <summary>
    /// Registers the <see cref="NpgsqlDataSource"/>, <see cref="PostgresEventStore"/> (not yet forwarded to the ports),
    /// the <see cref="Audit.IAuditStore"/> over its tables, the conversation index and the conversation references.
    /// </summary>
    public static IServiceCollection AddPostgresEventStore(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton(sp => new PostgresEventStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<Audit.AuditKey>()));
        services.AddSingleton<Audit.IAuditStore>(sp => new PostgresAuditStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetService<Audit.AuditKey>()));
        services.AddSingleton<IConversationIndex>(sp => new PostgresConversationIndex(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton<Chat.IConversationReferences>(sp => new PostgresConversationReferences(sp.GetRequiredService<NpgsqlDataSource>()));
        return services;
    }
}
