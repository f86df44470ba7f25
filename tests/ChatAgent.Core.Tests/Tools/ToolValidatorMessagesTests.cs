using System.Text.Json;
using ChatAgent.Core.Tools;

namespace ChatAgent.Core.Tests.Tools;

/// <summary>Each kind of schema violation, in the sentence the model (or a person) reads back.</summary>
public sealed class ToolValidatorMessagesTests
{
    private static readonly ToolDefinition Tool = new("scale", "Scales a service.", ToolKind.Immediate,
        """
        {
          "type": "object",
          "properties": {
            "service": { "type": "string", "minLength": 2, "maxLength": 5 },
            "replicas": { "type": "integer", "minimum": 1, "maximum": 10 },
            "ratio": { "type": "number" },
            "force": { "type": "boolean" },
            "zones": { "type": "array", "maxItems": 1 },
            "limits": { "type": "object" }
          },
          "minProperties": 1
        }
        """, RunnerSpec.ForBuiltin("scale"));

    private static readonly ToolValidator Validator = new(new ChatAgent.Core.Agents.AgentCatalog([], new Dictionary<string, ToolDefinition>()));

    [Theory]
    [InlineData("""{"service":"a"}""", "'service' is too short (at least 2 characters)")]
    [InlineData("""{"service":"abcdef"}""", "'service' is too long (at most 5 characters)")]
    [InlineData("""{"replicas":0}""", "'replicas' must be at least 1")]
    [InlineData("""{"replicas":11}""", "'replicas' must be at most 10")]
    [InlineData("""{"replicas":"two"}""", "'replicas' must be a whole number")]
    [InlineData("""{"ratio":"half"}""", "'ratio' must be a number")]
    [InlineData("""{"force":"yes"}""", "'force' must be true or false")]
    [InlineData("""{"zones":"eu"}""", "'zones' must be a list")]
    [InlineData("""{"limits":3}""", "'limits' must be an object")]
    [InlineData("""{"zones":["a","b"]}""", "'zones': TooManyItems")]
    [InlineData("{}", "parameters: TooFewProperties")]
    public void EachViolation_IsOneReadableSentence(string parameters, string expected) =>
        Assert.Equal([expected], Validator.Validate(Tool, JsonDocument.Parse(parameters).RootElement.Clone()));

    [Theory]
    [InlineData("[]", "array")]
    [InlineData("\"api\"", "string")]
    [InlineData("null", "null")]
    public void ParametersThatAreNotAnObject_SayWhatTheyAre(string parameters, string kind) =>
        Assert.Equal([$"the parameters of 'scale' must be a JSON object, not {kind}"], Validator.Validate(Tool, JsonDocument.Parse(parameters).RootElement.Clone()));
}
