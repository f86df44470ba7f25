using ChatAgent.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatAgent.Jobs;

/// <summary>
/// Thread runs in this process, at most <see cref="JobsOptions.RunWorkers"/> at a time (<see cref="LocalWork"/>): no job
/// queue between a click and the next step. A run that fails is handed to Hangfire (<see cref="RunThreadJob"/>). A run
/// is the span <c>chatagent.thread.run</c>.
/// </summary>
public sealed class LocalRuns(
    IServiceScopeFactory scopes,
    IWakeupQueue wakeups,
    WakeSignal signal,
    HangfireThreadScheduler jobs,
    WorkScheduler scheduler,
    IOptions<JobsOptions> options,
    ILogger<LocalRuns> log) : LocalWork(scopes, wakeups, signal, scheduler, log)
{
    protected override int Workers => options.Value.RunWorkers;

    protected override WakeupKind Kind => WakeupKind.Run;

    protected override string SpanName => "chatagent.thread.run";

    protected override string What => "Run";

    protected override Task WorkAsync(IServiceProvider services, string threadId, CancellationToken stopping) =>
        services.GetRequiredService<RunThreadJob>().RunAttemptAsync(threadId, 0, stopping);

    protected override Task RetryLaterAsync(string threadId) => jobs.ScheduleRunAsync(threadId, CancellationToken.None);
}
