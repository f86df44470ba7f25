using ChatAgent.Bot.WebChat;
using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// Renders Core's neutral outbox messages into Block Kit, from the thread's live state: an approval card shows what,
/// the tool, its exact parameters, why, who asked, the expiry and the votes, with buttons while it is pending and
/// the decision once settled; a stuck card offers Retry and Abort while the thread is stuck.
/// </summary>
public sealed class SlackCards(IAgentCatalog catalog, ApproverDirectory approvers, WebChat.FullCallLink fullCall)
{
    /// <param name="requested">The approval's request event, for a card whose approval is settled (state keeps only the outcome).</param>
    public (string Text, IReadOnlyList<SlackBlock> Blocks) Render(ThreadState thread, ChatMessage message, ApprovalRequested? requested = null) => message.Kind switch
    {
        "approval" => Approval(thread, message, requested),
        "stuck" => Stuck(thread, message),
        "question" => Question(thread, message),
        "nudge" => Nudge(thread, message),
        "amended" => Amended(thread, message),
        "final" => Simple(message.Text, $"{thread.Agent} · {thread.Id} · {thread.Status.WireName()}"),
        "status" => Simple(message.Text, $"thread {thread.Id}"),
        _ => Simple(message.Text, null),
    };

    /// <summary>The approval card of one approval (also used by <c>/agent pending</c>).</summary>
    public (string Text, IReadOnlyList<SlackBlock> Blocks) Approval(ThreadState thread, ChatMessage message, ApprovalRequested? requested = null)
    {
        var id = message.ApprovalId ?? "";
        var pending = thread.FindPendingApproval(id);
        var settled = thread.FindSettledApproval(id);
        var request = pending is not null
            ? new RequestView(pending.Tool, pending.Parameters, pending.Reason, pending.RequestedBy, pending.ExpiresAt, pending.ParametersHash)
            : requested is not null && requested.ApprovalId == id
                ? new RequestView(requested.Tool, requested.Parameters, requested.Reason, requested.RequestedBy, requested.ExpiresAt, requested.ParametersHash)
                : null;
        if (request is null && settled is null) return Simple(message.Text, $"thread {thread.Id}");

        var tool = request?.Tool ?? settled!.Tool;
        var blocks = new List<SlackBlock>
        {
            new HeaderBlock(SlackText.Plain((pending is null ? "Approval: " : "Approval needed: ") + tool, BlockKitLimits.HeaderText)),
        };
        var what = catalog.FindTool(tool)?.Description ?? message.Text;
        var lines = new List<string> { $"*What:* {Escape(what)}", $"*Tool:* `{tool}`" };
        if (request is not null)
        {
            if (!string.IsNullOrWhiteSpace(request.Reason)) lines.Add($"*Why:* {Escape(request.Reason)}");
            lines.Add($"*Asked by:* {SlackUsers.Mention(request.RequestedBy)} for thread `{thread.Id}` ({thread.Agent})");
            lines.Add($"*Expires:* {SlackUsers.Date(request.ExpiresAt)}");
        }
        blocks.Add(new SectionBlock(SlackText.Markdown(string.Join("\n", lines))));
        if (request is not null)
        {
            // Never a clipped call: what is approved is shown whole, or as its digest and a link to the whole.
            var pretty = Pretty(request.Parameters);
            // A settled card shows the call as asked; its outcome says what the approver changed.
            var label = settled is { Amendments.Count: > 0 } ? "*Parameters as asked:*" : "*Parameters:*";
            blocks.Add(new SectionBlock(SlackText.Markdown(pretty.Length <= FullCallLink.MaxCardParameters
                ? label + "\n```" + pretty + "```"
                : label + " " + Escape(fullCall.TooLarge(thread.Id, pretty.Length, request.ParametersHash)))));
        }

        var story = ApprovalStory.Of(thread, pending?.ToolCallId ?? settled?.ToolCallId ?? "");
        if (story.Preconditions.Count > 0)
            blocks.Add(new SectionBlock(SlackText.Markdown(Clip("*Checked before asking:*\n" + string.Join("\n", story.Preconditions.Select(c => Escape(ApprovalStory.Line(c)))), BlockKitLimits.Text))));
        if (pending is not null && !thread.IsEnded)
        {
            var notes = new List<SlackText>
            {
                SlackText.Markdown($"Approvers: {Escape(approvers.Describe(pending))} · needs {pending.Policy.Quorum}"),
            };
            if (pending.Votes.Count > 0)
                notes.Add(SlackText.Markdown("Votes: " + string.Join(", ", pending.Votes.Select(v => $"{(v.Granted ? "✅" : "❌")} {SlackUsers.Mention(v.By, v.ByName)}"))));
            if (pending.EscalatedTo is { Count: > 0 } to)
                notes.Add(SlackText.Markdown($"⏫ Escalated to {Escape(string.Join(", ", to))} {Mentions(approvers.ToNudge(pending, escalation: true))}".TrimEnd()
                    + (pending.EscalatedAt is { } escalatedAt ? " " + SlackUsers.Date(escalatedAt) : "")));
            foreach (var amendment in pending.Amendments)
                notes.Add(SlackText.Markdown(Clip($"✏️ Changed by {SlackUsers.Mention(amendment.By, amendment.ByName)}: {Escape(ParameterDiff.Describe(amendment.Changes))}", BlockKitLimits.Text)));
            if (pending.RemindedAt is { } remindedAt) notes.Add(SlackText.Markdown($"⏰ Reminded {SlackUsers.Date(remindedAt)}"));
            blocks.Add(new ContextBlock(notes));
            blocks.Add(new ActionsBlock(Buttons(thread.Id, pending)) { BlockId = "approval:" + pending.Id });
        }
        else if (settled is not null)
        {
            blocks.Add(new SectionBlock(SlackText.Markdown(Outcome(settled))));
            if (story.ActionLine is { } action)
            {
                var afterwards = story.Verifications.Select(c => Escape(ApprovalStory.Line(c))).Prepend((story.Action == ActionState.VerificationFailed ? "⚠️ " : "") + $"*{action}*");
                blocks.Add(new SectionBlock(SlackText.Markdown(Clip(string.Join("\n", afterwards), BlockKitLimits.Text))));
            }
        }
        else
        {
            blocks.Add(new ContextBlock([SlackText.Markdown($"No longer pending: the thread has {thread.Status.WireName()}.")]));
        }
        return (Clip(message.Text, BlockKitLimits.Text), blocks);
    }

