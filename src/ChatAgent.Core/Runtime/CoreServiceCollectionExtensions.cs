using ChatAgent.Core.Approvals;
using ChatAgent.Core.Planning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatAgent.Core.Runtime;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// The loop and the commands. Needs, from elsewhere: storage (<c>AddChatAgentStorage</c>), tools and agents
    /// (<c>AddChatAgentTools</c>), an <see cref="IThreadScheduler"/> (the jobs) and, optionally, an <see cref="IPlanner"/>
    /// (default: <see cref="OfflinePlanner"/>).
    /// </summary>
    public static IServiceCollection AddChatAgentCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdGenerator, RandomIdGenerator>();
        services.TryAddSingleton<IPlanner, OfflinePlanner>();
        services.AddOptions<ApprovalOptions>();
        services.AddOptions<PeopleOptions>();
        services.TryAddSingleton<PeopleDirectory>();
        services.TryAddSingleton<ApproverDirectory>();
        services.TryAddSingleton<ThreadService>();
        services.TryAddSingleton<ThreadForker>();
        services.AddOptions<Chat.ChatOptions>();
        services.TryAddSingleton<Chat.ChatCommandParser>();
        services.TryAddSingleton<ApprovalInbox>();
        services.TryAddSingleton<Chat.ChatCommandRunner>();
        services.TryAddSingleton<WorkflowLoop>();
        services.TryAddSingleton<ThreadCache>();
        services.TryAddSingleton<Chat.DeliveryTargets>();
        services.TryAddSingleton<AgentLoop>();
        services.TryAddSingleton<Audit.AuditTrail>();
        services.TryAddSingleton<Audit.AuditVerification>();
        return services;
    }
}
