using ChatAgent.Bot.Api;
using Microsoft.Extensions.Options;

namespace ChatAgent.Bot.Security;

/// <summary>
/// An <c>Api:Keys:&lt;name&gt;</c> entry with grants but no key is a key someone meant to set: refused at start rather
/// than dropped (which would leave its clients answered 401 with no hint why).
/// </summary>
public sealed class ApiKeysValidation(IConfiguration configuration) : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var keyless = configuration.GetSection("Api:Keys").GetChildren()
            .Where(k => string.IsNullOrWhiteSpace(k.Value) && string.IsNullOrWhiteSpace(k["Key"]) && k.GetSection("ActAs").GetChildren().Any())
            .Select(k => $"Api:Keys:{k.Key} has ActAs grants but no Key; set Api__Keys__{k.Key}__Key to the key's secret.")
            .ToList();
        return keyless.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(keyless);
    }
}
