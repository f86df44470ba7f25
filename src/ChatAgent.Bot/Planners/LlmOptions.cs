using System.ComponentModel.DataAnnotations;

namespace ChatAgent.Bot.Planners;

/// <summary>Configuration <c>Llm:*</c>: which planner decides the steps.</summary>
public sealed class LlmOptions
{
    public const string Section = "Llm";

    /// <summary><c>offline</c> (default: follows each agent's plan, no network), <c>openai</c> or <c>anthropic</c>.</summary>
    [RegularExpression("^(?i)(offline|openai|anthropic|ollama)$", ErrorMessage = "Llm:Provider must be offline, openai, anthropic or ollama.")]
    public string Provider { get; set; } = "offline";

    public string? Model { get; set; }

    /// <summary>The provider's API key. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Any OpenAI-compatible server (Ollama, vLLM, a proxy), or another Anthropic endpoint.</summary>
    [Url(ErrorMessage = "Llm:BaseUrl must be an absolute http(s) URL, such as http://localhost:11434/v1.")]
    public string? BaseUrl { get; set; }
}
