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
    public string? BaseUrl { get; set; }

    /// <summary>Empty is unset (docker-compose.yml passes an empty value through); anything else must be an http(s) URL.</summary>
    public bool HasUsableBaseUrl => string.IsNullOrWhiteSpace(BaseUrl)
        || (Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps));
}
