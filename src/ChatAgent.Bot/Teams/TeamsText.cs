using System.Net;
using System.Text.RegularExpressions;

namespace ChatAgent.Bot.Teams;

/// <summary>What a person typed, without the <c>&lt;at&gt;Bot&lt;/at&gt;</c> mentions and HTML Teams wraps around it.</summary>
public static partial class TeamsText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var withoutMentions = Mention().Replace(text, " ");
        var withoutTags = Tag().Replace(withoutMentions, " ");
        return Spaces().Replace(WebUtility.HtmlDecode(withoutTags), " ").Trim();
    }

    [GeneratedRegex(@"<at\b[^>]*>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.NonBacktracking)]
    private static partial Regex Mention();

    [GeneratedRegex(@"<[^>]+>", RegexOptions.NonBacktracking)]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+", RegexOptions.NonBacktracking)]
    private static partial Regex Spaces();
}
