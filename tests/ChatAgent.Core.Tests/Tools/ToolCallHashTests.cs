using System.Text.Json;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Tools;

public sealed class ToolCallHashTests
{
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
    }

    [Fact]
    public void Hash_IsLowercaseSha256HexOfToolNameAndCanonicalJson()
    {
        var hash = ToolCallHash.Compute("t", Json("""{"b":1, "a":"x"}"""));

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("t\n{\"a\":\"x\",\"b\":1}"u8));
        Assert.Equal(expected, hash);
    }

    [Fact]
    public void CanonicalJson_SortsKeysRecursivelyWithoutWhitespace() =>
        Assert.Equal("""{"a":{"c":[3,{"d":1,"e":2}],"z":0},"b":"x y"}""",
            CanonicalJson.Serialize(Json("""{"b":"x y","a":{"z":0,"c":[3,{"e":2,"d":1}]}}""")));

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