    /// <summary>
    /// Approvals as their cards with buttons, divided, within <paramref name="maxBlocks"/> (a message's 50, a Home tab's
    /// 100); returns the blocks and how many cards fit. Used by <c>/agent pending</c> and the App Home inbox.
    /// </summary>
    public (List<SlackBlock> Blocks, int Shown) Approvals(IEnumerable<(ThreadState Thread, PendingApproval Approval)> items, int maxBlocks)
    {
        var blocks = new List<SlackBlock>();
        var shown = 0;
        foreach (var (thread, approval) in items)
        {
            var (_, card) = Approval(thread, new ChatMessage(Core.Runtime.MessageKeys.Approval(approval.Id), "approval", $"Approval needed: {approval.Tool}", approval.Id, null, 0));
            if (blocks.Count + card.Count + 1 > maxBlocks) continue;
            if (blocks.Count > 0) blocks.Add(new DividerBlock());
            blocks.AddRange(card);
            shown++;
        }
        return (blocks, shown);
    }

    /// <summary>
    /// A rung of the ladder as a new message that @mentions whom it concerns (an edited card notifies no one): the
    /// approvers for a reminder, the escalation group's members for an escalation.
    /// </summary>
    private (string, IReadOnlyList<SlackBlock>) Nudge(ThreadState thread, ChatMessage message)
    {
        if (message.ApprovalId is not { } id || thread.FindPendingApproval(id) is not { } pending)
            return Simple(Escape(message.Text) + " (already settled)", $"thread {thread.Id}");
        var escalation = message.Key.EndsWith(":escalate", StringComparison.Ordinal);
        var who = Mentions(approvers.ToNudge(pending, escalation));
        var text = (escalation ? $"⏫ Escalated to you: `{Escape(pending.Tool)}`" : $"⏰ Reminder: `{Escape(pending.Tool)}`")
            + $" for thread `{thread.Id}` ({Escape(thread.Agent)}), asked by {SlackUsers.Mention(pending.RequestedBy)}, still needs a decision; it expires {SlackUsers.Date(pending.ExpiresAt)}.";
        // Mentions stay unescaped: <@U…> is what notifies the person.
        var line = who.Length > 0 ? who + " " + text : text;
        return (Clip(line, BlockKitLimits.Text), [new SectionBlock(SlackText.Markdown(Clip(line, BlockKitLimits.Text)))]);
    }

