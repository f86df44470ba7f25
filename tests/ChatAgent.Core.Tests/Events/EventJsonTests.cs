using System.Runtime.CompilerServices;
using System.Text.Json;
using ChatAgent.Core.Events;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Events;

public sealed class EventJsonTests
{
    public static TheoryData<string> WireNames() => [.. EventSamples.All.Select(s => s.WireName)];

    private static ThreadEvent SampleFor(string wireName) => EventSamples.All.Single(s => s.WireName == wireName).Sample;

    [Fact]
    public void EveryEventType_HasASample()
    {
        var sampled = EventSamples.All.Select(s => s.Sample.GetType()).ToHashSet();
        var missing = EventTypes.All.Where(t => !sampled.Contains(t)).Select(t => t.Name).Order().ToList();
        Assert.True(missing.Count == 0, $"add a sample (with its wire name) to EventSamples for: {string.Join(", ", missing)}");
        Assert.Equal(EventTypes.All.Count, EventSamples.All.Count);
    }

    [Theory]
    [MemberData(nameof(WireNames))]
    public void Event_RoundTripsThroughJson_WithoutLosingAnything(string wireName)
    {
        var sample = SampleFor(wireName);

        var back = EventJson.Deserialize(EventJson.Serialize(sample));

        FieldByField.Equal(sample, back, wireName);
    }

    [Theory]
    [MemberData(nameof(WireNames))]
    public void Event_TypeDiscriminator_IsTheHandWrittenWireName(string wireName)
    {
        var sample = SampleFor(wireName);

        using var doc = JsonDocument.Parse(EventJson.Serialize(sample));

        Assert.Equal(wireName, doc.RootElement.GetProperty("type").GetString());
        Assert.Equal(wireName, sample.Type);
        Assert.Equal(wireName, EventTypes.NameOf(sample.GetType()));
    }

    [Fact]
    public void Deserialize_AcceptsTheDiscriminator_AfterOtherProperties()
    {
        var e = EventJson.Deserialize("""{"text":"hello","type":"user_input"}""");

        Assert.Equal(new UserInput("hello"), e);
    }

    [Fact]
    public void Deserialize_Fails_ForAnUnknownType()
    {
        Assert.ThrowsAny<JsonException>(() => EventJson.Deserialize("""{"type":"no_such_event"}"""));
    }

    /// <summary>
    /// A stored thread written by an earlier version, replayed through today's reducer. If a schema or
    /// reducer change breaks old threads, this fails: migrate, don't edit the file.
    /// </summary>
    [Fact]
    public void GoldenStream_ReplaysToTheExpectedState()
    {
        var events = ReadGolden("deploy-thread.jsonl");

        var state = ThreadReducer.Replay(events);

        Assert.Equal(16, events.Count);
        Assert.Equal("t-golden-deploy", state.Id);
        Assert.Equal("deploy", state.Agent);
        Assert.Equal(ThreadStatus.Completed, state.Status);
        Assert.Equal("deployed api 1.4.2 to production", state.Summary);
        Assert.Equal(3, state.Step);
        Assert.Equal(8, state.MaxSteps);
        Assert.Equal(16, state.Version);
        Assert.Equal("production", state.Arguments["env"]);
        Assert.Equal("slack:U1", state.RequestedBy);
        Assert.Empty(state.PendingApprovals);
        var approval = Assert.Single(state.SettledApprovals);
        Assert.Equal(ApprovalOutcome.Granted, approval.Outcome);
        Assert.Equal(["slack:U2", "slack:U3"], approval.Votes.Select(v => v.By));
        Assert.Null(state.ReadyToRun);
        Assert.Equal(["run_tests", "deploy"], state.Results.Select(r => r.Tool));
        Assert.Equal("1.4.2", state.Results[1].Result.GetProperty("version").GetString());
        Assert.Equal(("call-3", "done"), (state.LastToolCall!.ToolCallId, state.LastToolCall.Tool));
        var card = state.Messages["approval:appr-1"];
        Assert.Equal("C123/1700000000.000200", card.Ref);
        Assert.True(card.IsDelivered);
        Assert.Equal(0, state.ConsecutiveErrors);
    }

