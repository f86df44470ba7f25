using System.Net;
using System.Text.Json;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>Every bad token is a 401 that appends nothing and sends nothing; the good one goes through.</summary>
public sealed class TeamsAuthenticationTests : IClassFixture<TeamsAuthenticationTests.Bed>, IAsyncLifetime
{
    private readonly TeamsTestBed _bed;

    public TeamsAuthenticationTests(Bed bed) => _bed = bed.Value!;

    public sealed class Bed : IAsyncLifetime
    {
        public TeamsTestBed? Value { get; private set; }

        public async Task InitializeAsync() =>
            Value = await TeamsTestBed.StartAsync(settings: new Dictionary<string, string?> { ["Teams:AllowedTenants:0"] = TeamsTestBed.Tenant });

        public async Task DisposeAsync() => await Value!.DisposeAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> BadTokens => ["no header", "wrong key", "wrong issuer", "wrong audience", "expired", "serviceUrl mismatch", "endorsement missing", "disallowed tenant", "not a jwt"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadToken_Is401_AndNothingIsAppendedOrSent(string kind)
    {
        // The bed is shared by the cases of this class: another case's reply may still be on its way, so "nothing sent"
        // means nothing sent in answer to this activity (a reply would address its id).
        var activityId = "bad-" + kind.Replace(' ', '-');
        var activity = kind == "disallowed tenant"
            ? _bed.Message("deploy api to staging", id: activityId, tenant: "tenant-other")
            : _bed.Message("deploy api to staging", id: activityId);
        var token = kind switch
        {
            "no header" => null,
            "wrong key" => _bed.Token(key: FakeBotFramework.NewKey("bf-key-1")), // same kid, another key: a forgery
            "wrong issuer" => _bed.Token(issuer: "https://sts.windows.net/evil/"),
            "wrong audience" => _bed.Token(audience: "another-bot"),
            "expired" => _bed.Token(expires: DateTime.UtcNow.AddMinutes(-6)),
            "serviceUrl mismatch" => _bed.Token(serviceUrl: "https://smba.trafficmanager.net/evil/"),
            "endorsement missing" => _bed.Token(key: _bed.Fake.WebChatKey),
            "not a jwt" => "not-a-token",
            _ => "",
        };

        var response = await _bed.PostAsync(activity, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await _bed.ThreadsAsync());
        Assert.DoesNotContain(_bed.Fake.ConnectorCalls, c => c.Path.Contains(activityId) || c.Body.Contains(activityId));
    }

    [Fact]
    public async Task ExpiredWithinClockSkew_IsAccepted()
    {
        var response = await _bed.PostAsync(_bed.Message("help"), _bed.Token(expires: DateTime.UtcNow.AddMinutes(-3)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await _bed.ThreadsAsync());
    }

    [Fact]
    public async Task MalformedBody_WithAValidToken_Is400()
    {
        var response = await _bed.PostRawAsync("{\"type\": \"message\", \"text\": ");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _bed.PostRawAsync("[1,2]")).StatusCode);
        Assert.Empty(await _bed.ThreadsAsync());
    }

    [Fact]
    public async Task ServiceUrlClaim_IsComparedIgnoringCase()
    {
        var token = _bed.Token(serviceUrl: _bed.Fake.ServiceUrl.ToUpperInvariant());
        var response = await _bed.PostAsync(_bed.Message("help"), token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Poll.UntilAsync(() => Task.FromResult(_bed.Fake.ConnectorCalls.Any(c => c.Text?.Contains("Say one of") == true)), x => x, TeamsTestBed.Patience, "the help reply");
    }
}