    /// <summary>An approver changed the call before approving it: a new message (an edited card notifies no one) that @mentions the requester.</summary>
    private static (string, IReadOnlyList<SlackBlock>) Amended(ThreadState thread, ChatMessage message)
    {
        var line = $"✏️ {SlackUsers.Mention(thread.RequestedBy)} {Escape(message.Text)}";
        return (Clip(line, BlockKitLimits.Text), [new SectionBlock(SlackText.Markdown(Clip(line, BlockKitLimits.Text)))]);
    }

    /// <summary>Slack mentions of the Slack ids among <paramref name="ids"/>.</summary>
    private static string Mentions(IEnumerable<string> ids) =>
        string.Join(" ", ids.Where(i => i.StartsWith("slack:", StringComparison.OrdinalIgnoreCase)).Select(i => SlackUsers.Mention(i)));

    private static List<SlackElement> Buttons(string threadId, PendingApproval pending)
    {
        var value = SlackActions.ApprovalValue(threadId, pending.Id);
        var confirm = pending.Policy.Confirm
            ? new ConfirmDialog(SlackText.Plain("Are you sure?", 100), SlackText.Markdown(Clip($"Run `{pending.Tool}` with these parameters:\n```{Pretty(pending.Parameters)}```", 300)),
                SlackText.Plain("Approve", 30), SlackText.Plain("Cancel", 30), "primary")
            : null;
        return
        [
            new ButtonElement(SlackText.Plain("Approve", BlockKitLimits.ButtonText), value, "primary", confirm) { ActionId = SlackActions.Approve },
            new ButtonElement(SlackText.Plain("Deny", BlockKitLimits.ButtonText), value, "danger") { ActionId = SlackActions.Deny },
            new ButtonElement(SlackText.Plain("Approve with comment…", BlockKitLimits.ButtonText), value) { ActionId = SlackActions.ApproveWithComment },
            new ButtonElement(SlackText.Plain("Deny with comment…", BlockKitLimits.ButtonText), value) { ActionId = SlackActions.DenyWithComment },
            .. pending.Policy.Editable ? [new ButtonElement(SlackText.Plain("Edit…", BlockKitLimits.ButtonText), value) { ActionId = SlackActions.Edit }] : Array.Empty<SlackElement>(),
            // A standing grant: only where the policy allows one (never by default).
            .. pending.Policy.GrantOffer is { } offer
                ? [new ButtonElement(SlackText.Plain($"Approve and allow for {Core.Tools.Durations.Describe(offer)}", BlockKitLimits.ButtonText), value, null, confirm) { ActionId = SlackActions.ApproveAndAllow }]
                : Array.Empty<SlackElement>(),
        ];
    }

