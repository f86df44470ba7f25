using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Approvals;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Threads;

namespace ChatAgent.Bot.Slack;

/// <summary>
/// Edit, then approve from Slack: the approval card's "Edit…" button opens a modal with one text field per top-level
/// parameter of the pending call (block id = the parameter's name, holding its current value), and submitting it
/// approves the edited call through <see cref="ThreadService.ApproveWithChangesAsync"/> as the Slack user who
/// submitted it. A value that does not parse, or an edit the tool's schema refuses, is shown next to its field
/// (<c>response_action: errors</c>) and nothing is appended.
/// </summary>
public sealed partial class SlackEditModal(ThreadService threads, ApproverDirectory approvers, IAgentCatalog catalog, SlackApiClient api, ILogger<SlackEditModal> log)
{
    /// <summary>Opens the modal for the approval named by the button's value, or tells the clicker (only them) why not.</summary>
    public async Task OpenAsync(InteractionPayload payload, SlackAction action, Actor actor, CancellationToken ct)
    {
        if (!SlackActions.TryParseApprovalValue(action.Value, out var threadId, out var approvalId) || payload.TriggerId is null) return;
        // Refuse before asking for an edit that could not count.
        var state = await threads.GetStateAsync(threadId, null, ct);
        if (state?.FindPendingApproval(approvalId) is not { } pending)
        {
            var refused = await threads.DecideApprovalAsync(threadId, approvalId, true, actor, null, ct);
            if (!refused.Accepted) await EphemeralAsync(payload, refused.Message ?? "That approval is no longer pending.", ct);
            return;
        }
        if (approvers.CheckMayDecide(pending, actor.Id) is { } refusal)
        {
            log.LogWarning("Refused an edit of {ThreadId}/{ApprovalId} by {User}: {Reason}", threadId, approvalId, actor.Id, refusal.Code);
            await EphemeralAsync(payload, refusal.Message, ct);
            return;
        }
        if (!pending.Policy.Editable)
        {
            await EphemeralAsync(payload, $"{pending.Tool} does not allow changes before approval; approve or deny it as asked.", ct);
            return;
        }
        var fields = Fields(pending);
        if (fields.Count > BlockKitLimits.ModalBlocks - 2 || fields.Any(f => f.Text.Length > BlockKitLimits.InputValue || f.Name.Length > BlockKitLimits.BlockId))
        {
            await EphemeralAsync(payload, $"This call is too large to edit in Slack; change it in the web chat or with POST /api/threads/{threadId}/approvals/{approvalId}.", ct);
            return;
        }
        var blocks = new List<SlackBlock>
        {
            new SectionBlock(SlackText.Markdown($"Change `{SlackCards.Escape(pending.Tool)}` on thread `{threadId}`, then approve it as changed. Values are JSON unless the parameter is text.")),
        };
        foreach (var (name, text, kind) in fields)
        {
            blocks.Add(new InputBlock(SlackText.Plain(name, BlockKitLimits.PlainText),
                new PlainTextInputElement(Multiline: kind is JsonValueKind.Object or JsonValueKind.Array || text.Contains('\n'))
                {
                    ActionId = SlackActions.EditInput,
                    InitialValue = text.Length > 0 ? text : null,
                }, Optional: !Required(pending.Tool).Contains(name)) { BlockId = name });
        }
        blocks.Add(new InputBlock(SlackText.Plain("Why"), new PlainTextInputElement { ActionId = SlackActions.EditInput }, Optional: true) { BlockId = SlackActions.EditReasonBlock });
        await api.OpenViewAsync(payload.TriggerId, new SlackModal(
            SlackActions.EditModal,
            SlackText.Plain("Edit, then approve", BlockKitLimits.ModalTitle),
            SlackText.Plain("Approve as edited", BlockKitLimits.ModalTitle),
            SlackText.Plain("Cancel", BlockKitLimits.ModalTitle),
            blocks,
            JsonSerializer.Serialize(new EditMetadata(threadId, approvalId), SlackJson.Options)), ct);
    }

    /// <summary>The view_submission of the modal: null (close it) when approved, else the errors to show in it.</summary>
    public async Task<object?> SubmitAsync(SlackView view, Actor actor, CancellationToken ct)
    {
        if (SlackPayloadParser.TryParse<EditMetadata>(view.PrivateMetadata ?? "") is not { } meta) return null;
        var values = view.State?.Values ?? [];
        var reason = values.GetValueOrDefault(SlackActions.EditReasonBlock)?.GetValueOrDefault(SlackActions.EditInput)?.Value;
        var submitted = values.Where(v => v.Key != SlackActions.EditReasonBlock)
            .Select(v => (v.Key, v.Value.GetValueOrDefault(SlackActions.EditInput)?.Value)).ToList();
        var state = await threads.GetStateAsync(meta.Thread, null, ct);
        var tool = state?.FindPendingApproval(meta.Approval)?.Tool;
        var (parameters, parseErrors) = Build(submitted, tool is null ? null : catalog.FindTool(tool)?.ParametersSchema);
        if (parseErrors.Count > 0) return Errors(parseErrors);
        var result = await threads.ApproveWithChangesAsync(meta.Thread, meta.Approval, parameters, actor, reason, ct);
        if (result.Accepted) return null;
        log.LogInformation("Slack edit by {User} refused: {Code}", actor.Id, result.Code);
        var message = BlockKitLimits.Clip(result.Message ?? "Refused.", 300);
        if (result.Code == RejectionCodes.ApprovalInvalidParameters && submitted.Count > 0)
            return Errors(ErrorsByField(message, submitted.Select(s => s.Key).ToList()));
        // Like the comment modal: shown in the modal, next to the one field every edit modal has.
        return Errors(new Dictionary<string, string> { [SlackActions.EditReasonBlock] = message });
    }

