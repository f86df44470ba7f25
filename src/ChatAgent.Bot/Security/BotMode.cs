using System.Net;

namespace ChatAgent.Bot.Security;

/// <summary>
/// Local or exposed, decided from configuration before the host starts. <em>Local</em>: no Slack, no Teams app, no API
/// keys, and every listening address loopback — only this machine's web chat and API can reach the bot. Anything
/// else is <em>exposed</em> and fails closed. <see cref="Reasons"/> say why, for the start-up log.
/// </summary>
public sealed record BotMode(bool Exposed, IReadOnlyList<string> Reasons)
{
    public string Name => Exposed ? "exposed" : "local";

    public static BotMode From(IConfiguration config)
    {
        var reasons = new List<string>();
        foreach (var key in (string[])["Slack:SigningSecret", "Slack:BotToken", "Slack:AppToken"])
            if (!string.IsNullOrWhiteSpace(config[key])) reasons.Add($"{key.Replace(":", "__")} is set");
        if (!string.IsNullOrWhiteSpace(config["Teams:AppId"])) reasons.Add("Teams__AppId is set");
        if (ApiKey.Read(config.GetSection("Api:Keys")).Count > 0) reasons.Add("API keys are configured");
        var addresses = ListeningAddresses(config);
        foreach (var address in addresses.Where(a => !IsLoopback(a))) reasons.Add($"it listens on {address}, which is not loopback");
        if (reasons.Count > 0) return new BotMode(true, reasons);
        return new BotMode(false, [$"no Slack, Teams or API keys are configured and it listens on loopback only ({string.Join(", ", addresses)})"]);
    }

    /// <summary>Where Kestrel will listen, as configured: <c>Urls</c>, Kestrel endpoints, or the port settings; else its default.</summary>
    private static IReadOnlyList<string> ListeningAddresses(IConfiguration config)
    {
        var result = new List<string>();
        result.AddRange(Split(config["urls"]));
        result.AddRange(config.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        if (result.Count == 0)
        {
            foreach (var port in Split(config["http_ports"])) result.Add($"http://*:{port}");
            foreach (var port in Split(config["https_ports"])) result.Add($"https://*:{port}");
        }
        if (result.Count == 0) result.Add("http://localhost:5000");
        return result;
    }

    private static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static bool IsLoopback(string url)
    {
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']'))] : rest.Split(':', '/')[0];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }
}
