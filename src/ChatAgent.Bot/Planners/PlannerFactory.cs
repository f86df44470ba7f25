using System.ClientModel;
using Anthropic;
using ChatAgent.Core.Planning;
using Microsoft.Extensions.AI;
using OpenAI;

namespace ChatAgent.Bot.Planners;

/// <summary>Builds the configured planner: offline, or a model through Microsoft.Extensions.AI's <see cref="IChatClient"/>.</summary>
public static class PlannerFactory
{
    /// <summary>The ActivitySource and Meter name of model calls.</summary>
    public const string ModelTelemetrySource = "ChatAgent.Model";

    public static IPlanner Create(LlmOptions options, IServiceProvider services)
    {
        var provider = options.Provider.Trim().ToLowerInvariant();
        return provider == "offline" ? new OfflinePlanner() : ModelPlanner(options, provider, services);
    }

    /// <summary>
    /// Its own method, never inlined: the JIT loads the assemblies a method names when it compiles it, so an offline bot
    /// never loads the model SDKs (Anthropic, OpenAI, Microsoft.Extensions.AI: ~3.5 MB of its working set).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static IPlanner ModelPlanner(LlmOptions options, string provider, IServiceProvider services)
    {
        var model = string.IsNullOrWhiteSpace(options.Model)
            ? throw new InvalidOperationException($"Llm:Model is required when Llm:Provider is {provider}.")
            : options.Model;
        var client = provider switch
        {
            "openai" or "ollama" => OpenAiClient(options, provider, model),
            "anthropic" => new AnthropicClient
            {
                ApiKey = options.ApiKey ?? throw new InvalidOperationException("Llm:ApiKey is required when Llm:Provider is anthropic."),
                BaseUrl = string.IsNullOrWhiteSpace(options.BaseUrl) ? "https://api.anthropic.com" : options.BaseUrl,
            }.AsIChatClient(model, defaultMaxOutputTokens: 1024),
            _ => throw new InvalidOperationException($"Unknown Llm:Provider '{options.Provider}'."),
        };
        var loggerFactory = services.GetService<ILoggerFactory>();
        // gen_ai spans and token metrics (prompts and answers are not recorded: EnableSensitiveData stays off).
        var chat = client.AsBuilder().UseLogging(loggerFactory).UseOpenTelemetry(loggerFactory, ModelTelemetrySource).Build(services);
        return new ChatClientPlanner(chat, $"{provider}:{model}");
    }

    private static IChatClient OpenAiClient(LlmOptions options, string provider, string model)
    {
        var endpoint = !string.IsNullOrWhiteSpace(options.BaseUrl) ? new Uri(options.BaseUrl)
            : provider == "ollama" ? new Uri("http://localhost:11434/v1") : null;
        var key = options.ApiKey ?? (endpoint is null
            ? throw new InvalidOperationException("Llm:ApiKey is required for OpenAI (or set Llm:BaseUrl for an OpenAI-compatible server).")
            : "unused");
        var clientOptions = new OpenAIClientOptions();
        if (endpoint is not null) clientOptions.Endpoint = endpoint;
        return new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(key), clientOptions).AsIChatClient();
    }
}
