using System.Text.Json.Serialization;

namespace ChatAgent.Core.Tools;

/// <summary>How the loop treats a tool call (factor 8): the loop branches on this explicitly.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ToolKind>))]
public enum ToolKind
{
    /// <summary>Run it now and go on.</summary>
    [JsonStringEnumMemberName("immediate")] Immediate,
    /// <summary>Ask people first; run only after a grant.</summary>
    [JsonStringEnumMemberName("requires_approval")] RequiresApproval,
    /// <summary>Ask a person a question; the answer is the result.</summary>
    [JsonStringEnumMemberName("human")] Human,
    /// <summary>The thread ends.</summary>
    [JsonStringEnumMemberName("terminal")] Terminal,
}
