namespace ChatAgent.Bot.Security;

/// <summary>
/// One REST key: <c>Api:Keys:&lt;name&gt;:Key</c> and the identity patterns it may name in a request's <c>user</c>
/// (<c>Api:Keys:&lt;name&gt;:ActAs:0..n</c>, e.g. <c>web:*</c>, <c>slack:U123</c>). A key without grants acts as
/// <c>api:&lt;name&gt;</c> only. <c>Api:Keys:0=&lt;secret&gt;</c> (the older form) is a key named <c>0</c> without grants.
/// </summary>
public sealed record ApiKey(string Name, string Secret, IReadOnlyList<string> ActAs)
{
    public static IReadOnlyList<ApiKey> Read(IConfigurationSection keys)
    {
        var result = new List<ApiKey>();
        foreach (var child in keys.GetChildren())
        {
            // A section with children may still carry an empty value of its own (some providers write one).
            var secret = string.IsNullOrWhiteSpace(child.Value) ? child["Key"] : child.Value;
            if (string.IsNullOrWhiteSpace(secret)) continue;
            var grants = child.GetSection("ActAs").GetChildren().Select(g => g.Value).OfType<string>()
                .Where(g => !string.IsNullOrWhiteSpace(g)).Select(g => g.Trim()).ToList();
            result.Add(new ApiKey(child.Key, secret.Trim(), grants));
        }
        return result;
    }

    /// <summary>True when <paramref name="identity"/> matches one of the grants (a trailing <c>*</c> matches any rest).</summary>
    public static bool Grants(IEnumerable<string> patterns, string identity) => patterns.Any(p =>
        p.EndsWith('*') ? identity.StartsWith(p[..^1], StringComparison.OrdinalIgnoreCase) : string.Equals(p, identity, StringComparison.OrdinalIgnoreCase));
}
