using System.Diagnostics;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Threads;
using static ChatAgent.Core.Observability.ChatAgentTelemetry;

namespace ChatAgent.Core.Observability;

/// <summary>A span and a counter around every chat post and update.</summary>
public sealed class InstrumentedChatSurface(IChatSurface inner) : IChatSurface
{
    public string Platform => inner.Platform;

    public Task<string> PostAsync(ThreadState thread, ChatMessage message, CancellationToken cancellationToken) =>
        TraceAsync("post", thread, message, () => inner.PostAsync(thread, message, cancellationToken));

    public Task UpdateAsync(ThreadState thread, ChatMessage message, string messageRef, CancellationToken cancellationToken) =>
        TraceAsync("update", thread, message, async () =>
        {
            await inner.UpdateAsync(thread, message, messageRef, cancellationToken);
            return messageRef;
        });

    private async Task<string> TraceAsync(string operation, ThreadState thread, ChatMessage message, Func<Task<string>> send)
    {
        using var activity = Source.StartActivity($"chatagent.chat.{operation}", ActivityKind.Client);
        activity?.SetTag(Tags.ThreadId, thread.Id);
        activity?.SetTag(Tags.Platform, inner.Platform);
        activity?.SetTag("chatagent.message.key", message.Key);
        try
        {
            var result = await send();
            Deliveries.Add(1, new(Tags.Platform, inner.Platform), new("chatagent.operation", operation), new(Tags.Outcome, "ok"));
            return result;
        }
        catch (Exception ex)
        {
            Deliveries.Add(1, new(Tags.Platform, inner.Platform), new("chatagent.operation", operation), new(Tags.Outcome, "error"));
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }
}
