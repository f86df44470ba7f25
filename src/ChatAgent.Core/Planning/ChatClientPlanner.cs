using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace ChatAgent.Core.Planning;

/// <summary>
/// A model behind Microsoft.Extensions.AI's <see cref="IChatClient"/> (OpenAI, any OpenAI-compatible server,
/// Anthropic). The model sees the rendered prompt, the structured context and the agent's tool declarations
/// only, and must answer with exactly one tool call; anything else becomes an error fed back to it.
/// </summary>
public sealed class ChatClientPlanner(IChatClient client, string name) : IPlanner
{
    public string Name { get; } = name;

    public async Task<PlannerDecision> DecideAsync(PlanningContext context, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, PromptRenderer.Render(context.Agent.Prompt, context.Agent, context.Tools, context.State)),
            new(ChatRole.User, context.History is { } history
                ? ContextBuilder.Render(context.Agent, context.State, history, context.Tools)
                : ContextBuilder.Render(context.Agent, context.State, context.Events, context.Tools)),
        };
        var options = new ChatOptions
        {
            Tools = [.. context.Tools.Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, JsonDocument.Parse(t.ParametersSchema).RootElement))],
            ToolMode = ChatToolMode.RequireAny,
            AllowMultipleToolCalls = false,
        };

        ChatResponse response;
        try
        {
            response = await client.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return PlannerDecision.Invalid(ex.Message, $"The model call failed ({ex.GetType().Name}).", ex.Message);
        }

        var raw = RawOutput(response);
        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        if (calls.Count == 0)
        {
            var text = response.Text;
            return PlannerDecision.Invalid(raw, string.IsNullOrWhiteSpace(text)
                ? "The model gave an empty answer; answer with exactly one tool call."
                : "The model answered in text instead of a tool call; answer with exactly one tool call.", text);
        }
        if (calls.Count > 1)
            return PlannerDecision.Invalid(raw, $"The model proposed {calls.Count} tool calls at once ({string.Join(", ", calls.Select(c => c.Name))}); exactly one is allowed per step.");
        var call = calls[0];
        if (call.Exception is not null)
            return PlannerDecision.Invalid(raw, $"The arguments for '{call.Name}' are not valid JSON.", call.Exception.Message);
        var parameters = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions);
        return PlannerDecision.Call(raw, call.Name, parameters, string.IsNullOrWhiteSpace(response.Text) ? null : response.Text.Trim());
    }

    /// <summary>What the model returned, kept verbatim-as-possible on the <c>model_decision</c> event.</summary>
    private static string RawOutput(ChatResponse response)
    {
        var array = new JsonArray();
        foreach (var content in response.Messages.SelectMany(m => m.Contents))
        {
            array.Add(content switch
            {
                TextContent t => new JsonObject { ["text"] = t.Text },
                FunctionCallContent f => new JsonObject
                {
                    ["tool_call"] = f.Name,
                    ["arguments"] = JsonSerializer.SerializeToNode(f.Arguments, AIJsonUtilities.DefaultOptions),
                    ["error"] = f.Exception?.Message,
                },
                _ => new JsonObject { ["content"] = content.GetType().Name },
            });
        }
        return array.ToJsonString();
    }
}
