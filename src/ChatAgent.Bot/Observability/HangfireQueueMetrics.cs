using System.Diagnostics.Metrics;
using ChatAgent.Jobs;
using Hangfire;

namespace ChatAgent.Bot.Observability;

/// <summary>
/// <c>chatagent.jobs.queue.depth</c>: enqueued jobs per Hangfire queue, read from Hangfire's monitoring API at each
/// collection; <c>chatagent.runs.active</c> and <c>chatagent.runs.waiting</c>: this process's thread runs, and the runs
/// woken that waited for a free run worker at the dispatcher's last look.
/// </summary>
public sealed class HangfireQueueMetrics : IDisposable
{
    public const string MeterName = "ChatAgent.Jobs";

    private readonly Meter _meter = new(MeterName);

    public HangfireQueueMetrics(JobStorage storage, LocalRuns runs, ThreadDispatcher dispatcher, ILogger<HangfireQueueMetrics> log)
    {
        _meter.CreateObservableGauge("chatagent.runs.active", () => runs.Active, "{run}", "Thread runs in progress in this process");
        _meter.CreateObservableGauge("chatagent.runs.waiting", () => dispatcher.WaitingRuns, "{run}", "Woken thread runs waiting for a free run worker");
        _meter.CreateObservableGauge("chatagent.jobs.queue.depth", () => Read(storage, log), "{job}", "Jobs waiting in each Hangfire queue");
        _meter.CreateObservableGauge("chatagent.jobs.failed", () => storage.GetMonitoringApi().FailedCount(), "{job}", "Jobs in Hangfire's failed state");
    }

    private static IEnumerable<Measurement<long>> Read(JobStorage storage, ILogger log)
    {
        var monitoring = storage.GetMonitoringApi();
        var result = new List<Measurement<long>>();
        foreach (var queue in JobQueues.All)
        {
            try
            {
                result.Add(new Measurement<long>(monitoring.EnqueuedCount(queue), new KeyValuePair<string, object?>("hangfire.queue", queue)));
            }
            catch (Exception ex)
            {
                log.LogDebug(ex, "Could not read the depth of queue {Queue}", queue);
            }
        }
        return result;
    }

    public void Dispose() => _meter.Dispose();
}
