using System.Text.Json.Serialization;

namespace ChatAgent.Bot.Teams.Cards;

/// <summary>The card elements this bot uses; the JSON <c>type</c> is the Adaptive Cards element name.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextBlock), "TextBlock")]
[JsonDerivedType(typeof(FactSet), "FactSet")]
[JsonDerivedType(typeof(Container), "Container")]
[JsonDerivedType(typeof(ColumnSet), "ColumnSet")]
[JsonDerivedType(typeof(InputText), "Input.Text")]
[JsonDerivedType(typeof(ActionSet), "ActionSet")]
public abstract record CardElement
{
    public string? Id { get; init; }

    /// <summary>Adds a separator line above the element.</summary>
    public bool? Separator { get; init; }

    public string? Spacing { get; init; }
}

public sealed record TextBlock(string Text) : CardElement
{
    public bool? Wrap { get; init; } = true;
    public string? Weight { get; init; }
    public string? Size { get; init; }
    public string? Color { get; init; }
    public bool? IsSubtle { get; init; }
}

public sealed record FactSet(IReadOnlyList<Fact> Facts) : CardElement;

public sealed record Fact(string Title, string Value);

public sealed record Container(IReadOnlyList<CardElement> Items) : CardElement
{
    public string? Style { get; init; }
}

public sealed record ColumnSet(IReadOnlyList<Column> Columns) : CardElement;

/// <summary>A column of a <see cref="ColumnSet"/> (not a body element on its own).</summary>
public sealed record Column(IReadOnlyList<CardElement> Items)
{
    [JsonPropertyName("type")]
    public string Type => "Column";

    public string? Width { get; init; }
}

/// <summary>A text input; its value comes back under its <see cref="CardElement.Id"/> (required for inputs).</summary>
public sealed record InputText : CardElement
{
    public InputText(string id) => Id = id;

    public string? Label { get; init; }
    public string? Placeholder { get; init; }
    public bool? IsMultiline { get; init; }
    public int? MaxLength { get; init; }

    /// <summary>The initial value.</summary>
    public string? Value { get; init; }
}

public sealed record ActionSet(IReadOnlyList<CardAction> Actions) : CardElement;