    /// <summary>
    /// Stored text of every event type (every field set), as each schema version wrote it, read back by today's code into
    /// the same values, field by field. A renamed property or wire name, or a changed shape without an upcast, breaks
    /// reading old threads and fails here: add a version and an upcast, and a file for the new version; never edit these.
    /// </summary>
    [Theory]
    [InlineData("every-event.v1.jsonl")]
    [InlineData("every-event.v2.jsonl")]
    public void GoldenEveryEvent_OfEachVersion_HoldsEveryEventType_AndReadsBackFieldByField(string file)
    {
        var events = ReadGolden(file);

        var expected = EventTypes.WireNames.Except(NewerThan.GetValueOrDefault(file, [])).Order(StringComparer.Ordinal);
        Assert.Equal(expected, events.Select(e => e.Data.Type).Order(StringComparer.Ordinal));
        for (var i = 0; i < events.Count; i++)
        {
            var (wireName, sample) = EventSamples.All[i];
            Assert.Equal(("t-golden-every", i + 1L, new DateTimeOffset(2026, 1, 15, 9, 30, i, TimeSpan.Zero)), (events[i].ThreadId, events[i].Seq, events[i].At));
            FieldByField.Equal(sample, events[i].Data, $"{file} line {i + 1} ({wireName})");
        }
        Assert.Equal(new Actor("user", "slack:U1", "Alice"), events[0].Actor);
        Assert.Equal(new Actor("agent", "agent"), events[1].Actor);
        Assert.Equal(new Actor("system", "system"), events[2].Actor);
    }

    /// <summary>
    /// Event types added after a golden file was written: that version never wrote them, so its file does not hold them
    /// (a v1 line is text without <c>"v"</c>, which no build writing these types ever stored). They are appended to the
    /// newest file, and to <see cref="EventSamples.All"/> at the end, in the same order.
    /// </summary>
    private static readonly Dictionary<string, string[]> NewerThan = new()
    {
        ["every-event.v1.jsonl"] = ["grant_created", "grant_revoked"],
    };

    /// <summary>The newest golden file is exactly what this build writes: every event carries its version after its type.</summary>
    [Fact]
    public void GoldenEveryEvent_OfTheCurrentVersion_IsWhatThisBuildWrites_LineByLine()
    {
        var lines = File.ReadLines(GoldenPath("every-event.v2.jsonl")).Where(l => l.Length > 0).ToList();
        var envelopes = ReadGolden("every-event.v1.jsonl");
        var current = ReadGolden("every-event.v2.jsonl");

        Assert.Equal(EventSamples.All.Count, lines.Count);
        Assert.Equal(EventSamples.All.Count - NewerThan["every-event.v1.jsonl"].Length, envelopes.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            // The envelope as v1 wrote it where v1 has the line; past it, the line's own (its seq and at are checked above).
            var envelope = i < envelopes.Count ? envelopes[i] : current[i];
            Assert.Equal(lines[i], JsonSerializer.Serialize(envelope with { Data = EventSamples.All[i].Sample }, EventJson.Options));
        }
    }

    /// <summary>A call approved by a standing grant names the grant; a person's decision is written as before, without the field.</summary>
    [Fact]
    public void ApprovalDecided_ByAGrant_NamesTheGrant_AndAPersonsDecisionOmitsIt()
    {
        const string byGrant = """{"type":"approval_decided","v":2,"approvalId":"a-1","decision":"approve","parametersHash":"h","grant":"gr-7"}""";

        Assert.Equal(byGrant, EventJson.Serialize(new ApprovalDecided("a-1", true, null, "h", "gr-7")));
        Assert.Equal(new ApprovalDecided("a-1", true, null, "h", "gr-7"), EventJson.Deserialize(byGrant));
        Assert.DoesNotContain("grant", EventJson.Serialize(new ApprovalDecided("a-1", true, null, "h")));
        Assert.Null(Assert.IsType<ApprovalDecided>(EventJson.Deserialize("""{"type":"approval_decided","approvalId":"a-1","granted":true,"parametersHash":"h"}""")).Grant);
    }

