using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatAgent.Bot.Slack;

// Block Kit, as much of it as the bot sends. Serialized with SlackJson (snake_case, nulls omitted).

/// <summary>A text object: <c>plain_text</c> or <c>mrkdwn</c>.</summary>
public sealed record SlackText(string Type, string Text)
{
    public static SlackText Plain(string text, int max = BlockKitLimits.Text) => new("plain_text", BlockKitLimits.Clip(text, max));

    public static SlackText Markdown(string text) => new("mrkdwn", BlockKitLimits.Clip(text, BlockKitLimits.Text));
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SectionBlock), "section")]
[JsonDerivedType(typeof(ContextBlock), "context")]
[JsonDerivedType(typeof(ActionsBlock), "actions")]
[JsonDerivedType(typeof(DividerBlock), "divider")]
[JsonDerivedType(typeof(HeaderBlock), "header")]
[JsonDerivedType(typeof(InputBlock), "input")]
public abstract record SlackBlock
{
    public string? BlockId { get; init; }
}

public sealed record SectionBlock(SlackText Text) : SlackBlock;

public sealed record ContextBlock(IReadOnlyList<SlackText> Elements) : SlackBlock;

public sealed record ActionsBlock(IReadOnlyList<SlackElement> Elements) : SlackBlock;

public sealed record DividerBlock : SlackBlock;

public sealed record HeaderBlock(SlackText Text) : SlackBlock;

public sealed record InputBlock(SlackText Label, SlackElement Element, bool Optional = false) : SlackBlock;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ButtonElement), "button")]
[JsonDerivedType(typeof(PlainTextInputElement), "plain_text_input")]
public abstract record SlackElement
{
    public string? ActionId { get; init; }
}

/// <summary>A button; <see cref="Style"/> is <c>primary</c>, <c>danger</c> or null.</summary>
public sealed record ButtonElement(SlackText Text, string Value, string? Style = null, ConfirmDialog? Confirm = null) : SlackElement;

public sealed record PlainTextInputElement(bool Multiline = true, SlackText? Placeholder = null) : SlackElement
{
    /// <summary>The text the field starts with (at most <see cref="BlockKitLimits.InputValue"/> characters).</summary>
    public string? InitialValue { get; init; }
}

/// <summary>The "are you sure?" dialog in front of a button.</summary>
public sealed record ConfirmDialog(SlackText Title, SlackText Text, SlackText Confirm, SlackText Deny, string? Style = null);

/// <summary>A modal view for <c>views.open</c>.</summary>
public sealed record SlackModal(string CallbackId, SlackText Title, SlackText Submit, SlackText Close, IReadOnlyList<SlackBlock> Blocks, string PrivateMetadata)
{
    public string Type => "modal";
}

/// <summary>The serializer settings for everything sent to and read from Slack.</summary>
public static class SlackJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };
}
