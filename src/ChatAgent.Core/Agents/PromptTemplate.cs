using System.Security.Cryptography;
using System.Text;

namespace ChatAgent.Core.Agents;

/// <summary>
/// A prompt file (factor 2): plain text with <c>{{placeholders}}</c>. <see cref="Hash"/> (sha256 of the
/// file's content, first 16 hex chars) is recorded on every <c>model_decision</c>, so each decision names the prompt it used.
/// </summary>
public sealed record PromptTemplate(string Path, string Text)
{
    public string Hash { get; } = ComputeHash(Text);

    public static string ComputeHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}
