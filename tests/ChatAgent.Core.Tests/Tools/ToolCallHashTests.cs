using System.Text.Json;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Tools;

/// <summary>
/// Known answers: the expected hashes are literal, computed outside .NET
/// (<c>printf 'tool\n{...}' | sha256sum</c>, or Python's hashlib), never with the code under test.
/// </summary>
public sealed class ToolCallHashTests
{
    [Fact]
    public void Hash_OfADeploy_IsTheKnownSha256OfNameNewlineAndSortedCompactJson() =>
        // sha256("deploy_to_production\n{\"env\":\"production\",\"service\":\"api\",\"version\":\"1.4.2\"}")
        Assert.Equal("07272183ef5b2373c3c9b01b26747fb2ef436bf796d1b48123e07066023c5ed9",
            ToolCallHash.Compute("deploy_to_production", Json("""{ "version": "1.4.2", "service": "api", "env": "production" }""")));

    [Fact]
    public void Hash_SortsNestedKeys_KeepsArrayOrderAndNumbersAsWritten() =>
        // sha256("t\n{\"a\":\"x y\",\"b\":[1,2.50,{\"a\":null,\"z\":true}]}")
        Assert.Equal("9743803da4d0a47440d07851dff4fa11074a8be15f615de2286c679cf04369a2",
            ToolCallHash.Compute("t", Json("""{"b":[1, 2.50, {"z":true, "a":null}], "a":"x y"}""")));

    [Fact]
    public void SameParametersInAnotherKeyOrder_HashTheSame()
    {
        var a = Json("""{"service":"api","options":{"b":2,"a":[1,{"y":true,"x":null}]}}""");
        var b = Json("""{ "options": { "a": [1, {"x": null, "y": true}], "b": 2 }, "service": "api" }""");

        Assert.Equal(ToolCallHash.Compute("deploy_to_production", a), ToolCallHash.Compute("deploy_to_production", b));
    }

    [Fact]
    public void DifferentValuesOrToolNames_HashDifferently()
    {
        var staging = ToolCallHash.Compute("deploy", Json("""{"env":"staging"}"""));

        Assert.NotEqual(staging, ToolCallHash.Compute("deploy", Json("""{"env":"production"}""")));
        Assert.NotEqual(staging, ToolCallHash.Compute("rollback", Json("""{"env":"staging"}""")));
        // Array order is part of the call.
        Assert.NotEqual(ToolCallHash.Compute("t", Json("[1,2]")), ToolCallHash.Compute("t", Json("[2,1]")));
    }

    [Fact]
    public void CanonicalJson_SortsKeysRecursivelyWithoutWhitespace() =>
        Assert.Equal("""{"a":{"c":[3,{"d":1,"e":2}],"z":0},"b":"x y"}""",
            CanonicalJson.Serialize(Json("""{"b":"x y","a":{"z":0,"c":[3,{"e":2,"d":1}]}}""")));

    [Fact]
    public void CanonicalJsonAsJsonb_PrintsNumbersInDecimalForm_AndReencodesStrings() =>
        Assert.Equal("""{"a":100,"b":1.50,"c":"d\u00E9j\u00E0"}""",
            CanonicalJson.SerializeAsJsonb("""{"c":"déjà","b":1.50,"a":1e2}"""));

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
