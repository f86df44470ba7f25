using ChatAgent.TestSupport;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// Microsoft's side of Teams on a free 127.0.0.1 port, recording every call: the Bot Framework OpenID metadata and
/// JWKS (test RSA keys with endorsements), the token endpoint (client credentials), and a Bot Connector under
/// <see cref="ServiceUrl"/> that answers sends with new activity ids. <see cref="FailNext"/> scripts connector errors.
/// </summary>
public sealed class FakeBotFramework : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly ConcurrentQueue<int> _failures = new();
    private int _activityCounter;

    public FakeBotFramework()
    {
        BaseUrl = Start(_listener);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Ends with a slash.</summary>
    public string BaseUrl { get; }

    public string OpenIdMetadataUrl => BaseUrl + "botframework/openid";

    public string TokenEndpoint => BaseUrl + "oauth2/token";

    public string ServiceUrl => BaseUrl + "connector/";

    /// <summary>The access token the token endpoint hands out (client credentials).</summary>
    public string IssuedToken { get; set; } = "bot-token-1";

    /// <summary>The key Bot Framework signs with (endorsed for msteams).</summary>
    public RsaSecurityKey SigningKey { get; } = NewKey("bf-key-1");

    /// <summary>A published key endorsed only for another channel.</summary>
    public RsaSecurityKey WebChatKey { get; } = NewKey("bf-key-webchat");

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Connector calls that carry messages: sends, replies, updates, new conversations (not typing indicators).</summary>
    public IEnumerable<Call> ConnectorCalls => Calls.Where(c => c.Path.StartsWith("/connector/", StringComparison.Ordinal) && !c.IsTyping);

    /// <summary>The typing indicators the bot sent.</summary>
    public IEnumerable<Call> TypingCalls => Calls.Where(c => c.Path.StartsWith("/connector/", StringComparison.Ordinal) && c.IsTyping);

    public IEnumerable<Call> TokenCalls => Calls.Where(c => c.Path == "/oauth2/token");

    /// <summary>The next message calls to the connector answer these statuses, in order (typing indicators pass).</summary>
    public void FailNext(params int[] statuses)
    {
        foreach (var s in statuses) _failures.Enqueue(s);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Abort();
        try { await _loop; }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException) { }
    }

    private async Task LoopAsync()
    {
        while (await _listener.NextAsync(_stopping.Token) is { } context) _ = Task.Run(() => AnswerAsync(context));
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Url!.AbsolutePath;
        var call = new Call(context.Request.HttpMethod, path, context.Request.Headers["Authorization"], body);
        var (status, answer) = Route(call);
        Calls.Enqueue(call with { Status = status, Response = answer });
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(answer);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private (int Status, string Body) Route(Call call)
    {
        switch (call.Path)
        {
            case "/botframework/openid":
                return (200, new JsonObject
                {
                    ["issuer"] = "https://api.botframework.com",
                    ["authorization_endpoint"] = "https://invalid.botframework.com",
                    ["jwks_uri"] = BaseUrl + "botframework/keys",
                    ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                    ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
                }.ToJsonString());
            case "/botframework/keys":
                return (200, new JsonObject { ["keys"] = new JsonArray(Jwk(SigningKey, "msteams", "skype"), Jwk(WebChatKey, "webchat")) }.ToJsonString());
            case "/oauth2/token":
                return (200, new JsonObject { ["token_type"] = "Bearer", ["expires_in"] = 3600, ["access_token"] = IssuedToken }.ToJsonString());
        }
        if (!call.Path.StartsWith("/connector/v3/conversations", StringComparison.Ordinal)) return (404, "{}");
        if (!call.IsTyping && _failures.TryDequeue(out var failure)) return (failure, """{"error":{"code":"scripted","message":"scripted failure"}}""");
        var id = "act-" + Interlocked.Increment(ref _activityCounter);
        if (call.Method == "POST" && call.Path.TrimEnd('/') == "/connector/v3/conversations")
            return (201, $$"""{"id":"conv-new-{{id}}","activityId":"{{id}}"}""");
        if (call.Method == "PUT") return (200, $$"""{"id":"{{call.Path[(call.Path.LastIndexOf('/') + 1)..]}}"}""");
        return (201, $$"""{"id":"{{id}}"}""");
    }

    private static JsonObject Jwk(RsaSecurityKey key, params string[] endorsements)
    {
        var p = key.Rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["endorsements"] = new JsonArray([.. endorsements.Select(e => (JsonNode)e)]),
        };
    }

    internal static RsaSecurityKey NewKey(string kid) => new(RSA.Create(2048)) { KeyId = kid };

    private static string Start(HttpListener listener)
    {
        for (var attempt = 1; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var url = $"http://127.0.0.1:{port}/";
            listener.Prefixes.Add(url);
            try
            {
                listener.Start();
                return url;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Prefixes.Remove(url);
            }
        }
    }

    /// <summary>One recorded request and the status it got.</summary>
    public sealed record Call(string Method, string Path, string? Authorization, string Body, int Status = 0, string Response = "")
    {
        /// <summary>The id the connector gave the activity sent.</summary>
        public string? CreatedId => Response.StartsWith('{') && JsonDocument.Parse(Response).RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;

        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        /// <summary>The Adaptive Cards attached to the activity sent, if any.</summary>
        public IReadOnlyList<JsonElement> Cards =>
            Body.Length > 0 && Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("attachments", out var a)
                ? [.. a.EnumerateArray().Where(x => x.GetProperty("contentType").GetString() == "application/vnd.microsoft.card.adaptive").Select(x => x.GetProperty("content"))]
                : [];

        public bool IsTyping => Body.StartsWith('{') && Json.TryGetProperty("type", out var type) && type.GetString() == "typing";

        public string? Text => Body.Length > 0 && Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("text", out var t) ? t.GetString() : null;
    }
}
