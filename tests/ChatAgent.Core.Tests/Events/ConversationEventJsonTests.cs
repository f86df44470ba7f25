using System.Text.Json;
using ChatAgent.Core.Events;

namespace ChatAgent.Core.Tests.Events;

/// <summary>
/// The conversation events (a conversation's own stream, beside the threads'): hand-written wire names, a version on
/// every stored event, and a golden stream of each version that keeps reading into today's records.
/// </summary>
public sealed class ConversationEventJsonTests
{
    public static readonly IReadOnlyList<(string WireName, ConversationEvent Sample)> All =
    [
        ("conversation_installed", new ConversationInstalled("teams", "19:general@thread.tacv2", "https://smba.trafficmanager.net/emea/",
            "tenant-1", "28:app-id", "channel", "General")),
        ("conversation_removed", new ConversationRemoved("teams", "19:general@thread.tacv2")),
    ];

    [Fact]
    public void EveryConversationEventType_HasASample_WithItsWireName()
    {
        Assert.Equal(EventTypes.Conversation.OrderBy(t => t.Name), All.Select(s => s.Sample.GetType()).OrderBy(t => t.Name));
        Assert.All(All, s => Assert.Equal(s.WireName, s.Sample.Type));
        Assert.Empty(EventTypes.Conversation.Select(EventTypes.NameOf).Intersect(EventTypes.WireNames));
    }

    [Fact]
    public void GoldenStream_OfVersion1_ReadsBackFieldByField()
    {
        var events = ReadGolden("conversation-events.v1.jsonl");

        Assert.Equal(All.Count, events.Count);
        for (var i = 0; i < events.Count; i++)
            FieldByField.Equal(All[i].Sample, events[i].Data, $"line {i + 1} ({All[i].WireName})");
        Assert.Equal(("conversation:teams:19:general@thread.tacv2", 2L, new DateTimeOffset(2026, 1, 15, 9, 5, 0, TimeSpan.Zero)),
            (events[1].StreamId, events[1].Seq, events[1].At));
        Assert.Equal(new Actor("user", "teams:aad-alice", "Alice"), events[0].Actor);
    }

    /// <summary>Version 1 is the current one, so the golden file is exactly what this build writes.</summary>
    [Fact]
    public void GoldenStream_OfTheCurrentVersion_IsWhatThisBuildWrites_LineByLine()
    {
        var lines = File.ReadLines(EventJsonTests.GoldenPath("conversation-events.v1.jsonl")).Where(l => l.Length > 0).ToList();
        var envelopes = ReadGolden("conversation-events.v1.jsonl");

        for (var i = 0; i < lines.Count; i++)
            Assert.Equal(lines[i], JsonSerializer.Serialize(envelopes[i] with { Data = All[i].Sample }, EventJson.Options));
        Assert.Equal("""{"type":"conversation_removed","v":1,"platform":"teams","conversationId":"19:c"}""",
            EventJson.Serialize(new ConversationRemoved("teams", "19:c")));
    }

    [Theory]
    [InlineData("""{"type":"conversation_removed","v":2,"platform":"teams","conversationId":"19:c"}""", "written by a newer ChatAgent")]
    [InlineData("""{"type":"thread_paused","v":1}""", "'thread_paused' is not a ConversationEvent")]
    [InlineData("""{"platform":"teams"}""", "needs a 'type'")]
    public void DeserializeConversation_RefusesWhatItCannotRead(string json, string reason)
    {
        var error = Assert.ThrowsAny<Exception>(() => EventJson.DeserializeConversation(json));

        Assert.Contains(reason, error.Message);
    }

    private static List<StoredConversationEvent> ReadGolden(string name) =>
        [.. File.ReadLines(EventJsonTests.GoldenPath(name)).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<StoredConversationEvent>(l, EventJson.Options)!)];
}