    private static string Outcome(ApprovalOutcome settled)
    {
        if (settled.Outcome == ApprovalOutcome.Expired) return $"⌛ *Expired* {SlackUsers.Date(settled.At)}: nothing was run.";
        var vote = settled.DecidingVote;
        var who = vote is null ? "someone" : SlackUsers.Mention(vote.By, vote.ByName);
        var icon = settled.Outcome != ApprovalOutcome.Granted ? "❌ *Denied*" : settled.Amendments.Count > 0 ? "✅ *Approved with changes*" : "✅ *Approved*";
        var line = $"{icon} by {who} {SlackUsers.Date(settled.At)}";
        if (settled.Outcome == ApprovalOutcome.Granted && settled.Amendments.Count > 0)
            line += "\n*Changed:* " + Escape(ParameterDiff.Describe(settled.Amendments.SelectMany(a => a.Changes)));
        return vote?.Comment is { } comment ? $"{line}\n> {Escape(comment)}" : line;
    }

    private (string, IReadOnlyList<SlackBlock>) Stuck(ThreadState thread, ChatMessage message)
    {
        var blocks = new List<SlackBlock>
        {
            new SectionBlock(SlackText.Markdown($"⚠️ *{Escape(thread.Agent)} is stuck* (thread `{thread.Id}`)\n{Escape(message.Text)}")),
        };
        if (thread.Status == ThreadStatus.Paused && thread.Escalated)
        {
            if (!string.IsNullOrWhiteSpace(thread.PausedDetail) && !message.Text.Contains(thread.PausedDetail, StringComparison.Ordinal))
                blocks.Add(new SectionBlock(SlackText.Markdown("```" + Clip(thread.PausedDetail, BlockKitLimits.Text - 10) + "```")));
            blocks.Add(new ActionsBlock(
            [
                new ButtonElement(SlackText.Plain("Retry"), thread.Id, "primary") { ActionId = SlackActions.Retry },
                new ButtonElement(SlackText.Plain("Retry with a hint…"), thread.Id) { ActionId = SlackActions.RetryWithHint },
                new ButtonElement(SlackText.Plain("Abort"), thread.Id, "danger",
                    new ConfirmDialog(SlackText.Plain("Abort this thread?"), SlackText.Plain("It ends for good; nothing more will run."), SlackText.Plain("Abort"), SlackText.Plain("Cancel"), "danger"))
                    { ActionId = SlackActions.Abort },
            ]) { BlockId = "stuck:" + thread.Id });
        }
        return (Clip(message.Text, BlockKitLimits.Text), blocks);
    }

    private static (string, IReadOnlyList<SlackBlock>) Question(ThreadState thread, ChatMessage message)
    {
        var blocks = new List<SlackBlock> { new SectionBlock(SlackText.Markdown("❓ " + Escape(message.Text))) };
        if (thread.PendingQuestion is { } q && q.Id == message.RequestId)
            blocks.Add(new ContextBlock([SlackText.Markdown($"Reply in this thread to answer (thread `{thread.Id}`).")]));
        return (Clip(message.Text, BlockKitLimits.Text), blocks);
    }

    private static (string, IReadOnlyList<SlackBlock>) Simple(string text, string? context)
    {
        var blocks = new List<SlackBlock> { new SectionBlock(SlackText.Markdown(Escape(text))) };
        if (context is not null) blocks.Add(new ContextBlock([SlackText.Markdown(context)]));
        return (Clip(text, BlockKitLimits.Text), blocks);
    }

    private sealed record RequestView(string Tool, JsonElement Parameters, string? Reason, string RequestedBy, DateTimeOffset ExpiresAt, string ParametersHash);

    private static string Pretty(JsonElement parameters) =>
        parameters.ValueKind == JsonValueKind.Undefined ? "{}" : JsonSerializer.Serialize(parameters, PrettyOptions);

    private static readonly JsonSerializerOptions PrettyOptions = new() { WriteIndented = true };

    /// <summary>mrkdwn control characters, as Slack asks: only &amp;, &lt; and &gt;.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Clip(string text, int max) => BlockKitLimits.Clip(text, max);
}
