using System.Text.Json;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Threads;
using ChatAgent.Core.Tools;

namespace ChatAgent.Bot.Teams.Cards;

/// <summary>
/// Renders Core's neutral state into Adaptive Cards: the approval card (same content as Slack's), the stuck card.
/// Every card is built from the thread's live state, so each copy and each refresh shows the same truth.
/// </summary>
public sealed class TeamsCards(ApproverDirectory approvers, WebChat.FullCallLink fullCall)
{
    /// <summary>
    /// The approval card. <paramref name="viewer"/> is the person looking (<c>teams:&lt;aadObjectId&gt;</c>) when the card
    /// is rendered for one person (invoke answer, refresh); null for the shared copy everyone sees, which keeps the
    /// buttons while the approval is pending (a click by a non-approver is refused).
    /// </summary>
    public AdaptiveCard Approval(ThreadState thread, string approvalId, string? viewer, string? notice = null)
    {
        var body = new List<CardElement>();
        var refresh = new CardRefresh(new ActionExecute(CardVerbs.Refresh, new CardActionData(CardVerbs.Refresh, thread.Id, approvalId)) { Title = "Refresh" });
        if (thread.FindPendingApproval(approvalId) is { } pending)
        {
            body.Add(new TextBlock($"Approval needed: {pending.Tool}") { Weight = "Bolder", Size = "Medium" });
            body.AddRange(Describe(thread, pending));
            body.AddRange(Checks("Checked before asking", ApprovalStory.Of(thread, pending.ToolCallId).Preconditions));
            if (pending.Votes.Count > 0)
                body.Add(new TextBlock("Votes so far: " + string.Join("; ", pending.Votes.Select(Vote))) { IsSubtle = true });
            var mayDecide = !thread.IsEnded && (viewer is null || approvers.CheckMayDecide(pending, viewer) is null);
            if (notice is not null) body.Add(new TextBlock(notice) { Color = "Attention" });
            if (mayDecide)
            {
                body.Add(new InputText(CardVerbs.CommentInput) { Label = "Comment (optional)", Placeholder = "Why approve or deny?", IsMultiline = true, MaxLength = 500 });
                body.Add(new ActionSet([
                    Execute("Approve", CardVerbs.Approve, thread.Id, approvalId, "positive"),
                    Execute("Deny", CardVerbs.Deny, thread.Id, approvalId, "destructive"),
                    // A standing grant: only where the policy allows one (never by default).
                    .. pending.Policy.GrantOffer is { } offer
                        ? [Execute($"Approve and allow for {Core.Tools.Durations.Describe(offer)}", CardVerbs.ApproveAndAllow, thread.Id, approvalId, "default")]
                        : Array.Empty<ActionExecute>(),
                ]));
                if (pending.Policy.Editable) body.AddRange(EditInputs(thread.Id, pending, fullCall));
            }
            else if (viewer is not null)
            {
                body.Add(new TextBlock($"Only {approvers.Describe(pending)} can decide this.") { IsSubtle = true });
            }
            return new AdaptiveCard { Body = body, Refresh = refresh, FallbackText = $"Approval needed: {pending.Tool} on thread {thread.Id}" };
        }
        var settled = thread.FindSettledApproval(approvalId);
        var title = settled?.Outcome switch
        {
            ApprovalOutcome.Granted when !settled.Amendments.IsEmpty => $"Approved with changes: {settled.Tool}",
            ApprovalOutcome.Granted => $"Approved: {settled.Tool}",
            ApprovalOutcome.Denied => $"Denied: {settled.Tool}",
            ApprovalOutcome.Expired => $"Expired: {settled.Tool}",
            _ => $"Approval {approvalId} is no longer open",
        };
        body.Add(new TextBlock(title) { Weight = "Bolder", Size = "Medium", Color = settled?.Outcome == ApprovalOutcome.Granted ? "Good" : "Attention" });
        body.Add(new TextBlock($"{thread.Agent} · thread {thread.Id}") { IsSubtle = true, Spacing = "None" });
        if (settled is not null)
        {
            body.Add(new FactSet(Decision(settled)));
            var story = ApprovalStory.Of(thread, settled.ToolCallId);
            body.AddRange(Checks("Checked before asking", story.Preconditions));
            if (story.ActionLine is { } action)
            {
                body.Add(new TextBlock(action) { Weight = "Bolder", Separator = true, Color = story.Action is ActionState.VerificationFailed or ActionState.Failed ? "Attention" : "Good" });
                body.AddRange(Checks(null, story.Verifications));
            }
        }
        if (notice is not null) body.Add(new TextBlock(notice) { Color = "Attention" });
        return new AdaptiveCard { Body = body, Refresh = refresh, FallbackText = title };
    }

