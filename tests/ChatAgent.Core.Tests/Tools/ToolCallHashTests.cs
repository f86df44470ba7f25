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
    public void Hash_KeepsNumbersAsTheModelWroteThem_NotInJsonbForm() =>
        // sha256("t\n{\"n\":1e2}"): the audit chain's jsonb form would print 100.
        Assert.Equal("459240d6762a6863561d31695e8b6fbf2c65abddf0d13cb80fb199efd174d791", ToolCallHash.Compute("t", Json("""{"n":1e2}""")));

    [Fact]
    public void Hash_OfNoParametersAtAll_IsThatOfNull() =>
        // sha256("t\nnull"): a call without parameters (an undefined element) hashes like an explicit null.
        Assert.Equal("07be5a70b992fcdafc261361f796cb8c9895e587fe8b946227ff6854f351b107", ToolCallHash.Compute("t", default));

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
