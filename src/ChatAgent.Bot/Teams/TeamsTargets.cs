using ChatAgent.Core.Chat;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// Where a thread's Teams messages go: the conversation the thread came from, through the service URL its activity
/// named (a person talked to the bot there), else the conversation reference stored when the bot was installed
/// there (cron and proactive posts). Null when the bot is not installed there.
/// </summary>
public sealed class TeamsTargets(IConversationReferences references)
{
    public async Task<(string ServiceUrl, string Conversation)?> FindAsync(ThreadState thread, CancellationToken ct)
    {
        var conversation = thread.Origin.Conversation ?? throw new InvalidOperationException($"Thread {thread.Id} has no Teams conversation.");
        if (thread.Origin.ServiceUrl is { } serviceUrl) return (serviceUrl, conversation);
        return await references.FindAsync(TeamsChatSurface.PlatformName, conversation, ct) is { ServiceUrl: { } stored } ? (stored, conversation) : null;
    }

    /// <summary>
    /// Where to open a person's personal chat from: the service URL and tenant of the thread's own Teams conversation, else
    /// those of the reference stored most recently (the bot's install in a team or chat). Null when the bot was never installed.
    /// </summary>
    public async Task<(string ServiceUrl, string? TenantId)?> ReachAsync(ThreadState thread, CancellationToken ct)
    {
        if (thread.Origin.Platform == TeamsChatSurface.PlatformName && thread.Origin.ServiceUrl is { } own) return (own, thread.Origin.TenantId);
        var stored = (await references.ListAsync(TeamsChatSurface.PlatformName, ct)).FirstOrDefault(r => r.ServiceUrl is not null);
        return stored is null ? null : (stored.ServiceUrl!, stored.TenantId);
    }
}