    /// <summary>
    /// A rung of the ladder as a new card that @mentions whom it concerns (an updated card notifies no one): the
    /// approvers for a reminder, the escalation group's members for an escalation; those with a Teams id.
    /// </summary>
    public AdaptiveCard Nudge(ThreadState thread, ChatMessage message)
    {
        if (message.ApprovalId is not { } id || thread.FindPendingApproval(id) is not { } pending)
            return new AdaptiveCard { Body = [new TextBlock(message.Text + " (already settled)")], FallbackText = message.Text };
        var escalation = message.Key.EndsWith(":escalate", StringComparison.Ordinal);
        var mentions = approvers.ToNudge(pending, escalation)
            .Where(i => i.StartsWith("teams:", StringComparison.OrdinalIgnoreCase))
            .Select(i => (Id: i["teams:".Length..], Name: approvers.People.NameOf(i) ?? i["teams:".Length..]))
            .Select(p => new CardMention($"<at>{p.Name}</at>", new MentionedAccount(p.Id, p.Name)))
            .ToList();
        var text = (escalation ? $"Escalated to you: {pending.Tool}" : $"Reminder: {pending.Tool}")
            + $" for thread {thread.Id} ({thread.Agent}), asked by {pending.RequestedBy}, still needs a decision; it expires {pending.ExpiresAt:u}.";
        var who = string.Join(" ", mentions.Select(m => m.Text));
        return new AdaptiveCard
        {
            Body = [new TextBlock(who.Length > 0 ? who + " " + text : text) { Weight = "Bolder" }],
            FallbackText = text,
            Msteams = new TeamsCardProperties("Full", mentions.Count > 0 ? mentions : null),
        };
    }

    /// <summary>The stuck card: Retry with an optional hint (resume with feedback) or Abort, while the thread is paused.</summary>
    public static AdaptiveCard Stuck(ThreadState thread, string text)
    {
        var body = new List<CardElement>
        {
            new TextBlock($"{thread.Agent} needs help") { Weight = "Bolder", Size = "Medium", Color = "Attention" },
            new TextBlock(text),
            new TextBlock($"thread {thread.Id} · step {thread.Step}/{thread.MaxSteps}") { IsSubtle = true },
        };
        if (thread.Status == ThreadStatus.Paused)
        {
            body.Add(new InputText(CardVerbs.HintInput) { Label = "Hint for the agent (optional)", Placeholder = "e.g. use version 1.4.1", IsMultiline = true, MaxLength = 1000 });
            body.Add(new ActionSet([
                Execute("Retry", CardVerbs.Retry, thread.Id, null, "positive"),
                Execute("Abort", CardVerbs.Abort, thread.Id, null, "destructive"),
            ]));
        }
        return new AdaptiveCard { Body = body, FallbackText = text };
    }

    private IEnumerable<CardElement> Describe(ThreadState thread, PendingApproval pending)
    {
        yield return new TextBlock($"{thread.Agent} · thread {thread.Id}") { IsSubtle = true, Spacing = "None" };
        yield return new TextBlock("Parameters") { Weight = "Bolder", Separator = true };
        // Never a clipped call: what is approved is shown whole, or as its digest and a link to the whole.
        var length = System.Text.Json.JsonSerializer.Serialize(pending.Parameters, Indented).Length;
        if (length <= WebChat.FullCallLink.MaxCardParameters) yield return new FactSet(Parameters(pending.Parameters));
        else yield return new TextBlock(fullCall.TooLarge(thread.Id, length, pending.ParametersHash));
        var facts = new List<Fact>();
        if (!string.IsNullOrWhiteSpace(pending.Reason)) facts.Add(new("Why", pending.Reason!));
        facts.Add(new("Asked by", pending.RequestedBy));
        facts.Add(new("Approvers", approvers.Describe(pending) + (pending.Policy.Quorum > 1 ? $" (quorum {pending.Policy.Quorum})" : "")));
        facts.Add(new("Expires", pending.ExpiresAt.ToString("u")));
        if (pending.RemindedAt is { } remindedAt) facts.Add(new("Reminded", remindedAt.ToString("u")));
        if (pending.EscalatedTo is { Count: > 0 } to)
            facts.Add(new("Escalated to", string.Join(", ", to) + (pending.EscalatedAt is { } escalatedAt ? " at " + escalatedAt.ToString("u") : "")));
        yield return new FactSet(facts) { Separator = true };
    }

