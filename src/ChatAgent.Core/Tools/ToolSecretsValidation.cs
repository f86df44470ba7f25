using Microsoft.Extensions.Options;

namespace ChatAgent.Core.Tools;

/// <summary>An empty <c>Tools:Secrets:&lt;name&gt;</c> would sign http tool calls with an empty key: refused at start.</summary>
public sealed class ToolSecretsValidation : IValidateOptions<ToolSecretsOptions>
{
    public ValidateOptionsResult Validate(string? name, ToolSecretsOptions options)
    {
        var empty = options.Secrets.Where(s => string.IsNullOrWhiteSpace(s.Value)).Select(s => $"Tools:Secrets:{s.Key} is empty; set the HMAC secret the tool's server checks, or remove the key.").ToList();
        return empty.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(empty);
    }
}
