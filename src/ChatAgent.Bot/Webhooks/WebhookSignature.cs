using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatAgent.Bot.Webhooks;

/// <summary>
/// HMAC-SHA256 signatures over a webhook's raw body, compared in constant time. Two styles:
/// GitHub's <c>X-Hub-Signature-256: sha256=&lt;hex of HMAC(body)&gt;</c> (GitHub sends no timestamp), and the generic
/// <c>X-Signature-256: sha256=&lt;hex of HMAC("{timestamp}.{body}")&gt;</c> with <c>X-Signature-Timestamp</c> in unix
/// seconds, accepted within <see cref="Window"/> of now in either direction.
/// </summary>
public static class WebhookSignature
{
    public const string GitHubHeader = "X-Hub-Signature-256";
    public const string Header = "X-Signature-256";
    public const string TimestampHeader = "X-Signature-Timestamp";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    /// <summary>Null when the request is authentic; otherwise why not (safe to show: never echoes the secret or the expected value).</summary>
    public static string? Verify(string secret, byte[] body, IHeaderDictionary headers, DateTimeOffset now)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        var github = headers[GitHubHeader].ToString();
        if (github.Length > 0)
            return Matches(github, HMACSHA256.HashData(key, body)) ? null : $"The {GitHubHeader} signature does not match the body.";

        var generic = headers[Header].ToString();
        if (generic.Length == 0) return $"Send {GitHubHeader}, or {Header} with {TimestampHeader}.";
        var timestamp = headers[TimestampHeader].ToString();
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return $"{TimestampHeader} must be unix seconds.";
        var at = seconds > 253402300799 ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - at).Duration() > Window) return $"{TimestampHeader} is more than {Window.TotalMinutes:0} minutes from now.";
        return Matches(generic, Sign(key, timestamp, body)) ? null : $"The {Header} signature does not match the body.";
    }

    /// <summary>The bytes the request's signature covers: the body (GitHub style) or <c>"{timestamp}." + body</c> (generic style).</summary>
    public static byte[] SignedBytes(byte[] body, IHeaderDictionary headers)
    {
        if (headers[GitHubHeader].ToString().Length > 0) return body;
        var prefix = Encoding.ASCII.GetBytes(headers[TimestampHeader].ToString() + ".");
        return [.. prefix, .. body];
    }

    /// <summary>The generic style's signature header value for <paramref name="body"/> at <paramref name="timestamp"/>.</summary>
    public static string SignGeneric(string secret, string timestamp, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(Sign(Encoding.UTF8.GetBytes(secret), timestamp, body));

    /// <summary>GitHub's signature header value for <paramref name="body"/>.</summary>
    public static string SignGitHub(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static byte[] Sign(byte[] key, string timestamp, byte[] body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message, prefix.Length);
        return HMACSHA256.HashData(key, message);
    }

    private static bool Matches(string header, byte[] expected)
    {
        const string scheme = "sha256=";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        byte[] presented;
        try
        {
            presented = Convert.FromHexString(header.AsSpan(scheme.Length).Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
