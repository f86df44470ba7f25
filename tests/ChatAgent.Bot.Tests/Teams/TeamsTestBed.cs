using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// The bot host configured for Teams against a <see cref="FakeBotFramework"/>: app id <see cref="AppId"/>, tenant
/// <see cref="Tenant"/>, <c>teams:aad-bob</c> a deployer. Builds activities as Teams sends them and signs tokens.
/// </summary>
public sealed class TeamsTestBed : IAsyncDisposable
{
    public const string AppId = "11111111-2222-3333-4444-555555555555";
    public const string Tenant = "tenant-1";
    public const string Conversation = "a:1personal-chat-with-alice";

    private TeamsTestBed(FakeBotFramework fake, BotHost host)
    {
        Fake = fake;
        Host = host;
    }

    public FakeBotFramework Fake { get; }

    public BotHost Host { get; }

    /// <param name="services">Replaces services after the host's own (e.g. a logger provider, an in-memory span exporter).</param>
    public static async Task<TeamsTestBed> StartAsync(
        bool postgres = false, IDictionary<string, string?>? settings = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var fake = new FakeBotFramework();
        var all = new Dictionary<string, string?>
        {
            ["Teams:AppId"] = AppId,
            ["Teams:AppPassword"] = "test-secret",
            ["Teams:OpenIdMetadataUrl"] = fake.OpenIdMetadataUrl,
            ["Teams:TokenEndpoint"] = fake.TokenEndpoint,
            ["Approvals:Groups:deployers:0"] = "teams:aad-bob",
            ["Approvals:Groups:sre-leads:0"] = "teams:aad-sam",
            // appsettings.json says localhost:5000, which another local process may hold; a free port instead.
            ["Urls"] = "http://127.0.0.1:0",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;
        return new TeamsTestBed(fake, await BotHost.StartAsync(all, postgres, services: services));
    }

    public static object User(string name) => new { id = "29:" + name, name = char.ToUpperInvariant(name[0]) + name[1..], aadObjectId = "aad-" + name };

    /// <summary>A message activity from <paramref name="user"/> in the personal chat.</summary>
    public object Message(string text, string user = "alice", string? id = null, object? value = null, string? serviceUrl = null, string tenant = Tenant, string channelId = "msteams") => new
    {
        type = "message",
        id = id ?? "msg-" + Guid.NewGuid().ToString("N")[..12],
        timestamp = DateTimeOffset.UtcNow,
        serviceUrl = serviceUrl ?? Fake.ServiceUrl,
        channelId,
        from = User(user),
        conversation = new { id = Conversation, tenantId = tenant, conversationType = "personal" },
        recipient = new { id = "28:" + AppId, name = "ChatAgent" },
        text,
        value,
        channelData = new { tenant = new { id = tenant } },
    };

    /// <summary>An <c>adaptiveCard/action</c> invoke: <paramref name="user"/> pressed <paramref name="verb"/>;
    /// <paramref name="inputs"/>: the card's other input values, which Teams merges into the action's data.</summary>
    public object Invoke(string verb, string threadId, string approvalId, string user, string? comment = null, IReadOnlyDictionary<string, string>? inputs = null) => new
    {
        type = "invoke",
        name = "adaptiveCard/action",
        id = "inv-" + Guid.NewGuid().ToString("N")[..12],
        timestamp = DateTimeOffset.UtcNow,
        serviceUrl = Fake.ServiceUrl,
        channelId = "msteams",
        from = User(user),
        conversation = new { id = Conversation, tenantId = Tenant, conversationType = "personal" },
        recipient = new { id = "28:" + AppId, name = "ChatAgent" },
        value = new
        {
            action = new { type = "Action.Execute", verb, data = ActionData(verb, threadId, approvalId, comment, inputs) },
            trigger = "manual",
        },
        channelData = new { tenant = new { id = Tenant } },
    };

    private static Dictionary<string, string?> ActionData(string verb, string threadId, string approvalId, string? comment, IReadOnlyDictionary<string, string>? inputs)
    {
        var data = new Dictionary<string, string?> { ["verb"] = verb, ["threadId"] = threadId, ["approvalId"] = approvalId, ["comment"] = comment };
        foreach (var (name, value) in inputs ?? new Dictionary<string, string>()) data[name] = value;
        return data;
    }

    /// <summary>A token as the Bot Framework issues it, valid unless a parameter says otherwise.</summary>
    public string Token(
        SecurityKey? key = null,
        string issuer = "https://api.botframework.com",
        string audience = AppId,
        string? serviceUrl = null,
        DateTime? expires = null)
    {
        var exp = expires ?? DateTime.UtcNow.AddMinutes(30);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = exp.AddMinutes(-60),
            NotBefore = exp.AddMinutes(-60),
            Expires = exp,
            Subject = new ClaimsIdentity([new Claim("serviceurl", serviceUrl ?? Fake.ServiceUrl), new Claim("appid", "bf-connector")]),
            SigningCredentials = new SigningCredentials(key ?? Fake.SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    public Task<HttpResponseMessage> PostAsync(object activity, string? token = "") => PostRawAsync(JsonSerializer.Serialize(activity), token);

    /// <summary>Posts to /api/messages; <paramref name="token"/> "" means a valid token, null no Authorization header.</summary>
    public async Task<HttpResponseMessage> PostRawAsync(string body, string? token = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Length == 0 ? Token() : token);
        return await Host.Client.SendAsync(request);
    }

    public async Task<JsonElement> ThreadAsync(string id) => await Host.Client.GetFromJsonAsync<JsonElement>($"/api/threads/{id}");

    public async Task<JsonElement[]> ThreadsAsync() => (await Host.Client.GetFromJsonAsync<JsonElement[]>("/api/threads"))!;

    /// <summary>Waits for a connector call matching <paramref name="match"/>.</summary>
    public Task<FakeBotFramework.Call> ConnectorCallAsync(Func<FakeBotFramework.Call, bool> match, string what) =>
        Poll.UntilAsync(() => Task.FromResult(Fake.ConnectorCalls.FirstOrDefault(match)), c => c is not null, Patience, what)!;

    /// <summary>Generous: the machine these run on is shared, and Hangfire on PostgreSQL adds job pick-up latency.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>Every card the bot sent so far, each checked against the Adaptive Card 1.5 rules.</summary>
    public void AssertEveryCardValid(params JsonElement[] more)
    {
        foreach (var card in Fake.ConnectorCalls.SelectMany(c => c.Cards).Concat(more))
            Assert.Empty(AdaptiveCardChecker.Check(card));
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
