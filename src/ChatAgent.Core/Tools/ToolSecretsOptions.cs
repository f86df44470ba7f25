namespace ChatAgent.Core.Tools;

/// <summary>HMAC secrets for http tools, by <see cref="RunnerSpec.SecretName"/> (or the tool's name); configuration <c>Tools:Secrets:&lt;name&gt;</c>.</summary>
public sealed class ToolSecretsOptions
{
    public const string Section = "Tools";

    public Dictionary<string, string> Secrets { get; set; } = new(StringComparer.Ordinal);
}
