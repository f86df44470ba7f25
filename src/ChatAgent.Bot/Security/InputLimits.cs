namespace ChatAgent.Bot.Security;

/// <summary>
/// The limits on what people send: request bodies (<see cref="MaxBodyBytes"/>, refused with 413 before they are read
/// whole) and free text — input, comments, feedback, answers — of at most <see cref="MaxTextChars"/> characters.
/// </summary>
public static class InputLimits
{
    public const long MaxBodyBytes = 1 << 20;
    public const int MaxTextChars = 4000;

    /// <summary>Null when every field is within the limit; otherwise a sentence naming the first that is not.</summary>
    public static string? Check(params (string Name, string? Value)[] fields)
    {
        foreach (var (name, value) in fields)
            if (value is { Length: > MaxTextChars })
                return $"{name} is {value.Length} characters long; at most {MaxTextChars} are accepted.";
        return null;
    }
}
