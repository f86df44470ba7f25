using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Tools;
using ChatAgent.TestSupport;

namespace ChatAgent.Core.Tests.Tools;

public sealed class ToolValidatorTests
{
    private static readonly ToolValidator Validator = new(AgentCatalog.Load(RepositoryPaths.Agents));

    [Fact]
    public void ValidCall_HasNoErrors() =>
        Assert.Empty(Validator.Validate("deploy_to_production", Json("""{"service":"api","version":"1.4.2"}""")));

    [Fact]
    public void UnknownTool_IsAnError() =>
        Assert.Equal(["unknown tool 'deploy_everything'"], Validator.Validate("deploy_everything", Json("{}")));

    [Fact]
    public void MissingRequiredParameter_IsNamed() =>
        Assert.Contains("missing required parameter 'version'", Validator.Validate("deploy_to_staging", Json("""{"service":"api"}""")));

    [Fact]
    public void PatternMismatch_ShowsThePattern() =>
        Assert.Contains("'service' must match the pattern ^[a-z0-9-]{1,40}$",
            Validator.Validate("run_tests", Json("""{"service":"x; touch /tmp/pwned"}""")));

    [Fact]
    public void ValueOutsideEnum_ListsTheAllowedValues() =>
        Assert.Contains("'severity' must be one of: sev1, sev2, sev3",
            Validator.Validate("open_incident", Json("""{"title":"db down","severity":"bad","impact":"all"}""")));

    [Fact]
    public void WrongTypeAndUnknownParameter_AreBothReported()
    {
        var errors = Validator.Validate("run_tests", Json("""{"service":42,"force":true}"""));

        Assert.Contains("'service' must be a string", errors);
        Assert.Contains("unknown parameter 'force'", errors);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"api\"")]
    [InlineData("null")]
    public void ParametersThatAreNotAnObject_AreAnErrorNotAnException(string json) =>
        Assert.Single(Validator.Validate("run_tests", Json(json)));

    [Fact]
    public void BuiltinTools_AreValidatedToo() =>
        Assert.Contains("missing required parameter 'summary'", Validator.Validate("done", Json("{}")));

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