    /// <summary>A card's copy in a person's DM names them; the copy in the thread's conversation is written as before, without the field.</summary>
    [Fact]
    public void MessagePosted_OfADirectMessageCopy_NamesTheRecipient_AndTheThreadsOwnOmitsIt()
    {
        const string copy = """{"type":"message_posted","v":1,"messageKey":"approval:a-1","platform":"slack","ref":"DUBOB|1700000000.000100","version":7,"to":"slack:UBOB"}""";

        Assert.Equal(copy, EventJson.Serialize(new MessagePosted("approval:a-1", "slack", "DUBOB|1700000000.000100", 7, "slack:UBOB")));
        Assert.Equal(new MessagePosted("approval:a-1", "slack", "DUBOB|1700000000.000100", 7, "slack:UBOB"), EventJson.Deserialize(copy));
        Assert.DoesNotContain("\"to\"", EventJson.Serialize(new MessagePosted("approval:a-1", "slack", "C1|1", 7)));
    }

    /// <summary>A policy that sends DMs says so in its snapshot; every other policy is written as before.</summary>
    [Fact]
    public void ApprovalPolicy_WritesDirectMessageOnlyWhenSet()
    {
        var asking = new ApprovalRequested("a-1", "c-1", "deploy", JsonDocument.Parse("{}").RootElement, "h", null, "slack:U1",
            new ChatAgent.Core.Tools.ApprovalPolicy(["group:deployers"], DirectMessage: true), DateTimeOffset.UnixEpoch);
        var written = EventJson.Serialize(asking);
        Assert.Contains("\"directMessage\":true", written);
        Assert.True(Assert.IsType<ApprovalRequested>(EventJson.Deserialize(written)).Policy.DirectMessage);
        Assert.DoesNotContain("directMessage", EventJson.Serialize(asking with { Policy = new ChatAgent.Core.Tools.ApprovalPolicy(["group:deployers"]) }));
    }

    [Fact]
    public void ApprovalDecided_IsWrittenAtVersion2_WithTheDecisionInWords()
    {
        Assert.Equal("""{"type":"approval_decided","v":2,"approvalId":"a-1","decision":"deny","comment":"not today","parametersHash":"h"}""",
            EventJson.Serialize(new ApprovalDecided("a-1", false, "not today", "h")));
        Assert.Equal("""{"type":"user_input","v":1,"text":"hi"}""", EventJson.Serialize(new UserInput("hi")));
    }

    [Theory]
    [InlineData("""{"type":"approval_decided","approvalId":"a-1","granted":true,"parametersHash":"h"}""", true)]
    [InlineData("""{"type":"approval_decided","approvalId":"a-1","granted":false,"comment":"no","parametersHash":"h"}""", false)]
    [InlineData("""{"parametersHash":"h","granted":false,"v":1,"approvalId":"a-1","type":"approval_decided"}""", false)]
    [InlineData("""{"type":"approval_decided","v":2,"approvalId":"a-1","decision":"approve","parametersHash":"h"}""", true)]
    public void ApprovalDecided_ReadsEveryVersion(string json, bool granted)
    {
        var decided = Assert.IsType<ApprovalDecided>(EventJson.Deserialize(json));

        Assert.Equal(("a-1", granted, "h"), (decided.ApprovalId, decided.Granted, decided.ParametersHash));
    }

