using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace ChatAgent.Core.Tests.Runtime;

/// <summary>
/// The model's side of the network boundary: answers each call with the next queued response (or throws the
/// queued exception) and records the messages it was sent, so tests can assert on what the model saw.
/// </summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly ConcurrentQueue<Func<ChatResponse>> _script = new();

    public List<IReadOnlyList<ChatMessage>> Calls { get; } = [];

    public List<ChatOptions?> Options { get; } = [];

    public ScriptedChatClient Then(params AIContent[] contents)
    {
        _script.Enqueue(() => new ChatResponse(new ChatMessage(ChatRole.Assistant, [.. contents])));
        return this;
    }

    public ScriptedChatClient ThenCall(string tool, IDictionary<string, object?> arguments, string callId = "call_1") =>
        Then(new FunctionCallContent(callId, tool, arguments));

    public ScriptedChatClient ThenCall(string tool, object arguments) =>
        ThenCall(tool, System.Text.Json.JsonSerializer.SerializeToElement(arguments).EnumerateObject()
            .ToDictionary(p => p.Name, p => (object?)p.Value));

    /// <summary>The same answer <paramref name="times"/> times.</summary>
    public ScriptedChatClient Repeat(int times, Action<ScriptedChatClient> answer)
    {
        for (var i = 0; i < times; i++) answer(this);
        return this;
    }

    public ScriptedChatClient ThenThrow(Exception exception)
    {
        _script.Enqueue(() => throw exception);
        return this;
    }

    /// <summary>The user message (the rendered context) of call <paramref name="index"/>.</summary>
    public string ContextOf(int index) => Calls[index].Last(m => m.Role == ChatRole.User).Text;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add([.. messages]);
        Options.Add(options);
        if (!_script.TryDequeue(out var next)) throw new InvalidOperationException("The script has no more responses.");
        return Task.FromResult(next());
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The planner does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
