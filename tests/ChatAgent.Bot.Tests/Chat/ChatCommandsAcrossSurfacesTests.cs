using System.Collections.Immutable;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatAgent.Bot.Slack;
using ChatAgent.Bot.Tests.Slack.Support;
using ChatAgent.Bot.Tests.Support;
using ChatAgent.Bot.Tests.Teams;
using ChatAgent.Core.Events;
using ChatAgent.Core.Runtime;
using ChatAgent.Core.Storage;
using ChatAgent.Core.Threads;
using ChatAgent.TestSupport;

namespace ChatAgent.Bot.Tests.Chat;

/// <summary>
/// One table of chat lines, each typed by the same person on every surface of one real host: a signed Slack slash
/// command, a Slack direct message (Events API), a Teams message with a valid Bot Framework token, and the web chat's box
/// (<c>POST /webchat/commands</c>). Each row must launch the same thread everywhere, or answer with the same words
/// everywhere, and those words are known answers. The surfaces differ only in marks (Slack's code spans, bold, escapes,
/// dates and its <c>/agent</c> prefix; Teams' bullets), which <see cref="Words"/> takes away before comparing.
/// </summary>
public sealed class ChatCommandsAcrossSurfacesTests
{
    public enum Surface { SlackSlash, SlackMessage, Teams, WebChat }

    /// <summary>What exists before the line is typed: nothing, one thread waiting for approval read by all, or one thread per surface.</summary>
    public enum Setup { None, WaitingThread, OwnWaitingThread, OwnPausedThread }

    private sealed record Launch(string Agent, string Input, params (string Name, string Value)[] Arguments);

    /// <param name="Line">As typed; <c>{thread}</c> is the setup's thread.</param>
    /// <param name="Words">The expected answer once marks are taken away (<c>…</c> at the end: the answer starts so); null for a launch.</param>
    /// <param name="After">What the line did to the surface's thread, for lines that steer.</param>
    private sealed record Row(string Line, string Person, Setup Setup, string? Words, Launch? Launch = null, Func<ThreadState, IReadOnlyList<StoredEvent>, bool>? After = null);

    private static readonly Dictionary<string, Row> Table = new()
    {
        ["a natural line launches the agent it names"] = new("deploy api to production", "alice", Setup.None, null,
            new Launch("deploy", "api to production", ("env", "production"), ("service", "api"))),
        ["an agent's own slash command"] = new("/deploy web to staging", "alice", Setup.None, null,
            new Launch("deploy", "web to staging", ("env", "staging"), ("service", "web"))),
        ["/agent and an agent"] = new("/agent deploy api to staging", "alice", Setup.None, null,
            new Launch("deploy", "api to staging", ("env", "staging"), ("service", "api"))),
        ["agent and an agent"] = new("agent incident checkout is down", "alice", Setup.None, null,
            new Launch("incident", "checkout is down", ("title", "checkout is down"))),
        ["help"] = new("help", "alice", Setup.None, "Say one of:\n• deploy <service> to [env=staging] — Test a service, deploy it to staging…"),
        ["list, deploy first"] = new("list", "alice", Setup.None, "Agents\n• deploy — Test a service, deploy it to staging and, with a deployer's approval, to production. (deploy <service> to [env=staging])\n• campaign-audience — …"),
        ["an unknown word"] = new("frobnicate everything", "alice", Setup.None, "I don't know \"frobnicate\".\nSay one of:…"),
        ["an agent without its arguments"] = new("/deploy", "alice", Setup.None, "Usage: deploy <service> to [env=staging]"),
        ["nothing pending"] = new("pending", "eve", Setup.WaitingThread, "Nothing is waiting for your approval."),
        ["pending for an approver"] = new("pending", "bob", Setup.WaitingThread, "1 approval(s) waiting for you."),
        ["status"] = new("status {thread}", "eve", Setup.WaitingThread, "{thread} · deploy · awaiting_human · step 3/8\n• waiting for approval of deploy_to_production (expires …"),
        ["status without a thread"] = new("status", "alice", Setup.None, "Name the thread, e.g. status th_abc123 (its id is in the thread's status message)."),
        ["status of no thread"] = new("status th_nope", "alice", Setup.None, "There is no thread th_nope."),
        ["pause"] = new("pause {thread}", "alice", Setup.OwnWaitingThread, "Paused {thread}.",
            After: (s, _) => s.Status == ThreadStatus.Paused),
        ["pause by someone who may not"] = new("pause {thread}", "eve", Setup.OwnWaitingThread,
            "Only the person who started thread {thread}, the people who may decide its approval, or the operators group may change it.",
            After: (s, _) => s.Status == ThreadStatus.AwaitingHuman),
        ["resume with feedback"] = new("resume {thread} carry on", "bob", Setup.OwnPausedThread, "Resumed {thread}.",
            After: (s, events) => s.Status != ThreadStatus.Paused && events.Any(e => e.Data is ThreadResumed { Feedback: "carry on" } && e.Actor.Id.EndsWith("bob", StringComparison.OrdinalIgnoreCase))),
        ["abort with a reason"] = new("abort {thread} wrong service", "alice", Setup.OwnWaitingThread, "Aborted {thread}.",
            After: (s, _) => s is { Status: ThreadStatus.Failed, FailureReason: "aborted" }),
    };