    [Theory]
    [InlineData("""{"type":"approval_decided","approvalId":"a-1","granted":"yes","parametersHash":"h"}""", "boolean 'granted'")]
    [InlineData("""{"type":"approval_decided","v":2,"approvalId":"a-1","decision":"maybe","parametersHash":"h"}""", "'approve' or 'deny'")]
    [InlineData("""{"type":"user_input","v":2,"text":"from the future"}""", "written by a newer ChatAgent")]
    [InlineData("""{"type":"user_input","v":0,"text":"x"}""", "positive whole number")]
    [InlineData("""{"text":"x"}""", "needs a 'type'")]
    public void Deserialize_RefusesWhatItCannotRead_AndSaysWhy(string json, string reason)
    {
        var error = Assert.ThrowsAny<JsonException>(() => EventJson.Deserialize(json));

        Assert.Contains(reason, error.Message);
    }

    /// <summary>Every version below a type's current one has an upcast step, so no stored version is unreadable.</summary>
    [Fact]
    public void EveryOlderVersion_HasAnUpcastStep()
    {
        var needed = EventTypes.WireNames.SelectMany(t => Enumerable.Range(1, EventTypes.VersionOf(t) - 1).Select(v => (t, v))).Order().ToList();

        Assert.Equal(needed, EventUpcaster.Defined.Order().ToList());
        Assert.Equal([("approval_decided", 1)], needed);
    }

    [Fact]
    public void GoldenEveryEvent_SpotChecks_ReadTheWireFieldsIntoTheRightProperties()
    {
        var data = ReadGolden("every-event.v1.jsonl").ToDictionary(e => e.Data.Type, e => e.Data);

        var started = Assert.IsType<ThreadStarted>(data["thread_started"]);
        Assert.Equal(("deploy", "t-parent", 8, "C123"), (started.Agent, started.ParentThreadId, started.MaxSteps, started.Origin.Conversation));
        var requested = Assert.IsType<ApprovalRequested>(data["approval_requested"]);
        Assert.Equal((2, "group:deployers", TimeSpan.FromMinutes(30)), (requested.Policy.Quorum, requested.Policy.Approvers[0], requested.Policy.ExpiresAfter));
        var failedCheck = Assert.IsType<CheckFailed>(data["check_failed"]);
        Assert.Equal(("verify", "expected healthy = true, got false"), (failedCheck.Phase, failedCheck.Message));
        var childUpdated = Assert.IsType<ChildUpdated>(data["child_updated"]);
        Assert.Equal(("production", "awaiting_human", "appr-7"), (childUpdated.StepId, childUpdated.Status, childUpdated.PendingApprovals[0].ApprovalId));
        var childFinished = Assert.IsType<ChildFinished>(data["child_finished"]);
        Assert.Equal(42, childFinished.Result!.Value.GetProperty("tests").GetInt32());
        Assert.Equal(2, Assert.IsType<ToolCalled>(data["tool_call"]).Attempt);
    }

    /// <summary>
    /// A thread stored at version 1 is written back as today's version: the same text with each event's version after
    /// its type, and the decisions in words. Expected lines are derived here by hand, not by the code under test.
    /// </summary>
    [Fact]
    public void GoldenStream_OfVersion1_IsWrittenBackAsTheCurrentVersion()
    {
        foreach (var line in File.ReadLines(GoldenPath("deploy-thread.jsonl")).Where(l => l.Length > 0))
        {
            var e = JsonSerializer.Deserialize<StoredEvent>(line, EventJson.Options)!;
            var type = e.Data.Type;
            var expected = type == "approval_decided"
                ? line.Replace("\"type\":\"approval_decided\"", "\"type\":\"approval_decided\",\"v\":2").Replace("\"granted\":true", "\"decision\":\"approve\"")
                : line.Replace($"\"type\":\"{type}\"", $"\"type\":\"{type}\",\"v\":1")
                    // A policy stored before "editable" existed reads as editable (the default) and is written with it.
                    .Replace("\"confirm\":false}", "\"confirm\":false,\"editable\":true}");
            Assert.Equal(expected, JsonSerializer.Serialize(e, EventJson.Options));
        }
    }

    internal static List<StoredEvent> ReadGolden(string name) =>
        [.. File.ReadLines(GoldenPath(name)).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<StoredEvent>(l, EventJson.Options)!)];

    internal static string GoldenPath(string name, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "..", "Golden", name);
}
