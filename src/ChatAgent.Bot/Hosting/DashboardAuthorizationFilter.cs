using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace ChatAgent.Bot.Hosting;

/// <summary>
/// Who may open <c>/hangfire</c>. With no <c>Dashboard:Users:0..n</c> (each <c>"name:password"</c>): local requests
/// only. With users: HTTP Basic authentication against them, compared in constant time (hashes of equal length), from
/// anywhere — put the bot behind TLS when you do.
/// </summary>
public sealed class DashboardAuthorizationFilter(IReadOnlyList<string> users) : IDashboardAuthorizationFilter
{
    public const string Realm = "ChatAgent jobs";

    public static DashboardAuthorizationFilter From(IConfiguration configuration) =>
        new([.. configuration.GetSection("Dashboard:Users").GetChildren().Select(c => c.Value).OfType<string>().Where(v => v.Contains(':'))]);

    public bool Authorize(DashboardContext context) => Authorize(context.GetHttpContext());

    public bool Authorize(HttpContext http)
    {
        if (users.Count == 0)
            return http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip) && http.Request.Headers["X-Forwarded-For"].Count == 0;
        if (PresentedCredentials(http) is { } presented)
        {
            var hash = SHA256.HashData(presented);
            var ok = false;
            foreach (var user in users) ok |= CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(user)));
            if (ok) return true;
        }
        http.Response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
        return false;
    }

    /// <summary>The <c>name:password</c> bytes of an <c>Authorization: Basic</c> header, or null.</summary>
    private static byte[]? PresentedCredentials(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)) return null;
        try
        {
            return Convert.FromBase64String(header["Basic ".Length..].Trim());
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
