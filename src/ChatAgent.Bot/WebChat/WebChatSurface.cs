using ChatAgent.Core.Chat;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.WebChat;

/// <summary>
/// The outbox's port for threads launched from the web chat (<c>Platform = "web"</c>). The browser reads the thread's
/// events itself (the live feed), so there is nothing external to call: posting records a stable reference, and an
/// update keeps it. The outbox still records <c>message_posted</c>, so web threads leave the same audit trail as chat.
/// </summary>
public sealed class WebChatSurface : IChatSurface
{
    public const string PlatformName = "web";

    public string Platform => PlatformName;

    public Task<string> PostAsync(ThreadState thread, ChatMessage message, CancellationToken cancellationToken) =>
        Task.FromResult($"web:{thread.Id}:{message.Key}");

    public Task UpdateAsync(ThreadState thread, ChatMessage message, string messageRef, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
