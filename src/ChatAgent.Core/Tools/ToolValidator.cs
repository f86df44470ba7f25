using System.Collections.Concurrent;
using System.Text.Json;
using ChatAgent.Core.Agents;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ChatAgent.Core.Tools;

/// <summary>
/// Checks a proposed tool call (factor 1) against the tool's JSON Schema. Returns readable errors for the
/// model or a person; never throws for bad input. An empty list means the call may go on.
/// </summary>
public sealed class ToolValidator(IAgentCatalog catalog)
{
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Validate(string tool, JsonElement parameters)
    {
        if (catalog.FindTool(tool) is not { } definition) return [$"unknown tool '{tool}'"];
        return Validate(definition, parameters);
    }

    public IReadOnlyList<string> Validate(ToolDefinition tool, JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Object)
            return [$"the parameters of '{tool.Name}' must be a JSON object, not {parameters.ValueKind.ToString().ToLowerInvariant()}"];
        // Parsed once per schema. NJsonSchema parses asynchronously: on the thread pool, so that waiting for it here never
        // waits for a continuation queued behind this very thread (a run validates on its few own threads: WorkScheduler).
        var schema = _schemas.GetOrAdd(tool.ParametersSchema, json => Task.Run(() => JsonSchema.FromJsonAsync(json)).GetAwaiter().GetResult());
        return [.. Flatten(schema.Validate(parameters.GetRawText())).Select(Describe).Distinct()];
    }

    private static IEnumerable<ValidationError> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(e => e is ChildSchemaValidationError child
            ? child.Errors.Values.SelectMany(Flatten).DefaultIfEmpty(e)
            : [e]);

    private static string Describe(ValidationError error)
    {
        // NJsonSchema names the root "#/" (or "#", or nothing): that is the parameters object itself.
        var path = (error.Path ?? "").TrimStart('#', '/').Replace('/', '.');
        var where = path.Length == 0 ? "parameters" : $"'{path}'";
        var schema = error.Schema;
        return error.Kind switch
        {
            ValidationErrorKind.PropertyRequired => $"missing required parameter '{error.Property}'",
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"unknown parameter {where}",
            ValidationErrorKind.PatternMismatch => $"{where} must match the pattern {schema?.Pattern}",
            ValidationErrorKind.NotInEnumeration => $"{where} must be one of: {string.Join(", ", schema?.Enumeration ?? [])}",
            ValidationErrorKind.StringExpected => $"{where} must be a string",
            ValidationErrorKind.IntegerExpected => $"{where} must be a whole number",
            ValidationErrorKind.NumberExpected => $"{where} must be a number",
            ValidationErrorKind.BooleanExpected => $"{where} must be true or false",
            ValidationErrorKind.ArrayExpected => $"{where} must be a list",
            ValidationErrorKind.ObjectExpected => $"{where} must be an object",
            ValidationErrorKind.StringTooShort => $"{where} is too short (at least {schema?.MinLength} characters)",
            ValidationErrorKind.StringTooLong => $"{where} is too long (at most {schema?.MaxLength} characters)",
            ValidationErrorKind.NumberTooSmall => $"{where} must be at least {schema?.Minimum}",
            ValidationErrorKind.NumberTooBig => $"{where} must be at most {schema?.Maximum}",
            _ => $"{where}: {error.Kind}",
        };
    }
}
