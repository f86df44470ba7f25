using System.Net;

namespace ChatAgent.TestSupport;

/// <summary>The request loop of the fakes that stand in for servers we cannot reach (Slack, Bot Framework, models, webhooks).</summary>
public static class HttpListenerRequests
{
    /// <summary>
    /// The next request, or null once <paramref name="stopping"/> is cancelled or the listener has stopped. A wait for a
    /// request that begins while <see cref="HttpListener.Abort"/> runs is never completed by the listener (it completes
    /// only the waits it already knew of), so a fake disposed before any request arrived could hang its test for good;
    /// cancel <paramref name="stopping"/> before aborting the listener and the loop always ends.
    /// </summary>
    public static async Task<HttpListenerContext?> NextAsync(this HttpListener listener, CancellationToken stopping)
    {
        if (!listener.IsListening || stopping.IsCancellationRequested) return null;
        Task<HttpListenerContext> next;
        try { next = listener.GetContextAsync(); }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return null; }
        if (await Task.WhenAny(next, Task.Delay(Timeout.Infinite, stopping)) != next)
        {
            _ = next.ContinueWith(t => t.Exception, TaskScheduler.Default); // observed, never awaited
            return null;
        }
        try { return await next; }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return null; }
    }
}
