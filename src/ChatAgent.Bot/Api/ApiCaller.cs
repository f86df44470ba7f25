using ChatAgent.Bot.Security;
using ChatAgent.Core.Events;

namespace ChatAgent.Bot.Api;

/// <summary>
/// Who called the API, as authenticated by <see cref="ApiKeyFilter"/>: a key (by name, with its grants) or, with no keys
/// configured, a loopback request. <see cref="ActorFor"/> turns a request's <c>user</c> into the acting person, or
/// refuses an identity the caller was not granted.
/// </summary>
public sealed record ApiCaller(string Id, IReadOnlyList<string> ActAs)
{
    /// <summary>A keyless loopback caller: it may name <c>web:</c> identities only (the local web chat).</summary>
    public static ApiCaller Local { get; } = new("api:local", ["web:*"]);

    public static ApiCaller For(ApiKey key) => new("api:" + key.Name, key.ActAs);

    /// <summary>The caller the filter authenticated; a route without the filter gets a caller that may name no one.</summary>
    public static ApiCaller Of(HttpContext http) => http.Items[ApiKeyFilter.CallerItem] as ApiCaller ?? new ApiCaller("api:unauthenticated", []);

    /// <summary>
    /// The person acting: the caller itself when <paramref name="user"/> is empty; else <paramref name="user"/>
    /// (<c>alice</c> means <c>web:alice</c>) when the caller was granted it, or null.
    /// </summary>
    public Actor? ActorFor(string? user)
    {
        if (string.IsNullOrWhiteSpace(user)) return Actor.User(Id);
        var id = user.Trim();
        if (!id.Contains(':')) id = "web:" + id;
        if (!ApiKey.Grants(ActAs, id) && !string.Equals(id, Id, StringComparison.OrdinalIgnoreCase)) return null;
        return Actor.User(id, id[(id.IndexOf(':') + 1)..]);
    }

    public string Refusal(string? user) =>
        $"This caller ({Id}) may not act as '{user?.Trim()}'." + (ActAs.Count == 0
            ? " Grant it with Api__Keys__<name>__ActAs__0=<pattern>, or leave user out to act as the key."
            : $" It may act as: {string.Join(", ", ActAs)}.");
}
