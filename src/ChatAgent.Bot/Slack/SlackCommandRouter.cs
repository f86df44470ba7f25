using System.Text;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// The words people type: an agent (by name or its slash word) with its arguments, or a built-in — <c>help</c>,
/// <c>list</c>, <c>status</c>, <c>pause</c>, <c>resume</c>, <c>pending</c>. Shared by slash commands, mentions and
/// direct messages. Answers are replies only the person asking sees; unknown words get the usage, not an error.
/// </summary>
public sealed class SlackCommandRouter(ThreadService threads, IAgentCatalog catalog, ApproverDirectory approvers, SlackCards cards, SlackResponseUrls responseUrls)
{
    /// <summary>Where a command came from: the channel, the Slack reply thread, the delivery key for a launch.</summary>
    public sealed record Context(string ChannelId, string? ThreadTs, string DeliveryKey, string CommandWord = "/agent");

    /// <summary>A slash command: <c>/agent &lt;words&gt;</c> or an agent's own command such as <c>/deploy api to production</c>.</summary>
    public async Task<SlackReply> HandleSlashAsync(SlashCommand command, CancellationToken ct)
    {
        var reply = await RouteSlashAsync(command, ct);
        // Kept for the case the bot may not post in that channel (a private channel or DM it is not a member of).
        if (reply.ThreadId is { } threadId) responseUrls.Remember(threadId, command.ResponseUrl);
        return reply;
    }

    private Task<SlackReply> RouteSlashAsync(SlashCommand command, CancellationToken ct)
    {
        var actor = SlackUsers.Actor(command.UserId, command.UserName);
        var word = command.Command.TrimStart('/');
        var context = new Context(command.ChannelId, null, "slack:trigger:" + command.TriggerId, command.Command);
        if (!string.Equals(word, "agent", StringComparison.OrdinalIgnoreCase) && FindAgent(word) is { } agent)
            return LaunchAsync(agent, command.Text, actor, context, ct);
        return RouteAsync(command.Text, actor, context with { CommandWord = "/agent" }, ct);
    }

    /// <summary>Free text: the first word picks a built-in or an agent, the rest are its arguments.</summary>
    public async Task<SlackReply> RouteAsync(string text, Actor actor, Context context, CancellationToken ct)
    {
        var (word, rest) = Split(text);
        switch (word.ToLowerInvariant())
        {
            case "" or "help":
                return Help(context.CommandWord);
            case "list":
                return List(context.CommandWord);
            case "status":
                return await StatusAsync(rest, ct);
            case "pause":
                return Answer(await ThreadAsync(rest, id => threads.PauseAsync(id, actor, ct)), "Paused");
            case "resume":
                var (id, feedback) = Split(rest);
                return Answer(id.Length == 0 ? NeedsThread() : await threads.ResumeAsync(id, actor, feedback, ct), "Resumed");
            case "pending":
                return await PendingAsync(actor, ct);
        }
        if (FindAgent(word) is { } agent) return await LaunchAsync(agent, rest, actor, context, ct);
        return new SlackReply($"I don't know \"{SlackCards.Escape(word)}\".\n" + Help(context.CommandWord).Text);
    }

    private async Task<SlackReply> LaunchAsync(AgentDefinition agent, string input, Actor actor, Context context, CancellationToken ct)
    {
        var origin = new Origin(SlackChatSurface.PlatformName, context.ChannelId, context.ThreadTs, actor.Id);
        var result = await threads.LaunchAsync(new LaunchCommand(agent.Name, input.Trim(), origin, actor, context.DeliveryKey), ct);
        if (!result.Accepted)
        {
            var usage = result.Code == RejectionCodes.Usage ? $"Usage: `{Usage(agent)}`" : result.Message!;
            return new SlackReply(usage);
        }
        var id = result.State!.Id;
        return new SlackReply(result.Duplicate ? $"Already started as `{id}`." : $"Started {agent.Name} as `{id}`. Progress and approvals will appear in this channel.", ThreadId: id);
    }

