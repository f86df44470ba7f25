using ChatAgent.Core.Agents;

namespace ChatAgent.Core.Tests.Agents;

public sealed class CommandGrammarTests
{
    private readonly CommandGrammar _deploy = new("{service} to {env=staging}");

    [Fact]
    public void ServiceAlone_DefaultsEnvToStaging()
    {
        Assert.True(_deploy.TryParse("api", out var args));
        Assert.Equal("api", args["service"]);
        Assert.Equal("staging", args["env"]);
    }

    [Fact]
    public void ServiceToProduction_SetsEnv()
    {
        Assert.True(_deploy.TryParse("api to production", out var args));
        Assert.Equal("api", args["service"]);
        Assert.Equal("production", args["env"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("api production")]
    [InlineData("api to")]
    public void InputThatDoesNotFit_IsRejected(string input) => Assert.False(_deploy.TryParse(input, out _));

    [Fact]
    public void Usage_ShowsRequiredAndOptionalArguments() =>
        Assert.Equal("deploy <service> to [env=staging]", _deploy.Usage("deploy"));
}
