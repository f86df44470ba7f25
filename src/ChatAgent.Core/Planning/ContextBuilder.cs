using System.Text;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;
using static ChatAgent.Core.Planning.ContextElement;
using static ChatAgent.Core.Planning.ContextText;

namespace ChatAgent.Core.Planning;

/// <summary>
/// Factor 3, own your context window: renders a thread's state and events into the compact, XML-like
/// document the planner reads after the prompt. Contracts:
/// <list type="bullet">
/// <item>Everything that came from outside (input, tool output, comments, answers) is escaped, so no
/// content can open or close an element; tool output is wrapped in <c>&lt;tool_result trust="data"&gt;</c>.</item>
/// <item>Tool output is cut to <see cref="ContextOptions.MaxToolOutputChars"/>, error detail to
/// <see cref="ContextOptions.MaxErrorDetailChars"/> (factor 9), each with a note of how much was cut.</item>
/// <item>Outbox events (<c>message_queued</c>, <c>message_posted</c>) are left out: they are delivery, not reasoning.</item>
/// <item>Deterministic: the same inputs give the same bytes; the only times are the events' own, in ISO 8601 UTC.</item>
/// <item>No instructions: what to do is the prompt's business (factor 2); this document is facts only.</item>
/// </list>
/// </summary>
public static class ContextBuilder
{
    private const string Indent = "  ";

    public static string Render(AgentDefinition agent, ThreadState state, IReadOnlyList<StoredEvent> events, IReadOnlyList<ToolDefinition> tools, ContextOptions? options = null) =>
        Render(agent, state, ContextHistory.Render(events, options ?? ContextOptions.Default), tools, options);

    /// <summary>The same document from history lines already rendered (<see cref="ContextHistory"/>, with the same options).</summary>
    public static string Render(AgentDefinition agent, ThreadState state, IEnumerable<string> history, IReadOnlyList<ToolDefinition> tools, ContextOptions? options = null)
    {
        var o = options ?? ContextOptions.Default;
        var sb = new StringBuilder();
        Line(sb, 0, Open("thread", [("id", state.Id), ("agent", state.Agent.Length > 0 ? state.Agent : agent.Name), ("status", state.Status.WireName()),
            ("step", Int(state.Step)), ("max_steps", Int(state.MaxSteps))]));
        Line(sb, 1, "<input>" + Escape(state.Input) + "</input>");
        Section(sb, "arguments", state.Arguments.Select(a => Tag("arg", [("name", a.Key)], a.Value)));
        Section(sb, "tools", tools.Select(Tool));
        Section(sb, "history", history);
        Section(sb, "pending", Pending(state, o));
        Line(sb, 1, Tag("next", [("step", Int(state.Step + 1)), ("steps_left", Int(Math.Max(0, state.MaxSteps - state.Step))),
            ("consecutive_errors", Int(state.ConsecutiveErrors))]));
        sb.Append("</thread>\n");
        return sb.ToString();
    }

    private static string Tool(ToolDefinition t) =>
        Parent("tool", [("name", t.Name), ("kind", ContextHistory.KindName(t.Kind))],
            Tag("description", [], t.Description) + Tag("parameters", [], CompactSchema(t.ParametersSchema)));

    /// <summary>What the thread waits for, if anything: a pause, approvals, a question, a granted call, a call with no known outcome.</summary>
    private static IEnumerable<string> Pending(ThreadState s, ContextOptions o)
    {
        if (s.Status == ThreadStatus.Paused)
            yield return Tag("paused", [("reason", s.PausedReason), ("escalated", s.Escalated ? "true" : null)], s.PausedDetail is null ? null : Truncate(s.PausedDetail, o.MaxTextChars));
        foreach (var a in s.PendingApprovals)
        {
            yield return Tag("approval", [("id", a.Id), ("tool", a.Tool), ("call_id", a.ToolCallId), ("requested_by", a.RequestedBy),
                ("grants", Int(a.Votes.Where(v => v.Granted).Select(v => v.By).Distinct().Count())), ("quorum", Int(Math.Max(1, a.Policy.Quorum))),
                ("expires_at", Time(a.ExpiresAt))], Truncate(Json(a.Parameters), o.MaxToolOutputChars));
        }
        if (s.PendingQuestion is { } q)
            yield return Tag("question", [("id", q.Id), ("call_id", q.ToolCallId), ("to", q.To), ("asked_at", Time(q.AskedAt))], Truncate(q.Question, o.MaxTextChars));
        if (s.ReadyToRun is { } r)
            yield return Tag("ready_to_run", [("call_id", r.ToolCallId), ("tool", r.Tool), ("approval_id", r.ApprovalId)]);
        if (!s.IsEnded && s.LastToolCall is { HasResult: false, Kind: not ToolKind.Terminal } last)
            yield return Tag("outcome_unknown", [("call_id", last.ToolCallId), ("tool", last.Tool)]);
    }

    private static void Section(StringBuilder sb, string name, IEnumerable<string> children)
    {
        var items = children.ToList();
        if (items.Count == 0)
        {
            Line(sb, 1, $"<{name}/>");
            return;
        }
        Line(sb, 1, $"<{name}>");
        foreach (var item in items) Line(sb, 2, item);
        Line(sb, 1, $"</{name}>");
    }

    private static void Line(StringBuilder sb, int depth, string text)
    {
        for (var i = 0; i < depth; i++) sb.Append(Indent);
        sb.Append(text).Append('\n');
    }
}
