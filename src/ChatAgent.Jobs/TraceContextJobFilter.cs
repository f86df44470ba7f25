using System.Diagnostics;
using ChatAgent.Core.Observability;
using Hangfire.Client;
using Hangfire.Server;

namespace ChatAgent.Jobs;

/// <summary>
/// Carries the trace of the request that scheduled a job into the job: the client side stores <c>Activity.Current</c>'s
/// W3C traceparent as the job parameter <c>traceparent</c>; the server side runs the job under a span with that parent
/// (<c>chatagent.thread.run</c> for <see cref="RunThreadJob"/>), so one trace shows a click and the steps it released.
/// Also counts re-runs of outbox deliveries. Stateless: one instance serves every Hangfire server in the process.
/// </summary>
public sealed class TraceContextJobFilter : IClientFilter, IServerFilter
{
    public const string Parameter = "traceparent";
    private const string ActivityItem = "chatagent.activity";

    public static readonly TraceContextJobFilter Instance = new();

    public void OnCreating(CreatingContext context)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current) context.SetJobParameter(Parameter, current.Id);
    }

    public void OnCreated(CreatedContext context)
    {
    }

    public void OnPerforming(PerformingContext context)
    {
        var job = context.BackgroundJob.Job;
        if (job.Type == typeof(DeliverMessagesJob) && context.GetJobParameter<int>("RetryCount") > 0)
            ChatAgentTelemetry.DeliveryRetries.Add(1);
        ActivityContext.TryParse(context.GetJobParameter<string>(Parameter), null, out var parent);
        var name = job.Type == typeof(RunThreadJob) ? "chatagent.thread.run"
            : job.Type == typeof(DeliverMessagesJob) ? "chatagent.outbox.deliver"
            : "chatagent.job " + job.Type.Name;
        var activity = ChatAgentTelemetry.Source.StartActivity(name, ActivityKind.Consumer, parent);
        if (activity is null) return;
        activity.SetTag("hangfire.job.id", context.BackgroundJob.Id);
        if (job.Args.Count > 0 && job.Args[0] is string threadId) activity.SetTag(ChatAgentTelemetry.Tags.ThreadId, threadId);
        context.Items[ActivityItem] = activity;
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(ActivityItem, out var item) && item is Activity activity)
        {
            if (context.Exception is { } ex) activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity.Dispose();
        }
    }
}
