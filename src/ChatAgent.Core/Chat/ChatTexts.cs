using System.Text;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Chat;

/// <summary>
/// The sentences of the chat command language, once for every surface; a <see cref="ChatStyle"/> adds the surface's
/// marks. Slack, Teams and the web chat therefore answer the same line with the same words.
/// </summary>
public static class ChatTexts
{
    public const string NothingPending = "Nothing is waiting for your approval.";

    public const string NoGrants = "No standing grants are live.";

    /// <summary>The live grants, one line each: id, tool, what it covers, who granted it, until when.</summary>
    public static string Grants(IReadOnlyList<Grants.Grant> grants, ChatStyle style) =>
        $"Standing grants ({grants.Count}):" + string.Concat(grants.Select(g => style.LineBreak + style.Bullet +
            $"{style.Code(g.Id)}: {style.Code(g.Tool)} with {style.Escape(g.DescribeConstraints())}, granted by {style.Escape(g.GrantedBy.Display)}, until {style.Date(g.ExpiresAt)}"));

    public static string RevokeUsage(ChatStyle style) => $"Name the grant, e.g. {style.Command("revoke gr_abc123")} ({style.Command("grants")} lists them).";

    public static string Revoked(string grantId, ChatStyle style) => $"Revoked {style.Code(grantId)}: it covers no call from now on.";

    public static string Help(IReadOnlyList<AgentDefinition> agents, ChatStyle style)
    {
        var sb = new StringBuilder("Say one of:");
        foreach (var agent in agents)
            sb.Append(style.LineBreak).Append(style.Bullet).Append(style.Command(Usage(agent))).Append(" — ").Append(style.Escape(agent.Description));
        sb.Append(style.LineBreak).Append(style.Bullet).Append(string.Join(" · ",
            new[] { "help", "list", "pending", "status <thread>", "pause <thread>", "resume <thread> [feedback]", "abort <thread> [reason]", "grants", "revoke <grant> [reason]" }.Select(style.Command)));
        return sb.ToString();
    }

    public static string List(IReadOnlyList<AgentDefinition> agents, ChatStyle style)
    {
        var sb = new StringBuilder(style.Strong("Agents"));
        foreach (var a in agents)
        {
            var also = style.ShowsSlashWords ? string.Concat(a.Triggers.Slash.Select(w => ", " + style.Code("/" + w))) : "";
            sb.Append(style.LineBreak).Append(style.Bullet).Append(style.Strong(a.Name)).Append(" — ").Append(style.Escape(a.Description))
                .Append(" (").Append(style.Command(Usage(a))).Append(also).Append(')');
        }
        return sb.ToString();
    }

    public static string Unknown(string word, IReadOnlyList<AgentDefinition> agents, ChatStyle style) =>
        $"I don't know \"{style.Escape(Shorten(word))}\".{style.LineBreak}{Help(agents, style)}";

    public static string ThreadMissing(string verb, ChatStyle style) =>
        $"Name the thread, e.g. {style.Command(verb + " th_abc123")} (its id is in the thread's status message).";

    public static string Usage(AgentDefinition agent, ChatStyle style) => "Usage: " + style.Code(Usage(agent));

    public static string Launched(string agent, string threadId, bool duplicate, ChatStyle style) => duplicate
        ? $"Already started as {style.Code(threadId)}."
        : $"Started {agent} as {style.Code(threadId)}. Progress and approvals will appear here.";

    public static string Steered(string verb, string threadId, ChatStyle style) => verb switch
    {
        "pause" => $"Paused {style.Code(threadId)}.",
        "resume" => $"Resumed {style.Code(threadId)}.",
        "abort" => $"Aborted {style.Code(threadId)}.",
        _ => throw new ArgumentOutOfRangeException(nameof(verb), verb, "Not a steering verb."),
    };

    public static string NoThread(string threadId, ChatStyle style) => $"There is no thread {style.Escape(threadId)}.";

    public static string Status(ThreadState s, ChatStyle style)
    {
        var sb = new StringBuilder($"{style.Code(s.Id)} · {s.Agent} · {style.Strong(s.Status.WireName())} · step {s.Step}/{s.MaxSteps}");
        void Line(string text) => sb.Append(style.LineBreak).Append(style.Bullet).Append(text);
        foreach (var a in s.PendingApprovals) Line($"waiting for approval of {style.Code(a.Tool)} (expires {style.Date(a.ExpiresAt)})");
        if (s.PendingQuestion is { } q) Line("waiting for an answer: " + style.Escape(q.Question));
        if (s.PausedDetail is { } detail && s.Status == ThreadStatus.Paused) Line("paused: " + style.Escape(detail));
        if (s.Summary is { } summary) Line(style.Escape(summary));
        if (s.FailureReason is { } failure) Line("failed: " + style.Escape(failure));
        return sb.ToString();
    }

    public static string Pending(int count) => $"{count} approval(s) waiting for you.";

    public static string PendingLine(ThreadState thread, PendingApproval approval, ChatStyle style) =>
        $"{style.Code(approval.Tool)} for {style.Code(thread.Id)} ({thread.Agent}), asked by {style.Escape(approval.RequestedBy)}, expires {style.Date(approval.ExpiresAt)}";

    private static string Usage(AgentDefinition agent) => agent.Command.Usage(agent.Name);

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