    /// <summary>Checks as lines (✓ passed, ✗ failed with why), under an optional heading; nothing when there are none.</summary>
    private static IEnumerable<CardElement> Checks(string? heading, IReadOnlyList<CheckOutcome> checks)
    {
        if (checks.Count == 0) yield break;
        if (heading is not null) yield return new TextBlock(heading) { Weight = "Bolder", Separator = true };
        foreach (var check in checks)
            yield return new TextBlock(ApprovalStory.Line(check)) { Spacing = "None", Color = check.Passed ? "Good" : "Attention" };
    }

    private static List<Fact> Decision(ApprovalOutcome settled)
    {
        if (settled.Outcome == ApprovalOutcome.Expired) return [new("Expired at", settled.At.ToString("u")), new("Result", "Nothing was run.")];
        var facts = new List<Fact>();
        foreach (var vote in settled.Votes)
        {
            facts.Add(new(vote.Granted ? "Approved by" : "Denied by", vote.ByName ?? vote.By));
            facts.Add(new("At", vote.At.ToString("u")));
            if (!string.IsNullOrWhiteSpace(vote.Comment)) facts.Add(new("Comment", vote.Comment!));
        }
        foreach (var amendment in settled.Amendments)
            facts.Add(new($"Changed by {amendment.ByName ?? amendment.By}", ParameterDiff.Describe(amendment.Changes)));
        return facts;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static List<Fact> Parameters(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object) return [new("value", parameters.GetRawText())];
        var facts = parameters.EnumerateObject()
            .Select(p => new Fact(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))
            .ToList();
        return facts.Count == 0 ? [new("(none)", "")] : facts;
    }

    private static string Vote(ApprovalVote v) =>
        $"{(v.Granted ? "approved" : "denied")} by {v.ByName ?? v.By}" + (string.IsNullOrWhiteSpace(v.Comment) ? "" : $" (\"{v.Comment}\")");

    /// <summary>"Edit, then approve": one input per top-level parameter holding its value (a string as typed, anything
    /// else as JSON), and a button that approves the call as the inputs say.</summary>
    /// <remarks>A call too large for the card is never put in its inputs either (a card holds no part of it): the card
    /// points to the web chat, where it can be edited whole.</remarks>
    private static IEnumerable<CardElement> EditInputs(string threadId, PendingApproval pending, WebChat.FullCallLink fullCall)
    {
        if (System.Text.Json.JsonSerializer.Serialize(pending.Parameters, Indented).Length > WebChat.FullCallLink.MaxCardParameters)
        {
            yield return new TextBlock($"To change this call before approving it, edit it in the web chat: {fullCall.For(threadId)}") { IsSubtle = true, Separator = true };
            yield break;
        }
        yield return new TextBlock("Or change the call, then approve it:") { IsSubtle = true, Separator = true };
        if (pending.Parameters.ValueKind == JsonValueKind.Object)
            foreach (var p in pending.Parameters.EnumerateObject())
                yield return new InputText(CardVerbs.ParameterInputPrefix + p.Name)
                {
                    Label = p.Name,
                    Value = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(),
                };
        yield return new ActionSet([Execute("Approve with changes", CardVerbs.ApproveEdited, threadId, pending.Id, "positive")]);
    }

    private static ActionExecute Execute(string title, string verb, string threadId, string? approvalId, string style)
    {
        var data = new CardActionData(verb, threadId, approvalId);
        return new ActionExecute(verb, data) { Title = title, Style = style, Fallback = new ActionSubmit(data) { Title = title, Style = style } };
    }
}
