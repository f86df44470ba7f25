using System.Text.Json;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Tools;

/// <summary>Canonical JSON sorts keys (ordinal) at every depth, small objects and large ones alike, and keeps equal keys in order.</summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void Keys_AreSortedOrdinally_AtEveryDepth() =>
        Assert.Equal("""{"B":[{"a":1,"b":2}],"a":{"x":null,"y":true},"b":"s"}""",
            CanonicalJson.Serialize(Parse("""{ "b": "s", "a": {"y": true, "x": null}, "B": [{"b": 2, "a": 1}] }""")));

    [Fact]
    public void EqualKeys_KeepTheirOrder_InASmallObjectAndALargeOne()
    {
        Assert.Equal("""{"a":2,"a":3,"b":1}""", CanonicalJson.Serialize(Parse("""{"b":1,"a":2,"a":3}""")));
        var large = "{" + string.Join(",", Enumerable.Range(0, 40).Reverse().Select(i => $"\"k{i:D2}\":{i}")) + ",\"k05\":\"again\"}";
        var expected = "{" + string.Join(",", Enumerable.Range(0, 40).Select(i => i == 5 ? "\"k05\":5,\"k05\":\"again\"" : $"\"k{i:D2}\":{i}")) + "}";
        Assert.Equal(expected, CanonicalJson.Serialize(Parse(large)));
    }

    [Fact]
    public void AsJsonb_PrintsNumbersInDecimal_AndEscapesAsWritten() =>
        Assert.Equal("""{"n":100,"t":"d\u00E9j\u00E0"}""", CanonicalJson.SerializeAsJsonb("""{"t":"déjà","n":1e2}"""));

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
