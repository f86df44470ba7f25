using System.Diagnostics;
using OpenTelemetry.Trace;

namespace ChatAgent.Bot.Observability;

/// <summary>
/// The root sampler: keeps every trace that starts at a request, a job or an outgoing HTTP call, and drops database
/// client spans with no parent — Hangfire's own queue polling over Npgsql — which would otherwise flood the trace
/// store with one-span traces. Use under <see cref="ParentBasedSampler"/>.
/// </summary>
public sealed class DropRootClientSpansSampler : Sampler
{
    private const string HttpClientActivity = "System.Net.Http.HttpRequestOut";

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(samplingParameters.Kind == ActivityKind.Client && samplingParameters.Name != HttpClientActivity
            ? SamplingDecision.Drop
            : SamplingDecision.RecordAndSample);
}
