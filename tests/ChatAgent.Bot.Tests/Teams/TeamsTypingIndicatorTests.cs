using ChatAgent.Bot.Teams;
using ChatAgent.Bot.Teams.Connector;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Core.Events;
using ChatAgent.Core.Storage.InMemory;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChatAgent.Bot.Tests.Teams;

/// <summary>
/// "ChatAgent is typing…" on the clock: nothing for a quick step, the first indicator once a step has run a second,
/// another every three seconds, and none once the step is over. Sent over real HTTP to the fake Bot Connector; the
/// clock is a fake one, so the test decides when a second has passed.
/// </summary>
public sealed class TeamsTypingIndicatorTests : IAsyncLifetime
{
    private const string Conversation = "19:ops@thread.tacv2;messageid=1712345678";
    private readonly FakeBotFramework _fake = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private TeamsTypingIndicator _indicator = null!;

    public Task InitializeAsync()
    {
        var connector = new BotConnectorClient(_http, new NoBotToken(), new ConversationPacer(_time), NullLogger<BotConnectorClient>.Instance);
        _indicator = new TeamsTypingIndicator(connector, new TeamsTargets(new InMemoryConversations()), _time, NullLogger<TeamsTypingIndicator>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _fake.DisposeAsync();
    }

    private ThreadState Thread(string platform = "teams") => ThreadReducer.Replay([
        new StoredEvent("th_typing", 1, _time.GetUtcNow(), Actor.User("teams:aad-alice", "Alice"),
            new ThreadStarted("deploy", "api to staging", new Dictionary<string, string>(), new Origin(platform, Conversation, "1712345678", "teams:aad-alice", _fake.ServiceUrl), 8)),
    ]);

    [Fact]
    public async Task AStepOverASecond_ShowsTyping_ThenEveryThreeSeconds_AndNothingAfterItEnds()
    {
        var showing = _indicator.Begin(Thread());
        _time.Advance(TimeSpan.FromSeconds(1));
        var first = await Poll.UntilAsync(() => Task.FromResult(_fake.TypingCalls.ToList()), c => c.Count == 1, TeamsTestBed.Patience, "the first typing indicator");
        Assert.Equal("POST", first[0].Method);
        Assert.Equal("/connector/v3/conversations/" + Uri.EscapeDataString(Conversation) + "/activities/1712345678", first[0].Path);
        Assert.Equal("typing", first[0].Json.GetProperty("type").GetString());
        Assert.Equal("1712345678", first[0].Json.GetProperty("replyToId").GetString());

        _time.Advance(TimeSpan.FromSeconds(3));
        await Poll.UntilAsync(() => Task.FromResult(_fake.TypingCalls.Count()), n => n == 2, TeamsTestBed.Patience, "the second typing indicator");

        await showing.DisposeAsync();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, _fake.TypingCalls.Count());
        Assert.Empty(_fake.ConnectorCalls);
    }

    [Fact]
    public async Task AStepThatEndsWithinASecond_ShowsNothing()
    {
        var showing = _indicator.Begin(Thread());
        _time.Advance(TimeSpan.FromMilliseconds(999));
        await showing.DisposeAsync();
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(_fake.TypingCalls);
    }

    [Fact]
    public async Task AThreadFromAnotherPlatform_ShowsNothingInTeams()
    {
        var showing = _indicator.Begin(Thread("slack"));
        _time.Advance(TimeSpan.FromSeconds(5));
        await showing.DisposeAsync();
        Assert.Empty(_fake.TypingCalls);
    }
}
