using System.Text.Json;
using ChatAgent.Core.Storage;

namespace ChatAgent.Core.Tools;

/// <summary>
/// Runs the built-ins that have an effect the runner can produce. <c>post_message</c> only returns
/// <c>{posted, text}</c>: the loop queues the chat message through the outbox. <c>ask_human</c>,
/// <c>request_approval</c> and <c>done</c> are control flow the loop owns, so asking this runner to run one is a failure.
/// </summary>
/// <remarks><c>summarize_threads</c> includes a <c>reliability</c> section when a <see cref="Reliability.ReliabilityEngine"/> is given.</remarks>
public sealed class BuiltinToolRunner(IEventStore events, TimeProvider time, Reliability.ReliabilityEngine? reliability = null) : IToolRunner
{
    public string Type => RunnerSpec.Builtin;

    public async Task<ToolOutcome> RunAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var p = invocation.Parameters;
        switch (invocation.Tool.Runner.Target)
        {
            case BuiltinTools.PostMessage:
                var text = p.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
                return ToolOutcome.Success(JsonSerializer.SerializeToElement(new { posted = true, text }));
            case BuiltinTools.SummarizeThreads:
                var hours = p.ValueKind == JsonValueKind.Object && p.TryGetProperty("since_hours", out var h) && h.ValueKind == JsonValueKind.Number && h.TryGetInt32(out var n) ? n : 24;
                return ToolOutcome.Success(await SummarizeAsync(hours, invocation.Thread.Agent, cancellationToken));
            case BuiltinTools.AskHuman or BuiltinTools.RequestApproval or BuiltinTools.Done:
                return ToolOutcome.Failure($"'{invocation.Tool.Name}' is handled by the agent loop, not run as a tool");
            default:
                return ToolOutcome.Failure($"'{invocation.Tool.Runner.Target}' is not a built-in tool");
        }
    }

    /// <summary>
    /// The threads updated in the last <paramref name="sinceHours"/>, but for the summarizing agent's own: a summary
    /// that counted itself (and its earlier runs) would report its own activity as the team's.
    /// </summary>
    private async Task<JsonElement> SummarizeAsync(int sinceHours, string summarizer, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow().AddHours(-sinceHours);
        var threads = (await events.ListAsync(new ThreadQuery(Limit: 1000), cancellationToken))
            .Where(t => t.UpdatedAt >= since && t.Agent != summarizer)
            .ToList();
        var byStatus = Count(threads, t => t.Status);
        var byAgent = Count(threads, t => t.Agent);
        var text = threads.Count == 0
            ? $"No agent threads in the last {sinceHours} h."
            : $"{threads.Count} agent thread(s) in the last {sinceHours} h: "
              + string.Join(", ", byStatus.Select(kv => $"{kv.Value} {kv.Key}"))
              + ". By agent: " + string.Join(", ", byAgent.Select(kv => $"{kv.Key} {kv.Value}")) + ".";
        var result = new Dictionary<string, object>
        {
            ["since_hours"] = sinceHours,
            ["total"] = threads.Count,
            ["by_status"] = byStatus,
            ["by_agent"] = byAgent,
            ["text"] = text,
        };
        if (reliability is not null)
        {
            var report = await reliability.MeasureAsync(ct: cancellationToken); // the engine's default window: the last 7 days
            var measured = report.Agents.Where(a => a.ObservedCompletion is not null).ToList();
            var reliabilityText = measured.Count == 0
                ? "Reliability: no finished threads yet."
                : "Reliability over 7 days (observed completion vs. measured estimate vs. the chapter's 0.95^N): "
                  + string.Join(", ", measured.Select(a => string.Create(System.Globalization.CultureInfo.InvariantCulture,
                      $"{a.Agent} {a.ObservedCompletion * 100:0}% vs {a.Estimate * 100:0}% vs {a.ChapterEstimate * 100:0}%"))) + ".";
            result["reliability"] = new Dictionary<string, object>
            {
                ["text"] = reliabilityText,
                ["agents"] = measured.Select(a => new Dictionary<string, object?>
                {
                    ["agent"] = a.Agent, ["kind"] = a.Kind, ["observed_completion"] = a.ObservedCompletion,
                    ["estimate"] = a.Estimate, ["chapter_estimate"] = a.ChapterEstimate, ["step_success_rate"] = a.StepSuccessRate,
                }).ToList(),
            };
            result["text"] = text + " " + reliabilityText;
        }
        return JsonSerializer.SerializeToElement(result);
    }

    private static SortedDictionary<string, int> Count(IEnumerable<ThreadSummary> threads, Func<ThreadSummary, string> key) =>
        new(threads.GroupBy(key).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
}