    public static TheoryData<string> Rows => [.. Table.Keys];

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task TheSameLine_GivesTheSameResult_OnSlackTeamsAndTheWebChat(string name)
    {
        var row = Table[name];
        await using var rig = await Rig.StartAsync();
        var shared = row.Setup == Setup.WaitingThread ? await rig.WaitingThreadAsync() : null;
        var answers = new Dictionary<Surface, string>();
        foreach (var surface in Enum.GetValues<Surface>())
        {
            if (surface == Surface.SlackMessage && row.Line.StartsWith('/')) continue; // Slack takes slash lines as slash commands only
            var thread = row.Setup switch
            {
                Setup.OwnWaitingThread => await rig.WaitingThreadAsync(),
                Setup.OwnPausedThread => await rig.PausedThreadAsync(),
                _ => shared,
            };
            var before = await rig.ThreadIdsAsync();
            var answer = await rig.SendAsync(surface, row.Line.Replace("{thread}", thread), row.Person, expectsWords: row.Launch is null);
            var launched = (await rig.ThreadIdsAsync()).Except(before).ToList();

            if (row.Launch is { } expected)
            {
                var id = Assert.Single(launched);
                var state = (await rig.StateAsync(id))!;
                Assert.Equal((expected.Agent, expected.Input), (state.Agent, state.Input));
                Assert.Equal(expected.Arguments.ToImmutableSortedDictionary(a => a.Name, a => a.Value), state.Arguments);
                Assert.Equal(Rig.IdOf(surface, row.Person), state.RequestedBy); // who acts is who was authenticated
                Assert.Equal(Rig.Platform(surface), state.Origin.Platform);
                // Where the answer is words (a slash command, the web chat), they say so; Teams and Slack messages answer with the thread's own status message.
                if (surface is Surface.SlackSlash or Surface.WebChat)
                    Assert.Equal($"Started {expected.Agent} as {{thread}}. Progress and approvals will appear here.", Words(answer.Text!, id));
                continue;
            }
            Assert.Empty(launched);
            var words = Words(answer.Text!, thread);
            if (row.Words!.EndsWith('…')) Assert.StartsWith(row.Words[..^1], words);
            else Assert.Equal(row.Words, words);
            answers[surface] = words;
            if (name == "pending for an approver") Assert.Contains(shared!, answer.Raw); // its card (or line) names the thread
            if (row.After is { } after)
            {
                var state = (await rig.StateAsync(thread!))!;
                Assert.True(after(state, await rig.EventsAsync(thread!)), $"{surface}: {row.Line} did not do what it says; the thread is {state.Status.WireName()}.");
            }
        }
        if (answers.Count > 0) Assert.All(answers, a => Assert.Equal(answers[Surface.WebChat], a.Value));
    }

