using System.Text.Json;
using ChatAgent.Bot.Teams.Cards;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;

namespace ChatAgent.Bot.Teams;

/// <summary>
/// A button press, from an <c>adaptiveCard/action</c> invoke (Action.Execute) or from its Action.Submit fallback (a
/// message whose <c>value</c> carries the same data). Decides through <see cref="ThreadService"/> — durable before
/// this returns — and answers with the card rendered from the new state for the person who pressed it. The shared
/// copy is replaced by the outbox (the decision queued a new version of the approval message).
/// </summary>
public sealed class TeamsCardActions(ThreadService threads, TeamsCards cards, ILogger<TeamsCardActions> log)
{
    /// <summary>The pressed action's data (inputs merged in, as Teams sends them).</summary>
    public sealed record Pressed(string Verb, string? ThreadId, string? ApprovalId, string? Comment, string? Hint)
    {
        /// <summary>The card's parameter inputs (<c>param.&lt;name&gt;</c>) as Teams sent them, by parameter name.</summary>
        public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    }

    public static Pressed? Read(JsonElement? data)
    {
        if (data is not { ValueKind: JsonValueKind.Object } d) return null;
        var verb = Text(d, "verb");
        if (verb is null) return null;
        var parameters = d.EnumerateObject()
            .Where(p => p.Name.StartsWith(CardVerbs.ParameterInputPrefix, StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Name[CardVerbs.ParameterInputPrefix.Length..], p => p.Value.GetString()!, StringComparer.Ordinal);
        return new Pressed(verb, Text(d, "threadId"), Text(d, "approvalId"), Text(d, CardVerbs.CommentInput), Text(d, CardVerbs.HintInput)) { Parameters = parameters };
    }

    /// <summary>Runs the action; the answer is the card to show the presser, or a sentence when there is no card to show.</summary>
    public async Task<(AdaptiveCard? Card, string? Message)> RunAsync(Pressed pressed, Actor? actor, CancellationToken ct)
    {
        if (pressed.ThreadId is null) return (null, "This card is missing its thread; nothing was done.");
        if (actor is null)
        {
            log.LogWarning("Refused a card action on {ThreadId} from a user without an Entra object id", pressed.ThreadId);
            return (null, "I can't tell who you are (no Entra ID on the request), so I can't act on this card.");
        }
        switch (pressed.Verb)
        {
            case CardVerbs.Approve or CardVerbs.Deny when pressed.ApprovalId is { } approvalId:
                var decided = await threads.DecideApprovalAsync(pressed.ThreadId, approvalId, pressed.Verb == CardVerbs.Approve, actor, pressed.Comment, ct);
                return await ApprovalCardAsync(pressed.ThreadId, approvalId, actor, decided, ct);
            case CardVerbs.ApproveAndAllow when pressed.ApprovalId is { } approvalId:
                var offered = (await threads.GetStateAsync(pressed.ThreadId, null, ct))?.FindPendingApproval(approvalId)?.Policy.GrantOffer ?? Core.Tools.GrantPolicy.DefaultMaxFor;
                var allowed = await threads.ApproveAndAllowAsync(pressed.ThreadId, approvalId, offered, actor, pressed.Comment, ct);
                return await ApprovalCardAsync(pressed.ThreadId, approvalId, actor, allowed, ct);
            case CardVerbs.ApproveEdited when pressed.ApprovalId is { } approvalId:
                return await ApproveEditedAsync(pressed, approvalId, actor, ct);
            case CardVerbs.Refresh when pressed.ApprovalId is { } approvalId:
                return await ApprovalCardAsync(pressed.ThreadId, approvalId, actor, null, ct);
            case CardVerbs.Retry:
                return await StuckCardAsync(pressed.ThreadId, await threads.ResumeAsync(pressed.ThreadId, actor, pressed.Hint, ct), ct);
            case CardVerbs.Abort:
                return await StuckCardAsync(pressed.ThreadId, await threads.AbortAsync(pressed.ThreadId, actor, null, ct), ct);
            default:
                return (null, $"I don't know the action \"{pressed.Verb}\".");
        }
    }

    private async Task<(AdaptiveCard?, string?)> ApprovalCardAsync(string threadId, string approvalId, Actor actor, CommandResult? result, CancellationToken ct)
    {
        var state = result?.State ?? await threads.GetStateAsync(threadId, null, ct);
        if (state is null) return (null, result?.Message ?? $"There is no thread {threadId}.");
        var notice = result is { Accepted: false } ? result.Message : null;
        return (cards.Approval(state, approvalId, actor.Id, notice), null);
    }

    /// <summary>
    /// Builds the edited call from the card's inputs: each typed like the call's current value (a string stays a
    /// string; anything else is read as JSON, and kept as typed when it is not JSON); an input left empty drops an
    /// optional parameter. The tool's schema is checked by <see cref="ThreadService.ApproveWithChangesAsync"/>: an
    /// invalid edit comes back as the card with the refusal, and nothing is appended.
    /// </summary>
    private async Task<(AdaptiveCard?, string?)> ApproveEditedAsync(Pressed pressed, string approvalId, Actor actor, CancellationToken ct)
    {
        var state = await threads.GetStateAsync(pressed.ThreadId!, null, ct);
        if (state?.FindPendingApproval(approvalId) is not { } pending)
            return await ApprovalCardAsync(pressed.ThreadId!, approvalId, actor, null, ct);
        var edited = new System.Text.Json.Nodes.JsonObject();
        if (pending.Parameters.ValueKind == JsonValueKind.Object)
            foreach (var current in pending.Parameters.EnumerateObject())
            {
                // An input Teams did not send (an old client, a trimmed payload) keeps its value.
                if (!pressed.Parameters.TryGetValue(current.Name, out var typed)) { edited[current.Name] = System.Text.Json.Nodes.JsonNode.Parse(current.Value.GetRawText()); continue; }
                if (string.IsNullOrWhiteSpace(typed)) continue;
                edited[current.Name] = current.Value.ValueKind == JsonValueKind.String ? typed : ParseOrString(typed);
            }
        var result = await threads.ApproveWithChangesAsync(pressed.ThreadId!, approvalId, JsonSerializer.SerializeToElement(edited), actor, pressed.Comment, ct);
        return await ApprovalCardAsync(pressed.ThreadId!, approvalId, actor, result, ct);
    }

    private static System.Text.Json.Nodes.JsonNode? ParseOrString(string text)
    {
        try { return System.Text.Json.Nodes.JsonNode.Parse(text); }
        catch (JsonException) { return System.Text.Json.Nodes.JsonValue.Create(text); }
    }

    private async Task<(AdaptiveCard?, string?)> StuckCardAsync(string threadId, CommandResult result, CancellationToken ct)
    {
        var state = result.State ?? await threads.GetStateAsync(threadId, null, ct);
        if (state is null) return (null, result.Message);
        var text = result.Accepted ? (state.Messages.TryGetValue(MessageKeys.Stuck, out var m) ? m.Text : "Done.") : result.Message!;
        return (TeamsCards.Stuck(state, text), null);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString() : null;
}
