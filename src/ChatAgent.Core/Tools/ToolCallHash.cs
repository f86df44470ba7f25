using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ChatAgent.Core.Tools;

/// <summary>
/// Identifies a proposed call by content: sha256 over the tool name, a newline and the parameters'
/// <see cref="CanonicalJson"/>, as lowercase hex. An approval is bound to this hash, so a call whose
/// parameters changed after the grant does not match it.
/// </summary>
public static class ToolCallHash
{
    public static string Compute(string tool, JsonElement parameters)
    {
        var text = tool + "\n" + CanonicalJson.Serialize(parameters);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