    /// <summary>The words of an answer: no code or bold marks, Slack's escapes and dates undone, no <c>/agent</c> or <c>@ChatAgent</c> prefix, one bullet.</summary>
    private static string Words(string text, string? threadId)
    {
        var s = Regex.Replace(text, @"<!date\^\d+\^[^|]*\|([^>]*)>", "$1");
        s = s.Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&").Replace("`", "").Replace("*", "");
        s = s.Replace("/agent ", "").Replace("@ChatAgent ", "");
        s = Regex.Replace(s, @", /[a-z-]+(?=[,)])", ""); // Slack also names each agent's own slash command
        if (threadId is not null) s = s.Replace(threadId, "{thread}");
        return string.Join("\n", s.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => l.StartsWith("- ", StringComparison.Ordinal) ? "• " + l[2..] : l));
    }

    private sealed record Answer(string? Text, string Raw);

    /// <summary>One host with Slack (against <see cref="FakeSlackApi"/>), Teams (against <see cref="FakeBotFramework"/>) and the web chat; alice, bob and eve are one person each on all three.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly FakeSlackApi _slack;
        private readonly TeamsTestBed _teams;
        private int _events;

        private Rig(FakeSlackApi slack, TeamsTestBed teams)
        {
            _slack = slack;
            _teams = teams;
        }

        private BotHost Host => _teams.Host;

        public static async Task<Rig> StartAsync()
        {
            var slack = await FakeSlackApi.StartAsync();
            var settings = new Dictionary<string, string?>
            {
                ["Slack:SigningSecret"] = SlackRig.Secret,
                ["Slack:BotToken"] = SlackRig.BotToken,
                ["Slack:ApiBaseUrl"] = slack.BaseUrl.ToString(),
                ["Approvals:Groups:deployers:0"] = "bob",
                ["Approvals:Groups:sre-leads:0"] = "sam",
            };
            foreach (var person in new[] { "alice", "bob", "eve", "sam" })
                foreach (var (surface, i) in new[] { Surface.SlackSlash, Surface.Teams, Surface.WebChat }.Select((s, i) => (s, i)))
                    settings[$"People:{person}:{i}"] = IdOf(surface, person);
            return new Rig(slack, await TeamsTestBed.StartAsync(settings: settings));
        }

        public static string IdOf(Surface surface, string person) => surface switch
        {
            Surface.SlackSlash or Surface.SlackMessage => "slack:U" + person.ToUpperInvariant(),
            Surface.Teams => "teams:aad-" + person,
            _ => "web:" + person,
        };

        public static string Platform(Surface surface) => IdOf(surface, "x")[..IdOf(surface, "x").IndexOf(':')];

        public async Task<Answer> SendAsync(Surface surface, string line, string person, bool expectsWords) => surface switch
        {
            Surface.SlackSlash => await SlashAsync(line, person),
            Surface.SlackMessage => await DirectMessageAsync(line, person, expectsWords),
            Surface.Teams => await TeamsAsync(line, person, expectsWords),
            _ => await WebChatAsync(line, person),
        };

        private async Task<Answer> SlashAsync(string line, string person)
        {
            var slash = line.StartsWith('/');
            var command = slash ? line.Split(' ')[0] : "/agent";
            var text = slash ? line[command.Length..].Trim() : line;
            var reply = await PostSignedAsync("/slack/commands", SlackRig.CommandForm(command, text, user: "U" + person.ToUpperInvariant()), "application/x-www-form-urlencoded");
            var body = JsonNode.Parse(reply)!.AsObject();
            return new Answer((string?)body["text"], reply);
        }

        private async Task<Answer> DirectMessageAsync(string line, string person, bool expectsWords)
        {
            var before = _slack.CallsTo("chat.postEphemeral").Count();
            var n = Interlocked.Increment(ref _events);
            var user = "U" + person.ToUpperInvariant();
            await PostSignedAsync("/slack/events", new JsonObject
            {
                ["type"] = "event_callback",
                ["event_id"] = $"EvAcross{n}",
                ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["user"] = user, ["text"] = line, ["channel"] = "D" + user, ["ts"] = $"1700001000.{n:D6}" },
            }.ToJsonString(), "application/json");
            if (!expectsWords) return new Answer(null, "");
            var reply = await Poll.UntilAsync(() => Task.FromResult(_slack.CallsTo("chat.postEphemeral").Skip(before).FirstOrDefault()), c => c is not null, what: "the Slack reply");
            return new Answer(reply!.Str("text"), reply.Body.ToJsonString());
        }

        private async Task<Answer> TeamsAsync(string line, string person, bool expectsWords)
        {
            var id = "msg-" + Guid.NewGuid().ToString("N")[..12];
            var response = await _teams.PostAsync(_teams.Message(line, user: person, id: id));
            response.EnsureSuccessStatusCode();
            if (!expectsWords) return new Answer(null, "");
            var reply = await _teams.ConnectorCallAsync(c => c.Method == "POST" && c.Path.EndsWith("/activities/" + id, StringComparison.Ordinal), "the Teams reply");
            return new Answer(reply.Json.GetProperty("text").GetString(), reply.Body);
        }

        private async Task<Answer> WebChatAsync(string line, string person)
        {
            var response = await Host.Client.PostAsJsonAsync("/webchat/commands", new { line, user = person, session = "s-" + person });
            var raw = await response.Content.ReadAsStringAsync();
            var body = JsonDocument.Parse(raw).RootElement;
            // A refusal is a problem whose detail is the sentence; anything else is the reply.
            return new Answer(response.IsSuccessStatusCode ? body.GetProperty("text").GetString() : body.GetProperty("detail").GetString(), raw);
        }

        private async Task<string> PostSignedAsync(string path, string body, string contentType)
        {
            var ts = SlackRig.Now;
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
            request.Headers.Add(SlackSignatureVerifier.TimestampHeader, ts.ToString());
            request.Headers.Add(SlackSignatureVerifier.SignatureHeader, SlackRig.Sign(body, ts));
            using var response = await Host.Client.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        }

        /// <summary>alice's <c>deploy api to production</c>, launched through the REST side, once it waits for bob's approval.</summary>
        public async Task<string> WaitingThreadAsync()
        {
            var result = await Host.Get<ThreadService>().LaunchAsync(new LaunchCommand("deploy", "api to production", new Origin("api"), Actor.User("web:alice", "alice")));
            Assert.True(result.Accepted, result.Message);
            await Poll.UntilAsync(() => StateAsync(result.State!.Id), s => s?.Status == ThreadStatus.AwaitingHuman, TeamsTestBed.Patience, "the approval request");
            return result.State!.Id;
        }

        public async Task<string> PausedThreadAsync()
        {
            var id = await WaitingThreadAsync();
            Assert.True((await Host.Get<ThreadService>().PauseAsync(id, Actor.User("web:alice", "alice"))).Accepted);
            return id;
        }

        public async Task<HashSet<string>> ThreadIdsAsync() => [.. (await Host.Get<IEventStore>().ListAsync(new ThreadQuery(Limit: 1000))).Select(t => t.Id)];

        public Task<ThreadState?> StateAsync(string id) => Host.Get<ThreadService>().GetStateAsync(id);

        public Task<IReadOnlyList<StoredEvent>> EventsAsync(string id) => Host.Get<ThreadService>().GetEventsAsync(id);

        public async ValueTask DisposeAsync()
        {
            await _teams.DisposeAsync();
            await _slack.DisposeAsync();
        }
    }
}
