using ChatAgent.Bot.Teams.Connector;
using ChatAgent.Core.Chat;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// Teams' "ChatAgent is typing…" for threads that talk in Teams: shown once a step has run for <see cref="After"/>
/// (a quick step shows nothing) and sent again every <see cref="Every"/>, since Teams clears the indicator after a few
/// seconds or at the next message. It is best effort: a skipped or failed send is not retried and never fails the step.
/// </summary>
public sealed class TeamsTypingIndicator(BotConnectorClient connector, TeamsTargets targets, TimeProvider time, ILogger<TeamsTypingIndicator> log) : IWorkingIndicator
{
    public static readonly TimeSpan After = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(3);

    public IAsyncDisposable Begin(ThreadState thread)
    {
        if (thread.Origin.Platform != TeamsChatSurface.PlatformName || thread.Origin.Conversation is null) return Showing.None;
        var stop = new CancellationTokenSource();
        // The schedule is fixed from now, so a slow send does not stretch it and a late start catches up at once.
        var start = time.GetUtcNow();
        var first = Task.Delay(After, time, stop.Token);
        return new Showing(stop, TypeAsync(thread, start, first, stop.Token));
    }

    private async Task TypeAsync(ThreadState thread, DateTimeOffset start, Task first, CancellationToken ct)
    {
        try
        {
            await first;
            for (var n = 1; ; n++)
            {
                if (await targets.FindAsync(thread, ct) is not var (serviceUrl, conversation)) return; // not installed there
                await connector.TypingAsync(serviceUrl, conversation, thread.Origin.ThreadRef, ct);
                var next = start + After + n * Every - time.GetUtcNow();
                if (next > TimeSpan.Zero) await Task.Delay(next, time, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the step ended
        }
        catch (Exception ex)
        {
            log.LogInformation("No typing indicator for thread {ThreadId} in Teams: {Reason}", thread.Id, ex.Message);
        }
    }

    private sealed class Showing(CancellationTokenSource? stop, Task typing) : IAsyncDisposable
    {
        public static readonly Showing None = new(null, Task.CompletedTask);

        public async ValueTask DisposeAsync()
        {
            if (stop is null) return;
            await stop.CancelAsync();
            await typing;
            stop.Dispose();
        }
    }
}
