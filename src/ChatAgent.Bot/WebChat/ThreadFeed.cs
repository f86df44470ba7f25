using System.Text.Json;
using ChatAgent.Bot.Api;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.WebChat;

/// <summary>
/// A thread's live feed as server-sent events. Each stored event is sent once as <c>event: thread-event</c> with
/// <c>id: &lt;seq&gt;</c>, followed by <c>event: state</c> (the thread's public view after the batch, <see cref="ThreadView"/>). A reconnect sends
/// <c>Last-Event-ID</c> (the browser does so by itself) or <c>?after=N</c> and resumes after that seq, so nothing is
/// lost or repeated. New events are found by reading the store every <see cref="PollInterval"/>: that works across
/// processes sharing one PostgreSQL, and a read after a seq is one indexed query.
/// </summary>
public static class ThreadFeed
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static async Task<IResult> StreamAsync(
        string id, long? after, HttpContext http, IEventStore store, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var ct = stop.Token;
        var events = await store.ReadAsync(id, 0, ct);
        if (events.Count == 0) return TypedResults.Problem(detail: $"There is no thread {id}.", statusCode: 404);
        var resumeAfter = long.TryParse(http.Request.Headers["Last-Event-ID"], out var last) ? last : after ?? 0;

        var response = http.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        var options = json.Value.SerializerOptions;
        var state = ThreadState.Empty;
        var first = true;
        var lastWrite = DateTime.UtcNow;
        try
        {
            await response.WriteAsync("retry: 1000\n\n", ct);
            while (true)
            {
                var fresh = false;
                foreach (var e in events)
                {
                    state = ThreadReducer.Reduce(state, e);
                    if (e.Seq <= resumeAfter) continue;
                    fresh = true;
                    var view = new EventView(e.Seq, e.Data.Type, e.At, e.Actor, e.Data);
                    await response.WriteAsync($"id: {e.Seq}\nevent: thread-event\ndata: {JsonSerializer.Serialize(view, options)}\n\n", ct);
                }
                if (fresh || first)
                {
                    // The state after the batch; on connect also when nothing is new, so the page is current at once.
                    await response.WriteAsync($"event: state\ndata: {JsonSerializer.Serialize(ThreadViews.View(state), options)}\n\n", ct);
                    lastWrite = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - lastWrite > Heartbeat)
                {
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    lastWrite = DateTime.UtcNow;
                }
                first = false;
                await response.Body.FlushAsync(ct);
                await Task.Delay(PollInterval, ct);
                events = await store.ReadAsync(id, state.Version, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser went away or the host is stopping: the feed simply ends; the browser reconnects with Last-Event-ID.
        }
        return TypedResults.Empty;
    }
}
