using System.Text;
using ChatAgent.Bot.Teams.Cards;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// A typed message: the built-ins (<c>help</c>, <c>list</c>, <c>pending</c>, <c>status</c>, <c>pause</c>, <c>resume</c>),
/// an agent's command word (<c>deploy api to production</c>, or <c>agent deploy api to production</c>), an answer to a
/// pending <c>ask_human</c> of a thread in this conversation, else the usage. Answers go back as replies.
/// </summary>
public sealed class TeamsMessages(ThreadService threads, IAgentCatalog catalog, TeamsCards cards, TeamsReplies replies, ChatAgent.Core.Approvals.ApproverDirectory approvers)
{
    public async Task HandleAsync(Activity activity, Actor actor, CancellationToken ct)
    {
        var text = TeamsText.Clean(activity.Text);
        var (word, rest) = Split(text);
        switch (word.ToLowerInvariant())
        {
            case "" or "help" or "?":
                Say(activity, Usage());
                return;
            case "list":
                Say(activity, "Agents:\n\n" + string.Join("\n\n", catalog.Agents.Select(a => $"- {a.Command.Usage(a.Name)} — {a.Description}")));
                return;
            case "pending":
                await PendingAsync(activity, actor, ct);
                return;
            case "status":
                await StatusAsync(activity, rest, ct);
                return;
            case "pause":
                await CommandAsync(activity, rest, "pause <thread>", id => threads.PauseAsync(id, actor, ct), "Paused");
                return;
            case "resume":
                var (id, feedback) = Split(rest);
                await CommandAsync(activity, id, "resume <thread> [feedback]", t => threads.ResumeAsync(t, actor, string.IsNullOrWhiteSpace(feedback) ? null : feedback, ct), "Resumed");
                return;
            case "agent":
                var (name, input) = Split(rest);
                if (catalog.FindAgent(name) is { } named) { await LaunchAsync(activity, actor, named, input, ct); return; }
                break;
        }
        if (FindAgent(word) is { } agent)
        {
            await LaunchAsync(activity, actor, agent, rest, ct);
            return;
        }
        if (await FindQuestionAsync(activity, ct) is { } waiting)
        {
            var answered = await threads.AnswerAsync(waiting.Id, actor, text, waiting.PendingQuestion!.Id, ct);
            if (!answered.Accepted) Say(activity, answered.Message!);
            return;
        }
        Say(activity, $"I don't know \"{Shorten(text)}\".\n\n" + Usage());
    }

    private async Task LaunchAsync(Activity activity, Actor actor, AgentDefinition agent, string input, CancellationToken ct)
    {
        var origin = new Origin(TeamsChatSurface.PlatformName, activity.Conversation?.Id, activity.Id, actor.Id, activity.ServiceUrl, activity.TenantId);
        var result = await threads.LaunchAsync(new LaunchCommand(agent.Name, input, origin, actor, DeliveryKey: "teams:" + activity.Id), ct);
        if (!result.Accepted) Say(activity, result.Message!);
        // Accepted: the thread's status message is posted by the outbox as a reply; a duplicate delivery says nothing.
    }

    private async Task PendingAsync(Activity activity, Actor actor, CancellationToken ct)
    {
        var waiting = await threads.ListAsync(new ThreadQuery(Status: ThreadStatus.AwaitingHuman.WireName(), Limit: 20), ct);
        var found = new List<AdaptiveCard>();
        foreach (var summary in waiting.Where(s => s.PendingApprovals > 0))
        {
            if (await threads.GetStateAsync(summary.Id, null, ct) is not { } state) continue;
            // Only what the person asking may decide; operators see all.
            var mine = state.PendingApprovals.Where(a => approvers.IsOperator(actor.Id) || approvers.CheckMayDecide(a, actor.Id) is null);
            found.AddRange(mine.Select(a => cards.Approval(state, a.Id, actor.Id)));
        }
        if (found.Count == 0) Say(activity, "Nothing is waiting for your approval.");
        else replies.Reply(activity, TeamsChatSurface.CardActivity([.. found.Take(10)]) with { Text = $"{found.Count} approval(s) waiting:" });
    }

    private async Task StatusAsync(Activity activity, string threadId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(threadId)) { Say(activity, "Usage: status <thread>"); return; }
        if (await threads.GetStateAsync(threadId.Trim(), null, ct) is not { } s) { Say(activity, $"There is no thread {threadId.Trim()}."); return; }
        var text = new StringBuilder($"{s.Agent} · thread {s.Id} · {s.Status.WireName()} · step {s.Step}/{s.MaxSteps}");
        foreach (var a in s.PendingApprovals) text.Append($"\n\n- waiting for approval of {a.Tool} ({a.Id}) until {a.ExpiresAt:u}");
        if (s.PendingQuestion is { } q) text.Append($"\n\n- waiting for an answer: {q.Question}");
        if (s.Summary is { } summary) text.Append($"\n\n{summary}");
        if (s.FailureReason is { } failure) text.Append($"\n\nFailed: {failure}");
        Say(activity, text.ToString());
    }

    private async Task CommandAsync(Activity activity, string threadId, string usage, Func<string, Task<CommandResult>> run, string done)
    {
        if (string.IsNullOrWhiteSpace(threadId)) { Say(activity, "Usage: " + usage); return; }
        var result = await run(threadId.Trim());
        Say(activity, result.Accepted ? $"{done} {threadId.Trim()}." : result.Message!);
    }

    /// <summary>The newest thread of this conversation that waits for an answer, if any.</summary>
    private async Task<ThreadState?> FindQuestionAsync(Activity activity, CancellationToken ct)
    {
        var waiting = await threads.ListAsync(new ThreadQuery(Status: ThreadStatus.AwaitingHuman.WireName(), Limit: 50), ct);
        foreach (var summary in waiting.Where(s => s.Platform == TeamsChatSurface.PlatformName))
        {
            if (await threads.GetStateAsync(summary.Id, null, ct) is { PendingQuestion: not null } state
                && string.Equals(state.Origin.Conversation, activity.Conversation?.Id, StringComparison.Ordinal))
                return state;
        }
        return null;
    }

    private AgentDefinition? FindAgent(string word) =>
        string.IsNullOrEmpty(word) ? null
            : catalog.FindAgent(word) ?? catalog.Agents.FirstOrDefault(a => a.Triggers.Slash.Contains(word, StringComparer.OrdinalIgnoreCase));

    private string Usage() =>
        "Say one of:\n\n" + string.Join("\n\n", catalog.Agents.Select(a => "- " + a.Command.Usage(a.Name))) +
        "\n\n- help · list · pending · status <thread> · pause <thread> · resume <thread> [feedback]";

    private void Say(Activity activity, string text) => replies.Reply(activity, TeamsChatSurface.Text(text));

    private static (string Word, string Tail) Split(string text)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOf(' ');
        return space < 0 ? (trimmed, "") : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