    private async Task<SlackReply> StatusAsync(string rest, CancellationToken ct)
    {
        var (id, _) = Split(rest);
        if (id.Length == 0) return new SlackReply(NeedsThread().Message!);
        if (await threads.GetStateAsync(id, null, ct) is not { } state) return new SlackReply($"There is no thread {id}.");
        var sb = new StringBuilder($"`{state.Id}` · {state.Agent} · *{state.Status.WireName()}* · step {state.Step}/{state.MaxSteps}");
        foreach (var a in state.PendingApprovals) sb.Append($"\n• waiting for approval of `{a.Tool}` (expires {SlackUsers.Date(a.ExpiresAt)})");
        if (state.PendingQuestion is { } q) sb.Append($"\n• waiting for an answer: {SlackCards.Escape(q.Question)}");
        if (state.PausedDetail is { } detail) sb.Append($"\n• paused: {SlackCards.Escape(detail)}");
        if (state.Summary is { } summary) sb.Append($"\n• {SlackCards.Escape(summary)}");
        return new SlackReply(sb.ToString());
    }

    /// <summary>The approvals the person asking may decide now (operators: all), each as its card with buttons (within 50 blocks).</summary>
    private async Task<SlackReply> PendingAsync(Actor actor, CancellationToken ct)
    {
        var blocks = new List<SlackBlock>();
        var operatorSeesAll = approvers.IsOperator(actor.Id);
        var shown = 0;
        var more = 0;
        foreach (var summary in await threads.ListAsync(new ThreadQuery(ThreadStatus.AwaitingHuman.WireName(), Limit: 100), ct))
        {
            if (await threads.GetStateAsync(summary.Id, null, ct) is not { } state) continue;
            foreach (var approval in state.PendingApprovals.Where(a => operatorSeesAll || approvers.CheckMayDecide(a, actor.Id) is null))
            {
                var (_, card) = cards.Approval(state, new ChatMessage(MessageKeys.Approval(approval.Id), "approval", $"Approval needed: {approval.Tool}", approval.Id, null, 0));
                if (blocks.Count + card.Count + 2 > BlockKitLimits.MessageBlocks) { more++; continue; }
                if (blocks.Count > 0) blocks.Add(new DividerBlock());
                blocks.AddRange(card);
                shown++;
            }
        }
        if (shown == 0) return new SlackReply("Nothing is waiting for your approval.");
        var text = $"{shown} approval(s) waiting for you" + (more > 0 ? $" (and {more} more; decide these first)." : ".");
        blocks.Insert(0, new SectionBlock(SlackText.Markdown(text)));
        return new SlackReply(text, blocks);
    }

    private SlackReply Help(string commandWord)
    {
        var sb = new StringBuilder("*Commands*\n");
        foreach (var agent in catalog.Agents) sb.Append($"• `{commandWord} {Usage(agent)}` — {SlackCards.Escape(agent.Description)}\n");
        sb.Append($"• `{commandWord} list` · `{commandWord} pending` · `{commandWord} status <thread>` · `{commandWord} pause <thread>` · `{commandWord} resume <thread> [feedback]`");
        return new SlackReply(BlockKitLimits.Clip(sb.ToString(), BlockKitLimits.Text));
    }

    private SlackReply List(string commandWord)
    {
        var lines = catalog.Agents.Select(a =>
            $"• *{a.Name}* — {SlackCards.Escape(a.Description)} (`{commandWord} {Usage(a)}`" + string.Concat(a.Triggers.Slash.Select(w => $", `/{w}`")) + ")");
        return new SlackReply(BlockKitLimits.Clip("*Agents*\n" + string.Join("\n", lines), BlockKitLimits.Text));
    }

    private AgentDefinition? FindAgent(string word) =>
        word.Length == 0 ? null : catalog.FindAgent(word.ToLowerInvariant())
            ?? catalog.Agents.FirstOrDefault(a => a.Triggers.Slash.Contains(word, StringComparer.OrdinalIgnoreCase))
            ?? catalog.Agents.FirstOrDefault(a => string.Equals(a.Name, word, StringComparison.OrdinalIgnoreCase));

    private static string Usage(AgentDefinition agent) => agent.Command.Usage(agent.Name);

    private static async Task<CommandResult> ThreadAsync(string rest, Func<string, Task<CommandResult>> command)
    {
        var (id, _) = Split(rest);
        return id.Length == 0 ? NeedsThread() : await command(id);
    }

    private static CommandResult NeedsThread() => CommandResult.Reject(RejectionCodes.Usage, "Name the thread, e.g. `status th_abc123` (its id is in the status message).");

    private static SlackReply Answer(CommandResult result, string verb) =>
        new(result.Accepted ? $"{verb} `{result.State!.Id}`." : result.Message!);

    private static (string Word, string Remainder) Split(string text)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOfAny([' ', '\n', '\t']);
        return space < 0 ? (trimmed, "") : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }
}
