using System.Collections.Concurrent;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChatAgent.Bot.Tests.Faults;

/// <summary>
/// Observes the host's real event store: every append that succeeds is recorded with the request it was made in
/// (the <see cref="RequestHeader"/> the test sends), or with none when a background job made it. Nothing is faked:
/// reads and appends go to the store the host registered.
/// </summary>
public sealed class AppendRecorder(IEventStore inner, IHttpContextAccessor http) : IEventStore
{
    public const string RequestHeader = "X-Fuzz-Request";

    public ConcurrentQueue<(string? Request, string ThreadId, int Events)> Appends { get; } = new();

    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string threadId, long afterSeq = 0, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(threadId, afterSeq, cancellationToken);

    public async Task<IReadOnlyList<StoredEvent>> AppendAsync(string threadId, long expectedVersion, IReadOnlyList<NewEvent> events,
        ThreadSummary summary, string? deliveryKey = null, IReadOnlyList<ThreadWakeup>? wakeups = null, CancellationToken cancellationToken = default)
    {
        var stored = await inner.AppendAsync(threadId, expectedVersion, events, summary, deliveryKey, wakeups, cancellationToken);
        var request = http.HttpContext?.Request.Headers[RequestHeader].ToString();
        Appends.Enqueue((string.IsNullOrEmpty(request) ? null : request, threadId, stored.Count));
        return stored;
    }

    public Task<IReadOnlyList<ThreadSummary>> ListAsync(ThreadQuery query, CancellationToken cancellationToken = default) =>
        inner.ListAsync(query, cancellationToken);

    /// <summary>Replaces the host's <see cref="IEventStore"/> registration with a recorder around it.</summary>
    public static void Install(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        var original = services.Last(d => d.ServiceType == typeof(IEventStore));
        services.Remove(original);
        services.AddSingleton<AppendRecorder>(sp => new AppendRecorder(Resolve(original, sp), sp.GetRequiredService<IHttpContextAccessor>()));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<AppendRecorder>());
    }

    private static IEventStore Resolve(ServiceDescriptor d, IServiceProvider sp) =>
        (IEventStore)(d.ImplementationInstance
            ?? d.ImplementationFactory?.Invoke(sp)
            ?? ActivatorUtilities.CreateInstance(sp, d.ImplementationType!));
}
