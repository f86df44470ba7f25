namespace ChatAgent.Core.Planning;

/// <summary>How much of each event <see cref="ContextBuilder"/> lets into the model's context window.</summary>
public sealed record ContextOptions
{
    public static ContextOptions Default { get; } = new();

    /// <summary>A tool's output is cut after this many characters, with a note of how much was cut.</summary>
    public int MaxToolOutputChars { get; init; } = 2000;

    /// <summary>An error's detail is cut after this many characters (factor 9: compact errors).</summary>
    public int MaxErrorDetailChars { get; init; } = 500;

    /// <summary>Free text people wrote (questions, answers, comments, feedback) is cut after this many characters.</summary>
    public int MaxTextChars { get; init; } = 2000;
}