    /// <summary>
    /// The top-level parameters of the pending call, in its order, as the text to edit: a string as its raw text,
    /// anything else as its JSON. Parameters the schema knows but the call left out are not offered (add them over REST).
    /// </summary>
    internal static List<(string Name, string Text, JsonValueKind Kind)> Fields(PendingApproval pending) =>
        pending.Parameters.ValueKind != JsonValueKind.Object ? [] :
        [.. pending.Parameters.EnumerateObject().Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), p.Value.ValueKind))];

    /// <summary>
    /// The parameter object from the submitted fields, each typed by the tool's schema: <c>string</c> as the text;
    /// <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>object</c>, <c>array</c> parsed as JSON; anything else JSON
    /// when it parses, else the text. An empty field is left out (the schema says whether it may be).
    /// </summary>
    internal static (JsonElement Parameters, Dictionary<string, string> Errors) Build(IEnumerable<(string Name, string? Text)> fields, string? schemaJson)
    {
        var types = PropertyTypes(schemaJson);
        var result = new JsonObject();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in fields)
        {
            if (string.IsNullOrEmpty(text)) continue;
            var type = types.GetValueOrDefault(name);
            if (type == "string")
            {
                result[name] = text;
                continue;
            }
            try
            {
                result[name] = JsonNode.Parse(text);
            }
            catch (JsonException) when (type is null)
            {
                result[name] = text;
            }
            catch (JsonException ex)
            {
                errors[name] = BlockKitLimits.Clip($"Not a valid {type} (write it as JSON): {ex.Message}", 300);
            }
        }
        return (JsonSerializer.SerializeToElement(result), errors);
    }

    /// <summary>Each top-level property's type: a single type name, or a type list of one type besides <c>null</c>; null when unknown.</summary>
    private static Dictionary<string, string?> PropertyTypes(string? schemaJson)
    {
        var types = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(schemaJson)) return types;
        using var schema = JsonDocument.Parse(schemaJson);
        if (schema.RootElement.ValueKind != JsonValueKind.Object || !schema.RootElement.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            return types;
        foreach (var p in properties.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Object || !p.Value.TryGetProperty("type", out var type)) continue;
            types[p.Name] = type.ValueKind switch
            {
                JsonValueKind.String => type.GetString(),
                JsonValueKind.Array when type.EnumerateArray().Where(t => t.GetString() != "null").ToList() is [var only] => only.GetString(),
                _ => null,
            };
        }
        return types;
    }

    private HashSet<string> Required(string tool)
    {
        var required = new HashSet<string>(StringComparer.Ordinal);
        if (catalog.FindTool(tool)?.ParametersSchema is not { Length: > 0 } json) return required;
        using var schema = JsonDocument.Parse(json);
        if (schema.RootElement.ValueKind == JsonValueKind.Object && schema.RootElement.TryGetProperty("required", out var list) && list.ValueKind == JsonValueKind.Array)
            foreach (var name in list.EnumerateArray()) if (name.GetString() is { } n) required.Add(n);
        return required;
    }

    /// <summary>
    /// The validator's message split onto the fields it names in quotes (<c>'version' must match …</c>; a nested
    /// <c>'config.port'</c> is the <c>config</c> field); what names no field goes to the first.
    /// </summary>
    internal static Dictionary<string, string> ErrorsByField(string message, IReadOnlyList<string> fields)
    {
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        var parts = (colon < 0 ? message : message[(colon + 2)..]).TrimEnd('.').Split("; ");
        var byField = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            var field = Quoted().Matches(part).Select(m => m.Groups[1].Value.Split('.')[0]).FirstOrDefault(fields.Contains) ?? fields[0];
            (byField.TryGetValue(field, out var list) ? list : byField[field] = []).Add(part);
        }
        return byField.ToDictionary(f => f.Key, f => BlockKitLimits.Clip(string.Join("; ", f.Value), 300), StringComparer.Ordinal);
    }

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex Quoted();

    private static Dictionary<string, object> Errors(Dictionary<string, string> errors) => new()
    {
        ["response_action"] = "errors",
        ["errors"] = errors,
    };

    private Task EphemeralAsync(InteractionPayload payload, string text, CancellationToken ct) =>
        payload.ChannelId is { } channel ? api.PostEphemeralAsync(channel, payload.User.Id, text, null, ct) : Task.CompletedTask;
}
