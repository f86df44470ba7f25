using ChatAgent.Core.Observability;
using ChatAgent.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs;

/// <summary>
/// Outbox deliveries in this process, at most <see cref="JobsOptions.DeliveryWorkers"/> at a time
/// (<see cref="LocalWork"/>): the first attempt runs the moment its wake-up arrives, without a Hangfire job (with a job
/// per delivery the load driver's loop cost the database 19.4 transactions per step, without it 7.2: docs/PERFORMANCE.md). A delivery that fails (the chat
/// platform down or refusing) becomes a <see cref="DeliverMessagesJob"/>, whose retries back off: messages are delayed,
/// never lost. A delivery is the span <c>chatagent.outbox.deliver</c>, as the job's is.
/// </summary>
public sealed class LocalDeliveries(
    IServiceScopeFactory scopes,
    IWakeupQueue wakeups,
    WakeSignal signal,
    HangfireThreadScheduler jobs,
    WorkScheduler scheduler,
    IOptions<JobsOptions> options,
    ILogger<LocalDeliveries> log) : LocalWork(scopes, wakeups, signal, scheduler, log)
{
    protected override int Workers => options.Value.DeliveryWorkers;

    protected override WakeupKind Kind => WakeupKind.Deliver;

    protected override string SpanName => "chatagent.outbox.deliver";

    protected override string What => "Delivery";

    protected override Task WorkAsync(IServiceProvider services, string threadId, CancellationToken stopping) =>
        services.GetRequiredService<DeliverMessagesJob>().RunAsync(threadId, stopping);

    protected override async Task RetryLaterAsync(string threadId)
    {
        await jobs.ScheduleDeliveryAsync(threadId, CancellationToken.None);
        // The job's first attempt is this delivery's second.
        ChatAgentTelemetry.DeliveryRetries.Add(1);
    }
}
