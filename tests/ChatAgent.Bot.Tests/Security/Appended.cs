using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Storage;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Security;

/// <summary>What the store holds, to prove a refused request appended nothing: the threads, and each thread's events.</summary>
public static class Appended
{
    public static async Task<int> ThreadCountAsync(BotHost host) =>
        (await host.Get<IEventStore>().ListAsync(new ThreadQuery(Limit: 10_000))).Count;

    public static async Task<int> EventCountAsync(BotHost host, string threadId) =>
        (await host.Get<IEventStore>().ReadAsync(threadId, 0)).Count;

    /// <summary>
    /// The thread's event count once its chat messages are delivered: the outbox records each delivery
    /// (<c>message_posted</c>) after it happens, so counting earlier would credit a refused request with it.
    /// </summary>
    public static async Task<int> QuietEventCountAsync(BotHost host, string threadId)
    {
        var threads = host.Get<ChatAgent.Core.Runtime.ThreadService>();
        await Poll.UntilAsync(() => threads.GetStateAsync(threadId), s => s!.Messages.Values.All(m => m.IsDelivered), what: "every message delivered");
        return await EventCountAsync(host, threadId);
    }

    /// <summary>An <see cref="HttpRequestMessage"/> with a JSON body and, when given, a bearer key.</summary>
    public static HttpRequestMessage Json(HttpMethod method, string path, object body, string? key = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        if (key is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>The messages of an exception and everything inside it.</summary>
    public static string Messages(Exception e) =>
        e is AggregateException a ? string.Join("\n", a.InnerExceptions.Select(Messages)) : e.Message + (e.InnerException is { } inner ? "\n" + Messages(inner) : "");
}
