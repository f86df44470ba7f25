using System.Text.Json;
using ChatAgent.Core.Agents;
using ChatAgent.Core.Threads;

namespace ChatAgent.Core.Tests.Agents;

public sealed class TemplateRendererTests
{
    private static readonly TemplateScope Scope = new(
        "api to production",
        new Dictionary<string, string> { ["service"] = "api", ["env"] = "production" },
        [
            new CompletedCall("c1", "run_tests", Json("""{"passed":true,"tests":41,"version":"1.4.1"}""")),
            new CompletedCall("c2", "run_tests", Json("""{"passed":true,"tests":42,"version":"1.4.2","report":{"failures":[]}}""")),
        ],
        Json("""{"repository":{"name":"billing"},"commits":[{"id":"abc"}]}"""),
        "t-1",
        "deploy");

    [Fact]
    public void Render_ReplacesEveryKindOfPlaceholder() =>
        Assert.Equal("deploy t-1: api production 1.4.2 billing abc (api to production)",
            TemplateRenderer.Render("{{agent.name}} {{ thread.id }}: {{args.service}} {{args.env}} {{results.run_tests.version}} {{payload.repository.name}} {{payload.commits.0.id}} ({{input}})", Scope));

    [Fact]
    public void Results_ReadTheLatestResultOfTheTool() =>
        Assert.Equal("42", TemplateRenderer.Render("{{results.run_tests.tests}}", Scope));

    [Theory]
    [InlineData("{{args.servce}}")]
    [InlineData("{{results.deploy.version}}")]
    [InlineData("{{results.run_tests.missing}}")]
    [InlineData("{{payload.repository.owner}}")]
    [InlineData("{{secrets.token}}")]
    public void UnknownPlaceholder_Throws(string template)
    {
        var ex = Assert.Throws<TemplateException>(() => TemplateRenderer.Render("x " + template, Scope));
        Assert.Equal(template.Trim('{', '}'), ex.Placeholder);
    }

    [Fact]
    public void RenderParameters_RendersStringLeavesAndKeepsTheTypeOfWholePlaceholders()
    {
        var rendered = TemplateRenderer.RenderParameters(Json("""
            {"service":"{{args.service}}","tests":"{{results.run_tests.tests}}","passed":"{{results.run_tests.passed}}",
             "label":"v{{results.run_tests.version}}","report":"{{results.run_tests.report}}","fixed":7,"list":["{{args.env}}"]}
            """), Scope);

        Assert.Equal("""{"service":"api","tests":42,"passed":true,"label":"v1.4.2","report":{"failures":[]},"fixed":7,"list":["production"]}""",
            rendered.GetRawText());
    }

    [Fact]
    public void RenderParameters_ThrowsOnUnknownPlaceholder() =>
        Assert.Throws<TemplateException>(() => TemplateRenderer.RenderParameters(Json("""{"a":{"b":"{{args.nope}}"}}"""), Scope));

    [Fact]
    public void From_ExposesTheThreadState()
    {
        var state = ThreadState.Empty with { Id = "t-9", Agent = "incident", Input = "db down" };

        Assert.Equal("t-9 incident db down", TemplateRenderer.Render("{{thread.id}} {{agent.name}} {{input}}", TemplateScope.From(state)));
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
